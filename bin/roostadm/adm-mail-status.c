/*
 * adm-mail-status.c - mailbox status field names and parsing (see
 * adm-mail-status.h).
 */
#include "lib.h"
#include "arena.h"
#include "str.h"
#include "adm-mail-status.h"

const char *const adm_status_field_names[ADM_STATUS_FIELD_COUNT] = {
	"messages", "recent", "uidnext", "uidvalidity", "unseen",
	"highestmodseq", "vsize", "guid", "firstsaved",
};

static int status_field_add(const char *name, bool total,
	unsigned int *fields, const char **error_r)
{
	unsigned int i;

	if (strcmp(name, "all") == 0) {
		*fields |= total ? ADM_STATUS_SUMMABLE :
			(1U << ADM_STATUS_FIELD_COUNT) - 1;
		return 0;
	}
	for (i = 0; i < ADM_STATUS_FIELD_COUNT; i++) {
		if (strcmp(name, adm_status_field_names[i]) == 0)
			break;
	}
	if (i == ADM_STATUS_FIELD_COUNT) {
		*error_r = t_printf("Unknown status field: %s", name);
		return -1;
	}
	if (total && ((1U << i) & ADM_STATUS_SUMMABLE) == 0) {
		*error_r = t_printf("Status field %s can't be used with -t",
			name);
		return -1;
	}
	*fields |= 1U << i;
	return 0;
}

int adm_status_fields_parse(const char *const *words, bool total,
	unsigned int *fields_r, const char **error_r)
{
	*fields_r = 0;
	for (; *words != NULL; words++) {
		char **names = str_split(scratch_arena(), *words, " ", true);

		for (unsigned int i = 0; names[i] != NULL; i++) {
			if (status_field_add(names[i], total, fields_r,
				    error_r) < 0)
				return -1;
		}
	}
	return 0;
}
