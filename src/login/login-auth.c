/*
 * login-auth.c - relaying a client's SASL exchange to the auth server
 * (auth-client.h) and turning the outcome into a protocol result or a
 * hand-off to the post-login process.
 */
#include "lib.h"
#include "str.h"
#include "conn.h"
#include "auth-base64.h"
#include "auth-client.h"
#include "login-common.h"

#include <time.h>

static void login_auth_callback(struct auth_client_request *request,
	enum auth_client_status status, const char *data_base64,
	const char *const *args, void *context);

static bool auth_base64_is_valid_str(const char *str)
{
	unsigned char *data;
	size_t size;
	bool valid;

	SCRATCH_BEGIN {
		valid = auth_base64_decode(scratch_arena(), str, strlen(str),
			&data, &size) == 0;
	} SCRATCH_END;
	return valid;
}

void login_auth_count_failed_attempt(struct login_client *client,
	const char *user, enum login_auth_fail_code code)
{
	client->auth_attempts++;
	if (client->auth_first_started == 0)
		client->auth_first_started = time(NULL);
	if (user != NULL)
		login_client_set_user(client, user);
	client->last_auth_fail = code;
}

static void auth_verbose_fail(struct login_client *client, const char *text)
{
	if (!client->set.auth_verbose)
		return;
	SCRATCH_BEGIN {
		login_client_log(client, t_printf("Authenticate %s failed: %s",
			client->auth_mech_name, text));
	} SCRATCH_END;
}

/* Ends the attempt without success and lets the client go on. */
static void auth_fail(struct login_client *client,
	enum login_auth_result result, const char *text)
{
	client->auth_waiting = false;
	client->binary->auth_result(client, result, text);
	if (!client->destroyed && client->conn != NULL) {
		/* Process any pipelined input from the loop. */
		conn_input_resume(client->conn);
	}
}

void login_auth_begin(struct login_client *client, const char *mech,
	const char *resp_base64)
{
	struct auth_client_request_info info;
	const struct auth_mech_desc *desc;
	char lip[INET6_ADDRSTRLEN + 1] = "", rip[INET6_ADDRSTRLEN + 1] = "";

	i_assert(client->auth_request == NULL);
	login_client_set_mech(client, mech);
	client->auth_attempts++;
	if (client->auth_first_started == 0)
		client->auth_first_started = time(NULL);
	client->auth_try_aborted = false;

	desc = auth_client_find_mech(login_process->auth_client, mech);
	if (desc == NULL || (desc->flags & AUTH_MECH_FLAG_PRIVATE) != 0) {
		client->last_auth_fail = LOGIN_AUTH_FAIL_MECH_INVALID;
		auth_verbose_fail(client,
			"Unsupported authentication mechanism.");
		auth_fail(client, LOGIN_AUTH_RESULT_MECH_INVALID,
			"Unsupported authentication mechanism.");
		return;
	}
	if ((desc->flags & AUTH_MECH_FLAG_PLAINTEXT) != 0 &&
	    login_client_plaintext_disabled(client)) {
		client->last_auth_fail = LOGIN_AUTH_FAIL_MECH_SSL_REQUIRED;
		auth_verbose_fail(client, "Plaintext authentication disabled.");
		auth_fail(client, LOGIN_AUTH_RESULT_MECH_SSL_REQUIRED,
			"Plaintext authentication disabled.");
		return;
	}
	if (resp_base64 != NULL && *resp_base64 != '\0' &&
	    !auth_base64_is_valid_str(resp_base64)) {
		client->last_auth_fail = LOGIN_AUTH_FAIL_INVALID_BASE64;
		auth_verbose_fail(client, "Invalid base64 in response");
		auth_fail(client, LOGIN_AUTH_RESULT_INVALID_BASE64,
			"Invalid base64 in response");
		return;
	}

	if (client->local_ip.family != 0)
		(void)i_strlcpy(lip, net_ip2str(&client->local_ip),
			sizeof(lip));
	if (client->remote_ip.family != 0)
		(void)i_strlcpy(rip, net_ip2str(&client->remote_ip),
			sizeof(rip));
	memset(&info, 0, sizeof(info));
	info.mech = desc->name;
	info.service = client->binary->protocol;
	info.session_id = client->session_id;
	info.local_ip = lip[0] == '\0' ? NULL : lip;
	info.remote_ip = rip[0] == '\0' ? NULL : rip;
	info.local_port = client->local_port;
	info.remote_port = client->remote_port;
	info.secured = client->secured;
	info.debug = client->set.auth_debug;
	info.initial_resp_base64 = resp_base64;

	conn_input_pause(client->conn);
	client->auth_request = auth_client_request_new(
		login_process->auth_client, &info, login_auth_callback, client);
}

void login_auth_continue(struct login_client *client, const char *line)
{
	i_assert(client->auth_waiting && client->auth_request != NULL);

	client->auth_waiting = false;
	if (strcmp(line, "*") != 0)
		client->auth_waiting_log = false;
	if (strcmp(line, "*") == 0) {
		auth_client_request_abort(&client->auth_request);
		client->auth_try_aborted = true;
		auth_fail(client, LOGIN_AUTH_RESULT_ABORTED,
			"Authentication aborted by client.");
		return;
	}
	if (!auth_base64_is_valid_str(line)) {
		/* Unlike a bad initial response, Dovecot does not record
		   this as the last failure: the attempt counts as failed. */
		auth_client_request_abort(&client->auth_request);
		auth_verbose_fail(client, "Invalid base64 in response");
		auth_fail(client, LOGIN_AUTH_RESULT_INVALID_BASE64,
			"Invalid base64 in response");
		return;
	}
	conn_input_pause(client->conn);
	auth_client_request_continue(client->auth_request, line);
}

void login_auth_abort(struct login_client *client)
{
	if (client->auth_request != NULL)
		auth_client_request_abort(&client->auth_request);
	client->auth_waiting = false;
}

static const char *args_get(const char *const *args, const char *key)
{
	size_t len = strlen(key);
	unsigned int i;

	for (i = 0; args != NULL && args[i] != NULL; i++) {
		if (strncmp(args[i], key, len) == 0 &&
		    (args[i][len] == '=' || args[i][len] == '\0'))
			return args[i][len] == '=' ? args[i] + len + 1 : "";
	}
	return NULL;
}

static const char *tempfail_text(void)
{
	char host[256], stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host)) < 0)
		(void)i_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	return t_printf("%s [%s:%s]", LOGIN_AUTH_TEMP_FAILED_MSG, host, stamp);
}

static void auth_handle_fail(struct login_client *client,
	const char *const *args)
{
	const char *user = args_get(args, "user");
	const char *reason = args_get(args, "reason");
	const char *code = args_get(args, "code");

	if (user != NULL)
		login_client_set_user(client, user);
	SCRATCH_BEGIN {
		if (args_get(args, "temp") != NULL) {
			client->last_auth_fail = LOGIN_AUTH_FAIL_TEMPFAIL;
			auth_fail(client, LOGIN_AUTH_RESULT_TEMPFAIL,
				tempfail_text());
		} else if (args_get(args, "authz") != NULL ||
			   (code != NULL && strcmp(code, "authz_fail") == 0)) {
			client->last_auth_fail = LOGIN_AUTH_FAIL_AUTHZFAILED;
			auth_fail(client, LOGIN_AUTH_RESULT_AUTHZFAILED,
				reason != NULL ? reason :
				"Authorization failed");
		} else if (args_get(args, "user_disabled") != NULL ||
			   (code != NULL &&
			    strcmp(code, "user_disabled") == 0)) {
			client->last_auth_fail = LOGIN_AUTH_FAIL_USER_DISABLED;
			auth_fail(client, LOGIN_AUTH_RESULT_AUTHFAILED_REASON,
				"Account is temporarily unavailable.");
		} else if (args_get(args, "pass_expired") != NULL ||
			   (code != NULL &&
			    strcmp(code, "password_expired") == 0)) {
			client->last_auth_fail = LOGIN_AUTH_FAIL_PASS_EXPIRED;
			auth_fail(client, LOGIN_AUTH_RESULT_PASS_EXPIRED,
				"Password expired.");
		} else if (reason != NULL) {
			auth_fail(client, LOGIN_AUTH_RESULT_AUTHFAILED_REASON,
				reason);
		} else {
			auth_fail(client, LOGIN_AUTH_RESULT_AUTHFAILED,
				LOGIN_AUTH_FAILED_MSG);
		}
	} SCRATCH_END;
}

static void auth_handle_ok(struct login_client *client,
	struct auth_client_request *request, const char *const *args)
{
	const char *user = args_get(args, "user");
	const char *reason;

	if (user != NULL)
		login_client_set_user(client, user);
	if (args_get(args, "nologin") != NULL ||
	    args_get(args, "proxy") != NULL ||
	    args_get(args, "host") != NULL) {
		/* Proxying and referrals are not implemented yet: never let
		   a "nologin" passdb result log the user in. */
		reason = args_get(args, "reason");
		if (args_get(args, "proxy") != NULL)
			i_error("Login for user %s wants proxying, "
				"which is not supported", client->virtual_user);
		client->last_auth_fail = LOGIN_AUTH_FAIL_LOGIN_DISABLED;
		auth_fail(client, LOGIN_AUTH_RESULT_AUTHFAILED_REASON,
			reason != NULL && *reason != '\0' ? reason :
			"Login disabled for this user");
		return;
	}
	client->auth_successes++;
	client->authenticating = true;
	login_postlogin_start(client,
		auth_client_request_get_server_pid(request),
		auth_client_request_get_id(request),
		auth_client_request_get_cookie(request));
}

static void login_auth_callback(struct auth_client_request *request,
	enum auth_client_status status, const char *data_base64,
	const char *const *args, void *context)
{
	struct login_client *client = context;

	if (status != AUTH_CLIENT_STATUS_CONTINUE)
		client->auth_request = NULL;
	if (client->destroyed)
		return;

	switch (status) {
	case AUTH_CLIENT_STATUS_CONTINUE:
		client->auth_waiting = true;
		client->auth_waiting_log = true;
		client->binary->auth_send_challenge(client,
			data_base64 == NULL ? "" : data_base64);
		/* The answer arrives as a line of input. */
		conn_input_resume(client->conn);
		break;
	case AUTH_CLIENT_STATUS_OK:
		auth_handle_ok(client, request, args);
		break;
	case AUTH_CLIENT_STATUS_FAIL:
		auth_handle_fail(client, args);
		break;
	case AUTH_CLIENT_STATUS_INTERNAL_FAIL:
		client->auth_process_comm_fail = true;
		SCRATCH_BEGIN {
			auth_fail(client, LOGIN_AUTH_RESULT_TEMPFAIL,
				tempfail_text());
		} SCRATCH_END;
		break;
	}
}
