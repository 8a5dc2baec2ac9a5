/*
 * auth-settings.h - the settings the auth server uses: Dovecot's global
 * auth_* settings and the passdb {} / userdb {} sections, with Dovecot
 * 2.3's defaults.  Filled from a struct config (auth-settings-config.c)
 * or built by hand in tests.
 */
#ifndef ROOST_AUTH_SETTINGS_H
#define ROOST_AUTH_SETTINGS_H

#include "array.h"

struct arena;
struct config;

/* What to do after a passdb/userdb answered (result_success etc.). */
enum auth_db_rule {
	AUTH_DB_RULE_RETURN,
	AUTH_DB_RULE_RETURN_OK,
	AUTH_DB_RULE_RETURN_FAIL,
	AUTH_DB_RULE_CONTINUE,
	AUTH_DB_RULE_CONTINUE_OK,
	AUTH_DB_RULE_CONTINUE_FAIL,
};

/* passdb skip = never | authenticated | unauthenticated;
   userdb skip = never | found | notfound */
enum auth_db_skip {
	AUTH_DB_SKIP_NEVER,
	AUTH_DB_SKIP_AUTHENTICATED,
	AUTH_DB_SKIP_UNAUTHENTICATED,
	AUTH_DB_SKIP_FOUND,
	AUTH_DB_SKIP_NOTFOUND,
};

struct auth_passdb_settings {
	const char *name;            /* "" unless set; used in log prefixes */
	const char *driver;          /* "passwd-file", "static", ... */
	const char *args;
	const char *default_fields;  /* space-separated key=value, %vars */
	const char *override_fields;
	const char *mechanisms;      /* "" = all */
	const char *username_filter; /* "" = all */
	enum auth_db_skip skip;
	enum auth_db_rule result_success;      /* default return-ok */
	enum auth_db_rule result_failure;      /* default continue */
	enum auth_db_rule result_internalfail; /* default continue */
	bool deny;
	bool pass;
	bool master;
};

struct auth_userdb_settings {
	const char *name;
	const char *driver;
	const char *args;
	const char *default_fields;
	const char *override_fields;
	enum auth_db_skip skip;
	enum auth_db_rule result_success;      /* default return-ok */
	enum auth_db_rule result_failure;      /* default continue */
	enum auth_db_rule result_internalfail; /* default continue */
};

/* auth_verbose_passwords = no | plain | sha1, optionally ":N" chars */
enum auth_verbose_passwords {
	AUTH_VERBOSE_PASSWORDS_NO,
	AUTH_VERBOSE_PASSWORDS_PLAIN,
	AUTH_VERBOSE_PASSWORDS_SHA1,
};

struct auth_settings {
	const char *mechanisms;          /* auth_mechanisms, "plain" */
	const char *username_format;     /* "%Lu" */
	const char *default_realm;       /* "" */
	const char *realms;              /* "" */
	const char *username_chars;      /* Dovecot's set */
	const char *username_translation;/* "" */
	const char *master_user_separator;
	const char *anonymous_username;  /* "anonymous" */
	const char *default_pass_scheme; /* "CRYPT" */
	bool verbose;
	bool debug;
	bool debug_passwords;
	enum auth_verbose_passwords verbose_passwords;
	unsigned int verbose_passwords_maxlen; /* 0 = unlimited */
	unsigned int failure_delay_msecs; /* auth_failure_delay, 2 secs */
	/* auth_cache_*: parsed for doveconf compatibility; no cache yet. */
	uint64_t cache_size;
	unsigned int cache_ttl_secs;
	unsigned int cache_negative_ttl_secs;
	bool cache_verify_password_with_worker;
	unsigned int worker_max_count;

	ARRAY(struct auth_passdb_settings) passdbs;
	ARRAY(struct auth_userdb_settings) userdbs;

	/* Derived: 256-entry maps from username_chars/_translation. */
	bool username_chars_map[256];
	bool username_chars_all;          /* empty username_chars */
	unsigned char username_translation_map[256];
};

/* Dovecot's default auth_username_chars. */
#define AUTH_DEFAULT_USERNAME_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@"

/* Settings with Dovecot's defaults and no passdbs/userdbs, in arena. */
struct auth_settings *auth_settings_create_default(struct arena *arena);
/* Passdb/userdb settings with the section defaults (driver unset). */
void auth_passdb_settings_init(struct auth_passdb_settings *set);
void auth_userdb_settings_init(struct auth_userdb_settings *set);
/*
 * Parses one passdb/userdb section key (as written in dovecot.conf).
 * Returns 0, or -1 with *error_r for an unknown key or a bad value.
 * Strings are copied into arena.
 */
int auth_passdb_settings_set(struct auth_passdb_settings *set,
	struct arena *arena, const char *key, const char *value,
	const char **error_r);
int auth_userdb_settings_set(struct auth_userdb_settings *set,
	struct arena *arena, const char *key, const char *value,
	const char **error_r);
/* Parses "return-ok" etc.; 0 or -1. */
int auth_db_rule_parse(const char *str, enum auth_db_rule *rule_r);
/* Parses auth_verbose_passwords ("no", "plain", "sha1", "plain:20"). */
int auth_verbose_passwords_parse(const char *str,
	enum auth_verbose_passwords *mode_r, unsigned int *maxlen_r);
/*
 * Recomputes the derived maps after username_chars/_translation changed.
 * Returns 0, or -1 with *error_r when auth_username_translation has an odd
 * number of characters.
 */
int auth_settings_finish(struct auth_settings *set, const char **error_r);

/*
 * Reads the global auth settings and every passdb {} / userdb {} section
 * from config.  Returns 0 with *set_r in arena, or -1 with *error_r for an
 * invalid value.
 */
int auth_settings_from_config(const struct config *config,
	struct arena *arena, struct auth_settings **set_r,
	const char **error_r);

#endif
