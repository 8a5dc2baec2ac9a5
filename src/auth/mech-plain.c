/*
 * mech-plain.c - SASL PLAIN (RFC 4616): one response holding
 * authzid NUL authcid NUL password.  Without an initial response the
 * server sends an empty challenge first.
 */
#include "lib.h"
#include "mech.h"
#include "auth-request.h"

static void plain_verify_callback(enum passdb_result result,
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

static void mech_plain_auth_continue(struct auth_request *request,
	const unsigned char *data, size_t size)
{
	const char *authzid, *authcid = NULL, *pass = NULL, *error;
	unsigned int nuls = 0;
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] != '\0')
			continue;
		nuls++;
		if (nuls == 1)
			authcid = (const char *)data + i + 1;
		else if (nuls == 2)
			pass = (const char *)data + i + 1;
	}
	if (nuls != 2) {
		auth_request_log_info(request, AUTH_SUBSYS_MECH,
			"invalid input");
		auth_request_fail(request);
		return;
	}
	/* The password runs to the end of data, which has no NUL after it:
	   copy it out as a string. */
	authzid = t_strndup(data, (size_t)(authcid - 1 - (const char *)data));
	authcid = t_strdup(authcid);
	pass = t_strndup(pass, size - (size_t)(pass - (const char *)data));

	if (!auth_request_set_username(request, authcid, &error)) {
		auth_request_log_info(request, AUTH_SUBSYS_MECH, "%s", error);
		auth_request_fail(request);
		return;
	}
	if (authzid[0] != '\0' && strcmp(authzid, authcid) != 0 &&
	    !auth_request_set_login_username(request, authzid, &error)) {
		auth_request_log_info(request, AUTH_SUBSYS_MECH,
			"login user: %s", error);
		auth_request_fail(request);
		return;
	}
	auth_request_verify_plain(request, pass, plain_verify_callback);
	explicit_bzero((char *)pass, strlen(pass));
}

static void mech_plain_auth_initial(struct auth_request *request,
	const unsigned char *data, size_t size)
{
	if (data == NULL)
		auth_request_continue(request, "", 0);
	else
		mech_plain_auth_continue(request, data, size);
}

const struct mech_module mech_plain = {
	.name = "PLAIN",
	.flags = "plaintext",
	.auth_initial = mech_plain_auth_initial,
	.auth_continue = mech_plain_auth_continue,
};
