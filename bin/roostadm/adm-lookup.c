/*
 * adm-lookup.c - the output layouts of the auth commands (see
 * adm-lookup.h).
 */
#include "lib.h"
#include "array.h"
#include "adm-lookup.h"

#include <ctype.h>

const char *const adm_user_field_names[ADM_USER_SETTING_COUNT] = {
	"uid", "gid", "home", "mail",
};
const char *const adm_user_setting_names[ADM_USER_SETTING_COUNT] = {
	"mail_uid", "mail_gid", "mail_home", "mail_location",
};

void adm_write_auth_test(FILE *out, const char *user, bool ok,
	const char *const *fields)
{
	fprintf(out, "passdb: %s auth %s\n", user, ok ? "succeeded" : "failed");
	if (fields == NULL || fields[0] == NULL)
		return;
	fprintf(out, "extra fields:\n");
	for (; *fields != NULL; fields++)
		fprintf(out, "  %s\n", *fields);
}

void adm_write_lookup(FILE *out, const char *kind, const char *user,
	const char *username, const char *const *fields)
{
	fprintf(out, "%s: %s\n", kind, user);
	if (username != NULL)
		fprintf(out, "  %-10s: %s\n", "user", username);
	for (; fields != NULL && *fields != NULL; fields++) {
		const char *eq = strchr(*fields, '=');

		if (eq == NULL)
			fprintf(out, "  %-10s\n", *fields);
		else
			fprintf(out, "  %-10.*s: %s\n",
				(int)(eq - *fields), *fields, eq + 1);
	}
}

void adm_write_lookup_field(FILE *out, const char *show_field,
	const char *const *fields)
{
	size_t len = strlen(show_field);

	for (; fields != NULL && *fields != NULL; fields++) {
		if (strncmp(*fields, show_field, len) == 0 &&
		    (*fields)[len] == '=')
			fprintf(out, "%s\n", *fields + len + 1);
	}
}

/* Splits "key=value" (value "" without '='). */
static void split_field(struct arena *arena, const char *field,
	const char **key_r, const char **value_r)
{
	const char *eq = strchr(field, '=');

	if (eq == NULL) {
		*key_r = field;
		*value_r = "";
	} else {
		*key_r = arena_strndup(arena, field, (size_t)(eq - field));
		*value_r = eq + 1;
	}
}

static const char *field_value(struct arena *arena,
	const char *const *fields, const char *name)
{
	const char *key, *value, *found = NULL;

	for (; fields != NULL && *fields != NULL; fields++) {
		split_field(arena, *fields, &key, &value);
		/* The last one wins, as when the settings are applied in
		   order. */
		if (strcmp(key, name) == 0)
			found = value;
	}
	return found;
}

const char *const *adm_user_rows(struct arena *arena, const char *input_user,
	const char *username, const char *const *fields,
	const char *const forced[ADM_USER_SETTING_COUNT],
	const char *const fallback[ADM_USER_SETTING_COUNT])
{
	ARRAY(const char *) rows;
	unsigned int i;

	array_init(&rows, arena, 16);
	if (username != NULL && strcmp(username, input_user) != 0) {
		array_push(&rows, "user");
		array_push(&rows, username);
	}
	for (i = 0; i < ADM_USER_SETTING_COUNT; i++) {
		const char *value = forced[i];

		if (value == NULL)
			value = field_value(arena, fields,
				adm_user_field_names[i]);
		if (value == NULL)
			value = fallback[i];
		array_push(&rows, adm_user_field_names[i]);
		array_push(&rows, value == NULL ? "" : value);
	}
	for (; fields != NULL && *fields != NULL; fields++) {
		const char *key, *value;
		bool known = false;

		split_field(arena, *fields, &key, &value);
		for (i = 0; i < ADM_USER_SETTING_COUNT; i++) {
			if (strcmp(key, adm_user_field_names[i]) == 0)
				known = true;
		}
		if (!known) {
			array_push(&rows, key);
			array_push(&rows, value);
		}
	}
	array_push(&rows, NULL);
	return rows.v;
}

bool adm_wildcard_match_icase(const char *name, const char *mask)
{
	/* Iterative matching with one backtrack point for the last '*':
	   linear in practice and never recursive. */
	const char *star = NULL, *star_name = NULL;

	while (*name != '\0') {
		if (*mask == '*') {
			star = mask++;
			star_name = name;
		} else if (*mask == '?' ||
			   (*mask != '\0' &&
			    tolower((unsigned char)*mask) ==
			    tolower((unsigned char)*name))) {
			mask++;
			name++;
		} else if (star != NULL) {
			mask = star + 1;
			name = ++star_name;
		} else {
			return false;
		}
	}
	while (*mask == '*')
		mask++;
	return *mask == '\0';
}
