/*
 * mail-location.c - mail_location and namespace location strings:
 * "<driver>:<root>[:KEY=VALUE...][:UTF-8]" with %variables and "~/"
 * expanded as Dovecot 2.3 does ("::" is a literal ':').
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"

#include <strings.h>
#include <sys/stat.h>

/* Dovecot parameters we accept without acting on them (logged at debug
   level): they tune Dovecot's own index files or features Roost handles
   differently. */
static const char *const ignored_params[] = {
	"INDEXPVT", "ALT", "VOLATILEDIR", "LISTINDEX", "ITERINDEX",
	"NO-NOSELECT", "MAILBOXDIR", "FULLDIRNAME", "BROKENCHARS",
	"INDEXCACHE", NULL,
};

static int home_expand(struct mail_user *user, const char *path,
	struct arena *arena, const char **result_r, const char **error_r)
{
	if (path[0] != '~')
		*result_r = arena_strdup(arena, path);
	else if (path[1] != '\0' && path[1] != '/') {
		/* ~otheruser/... is not supported, as in Dovecot's mail
		   processes */
		*error_r = t_printf("Can't expand %s: only ~/ is supported",
			path);
		return -1;
	} else if (user->home[0] == '\0') {
		*error_r = t_printf("Home directory not set for user. "
			"Can't expand ~/ for %s", path);
		return -1;
	} else {
		*result_r = arena_printf(arena, "%s%s", user->home, path + 1);
	}
	return 0;
}

/* Splits str at single ':' ("::" is an escaped ':'), into arena. */
static char **location_split(struct arena *arena, const char *str,
	unsigned int *count_r)
{
	ARRAY(char *) parts;
	struct buf cur;

	array_init(&parts, arena, 8);
	buf_init(&cur, arena, 64, 0);
	for (const char *p = str;; p++) {
		if (*p == ':' && p[1] == ':') {
			if (buf_append_c(&cur, ':') < 0)
				i_panic("unbounded buffer full");
			p++;
		} else if (*p == ':' || *p == '\0') {
			array_push(&parts, arena_strndup(arena, cur.data == NULL
				? "" : cur.data, cur.used));
			buf_init(&cur, arena, 64, 0);
			if (*p == '\0')
				break;
		} else {
			if (buf_append_c(&cur, *p) < 0)
				i_panic("unbounded buffer full");
		}
	}
	*count_r = parts.count;
	return parts.v;
}

/* Dovecot's autodetection, reduced to what Roost stores: ~/Maildir. */
static int location_autodetect(struct mail_user *user, const char **str_r,
	const char **error_r)
{
	struct stat st;
	bool found = false;

	if (user->home[0] != '\0') {
		SCRATCH_BEGIN {
			found = stat(t_printf("%s/Maildir/cur", user->home),
				&st) == 0;
		} SCRATCH_END;
	}
	if (!found) {
		*error_r = t_printf("Mail storage autodetection failed with "
			"home=%s", user->home[0] == '\0' ? "(not set)" :
				user->home);
		return -1;
	}
	*str_r = "maildir:~/Maildir";
	return 0;
}

int mail_location_parse(struct mail_user *user, const char *str,
	struct arena *arena, struct mail_location *loc_r,
	const char **error_r)
{
	const char *expanded, *error;
	char **parts;
	unsigned int i, count;

	memset(loc_r, 0, sizeof(*loc_r));
	if (str[0] == '\0' && location_autodetect(user, &str, error_r) < 0)
		return -1;
	if (mail_user_expand(user, str, &expanded, &error) < 0) {
		*error_r = t_printf("Failed to expand mail location %s: %s",
			str, error);
		return -1;
	}
	if (strchr(expanded, ':') == NULL) {
		/* no driver: a plain path, autodetected as Maildir if it
		   looks like one */
		expanded = t_printf("maildir:%s", expanded);
	}
	parts = location_split(scratch_arena(), expanded, &count);
	loc_r->driver = arena_strdup(arena, t_str_lcase(parts[0]));
	if (mail_backend_find(loc_r->driver) == NULL) {
		*error_r = t_printf("Unknown mail storage driver %s", parts[0]);
		return -1;
	}
	if (count < 2 || parts[1][0] == '\0') {
		*error_r = t_printf("%s: root mail directory not given",
			loc_r->driver);
		return -1;
	}
	if (home_expand(user, parts[1], arena, &loc_r->root, error_r) < 0)
		return -1;
	for (i = 2; i < count; i++) {
		const char *key = parts[i], *value = "";
		char *eq = strchr(parts[i], '=');
		const char **dest = NULL;

		if (eq != NULL) {
			*eq = '\0';
			value = eq + 1;
		}
		if (strcasecmp(key, "UTF-8") == 0 ||
		    strcasecmp(key, "UTF8") == 0) {
			loc_r->utf8 = true;
			continue;
		}
		if (strcmp(key, "INBOX") == 0)
			dest = &loc_r->inbox_path;
		else if (strcmp(key, "INDEX") == 0)
			dest = &loc_r->index_dir;
		else if (strcmp(key, "CONTROL") == 0)
			dest = &loc_r->control_dir;
		else if (strcmp(key, "LAYOUT") == 0) {
			loc_r->layout = arena_strdup(arena, t_str_lcase(value));
			continue;
		} else if (strcmp(key, "DIRNAME") == 0) {
			loc_r->dirname = arena_strdup(arena, value);
			continue;
		} else if (strcmp(key, "SUBSCRIPTIONS") == 0) {
			loc_r->subscriptions_name = arena_strdup(arena, value);
			continue;
		} else {
			unsigned int j;

			for (j = 0; ignored_params[j] != NULL; j++) {
				if (strcmp(key, ignored_params[j]) == 0)
					break;
			}
			if (ignored_params[j] == NULL) {
				*error_r = t_printf("Unknown setting: %s", key);
				return -1;
			}
			if (user->mail_debug)
				i_debug("mail_location: ignoring %s", key);
			continue;
		}
		if (strcmp(value, "MEMORY") == 0 && dest == &loc_r->index_dir) {
			/* INDEX=MEMORY: Dovecot keeps no index files; ours
			   then lives in the mail root */
			continue;
		}
		if (value[0] == '\0') {
			*error_r = t_printf("%s: empty value", key);
			return -1;
		}
		if (home_expand(user, value, arena, dest, error_r) < 0)
			return -1;
	}
	if (loc_r->layout == NULL)
		loc_r->layout = "maildir++";
	if (loc_r->subscriptions_name == NULL)
		loc_r->subscriptions_name = "subscriptions";
	return 0;
}
