/*
 * auth-settings.c - defaults and value parsing for the auth settings
 * (auth-settings.h).  Reading them from dovecot.conf is in
 * auth-settings-config.c so that this part needs no config library.
 */
#include "lib.h"
#include "str.h"
#include "auth-settings.h"

void auth_passdb_settings_init(struct auth_passdb_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->name = "";
	set->driver = "";
	set->args = "";
	set->default_fields = "";
	set->override_fields = "";
	set->mechanisms = "";
	set->username_filter = "";
	set->skip = AUTH_DB_SKIP_NEVER;
	set->result_success = AUTH_DB_RULE_RETURN_OK;
	set->result_failure = AUTH_DB_RULE_CONTINUE;
	set->result_internalfail = AUTH_DB_RULE_CONTINUE;
}

void auth_userdb_settings_init(struct auth_userdb_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->name = "";
	set->driver = "";
	set->args = "";
	set->default_fields = "";
	set->override_fields = "";
	set->skip = AUTH_DB_SKIP_NEVER;
	set->result_success = AUTH_DB_RULE_RETURN_OK;
	set->result_failure = AUTH_DB_RULE_CONTINUE;
	set->result_internalfail = AUTH_DB_RULE_CONTINUE;
}

struct auth_settings *auth_settings_create_default(struct arena *arena)
{
	struct auth_settings *set = arena_new(arena, struct auth_settings, 1);
	const char *error;

	set->mechanisms = "plain";
	set->username_format = "%Lu";
	set->default_realm = "";
	set->realms = "";
	set->username_chars = AUTH_DEFAULT_USERNAME_CHARS;
	set->username_translation = "";
	set->master_user_separator = "";
	set->anonymous_username = "anonymous";
	set->default_pass_scheme = "CRYPT";
	set->verbose_passwords = AUTH_VERBOSE_PASSWORDS_NO;
	set->failure_delay_msecs = 2000;
	set->cache_ttl_secs = 3600;
	set->cache_negative_ttl_secs = 3600;
	set->worker_max_count = 30;
	array_init(&set->passdbs, arena, 4);
	array_init(&set->userdbs, arena, 4);
	if (auth_settings_finish(set, &error) < 0)
		i_panic("default auth settings: %s", error);
	return set;
}

int auth_db_rule_parse(const char *str, enum auth_db_rule *rule_r)
{
	static const struct {
		const char *name;
		enum auth_db_rule rule;
	} rules[] = {
		{ "return", AUTH_DB_RULE_RETURN },
		{ "return-ok", AUTH_DB_RULE_RETURN_OK },
		{ "return-fail", AUTH_DB_RULE_RETURN_FAIL },
		{ "continue", AUTH_DB_RULE_CONTINUE },
		{ "continue-ok", AUTH_DB_RULE_CONTINUE_OK },
		{ "continue-fail", AUTH_DB_RULE_CONTINUE_FAIL },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(rules); i++) {
		if (strcmp(rules[i].name, str) == 0) {
			*rule_r = rules[i].rule;
			return 0;
		}
	}
	return -1;
}

static int auth_db_skip_parse(const char *str, bool userdb,
	enum auth_db_skip *skip_r)
{
	if (strcmp(str, "never") == 0)
		*skip_r = AUTH_DB_SKIP_NEVER;
	else if (!userdb && strcmp(str, "authenticated") == 0)
		*skip_r = AUTH_DB_SKIP_AUTHENTICATED;
	else if (!userdb && strcmp(str, "unauthenticated") == 0)
		*skip_r = AUTH_DB_SKIP_UNAUTHENTICATED;
	else if (userdb && strcmp(str, "found") == 0)
		*skip_r = AUTH_DB_SKIP_FOUND;
	else if (userdb && strcmp(str, "notfound") == 0)
		*skip_r = AUTH_DB_SKIP_NOTFOUND;
	else
		return -1;
	return 0;
}

static int bool_parse(const char *str, bool *value_r)
{
	if (strcasecmp(str, "yes") == 0 || strcasecmp(str, "y") == 0 ||
	    strcmp(str, "1") == 0)
		*value_r = true;
	else if (strcasecmp(str, "no") == 0 || strcasecmp(str, "n") == 0 ||
		 strcmp(str, "0") == 0)
		*value_r = false;
	else
		return -1;
	return 0;
}

/* Keys shared by passdb and userdb sections. */
struct db_common_settings {
	const char **name, **driver, **args, **default_fields,
		**override_fields;
	enum auth_db_skip *skip;
	enum auth_db_rule *success, *failure, *internalfail;
	bool userdb;
};

/* Returns 1 handled, 0 unknown key, -1 bad value. */
static int db_common_set(const struct db_common_settings *c,
	struct arena *arena, const char *key, const char *value,
	const char **error_r)
{
	const char **strp = NULL;
	enum auth_db_rule *rulep = NULL;

	if (strcmp(key, "name") == 0)
		strp = c->name;
	else if (strcmp(key, "driver") == 0)
		strp = c->driver;
	else if (strcmp(key, "args") == 0)
		strp = c->args;
	else if (strcmp(key, "default_fields") == 0)
		strp = c->default_fields;
	else if (strcmp(key, "override_fields") == 0)
		strp = c->override_fields;
	else if (strcmp(key, "result_success") == 0)
		rulep = c->success;
	else if (strcmp(key, "result_failure") == 0)
		rulep = c->failure;
	else if (strcmp(key, "result_internalfail") == 0)
		rulep = c->internalfail;
	else if (strcmp(key, "skip") == 0) {
		if (auth_db_skip_parse(value, c->userdb, c->skip) < 0) {
			*error_r = t_printf("Invalid skip value: %s", value);
			return -1;
		}
		return 1;
	} else if (strcmp(key, "auth_verbose") == 0) {
		/* Per-db verbosity: accepted ("default", yes/no). */
		return 1;
	} else {
		return 0;
	}
	if (strp != NULL) {
		*strp = arena_strdup(arena, value);
		return 1;
	}
	if (auth_db_rule_parse(value, rulep) < 0) {
		*error_r = t_printf("Invalid %s value: %s", key, value);
		return -1;
	}
	return 1;
}

int auth_passdb_settings_set(struct auth_passdb_settings *set,
	struct arena *arena, const char *key, const char *value,
	const char **error_r)
{
	const struct db_common_settings common = {
		&set->name, &set->driver, &set->args, &set->default_fields,
		&set->override_fields, &set->skip, &set->result_success,
		&set->result_failure, &set->result_internalfail, false,
	};
	bool *boolp = NULL;
	int ret;

	ret = db_common_set(&common, arena, key, value, error_r);
	if (ret != 0)
		return ret < 0 ? -1 : 0;
	if (strcmp(key, "mechanisms") == 0) {
		set->mechanisms = arena_strdup(arena, value);
		return 0;
	}
	if (strcmp(key, "username_filter") == 0) {
		set->username_filter = arena_strdup(arena, value);
		return 0;
	}
	if (strcmp(key, "deny") == 0)
		boolp = &set->deny;
	else if (strcmp(key, "pass") == 0)
		boolp = &set->pass;
	else if (strcmp(key, "master") == 0)
		boolp = &set->master;
	if (boolp == NULL) {
		*error_r = t_printf("Unknown passdb setting: %s", key);
		return -1;
	}
	if (bool_parse(value, boolp) < 0) {
		*error_r = t_printf("Invalid boolean for %s: %s", key, value);
		return -1;
	}
	return 0;
}

int auth_userdb_settings_set(struct auth_userdb_settings *set,
	struct arena *arena, const char *key, const char *value,
	const char **error_r)
{
	const struct db_common_settings common = {
		&set->name, &set->driver, &set->args, &set->default_fields,
		&set->override_fields, &set->skip, &set->result_success,
		&set->result_failure, &set->result_internalfail, true,
	};
	int ret = db_common_set(&common, arena, key, value, error_r);

	if (ret == 0) {
		*error_r = t_printf("Unknown userdb setting: %s", key);
		return -1;
	}
	return ret < 0 ? -1 : 0;
}

int auth_verbose_passwords_parse(const char *str,
	enum auth_verbose_passwords *mode_r, unsigned int *maxlen_r)
{
	const char *colon = strchr(str, ':');
	const char *mode = str;

	*maxlen_r = 0;
	if (colon != NULL) {
		if (str_to_uint(colon + 1, maxlen_r) < 0)
			return -1;
		mode = t_strndup(str, (size_t)(colon - str));
	}
	if (strcmp(mode, "no") == 0 || strcmp(mode, "") == 0)
		*mode_r = AUTH_VERBOSE_PASSWORDS_NO;
	else if (strcmp(mode, "plain") == 0 || strcmp(mode, "yes") == 0)
		*mode_r = AUTH_VERBOSE_PASSWORDS_PLAIN;
	else if (strcmp(mode, "sha1") == 0)
		*mode_r = AUTH_VERBOSE_PASSWORDS_SHA1;
	else
		return -1;
	return 0;
}

int auth_settings_finish(struct auth_settings *set, const char **error_r)
{
	const unsigned char *p;
	size_t len;

	memset(set->username_chars_map, 0, sizeof(set->username_chars_map));
	set->username_chars_all = set->username_chars[0] == '\0';
	for (p = (const unsigned char *)set->username_chars; *p != '\0'; p++)
		set->username_chars_map[*p] = true;

	memset(set->username_translation_map, 0,
		sizeof(set->username_translation_map));
	len = strlen(set->username_translation);
	if (len % 2 != 0) {
		*error_r = "auth_username_translation: "
			"Translation characters must be in pairs";
		return -1;
	}
	p = (const unsigned char *)set->username_translation;
	for (size_t i = 0; i < len; i += 2)
		set->username_translation_map[p[i]] = p[i + 1];
	return 0;
}
