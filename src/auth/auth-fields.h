/*
 * auth-fields.h - an ordered key=value list: passdb extra fields, userdb
 * fields, and the fields of protocol replies.  Keys are unique (setting
 * one again replaces its value in place).  Memory comes from the arena
 * given at creation.
 */
#ifndef ROOST_AUTH_FIELDS_H
#define ROOST_AUTH_FIELDS_H

struct arena;
struct buf;
struct auth_fields;

struct auth_fields *auth_fields_create(struct arena *arena);
/* Sets key (copied) to value (copied; NULL is stored as "", a bare key such
   as "nodelay"). */
void auth_fields_set(struct auth_fields *fields, const char *key,
	const char *value);
/* The value, or NULL when key is absent. */
const char *auth_fields_get(const struct auth_fields *fields,
	const char *key);
bool auth_fields_exists(const struct auth_fields *fields, const char *key);
void auth_fields_remove(struct auth_fields *fields, const char *key);
unsigned int auth_fields_count(const struct auth_fields *fields);
void auth_fields_clear(struct auth_fields *fields);
/* Iterates in insertion order; start with *idx = 0. */
bool auth_fields_iter(const struct auth_fields *fields, unsigned int *idx,
	const char **key_r, const char **value_r);
/* Copies every field of src into dest (replacing same keys). */
void auth_fields_import(struct auth_fields *dest,
	const struct auth_fields *src);
/*
 * Appends "\tkey=value" for each field (tab-escaped; just "\tkey" for an
 * empty value), as the auth protocols write fields.  Returns 0, or -1 if
 * out's max was reached.
 */
int auth_fields_append(const struct auth_fields *fields, struct buf *out)
	ATTR_NODISCARD;
/* True if value means yes for a boolean extra field ("", "y", "yes", "1",
   ...: anything but "n"/"no"/"0"/"false"; a bare key is true). */
bool auth_field_is_true(const char *value);

#endif
