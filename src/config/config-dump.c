/*
 * config-dump.c - printing a configuration as dovecot.conf text, like
 * doveconf -a / -n / -N / -d, optionally for one filter or for a list of
 * setting and section names.  The output parses back to an equal
 * configuration: values that the parser would change (leading or
 * trailing spaces, '#', '$', quotes) are quoted, and "key = <file"
 * values print as the file reference.
 */
#include "lib.h"

#include <ctype.h>

#include "buf.h"
#include "str.h"
#include "config-private.h"
#include "roost-config.h"

/* The Dovecot version whose configuration we implement. */
#define CONFIG_DOVECOT_VERSION "2.3.19"

struct dump_ctx {
	const struct config *config;
	enum config_dump_mode mode;
	enum config_dump_flags flags;
	const struct config_filter *filter;
	struct buf *out;
	bool failed;
};

#define IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\r')
#define IS_SPACE_EDGE(v, len) (IS_WS((v)[0]) || IS_WS((v)[(len) - 1]))

static void out_str(struct dump_ctx *ctx, const char *s)
{
	if (buf_append_str(ctx->out, s) < 0)
		ctx->failed = true;
}

static void out_indent(struct dump_ctx *ctx, unsigned int indent)
{
	unsigned int i;

	for (i = 0; i < indent; i++)
		out_str(ctx, "  ");
}

/* True if the parser would expand a word of value as a $setting. */
static bool has_variable(const char *value)
{
	const char *p;

	for (p = strchr(value, '$'); p != NULL; p = strchr(p + 1, '$')) {
		if (p == value || p[-1] == ' ')
			return true;
	}
	return false;
}

const char *config_quote_value(const char *value)
{
	size_t len = strlen(value);
	struct buf b;
	const char *p;

	if (len == 0 || (!IS_SPACE_EDGE(value, len) &&
			 strpbrk(value, "#\"'\n") == NULL &&
			 !has_variable(value) &&
			 value[0] != '<' && value[len - 1] != '\\'))
		return value;
	buf_init(&b, scratch_arena(), len + 8, 0);
	if (buf_append_c(&b, '"') < 0)
		i_panic("unbounded buffer failed");
	for (p = value; *p != '\0'; p++) {
		if ((*p == '"' || *p == '\\') && buf_append_c(&b, '\\') < 0)
			i_panic("unbounded buffer failed");
		if (buf_append_c(&b, *p) < 0)
			i_panic("unbounded buffer failed");
	}
	if (buf_append_c(&b, '"') < 0)
		i_panic("unbounded buffer failed");
	return buf_cstr(&b);
}

static const char *quote_name(const char *name)
{
	if (name[0] != '\0' && strpbrk(name, " \t{}#\"'=") == NULL)
		return name;
	if (strchr(name, '"') == NULL)
		return t_printf("\"%s\"", name);
	return t_printf("'%s'", name);
}

#define HIDDEN_SETTING "# hidden, use -P to show it"
#define HIDDEN_WORD "#hidden_use-P_to_show#"

/* doveconf hides whole values of keys that name secrets. */
static bool key_is_secret(const char *key)
{
	return str_ends(key, "_password") || str_ends(key, "_key") ||
		strcmp(key, "ssl_dh") == 0;
}

/*
 * doveconf's masking inside values: a word starting "pass" (not preceded
 * by a letter or digit: "password=", "passwd=", "-pass=") has what follows
 * its next '=' hidden up to whitespace or ':' ("host=x password=y dbname=z"
 * prints "host=x password=#hidden_use-P_to_show# dbname=z").
 */
static const char *hide_value_words(const char *value)
{
	const char *p = value, *hit, *eq, *end;
	struct buf out;
	int ret = 0;

	if (strstr(value, "pass") == NULL)
		return value;
	buf_init(&out, scratch_arena(), strlen(value) + 64,
		 strlen(value) * 8 + 64);
	while (ret == 0 && (hit = strstr(p, "pass")) != NULL) {
		if ((hit > value && isalnum((unsigned char)hit[-1])) ||
		    (eq = strchr(hit, '=')) == NULL) {
			ret = buf_append(&out, p, (size_t)(hit - p) + 4);
			p = hit + 4;
			continue;
		}
		end = eq + 1;
		while (*end != '\0' && *end != ' ' && *end != '\t' &&
		       *end != ':')
			end++;
		ret = buf_append(&out, p, (size_t)(eq + 1 - p));
		if (ret == 0)
			ret = buf_append_str(&out, HIDDEN_WORD);
		p = end;
	}
	if (ret == 0)
		ret = buf_append_str(&out, p);
	/* cannot fail with the max above; keep the value hidden if it did */
	return ret == 0 ? buf_cstr(&out) : HIDDEN_WORD;
}

static void out_kv(struct dump_ctx *ctx, unsigned int indent,
	const char *key, const char *value, const char *file_path)
{
	bool hide = (ctx->flags & CONFIG_DUMP_FLAG_HIDE_SECRETS) != 0;

	out_indent(ctx, indent);
	out_str(ctx, key);
	out_str(ctx, " = ");
	if (hide && key_is_secret(key) && (value[0] != '\0' ||
					   file_path != NULL)) {
		out_str(ctx, HIDDEN_SETTING);
	} else if (file_path != NULL) {
		out_str(ctx, "<");
		out_str(ctx, file_path);
	} else if (hide) {
		out_str(ctx, hide_value_words(config_quote_value(value)));
	} else {
		out_str(ctx, config_quote_value(value));
	}
	out_str(ctx, "\n");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int kv_key_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct config_kv *const *)a)->key,
		      (*(const struct config_kv *const *)b)->key);
}

/*
 * The sections in output order: file order, or with doveconf's order
 * sorted by name (insertion sort: stable, so sections without names such
 * as passdb {} keep their file order; the lists are short).
 */
static const struct config_section **
sections_in_order(const struct dump_ctx *ctx,
	const struct config_section *const *list, unsigned int count)
{
	const struct config_section **v;
	unsigned int i, j;

	v = t_new(const struct config_section *, count + 1);
	for (i = 0; i < count; i++) {
		const struct config_section *cur = list[i];

		j = i;
		if ((ctx->flags & CONFIG_DUMP_FLAG_DOVECONF_ORDER) != 0) {
			for (; j > 0 && strcmp(v[j - 1]->name, cur->name) > 0;
			     j--)
				v[j] = v[j - 1];
		}
		v[j] = cur;
	}
	return v;
}

static const struct config_kv *find_kv(const struct config_kv *v,
	unsigned int count, const char *key)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	}
	return NULL;
}

static bool section_has_output(struct dump_ctx *ctx,
	const struct config_section *s);

/* doveconf -n/-N always print a namespace's location and prefix. */
static bool always_printed(const struct config_section *s, const char *key)
{
	return strcmp(s->type, "namespace") == 0 &&
		(strcmp(key, "location") == 0 || strcmp(key, "prefix") == 0);
}

static void dump_section(struct dump_ctx *ctx, const struct config_section *s,
	unsigned int indent);

/* Prints the settings and children of s, sorted by name. */
static void dump_section_body(struct dump_ctx *ctx,
	const struct config_section *s, unsigned int indent)
{
	const struct config_section_def *def = s->def;
	const char **items;
	unsigned int i, j, n = 0, max;

	if (def->settings == NULL) {
		/* free-form: explicit keys in file order, or by name */
		const struct config_kv **kvs;

		if (ctx->mode == CONFIG_DUMP_DEFAULTS)
			return;
		kvs = t_new(const struct config_kv *, s->kvs.count + 1);
		for (i = 0; i < s->kvs.count; i++)
			kvs[i] = &s->kvs.v[i];
		if ((ctx->flags & CONFIG_DUMP_FLAG_DOVECONF_ORDER) != 0)
			qsort(kvs, s->kvs.count, sizeof(*kvs), kv_key_cmp);
		for (i = 0; i < s->kvs.count; i++) {
			out_kv(ctx, indent, kvs[i]->key, kvs[i]->value,
				kvs[i]->file_path);
		}
		return;
	}
	max = def->settings_count;
	for (i = 0; def->children[i] != NULL; i++)
		max++;
	items = t_new(const char *, max);
	for (i = 0; i < def->settings_count; i++)
		items[n++] = def->settings[i].name;
	for (i = 0; def->children[i] != NULL; i++)
		items[n++] = def->children[i];
	qsort(items, n, sizeof(*items), name_cmp);

	for (i = 0; i < n; i++) {
		const struct config_setting_def *sdef =
			config_section_def_find_setting(def, items[i]);
		const struct config_kv *kv, *bkv;
		const char *dflt;

		if (sdef == NULL) {
			const struct config_section **children =
				sections_in_order(ctx,
					(const struct config_section *const *)
					s->children.v, s->children.count);

			for (j = 0; j < s->children.count; j++) {
				const struct config_section *child =
					children[j];

				if (strcmp(child->type, items[i]) == 0 &&
				    section_has_output(ctx, child))
					dump_section(ctx, child, indent);
			}
			continue;
		}
		kv = find_kv(s->kvs.v, s->kvs.count, items[i]);
		bkv = find_kv(s->builtin.v, s->builtin.count, items[i]);
		dflt = bkv != NULL ? bkv->value : sdef->default_value;
		switch (ctx->mode) {
		case CONFIG_DUMP_ALL:
			if (kv != NULL)
				out_kv(ctx, indent, items[i], kv->value,
					kv->file_path);
			else
				out_kv(ctx, indent, items[i], dflt, NULL);
			break;
		case CONFIG_DUMP_NONDEFAULT:
			if (kv != NULL &&
			    (!config_value_equals(sdef, kv->value, dflt) ||
			     always_printed(s, items[i])))
				out_kv(ctx, indent, items[i], kv->value,
					kv->file_path);
			else if (kv == NULL && always_printed(s, items[i]))
				out_kv(ctx, indent, items[i], dflt, NULL);
			break;
		case CONFIG_DUMP_EXPLICIT:
			if (kv != NULL)
				out_kv(ctx, indent, items[i], kv->value,
					kv->file_path);
			else if (always_printed(s, items[i]))
				out_kv(ctx, indent, items[i], dflt, NULL);
			break;
		case CONFIG_DUMP_DEFAULTS:
			out_kv(ctx, indent, items[i], dflt, NULL);
			break;
		}
	}
}

static bool section_has_output(struct dump_ctx *ctx,
	const struct config_section *s)
{
	const struct config_setting_def *sdef;
	const struct config_kv *bkv;
	unsigned int i;

	switch (ctx->mode) {
	case CONFIG_DUMP_ALL:
		return true;
	case CONFIG_DUMP_DEFAULTS:
		return s->builtin_section;
	case CONFIG_DUMP_NONDEFAULT:
	case CONFIG_DUMP_EXPLICIT:
		break;
	}
	/* An opened list section (passdb {}, namespace x {}) exists because
	   the configuration says so; a built-in one exists anyway. */
	if (s->explicit_section && !s->builtin_section)
		return true;
	for (i = 0; i < s->kvs.count; i++) {
		if (ctx->mode == CONFIG_DUMP_EXPLICIT)
			return true;
		sdef = config_section_def_find_setting(s->def,
			s->kvs.v[i].key);
		if (sdef == NULL)
			return true;
		bkv = find_kv(s->builtin.v, s->builtin.count, sdef->name);
		if (!config_value_equals(sdef, s->kvs.v[i].value,
			    bkv != NULL ? bkv->value : sdef->default_value))
			return true;
	}
	for (i = 0; i < s->children.count; i++) {
		if (section_has_output(ctx, s->children.v[i]))
			return true;
	}
	return false;
}

static void dump_section(struct dump_ctx *ctx, const struct config_section *s,
	unsigned int indent)
{
	SCRATCH_BEGIN {
		out_indent(ctx, indent);
		out_str(ctx, s->type);
		out_str(ctx, " ");
		if (s->name[0] != '\0') {
			out_str(ctx, quote_name(s->name));
			out_str(ctx, " ");
		}
		out_str(ctx, "{\n");
		dump_section_body(ctx, s, indent + 1);
		out_indent(ctx, indent);
		out_str(ctx, "}\n");
	} SCRATCH_END;
}

static void dump_sections_of_type(struct dump_ctx *ctx, const char *type,
	unsigned int indent)
{
	const struct config_section *const *list;
	unsigned int count, i;

	list = config_get_sections(ctx->config, ctx->filter, type, &count);
	list = sections_in_order(ctx, list, count);
	for (i = 0; i < count; i++) {
		if (section_has_output(ctx, list[i]))
			dump_section(ctx, list[i], indent);
	}
}

/* The explicit value of a global setting for the dump's filter. */
static const char *explicit_value(struct dump_ctx *ctx, int idx,
	const char **file_path_r)
{
	const struct config *c = ctx->config;
	const char *value = c->values[idx];
	unsigned int i;

	*file_path_r = c->file_paths[idx];
	if (ctx->filter == NULL)
		return value;
	for (i = 0; i < c->filters_sorted.count; i++) {
		const struct config_filter_block *b = c->filters_sorted.v[i];

		if (b->values[idx] != NULL &&
		    config_filter_block_match(b, ctx->filter)) {
			value = b->values[idx];
			*file_path_r = b->file_paths[idx];
		}
	}
	return value;
}

static void dump_global(struct dump_ctx *ctx, int idx)
{
	const struct config_setting_def *def = &config_global_settings[idx];
	const char *file_path, *value = explicit_value(ctx, idx, &file_path);

	switch (ctx->mode) {
	case CONFIG_DUMP_ALL:
		if (value != NULL)
			out_kv(ctx, 0, def->name, value, file_path);
		else
			out_kv(ctx, 0, def->name, def->default_value, NULL);
		break;
	case CONFIG_DUMP_NONDEFAULT:
		if (value != NULL &&
		    !config_value_equals(def, value, def->default_value))
			out_kv(ctx, 0, def->name, value, file_path);
		break;
	case CONFIG_DUMP_EXPLICIT:
		if (value != NULL)
			out_kv(ctx, 0, def->name, value, file_path);
		break;
	case CONFIG_DUMP_DEFAULTS:
		out_kv(ctx, 0, def->name, def->default_value, NULL);
		break;
	}
}

static bool block_has_content(const struct config_filter_block *b)
{
	unsigned int i;

	if (b->root.children.count > 0)
		return true;
	for (i = 0; i < config_global_settings_count; i++) {
		if (b->values[i] != NULL)
			return true;
	}
	return false;
}

static void dump_filter_block(struct dump_ctx *ctx,
	const struct config_filter_block *b)
{
	struct dump_ctx sub = *ctx;
	unsigned int depth = 0, i;

	if (!block_has_content(b))
		return;
	SCRATCH_BEGIN {
		if (b->local != NULL) {
			out_indent(ctx, depth++);
			out_str(ctx, t_printf("local %s {\n",
				quote_name(b->local)));
		}
		if (b->local_name != NULL) {
			out_indent(ctx, depth++);
			out_str(ctx, t_printf("local_name %s {\n",
				quote_name(b->local_name)));
		}
		if (b->remote != NULL) {
			out_indent(ctx, depth++);
			out_str(ctx, t_printf("remote %s {\n",
				quote_name(b->remote)));
		}
		if (b->protocols != NULL) {
			out_indent(ctx, depth++);
			out_str(ctx, t_printf("protocol %s {\n",
				quote_name(b->protocols)));
		}
		for (i = 0; i < config_global_settings_count; i++) {
			if (b->values[i] != NULL) {
				out_kv(ctx, depth,
					config_global_settings[i].name,
					b->values[i], b->file_paths[i]);
			}
		}
		/* Sections inside filters hold overrides only. */
		sub.mode = CONFIG_DUMP_EXPLICIT;
		for (i = 0; i < b->root.children.count; i++)
			dump_section(&sub, b->root.children.v[i], depth);
		ctx->failed = ctx->failed || sub.failed;
		while (depth > 0) {
			out_indent(ctx, --depth);
			out_str(ctx, "}\n");
		}
	} SCRATCH_END;
}

static int dump_names(struct dump_ctx *ctx, const char *const *names,
	const char **error_r)
{
	unsigned int i;
	int idx;

	for (i = 0; names[i] != NULL; i++) {
		const char *name = names[i], *slash = strchr(name, '/');

		idx = config_schema_global_index(name);
		if (idx >= 0) {
			const struct config_setting_def *def =
				&config_global_settings[idx];
			const char *file_path, *value;

			value = explicit_value(ctx, idx, &file_path);
			if (value == NULL || ctx->mode == CONFIG_DUMP_DEFAULTS) {
				value = def->default_value;
				file_path = NULL;
			}
			out_kv(ctx, 0, name, value, file_path);
			continue;
		}
		if (config_section_def_child(&config_root_def,
			    slash == NULL ? name :
			    t_strndup(name, (size_t)(slash - name))) == NULL) {
			*error_r = t_printf("Unknown setting: %s", name);
			return -1;
		}
		if (slash == NULL) {
			dump_sections_of_type(ctx, name, 0);
		} else {
			const struct config_section *s;

			s = config_find_section(ctx->config, ctx->filter,
				t_strndup(name, (size_t)(slash - name)),
				slash + 1);
			if (s == NULL) {
				*error_r = t_printf("Unknown section: %s", name);
				return -1;
			}
			dump_section(ctx, s, 0);
		}
	}
	return 0;
}

int config_dump_ext(const struct config *c, enum config_dump_mode mode,
	enum config_dump_flags flags, const struct config_filter *filter,
	const char *const *names, struct buf *out, const char **error_r)
{
	struct dump_ctx ctx;
	const char **items;
	unsigned int i, n = 0, nsections = 0;
	int ret = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.config = c;
	ctx.mode = mode;
	ctx.flags = flags;
	ctx.filter = filter;
	ctx.out = out;

	if (names != NULL) {
		char error[512];

		SCRATCH_BEGIN {
			const char *err;

			ret = dump_names(&ctx, names, &err);
			if (ret < 0)
				i_strlcpy(error, err, sizeof(error));
		} SCRATCH_END;
		if (ret < 0) {
			*error_r = t_strdup(error);
			return -1;
		}
	} else SCRATCH_BEGIN {
		out_str(&ctx, t_printf("# %s (roost %s): %s\n",
			CONFIG_DOVECOT_VERSION, ROOST_VERSION, c->path));
		while (config_root_def.children[nsections] != NULL)
			nsections++;
		items = t_new(const char *,
			config_global_settings_count + nsections);
		for (i = 0; i < config_global_settings_count; i++)
			items[n++] = config_global_settings[i].name;
		for (i = 0; i < nsections; i++)
			items[n++] = config_root_def.children[i];
		qsort(items, n, sizeof(*items), name_cmp);
		for (i = 0; i < n && !ctx.failed; i++) {
			int idx = config_schema_global_index(items[i]);

			if (idx >= 0)
				dump_global(&ctx, idx);
			else
				dump_sections_of_type(&ctx, items[i], 0);
		}
		if (filter == NULL && mode != CONFIG_DUMP_DEFAULTS) {
			for (i = 0; i < c->filters.count; i++)
				dump_filter_block(&ctx, c->filters.v[i]);
		}
	} SCRATCH_END;
	if (ctx.failed) {
		*error_r = "Output too large";
		return -1;
	}
	return 0;
}

int config_dump(const struct config *c, enum config_dump_mode mode,
	const struct config_filter *filter, const char *const *names,
	struct buf *out, const char **error_r)
{
	return config_dump_ext(c, mode, 0, filter, names, out, error_r);
}
