/*
 * passdb-static.c - the static passdb: every user exists, with the
 * password (or nopassword) and fields given in args, e.g.
 * "password=secret" or "nopassword=y allow_nets=10.0.0.0/8".
 */
#include "lib.h"
#include "passdb.h"
#include "auth-request.h"

static int static_passdb_init(struct passdb_module *module, const char *args,
	const char **error_r)
{
	/* The password in args is plaintext unless it has a {SCHEME}. */
	module->default_pass_scheme = "PLAIN";
	module->context = arena_strdup(module->arena, args);
	return 0;
}

static enum passdb_result
static_passdb_lookup(struct passdb_module *module,
	struct auth_request *request, const char **password_r)
{
	const char *args = module->context;

	*password_r = NULL;
	auth_request_log_debug(request, AUTH_SUBSYS_DB, "lookup");
	/* password= (and the other fields) are processed as passdb fields;
	   the chain picks the password up from there. */
	auth_request_set_fields_str(request, args, false);
	if (!request->passdb_password_set && !request->nopassword) {
		auth_request_log_info(request, AUTH_SUBSYS_DB,
			"No password returned (and no nopassword)");
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	return PASSDB_RESULT_OK;
}

const struct passdb_ops passdb_static = {
	.name = "static",
	.blocking = false,
	.init = static_passdb_init,
	.deinit = NULL,
	.lookup = static_passdb_lookup,
};
