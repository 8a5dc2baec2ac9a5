/*
 * var-expand.c - Dovecot 2.3's %variable expansion: short and long keys,
 * modifiers, offsets and widths, built-in variables, %{env:..}, hash
 * functions and %{if;..}.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "var-expand.h"

#include <fnmatch.h>
#include <regex.h>
#include <openssl/evp.h>

#define VAR_EXPAND_MAX_MODIFIERS 10
#define VAR_EXPAND_MAX_DEPTH 8

struct var_expand_context {
	int offset;
	int width;
	bool zero_padding;
};

typedef const char *var_modifier_t(const char *str,
	struct var_expand_context *ctx);

static int expand(struct buf *dest, const char *str,
	const struct var_expand_table *table, unsigned int depth,
	const char **error_r);

static bool digest(const char *name, const void *data, size_t len,
	unsigned char *out, unsigned int *out_len)
{
	const EVP_MD *md = EVP_get_digestbyname(name);

	return md != NULL && EVP_Digest(data, len, out, out_len, md, NULL) == 1;
}

/* Dovecot's str_hash(): the PJW/ELF hash. */
static unsigned int str_hash_pjw(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned int g, h = 0;

	for (; *s != '\0'; s++) {
		h = (h << 4) + *s;
		if ((g = h & 0xf0000000U) != 0) {
			h = h ^ (g >> 24);
			h = h ^ g;
		}
	}
	return h;
}

static const char *m_lcase(const char *str, struct var_expand_context *ctx)
{
	return t_str_lcase(str);
}

static const char *m_ucase(const char *str, struct var_expand_context *ctx)
{
	return t_str_ucase(str);
}

static const char *m_escape(const char *str, struct var_expand_context *ctx)
{
	char *out = t_malloc(size_add(size_mul(strlen(str), 2), 1)), *d = out;

	for (; *str != '\0'; str++) {
		if (*str == '"' || *str == '\\' || *str == '\'')
			*d++ = '\\';
		*d++ = *str;
	}
	*d = '\0';
	return out;
}

static const char *m_hex(const char *str, struct var_expand_context *ctx)
{
	uint64_t n;

	if (str_to_uint64(str, &n) < 0)
		n = 0;
	return t_printf("%llx", (unsigned long long)n);
}

static const char *m_reverse(const char *str, struct var_expand_context *ctx)
{
	size_t len = strlen(str), i;
	char *out = t_malloc(len + 1);

	for (i = 0; i < len; i++)
		out[i] = str[len - 1 - i];
	return out;
}

static const char *hash_format(uint64_t value,
	struct var_expand_context *ctx)
{
	const char *hex;
	size_t len;

	if (ctx->width != 0) {
		value %= (uint64_t)(unsigned int)ctx->width;
		ctx->width = 0;
	}
	hex = t_printf("%x", (unsigned int)value);
	len = strlen(hex);
	if (ctx->offset > 0 && len < (size_t)ctx->offset) {
		size_t pad = (size_t)ctx->offset - len;
		char *p = t_malloc((size_t)ctx->offset + 1);

		memset(p, '0', pad);
		memcpy(p + pad, hex, len + 1);
		hex = p;
	}
	ctx->offset = 0;
	return hex;
}

static const char *m_hash(const char *str, struct var_expand_context *ctx)
{
	return hash_format(str_hash_pjw(str), ctx);
}

static const char *m_newhash(const char *str, struct var_expand_context *ctx)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len, i;
	uint64_t value = 0;

	if (!digest("MD5", str, strlen(str), md, &md_len))
		i_panic("MD5 digest not available");
	for (i = 0; i < sizeof(value); i++)
		value = (value << 8) | md[i];
	return hash_format(value, ctx);
}

static const char *m_md5(const char *str, struct var_expand_context *ctx)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len;

	if (!digest("MD5", str, strlen(str), md, &md_len))
		i_panic("MD5 digest not available");
	return binary_to_hex(scratch_arena(), md, md_len);
}

static const char *m_ldap_dn(const char *str, struct var_expand_context *ctx)
{
	struct buf b;

	buf_init(&b, scratch_arena(), strlen(str) + 16, 0);
	for (; *str != '\0'; str++) {
		int ret = *str == '.' ? buf_append_str(&b, ",dc=") :
			buf_append_c(&b, *str);

		if (ret < 0)
			i_panic("unbounded buffer failed");
	}
	return buf_cstr(&b);
}

static const char *m_trim(const char *str, struct var_expand_context *ctx)
{
	size_t len = strlen(str);

	while (len > 0 && (str[len - 1] == ' ' || str[len - 1] == '\t' ||
			   str[len - 1] == '\r' || str[len - 1] == '\n'))
		len--;
	return t_strndup(str, len);
}

static const struct {
	char key;
	var_modifier_t *func;
} modifiers[] = {
	{ 'L', m_lcase },
	{ 'U', m_ucase },
	{ 'E', m_escape },
	{ 'X', m_hex },
	{ 'R', m_reverse },
	{ 'H', m_hash },
	{ 'N', m_newhash },
	{ 'M', m_md5 },
	{ 'D', m_ldap_dn },
	{ 'T', m_trim },
};

static var_modifier_t *find_modifier(char c)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(modifiers); i++) {
		if (modifiers[i].key == c)
			return modifiers[i].func;
	}
	return NULL;
}

const char *var_expand_table_lookup(const struct var_expand_table *table,
	char key, const char *long_key)
{
	const struct var_expand_table *t;

	for (t = table; t != NULL && (t->key != '\0' || t->long_key != NULL);
	     t++) {
		if ((key != '\0' && t->key == key) ||
		    (long_key != NULL && t->long_key != NULL &&
		     strcmp(t->long_key, long_key) == 0))
			return t->value != NULL ? t->value : "";
	}
	return NULL;
}

static const char *my_hostname(void)
{
	char name[256];

	if (gethostname(name, sizeof(name)) < 0)
		return "localhost";
	name[sizeof(name) - 1] = '\0';
	return t_strdup(name);
}

/* Splits "a;b;c" at top-level ';' (not inside %{..}, \-escapes kept). */
static char **split_params(const char *str, unsigned int *count_r)
{
	unsigned int n = 1, depth = 0, i = 0;
	const char *p, *start = str;
	char **params;

	for (p = str; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		else if (*p == ';' && depth == 0)
			n++;
	}
	params = t_new(char *, n + 1);
	depth = 0;
	for (p = str;; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		if (*p == '\0' || (*p == ';' && depth == 0)) {
			params[i++] = t_strndup(start, (size_t)(p - start));
			start = p + 1;
			if (*p == '\0')
				break;
		}
	}
	*count_r = n;
	return params;
}

static int if_compare(const char *lhs, const char *op, const char *rhs,
	bool *result_r, const char **error_r)
{
	static const char *const num_ops[] = { "==", "!=", "<", "<=", ">",
					       ">=" };
	static const char *const str_ops[] = { "eq", "ne", "lt", "le", "gt",
					       "ge" };
	unsigned int i;
	int64_t a, b;
	int cmp;

	for (i = 0; i < N_ELEMENTS(num_ops); i++) {
		if (strcmp(op, num_ops[i]) != 0)
			continue;
		if (str_to_int64(lhs, &a) < 0) {
			*error_r = t_printf("%s is not a number", lhs);
			return -1;
		}
		if (str_to_int64(rhs, &b) < 0) {
			*error_r = t_printf("%s is not a number", rhs);
			return -1;
		}
		cmp = a < b ? -1 : a > b ? 1 : 0;
		goto compare;
	}
	for (i = 0; i < N_ELEMENTS(str_ops); i++) {
		if (strcmp(op, str_ops[i]) == 0) {
			cmp = strcmp(lhs, rhs);
			goto compare;
		}
	}
	if (strcmp(op, "*") == 0 || strcmp(op, "!*") == 0) {
		*result_r = (fnmatch(rhs, lhs, 0) == 0) == (op[0] == '*');
		return 0;
	}
	if (strcmp(op, "~") == 0 || strcmp(op, "!~") == 0) {
		regex_t re;
		int ret = regcomp(&re, rhs, REG_EXTENDED | REG_NOSUB);

		if (ret != 0) {
			*error_r = t_printf("regex failed: %s", rhs);
			return -1;
		}
		*result_r = (regexec(&re, lhs, 0, NULL, 0) == 0) ==
			(op[0] == '~');
		regfree(&re);
		return 0;
	}
	*error_r = t_printf("if: Unsupported comparator '%s'", op);
	return -1;
compare:
	switch (i) {
	case 0: *result_r = cmp == 0; break;
	case 1: *result_r = cmp != 0; break;
	case 2: *result_r = cmp < 0; break;
	case 3: *result_r = cmp <= 0; break;
	case 4: *result_r = cmp > 0; break;
	default: *result_r = cmp >= 0; break;
	}
	return 0;
}

static int expand_to_str(const char *str, const struct var_expand_table *table,
	unsigned int depth, const char **result_r, const char **error_r)
{
	struct buf b;

	buf_init(&b, scratch_arena(), 64, 64 * 1024);
	if (expand(&b, str, table, depth + 1, error_r) < 0)
		return -1;
	*result_r = buf_cstr(&b);
	return 0;
}

static int func_if(const char *args, const struct var_expand_table *table,
	unsigned int depth, const char **value_r, const char **error_r)
{
	unsigned int count, i;
	char **params = split_params(args, &count);
	const char *v[5];
	bool result;

	if (count != 5) {
		*error_r = t_printf("if: requires four or five parameters, "
			"got %u", count);
		return -1;
	}
	for (i = 0; i < 5; i++) {
		if (expand_to_str(params[i], table, depth, &v[i], error_r) < 0)
			return -1;
	}
	if (if_compare(v[0], v[1], v[2], &result, error_r) < 0)
		return -1;
	*value_r = result ? v[3] : v[4];
	return 0;
}

static int lookup_var_name(const char *name,
	const struct var_expand_table *table, const char **value_r,
	const char **error_r);

/* %{md5;rounds=N;truncate=BITS;salt=S;format=hex|base64:var} */
static int func_hash(const char *func, const char *var,
	const struct var_expand_table *table, const char **value_r,
	const char **error_r)
{
	char **params;
	unsigned int count, i, rounds = 1, truncbits = 0, md_len;
	const char *salt = "", *format = "hex", *input;
	unsigned char md[EVP_MAX_MD_SIZE];
	struct buf data;

	params = split_params(func, &count);
	if (EVP_get_digestbyname(params[0]) == NULL)
		return 0;
	for (i = 1; i < count; i++) {
		const char *p = params[i], *eq = strchr(p, '=');
		const char *k = eq == NULL ? p : t_strndup(p, (size_t)(eq - p));
		const char *val = eq == NULL ? "" : eq + 1;

		if (strcmp(k, "rounds") == 0) {
			if (str_to_uint(val, &rounds) < 0 || rounds == 0 ||
			    rounds > 1000000) {
				*error_r = t_printf("%s: Invalid rounds '%s'",
					params[0], val);
				return -1;
			}
		} else if (strcmp(k, "truncate") == 0) {
			if (str_to_uint(val, &truncbits) < 0) {
				*error_r = t_printf("%s: Invalid truncate "
					"'%s'", params[0], val);
				return -1;
			}
		} else if (strcmp(k, "salt") == 0) {
			salt = val;
		} else if (strcmp(k, "format") == 0) {
			if (strcmp(val, "hex") != 0 &&
			    strcmp(val, "base64") != 0) {
				*error_r = t_printf("%s: Unsupported format "
					"'%s'", params[0], val);
				return -1;
			}
			format = val;
		} else {
			*error_r = t_printf("%s: Unsupported parameter '%s'",
				params[0], k);
			return -1;
		}
	}
	if (var[0] == '\0') {
		*error_r = t_printf("%s: Missing variable", params[0]);
		return -1;
	}
	if (lookup_var_name(var, table, &input, error_r) < 0)
		return -1;
	buf_init(&data, scratch_arena(), 64, 0);
	if (buf_append_str(&data, salt) < 0 || buf_append_str(&data, input) < 0)
		i_panic("unbounded buffer failed");
	if (!digest(params[0], data.data, data.used, md, &md_len))
		return 0;
	for (i = 1; i < rounds; i++) {
		if (!digest(params[0], md, md_len, md, &md_len))
			return 0;
	}
	if (truncbits > 0 && truncbits < md_len * 8) {
		md_len = (truncbits + 7) / 8;
		if (truncbits % 8 != 0)
			md[md_len - 1] &= (unsigned char)(0xff << (8 - truncbits % 8));
	}
	if (strcmp(format, "hex") == 0) {
		*value_r = binary_to_hex(scratch_arena(), md, md_len);
		if (truncbits > 0 && truncbits % 4 == 0 &&
		    truncbits / 4 < strlen(*value_r))
			*value_r = t_strndup(*value_r, truncbits / 4);
	} else {
		char *out = t_malloc(4 * ((md_len + 2) / 3) + 1);

		EVP_EncodeBlock((unsigned char *)out, md, (int)md_len);
		*value_r = out;
	}
	return 1;
}

static int lookup_var_name(const char *name,
	const struct var_expand_table *table, const char **value_r,
	const char **error_r)
{
	const char *value = var_expand_table_lookup(table, '\0', name);

	if (value == NULL && strlen(name) == 1)
		value = var_expand_table_lookup(table, name[0], NULL);
	if (value == NULL) {
		*error_r = t_printf("Unknown variable '%s'", name);
		return -1;
	}
	*value_r = value;
	return 0;
}

static int expand_long(const char *key, const struct var_expand_table *table,
	unsigned int depth, const char **value_r, const char **error_r)
{
	const char *value, *colon;
	int ret;

	value = var_expand_table_lookup(table, '\0', key);
	if (value != NULL) {
		*value_r = value;
		return 0;
	}
	if (strcmp(key, "pid") == 0) {
		*value_r = t_printf("%ld", (long)getpid());
		return 0;
	}
	if (strcmp(key, "uid") == 0) {
		*value_r = t_printf("%lu", (unsigned long)geteuid());
		return 0;
	}
	if (strcmp(key, "gid") == 0) {
		*value_r = t_printf("%lu", (unsigned long)getegid());
		return 0;
	}
	if (strcmp(key, "hostname") == 0) {
		*value_r = my_hostname();
		return 0;
	}
	if (str_begins(key, "if;"))
		return func_if(key + 3, table, depth, value_r, error_r);
	colon = strchr(key, ':');
	if (colon != NULL && str_begins(key, "env:")) {
		value = getenv(key + 4);
		*value_r = value == NULL ? "" : value;
		return 0;
	}
	if (colon != NULL) {
		ret = func_hash(t_strndup(key, (size_t)(colon - key)),
			colon + 1, table, value_r, error_r);
		if (ret != 0)
			return ret < 0 ? -1 : 0;
	}
	*error_r = t_printf("Unknown variable '%s'", key);
	return -1;
}

static int expand(struct buf *dest, const char *str,
	const struct var_expand_table *table, unsigned int depth,
	const char **error_r)
{
	var_modifier_t *mods[VAR_EXPAND_MAX_MODIFIERS];
	struct var_expand_context ctx;
	unsigned int nmods, i;
	const char *var;

	if (depth > VAR_EXPAND_MAX_DEPTH) {
		*error_r = "Variables nested too deeply";
		return -1;
	}
	for (; *str != '\0'; str++) {
		int sign = 1;

		if (*str != '%') {
			if (buf_append_c(dest, *str) < 0)
				goto too_long;
			continue;
		}
		str++;
		memset(&ctx, 0, sizeof(ctx));
		/* [<offset>.]<width>[<modifiers>]<variable> */
		if (*str == '-') {
			sign = -1;
			str++;
		}
		if (*str == '0') {
			ctx.zero_padding = true;
			str++;
		}
		while (*str >= '0' && *str <= '9') {
			if (ctx.width < 100000)
				ctx.width = ctx.width * 10 + (*str - '0');
			str++;
		}
		if (*str == '.') {
			ctx.offset = sign * ctx.width;
			sign = 1;
			ctx.width = 0;
			str++;
			/* A zero before the offset does not pad; one before
			   the width does. */
			ctx.zero_padding = *str == '0';
			if (*str == '-') {
				sign = -1;
				str++;
			}
			while (*str >= '0' && *str <= '9') {
				if (ctx.width < 100000)
					ctx.width = ctx.width * 10 + (*str - '0');
				str++;
			}
		}
		ctx.width = sign * ctx.width;
		for (nmods = 0; nmods < VAR_EXPAND_MAX_MODIFIERS; nmods++) {
			mods[nmods] = find_modifier(*str);
			if (mods[nmods] == NULL)
				break;
			str++;
		}
		if (*str == '\0')
			break;

		if (*str == '{' && strchr(str, '}') != NULL) {
			/* %{long_key}, with nested braces and \-escapes */
			const char *end = str;
			unsigned int level = 1;
			bool escape = false;

			while (*++end != '\0' && level > 0) {
				if (escape) {
					escape = false;
					continue;
				}
				if (*end == '\\') {
					escape = true;
					continue;
				}
				if (*end == '{')
					level++;
				if (*end == '}')
					level--;
			}
			if (level == 0)
				end--;
			if (expand_long(t_strndup(str + 1,
					(size_t)(end - (str + 1))), table,
					depth, &var, error_r) < 0)
				return -1;
			str = *end == '\0' ? end - 1 : end;
		} else {
			var = var_expand_table_lookup(table, *str, NULL);
			if (var == NULL && *str == '%')
				var = "%";
			if (var == NULL) {
				*error_r = t_printf("Unknown variable '%%%c'",
					*str);
				return -1;
			}
		}

		for (i = 0; i < nmods; i++)
			var = mods[i](var, &ctx);
		if (ctx.offset < 0) {
			size_t len = strlen(var), from_end = (size_t)-ctx.offset;

			if (len > from_end)
				var += len - from_end;
		} else {
			while (*var != '\0' && ctx.offset > 0) {
				ctx.offset--;
				var++;
			}
		}
		if (ctx.width == 0) {
			if (buf_append_str(dest, var) < 0)
				goto too_long;
		} else if (!ctx.zero_padding) {
			size_t len = strlen(var);

			if (ctx.width < 0) {
				size_t cut = (size_t)-ctx.width;

				len = len > cut ? len - cut : 0;
			} else if ((size_t)ctx.width < len) {
				len = (size_t)ctx.width;
			}
			if (buf_append(dest, var, len) < 0)
				goto too_long;
		} else {
			/* %05d-like padding, no truncation (Dovecot pads
			   "%-08n" the same way) */
			size_t len = strlen(var);

			if (ctx.width < 0)
				ctx.width = -ctx.width;
			for (; (size_t)ctx.width > len; ctx.width--) {
				if (buf_append_c(dest, '0') < 0)
					goto too_long;
			}
			if (buf_append_str(dest, var) < 0)
				goto too_long;
		}
	}
	return 0;
too_long:
	*error_r = "Expanded value too long";
	return -1;
}

int var_expand(struct buf *dest, const char *str,
	const struct var_expand_table *table, const char **error_r)
{
	char error[256];
	int ret;

	SCRATCH_BEGIN {
		const char *err;

		ret = expand(dest, str, table, 0, &err);
		if (ret < 0)
			i_strlcpy(error, err, sizeof(error));
	} SCRATCH_END;
	if (ret < 0)
		*error_r = t_strdup(error);
	return ret;
}

static void table_add(struct var_expand_table *t, unsigned int *n, char key,
	const char *value, const char *long_key)
{
	t[*n].key = key;
	t[*n].value = value;
	t[*n].long_key = long_key;
	(*n)++;
}

const struct var_expand_table *
var_expand_table_build(struct arena *arena,
	const struct var_expand_params *p)
{
	struct var_expand_table *t = arena_new(arena,
		struct var_expand_table, 48);
	const char *user = p->user, *username = NULL, *domain = NULL;
	const char *orig_username = NULL, *orig_domain = NULL;
	const char *auth_username = NULL, *auth_domain = NULL, *at;
	unsigned int n = 0;

#define SPLIT(full, name_r, domain_r)                                   \
	if ((full) != NULL) {                                           \
		at = strchr((full), '@');                               \
		name_r = at == NULL ? arena_strdup(arena, (full)) :     \
			arena_strndup(arena, (full),                    \
				(size_t)(at - (full)));                 \
		domain_r = at == NULL ? NULL : arena_strdup(arena, at + 1); \
	}
	SPLIT(user, username, domain);
	SPLIT(p->orig_user, orig_username, orig_domain);
	SPLIT(p->auth_user, auth_username, auth_domain);
#undef SPLIT

	table_add(t, &n, 'u', user, "user");
	table_add(t, &n, 'n', username, "username");
	table_add(t, &n, 'd', domain, "domain");
	table_add(t, &n, 's', p->service, "service");
	table_add(t, &n, 'h', p->home, "home");
	table_add(t, &n, 'l', p->local_ip, "lip");
	table_add(t, &n, 'r', p->remote_ip, "rip");
	table_add(t, &n, 'p', p->pid, "pid");
	table_add(t, &n, 'w', p->password, "password");
	table_add(t, &n, 'm', p->mech, "mech");
	table_add(t, &n, 'c', p->secured, "secured");
	table_add(t, &n, 'k', p->cert, "cert");
	table_add(t, &n, '\0', p->local_port, "lport");
	table_add(t, &n, '\0', p->remote_port, "rport");
	table_add(t, &n, '\0', p->session, "session");
	table_add(t, &n, '\0', p->local_name, "local_name");
	table_add(t, &n, '\0', p->orig_user != NULL ? p->orig_user : user,
		"orig_user");
	table_add(t, &n, '\0', p->orig_user != NULL ? orig_username : username,
		"orig_username");
	table_add(t, &n, '\0', p->orig_user != NULL ? orig_domain : domain,
		"orig_domain");
	table_add(t, &n, '\0', p->auth_user != NULL ? p->auth_user : user,
		"auth_user");
	table_add(t, &n, '\0', p->auth_user != NULL ? auth_username : username,
		"auth_username");
	table_add(t, &n, '\0', p->auth_user != NULL ? auth_domain : domain,
		"auth_domain");
	table_add(t, &n, '\0', p->master_user, "master_user");
	table_add(t, &n, '\0', p->login_user, "login_user");
	if (p->hostname != NULL)
		table_add(t, &n, '\0', p->hostname, "hostname");
	i_assert(n < 48);
	return t;
}

const struct var_expand_table *
var_expand_table_merge(struct arena *arena, const struct var_expand_table *a,
	const struct var_expand_table *b)
{
	unsigned int na = 0, nb = 0;
	struct var_expand_table *t;

	while (a != NULL && (a[na].key != '\0' || a[na].long_key != NULL))
		na++;
	while (b != NULL && (b[nb].key != '\0' || b[nb].long_key != NULL))
		nb++;
	t = arena_new(arena, struct var_expand_table, size_add(na + nb, 1));
	if (na > 0)
		memcpy(t, a, size_mul(sizeof(*t), na));
	if (nb > 0)
		memcpy(t + na, b, size_mul(sizeof(*t), nb));
	return t;
}

bool var_has_key(const char *str, char key, const char *long_key)
{
	for (; *str != '\0'; str++) {
		if (*str != '%')
			continue;
		str++;
		while (*str == '-' || *str == '.' ||
		       (*str >= '0' && *str <= '9'))
			str++;
		while (find_modifier(*str) != NULL)
			str++;
		if (*str == '\0')
			return false;
		if (key != '\0' && *str == key)
			return true;
		if (*str == '{' && long_key != NULL) {
			size_t len = strlen(long_key);

			if (strncmp(str + 1, long_key, len) == 0 &&
			    str[len + 1] == '}')
				return true;
		}
	}
	return false;
}
