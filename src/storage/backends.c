/*
 * backends.c - the table of mail store backends: one row per driver name
 * of mail_location ("maildir:..."); mbox joins here later.
 */
#include "lib.h"
#include "backend.h"

#include <strings.h>

extern const struct mail_backend_ops maildir_backend_ops;

static const struct mail_backend_ops *const backends[] = {
	&maildir_backend_ops,
};

const struct mail_backend_ops *mail_backend_find(const char *driver)
{
	for (unsigned int i = 0; i < N_ELEMENTS(backends); i++) {
		if (strcasecmp(backends[i]->name, driver) == 0)
			return backends[i];
	}
	return NULL;
}
