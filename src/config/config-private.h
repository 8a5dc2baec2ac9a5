/*
 * config-private.h - the data structures shared by the dovecot.conf
 * parser, the lookup code and the dumper.  Not for use outside
 * src/config/.
 */
#ifndef ROOST_CONFIG_PRIVATE_H
#define ROOST_CONFIG_PRIVATE_H

#include "array.h"
#include "config.h"

struct hash_table;

enum config_type {
	CONFIG_TYPE_STR,
	CONFIG_TYPE_BOOL,
	CONFIG_TYPE_UINT,
	CONFIG_TYPE_SIZE,
	CONFIG_TYPE_TIME,
	CONFIG_TYPE_TIME_MSECS,
	CONFIG_TYPE_ENUM,
	CONFIG_TYPE_IN_PORT,
	CONFIG_TYPE_OCTAL,
};

/* One setting of the schema: global or inside a fixed-schema section. */
struct config_setting_def {
	const char *name;
	enum config_type type;
	/* Dovecot 2.3's default, as doveconf -a prints it. */
	const char *default_value;
	/* ENUM only: the allowed values, ':'-separated, default first. */
	const char *enum_values;
	/* false: recognised, but the feature is not implemented yet. */
	bool supported;
};

/* The schema of one section type. */
struct config_section_def {
	const char *type;
	/* Sorted by name; NULL for free-form sections (plugin {}, dict {}). */
	const struct config_setting_def *settings;
	unsigned int settings_count;
	/* Reopening the section always merges (plugin {}, dict {}). */
	bool singleton;
	/* Allowed child section types, NULL-terminated (may be empty). */
	const char *const *children;
};

/* An explicit key = value assignment. */
struct config_kv {
	const char *key;
	const char *value;
	/* The path of "key = <path" assignments (value holds the contents). */
	const char *file_path;
};

struct config_section {
	struct config *config;
	const struct config_section_def *def;
	const char *type;
	const char *name;
	/* Explicit assignments in file order (a reassigned key keeps its
	   first position). */
	ARRAY(struct config_kv) kvs;
	/* Defaults of a built-in section (Dovecot's default services). */
	ARRAY(struct config_kv) builtin;
	ARRAY(struct config_section *) children;
	/* "file:line" where the section was first opened. */
	const char *source;
	/* true if the section was opened by the configuration (false for an
	   untouched built-in service). */
	bool explicit_section;
	/* true for Dovecot's built-in services and their listeners. */
	bool builtin_section;
};

/* A network for local/remote filters. */
struct config_net {
	int family; /* 0 = unset, AF_INET, AF_INET6 */
	unsigned char addr[16];
	unsigned int bits;
};

/* One filter block: protocol X {}, local IP {}, ... possibly nested. */
struct config_filter_block {
	unsigned int index; /* file order */
	const char *protocols; /* "imap pop3", "!imap" or NULL */
	const char *local;     /* as written, or NULL */
	const char *remote;
	const char *local_name;
	struct config_net local_net, remote_net;
	struct config_filter_block *parent;
	/* Indexed like the global schema; NULL = unset in this block. */
	const char **values;
	const char **file_paths;
	/* Holds the sections opened inside this block. */
	struct config_section root;
	const char *source;
};

struct config {
	struct arena *arena;
	const char *path;
	/* Indexed like the global schema; NULL = unset. */
	const char **values;
	const char **file_paths;
	/* Top-level sections opened by the configuration, file order. */
	struct config_section root;
	/* services with Dovecot's built-in defaults merged in. */
	ARRAY(struct config_section *) services;
	ARRAY(struct config_filter_block *) filters;
	/* Filters sorted from least to most specific. */
	ARRAY(struct config_filter_block *) filters_sorted;
	/* Cache of merged section lists per (type, matching filters). */
	struct hash_table *section_cache;
	ARRAY(const char *) cache_keys;
};

/* config-schema.c */
extern const struct config_setting_def config_global_settings[];
extern const unsigned int config_global_settings_count;
extern const struct config_section_def config_root_def;
/* The built-in services as dovecot.conf text (Dovecot's defaults). */
extern const char config_builtin_services[];

/* Returns the global setting's index, or -1. */
int config_schema_global_index(const char *name);
/* Finds a setting in a section schema (binary search), or NULL. */
const struct config_setting_def *
config_section_def_find_setting(const struct config_section_def *def,
	const char *name);
/* The def of child type inside parent, or NULL if not allowed. */
const struct config_section_def *
config_section_def_child(const struct config_section_def *parent,
	const char *type);

/* config-values.c: validation of a value against its type.  Return 0 or
   -1 with Dovecot's error text in *error_r (scratch). */
int config_value_check(const struct config_setting_def *def,
	const char *value, const char **error_r);
/* For the string settings that are lists of known words
   (imap_client_workarounds, pop3_/lmtp_client_workarounds): -1 with
   "KEY: Unknown workaround: WORD" for a word not in the list; 0 for
   every other key. */
int config_check_word_list(const char *key, const char *value,
	const char **error_r);
int config_parse_bool(const char *value, bool *result_r,
	const char **error_r);
int config_parse_uint(const char *value, unsigned int *result_r,
	const char **error_r);
int config_parse_size(const char *value, uint64_t *result_r,
	const char **error_r);
/* TIME and TIME_MSECS; the result is in milliseconds. */
int config_parse_time(const char *value, bool allow_msecs,
	uint64_t *msecs_r, const char **error_r);
int config_parse_octal(const char *value, unsigned int *result_r,
	const char **error_r);
/* True if the two values of def's type mean the same (1h == 60 mins). */
bool config_value_equals(const struct config_setting_def *def,
	const char *a, const char *b);
/* Parses "IP[/bits]"; resolves a host name (blocking) if it is one. */
int config_parse_net(const char *value, struct config_net *net_r,
	const char **error_r);
/* True if ip (text) is inside net. */
bool config_net_match(const struct config_net *net, const char *ip);

/* config-parser.c */
int config_parse(struct config *config, const char *text,
	const char *source_name, const char **error_r);
/* Parses config_builtin_services into holder's children, keeping
   $references verbatim. */
int config_parse_builtin(struct config *config, struct config_section *holder,
	const char **error_r);

/* Reads a whole file (up to 16 MiB) into heap memory; the caller frees
   *text_r.  Returns 0 or -1 with "open(path) failed: ..." etc. */
int config_parse_read_file(const char *path, char **text_r,
	const char **error_r);

/* config.c */
struct config_section *config_section_new(struct config *config,
	const struct config_section_def *def, const char *type,
	const char *name, const char *source);
struct config_kv *config_section_find_kv(struct config_section *s,
	const char *key);
void config_section_set(struct config_section *s, const char *key,
	const char *value, const char *file_path);
/* Merges src into dst (same type/name): assignments and children. */
void config_section_merge(struct config_section *dst,
	const struct config_section *src);
/* Named (or singleton) sections match by name; anonymous never do. */
struct config_section *config_section_find_child(struct config_section *s,
	const struct config_section_def *def, const char *name);
bool config_filter_block_match(const struct config_filter_block *b,
	const struct config_filter *f);
/* A value as the dump prints it: quoted when needed. */
const char *config_quote_value(const char *value);

#endif
