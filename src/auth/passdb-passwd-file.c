/*
 * passdb-passwd-file.c - the passwd-file passdb: the password column and
 * the extra fields (userdb_* ones go to the userdb reply, as prefetch).
 */
#include "lib.h"
#include "passdb.h"
#include "auth-request.h"
#include "db-passwd-file.h"

static int passwd_file_passdb_init(struct passdb_module *module,
	const char *args, const char **error_r)
{
	struct db_passwd_file *db;
	const char *scheme;

	if (db_passwd_file_init(args, false, &db, &scheme, error_r) < 0)
		return -1;
	if (scheme != NULL)
		module->default_pass_scheme = arena_strdup(module->arena,
			scheme);
	module->context = db;
	return 0;
}

static void passwd_file_passdb_deinit(struct passdb_module *module)
{
	struct db_passwd_file *db = module->context;

	db_passwd_file_deinit(&db);
}

static enum passdb_result
passwd_file_passdb_lookup(struct passdb_module *module,
	struct auth_request *request, const char **password_r)
{
	const struct passwd_user *pu;
	int ret;

	ret = db_passwd_file_lookup(module->context, request, &pu);
	if (ret < 0)
		return PASSDB_RESULT_INTERNAL_FAILURE;
	if (ret == 0)
		return PASSDB_RESULT_USER_UNKNOWN;
	*password_r = pu->password;
	/* The uid/gid/home columns are left to the userdb, as Dovecot
	   does; only extra fields are returned. */
	for (unsigned int i = 0; pu->extra_fields[i] != NULL; i++) {
		const char *field = pu->extra_fields[i];
		const char *eq = strchr(field, '=');

		if (eq == NULL)
			auth_request_set_field(request, field, NULL);
		else
			auth_request_set_field(request,
				t_strndup(field, (size_t)(eq - field)),
				eq + 1);
	}
	return PASSDB_RESULT_OK;
}

const struct passdb_ops passdb_passwd_file = {
	.name = "passwd-file",
	.blocking = false,
	.init = passwd_file_passdb_init,
	.deinit = passwd_file_passdb_deinit,
	.lookup = passwd_file_passdb_lookup,
};
