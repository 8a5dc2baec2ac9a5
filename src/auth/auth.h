/*
 * auth.h - one configured authentication service: the settings, the
 * passdb and userdb chains (in configuration order) and the enabled SASL
 * mechanisms.  Shared by every client and master connection of the auth
 * process.
 */
#ifndef ROOST_AUTH_H
#define ROOST_AUTH_H

#include "array.h"

struct arena;
struct auth_settings;
struct mech_module;
struct passdb_module;
struct userdb_module;

struct auth {
	struct arena *arena;
	const struct auth_settings *set;
	ARRAY(struct passdb_module *) passdbs;
	ARRAY(struct userdb_module *) userdbs;
	/* Enabled mechanisms in auth_mechanisms order. */
	ARRAY(const struct mech_module *) mechs;
};

/*
 * Creates the passdb/userdb modules (drivers' init runs now, so call this
 * before dropping privileges if files need them) and resolves
 * auth_mechanisms.  Returns 0 with *auth_r, or -1 with *error_r (unknown
 * driver or mechanism, bad args, no passdbs or userdbs).  set must
 * outlive the auth.
 */
int auth_create(const struct auth_settings *set, struct auth **auth_r,
	const char **error_r);
void auth_destroy(struct auth **auth);
/* The enabled mechanism called name (case-insensitive), or NULL. */
const struct mech_module *auth_find_mech(const struct auth *auth,
	const char *name);

#endif
