/*
 * config.h - the parsed dovecot.conf (Dovecot 2.3 syntax) and its schema.
 *
 * A struct config is immutable once loaded: the master, auth, login and
 * mail processes all read settings through it.  Values are stored verbatim
 * (no %variable expansion at load time; see var-expand.h for that).  Every
 * global setting has a schema entry (name, type, Dovecot 2.3's default), so
 * config_get() never returns NULL for a known setting and config_dump()
 * can print the whole effective configuration like doveconf -a.
 *
 * Filters (protocol X {}, local IP[/bits] {}, remote IP[/bits] {},
 * local_name HOST {}) are kept in the parsed tree and applied at lookup
 * time: a lookup with a filter sees the global value overridden by every
 * matching filter block, the more specific ones last.
 */
#ifndef ROOST_CONFIG_H
#define ROOST_CONFIG_H

struct buf;

/* Immutable parsed configuration (settings + sections + filters). */
struct config;
/*
 * One section: service, inet_listener, unix_listener, fifo_listener,
 * passdb, userdb, namespace, mailbox, plugin, ...  Sections returned by the
 * getters below live as long as the struct config they came from.
 */
struct config_section;

/* What a lookup is for.  NULL members are unset (match only unfiltered). */
struct config_filter {
	const char *protocol;
	const char *service;
	const char *local_ip;
	const char *remote_ip;
	const char *local_name;
};

/*
 * Parses the file at path, following !include / !include_try relative to
 * its directory.  Returns 0 and a new config, or -1 with *error_r like
 * "/etc/x.conf:12: Unknown setting: foo" (error_r is scratch memory; the
 * caller copies it if it must outlive the current scratch frame).  Blocks
 * on file I/O.
 */
int config_load_file(const char *path, struct config **config_r,
	const char **error_r);
/*
 * Parses text as if it were the file source_name (used in error messages
 * and as the base directory of relative !include paths).
 */
int config_load_string(const char *text, const char *source_name,
	struct config **config_r, const char **error_r);
/* Frees the configuration and sets *config to NULL.  NULL is allowed. */
void config_free(struct config **config);
/* The main file loaded (the source_name for config_load_string()). */
const char *config_get_path(const struct config *config);

/*
 * Effective value of a global setting for filter (NULL filter = global
 * only): the last matching explicit assignment, else the schema default.
 * Never NULL for a known setting; panics for a name not in the schema
 * (programming error).  The string lives as long as the config.
 */
const char *config_get(const struct config *c, const struct config_filter *f,
	const char *key);
/*
 * Typed getters.  The value was validated at load time against its schema
 * type, so these cannot fail; they panic if the setting's schema type does
 * not fit the getter (programming error).
 */
bool config_get_bool(const struct config *c, const struct config_filter *f,
	const char *key);
unsigned int config_get_uint(const struct config *c,
	const struct config_filter *f, const char *key);
/* SIZE settings in bytes ("10M", "1 G", "0"). */
uint64_t config_get_size(const struct config *c, const struct config_filter *f,
	const char *key);
/* TIME settings ("1 min", "30s", "2 hours"); msecs for TIME_MSECS too. */
unsigned int config_get_time_secs(const struct config *c,
	const struct config_filter *f, const char *key);
unsigned int config_get_time_msecs(const struct config *c,
	const struct config_filter *f, const char *key);
/* True if the setting is explicitly assigned (globally or in a matching
   filter) rather than coming from the schema default. */
bool config_is_set(const struct config *c, const struct config_filter *f,
	const char *key);

/*
 * Iterates over the names of global settings that the configuration sets
 * explicitly anywhere (globally or inside any filter block), in schema
 * order.  Start with *idx = 0.  Returns false at the end.  Used by the
 * master to warn about settings that are recognised but not supported.
 */
bool config_iter_set_keys(const struct config *c, unsigned int *idx,
	const char **key_r);

/* True if key is a global setting in the schema. */
bool config_setting_exists(const char *key);
/*
 * True if Roost implements the setting's feature (false for recognised but
 * not yet implemented settings, and for unknown names).
 */
bool config_setting_is_supported(const char *key);

/*
 * Top-level sections of a type ("service", "passdb", "userdb",
 * "namespace", "plugin", ...) in file order, after filter application
 * (sections inside matching filter blocks are merged into / appended after
 * the global ones as Dovecot does).  For "service" the result includes
 * Dovecot's built-in default services with their default listeners, with
 * the configuration's overrides merged in.  Returns a NULL-terminated
 * array (*count_r entries) valid as long as the config; never NULL.
 */
const struct config_section *const *config_get_sections(
	const struct config *c, const struct config_filter *f,
	const char *type, unsigned int *count_r);
/* Convenience: the section of type with the given name, or NULL. */
const struct config_section *config_find_section(const struct config *c,
	const struct config_filter *f, const char *type, const char *name);

/* "service", "inet_listener", ... */
const char *config_section_type(const struct config_section *s);
/* "imap-login", or "" for an anonymous section. */
const char *config_section_name(const struct config_section *s);
/*
 * Effective value of key in the section, with the section schema's
 * default when unset.  NULL only for keys missing from free-form sections
 * (plugin {} etc.); panics for a key not in a fixed section schema.
 */
const char *config_section_get(const struct config_section *s,
	const char *key);
/* True if key was explicitly assigned in this section. */
bool config_section_is_set(const struct config_section *s, const char *key);
/* Typed analogues; the value was validated at load time. */
bool config_section_get_bool(const struct config_section *s, const char *key);
unsigned int config_section_get_uint(const struct config_section *s,
	const char *key);
uint64_t config_section_get_size(const struct config_section *s,
	const char *key);
unsigned int config_section_get_time_secs(const struct config_section *s,
	const char *key);
/*
 * Child sections of a type in file order, e.g. "inet_listener" in a
 * service, "mailbox" in a namespace.  NULL-terminated, never NULL.
 */
const struct config_section *const *config_section_children(
	const struct config_section *s, const char *type,
	unsigned int *count_r);
/*
 * Iterates the explicitly set key/value pairs of the section in file
 * order (all keys of a free-form section like plugin {}; the set keys of a
 * fixed-schema section).  Start with *idx = 0; returns false at the end.
 */
bool config_section_iter(const struct config_section *s, unsigned int *idx,
	const char **key_r, const char **value_r);

/*
 * Dump modes, like doveconf: ALL (-a), NONDEFAULT (-n), EXPLICIT (-N:
 * everything explicitly set, even if equal to the default), DEFAULTS (-d:
 * the schema defaults only).
 */
enum config_dump_mode {
	CONFIG_DUMP_ALL,
	CONFIG_DUMP_NONDEFAULT,
	CONFIG_DUMP_EXPLICIT,
	CONFIG_DUMP_DEFAULTS,
};

/*
 * Appends the configuration as dovecot.conf text to out, starting with the
 * "# 2.3.x (roost VERSION): /path" header line.  With a filter (like
 * doveconf -f protocol=imap) the filter's effective values are printed
 * without filter blocks; without one, filter blocks are printed after the
 * global settings.  names (NULL-terminated, may be NULL) restricts the
 * output: a setting name prints "name = value", a section type or
 * "type/name" prints that section block.  The output parses back with
 * config_load_string() to an equal configuration.  Returns 0, or -1 with
 * *error_r for an unknown name or when out's max is exceeded.
 */
int config_dump(const struct config *c, enum config_dump_mode mode,
	const struct config_filter *filter, const char *const *names,
	struct buf *out, const char **error_r);

enum config_dump_flags {
	/* doveconf's order: named sections (namespace, mailbox, service)
	   and free-form keys (plugin {}) sorted by name.  Not for text that
	   is parsed back: namespace order is meaningful. */
	CONFIG_DUMP_FLAG_DOVECONF_ORDER = 0x01,
	/* doveconf's masking without -P: values of keys ending "_password"
	   or "_key" and ssl_dh become "# hidden, use -P to show it", and
	   "pass...=value" words inside values "pass...=#hidden_use-P_to_show#".
	   For people only: the text no longer parses back. */
	CONFIG_DUMP_FLAG_HIDE_SECRETS = 0x02,
};

/* config_dump() with flags (config_dump() is flags 0). */
int config_dump_ext(const struct config *c, enum config_dump_mode mode,
	enum config_dump_flags flags, const struct config_filter *filter,
	const char *const *names, struct buf *out, const char **error_r);

#endif
