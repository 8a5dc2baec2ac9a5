/*
 * mech-login.c - the non-standard LOGIN mechanism: the server asks
 * "Username:" and "Password:" and the client answers each.  An initial
 * response, when given, is the user name.
 */
#include "lib.h"
#include "mech.h"
#include "auth-request.h"

#define LOGIN_STATE_USERNAME 0
#define LOGIN_STATE_PASSWORD 1

static void login_verify_callback(enum passdb_result result,
	struct auth_request *request)
{
	switch (result) {
	case PASSDB_RESULT_OK:
		auth_request_success(request, "", 0);
		break;
	case PASSDB_RESULT_INTERNAL_FAILURE:
		auth_request_internal_failure(request);
		break;
	default:
		auth_request_fail(request);
		break;
	}
}

static void mech_login_auth_continue(struct auth_request *request,
	const unsigned char *data, size_t size)
{
	static const char prompt2[] = "Password:";
	const char *value, *error;

	if (memchr(data, '\0', size) != NULL) {
		auth_request_log_info(request, AUTH_SUBSYS_MECH,
			"invalid input");
		auth_request_fail(request);
		return;
	}
	value = t_strndup(data, size);
	if (request->mech_state == LOGIN_STATE_USERNAME) {
		if (!auth_request_set_username(request, value, &error)) {
			auth_request_log_info(request, AUTH_SUBSYS_MECH, "%s",
				error);
			auth_request_fail(request);
			return;
		}
		request->mech_state = LOGIN_STATE_PASSWORD;
		auth_request_continue(request, prompt2, strlen(prompt2));
	} else {
		auth_request_verify_plain(request, value,
			login_verify_callback);
		explicit_bzero((char *)value, size);
	}
}

static void mech_login_auth_initial(struct auth_request *request,
	const unsigned char *data, size_t size)
{
	static const char prompt1[] = "Username:";

	request->mech_state = LOGIN_STATE_USERNAME;
	if (size == 0)
		auth_request_continue(request, prompt1, strlen(prompt1));
	else
		mech_login_auth_continue(request, data, size);
}

const struct mech_module mech_login = {
	.name = "LOGIN",
	.flags = "plaintext",
	.auth_initial = mech_login_auth_initial,
	.auth_continue = mech_login_auth_continue,
};
