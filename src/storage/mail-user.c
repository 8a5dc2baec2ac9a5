/*
 * mail-user.c - a user of the mail storage: settings, namespaces, the
 * index connection and the last error.
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "config.h"
#include "str.h"
#include "var-expand.h"
#include "index/mail-index.h"

#include <malloc.h>
#include <sys/stat.h>
#include <time.h>

/* Allocations from this size on get a mapping of their own. */
#define MAIL_USER_MMAP_THRESHOLD (256 * 1024)

#define MAIL_ERRSTR_CRITICAL_MSG                                        \
	"Internal error occurred. Refer to server log for more information."

void mail_user_set_error(struct mail_user *user, enum mail_error error,
	const char *text)
{
	user->error = error;
	(void)i_strlcpy(user->error_text, text, sizeof(user->error_text));
}

void mail_user_clear_error(struct mail_user *user)
{
	user->error = MAIL_ERROR_NONE;
	user->error_text[0] = '\0';
}

static void mail_user_set_internal_error(struct mail_user *user)
{
	char stamp[64];
	struct tm tm;
	time_t now = time(NULL);

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	user->error = MAIL_ERROR_TEMP;
	(void)x_snprintf(user->error_text, sizeof(user->error_text), "%s [%s]",
		MAIL_ERRSTR_CRITICAL_MSG, stamp);
}

void mail_user_set_critical(struct mail_user *user, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	SCRATCH_BEGIN {
		i_error("%s", arena_vprintf(scratch_arena(), fmt, args));
	} SCRATCH_END;
	va_end(args);
	mail_user_set_internal_error(user);
}

void mail_user_set_index_error(struct mail_user *user)
{
	/* the index module logged the details already */
	mail_user_set_internal_error(user);
}

const char *mail_user_get_last_error(struct mail_user *user,
	enum mail_error *error_r)
{
	if (error_r != NULL)
		*error_r = user->error;
	return user->error_text;
}

void mail_storage_set_error(struct mail_storage *storage,
	enum mail_error error, const char *text)
{
	mail_user_set_error(storage->user, error, text);
}

void mail_storage_set_critical(struct mail_storage *storage,
	const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	SCRATCH_BEGIN {
		i_error("%s", arena_vprintf(scratch_arena(), fmt, args));
	} SCRATCH_END;
	va_end(args);
	mail_user_set_internal_error(storage->user);
}

static int mail_user_read_settings(struct mail_user *user,
	const struct config_filter *filter, const char **error_r)
{
	const struct config *c = user->config;
	const char *value;

	value = config_get(c, filter, "mail_fsync");
	if (strcmp(value, "always") == 0)
		user->fsync_mode = MAIL_FSYNC_ALWAYS;
	else if (strcmp(value, "never") == 0)
		user->fsync_mode = MAIL_FSYNC_NEVER;
	else if (strcmp(value, "optimized") == 0)
		user->fsync_mode = MAIL_FSYNC_OPTIMIZED;
	else {
		*error_r = t_printf("mail_fsync: Unknown value: %s", value);
		return -1;
	}
	user->copy_with_hardlinks =
		config_get_bool(c, filter, "maildir_copy_with_hardlinks");
	user->save_crlf = config_get_bool(c, filter, "mail_save_crlf");
	user->mail_debug = config_get_bool(c, filter, "mail_debug");
	user->very_dirty_syncs =
		config_get_bool(c, filter, "maildir_very_dirty_syncs");
	user->max_keyword_length =
		config_get_uint(c, filter, "mail_max_keyword_length");
	user->idle_check_interval_secs = config_get_time_secs(c, filter,
		"mailbox_idle_check_interval");
	user->lock_timeout_secs =
		config_get_time_secs(c, filter, "mail_max_lock_timeout");
	return 0;
}

/*
 * Once per process: large allocations (a view's arrays, a sync's
 * temporary rows) always get their own mapping, given back to the system
 * when freed.  glibc otherwise raises its mapping threshold after the
 * first large free, and later large temporaries come from the heap, where
 * the holes they leave between long-lived session data are never given
 * back: with 100,000 messages that was ~200 KiB per idle session.
 */
static void mail_user_process_init(void)
{
	static bool done = false;

	if (done)
		return;
	done = true;
	(void)mallopt(M_MMAP_THRESHOLD, MAIL_USER_MMAP_THRESHOLD);
}

int mail_user_create(const struct config *config,
	const struct mail_user_params *params, struct mail_user **user_r,
	const char **error_r)
{
	struct config_filter filter;
	struct mail_user *user;
	struct arena *arena;
	const char *home;

	i_assert(params->username != NULL);
	mail_user_process_init();
	memset(&filter, 0, sizeof(filter));
	if (params->filter != NULL)
		filter = *params->filter;
	filter.protocol = params->service;

	arena = arena_create("mail user", 4096);
	user = arena_new(arena, struct mail_user, 1);
	user->arena = arena;
	user->config = config;
	user->username = arena_strdup(arena, params->username);
	user->service = arena_strdup(arena,
		params->service == NULL ? "" : params->service);
	user->session_id = params->session_id == NULL ? NULL :
		arena_strdup(arena, params->session_id);
	home = params->home;
	if (mail_user_read_settings(user, &filter, error_r) < 0) {
		arena_destroy(&arena);
		return -1;
	}
	user->home = arena_strdup(arena, home == NULL ? "" : home);

	if (params->var_table != NULL) {
		user->var_table = var_expand_table_merge(arena,
			params->var_table, NULL);
	} else {
		struct var_expand_params vp;

		memset(&vp, 0, sizeof(vp));
		vp.user = user->username;
		vp.service = user->service;
		vp.home = user->home;
		vp.session = user->session_id;
		user->var_table = var_expand_table_build(arena, &vp);
	}
	if (user->home[0] == '\0') {
		/* mail_home gives the home when userdb didn't */
		const char *mail_home = config_get(config, &filter,
			"mail_home");

		if (mail_home[0] != '\0') {
			const char *expanded, *error;
			struct var_expand_table *t;
			unsigned int i;

			if (mail_user_expand(user, mail_home, &expanded,
					&error) < 0) {
				*error_r = t_printf("mail_home: %s", error);
				arena_destroy(&arena);
				return -1;
			}
			user->home = arena_strdup(arena, expanded);
			/* %h in the rest now means the new home */
			t = (struct var_expand_table *)user->var_table;
			for (i = 0; t[i].key != '\0' || t[i].long_key != NULL;
			     i++) {
				if (t[i].key == 'h' ||
				    (t[i].long_key != NULL &&
				     strcmp(t[i].long_key, "home") == 0))
					t[i].value = user->home;
			}
		}
	}
	user->mail_location_override = params->mail_location == NULL ? NULL :
		arena_strdup(arena, params->mail_location);
	user->filter = arena_new(arena, struct config_filter, 1);
	*user->filter = filter;
	if (filter.service != NULL)
		user->filter->service = arena_strdup(arena, filter.service);
	if (filter.local_ip != NULL)
		user->filter->local_ip = arena_strdup(arena, filter.local_ip);
	if (filter.remote_ip != NULL)
		user->filter->remote_ip = arena_strdup(arena, filter.remote_ip);
	if (filter.local_name != NULL)
		user->filter->local_name = arena_strdup(arena,
			filter.local_name);
	user->filter->protocol = params->service == NULL ? NULL :
		user->service;

	if (mail_namespaces_init(user, error_r) < 0) {
		mail_namespaces_deinit(user);
		arena_destroy(&arena);
		return -1;
	}
	*user_r = user;
	return 0;
}

void mail_user_destroy(struct mail_user **_user)
{
	struct mail_user *user = *_user;
	struct arena *arena;

	if (user == NULL)
		return;
	*_user = NULL;
	while (user->boxes != NULL) {
		struct mailbox *box = user->boxes;

		mailbox_close(&box);
	}
	mail_namespaces_deinit(user);
	mail_index_close(&user->index);
	arena = user->arena;
	arena_destroy(&arena);
}

const char *mail_user_get_username(const struct mail_user *user)
{
	return user->username;
}

const char *mail_user_get_home(const struct mail_user *user)
{
	return user->home;
}

static bool mail_user_store_exists(struct mail_user *user)
{
	struct mail_namespace *ns = mail_namespace_find_inbox(user);
	struct stat st;
	bool exists;

	if (ns == NULL || NS_PRIV(ns)->storage == NULL)
		return false;
	SCRATCH_BEGIN {
		const char *root = NS_PRIV(ns)->storage->location.root;
		const char *inbox = NS_PRIV(ns)->storage->location.inbox_path;

		/* the UID list is written by the first sync, after the index
		   exists: having one means there is state to rebuild */
		exists = stat(t_printf("%s/dovecot-uidlist",
				inbox != NULL ? inbox : root), &st) == 0;
	} SCRATCH_END;
	return exists;
}

struct mail_index *mail_user_get_index(struct mail_user *user)
{
	struct mail_index_settings set;
	const char *error;
	int ret;

	if (user->index != NULL) {
		if (!mail_index_need_reopen(user->index))
			return user->index;
		if (mail_index_in_transaction(user->index))
			return user->index;
		mail_index_close(&user->index);
	}
	memset(&set, 0, sizeof(set));
	set.busy_timeout_msecs = user->lock_timeout_secs == 0 ?
		MAIL_INDEX_DEFAULT_BUSY_MSECS :
		user->lock_timeout_secs * 1000;
	set.store_exists = mail_user_store_exists(user);
	SCRATCH_BEGIN {
		ret = mail_index_open(user->index_dir, &set, &user->index,
			&error);
		if (ret < 0)
			mail_user_set_critical(user, "%s", error);
	} SCRATCH_END;
	return ret < 0 ? NULL : user->index;
}

void mail_user_release_memory(struct mail_user *user)
{
	if (user->index == NULL || mail_index_in_transaction(user->index))
		return;
	mail_index_close(&user->index);
}

int mail_user_expand(struct mail_user *user, const char *str,
	const char **result_r, const char **error_r)
{
	struct buf out;
	const char *error;

	buf_init(&out, scratch_arena(), 128, 8192);
	if (var_expand(&out, str, user->var_table, &error) < 0) {
		*error_r = error;
		return -1;
	}
	*result_r = buf_cstr(&out);
	return 0;
}
