/*
 * userdb-static.c - the static userdb: the same fields for every user from
 * args with %variables, e.g. "uid=vmail gid=vmail home=/var/vmail/%d/%n".
 * Without allow_all_users=yes a lookup that did not follow a successful
 * passdb authentication first asks the passdb chain whether the user
 * exists, as Dovecot does (so LMTP does not accept mail for anyone).
 */
#include "lib.h"
#include "userdb.h"
#include "str.h"
#include "auth-fields.h"
#include "auth-request.h"

struct static_userdb {
	const char *fields;  /* args without allow_all_users */
	bool allow_all_users;
};

static int static_userdb_init(struct userdb_module *module, const char *args,
	const char **error_r)
{
	struct static_userdb *ctx = arena_new(module->arena,
		struct static_userdb, 1);
	char **list = str_split(scratch_arena(), args, " ", true);
	const char *fields = "";

	for (unsigned int i = 0; list[i] != NULL; i++) {
		if (str_begins(list[i], "allow_all_users=")) {
			ctx->allow_all_users =
				auth_field_is_true(list[i] + 16);
		} else if (strcmp(list[i], "allow_all_users") == 0) {
			ctx->allow_all_users = true;
		} else if (strchr(list[i], '=') == NULL &&
			   strcmp(list[i], "blocking") != 0) {
			*error_r = t_printf("Invalid static userdb arg '%s' "
				"(expected key=value)", list[i]);
			return -1;
		} else {
			fields = t_printf("%s%s%s", fields,
				fields[0] == '\0' ? "" : " ", list[i]);
		}
	}
	ctx->fields = arena_strdup(module->arena, fields);
	module->context = ctx;
	return 0;
}

static void static_userdb_passdb_callback(enum passdb_result result,
	struct auth_request *request)
{
	/* The chain already left its verdict in passdb_success. */
	i_assert(request->passdb_success == (result == PASSDB_RESULT_OK));
}

static enum userdb_result
static_userdb_lookup(struct userdb_module *module,
	struct auth_request *request)
{
	struct static_userdb *ctx = module->context;
	const struct userdb_module *saved_userdb = request->userdb;

	if (!ctx->allow_all_users && !request->successful) {
		bool exists;

		auth_request_log_debug(request, AUTH_SUBSYS_DB,
			"checking if user exists from passdb");
		request->userdb_lookup = false;
		auth_request_lookup_pass(request,
			static_userdb_passdb_callback);
		exists = request->passdb_success;
		request->userdb_lookup = true;
		request->userdb = saved_userdb;
		if (!exists) {
			auth_request_log_unknown_user(request, AUTH_SUBSYS_DB);
			return USERDB_RESULT_USER_UNKNOWN;
		}
	}
	auth_request_set_fields_str(request, ctx->fields, true);
	return USERDB_RESULT_OK;
}

const struct userdb_ops userdb_static = {
	.name = "static",
	.blocking = false,
	.init = static_userdb_init,
	.deinit = NULL,
	.lookup = static_userdb_lookup,
	.iterate = NULL,
};
