/*
 * userdb.c - the table of userdb drivers, module creation and uid/gid
 * parsing.
 */
#include "lib.h"
#include "str.h"
#include "auth-settings.h"
#include "userdb.h"

#include <grp.h>
#include <pwd.h>

static const struct userdb_ops *const userdb_drivers[] = {
	&userdb_passwd_file,
	&userdb_static,
};

const struct userdb_ops *userdb_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(userdb_drivers); i++) {
		if (strcmp(userdb_drivers[i]->name, name) == 0)
			return userdb_drivers[i];
	}
	return NULL;
}

int userdb_module_create(const struct auth_userdb_settings *set,
	struct arena *arena, struct userdb_module **module_r,
	const char **error_r)
{
	const struct userdb_ops *ops = userdb_find(set->driver);
	struct userdb_module *module;

	if (ops == NULL) {
		*error_r = t_printf("Unknown userdb driver '%s'", set->driver);
		return -1;
	}
	if (ops->blocking) {
		*error_r = t_printf("userdb %s: blocking drivers need "
			"auth-worker processes, which are not supported yet",
			set->driver);
		return -1;
	}
	module = arena_new(arena, struct userdb_module, 1);
	module->ops = ops;
	module->set = set;
	module->arena = arena;
	if (ops->init(module, set->args, error_r) < 0) {
		*error_r = t_printf("userdb %s: %s", set->driver, *error_r);
		return -1;
	}
	*module_r = module;
	return 0;
}

void userdb_module_destroy(struct userdb_module *module)
{
	if (module->ops->deinit != NULL)
		module->ops->deinit(module);
}

const char *userdb_module_log_name(const struct userdb_module *module)
{
	return module->set->name[0] != '\0' ? module->set->name :
		module->ops->name;
}

int userdb_parse_uid(const char *str, uid_t *uid_r)
{
	struct passwd pw, *result;
	char buf[4096];
	uint32_t num;

	if (str_to_uint32(str, &num) == 0) {
		if (num == (uint32_t)-1)
			return -1;
		*uid_r = (uid_t)num;
		return 0;
	}
	if (str[0] == '\0' || getpwnam_r(str, &pw, buf, sizeof(buf),
			&result) != 0 || result == NULL)
		return -1;
	*uid_r = pw.pw_uid;
	return 0;
}

int userdb_parse_gid(const char *str, gid_t *gid_r)
{
	struct group gr, *result;
	char buf[4096];
	uint32_t num;

	if (str_to_uint32(str, &num) == 0) {
		if (num == (uint32_t)-1)
			return -1;
		*gid_r = (gid_t)num;
		return 0;
	}
	if (str[0] == '\0' || getgrnam_r(str, &gr, buf, sizeof(buf),
			&result) != 0 || result == NULL)
		return -1;
	*gid_r = gr.gr_gid;
	return 0;
}
