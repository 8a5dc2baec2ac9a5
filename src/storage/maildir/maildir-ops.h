/*
 * maildir-ops.h - operations on the messages of one Maildir folder:
 * scanning new/ and cur/, moving new -> cur, changing flags by rename,
 * expunging, saving through tmp/, copying with hard links, and the
 * uidlist synchronisation that gives every file a UID.
 *
 * Files can be renamed or removed by other processes (Dovecot, a MUA, an
 * MDA) at any time.  Operations that name a file therefore retry: when the
 * name is gone they look for the same base name in cur/ and new/ and try
 * again, as Dovecot's maildir_file_do() does; a base name found nowhere is
 * an expunged message (return 0, not an error).
 * Everything blocks on disk I/O.
 */
#ifndef ROOST_MAILDIR_OPS_H
#define ROOST_MAILDIR_OPS_H

#include "maildir-filename.h"

struct maildir_uidlist;
struct maildir_keywords;

/* mail_fsync */
enum maildir_fsync_mode {
	MAILDIR_FSYNC_OPTIMIZED = 0, /* default: fsync what acknowledges */
	MAILDIR_FSYNC_ALWAYS,
	MAILDIR_FSYNC_NEVER,
};

struct maildir_settings {
	/* mail_save_crlf (default no): store CRLF line ends, else LF. */
	bool save_crlf;
	/* mail_fsync (default optimized). */
	enum maildir_fsync_mode fsync;
	/* maildir_copy_with_hardlinks (default yes). */
	bool copy_with_hardlinks;
	/* maildir_very_dirty_syncs (default no): see docs/maildir.md; these
	   functions don't use it, the caller's sync policy does. */
	bool very_dirty_syncs;
	/* Mode/group of new message files (maildir_permissions). */
	mode_t file_mode;
	gid_t file_gid; /* (gid_t)-1 = leave */
	/* Wait for dovecot-uidlist.lock (seconds; Dovecot: 122). */
	unsigned int lock_timeout_secs;
};

/* Dovecot 2.3 defaults, file mode 0600, lock wait 122 s. */
void maildir_settings_init(struct maildir_settings *set);

/* mail_fsync value -> mode; -1 for an unknown value. */
int maildir_fsync_mode_parse(const char *value, enum maildir_fsync_mode *mode_r);

/* One message file found by a scan. */
struct maildir_scan_file {
	const char *fname;
	bool in_new;
};

/*
 * Reads new/ and cur/ of dir.  Skips names starting with '.', names that
 * aren't valid message names (control characters, as Dovecot's "Ignoring a
 * file with #0x.." warning) and, when readdir says so, directories; there
 * is no stat() per file.  Files are returned new/ first, in readdir order,
 * from arena.  0, or -1 with error_r (a missing new/ or cur/ is an error
 * with errno ENOENT: the folder was deleted).
 */
int maildir_scan(const char *dir, struct arena *arena,
	struct maildir_scan_file **files_r, unsigned int *count_r,
	const char **error_r);

/*
 * Finds the current name of the message with base name (or any name with
 * that base).  Tries <dir>/cur/<hint> and <dir>/new/<hint> with stat() when
 * hint is given, then scans.  Returns 1 found (*fname_r from arena,
 * *in_new_r), 0 not found (expunged), -1 error.
 */
int maildir_find_file(const char *dir, const char *base_or_fname,
	const char *hint, struct arena *arena, const char **fname_r,
	bool *in_new_r, const char **error_r);

/*
 * Moves new/<fname> to cur/<fname with ":2,<flags>"> (flags from the name,
 * if it had any), as Dovecot does when it has seen a new message.
 * Returns 1 moved (*new_fname_r), 0 when new/<fname> is gone (someone else
 * moved or expunged it), -1 error.
 */
int maildir_move_new_to_cur(const char *dir, const char *fname,
	struct arena *arena, const char **new_fname_r, const char **error_r);

/*
 * Gives the message whose last known name is fname (in new/ or cur/) the
 * flags and keywords (letters bit mask); the file ends up in cur/ with
 * a name built by maildir_filename_set_flags().  When the rename finds the
 * file gone, the folder is rescanned for the base name and the rename
 * retried (a few times).  Returns 1 done (*new_fname_r, unchanged when
 * already so), 0 expunged, -1 error.
 */
int maildir_set_flags(const char *dir, const char *fname,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **new_fname_r, const char **error_r);

/*
 * Unlinks the message (looked up again by base name if renamed
 * meanwhile).  1 expunged, 0 already gone, -1 error.
 */
int maildir_expunge(const char *dir, const char *fname, const char **error_r);

/* Saving: write to tmp/, then publish in new/ or cur/. */
struct maildir_save;

/*
 * Starts a new file in <dir>/tmp with a generated base name (O_EXCL).
 * NULL with error_r on failure.
 */
struct maildir_save *maildir_save_begin(const char *dir,
	const struct maildir_settings *set, const char **error_r);
/*
 * Appends message data.  Line ends are converted: to LF (the default) or,
 * with save_crlf, to CRLF; a lone CR is kept.  The virtual size (W=) counts
 * every line end as CRLF.  0, or -1 with error_r.
 */
int maildir_save_write(struct maildir_save *save, const void *data,
	size_t size, const char **error_r);
/*
 * Finishes: sets the mtime (INTERNALDATE) when received != (time_t)-1,
 * fsyncs per mail_fsync, and links the file into new/ (no flags and no
 * keywords) or cur/ (with ":2,<flags>"), named
 * "<base>,S=<size>,W=<vsize>[:2,<flags>]", removes the tmp/ file and fsyncs
 * the directory per mail_fsync.  Frees save.  Returns 0 with *fname_r
 * (from arena) and *in_new_r, or -1 with error_r (nothing left behind).
 */
int maildir_save_finish(struct maildir_save **save, time_t received,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **fname_r, bool *in_new_r, const char **error_r);
/* Abandons the save and removes the tmp/ file. */
void maildir_save_abort(struct maildir_save **save);
/* The message size so far (S=) and virtual size (W=). */
uint64_t maildir_save_get_size(const struct maildir_save *save);
uint64_t maildir_save_get_vsize(const struct maildir_save *save);

/*
 * Copies message src_fname of src_dir into dst_dir with the given flags
 * and keywords.  With copy_with_hardlinks the file is hard-linked to a new
 * unique base name in tmp/ and published from there like a save (S= and W=
 * from the source's name, S= from the file when it has none), as Dovecot
 * does, so a folder never holds one base name twice (not even with the
 * copy in the source's own folder); when linking isn't possible (EXDEV,
 * EPERM, EMLINK...) or disabled, the data is copied through tmp/.  Returns 1
 * copied (*dst_fname_r, *in_new_r), 0 when the source is expunged, -1
 * error.
 */
int maildir_copy(const char *src_dir, const char *src_fname,
	const char *dst_dir, const struct maildir_settings *set,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **dst_fname_r, bool *in_new_r, const char **error_r);

/* One message after maildir_sync(). */
struct maildir_sync_rec {
	uint32_t uid;
	const char *fname;
	bool in_new;  /* was in new/ (\Recent candidate) */
	bool is_new;  /* got its UID in this sync */
	enum maildir_flags flags;
	uint32_t keywords;
};

/*
 * Synchronises the folder's dovecot-uidlist with its files: locks
 * dovecot-uidlist.lock, re-reads the uidlist (a corrupt one is logged,
 * removed and rebuilt keeping its UIDVALIDITY when readable), scans new/
 * and cur/, optionally moves new/ files to cur/, gives files without a UID
 * the next UIDs in Dovecot's order (maildir_filename_sort_cmp), drops
 * records whose files are gone, writes the uidlist (creating it with
 * uidvalidity from maildir_uidvalidity_next(uidvalidity_root) if new) and
 * unlocks.  ul must be the folder's list object (kept between syncs).
 * Returns the messages sorted by UID (from arena), 0, or -1 with error_r.
 */
int maildir_sync(const char *dir, const char *uidvalidity_root,
	struct maildir_uidlist *ul, const struct maildir_settings *set,
	bool move_new_to_cur, struct arena *arena,
	struct maildir_sync_rec **recs_r, unsigned int *count_r,
	const char **error_r);

#endif
