/*
 * passdb.c - the table of passdb drivers and module creation.
 */
#include "lib.h"
#include "auth-settings.h"
#include "passdb.h"

static const struct passdb_ops *const passdb_drivers[] = {
	&passdb_passwd_file,
	&passdb_static,
};

const struct passdb_ops *passdb_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(passdb_drivers); i++) {
		if (strcmp(passdb_drivers[i]->name, name) == 0)
			return passdb_drivers[i];
	}
	return NULL;
}

int passdb_module_create(const struct auth_passdb_settings *set,
	const char *default_pass_scheme, struct arena *arena,
	struct passdb_module **module_r, const char **error_r)
{
	const struct passdb_ops *ops = passdb_find(set->driver);
	struct passdb_module *module;

	if (ops == NULL) {
		*error_r = t_printf("Unknown passdb driver '%s'", set->driver);
		return -1;
	}
	if (ops->blocking) {
		*error_r = t_printf("passdb %s: blocking drivers need "
			"auth-worker processes, which are not supported yet",
			set->driver);
		return -1;
	}
	module = arena_new(arena, struct passdb_module, 1);
	module->ops = ops;
	module->set = set;
	module->arena = arena;
	module->default_pass_scheme = default_pass_scheme;
	if (ops->init(module, set->args, error_r) < 0) {
		*error_r = t_printf("passdb %s: %s", set->driver, *error_r);
		return -1;
	}
	*module_r = module;
	return 0;
}

void passdb_module_destroy(struct passdb_module *module)
{
	if (module->ops->deinit != NULL)
		module->ops->deinit(module);
}

const char *passdb_module_log_name(const struct passdb_module *module)
{
	return module->set->name[0] != '\0' ? module->set->name :
		module->ops->name;
}
