/*
 * config.c - loading a configuration and reading it: global settings with
 * filter application, sections (with Dovecot's built-in services merged
 * in), typed getters.
 */
#include "lib.h"
#include "buf.h"
#include "hash.h"
#include "str.h"
#include "config-private.h"

struct section_list {
	const struct config_section **v;
	unsigned int count;
};

/* Same layout as ARRAY(const struct config_section *), named so that it
   can be passed to functions. */
struct section_arr {
	const struct config_section **v;
	unsigned int count, alloc;
	struct arena *arena;
};

struct config_section *config_section_new(struct config *config,
	const struct config_section_def *def, const char *type,
	const char *name, const char *source)
{
	struct config_section *s = arena_new(config->arena,
		struct config_section, 1);

	s->config = config;
	s->def = def;
	s->type = type;
	s->name = name;
	s->source = source;
	array_init(&s->kvs, config->arena, 4);
	array_init(&s->builtin, config->arena, 1);
	array_init(&s->children, config->arena, 1);
	return s;
}

struct config_kv *config_section_find_kv(struct config_section *s,
	const char *key)
{
	unsigned int i;

	for (i = 0; i < s->kvs.count; i++) {
		if (strcmp(s->kvs.v[i].key, key) == 0)
			return &s->kvs.v[i];
	}
	return NULL;
}

void config_section_set(struct config_section *s, const char *key,
	const char *value, const char *file_path)
{
	struct config_kv *kv = config_section_find_kv(s, key);

	if (kv == NULL) {
		kv = array_append_space(&s->kvs);
		kv->key = key;
	}
	kv->value = value;
	kv->file_path = file_path;
}

struct config_section *config_section_find_child(struct config_section *s,
	const struct config_section_def *def, const char *name)
{
	unsigned int i;

	if (!def->singleton && name[0] == '\0')
		return NULL;
	for (i = 0; i < s->children.count; i++) {
		struct config_section *child = s->children.v[i];

		if (child->def == def &&
		    (def->singleton || strcmp(child->name, name) == 0))
			return child;
	}
	return NULL;
}

static struct config_section *section_copy(struct config *c,
	const struct config_section *src)
{
	struct config_section *dst;
	unsigned int i;

	dst = config_section_new(c, src->def, src->type, src->name,
		src->source);
	dst->explicit_section = src->explicit_section;
	dst->builtin_section = src->builtin_section;
	for (i = 0; i < src->kvs.count; i++)
		array_push(&dst->kvs, src->kvs.v[i]);
	for (i = 0; i < src->builtin.count; i++)
		array_push(&dst->builtin, src->builtin.v[i]);
	for (i = 0; i < src->children.count; i++)
		array_push(&dst->children, section_copy(c, src->children.v[i]));
	return dst;
}

void config_section_merge(struct config_section *dst,
	const struct config_section *src)
{
	unsigned int i;

	for (i = 0; i < src->kvs.count; i++) {
		config_section_set(dst, src->kvs.v[i].key, src->kvs.v[i].value,
			src->kvs.v[i].file_path);
	}
	if (src->explicit_section)
		dst->explicit_section = true;
	for (i = 0; i < src->children.count; i++) {
		const struct config_section *child = src->children.v[i];
		struct config_section *existing;

		existing = config_section_find_child(dst, child->def,
			child->name);
		if (existing != NULL)
			config_section_merge(existing, child);
		else
			array_push(&dst->children, section_copy(dst->config,
				child));
	}
}

static const char *effective_global(const struct config *c, int idx)
{
	if (c->values[idx] != NULL)
		return c->values[idx];
	return config_global_settings[idx].default_value;
}

/* Built-in values like "$default_internal_user" take the configuration's
   final value of that setting. */
static void builtin_kvs_expand(struct config *c, struct config_section *dst,
	const struct config_section *src)
{
	unsigned int i;

	for (i = 0; i < src->kvs.count; i++) {
		struct config_kv kv = src->kvs.v[i];

		if (kv.value[0] == '$') {
			int idx = config_schema_global_index(kv.value + 1);

			i_assert(idx >= 0);
			kv.value = effective_global(c, idx);
		}
		array_push(&dst->builtin, kv);
	}
}

static int config_build_services(struct config *c, const char **error_r)
{
	struct config_section holder;
	unsigned int i, j;

	memset(&holder, 0, sizeof(holder));
	holder.config = c;
	holder.def = &config_root_def;
	holder.type = holder.name = "";
	array_init(&holder.kvs, c->arena, 1);
	array_init(&holder.builtin, c->arena, 1);
	array_init(&holder.children, c->arena, 64);
	if (config_parse_builtin(c, &holder, error_r) < 0)
		return -1;

	array_init(&c->services, c->arena, holder.children.count + 8);
	for (i = 0; i < holder.children.count; i++) {
		const struct config_section *b = holder.children.v[i];
		struct config_section *s, *user;

		s = config_section_new(c, b->def, b->type, b->name, b->source);
		s->builtin_section = true;
		builtin_kvs_expand(c, s, b);
		for (j = 0; j < b->children.count; j++) {
			const struct config_section *bl = b->children.v[j];
			struct config_section *l;

			l = config_section_new(c, bl->def, bl->type, bl->name,
				bl->source);
			l->builtin_section = true;
			builtin_kvs_expand(c, l, bl);
			array_push(&s->children, l);
		}
		user = config_section_find_child(&c->root, b->def, b->name);
		if (user != NULL)
			config_section_merge(s, user);
		array_push(&c->services, s);
	}
	for (i = 0; i < c->root.children.count; i++) {
		struct config_section *user = c->root.children.v[i];

		if (strcmp(user->type, "service") != 0)
			continue;
		if (user->name[0] != '\0' &&
		    config_section_find_child(&holder, user->def,
			    user->name) != NULL)
			continue;
		array_push(&c->services, user);
	}
	return 0;
}

/* Sort key of filter specificity, least specific first (Dovecot:
   local_name, then local bits, then remote bits, then protocol). */
static int filter_specificity_cmp(const void *p1, const void *p2)
{
	const struct config_filter_block *a =
		*(const struct config_filter_block *const *)p1;
	const struct config_filter_block *b =
		*(const struct config_filter_block *const *)p2;
	int ka, kb;

	ka = a->local_name != NULL;
	kb = b->local_name != NULL;
	if (ka != kb)
		return ka - kb;
	ka = a->local != NULL ? (int)a->local_net.bits + 1 : 0;
	kb = b->local != NULL ? (int)b->local_net.bits + 1 : 0;
	if (ka != kb)
		return ka - kb;
	ka = a->remote != NULL ? (int)a->remote_net.bits + 1 : 0;
	kb = b->remote != NULL ? (int)b->remote_net.bits + 1 : 0;
	if (ka != kb)
		return ka - kb;
	ka = a->protocols != NULL;
	kb = b->protocols != NULL;
	if (ka != kb)
		return ka - kb;
	return (int)a->index - (int)b->index;
}

static struct config *config_new(const char *source_name)
{
	struct arena *arena = arena_create("config", 64 * 1024);
	struct config *c = arena_new(arena, struct config, 1);

	c->arena = arena;
	c->path = arena_strdup(arena, source_name);
	c->values = arena_new(arena, const char *,
		config_global_settings_count);
	c->file_paths = arena_new(arena, const char *,
		config_global_settings_count);
	c->root.config = c;
	c->root.def = &config_root_def;
	c->root.type = c->root.name = "";
	array_init(&c->root.kvs, arena, 1);
	array_init(&c->root.builtin, arena, 1);
	array_init(&c->root.children, arena, 16);
	array_init(&c->filters, arena, 4);
	array_init(&c->filters_sorted, arena, 4);
	array_init(&c->cache_keys, NULL, 16);
	c->section_cache = hash_create(false);
	return c;
}

int config_load_string(const char *text, const char *source_name,
	struct config **config_r, const char **error_r)
{
	struct config *c = config_new(source_name);
	char error[1024];
	int ret;

	error[0] = '\0';
	SCRATCH_BEGIN {
		const char *err = NULL;

		ret = config_parse(c, text, c->path, &err);
		if (ret == 0)
			ret = config_build_services(c, &err);
		if (ret < 0)
			i_strlcpy(error, err, sizeof(error));
	} SCRATCH_END;
	if (ret < 0) {
		config_free(&c);
		*error_r = t_strdup(error);
		return -1;
	}
	for (unsigned int i = 0; i < c->filters.count; i++)
		array_push(&c->filters_sorted, c->filters.v[i]);
	if (c->filters_sorted.count > 1) {
		qsort(c->filters_sorted.v, c->filters_sorted.count,
			sizeof(c->filters_sorted.v[0]), filter_specificity_cmp);
	}
	*config_r = c;
	return 0;
}

int config_load_file(const char *path, struct config **config_r,
	const char **error_r)
{
	char *text = NULL;
	int ret;

	ret = config_parse_read_file(path, &text, error_r);
	if (ret < 0)
		return -1;
	ret = config_load_string(text, path, config_r, error_r);
	free(text);
	return ret;
}

void config_free(struct config **config)
{
	struct config *c = *config;
	unsigned int i;

	if (c == NULL)
		return;
	*config = NULL;
	for (i = 0; i < c->cache_keys.count; i++)
		free((void *)c->cache_keys.v[i]);
	array_free(&c->cache_keys);
	hash_destroy(&c->section_cache);
	arena_destroy(&c->arena);
}

const char *config_get_path(const struct config *config)
{
	return config->path;
}

static bool name_list_match(const char *list, const char *name, bool icase,
	bool wildcards)
{
	bool positive_seen = false, positive_match = false;
	const char *p = list;

	while (*p != '\0') {
		const char *end = p;
		bool negated = false, match;
		size_t len;

		while (*end != '\0' && *end != ' ')
			end++;
		len = (size_t)(end - p);
		if (len > 0 && *p == '!') {
			negated = true;
			p++;
			len--;
		}
		if (len > 0) {
			size_t nlen = strlen(name);

			match = len == nlen && (icase ?
				strncasecmp(p, name, len) == 0 :
				strncmp(p, name, len) == 0);
			if (!match && wildcards && len > 1 && p[0] == '*' &&
			    nlen >= len - 1) {
				match = strncasecmp(p + 1,
					name + nlen - (len - 1), len - 1) == 0;
			}
			if (negated && match)
				return false;
			if (!negated) {
				positive_seen = true;
				positive_match = positive_match || match;
			}
		}
		p = *end == '\0' ? end : end + 1;
	}
	return !positive_seen || positive_match;
}

bool config_filter_block_match(const struct config_filter_block *b,
	const struct config_filter *f)
{
	const char *protocol;

	if (f == NULL)
		return false;
	protocol = f->protocol != NULL ? f->protocol : f->service;
	if (b->protocols != NULL) {
		if (protocol == NULL ||
		    !name_list_match(b->protocols, protocol, false, false))
			return false;
	}
	if (b->local != NULL && !config_net_match(&b->local_net, f->local_ip))
		return false;
	if (b->remote != NULL &&
	    !config_net_match(&b->remote_net, f->remote_ip))
		return false;
	if (b->local_name != NULL) {
		if (f->local_name == NULL ||
		    !name_list_match(b->local_name, f->local_name, true, true))
			return false;
	}
	return true;
}

static int global_index(const char *key)
{
	int idx = config_schema_global_index(key);

	if (idx < 0)
		i_panic("config: unknown setting '%s'", key);
	return idx;
}

/* The explicit value for the filter, or NULL if only the default
   applies. */
static const char *lookup_explicit(const struct config *c,
	const struct config_filter *f, int idx)
{
	const char *value = c->values[idx];
	unsigned int i;

	if (f == NULL)
		return value;
	for (i = 0; i < c->filters_sorted.count; i++) {
		const struct config_filter_block *b = c->filters_sorted.v[i];

		if (b->values[idx] != NULL && config_filter_block_match(b, f))
			value = b->values[idx];
	}
	return value;
}

const char *config_get(const struct config *c, const struct config_filter *f,
	const char *key)
{
	int idx = global_index(key);
	const char *value = lookup_explicit(c, f, idx);

	return value != NULL ? value :
		config_global_settings[idx].default_value;
}

bool config_is_set(const struct config *c, const struct config_filter *f,
	const char *key)
{
	return lookup_explicit(c, f, global_index(key)) != NULL;
}

static const struct config_setting_def *
global_def_typed(const char *key, enum config_type t1, enum config_type t2,
	enum config_type t3)
{
	const struct config_setting_def *def =
		&config_global_settings[global_index(key)];

	if (def->type != t1 && def->type != t2 && def->type != t3)
		i_panic("config: setting '%s' has another type", key);
	return def;
}

static bool value_get_bool(const char *key, const char *value)
{
	const char *error;
	bool b;

	if (config_parse_bool(value, &b, &error) < 0)
		i_panic("config: %s: %s", key, error);
	return b;
}

static unsigned int value_get_uint(const struct config_setting_def *def,
	const char *value)
{
	const char *error;
	unsigned int n;
	int ret;

	if (def->type == CONFIG_TYPE_OCTAL)
		ret = config_parse_octal(value, &n, &error);
	else
		ret = config_parse_uint(value, &n, &error);
	if (ret < 0)
		i_panic("config: %s: %s", def->name, error);
	return n;
}

static uint64_t value_get_size(const char *key, const char *value)
{
	const char *error;
	uint64_t n;

	if (config_parse_size(value, &n, &error) < 0)
		i_panic("config: %s: %s", key, error);
	return n;
}

static uint64_t value_get_msecs(const char *key, const char *value)
{
	const char *error;
	uint64_t n;

	if (config_parse_time(value, true, &n, &error) < 0)
		i_panic("config: %s: %s", key, error);
	return n;
}

static unsigned int clamp_uint(uint64_t n)
{
	return n > UINT_MAX ? UINT_MAX : (unsigned int)n;
}

bool config_get_bool(const struct config *c, const struct config_filter *f,
	const char *key)
{
	global_def_typed(key, CONFIG_TYPE_BOOL, CONFIG_TYPE_BOOL,
		CONFIG_TYPE_BOOL);
	return value_get_bool(key, config_get(c, f, key));
}

unsigned int config_get_uint(const struct config *c,
	const struct config_filter *f, const char *key)
{
	const struct config_setting_def *def = global_def_typed(key,
		CONFIG_TYPE_UINT, CONFIG_TYPE_OCTAL, CONFIG_TYPE_IN_PORT);

	return value_get_uint(def, config_get(c, f, key));
}

uint64_t config_get_size(const struct config *c, const struct config_filter *f,
	const char *key)
{
	global_def_typed(key, CONFIG_TYPE_SIZE, CONFIG_TYPE_SIZE,
		CONFIG_TYPE_SIZE);
	return value_get_size(key, config_get(c, f, key));
}

unsigned int config_get_time_secs(const struct config *c,
	const struct config_filter *f, const char *key)
{
	global_def_typed(key, CONFIG_TYPE_TIME, CONFIG_TYPE_TIME_MSECS,
		CONFIG_TYPE_TIME);
	return clamp_uint(value_get_msecs(key, config_get(c, f, key)) / 1000);
}

unsigned int config_get_time_msecs(const struct config *c,
	const struct config_filter *f, const char *key)
{
	global_def_typed(key, CONFIG_TYPE_TIME, CONFIG_TYPE_TIME_MSECS,
		CONFIG_TYPE_TIME);
	return clamp_uint(value_get_msecs(key, config_get(c, f, key)));
}

bool config_iter_set_keys(const struct config *c, unsigned int *idx,
	const char **key_r)
{
	unsigned int i;

	for (; *idx < config_global_settings_count; (*idx)++) {
		bool set = c->values[*idx] != NULL;

		for (i = 0; i < c->filters.count && !set; i++)
			set = c->filters.v[i]->values[*idx] != NULL;
		if (set) {
			*key_r = config_global_settings[(*idx)++].name;
			return true;
		}
	}
	return false;
}

/* Caches a NULL-terminated list under key (heap copy of key). */
static const struct section_list *
cache_list(struct config *c, const char *key, struct section_arr *arr)
{
	struct section_list *list = arena_new(c->arena, struct section_list, 1);
	char *key_copy = i_strdup(key);

	list->count = arr->count;
	list->v = arena_new(c->arena, const struct config_section *,
		arr->count + 1);
	if (arr->count > 0)
		memcpy(list->v, arr->v, size_mul(sizeof(*arr->v), arr->count));
	array_push(&c->cache_keys, key_copy);
	hash_set(c->section_cache, key_copy, list);
	return list;
}

static void list_merge_section(struct config *c,
	struct section_arr *arr,
	const struct config_section *s)
{
	unsigned int i;

	if (s->def->singleton || s->name[0] != '\0') {
		for (i = 0; i < arr->count; i++) {
			const struct config_section *old = arr->v[i];
			struct config_section *merged;

			if (old->def != s->def ||
			    (!s->def->singleton &&
			     strcmp(old->name, s->name) != 0))
				continue;
			merged = section_copy(c, old);
			config_section_merge(merged, s);
			arr->v[i] = merged;
			return;
		}
	}
	array_push(arr, s);
}

const struct config_section *const *config_get_sections(
	const struct config *cc, const struct config_filter *f,
	const char *type, unsigned int *count_r)
{
	struct config *c = (struct config *)cc;
	const struct section_list *list;
	struct section_arr arr;
	unsigned int i, j;

	SCRATCH_BEGIN {
		struct buf key;

		buf_init(&key, scratch_arena(), 64, 0);
		if (buf_append_str(&key, type) < 0)
			i_panic("unbounded buffer failed");
		for (i = 0; f != NULL && i < c->filters_sorted.count; i++) {
			const struct config_filter_block *b =
				c->filters_sorted.v[i];
			bool has = false;

			for (j = 0; j < b->root.children.count && !has; j++)
				has = strcmp(b->root.children.v[j]->type,
					type) == 0;
			if (has && config_filter_block_match(b, f)) {
				if (buf_printf(&key, " %u", b->index) < 0)
					i_panic("unbounded buffer failed");
			}
		}
		list = hash_get(c->section_cache, buf_cstr(&key));
		if (list == NULL) {
			array_init(&arr, scratch_arena(), 16);
			if (strcmp(type, "service") == 0) {
				for (i = 0; i < c->services.count; i++)
					array_push(&arr, c->services.v[i]);
			} else {
				for (i = 0; i < c->root.children.count; i++) {
					const struct config_section *s =
						c->root.children.v[i];

					if (strcmp(s->type, type) == 0)
						array_push(&arr, s);
				}
			}
			for (i = 0; f != NULL && i < c->filters_sorted.count;
			     i++) {
				const struct config_filter_block *b =
					c->filters_sorted.v[i];

				if (!config_filter_block_match(b, f))
					continue;
				for (j = 0; j < b->root.children.count; j++) {
					const struct config_section *s =
						b->root.children.v[j];

					if (strcmp(s->type, type) == 0)
						list_merge_section(c, &arr, s);
				}
			}
			list = cache_list(c, buf_cstr(&key), &arr);
		}
	} SCRATCH_END;
	*count_r = list->count;
	return list->v;
}

const struct config_section *config_find_section(const struct config *c,
	const struct config_filter *f, const char *type, const char *name)
{
	const struct config_section *const *list;
	unsigned int count, i;

	list = config_get_sections(c, f, type, &count);
	for (i = 0; i < count; i++) {
		if (strcmp(list[i]->name, name) == 0)
			return list[i];
	}
	return NULL;
}

const char *config_section_type(const struct config_section *s)
{
	return s->type;
}

const char *config_section_name(const struct config_section *s)
{
	return s->name;
}

static const struct config_kv *section_kv(const struct config_section *s,
	const char *key)
{
	unsigned int i;

	for (i = 0; i < s->kvs.count; i++) {
		if (strcmp(s->kvs.v[i].key, key) == 0)
			return &s->kvs.v[i];
	}
	for (i = 0; i < s->builtin.count; i++) {
		if (strcmp(s->builtin.v[i].key, key) == 0)
			return &s->builtin.v[i];
	}
	return NULL;
}

static const struct config_setting_def *
section_setting(const struct config_section *s, const char *key)
{
	const struct config_setting_def *def;

	def = config_section_def_find_setting(s->def, key);
	if (def == NULL && s->def->settings != NULL)
		i_panic("config: unknown setting '%s' in %s", key, s->type);
	return def;
}

const char *config_section_get(const struct config_section *s,
	const char *key)
{
	const struct config_setting_def *def = section_setting(s, key);
	const struct config_kv *kv = section_kv(s, key);

	if (kv != NULL)
		return kv->value;
	return def == NULL ? NULL : def->default_value;
}

bool config_section_is_set(const struct config_section *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->kvs.count; i++) {
		if (strcmp(s->kvs.v[i].key, key) == 0)
			return true;
	}
	return false;
}

static const struct config_setting_def *
section_def_typed(const struct config_section *s, const char *key,
	enum config_type t1, enum config_type t2, enum config_type t3)
{
	const struct config_setting_def *def = section_setting(s, key);

	if (def == NULL)
		i_panic("config: typed get of free-form key '%s'", key);
	if (def->type != t1 && def->type != t2 && def->type != t3)
		i_panic("config: setting '%s' has another type", key);
	return def;
}

bool config_section_get_bool(const struct config_section *s, const char *key)
{
	section_def_typed(s, key, CONFIG_TYPE_BOOL, CONFIG_TYPE_BOOL,
		CONFIG_TYPE_BOOL);
	return value_get_bool(key, config_section_get(s, key));
}

unsigned int config_section_get_uint(const struct config_section *s,
	const char *key)
{
	const struct config_setting_def *def = section_def_typed(s, key,
		CONFIG_TYPE_UINT, CONFIG_TYPE_OCTAL, CONFIG_TYPE_IN_PORT);

	return value_get_uint(def, config_section_get(s, key));
}

uint64_t config_section_get_size(const struct config_section *s,
	const char *key)
{
	section_def_typed(s, key, CONFIG_TYPE_SIZE, CONFIG_TYPE_SIZE,
		CONFIG_TYPE_SIZE);
	return value_get_size(key, config_section_get(s, key));
}

unsigned int config_section_get_time_secs(const struct config_section *s,
	const char *key)
{
	section_def_typed(s, key, CONFIG_TYPE_TIME, CONFIG_TYPE_TIME_MSECS,
		CONFIG_TYPE_TIME);
	return clamp_uint(value_get_msecs(key, config_section_get(s, key)) /
		1000);
}

const struct config_section *const *config_section_children(
	const struct config_section *cs, const char *type,
	unsigned int *count_r)
{
	struct config_section *s = (struct config_section *)cs;
	struct config *c = s->config;
	const struct section_list *list;
	struct section_arr arr;
	unsigned int i;

	SCRATCH_BEGIN {
		const char *key = t_printf("%p/%s", (const void *)s, type);

		list = hash_get(c->section_cache, key);
		if (list == NULL) {
			array_init(&arr, scratch_arena(), 8);
			for (i = 0; i < s->children.count; i++) {
				if (strcmp(s->children.v[i]->type, type) == 0)
					array_push(&arr, s->children.v[i]);
			}
			list = cache_list(c, key, &arr);
		}
	} SCRATCH_END;
	*count_r = list->count;
	return list->v;
}

bool config_section_iter(const struct config_section *s, unsigned int *idx,
	const char **key_r, const char **value_r)
{
	if (*idx >= s->kvs.count)
		return false;
	*key_r = s->kvs.v[*idx].key;
	*value_r = s->kvs.v[*idx].value;
	(*idx)++;
	return true;
}
