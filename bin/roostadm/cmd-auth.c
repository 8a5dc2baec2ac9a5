/*
 * cmd-auth.c - roostadm auth test (a SASL PLAIN login over the auth client
 * socket, as a login process would do it) and roostadm auth lookup (a
 * passdb lookup without password over the auth-userdb socket), with
 * doveadm 2.3's output and exit codes.
 */
#include "lib.h"
#include "auth-client.h"
#include "auth-master.h"
#include "adm.h"
#include "adm-askpass.h"
#include "adm-auth-info.h"
#include "adm-commands.h"
#include "adm-lookup.h"

#define AUTH_TEST_TIMEOUT_MSECS (30 * 1000)

void cmd_auth_test(struct adm_cmd_context *cctx)
{
	const char *socket_path = adm_args_get(&cctx->args, 'a');
	const char *master_user = adm_args_get(&cctx->args, 'M');
	const char *user = cctx->args.args[0];
	const char *password = cctx->args.args[1];
	struct auth_client_request_info req;
	struct adm_auth_info info;
	const char *const *fields;
	const char *error;
	struct arena *secret;
	int ret;

	adm_cmd_auth_info(cctx, &info);
	if (socket_path == NULL)
		socket_path = adm_base_path(cctx->adm, "auth-client");
	secret = arena_create("auth test secret", 1024);
	if (password == NULL &&
	    adm_askpass("Password: ", -1, secret, &password, &error) < 0)
		adm_fatal("%s", error);

	memset(&req, 0, sizeof(req));
	req.mech = "PLAIN";
	req.service = info.service;
	req.session_id = info.session_id;
	req.local_ip = info.local_ip;
	req.remote_ip = info.remote_ip;
	req.local_port = info.local_port;
	req.remote_port = info.remote_port;
	req.local_name = info.local_name;
	req.debug = cctx->adm->debug;
	req.extra_params = info.extra;

	ret = auth_client_test_plain(socket_path, &req, user, master_user,
		password, AUTH_TEST_TIMEOUT_MSECS, cctx->arena, &fields,
		&error);
	arena_destroy_clean(&secret);
	if (ret < 0) {
		/* doveadm logs the connection error and exits with
		   EX_NOPERM without a "passdb:" line. */
		i_error("%s", error);
		adm_set_exit(cctx->adm, ADM_EX_NOPERM);
		return;
	}
	adm_write_auth_test(stdout, user, ret > 0, fields);
	if (ret == 0)
		adm_set_exit(cctx->adm, ADM_EX_NOPERM);
}

void cmd_auth_lookup(struct adm_cmd_context *cctx)
{
	const char *socket_path = adm_args_get(&cctx->args, 'a');
	const char *show_field = adm_args_get(&cctx->args, 'f');
	struct auth_master_connection *conn;
	struct auth_user_info user_info;
	struct adm_auth_info info;

	adm_cmd_auth_info(cctx, &info);
	adm_cmd_user_info(cctx, &info, &user_info);
	if (socket_path == NULL)
		socket_path = adm_base_path(cctx->adm, "auth-userdb");
	conn = auth_master_init(socket_path,
		AUTH_MASTER_DEFAULT_TIMEOUT_MSECS);
	for (unsigned int i = 0; i < cctx->args.arg_count; i++) {
		const char *user = cctx->args.args[i];
		const char *const *fields;
		const char *error;
		int ret;

		if (i > 0)
			putchar('\n');
		ret = auth_master_pass_lookup(conn, user, &user_info,
			cctx->arena, &fields, &error);
		if (ret < 0) {
			i_error("passdb lookup failed for %s: %s", user, error);
			adm_set_exit(cctx->adm, ADM_EX_TEMPFAIL);
		} else if (ret == 0) {
			(void)fflush(stdout);
			fprintf(show_field == NULL ? stdout : stderr,
				"passdb lookup: user %s doesn't exist\n", user);
			adm_set_exit(cctx->adm, ADM_EX_NOUSER);
		} else if (show_field != NULL) {
			adm_write_lookup_field(stdout, show_field, fields);
		} else {
			adm_write_lookup(stdout, "passdb", user, NULL, fields);
		}
	}
	auth_master_deinit(&conn);
}
