/*
 * auth-settings-config.c - reading the auth settings and the passdb {} /
 * userdb {} sections from the parsed dovecot.conf.
 */
#include "lib.h"
#include "auth-settings.h"
#include "config.h"

static const char *conf_str(const struct config *c, struct arena *arena,
	const char *key)
{
	return arena_strdup(arena, config_get(c, NULL, key));
}

int auth_settings_from_config(const struct config *c, struct arena *arena,
	struct auth_settings **set_r, const char **error_r)
{
	struct auth_settings *set = auth_settings_create_default(arena);
	const struct config_section *const *sections;
	const char *key, *value;
	unsigned int count, idx;

	set->mechanisms = conf_str(c, arena, "auth_mechanisms");
	set->username_format = conf_str(c, arena, "auth_username_format");
	set->default_realm = conf_str(c, arena, "auth_default_realm");
	set->realms = conf_str(c, arena, "auth_realms");
	set->username_chars = conf_str(c, arena, "auth_username_chars");
	set->username_translation = conf_str(c, arena,
		"auth_username_translation");
	set->master_user_separator = conf_str(c, arena,
		"auth_master_user_separator");
	set->anonymous_username = conf_str(c, arena,
		"auth_anonymous_username");
	set->verbose = config_get_bool(c, NULL, "auth_verbose");
	set->debug = config_get_bool(c, NULL, "auth_debug");
	set->debug_passwords = config_get_bool(c, NULL,
		"auth_debug_passwords");
	if (set->debug_passwords)
		set->debug = true;
	if (auth_verbose_passwords_parse(config_get(c, NULL,
			"auth_verbose_passwords"), &set->verbose_passwords,
			&set->verbose_passwords_maxlen) < 0) {
		*error_r = t_printf("Invalid auth_verbose_passwords: %s",
			config_get(c, NULL, "auth_verbose_passwords"));
		return -1;
	}
	set->failure_delay_msecs = config_get_time_msecs(c, NULL,
		"auth_failure_delay");
	set->cache_size = config_get_size(c, NULL, "auth_cache_size");
	set->cache_ttl_secs = config_get_time_secs(c, NULL, "auth_cache_ttl");
	set->cache_negative_ttl_secs = config_get_time_secs(c, NULL,
		"auth_cache_negative_ttl");
	set->cache_verify_password_with_worker = config_get_bool(c, NULL,
		"auth_cache_verify_password_with_worker");
	set->worker_max_count = config_get_uint(c, NULL,
		"auth_worker_max_count");
	if (auth_settings_finish(set, error_r) < 0)
		return -1;

	sections = config_get_sections(c, NULL, "passdb", &count);
	for (unsigned int i = 0; i < count; i++) {
		struct auth_passdb_settings *pset =
			array_append_space(&set->passdbs);

		auth_passdb_settings_init(pset);
		idx = 0;
		while (config_section_iter(sections[i], &idx, &key, &value)) {
			if (auth_passdb_settings_set(pset, arena, key, value,
				    error_r) < 0) {
				*error_r = t_printf("passdb: %s", *error_r);
				return -1;
			}
		}
	}
	sections = config_get_sections(c, NULL, "userdb", &count);
	for (unsigned int i = 0; i < count; i++) {
		struct auth_userdb_settings *uset =
			array_append_space(&set->userdbs);

		auth_userdb_settings_init(uset);
		idx = 0;
		while (config_section_iter(sections[i], &idx, &key, &value)) {
			if (auth_userdb_settings_set(uset, arena, key, value,
				    error_r) < 0) {
				*error_r = t_printf("userdb: %s", *error_r);
				return -1;
			}
		}
	}
	*set_r = set;
	return 0;
}
