/*
 * config-parser.c - the dovecot.conf (Dovecot 2.3) grammar: key = value
 * lines, quoting, comments, line continuation, sections, filter blocks,
 * !include / !include_try, "key = <file" and $setting references.
 *
 * The line splitting follows Dovecot's config-parser.c rules exactly (its
 * quirks included, e.g. a value is unquoted only when it both starts and
 * ends with a quote) so that a configuration accepted by Dovecot parses
 * the same way here.  Errors are "file:line: message" with Dovecot's
 * message texts.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "config-private.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>

#define CONFIG_MAX_INCLUDE_DEPTH 10
#define CONFIG_MAX_SECTION_DEPTH 32
#define CONFIG_MAX_FILE_SIZE (16 * 1024 * 1024)

#define IS_WHITE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r')

enum parser_level_kind {
	PARSER_LEVEL_ROOT,
	PARSER_LEVEL_FILTER,
	PARSER_LEVEL_SECTION,
};

struct parser_level {
	enum parser_level_kind kind;
	/* The innermost filter block (NULL outside filters). */
	struct config_filter_block *block;
	/* SECTION: the section; ROOT/FILTER: the holder of new sections. */
	struct config_section *section;
	const char *source;
	/* "service { inet_listener { " for error messages. */
	const char *path_prefix;
};

struct parser_ctx {
	struct config *config;
	struct parser_level levels[CONFIG_MAX_SECTION_DEPTH + 1];
	unsigned int level_count;
	const char *include_stack[CONFIG_MAX_INCLUDE_DEPTH + 1];
	unsigned int include_depth;
	/* Current file and line, for errors. */
	const char *path;
	unsigned int linenum;
	const char *error;
	/* Parsing the built-in services: keep $references verbatim. */
	bool builtin;
};

static int parse_text(struct parser_ctx *ctx, const char *text, size_t len,
	const char *path);

static int parser_error(struct parser_ctx *ctx, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
static int parser_error(struct parser_ctx *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ctx->error = t_printf("%s:%u: %s", ctx->path, ctx->linenum,
		arena_vprintf(scratch_arena(), fmt, args));
	va_end(args);
	return -1;
}

static struct parser_level *cur_level(struct parser_ctx *ctx)
{
	return &ctx->levels[ctx->level_count - 1];
}

/* Directory of path ("." if none), for relative includes. */
static const char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return ".";
	if (slash == path)
		return "/";
	return t_strndup(path, (size_t)(slash - path));
}

static const char *fix_relative_path(const char *path, const char *base)
{
	if (path[0] == '/')
		return path;
	return t_printf("%s/%s", path_dir(base), path);
}

/* Reads a whole file into scratch memory. */
static int read_file(const char *path, char **data_r, size_t *len_r,
	const char **error_r)
{
	struct stat st;
	size_t used = 0, alloc = 4096;
	char *data;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		int open_errno = errno;

		*error_r = t_printf("open(%s) failed: %s", path,
			strerror(open_errno));
		errno = open_errno;
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		*error_r = t_printf("read(%s) failed: Is a directory", path);
		return -1;
	}
	data = t_malloc(alloc);
	for (;;) {
		if (used + 1 >= alloc) {
			if (alloc >= CONFIG_MAX_FILE_SIZE) {
				close(fd);
				*error_r = t_printf("%s: File too large", path);
				return -1;
			}
			data = arena_realloc(scratch_arena(), data, alloc,
				alloc * 2);
			alloc *= 2;
		}
		ret = read(fd, data + used, alloc - used - 1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			*error_r = t_printf("read(%s) failed: %s", path,
				strerror(errno));
			close(fd);
			return -1;
		}
		if (ret == 0)
			break;
		used += (size_t)ret;
	}
	close(fd);
	data[used] = '\0';
	*data_r = data;
	*len_r = used;
	return 0;
}

/* The current value of a global setting as seen from the current level
   (filter block chain, then global, then default). */
static const char *scope_global_value(struct parser_ctx *ctx, int idx)
{
	const struct config_filter_block *b = cur_level(ctx)->block;

	for (; b != NULL; b = b->parent) {
		if (b->values[idx] != NULL)
			return b->values[idx];
	}
	if (ctx->config->values[idx] != NULL)
		return ctx->config->values[idx];
	return config_global_settings[idx].default_value;
}

static int lookup_variable(struct parser_ctx *ctx, const char *name,
	const char **value_r)
{
	struct parser_level *level = cur_level(ctx);
	int idx;

	if (level->kind == PARSER_LEVEL_SECTION) {
		struct config_section *s = level->section;
		const struct config_kv *kv = config_section_find_kv(s, name);
		const struct config_setting_def *def;

		if (kv != NULL) {
			*value_r = kv->value;
			return 0;
		}
		def = config_section_def_find_setting(s->def, name);
		if (def != NULL) {
			*value_r = def->default_value;
			return 0;
		}
	}
	idx = config_schema_global_index(name);
	if (idx < 0)
		return -1;
	*value_r = scope_global_value(ctx, idx);
	return 0;
}

/* Dovecot's "key = $var words" expansion: every space-separated word that
   starts with '$' (at the start or after whitespace) is replaced by the
   current value of that setting, "$ENV:NAME" by the environment. */
static int expand_variables(struct parser_ctx *ctx, const char *value,
	const char **result_r)
{
	struct buf out;
	const char *p = value, *start = value;

	buf_init(&out, scratch_arena(), 64, 0);
	while (p != NULL) {
		const char *end = strchr(p, ' ');
		const char *word = end == NULL ? p : t_strndup(p, (size_t)(end - p));
		const char *expanded = word;

		if (word[0] == '$' && (p == start || IS_WHITE(p[-1]))) {
			if (str_begins(word, "$ENV:")) {
				expanded = getenv(word + 5);
				if (expanded == NULL)
					expanded = "";
			} else if (lookup_variable(ctx, word + 1,
					   &expanded) < 0) {
				return parser_error(ctx,
					"Unknown variable: %s", word);
			}
		}
		if (buf_append_str(&out, expanded) < 0)
			i_panic("unbounded buffer failed");
		if (end != NULL) {
			if (buf_append_c(&out, ' ') < 0)
				i_panic("unbounded buffer failed");
			p = end + 1;
		} else {
			p = NULL;
		}
	}
	*result_r = buf_cstr(&out);
	return 0;
}

/* Dovecot 1.x settings: Dovecot 2.3 translates them with a warning; we
   refuse them and name the replacement (requirements 04 §12.7). */
static const char *const obsolete_settings[][2] = {
	{ "auth_executable", "has been replaced by service auth { executable }" },
	{ "auth_process_size", "has been replaced by service auth { vsz_limit }" },
	{ "login_chroot", "has been replaced by service { chroot }" },
	{ "login_dir", "has been removed" },
	{ "login_executable", "has been replaced by service { executable }" },
	{ "login_max_connections",
		"has been replaced by service { client_limit }" },
	{ "login_max_processes_count",
		"has been replaced by service { process_limit }" },
	{ "login_process_per_connection",
		"has been replaced by service { service_count }" },
	{ "login_process_size", "has been replaced by service { vsz_limit }" },
	{ "login_processes_count",
		"has been replaced by service { process_min_avail }" },
	{ "login_user", "has been replaced by service { user }" },
	{ "mail_drop_priv_before_exec",
		"has been replaced by service { drop_priv_before_exec }" },
	{ "mail_executable", "has been replaced by service { executable }" },
	{ "mail_process_size", "has been replaced by service { vsz_limit }" },
	{ "max_mail_processes",
		"has been replaced by service { process_limit }" },
	{ "ssl_ca_file", "has been replaced by ssl_ca = <file" },
	{ "ssl_cert_file", "has been replaced by ssl_cert = <file" },
	{ "ssl_disable", "has been renamed to ssl" },
	{ "ssl_key_file", "has been replaced by ssl_key = <file" },
	{ "ssl_listen", "has been replaced by service { inet_listener { "
		"address } }" },
};

static const char *obsolete_setting(const char *key)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(obsolete_settings); i++) {
		if (strcmp(obsolete_settings[i][0], key) == 0)
			return obsolete_settings[i][1];
	}
	return NULL;
}

enum value_kind {
	VALUE_PLAIN,
	VALUE_FILE,
	VALUE_VARIABLE,
};

static int apply_setting(struct parser_ctx *ctx, const char *key,
	const char *value, enum value_kind kind)
{
	struct parser_level *level = cur_level(ctx);
	struct config *c = ctx->config;
	const struct config_setting_def *def;
	const char *file_path = NULL, *error;
	int idx = -1;

	if (level->kind == PARSER_LEVEL_SECTION) {
		def = config_section_def_find_setting(level->section->def, key);
		if (def == NULL && level->section->def->settings != NULL) {
			return parser_error(ctx, "Unknown setting: %s%s",
				level->path_prefix, key);
		}
	} else {
		idx = config_schema_global_index(key);
		if (idx < 0 && obsolete_setting(key) != NULL) {
			return parser_error(ctx, "Obsolete setting: %s %s",
				key, obsolete_setting(key));
		}
		if (idx < 0)
			return parser_error(ctx, "Unknown setting: %s", key);
		def = &config_global_settings[idx];
	}

	if (kind == VALUE_FILE && !ctx->builtin) {
		char *data;
		size_t len;

		file_path = fix_relative_path(value, ctx->path);
		if (read_file(file_path, &data, &len, &error) < 0) {
			return parser_error(ctx, "%s: Can't open file %s: %s",
				key, file_path, strerror(errno));
		}
		if (len > 0 && data[len - 1] == '\n') {
			data[--len] = '\0';
			if (len > 0 && data[len - 1] == '\r')
				data[--len] = '\0';
		}
		value = data;
	} else if (kind == VALUE_FILE) {
		value = t_printf("<%s", value);
	} else if (kind == VALUE_VARIABLE && !ctx->builtin) {
		if (expand_variables(ctx, value, &value) < 0)
			return -1;
	}
	if (def != NULL && config_value_check(def, value, &error) < 0)
		return parser_error(ctx, "%s", error);

	value = arena_strdup(c->arena, value);
	if (file_path != NULL)
		file_path = arena_strdup(c->arena, file_path);
	switch (level->kind) {
	case PARSER_LEVEL_ROOT:
		c->values[idx] = value;
		c->file_paths[idx] = file_path;
		break;
	case PARSER_LEVEL_FILTER:
		level->block->values[idx] = value;
		level->block->file_paths[idx] = file_path;
		break;
	case PARSER_LEVEL_SECTION:
		config_section_set(level->section,
			arena_strdup(c->arena, key), value, file_path);
		break;
	}
	return 0;
}

static bool is_filter_keyword(const char *key)
{
	return strcmp(key, "protocol") == 0 || strcmp(key, "local") == 0 ||
		strcmp(key, "remote") == 0 || strcmp(key, "local_name") == 0;
}

static bool filter_specs_equal(const struct config_filter_block *a,
	const struct config_filter_block *b)
{
#define SAME(x) ((a->x == NULL && b->x == NULL) || \
	(a->x != NULL && b->x != NULL && strcmp(a->x, b->x) == 0))
	return SAME(protocols) && SAME(local) && SAME(remote) &&
		SAME(local_name);
#undef SAME
}

static int begin_filter(struct parser_ctx *ctx, const char *key,
	const char *name)
{
	struct parser_level *level = cur_level(ctx);
	const struct config_filter_block *parent = level->block;
	struct config_filter_block spec, *b = NULL;
	struct config *c = ctx->config;
	const char *error;
	unsigned int i;

	memset(&spec, 0, sizeof(spec));
	if (parent != NULL) {
		spec.protocols = parent->protocols;
		spec.local = parent->local;
		spec.remote = parent->remote;
		spec.local_name = parent->local_name;
		spec.local_net = parent->local_net;
		spec.remote_net = parent->remote_net;
	}
	if (name[0] == '\0')
		return parser_error(ctx, "%s must have a name", key);
	if (strcmp(key, "protocol") == 0) {
		if (spec.protocols != NULL) {
			return parser_error(ctx, "Nested protocol { protocol "
				"{ .. } } block not allowed");
		}
		spec.protocols = name;
	} else if (strcmp(key, "local") == 0) {
		if (spec.remote != NULL) {
			return parser_error(ctx, "remote { local { .. } } not "
				"allowed (use local { remote { .. } } instead)");
		}
		if (spec.protocols != NULL) {
			return parser_error(ctx, "protocol { local { .. } } not "
				"allowed (use local { protocol { .. } } instead)");
		}
		if (spec.local_name != NULL) {
			return parser_error(ctx, "local_name { local { .. } } "
				"not allowed (use local { local_name { .. } } "
				"instead)");
		}
		if (spec.local != NULL) {
			return parser_error(ctx, "Nested local { local { .. } } "
				"block not allowed");
		}
		if (config_parse_net(name, &spec.local_net, &error) < 0)
			return parser_error(ctx, "%s", error);
		spec.local = name;
	} else if (strcmp(key, "remote") == 0) {
		if (spec.protocols != NULL) {
			return parser_error(ctx, "protocol { remote { .. } } not "
				"allowed (use remote { protocol { .. } } instead)");
		}
		if (spec.remote != NULL) {
			return parser_error(ctx, "Nested remote { remote { .. } } "
				"block not allowed");
		}
		if (config_parse_net(name, &spec.remote_net, &error) < 0)
			return parser_error(ctx, "%s", error);
		spec.remote = name;
	} else {
		if (spec.remote != NULL) {
			return parser_error(ctx, "remote { local_name { .. } } "
				"not allowed (use local_name { remote { .. } } "
				"instead)");
		}
		if (spec.protocols != NULL) {
			return parser_error(ctx, "protocol { local_name { .. } } "
				"not allowed (use local_name { protocol { .. } } "
				"instead)");
		}
		if (spec.local_name != NULL) {
			return parser_error(ctx, "Nested local_name { local_name "
				"{ .. } } block not allowed");
		}
		spec.local_name = name;
	}

	for (i = 0; i < c->filters.count; i++) {
		if (filter_specs_equal(c->filters.v[i], &spec)) {
			b = c->filters.v[i];
			break;
		}
	}
	if (b == NULL) {
		const char *source = t_printf("%s:%u", ctx->path, ctx->linenum);

		b = arena_new(c->arena, struct config_filter_block, 1);
		*b = spec;
#define DUP(x) if (b->x != NULL) b->x = arena_strdup(c->arena, b->x)
		DUP(protocols);
		DUP(local);
		DUP(remote);
		DUP(local_name);
#undef DUP
		b->index = c->filters.count;
		b->parent = (struct config_filter_block *)parent;
		b->values = arena_new(c->arena, const char *,
			config_global_settings_count);
		b->file_paths = arena_new(c->arena, const char *,
			config_global_settings_count);
		b->root.config = c;
		b->root.def = &config_root_def;
		b->root.type = "";
		b->root.name = "";
		array_init(&b->root.kvs, c->arena, 1);
		array_init(&b->root.builtin, c->arena, 1);
		array_init(&b->root.children, c->arena, 4);
		b->source = arena_strdup(c->arena, source);
		array_push(&c->filters, b);
	}
	level = &ctx->levels[ctx->level_count++];
	level->kind = PARSER_LEVEL_FILTER;
	level->block = b;
	level->section = &b->root;
	level->source = t_printf("%s:%u", ctx->path, ctx->linenum);
	level->path_prefix = "";
	return 0;
}

static int begin_section(struct parser_ctx *ctx, const char *key,
	const char *name)
{
	struct parser_level *level = cur_level(ctx), *new_level;
	const struct config_section_def *parent_def, *def;
	struct config_section *s;

	if (ctx->level_count > CONFIG_MAX_SECTION_DEPTH)
		return parser_error(ctx, "Sections nested too deeply");
	if (is_filter_keyword(key)) {
		if (level->kind == PARSER_LEVEL_SECTION)
			return parser_error(ctx, "Section not allowed here");
		return begin_filter(ctx, key, name);
	}
	parent_def = level->section->def;
	if (parent_def->settings == NULL && parent_def != &config_root_def)
		return parser_error(ctx, "Section not allowed here");
	def = config_section_def_child(parent_def, key);
	if (def == NULL) {
		return parser_error(ctx, "Unknown setting: %s%s { %s",
			level->path_prefix, key, key);
	}
	s = config_section_find_child(level->section, def, name);
	if (s == NULL) {
		s = config_section_new(ctx->config, def,
			arena_strdup(ctx->config->arena, key),
			arena_strdup(ctx->config->arena, name),
			arena_printf(ctx->config->arena, "%s:%u", ctx->path,
				ctx->linenum));
		s->explicit_section = !ctx->builtin;
		array_push(&level->section->children, s);
	}
	new_level = &ctx->levels[ctx->level_count++];
	new_level->kind = PARSER_LEVEL_SECTION;
	new_level->block = level->block;
	new_level->section = s;
	new_level->source = t_printf("%s:%u", ctx->path, ctx->linenum);
	new_level->path_prefix = t_printf("%s%s { ", level->path_prefix, key);
	return 0;
}

/* The canonical path for include loop detection (path itself if it
   cannot be resolved). */
static const char *real_path(const char *path)
{
	char *real = realpath(path, NULL);
	const char *result;

	if (real == NULL)
		return path;
	result = t_strdup(real);
	free(real);
	return result;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int include_file(struct parser_ctx *ctx, const char *pattern,
	bool try_only)
{
	const char *full = fix_relative_path(pattern, ctx->path);
	const char *saved_path = ctx->path, *error;
	unsigned int saved_line = ctx->linenum, i;
	glob_t globbers;
	char **paths;
	size_t count;
	int ret;

	memset(&globbers, 0, sizeof(globbers));
	ret = glob(full, GLOB_BRACE | GLOB_NOSORT, NULL, &globbers);
	if (ret == GLOB_NOMATCH) {
		globfree(&globbers);
		if (try_only)
			return 0;
		return parser_error(ctx, "No matches");
	}
	if (ret != 0) {
		globfree(&globbers);
		return parser_error(ctx, "glob(%s) failed: %s", full,
			ret == GLOB_NOSPACE ? "Out of memory" :
			"Read error");
	}
	count = globbers.gl_pathc;
	paths = t_new(char *, count + 1);
	for (i = 0; i < count; i++)
		paths[i] = t_strdup(globbers.gl_pathv[i]);
	globfree(&globbers);
	qsort(paths, count, sizeof(*paths), path_cmp);

	if (ctx->include_depth >= CONFIG_MAX_INCLUDE_DEPTH)
		return parser_error(ctx, "Too deep !include nesting");
	for (i = 0; i < count; i++) {
		char *data;
		size_t len;

		const char *real = real_path(paths[i]);

		for (unsigned int j = 0; j <= ctx->include_depth; j++) {
			if (strcmp(ctx->include_stack[j], real) == 0) {
				return parser_error(ctx,
					"Recursive include file: %s", paths[i]);
			}
		}
		if (read_file(paths[i], &data, &len, &error) < 0) {
			if (try_only && errno == ENOENT)
				continue;
			return parser_error(ctx, "%s", error);
		}
		ctx->include_stack[++ctx->include_depth] = real;
		ret = parse_text(ctx, data, len, paths[i]);
		ctx->include_depth--;
		ctx->path = saved_path;
		ctx->linenum = saved_line;
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Parses one logical line (comments removed, whitespace trimmed). */
static int parse_statement(struct parser_ctx *ctx, char *line)
{
	char *key = line, *name;
	size_t len;

	while (!IS_WHITE(*line) && *line != '\0' && *line != '=')
		line++;
	if (IS_WHITE(*line)) {
		*line++ = '\0';
		while (IS_WHITE(*line))
			line++;
	}
	if (strcmp(key, "!include") == 0)
		return include_file(ctx, line, false);
	if (strcmp(key, "!include_try") == 0)
		return include_file(ctx, line, true);

	if (*line == '=') {
		*line++ = '\0';
		while (IS_WHITE(*line))
			line++;
		if (*line == '<') {
			line++;
			while (IS_WHITE(*line))
				line++;
			return apply_setting(ctx, key, line, VALUE_FILE);
		}
		if (*line != '\'' && *line != '"' && strchr(line, '$') != NULL)
			return apply_setting(ctx, key, line, VALUE_VARIABLE);
		len = strlen(line);
		if (len > 0 && ((line[0] == '"' && line[len - 1] == '"') ||
				(line[0] == '\'' && line[len - 1] == '\''))) {
			char *src, *dst;

			line[len - 1] = '\0';
			line++;
			/* Dovecot's str_unescape(): a backslash escapes
			   any character. */
			for (src = dst = line; *src != '\0'; src++) {
				if (*src == '\\' && src[1] != '\0')
					src++;
				*dst++ = *src;
			}
			*dst = '\0';
		}
		return apply_setting(ctx, key, line, VALUE_PLAIN);
	}

	if (strcmp(key, "}") == 0 && *line == '\0') {
		if (ctx->level_count <= 1)
			return parser_error(ctx, "Unexpected '}'");
		ctx->level_count--;
		return 0;
	}

	/* key [name] { */
	if (key == line)
		return parser_error(ctx, "Expecting '='");
	if (*line == '{') {
		name = (char *)"";
	} else if (*line != '"' && *line != '\'') {
		name = line;
		while (!IS_WHITE(*line) && *line != '\0')
			line++;
		if (*line != '\0') {
			*line++ = '\0';
			while (IS_WHITE(*line))
				line++;
		}
	} else {
		char quote = *line++;

		name = line;
		while (*line != quote && *line != '\0')
			line++;
		if (*line == '\0')
			return parser_error(ctx, "Expecting '{'");
		*line++ = '\0';
		while (IS_WHITE(*line))
			line++;
	}
	if (*line != '{')
		return parser_error(ctx, "Expecting '{'");
	if (line[1] != '\0')
		return parser_error(ctx, "Garbage after '{'");
	return begin_section(ctx, key, name);
}

/* Removes a comment: '#' outside quotes ends the line. */
static void strip_comment(char *line)
{
	char *p;

	for (p = line; *p != '\0'; p++) {
		if (*p == '\'' || *p == '"') {
			char quote = *p;

			for (p++; *p != quote && *p != '\0'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			if (*p == '\0')
				break;
		} else if (*p == '#') {
			*p = '\0';
			break;
		}
	}
}

static int parse_text(struct parser_ctx *ctx, const char *text, size_t len,
	const char *path)
{
	struct buf full;
	size_t pos = 0;
	unsigned int linenum = 0;

	buf_init(&full, scratch_arena(), 128, 0);
	ctx->path = path;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl == NULL ? len - pos :
			(size_t)(nl - (text + pos));
		char *line = t_strndup(text + pos, line_len), *p;
		size_t n;

		pos += line_len + (nl != NULL ? 1 : 0);
		ctx->linenum = ++linenum;
		if (strlen(line) != line_len)
			return parser_error(ctx, "Line contains NUL byte");

		while (IS_WHITE(*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		strip_comment(line);
		n = strlen(line);
		while (n > 0 && IS_WHITE(line[n - 1]))
			n--;
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\\') {
			/* Continues on the next line. */
			n--;
			while (n > 0 && IS_WHITE(line[n - 1]))
				n--;
			if (buf_append(&full, line, n) < 0 ||
			    buf_append_c(&full, ' ') < 0)
				i_panic("unbounded buffer failed");
			continue;
		}
		if (full.used > 0) {
			if (buf_append_str(&full, line) < 0)
				i_panic("unbounded buffer failed");
			line = t_strdup(buf_cstr(&full));
			buf_reset(&full);
		}
		if (*line == '\0')
			continue;
		p = line;
		if (parse_statement(ctx, p) < 0)
			return -1;
		ctx->path = path;
	}
	if (full.used > 0) {
		char *line = t_strdup(buf_cstr(&full));

		if (parse_statement(ctx, line) < 0)
			return -1;
	}
	return 0;
}

static int config_parse_full(struct config *config,
	struct config_section *holder, const char *text,
	const char *source_name, bool builtin, const char **error_r)
{
	struct parser_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.config = config;
	ctx.builtin = builtin;
	ctx.levels[0].kind = PARSER_LEVEL_ROOT;
	ctx.levels[0].section = holder;
	ctx.levels[0].path_prefix = "";
	ctx.level_count = 1;
	ctx.include_stack[0] = real_path(source_name);
	if (parse_text(&ctx, text, strlen(text), source_name) < 0) {
		*error_r = ctx.error;
		return -1;
	}
	if (ctx.level_count > 1) {
		*error_r = t_printf("%s: Missing '}' (section started at %s)",
			source_name, ctx.levels[ctx.level_count - 1].source);
		return -1;
	}
	return 0;
}

int config_parse(struct config *config, const char *text,
	const char *source_name, const char **error_r)
{
	return config_parse_full(config, &config->root, text, source_name,
		false, error_r);
}

int config_parse_builtin(struct config *config, struct config_section *holder,
	const char **error_r)
{
	return config_parse_full(config, holder, config_builtin_services,
		"(built-in services)", true, error_r);
}

int config_parse_read_file(const char *path, char **text_r,
	const char **error_r)
{
	char error[512];
	int ret;

	SCRATCH_BEGIN {
		const char *err;
		char *data;
		size_t len;

		ret = read_file(path, &data, &len, &err);
		if (ret == 0)
			*text_r = i_strndup(data, len);
		else
			i_strlcpy(error, err, sizeof(error));
	} SCRATCH_END;
	if (ret < 0)
		*error_r = t_strdup(error);
	return ret;
}
