/*
 * mech.c - the table of server-side SASL mechanisms.
 */
#include "lib.h"
#include "mech.h"

static const struct mech_module *const mech_modules[] = {
	&mech_plain,
	&mech_login,
};

const struct mech_module *mech_module_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(mech_modules); i++) {
		if (strcasecmp(mech_modules[i]->name, name) == 0)
			return mech_modules[i];
	}
	return NULL;
}
