/*
 * hash.h - hash table keyed by NUL-terminated strings (case-sensitive or
 * ASCII case-insensitive), mapping to void pointers.  Keys are not copied:
 * the caller keeps them alive for as long as the entry exists.
 */
#ifndef ROOST_HASH_H
#define ROOST_HASH_H

struct hash_table;

struct hash_table *hash_create(bool icase);
void hash_destroy(struct hash_table **table);
/* Sets or replaces the value for key. */
void hash_set(struct hash_table *table, const char *key, void *value);
void *hash_get(const struct hash_table *table, const char *key);
/* Returns true if the key existed. */
bool hash_remove(struct hash_table *table, const char *key);
unsigned int hash_count(const struct hash_table *table);

struct hash_iter {
	unsigned int pos;
};
/* Iterates in no particular order; the table must not change meanwhile. */
bool hash_iterate(const struct hash_table *table, struct hash_iter *iter,
	const char **key_r, void **value_r);

uint32_t hash_str(const char *s);
uint32_t hash_str_icase(const char *s);

#endif
