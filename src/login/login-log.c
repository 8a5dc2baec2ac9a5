/*
 * login-log.c - expanding login_log_format and login_log_format_elements.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "var-expand.h"
#include "login-log.h"

static const char *empty_if_null(const char *s)
{
	return s == NULL ? "" : s;
}

const struct var_expand_table *
login_log_var_table(struct arena *arena, const struct login_log_vars *v)
{
	struct var_expand_table *tab;
	const char *user = empty_if_null(v->user), *at;
	const char *username = user, *domain = "";
	const char *orig = empty_if_null(v->orig_user);
	const char *auth = empty_if_null(v->auth_user);
	unsigned int i = 0;

	at = strchr(user, '@');
	if (at != NULL) {
		username = arena_strndup(arena, user, (size_t)(at - user));
		domain = at + 1;
	}
	tab = arena_new(arena, struct var_expand_table, 32);
#define ADD(k, val, lk)                                                 \
	do {                                                            \
		tab[i].key = (k);                                       \
		tab[i].value = (val);                                   \
		tab[i].long_key = (lk);                                 \
		i++;                                                    \
	} while (0)
	ADD('u', user, "user");
	ADD('n', username, "username");
	ADD('d', domain, "domain");
	ADD('s', empty_if_null(v->service), "service");
	ADD('h', "", "home");
	ADD('l', empty_if_null(v->local_ip), "lip");
	ADD('r', empty_if_null(v->remote_ip), "rip");
	ADD('p', empty_if_null(v->pid), "pid");
	ADD('m', empty_if_null(v->mech), "mech");
	ADD('a', empty_if_null(v->local_port), "lport");
	ADD('b', empty_if_null(v->remote_port), "rport");
	ADD('c', empty_if_null(v->secured), "secured");
	ADD('k', empty_if_null(v->ssl_security), "ssl_security");
	ADD('e', empty_if_null(v->mail_pid), "mail_pid");
	ADD('\0', empty_if_null(v->session), "session");
	ADD('\0', empty_if_null(v->local_ip), "real_lip");
	ADD('\0', empty_if_null(v->remote_ip), "real_rip");
	ADD('\0', empty_if_null(v->local_port), "real_lport");
	ADD('\0', empty_if_null(v->remote_port), "real_rport");
	ADD('\0', orig, "orig_user");
	at = strchr(orig, '@');
	ADD('\0', at == NULL ? orig :
		arena_strndup(arena, orig, (size_t)(at - orig)),
		"orig_username");
	ADD('\0', at == NULL ? "" : at + 1, "orig_domain");
	ADD('\0', auth, "auth_user");
	at = strchr(auth, '@');
	ADD('\0', at == NULL ? auth :
		arena_strndup(arena, auth, (size_t)(at - auth)),
		"auth_username");
	ADD('\0', at == NULL ? "" : at + 1, "auth_domain");
	ADD('\0', empty_if_null(v->listener), "listener");
	ADD('\0', empty_if_null(v->local_name), "local_name");
	ADD('\0', NULL, NULL);
#undef ADD
	i_assert(i <= 32);
	return tab;
}

/* The same keys with every value empty, for detecting empty elements. */
static const struct var_expand_table *
empty_table(const struct var_expand_table *table)
{
	struct var_expand_table *tab;
	unsigned int n = 0, i;

	while (table[n].key != '\0' || table[n].long_key != NULL)
		n++;
	tab = t_new(struct var_expand_table, n + 1);
	for (i = 0; i < n; i++) {
		tab[i].key = table[i].key;
		tab[i].long_key = table[i].long_key;
		tab[i].value = "";
	}
	return tab;
}

static bool element_has_username(const char *element)
{
	return var_has_key(element, 'u', "user") ||
		var_has_key(element, 'n', "username");
}

int login_log_expand_elements(struct buf *dest, const char *elements,
	const struct var_expand_table *table, const char **error_r)
{
	const struct var_expand_table *empty = empty_table(table);
	char **list = str_split(scratch_arena(), elements, " ", true);
	struct buf tmp;
	unsigned int i;
	size_t pos, sep;

	/* Heap, not scratch: var_expand() may open scratch frames, and a
	   scratch buffer growing inside one would be released with it. */
	buf_init(&tmp, NULL, 128, 0);
	for (i = 0; list[i] != NULL; i++) {
		pos = dest->used;
		sep = pos > 0 ? 2 : 0;
		if (sep > 0 && buf_append_str(dest, ", ") < 0) {
			*error_r = "Log line too long";
			buf_free(&tmp);
			return -1;
		}
		if (var_expand(dest, list[i], table, error_r) < 0) {
			buf_free(&tmp);
			return -1;
		}
		if (element_has_username(list[i]))
			continue;
		buf_reset(&tmp);
		if (var_expand(&tmp, list[i], empty, error_r) < 0) {
			buf_free(&tmp);
			return -1;
		}
		/* All of the element's variables were empty: drop it. */
		if (dest->used - pos - sep == tmp.used &&
		    memcmp(dest->data + pos + sep, tmp.data, tmp.used) == 0)
			buf_truncate(dest, pos);
	}
	buf_free(&tmp);
	return 0;
}

int login_log_expand_line(struct buf *dest, const char *format,
	const char *msg, const char *elements_str, const char **error_r)
{
	const struct var_expand_table tab[] = {
		{ '$', msg, NULL },
		{ 's', elements_str, NULL },
		{ '\0', NULL, NULL },
	};

	return var_expand(dest, format, tab, error_r);
}
