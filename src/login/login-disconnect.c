/*
 * login-disconnect.c - the "(...)" part of a login process's Disconnected
 * line, chosen by Dovecot 2.3's rules from the client's authentication
 * history ("no auth attempts in 3 secs", "auth failed, 2 attempts in 5
 * secs", ...).  Kept apart so that it can be tested without a client.
 */
#include "lib.h"
#include "login-common.h"

#include <time.h>

const char *login_client_get_disconnect_extra(struct login_client *client)
{
	return login_disconnect_extra_at(client, time(NULL));
}

const char *login_disconnect_extra_at(const struct login_client *client,
	time_t now)
{
	unsigned int auth_secs = client->auth_first_started == 0 ? 0 :
		(unsigned int)(now - client->auth_first_started);
	unsigned int conn_secs = (unsigned int)(now - client->created);

	if (client->auth_process_comm_fail)
		return "(auth process communication failure)";
	if (client->auth_successes > 0) {
		return t_printf("(internal failure, %u successful auths)",
			client->auth_successes);
	}
	switch (client->last_auth_fail) {
	case LOGIN_AUTH_FAIL_AUTHZFAILED:
		return t_printf("(authorization failed, %u attempts in %u "
			"secs)", client->auth_attempts, auth_secs);
	case LOGIN_AUTH_FAIL_TEMPFAIL:
		return "(auth service reported temporary failure)";
	case LOGIN_AUTH_FAIL_USER_DISABLED:
		return "(user disabled)";
	case LOGIN_AUTH_FAIL_PASS_EXPIRED:
		return "(password expired)";
	case LOGIN_AUTH_FAIL_INVALID_BASE64:
		return "(sent invalid base64 in response)";
	case LOGIN_AUTH_FAIL_LOGIN_DISABLED:
		return "(login disabled)";
	case LOGIN_AUTH_FAIL_MECH_INVALID:
		return "(tried to use unsupported auth mechanism)";
	case LOGIN_AUTH_FAIL_MECH_SSL_REQUIRED:
		return "(tried to use disallowed plaintext auth)";
	case LOGIN_AUTH_FAIL_NONE:
		break;
	}
	if (client->auth_attempts == 0) {
		if (!client->notified_auth_ready) {
			return t_printf("(disconnected before auth was ready, "
				"waited %u secs)", conn_secs);
		}
		return t_printf("(no auth attempts in %u secs)", conn_secs);
	}
	if (client->auth_waiting_log && client->auth_attempts == 1) {
		return t_printf("(client didn't finish SASL auth, "
			"waited %u secs)", auth_secs);
	}
	if (client->auth_request != NULL && client->auth_attempts == 1) {
		return t_printf("(disconnected while authenticating, "
			"waited %u secs)", auth_secs);
	}
	if (client->authenticating && client->auth_attempts == 1) {
		return t_printf("(disconnected while finishing login, "
			"waited %u secs)", auth_secs);
	}
	if (client->auth_try_aborted && client->auth_attempts == 1)
		return "(aborted authentication)";
	return t_printf("(auth failed, %u attempts in %u secs)",
		client->auth_attempts, auth_secs);
}

