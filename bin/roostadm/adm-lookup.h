/*
 * adm-lookup.h - the text layouts of roostadm auth test, auth lookup and
 * user, exactly as doveadm 2.3 prints them (docs/roostadm.md).  Kept
 * apart from the commands so that the unit tests can check them against
 * doveadm's captured output without a running server.
 */
#ifndef ROOSTADM_ADM_LOOKUP_H
#define ROOSTADM_ADM_LOOKUP_H

#include <stdio.h>

struct arena;

/*
 * auth test's result: "passdb: USER auth succeeded" (ok) or "... auth
 * failed", then "extra fields:" and "  key=value" for each field when
 * there are any.
 */
void adm_write_auth_test(FILE *out, const char *user, bool ok,
	const char *const *fields);

/*
 * auth lookup / user -u: "KIND: USER" ("passdb" or "userdb"), then
 * "  user      : NAME" when username is not NULL, then "  %-10s: value"
 * per key=value field and "  %-10s" for a field without '='.
 */
void adm_write_lookup(FILE *out, const char *kind, const char *user,
	const char *username, const char *const *fields);

/* The value of every field named show_field, one per line. */
void adm_write_lookup_field(FILE *out, const char *show_field,
	const char *const *fields);

/* The four settings a userdb reply overrides, in output order. */
enum adm_user_setting {
	ADM_USER_UID,
	ADM_USER_GID,
	ADM_USER_HOME,
	ADM_USER_MAIL,
	ADM_USER_SETTING_COUNT,
};

/*
 * The field/value rows of "roostadm user" (doveadm user without -u):
 * "user" first when the userdb changed the name (username differs from
 * the input), then uid, gid, home and mail, then the other userdb fields
 * in order ("" for a field without '=').  For the four settings, forced
 * (the -o value, NULL if none) wins, then the userdb field, then
 * fallback (the configured setting, already expanded); a missing value is
 * "".  Returns keys and values alternating, NULL-terminated, allocated
 * from arena.
 */
const char *const *adm_user_rows(struct arena *arena, const char *input_user,
	const char *username, const char *const *fields,
	const char *const forced[ADM_USER_SETTING_COUNT],
	const char *const fallback[ADM_USER_SETTING_COUNT]);

/* The userdb field names of enum adm_user_setting ("uid", ...) and the
   dovecot.conf settings they override ("mail_uid", ...). */
extern const char *const adm_user_field_names[ADM_USER_SETTING_COUNT];
extern const char *const adm_user_setting_names[ADM_USER_SETTING_COUNT];

/* Case-insensitive wildcard match ('*' any run, '?' one character), as
   doveadm filters "user MASK" listings. */
bool adm_wildcard_match_icase(const char *name, const char *mask);

#endif
