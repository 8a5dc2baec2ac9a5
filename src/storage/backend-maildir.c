/*
 * backend-maildir.c - the Maildir backend: mailbox layout, subscriptions,
 * change stamps, sync and per-message operations, on top of the Dovecot
 * compatible Maildir library in src/storage/maildir/.
 */
#include "lib.h"
#include "backend-maildir.h"
#include "buf.h"
#include "file.h"
#include "str.h"
#include "maildir-filename.h"
#include "maildir-keywords.h"
#include "maildir-subscriptions.h"
#include "maildir-uidlist.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

/* Default wait for dovecot-uidlist.lock, as Dovecot (2 min + 2 s). */
#define MAILDIR_LOCK_TIMEOUT_SECS 122
/* A directory change this close (ns) before a stamp was taken may hide
   another change in the same timestamp tick. */
#define MAILDIR_DIRTY_WINDOW_NSECS (50ULL * 1000 * 1000)
#define MAILDIR_DIRTY_WINDOW_COARSE_NSECS (1000ULL * 1000 * 1000)

#define MAILDIR_STAMP_VERSION 1

struct maildir_stamp {
	uint32_t version;
	uint32_t own_change;
	int64_t new_mtime_ns;
	int64_t cur_mtime_ns;
	uint64_t ul_ino;
	uint64_t ul_size;
	int64_t ul_mtime_ns;
	int64_t kw_mtime_ns;
	int64_t taken_ns;
};

const char *maildir_key_fname(const char *key)
{
	if (str_begins(key, "cur/") || str_begins(key, "new/"))
		return key + 4;
	return key;
}

bool maildir_backend_do_fsync(const struct mail_storage *storage)
{
	return storage->fsync_mode != MAIL_FSYNC_NEVER;
}

static int64_t stat_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL +
		st->st_mtim.tv_nsec;
}

/* ---- storage ---- */

static int maildir_storage_init(struct mail_storage *storage,
	const char **error_r)
{
	struct maildir_backend_storage *mstorage;
	const struct mail_location *loc = &storage->location;
	struct arena *arena = storage->arena;

	mstorage = arena_new(arena, struct maildir_backend_storage, 1);
	if (strcmp(loc->layout, "maildir++") == 0)
		mstorage->list_set.layout = MAILDIR_LAYOUT_MAILDIRPP;
	else if (strcmp(loc->layout, "fs") == 0)
		mstorage->list_set.layout = MAILDIR_LAYOUT_FS;
	else {
		*error_r = t_printf("maildir: Unknown layout: %s", loc->layout);
		return -1;
	}
	if (loc->root[0] != '/') {
		*error_r = t_printf("maildir: root directory must be an "
			"absolute path: %s", loc->root);
		return -1;
	}
	if (storage->hier_sep == '\0') {
		storage->hier_sep = mstorage->list_set.layout ==
			MAILDIR_LAYOUT_FS ? '/' : '.';
	}
	mstorage->list_set.root = loc->root;
	mstorage->list_set.sep = storage->hier_sep;
	mstorage->list_set.utf8 = loc->utf8;
	maildir_settings_init(&mstorage->set);
	mstorage->set.save_crlf = storage->save_crlf;
	mstorage->set.copy_with_hardlinks = storage->copy_with_hardlinks;
	mstorage->set.very_dirty_syncs = storage->very_dirty_syncs;
	mstorage->set.fsync = storage->fsync_mode == MAIL_FSYNC_ALWAYS ?
		MAILDIR_FSYNC_ALWAYS :
		storage->fsync_mode == MAIL_FSYNC_NEVER ?
		MAILDIR_FSYNC_NEVER : MAILDIR_FSYNC_OPTIMIZED;
	mstorage->set.lock_timeout_secs = storage->lock_timeout_secs != 0 ?
		storage->lock_timeout_secs : MAILDIR_LOCK_TIMEOUT_SECS;
	mstorage->subscriptions_path = arena_printf(arena, "%s/%s",
		loc->control_dir != NULL ? loc->control_dir : loc->root,
		loc->subscriptions_name);
	mstorage->inbox_path = loc->inbox_path;
	storage->context = mstorage;
	return 0;
}

static void maildir_storage_deinit(struct mail_storage *storage ATTR_UNUSED)
{
}

static const char *maildir_get_index_dir(struct mail_storage *storage)
{
	return storage->location.root;
}

/* The Maildir directory of a name, or NULL with the error set. */
static const char *maildir_name_path(struct mail_storage *storage,
	struct arena *arena, const char *name)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	const char *path, *error;

	if (maildir_list_is_inbox(name) && mstorage->inbox_path != NULL)
		return arena_strdup(arena, mstorage->inbox_path);
	if (maildir_list_get_path(&mstorage->list_set, arena, name, &path,
			&error) < 0) {
		mail_storage_set_error(storage, MAIL_ERROR_PARAMS, error);
		return NULL;
	}
	return path;
}

static bool maildir_name_is_valid(struct mail_storage *storage,
	const char *name)
{
	bool ret;

	SCRATCH_BEGIN {
		ret = maildir_name_path(storage, scratch_arena(), name) != NULL;
	} SCRATCH_END;
	return ret;
}

struct maildir_list_ctx {
	backend_list_callback_t *callback;
	void *context;
};

static int maildir_list(struct mail_storage *storage,
	backend_list_callback_t *callback, void *context)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	struct maildir_list_entry *entries;
	unsigned int i, count;
	const char *error;
	int ret = 0;

	SCRATCH_BEGIN {
		if (maildir_list_all(&mstorage->list_set, scratch_arena(),
				&entries, &count, &error) < 0) {
			mail_storage_set_critical(storage, "%s", error);
			ret = -1;
		} else {
			for (i = 0; i < count && ret == 0; i++) {
				enum mailbox_existence existence;

				if ((entries[i].flags &
				     MAILDIR_LIST_NONEXISTENT) != 0)
					continue;
				existence = (entries[i].flags &
					     MAILDIR_LIST_NOSELECT) != 0 ?
					MAILBOX_EXISTENCE_NOSELECT :
					MAILBOX_EXISTENCE_SELECT;
				if (callback(context, entries[i].name,
						existence) < 0)
					ret = -1;
			}
		}
	} SCRATCH_END;
	return ret;
}

static int maildir_mailbox_exists(struct mail_storage *storage,
	const char *name, enum mailbox_existence *existence_r)
{
	struct stat st;
	const char *path;
	int ret = 0;

	if (maildir_list_is_inbox(name)) {
		/* INBOX always exists: it is created on first access */
		*existence_r = MAILBOX_EXISTENCE_SELECT;
		return 0;
	}
	SCRATCH_BEGIN {
		path = maildir_name_path(storage, scratch_arena(), name);
		if (path == NULL)
			ret = -1;
		else if (stat(t_printf("%s/cur", path), &st) == 0)
			*existence_r = MAILBOX_EXISTENCE_SELECT;
		else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			*existence_r = MAILBOX_EXISTENCE_NOSELECT;
		else if (errno == ENOENT || errno == ENOTDIR)
			*existence_r = MAILBOX_EXISTENCE_NONE;
		else {
			mail_storage_set_critical(storage,
				"stat(%s) failed: %m", path);
			ret = -1;
		}
	} SCRATCH_END;
	return ret;
}

static int maildir_mailbox_create(struct mail_storage *storage,
	const char *name, bool directory)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	const char *path, *error;
	bool exists = false;
	int ret = 0;

	SCRATCH_BEGIN {
		path = maildir_name_path(storage, scratch_arena(), name);
		if (path == NULL)
			ret = -1;
		else if (directory &&
			 mstorage->list_set.layout == MAILDIR_LAYOUT_FS) {
			struct stat st;

			if (stat(path, &st) == 0) {
				mail_storage_set_error(storage,
					MAIL_ERROR_EXISTS,
					"Mailbox already exists");
				ret = -1;
			} else if (mkdir_parents(path, 0700) < 0) {
				mail_storage_set_critical(storage,
					"mkdir(%s) failed: %m", path);
				ret = -1;
			}
		} else if (maildir_list_create(&mstorage->list_set, name,
				&exists, &error) < 0) {
			if (exists) {
				mail_storage_set_error(storage,
					MAIL_ERROR_EXISTS,
					"Mailbox already exists");
			} else {
				mail_storage_set_critical(storage, "%s", error);
			}
			ret = -1;
		}
	} SCRATCH_END;
	return ret;
}

static int maildir_mailbox_delete(struct mail_storage *storage,
	const char *name)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	const char *error;
	bool notfound = false;
	int ret = 0;

	SCRATCH_BEGIN {
		if (maildir_list_delete(&mstorage->list_set, name, &notfound,
				&error) < 0) {
			if (notfound) {
				mail_storage_set_error(storage,
					MAIL_ERROR_NOTFOUND, t_printf(
					"Mailbox doesn't exist: %s", name));
			} else {
				mail_storage_set_critical(storage, "%s", error);
			}
			ret = -1;
		}
	} SCRATCH_END;
	return ret;
}

static int maildir_mailbox_rename(struct mail_storage *storage,
	const char *old_name, const char *new_name)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	enum maildir_list_rename_error why;
	const char *error;
	int ret = 0;

	SCRATCH_BEGIN {
		if (maildir_list_rename(&mstorage->list_set, old_name, new_name,
				&why, &error) < 0) {
			ret = -1;
			if (why == MAILDIR_LIST_RENAME_ERR_NOTFOUND)
				mail_storage_set_error(storage,
					MAIL_ERROR_NOTFOUND, error);
			else if (why == MAILDIR_LIST_RENAME_ERR_EXISTS)
				mail_storage_set_error(storage,
					MAIL_ERROR_EXISTS, error);
			else if (why == MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE)
				mail_storage_set_error(storage,
					MAIL_ERROR_NOTPOSSIBLE, error);
			else
				mail_storage_set_critical(storage, "%s",
					error);
		}
	} SCRATCH_END;
	return ret;
}

static const char *maildir_mailbox_get_path(struct mail_storage *storage,
	const char *name)
{
	return maildir_name_path(storage, scratch_arena(), name);
}

static int maildir_subscriptions_read_names(struct mail_storage *storage,
	struct arena *arena, const char *const **names_r)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	const char **names, **list, *error;
	unsigned int count;

	/* no scratch frame here: arena may be the scratch arena */
	if (maildir_subscriptions_read(mstorage->subscriptions_path,
			storage->hier_sep, arena, &names, &count,
			&error) < 0) {
		mail_storage_set_critical(storage, "%s", error);
		return -1;
	}
	list = arena_new(arena, const char *, count + 1);
	memcpy(list, names, count * sizeof(*names));
	*names_r = list;
	return 0;
}

static int maildir_subscription_set(struct mail_storage *storage,
	const char *name, bool subscribed)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	const char *error;
	int ret = 0;

	SCRATCH_BEGIN {
		if (mkdir_parents(storage->location.control_dir != NULL ?
				storage->location.control_dir :
				storage->location.root, 0700) < 0) {
			mail_storage_set_critical(storage,
				"mkdir(%s) failed: %m",
				storage->location.root);
			ret = -1;
		} else if (maildir_subscriptions_set(
				mstorage->subscriptions_path, storage->hier_sep,
				name, subscribed, 0600,
				maildir_backend_do_fsync(storage),
				&error) < 0) {
			mail_storage_set_critical(storage, "%s", error);
			ret = -1;
		}
	} SCRATCH_END;
	return ret;
}

/* ---- mailboxes ---- */

static int maildir_mailbox_open(struct mail_storage *storage,
	const char *name, struct backend_mailbox **bbox_r)
{
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	struct backend_mailbox *bbox;
	struct arena *arena;
	const char *path, *error;
	struct stat st;

	arena = arena_create("maildir mailbox", 1024);
	path = maildir_name_path(storage, arena, name);
	if (path == NULL) {
		arena_destroy(&arena);
		return -1;
	}
	bbox = arena_new(arena, struct backend_mailbox, 1);
	bbox->storage = storage;
	bbox->arena = arena;
	bbox->name = arena_strdup(arena, name);
	bbox->dir = path;
	maildir_list_get_permissions(&mstorage->list_set, &bbox->perm);
	SCRATCH_BEGIN {
		if (stat(t_printf("%s/cur", path), &st) == 0) {
			/* tmp/ or new/ may be missing in a foreign Maildir */
			if (stat(t_printf("%s/new", path), &st) < 0 ||
			    stat(t_printf("%s/tmp", path), &st) < 0)
				(void)maildir_create_dirs(path, &bbox->perm,
					!maildir_list_is_inbox(name), &error);
		} else if (errno != ENOENT) {
			mail_storage_set_critical(storage,
				"stat(%s/cur) failed: %m", path);
			path = NULL;
		} else if (maildir_list_is_inbox(name)) {
			/* INBOX is created on first access, as Dovecot */
			if (maildir_create_dirs(path, &bbox->perm, false,
					&error) < 0) {
				mail_storage_set_critical(storage, "%s", error);
				path = NULL;
			}
		} else {
			mail_storage_set_error(storage, MAIL_ERROR_NOTFOUND,
				t_printf("Mailbox doesn't exist: %s", name));
			path = NULL;
		}
	} SCRATCH_END;
	if (path == NULL) {
		arena_destroy(&arena);
		return -1;
	}
	bbox->uidlist_path = arena_printf(arena, "%s/%s", path,
		MAILDIR_UIDLIST_NAME);
	bbox->keywords_path = arena_printf(arena, "%s/%s", path,
		MAILDIR_KEYWORDS_NAME);
	bbox->ul = maildir_uidlist_create();
	bbox->kw = maildir_keywords_create();
	*bbox_r = bbox;
	return 0;
}

static void maildir_mailbox_close(struct backend_mailbox **_bbox)
{
	struct backend_mailbox *bbox = *_bbox;
	struct arena *arena;

	if (bbox == NULL)
		return;
	*_bbox = NULL;
	maildir_uidlist_destroy(&bbox->ul);
	maildir_keywords_destroy(&bbox->kw);
	arena = bbox->arena;
	arena_destroy(&arena);
}

/* ---- stamps ---- */

static int maildir_fill_stamp(struct backend_mailbox *bbox,
	struct maildir_stamp *stamp_r)
{
	struct timespec now;
	struct stat st;
	int ret = 0;

	memset(stamp_r, 0, sizeof(*stamp_r));
	stamp_r->version = MAILDIR_STAMP_VERSION;
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		i_panic("clock_gettime() failed: %m");
	stamp_r->taken_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	SCRATCH_BEGIN {
		if (stat(t_printf("%s/new", bbox->dir), &st) == 0)
			stamp_r->new_mtime_ns = stat_mtime_ns(&st);
		else if (errno != ENOENT)
			ret = -1;
		if (stat(t_printf("%s/cur", bbox->dir), &st) == 0)
			stamp_r->cur_mtime_ns = stat_mtime_ns(&st);
		else if (errno != ENOENT)
			ret = -1;
		if (stat(bbox->uidlist_path, &st) == 0) {
			stamp_r->ul_ino = st.st_ino;
			stamp_r->ul_size = st.st_size;
			stamp_r->ul_mtime_ns = stat_mtime_ns(&st);
		} else if (errno != ENOENT)
			ret = -1;
		if (stat(bbox->keywords_path, &st) == 0)
			stamp_r->kw_mtime_ns = stat_mtime_ns(&st);
		else if (errno != ENOENT)
			ret = -1;
		if (ret < 0) {
			mail_storage_set_critical(bbox->storage,
				"stat() in %s failed: %m", bbox->dir);
		}
	} SCRATCH_END;
	return ret;
}

static int maildir_get_stamp(struct backend_mailbox *bbox, bool own_change,
	struct buf *stamp)
{
	struct maildir_stamp s;

	if (maildir_fill_stamp(bbox, &s) < 0)
		return -1;
	s.own_change = own_change ? 1 : 0;
	if (buf_append(stamp, &s, sizeof(s)) < 0)
		i_panic("stamp buffer full");
	return 0;
}

static bool mtime_is_dirty(int64_t mtime_ns, int64_t taken_ns)
{
	uint64_t window = mtime_ns % 1000000000LL == 0 ?
		MAILDIR_DIRTY_WINDOW_COARSE_NSECS : MAILDIR_DIRTY_WINDOW_NSECS;

	return mtime_ns + (int64_t)window > taken_ns;
}

static int maildir_stamp_check(struct backend_mailbox *bbox,
	const void *data, size_t size, bool *changed_r)
{
	struct maildir_stamp old, cur;

	if (size != sizeof(old)) {
		*changed_r = true;
		return 0;
	}
	memcpy(&old, data, sizeof(old));
	if (old.version != MAILDIR_STAMP_VERSION) {
		*changed_r = true;
		return 0;
	}
	if (maildir_fill_stamp(bbox, &cur) < 0)
		return -1;
	*changed_r = old.new_mtime_ns != cur.new_mtime_ns ||
		old.cur_mtime_ns != cur.cur_mtime_ns ||
		old.ul_ino != cur.ul_ino || old.ul_size != cur.ul_size ||
		old.ul_mtime_ns != cur.ul_mtime_ns ||
		old.kw_mtime_ns != cur.kw_mtime_ns;
	if (*changed_r)
		return 0;
	/* Unchanged, but was the stamp taken so soon after a change that a
	   later change in the same timestamp tick could be hidden?  Only
	   when the stamp came from a scan: a stamp taken right after our
	   own change (under the index write lock, see docs/storage.md,
	   "Dirty syncs") is trusted, for new/ too, or every APPEND would
	   make the next one rescan the mailbox.  The stat() of the stamp
	   makes a later change get a newer mtime on file systems with
	   multigrain timestamps (Linux 6.13+: ext4, xfs, btrfs, tmpfs).
	   maildir_very_dirty_syncs trusts cur/ (ours alone) here too; a
	   changed mtime is still looked at, as Dovecot does. */
	if (old.own_change == 0 &&
	    (mtime_is_dirty(old.new_mtime_ns, old.taken_ns) ||
	     (!bbox->storage->very_dirty_syncs &&
	      mtime_is_dirty(old.cur_mtime_ns, old.taken_ns))))
		*changed_r = true;
	return 0;
}

/* ---- sync ---- */

static void maildir_get_notify_dirs(struct backend_mailbox *bbox,
	struct arena *arena, const char *const **dirs_r)
{
	const char **dirs = arena_new(arena, const char *, 4);

	dirs[0] = arena_printf(arena, "%s/new", bbox->dir);
	dirs[1] = arena_printf(arena, "%s/cur", bbox->dir);
	dirs[2] = arena_strdup(arena, bbox->dir);
	*dirs_r = dirs;
}

static bool maildir_subdir_has_files(struct backend_mailbox *bbox,
	const char *subdir)
{
	struct dirent *d;
	bool found = false;
	DIR *dir;

	SCRATCH_BEGIN {
		dir = opendir(t_printf("%s/%s", bbox->dir, subdir));
	} SCRATCH_END;
	if (dir == NULL)
		return false;
	while (!found && (d = readdir(dir)) != NULL)
		found = d->d_name[0] != '.';
	closedir(dir);
	return found;
}

static bool maildir_has_new(struct backend_mailbox *bbox)
{
	return maildir_subdir_has_files(bbox, "new");
}

static int maildir_sync_scan(struct backend_mailbox *bbox,
	enum backend_sync_flags flags, struct backend_sync_info *info_r,
	backend_sync_callback_t *callback, void *context)
{
	struct mail_storage *storage = bbox->storage;
	struct maildir_backend_storage *mstorage = maildir_storage(storage);
	struct maildir_sync_rec *recs;
	unsigned int i, count;
	const char *error;
	uint8_t guid[MAILDIR_GUID_128_SIZE];
	int ret = 0;

	SCRATCH_BEGIN {
		struct arena *arena = scratch_arena();

		if (maildir_sync(bbox->dir, storage->location.root, bbox->ul,
				&mstorage->set,
				(flags & BACKEND_SYNC_FLAG_MOVE_NEW) != 0,
				arena, &recs, &count, &error) < 0) {
			if (errno == ENOENT) {
				mail_storage_set_error(storage,
					MAIL_ERROR_NOTFOUND,
					"Mailbox was deleted");
			} else {
				mail_storage_set_critical(storage, "%s",
					error);
			}
			ret = -1;
		} else if (maildir_keywords_read(bbox->kw, bbox->keywords_path,
				false, &error) < 0) {
			mail_storage_set_critical(storage, "%s", error);
			ret = -1;
		}
		if (ret == 0) {
			memset(info_r, 0, sizeof(*info_r));
			info_r->uidvalidity =
				maildir_uidlist_get_uid_validity(bbox->ul);
			info_r->next_uid =
				maildir_uidlist_get_next_uid(bbox->ul);
			if (maildir_uidlist_get_guid(bbox->ul, guid)) {
				/* outlives this scratch frame */
				(void)i_strlcpy(bbox->guid_hex,
					maildir_guid_to_hex(arena, guid),
					sizeof(bbox->guid_hex));
				info_r->guid = bbox->guid_hex;
			}
		}
		for (i = 0; i < count && ret == 0; i++) {
			const struct maildir_sync_rec *r = &recs[i];
			const struct maildir_uidlist_rec *urec;
			struct backend_mail_rec rec;
			const char *kw[MAILDIR_MAX_KEYWORDS];
			unsigned int k, kw_count = 0;

			memset(&rec, 0, sizeof(rec));
			rec.uid = r->uid;
			rec.key = t_printf("%s/%s", r->in_new &&
				(flags & BACKEND_SYNC_FLAG_MOVE_NEW) == 0 ?
				"new" : "cur", r->fname);
			rec.flags = (enum mail_flags)(r->flags &
				MAILDIR_FLAGS_IMAP_MASK);
			for (k = 0; k < MAILDIR_MAX_KEYWORDS; k++) {
				if ((r->keywords & MAILDIR_KEYWORD_BIT(k)) == 0)
					continue;
				kw[kw_count++] =
					maildir_keywords_idx_name_or_create(
						bbox->kw, k);
			}
			rec.keywords = kw;
			rec.keywords_count = kw_count;
			urec = maildir_uidlist_lookup_uid(bbox->ul, r->uid);
			if (urec != NULL)
				rec.guid = maildir_uidlist_rec_get_guid(arena,
					urec);
			if (!maildir_filename_get_size(r->fname,
					MAILDIR_EXTRA_SIZE, &rec.physical_size))
				rec.physical_size = (uint64_t)-1;
			if (!maildir_filename_get_size(r->fname,
					MAILDIR_EXTRA_VIRTUAL_SIZE,
					&rec.virtual_size))
				rec.virtual_size = (uint64_t)-1;
			rec.recent = r->in_new;
			if (callback(context, &rec) < 0)
				ret = -1;
		}
	} SCRATCH_END;
	/* The list holds every file name: don't keep it in an idle
	   session's memory.  The next scan or save reads it again. */
	maildir_backend_release_uidlist(bbox);
	return ret;
}

void maildir_backend_release_uidlist(struct backend_mailbox *bbox)
{
	maildir_uidlist_destroy(&bbox->ul);
	bbox->ul = maildir_uidlist_create();
}

/* ---- messages ---- */

/*
 * Finds the current name of a message whose key went stale.  1 found
 * (*key_r from arena), 0 expunged, -1 error.
 */
static int maildir_relocate(struct backend_mailbox *bbox, const char *key,
	struct arena *arena, const char **key_r)
{
	const char *fname, *error;
	bool in_new;
	int ret;

	ret = maildir_find_file(bbox->dir, maildir_key_fname(key),
		maildir_key_fname(key), arena, &fname, &in_new, &error);
	if (ret < 0) {
		mail_storage_set_critical(bbox->storage, "%s", error);
		return -1;
	}
	if (ret == 0) {
		mail_storage_set_error(bbox->storage, MAIL_ERROR_EXPUNGED,
			"Message was expunged");
		return 0;
	}
	*key_r = arena_printf(arena, "%s/%s", in_new ? "new" : "cur", fname);
	return 1;
}

static int maildir_mail_open(struct backend_mailbox *bbox,
	uint32_t uid ATTR_UNUSED, const char *key, struct arena *arena,
	int *fd_r, const char **new_key_r)
{
	const char *cur_key = key;
	int fd, ret;

	*new_key_r = NULL;
	for (unsigned int tries = 0; tries < 3; tries++) {
		SCRATCH_BEGIN {
			fd = open(t_printf("%s/%s", bbox->dir, cur_key),
				O_RDONLY | O_CLOEXEC);
		} SCRATCH_END;
		if (fd >= 0) {
			*fd_r = fd;
			if (cur_key != key)
				*new_key_r = cur_key;
			return 0;
		}
		if (errno != ENOENT) {
			mail_storage_set_critical(bbox->storage,
				"open(%s/%s) failed: %m", bbox->dir, cur_key);
			return -1;
		}
		ret = maildir_relocate(bbox, cur_key, arena, &cur_key);
		if (ret <= 0)
			return -1;
	}
	mail_storage_set_error(bbox->storage, MAIL_ERROR_EXPUNGED,
		"Message was expunged");
	return -1;
}

static int maildir_mail_get_received_date(struct backend_mailbox *bbox,
	uint32_t uid ATTR_UNUSED, const char *key, struct arena *arena,
	time_t *date_r, const char **new_key_r)
{
	const char *cur_key = key;
	struct stat st;
	int ret;

	*new_key_r = NULL;
	for (unsigned int tries = 0; tries < 3; tries++) {
		SCRATCH_BEGIN {
			ret = stat(t_printf("%s/%s", bbox->dir, cur_key), &st);
		} SCRATCH_END;
		if (ret == 0) {
			*date_r = st.st_mtime;
			if (cur_key != key)
				*new_key_r = cur_key;
			return 0;
		}
		if (errno != ENOENT) {
			mail_storage_set_critical(bbox->storage,
				"stat(%s/%s) failed: %m", bbox->dir, cur_key);
			return -1;
		}
		if (maildir_relocate(bbox, cur_key, arena, &cur_key) <= 0)
			return -1;
	}
	mail_storage_set_error(bbox->storage, MAIL_ERROR_EXPUNGED,
		"Message was expunged");
	return -1;
}

int maildir_backend_keywords_to_bits(struct backend_mailbox *bbox,
	const char *const *keywords, unsigned int count, bool lock_held,
	uint32_t *bits_r)
{
	struct mail_storage *storage = bbox->storage;
	struct maildir_dotlock *lock = NULL;
	unsigned int i, idx;
	const char *error;
	bool need_create = false;
	int ret = 0, idxi;

	*bits_r = 0;
	if (count == 0)
		return 0;
	SCRATCH_BEGIN {
		if (maildir_keywords_read(bbox->kw, bbox->keywords_path, false,
				&error) < 0) {
			mail_storage_set_critical(storage, "%s", error);
			ret = -1;
		}
		for (i = 0; i < count && ret == 0; i++) {
			idxi = maildir_keywords_lookup(bbox->kw, keywords[i]);
			if (idxi >= 0)
				*bits_r |= MAILDIR_KEYWORD_BIT(idxi);
			else if (maildir_keywords_count(bbox->kw) <
				 MAILDIR_MAX_KEYWORDS &&
				 maildir_keyword_name_is_valid(keywords[i]))
				need_create = true;
		}
		if (ret == 0 && need_create && !lock_held) {
			ret = maildir_uidlist_lock(bbox->dir,
				maildir_storage(storage)->set.lock_timeout_secs,
				bbox->perm.file_mode, &lock, &error);
			if (ret == 0) {
				mail_storage_set_error(storage,
					MAIL_ERROR_INUSE, "Timeout while "
					"waiting for lock");
				ret = -1;
			} else if (ret < 0) {
				mail_storage_set_critical(storage, "%s", error);
			} else {
				ret = 0;
			}
			/* someone may have added them meanwhile */
			if (ret == 0 && maildir_keywords_read(bbox->kw,
					bbox->keywords_path, true,
					&error) < 0) {
				mail_storage_set_critical(storage, "%s", error);
				ret = -1;
			}
		}
		if (ret == 0 && need_create) {
			for (i = 0; i < count; i++) {
				if (maildir_keywords_lookup_or_create(bbox->kw,
						keywords[i], &idx,
						&error) == 0)
					*bits_r |= MAILDIR_KEYWORD_BIT(idx);
			}
			if (maildir_keywords_is_changed(bbox->kw) &&
			    maildir_keywords_write(bbox->kw,
					bbox->keywords_path,
					bbox->perm.file_mode, &error) < 0) {
				mail_storage_set_critical(storage, "%s", error);
				ret = -1;
			}
		}
		if (lock != NULL)
			maildir_uidlist_unlock(&lock);
	} SCRATCH_END;
	return ret;
}

static int maildir_mail_set_flags(struct backend_mailbox *bbox,
	uint32_t uid ATTR_UNUSED, const char *key, enum mail_flags flags,
	const char *const *keywords, unsigned int keywords_count,
	struct arena *arena, const char **new_key_r)
{
	const char *new_fname, *error;
	uint32_t bits;
	int ret;

	*new_key_r = NULL;
	if (maildir_backend_keywords_to_bits(bbox, keywords, keywords_count,
			false, &bits) < 0)
		return -1;
	SCRATCH_BEGIN {
		ret = maildir_set_flags(bbox->dir, maildir_key_fname(key),
			(enum maildir_flags)(flags & MAIL_FLAGS_STORE_MASK),
			bits, scratch_arena(), &new_fname, &error);
		if (ret < 0) {
			mail_storage_set_critical(bbox->storage, "%s", error);
		} else if (ret == 0) {
			mail_storage_set_error(bbox->storage,
				MAIL_ERROR_EXPUNGED, "Message was expunged");
		} else {
			const char *new_key = t_printf("cur/%s", new_fname);

			if (strcmp(new_key, key) != 0)
				*new_key_r = arena_strdup(arena, new_key);
		}
	} SCRATCH_END;
	return ret > 0 ? 0 : -1;
}

static bool maildir_keyword_is_storable(struct backend_mailbox *bbox,
	const char *name)
{
	const char *error;

	if (!maildir_keyword_name_is_valid(name))
		return false;
	SCRATCH_BEGIN {
		(void)maildir_keywords_read(bbox->kw, bbox->keywords_path,
			false, &error);
	} SCRATCH_END;
	return maildir_keywords_lookup(bbox->kw, name) >= 0 ||
		maildir_keywords_count(bbox->kw) < MAILDIR_MAX_KEYWORDS;
}

static int maildir_mail_expunge(struct backend_mailbox *bbox,
	uint32_t uid ATTR_UNUSED, const char *key, bool *existed_r)
{
	const char *error;
	int ret;

	SCRATCH_BEGIN {
		ret = maildir_expunge(bbox->dir, maildir_key_fname(key),
			&error);
		if (ret < 0)
			mail_storage_set_critical(bbox->storage, "%s", error);
	} SCRATCH_END;
	if (ret < 0)
		return -1;
	*existed_r = ret > 0;
	return 0;
}

const struct mail_backend_ops maildir_backend_ops = {
	.name = "maildir",
	.storage_init = maildir_storage_init,
	.storage_deinit = maildir_storage_deinit,
	.get_index_dir = maildir_get_index_dir,
	.name_is_valid = maildir_name_is_valid,
	.list = maildir_list,
	.mailbox_exists = maildir_mailbox_exists,
	.mailbox_create = maildir_mailbox_create,
	.mailbox_delete = maildir_mailbox_delete,
	.mailbox_rename = maildir_mailbox_rename,
	.mailbox_get_path = maildir_mailbox_get_path,
	.subscriptions_read = maildir_subscriptions_read_names,
	.subscription_set = maildir_subscription_set,
	.mailbox_open = maildir_mailbox_open,
	.mailbox_close = maildir_mailbox_close,
	.get_stamp = maildir_get_stamp,
	.stamp_check = maildir_stamp_check,
	.get_notify_dirs = maildir_get_notify_dirs,
	.has_new = maildir_has_new,
	.sync_scan = maildir_sync_scan,
	.mail_open = maildir_mail_open,
	.mail_get_received_date = maildir_mail_get_received_date,
	.mail_set_flags = maildir_mail_set_flags,
	.keyword_is_storable = maildir_keyword_is_storable,
	.mail_expunge = maildir_mail_expunge,
	.save_begin = maildir_backend_save_begin,
	.save_write = maildir_backend_save_write,
	.save_link = maildir_backend_save_link,
	.save_finish = maildir_backend_save_finish,
	.save_commit = maildir_backend_save_commit,
	.save_free = maildir_backend_save_free,
};
