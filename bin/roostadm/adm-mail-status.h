/*
 * adm-mail-status.h - the field list of roostadm mailbox status (doveadm
 * mailbox status): names, order, which can be summed with -t, and the
 * parsing of the <fields> argument.  Kept apart from the command so the
 * unit tests check it without a server.
 */
#ifndef ROOSTADM_ADM_MAIL_STATUS_H
#define ROOSTADM_ADM_MAIL_STATUS_H

/* In doveadm's output order. */
enum adm_status_field {
	ADM_STATUS_MESSAGES = 0x001,
	ADM_STATUS_RECENT = 0x002,
	ADM_STATUS_UIDNEXT = 0x004,
	ADM_STATUS_UIDVALIDITY = 0x008,
	ADM_STATUS_UNSEEN = 0x010,
	ADM_STATUS_HIGHESTMODSEQ = 0x020,
	ADM_STATUS_VSIZE = 0x040,
	ADM_STATUS_GUID = 0x080,
	ADM_STATUS_FIRSTSAVED = 0x100,
};
#define ADM_STATUS_FIELD_COUNT 9
/* The fields -t can sum. */
#define ADM_STATUS_SUMMABLE                                             \
	(ADM_STATUS_MESSAGES | ADM_STATUS_RECENT | ADM_STATUS_UNSEEN |  \
	 ADM_STATUS_VSIZE)

/* The name of field bit i (0..ADM_STATUS_FIELD_COUNT-1): "messages". */
extern const char *const adm_status_field_names[ADM_STATUS_FIELD_COUNT];

/*
 * Parses field words (NULL-terminated; each may hold several names
 * separated by spaces, as in "messages unseen"; "all" is every field, or
 * every summable one with total).  Returns 0 with the set in *fields_r,
 * or -1 with *error_r as doveadm's fatal text: "Unknown status field: X",
 * "Status field X can't be used with -t" (static or scratch memory).
 */
int adm_status_fields_parse(const char *const *words, bool total,
	unsigned int *fields_r, const char **error_r);

#endif
