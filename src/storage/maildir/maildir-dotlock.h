/*
 * maildir-dotlock.h - dot-locking compatible with Dovecot's file_dotlock, as
 * used for dovecot-uidlist.lock, dovecot-keywords.lock and
 * subscriptions.lock.
 *
 * A lock on <path> is the file <path>.lock created with O_EXCL (Dovecot's
 * default dotlock_use_excl=yes).  When created for locking only, it holds
 * "<pid>:<hostname>" so that another process on the same host can see that
 * the owner died.  A lock is stale, and is removed, when
 *   - it names our host and a pid that no longer exists (kill(pid, 0)
 *     fails with ESRCH) or, when older than 2 seconds, our own pid
 *     (Dovecot waits 2 seconds for any pid; our lock files are complete
 *     when they appear, so a killed holder costs no wait), or
 *   - neither it nor the protected file has changed (inode, size, mtime,
 *     ctime) for stale_timeout seconds.
 * Waiting polls with a random 0.1-0.2 s sleep growing to at most 3 s.
 * A lock opened with maildir_dotlock_open() is also the temporary file of an
 * atomic replace: write the new contents to its fd and call
 * maildir_dotlock_replace(), which renames it over <path>.
 * All functions block (sleep, disk I/O).
 */
#ifndef ROOST_MAILDIR_DOTLOCK_H
#define ROOST_MAILDIR_DOTLOCK_H

struct maildir_dotlock;

struct maildir_dotlock_settings {
	/* Seconds to wait for the lock; 0 = try once (non-blocking). */
	unsigned int timeout_secs;
	/* Seconds without change after which a lock is stale; 0 = never. */
	unsigned int stale_timeout_secs;
	/* Mode of the lock file (the umask applies). */
	mode_t mode;
};

/*
 * Creates <path>.lock containing "<pid>:<host>".  Returns 1 when locked
 * (*lock_r set), 0 on timeout (errno EAGAIN, error_r says who holds it),
 * -1 on error (error_r, errno kept; ENOENT when the directory is missing).
 */
int maildir_dotlock_create(const struct maildir_dotlock_settings *set,
	const char *path, struct maildir_dotlock **lock_r,
	const char **error_r);
/*
 * Like maildir_dotlock_create() but leaves the lock file empty and keeps it
 * open for writing: maildir_dotlock_get_fd() returns the fd.
 */
int maildir_dotlock_open(const struct maildir_dotlock_settings *set,
	const char *path, struct maildir_dotlock **lock_r,
	const char **error_r);

/* The open fd of a lock from maildir_dotlock_open(), else -1. */
int maildir_dotlock_get_fd(const struct maildir_dotlock *lock);
/* "<path>.lock" of this lock; valid until the lock is freed. */
const char *maildir_dotlock_get_lock_path(const struct maildir_dotlock *lock);

/*
 * Updates the lock file's mtime so that others don't consider it stale
 * during a long operation.  0, or -1 with errno (ENOENT: it was removed).
 */
int maildir_dotlock_touch(struct maildir_dotlock *lock);

/*
 * True when <path>.lock is still the file we created (same inode).
 */
bool maildir_dotlock_is_ours(const struct maildir_dotlock *lock);

/*
 * Removes the lock and frees it (*lock set to NULL).  Returns 1, or 0 when
 * the lock had already been deleted or overridden by someone else (then
 * the other process's lock is left alone and error_r says so), -1 on error.
 */
int maildir_dotlock_delete(struct maildir_dotlock **lock,
	const char **error_r);

/*
 * Renames <path>.lock over <path> (after an fsync when do_fsync) and frees
 * the lock.  With verify_owner, first checks the lock is still ours and
 * fails (-1, errno EEXIST... error_r "was overridden") otherwise.  The fd
 * is closed.  0 or -1.
 */
int maildir_dotlock_replace(struct maildir_dotlock **lock, bool verify_owner,
	bool do_fsync, const char **error_r);

/* The "pid:host" string we write into lock files (host from
   gethostname(), as Dovecot's my_hostname). */
const char *maildir_dotlock_owner_string(struct arena *arena);

#endif
