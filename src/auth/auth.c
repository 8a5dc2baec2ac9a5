/*
 * auth.c - building the passdb/userdb chains and the mechanism list from
 * the settings.
 */
#include "lib.h"
#include "auth.h"
#include "str.h"
#include "auth-settings.h"
#include "mech.h"
#include "passdb.h"
#include "userdb.h"

int auth_create(const struct auth_settings *set, struct auth **auth_r,
	const char **error_r)
{
	struct arena *arena = arena_create("auth", 4096);
	struct auth *auth = arena_new(arena, struct auth, 1);
	char **mechs;

	auth->arena = arena;
	auth->set = set;
	array_init(&auth->passdbs, arena, 4);
	array_init(&auth->userdbs, arena, 4);
	array_init(&auth->mechs, arena, 4);

	mechs = str_split(scratch_arena(), set->mechanisms, " ,", true);
	for (unsigned int i = 0; mechs[i] != NULL; i++) {
		const struct mech_module *mech = mech_module_find(mechs[i]);

		if (mech == NULL) {
			*error_r = t_printf("Unknown authentication mechanism "
				"'%s'", mechs[i]);
			auth_destroy(&auth);
			return -1;
		}
		if (auth_find_mech(auth, mech->name) == NULL)
			array_push(&auth->mechs, mech);
	}
	if (auth->mechs.count == 0) {
		*error_r = "No authentication mechanisms configured";
		auth_destroy(&auth);
		return -1;
	}
	for (unsigned int i = 0; i < set->passdbs.count; i++) {
		const struct auth_passdb_settings *pset = &set->passdbs.v[i];
		struct passdb_module *module;

		if (passdb_module_create(pset, set->default_pass_scheme,
			    arena, &module, error_r) < 0) {
			auth_destroy(&auth);
			return -1;
		}
		array_push(&auth->passdbs, module);
	}
	for (unsigned int i = 0; i < set->userdbs.count; i++) {
		struct userdb_module *module;

		if (userdb_module_create(&set->userdbs.v[i], arena, &module,
			    error_r) < 0) {
			auth_destroy(&auth);
			return -1;
		}
		array_push(&auth->userdbs, module);
	}
	if (auth->passdbs.count == 0) {
		*error_r = "No passdbs specified in configuration file. "
			"PLAIN mechanism needs one";
		auth_destroy(&auth);
		return -1;
	}
	if (auth->userdbs.count == 0) {
		*error_r = "No userdbs specified in configuration file. "
			"You probably want to add one.";
		auth_destroy(&auth);
		return -1;
	}
	*auth_r = auth;
	return 0;
}

void auth_destroy(struct auth **_auth)
{
	struct auth *auth = *_auth;
	struct arena *arena;

	if (auth == NULL)
		return;
	*_auth = NULL;
	for (unsigned int i = 0; i < auth->passdbs.count; i++)
		passdb_module_destroy(auth->passdbs.v[i]);
	for (unsigned int i = 0; i < auth->userdbs.count; i++)
		userdb_module_destroy(auth->userdbs.v[i]);
	arena = auth->arena;
	arena_destroy(&arena);
}

const struct mech_module *auth_find_mech(const struct auth *auth,
	const char *name)
{
	for (unsigned int i = 0; i < auth->mechs.count; i++) {
		if (strcasecmp(auth->mechs.v[i]->name, name) == 0)
			return auth->mechs.v[i];
	}
	return NULL;
}
