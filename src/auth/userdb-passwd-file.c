/*
 * userdb-passwd-file.c - the passwd-file userdb: uid, gid and home from
 * their columns, and the userdb_* extra fields without their prefix
 * (other extra fields are passdb data and are ignored here).
 */
#include "lib.h"
#include "userdb.h"
#include "str.h"
#include "auth-request.h"
#include "db-passwd-file.h"

static int passwd_file_userdb_init(struct userdb_module *module,
	const char *args, const char **error_r)
{
	struct db_passwd_file *db;
	const char *scheme;

	if (db_passwd_file_init(args, true, &db, &scheme, error_r) < 0)
		return -1;
	module->context = db;
	return 0;
}

static void passwd_file_userdb_deinit(struct userdb_module *module)
{
	struct db_passwd_file *db = module->context;

	db_passwd_file_deinit(&db);
}

static enum userdb_result
passwd_file_userdb_lookup(struct userdb_module *module,
	struct auth_request *request)
{
	const struct passwd_user *pu;
	int ret;

	ret = db_passwd_file_lookup(module->context, request, &pu);
	if (ret < 0)
		return USERDB_RESULT_INTERNAL_FAILURE;
	if (ret == 0)
		return USERDB_RESULT_USER_UNKNOWN;
	if (pu->uid[0] != '\0')
		auth_request_set_userdb_field(request, "uid", pu->uid);
	if (pu->gid[0] != '\0')
		auth_request_set_userdb_field(request, "gid", pu->gid);
	if (pu->home[0] != '\0')
		auth_request_set_userdb_field(request, "home", pu->home);
	for (unsigned int i = 0; pu->extra_fields[i] != NULL; i++) {
		const char *field = pu->extra_fields[i];
		const char *eq;

		if (!str_begins(field, "userdb_"))
			continue;
		field += 7;
		eq = strchr(field, '=');
		if (eq == NULL)
			auth_request_set_userdb_field(request, field, NULL);
		else
			auth_request_set_userdb_field(request,
				t_strndup(field, (size_t)(eq - field)),
				eq + 1);
	}
	return USERDB_RESULT_OK;
}

static int passwd_file_userdb_iterate(struct userdb_module *module,
	userdb_iter_callback_t *callback, void *context)
{
	return db_passwd_file_iterate(module->context, callback, context);
}

const struct userdb_ops userdb_passwd_file = {
	.name = "passwd-file",
	.blocking = false,
	.init = passwd_file_userdb_init,
	.deinit = passwd_file_userdb_deinit,
	.lookup = passwd_file_userdb_lookup,
	.iterate = passwd_file_userdb_iterate,
};
