/*
 * auth-fields.c - ordered, unique key=value lists (see auth-fields.h).
 * Lists are short (a handful of fields), so lookups are linear.
 */
#include "lib.h"
#include "array.h"
#include "buf.h"
#include "str.h"
#include "auth-fields.h"

struct auth_field {
	const char *key;
	const char *value;
};

struct auth_fields {
	struct arena *arena;
	ARRAY(struct auth_field) fields;
};

struct auth_fields *auth_fields_create(struct arena *arena)
{
	struct auth_fields *fields = arena_new(arena, struct auth_fields, 1);

	fields->arena = arena;
	array_init(&fields->fields, arena, 8);
	return fields;
}

static struct auth_field *
auth_fields_find(const struct auth_fields *fields, const char *key)
{
	for (unsigned int i = 0; i < fields->fields.count; i++) {
		if (strcmp(fields->fields.v[i].key, key) == 0)
			return &fields->fields.v[i];
	}
	return NULL;
}

void auth_fields_set(struct auth_fields *fields, const char *key,
	const char *value)
{
	struct auth_field *field = auth_fields_find(fields, key);

	if (value == NULL)
		value = "";
	if (field == NULL) {
		field = array_append_space(&fields->fields);
		field->key = arena_strdup(fields->arena, key);
	}
	field->value = arena_strdup(fields->arena, value);
}

const char *auth_fields_get(const struct auth_fields *fields,
	const char *key)
{
	const struct auth_field *field = auth_fields_find(fields, key);

	return field == NULL ? NULL : field->value;
}

bool auth_fields_exists(const struct auth_fields *fields, const char *key)
{
	return auth_fields_find(fields, key) != NULL;
}

void auth_fields_remove(struct auth_fields *fields, const char *key)
{
	for (unsigned int i = 0; i < fields->fields.count; i++) {
		if (strcmp(fields->fields.v[i].key, key) == 0) {
			array_delete(&fields->fields, i, 1);
			return;
		}
	}
}

unsigned int auth_fields_count(const struct auth_fields *fields)
{
	return fields->fields.count;
}

void auth_fields_clear(struct auth_fields *fields)
{
	array_clear(&fields->fields);
}

bool auth_fields_iter(const struct auth_fields *fields, unsigned int *idx,
	const char **key_r, const char **value_r)
{
	if (*idx >= fields->fields.count)
		return false;
	*key_r = fields->fields.v[*idx].key;
	*value_r = fields->fields.v[*idx].value;
	(*idx)++;
	return true;
}

void auth_fields_import(struct auth_fields *dest,
	const struct auth_fields *src)
{
	for (unsigned int i = 0; i < src->fields.count; i++)
		auth_fields_set(dest, src->fields.v[i].key,
			src->fields.v[i].value);
}

int auth_fields_append(const struct auth_fields *fields, struct buf *out)
{
	int ret = 0;

	SCRATCH_BEGIN {
		for (unsigned int i = 0; i < fields->fields.count && ret == 0;
		     i++) {
			const struct auth_field *f = &fields->fields.v[i];

			ret = buf_append_c(out, '\t');
			if (ret == 0)
				ret = buf_append_str(out, str_tabescape(
					scratch_arena(), f->key));
			if (ret == 0 && f->value[0] != '\0') {
				ret = buf_append_c(out, '=');
				if (ret == 0)
					ret = buf_append_str(out,
						str_tabescape(scratch_arena(),
							f->value));
			}
		}
	} SCRATCH_END;
	return ret;
}

bool auth_field_is_true(const char *value)
{
	if (value == NULL)
		return false;
	return !(strcasecmp(value, "n") == 0 || strcasecmp(value, "no") == 0 ||
		 strcmp(value, "0") == 0 || strcasecmp(value, "false") == 0);
}
