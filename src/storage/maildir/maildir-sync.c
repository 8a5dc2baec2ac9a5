/*
 * maildir-sync.c - synchronising dovecot-uidlist with the files of a
 * folder under dovecot-uidlist.lock (see maildir_sync() in maildir-ops.h).
 */
#include "lib.h"
#include "array.h"
#include "hash.h"
#include "maildir-dotlock.h"
#include "maildir-ops.h"
#include "maildir-uidlist.h"

#include <sys/stat.h>

static int scan_cmp(const void *p1, const void *p2)
{
	const struct maildir_scan_file *const *f1 = p1, *const *f2 = p2;

	return maildir_filename_sort_cmp((*f1)->fname, (*f2)->fname);
}

/* Base name -> scan entry for the files found. */
static struct hash_table *index_files(struct arena *arena,
	struct maildir_scan_file *files, unsigned int count)
{
	struct hash_table *h = hash_create(false);
	unsigned int i;

	for (i = 0; i < count; i++) {
		const char *base = maildir_filename_get_base(arena,
			files[i].fname);
		const char *p = strchr(base, ':');

		if (p != NULL)
			base = arena_strndup(arena, base, (size_t)(p - base));
		/* A base name in both new/ and cur/: keep cur/'s. */
		if (hash_get(h, base) == NULL || !files[i].in_new)
			hash_set(h, base, &files[i]);
	}
	return h;
}

struct sync_state {
	struct maildir_scan_file *files;
	unsigned int count;
	struct hash_table *by_base;
	struct arena *arena;
};

static struct maildir_scan_file *
sync_lookup(struct sync_state *st, const char *fname)
{
	struct maildir_scan_file *f;
	const char *p = strchr(fname, ':');

	SCRATCH_BEGIN {
		f = hash_get(st->by_base, p == NULL ? fname :
			t_strndup(fname, (size_t)(p - fname)));
	} SCRATCH_END;
	return f;
}

static int sync_locked(const char *dir, const char *uidvalidity_root,
	struct maildir_uidlist *ul, const struct maildir_settings *set,
	bool move_new_to_cur, struct sync_state *st, uint32_t *first_new_uid_r,
	const char **error_r)
{
	const char *path = t_printf("%s/" MAILDIR_UIDLIST_NAME, dir);
	struct maildir_scan_file **newfiles;
	unsigned int i, new_count = 0;
	int ret;

	ret = maildir_uidlist_refresh(ul, path, error_r);
	if (ret == MAILDIR_UIDLIST_READ_ERROR)
		return -1;
	if (ret == MAILDIR_UIDLIST_READ_CORRUPT) {
		/* As Dovecot: log, delete and rebuild (the UIDVALIDITY
		   survives when the header was readable). */
		i_error("%s", *error_r);
		if (unlink(path) < 0 && errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %s", path,
				strerror(errno));
			return -1;
		}
		maildir_uidlist_set_recreate(ul);
	}
	*first_new_uid_r = maildir_uidlist_get_next_uid(ul);
	if (maildir_scan(dir, st->arena, &st->files, &st->count,
			error_r) < 0)
		return -1;
	if (move_new_to_cur) {
		for (i = 0; i < st->count; i++) {
			const char *newname;

			if (!st->files[i].in_new)
				continue;
			ret = maildir_move_new_to_cur(dir, st->files[i].fname,
				st->arena, &newname, error_r);
			if (ret < 0)
				return -1;
			if (ret > 0)
				st->files[i].fname = newname;
			/* Moved by someone else: it's in cur/ now too. */
			st->files[i].in_new = false;
		}
	}
	st->by_base = index_files(st->arena, st->files, st->count);

	/* Records whose files are gone were expunged. */
	for (i = maildir_uidlist_count(ul); i > 0; i--) {
		const struct maildir_uidlist_rec *rec =
			maildir_uidlist_rec_at(ul, i - 1);
		struct maildir_scan_file *f = sync_lookup(st, rec->filename);

		if (f == NULL)
			(void)maildir_uidlist_remove(ul, rec->uid);
		else
			(void)maildir_uidlist_update_filename(ul, f->fname);
	}
	/* New files get UIDs in Dovecot's order. */
	newfiles = arena_new(st->arena, struct maildir_scan_file *,
		st->count + 1);
	for (i = 0; i < st->count; i++) {
		if (sync_lookup(st, st->files[i].fname) == &st->files[i] &&
		    maildir_uidlist_lookup_filename(ul, st->files[i].fname) ==
			    NULL)
			newfiles[new_count++] = &st->files[i];
	}
	qsort(newfiles, new_count, sizeof(*newfiles), scan_cmp);
	for (i = 0; i < new_count; i++) {
		uint32_t uid;

		if (maildir_uidlist_add(ul, newfiles[i]->fname, &uid,
				error_r) < 0)
			return -1;
	}
	if (maildir_uidlist_get_uid_validity(ul) == 0) {
		maildir_uidlist_set_uid_validity(ul,
			maildir_uidvalidity_next(uidvalidity_root,
				set->file_mode));
	}
	return maildir_uidlist_write(ul, path, set->file_mode,
		set->fsync != MAILDIR_FSYNC_NEVER, error_r);
}

/*
 * The common case without dovecot-uidlist.lock: re-reads the uidlist and
 * scans the folder unlocked, and keeps the result only when the sync would
 * change nothing (every file has a UID, every record its file, nothing to
 * move or write), as Dovecot reads the uidlist unlocked until it finds new
 * files.  Any difference (also one caused by a change racing the reads:
 * the uidlist is replaced by rename() or appended with whole lines, an
 * unfinished last line is ignored) or error returns 0 with st emptied, and
 * the caller syncs under the lock.  1 when the unlocked result stands.
 * Saves a lock file created and deleted per sync (an inode allocation,
 * expensive on ext4 with many recently deleted inodes).
 */
static int sync_unlocked(const char *dir, struct maildir_uidlist *ul,
	bool move_new_to_cur, struct sync_state *st, uint32_t *first_new_uid_r)
{
	const char *path = t_printf("%s/" MAILDIR_UIDLIST_NAME, dir);
	const char *error;
	unsigned int i;
	bool complete = true;

	if (maildir_uidlist_refresh(ul, path, &error) !=
		    MAILDIR_UIDLIST_READ_OK ||
	    maildir_uidlist_get_uid_validity(ul) == 0 ||
	    !maildir_uidlist_is_written(ul))
		return 0;
	*first_new_uid_r = maildir_uidlist_get_next_uid(ul);
	if (maildir_scan(dir, st->arena, &st->files, &st->count,
			&error) < 0) {
		st->files = NULL;
		st->count = 0;
		return 0;
	}
	for (i = 0; i < st->count && move_new_to_cur; i++) {
		if (st->files[i].in_new)
			complete = false;
	}
	if (complete) {
		st->by_base = index_files(st->arena, st->files, st->count);
		for (i = maildir_uidlist_count(ul); i > 0 && complete; i--) {
			const struct maildir_uidlist_rec *rec =
				maildir_uidlist_rec_at(ul, i - 1);

			if (sync_lookup(st, rec->filename) == NULL)
				complete = false;
		}
		for (i = 0; i < st->count && complete; i++) {
			if (sync_lookup(st, st->files[i].fname) ==
				    &st->files[i] &&
			    maildir_uidlist_lookup_filename(ul,
				    st->files[i].fname) == NULL)
				complete = false;
		}
	}
	if (complete) {
		/* the records' current names (flags changed by renames) */
		for (i = 0; i < st->count; i++) {
			if (sync_lookup(st, st->files[i].fname) ==
			    &st->files[i])
				(void)maildir_uidlist_update_filename(ul,
					st->files[i].fname);
		}
		return 1;
	}
	if (st->by_base != NULL)
		hash_destroy(&st->by_base);
	st->files = NULL;
	st->count = 0;
	return 0;
}

int maildir_sync(const char *dir, const char *uidvalidity_root,
	struct maildir_uidlist *ul, const struct maildir_settings *set,
	bool move_new_to_cur, struct arena *arena,
	struct maildir_sync_rec **recs_r, unsigned int *count_r,
	const char **error_r)
{
	struct maildir_dotlock *lock;
	struct sync_state st;
	unsigned int i, n;
	uint32_t first_new_uid;
	int ret;

	memset(&st, 0, sizeof(st));
	st.arena = arena_create("maildir sync", 4096);
	ret = sync_unlocked(dir, ul, move_new_to_cur, &st, &first_new_uid);
	if (ret == 0) {
		ret = maildir_uidlist_lock(dir, set->lock_timeout_secs,
			set->file_mode, &lock, error_r);
		if (ret <= 0) {
			if (ret == 0)
				*error_r = t_printf("Timeout while waiting "
					"for lock %s/" MAILDIR_UIDLIST_NAME
					".lock", dir);
			arena_destroy(&st.arena);
			return -1;
		}
		first_new_uid = maildir_uidlist_get_next_uid(ul);
		ret = sync_locked(dir, uidvalidity_root, ul, set,
			move_new_to_cur, &st, &first_new_uid, error_r);
		maildir_uidlist_unlock(&lock);
	} else {
		ret = 0;
	}
	if (ret < 0) {
		*error_r = t_strdup(*error_r);
		if (st.by_base != NULL)
			hash_destroy(&st.by_base);
		arena_destroy(&st.arena);
		return -1;
	}

	n = maildir_uidlist_count(ul);
	*recs_r = arena_new(arena, struct maildir_sync_rec, n + 1);
	*count_r = 0;
	for (i = 0; i < n; i++) {
		const struct maildir_uidlist_rec *rec =
			maildir_uidlist_rec_at(ul, i);
		struct maildir_scan_file *f = sync_lookup(&st, rec->filename);
		struct maildir_sync_rec *r;
		struct maildir_filename fn;
		const char *perror;

		if (f == NULL)
			continue;
		r = &(*recs_r)[(*count_r)++];
		r->uid = rec->uid;
		r->fname = arena_strdup(arena, f->fname);
		r->in_new = f->in_new;
		r->is_new = rec->uid >= first_new_uid;
		if (maildir_filename_parse(f->fname, &fn, &perror) == 0) {
			r->flags = fn.flags;
			r->keywords = fn.keywords;
		}
	}
	hash_destroy(&st.by_base);
	arena_destroy(&st.arena);
	return 0;
}
