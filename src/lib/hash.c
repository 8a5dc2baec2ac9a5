/*
 * hash.c - open-addressing string hash table with linear probing and
 * tombstone-free deletion (backward shift).
 */
#include "lib.h"
#include "hash.h"

#include <ctype.h>
#include <strings.h>

struct hash_entry {
	const char *key;
	void *value;
	uint32_t hash;
};

struct hash_table {
	struct hash_entry *entries;
	unsigned int size; /* power of two */
	unsigned int count;
	bool icase;
};

uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

uint32_t hash_str_icase(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

struct hash_table *hash_create(bool icase)
{
	struct hash_table *t = i_new(struct hash_table, 1);

	t->icase = icase;
	t->size = 16;
	t->entries = i_new(struct hash_entry, t->size);
	return t;
}

void hash_destroy(struct hash_table **_t)
{
	struct hash_table *t = *_t;

	if (t == NULL)
		return;
	*_t = NULL;
	free(t->entries);
	free(t);
}

static uint32_t table_hash(const struct hash_table *t, const char *key)
{
	return t->icase ? hash_str_icase(key) : hash_str(key);
}

static bool key_eq(const struct hash_table *t, const char *a, const char *b)
{
	return t->icase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static struct hash_entry *find(const struct hash_table *t, const char *key,
	uint32_t h)
{
	unsigned int mask = t->size - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct hash_entry *e = &t->entries[i];

		if (e->key == NULL)
			return e;
		if (e->hash == h && key_eq(t, e->key, key))
			return e;
	}
}

static void grow(struct hash_table *t)
{
	struct hash_entry *old = t->entries;
	unsigned int old_size = t->size;

	t->size *= 2;
	t->entries = i_new(struct hash_entry, t->size);
	for (unsigned int i = 0; i < old_size; i++) {
		if (old[i].key != NULL)
			*find(t, old[i].key, old[i].hash) = old[i];
	}
	free(old);
}

void hash_set(struct hash_table *t, const char *key, void *value)
{
	uint32_t h = table_hash(t, key);
	struct hash_entry *e;

	if ((t->count + 1) * 4 > t->size * 3)
		grow(t);
	e = find(t, key, h);
	if (e->key == NULL)
		t->count++;
	e->key = key;
	e->hash = h;
	e->value = value;
}

void *hash_get(const struct hash_table *t, const char *key)
{
	struct hash_entry *e = find(t, key, table_hash(t, key));

	return e->key == NULL ? NULL : e->value;
}

bool hash_remove(struct hash_table *t, const char *key)
{
	struct hash_entry *e = find(t, key, table_hash(t, key));
	unsigned int mask = t->size - 1, i, j;

	if (e->key == NULL)
		return false;
	i = (unsigned int)(e - t->entries);
	e->key = NULL;
	t->count--;
	/* Backward-shift the following cluster so lookups stay correct. */
	for (j = (i + 1) & mask; t->entries[j].key != NULL; j = (j + 1) & mask) {
		unsigned int home = t->entries[j].hash & mask;
		bool move = i <= j ? (home <= i || home > j) :
				     (home <= i && home > j);

		if (move) {
			t->entries[i] = t->entries[j];
			t->entries[j].key = NULL;
			i = j;
		}
	}
	return true;
}

unsigned int hash_count(const struct hash_table *t)
{
	return t->count;
}

bool hash_iterate(const struct hash_table *t, struct hash_iter *iter,
	const char **key_r, void **value_r)
{
	for (; iter->pos < t->size; iter->pos++) {
		struct hash_entry *e = &t->entries[iter->pos];

		if (e->key != NULL) {
			*key_r = e->key;
			*value_r = e->value;
			iter->pos++;
			return true;
		}
	}
	return false;
}
