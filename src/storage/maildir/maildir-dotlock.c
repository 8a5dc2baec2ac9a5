/*
 * maildir-dotlock.c - Dovecot-compatible dot-locking (see
 * maildir-dotlock.h for the protocol and the stale-lock rules).
 */
#include "lib.h"
#include "file.h"
#include "maildir-dotlock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#define LOCK_SUFFIX ".lock"
/* A lock younger than this naming our own pid isn't taken as stale. */
#define STALE_PID_CHECK_SECS 2
#define LOCK_MAX_WAIT_USECS (1000000U * 3)

struct maildir_dotlock {
	char *path;
	char *lock_path;
	int fd;
	dev_t dev;
	ino_t ino;
	/* ctime after our last change: a closed lock's inode number can be
	   reused by another process's new lock file. */
	struct timespec ctime;
};

/* What we last saw of the lock file and the protected file. */
struct change_info {
	bool seen;
	dev_t dev;
	ino_t ino;
	off_t size;
	time_t ctime, mtime;
};

struct lock_wait {
	const struct maildir_dotlock_settings *set;
	const char *path, *lock_path;
	struct change_info lock_info, file_info;
	time_t last_change;
	bool pid_read, have_pid;
	pid_t pid;
	time_t last_pid_check;
};

static const char *my_hostname(void)
{
	static char host[256];

	if (host[0] == '\0') {
		if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == '\0')
			i_strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
	}
	return host;
}

const char *maildir_dotlock_owner_string(struct arena *arena)
{
	return arena_printf(arena, "%ld:%s", (long)getpid(), my_hostname());
}

/* Returns true (and records it) when st differs from what we saw. */
static bool update_change_info(const struct stat *st, struct change_info *ci,
	time_t *last_change, time_t now)
{
	time_t change_time = now;

	if (ci->seen && ci->dev == st->st_dev && ci->ino == st->st_ino &&
	    ci->size == st->st_size && ci->ctime == st->st_ctime &&
	    ci->mtime == st->st_mtime)
		return false;
	if (!ci->seen) {
		/* First look: the file's own change time counts (its mtime
		   if newer than ctime and not in the future). */
		change_time = st->st_mtime <= now && st->st_mtime > st->st_ctime ?
			st->st_mtime : st->st_ctime;
	}
	if (*last_change < change_time)
		*last_change = change_time;
	ci->seen = true;
	ci->dev = st->st_dev;
	ci->ino = st->st_ino;
	ci->size = st->st_size;
	ci->ctime = st->st_ctime;
	ci->mtime = st->st_mtime;
	return true;
}

/* The pid of a "pid:host" lock owned by a process of this host, or -1. */
static pid_t read_local_pid(const char *lock_path)
{
	char buf[512], *host;
	ssize_t ret;
	long pid;
	char *end;
	int fd;

	fd = open(lock_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (ret <= 0)
		return -1;
	if (buf[ret - 1] == '\n')
		ret--;
	buf[ret] = '\0';
	host = strchr(buf, ':');
	if (host == NULL)
		return -1;
	*host++ = '\0';
	if (strcmp(host, my_hostname()) != 0)
		return -1;
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || end == buf || pid <= 0 ||
	    pid > INT_MAX)
		return -1;
	return (pid_t)pid;
}

/*
 * Looks at the existing lock.  Returns 1 when the lock is free (missing or
 * just removed as stale), 0 when someone holds it, -1 on error.
 */
static int check_lock(struct lock_wait *w, time_t now, const char **error_r)
{
	struct stat st;
	bool changed;

	if (lstat(w->lock_path, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = t_printf("lstat(%s) failed: %s", w->lock_path,
			strerror(errno));
		return -1;
	}
	changed = update_change_info(&st, &w->lock_info, &w->last_change, now);
	if (changed || !w->pid_read) {
		/* Our lock files appear complete (linked from a temp file),
		   and a half-written one of another program names no pid of
		   ours: another process's pid can be checked at once, so a
		   killed holder costs no wait.  Our own pid in a brand new
		   lock is most likely another session of this process. */
		w->pid = read_local_pid(w->lock_path);
		w->pid_read = true;
		w->have_pid = w->pid != -1;
		w->last_pid_check = now;
		if (w->have_pid && w->pid == getpid() &&
		    w->lock_info.mtime >= now - STALE_PID_CHECK_SECS) {
			w->pid_read = false;
			w->have_pid = false;
		}
	} else if (w->have_pid && w->last_pid_check != now) {
		/* Lock files may be recreated quickly with new pids. */
		w->pid = read_local_pid(w->lock_path);
		w->have_pid = w->pid != -1;
		w->last_pid_check = now;
	}

	if (w->have_pid) {
		if ((kill(w->pid, 0) == 0 || errno != ESRCH) &&
		    w->pid != getpid())
			return 0;
		/* The owner is gone (or it's our own stale pid): override,
		   unless the lock changed meanwhile. */
		if (lstat(w->lock_path, &st) < 0)
			return errno == ENOENT ? 1 : -1;
		if (update_change_info(&st, &w->lock_info, &w->last_change,
				now))
			return 0;
		if (unlink(w->lock_path) < 0 && errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %s",
				w->lock_path, strerror(errno));
			return -1;
		}
		return 1;
	}

	if (w->set->stale_timeout_secs == 0)
		return 0;
	if (now > w->last_change + (time_t)w->set->stale_timeout_secs) {
		/* Possibly stale: the protected file changing also counts
		   as activity. */
		if (stat(w->path, &st) == 0)
			(void)update_change_info(&st, &w->file_info,
				&w->last_change, now);
	}
	if (now > w->last_change + (time_t)w->set->stale_timeout_secs) {
		if (unlink(w->lock_path) < 0 && errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %s",
				w->lock_path, strerror(errno));
			return -1;
		}
		i_warning("Overriding stale dotlock %s", w->lock_path);
		return 1;
	}
	return 0;
}

/*
 * Creates a lock that carries its owner from the first instant: the
 * owner string is written to a private temp file that is then hard-linked
 * to the lock path (link() fails with EEXIST like O_EXCL does).  A process
 * killed half-way can so never leave an empty lock, which others could only
 * break after the stale timeout; at worst it leaves its temp file behind.
 */
static int try_create_with_pid(const struct lock_wait *w, int *fd_r,
	const char **error_r)
{
	const char *owner = maildir_dotlock_owner_string(scratch_arena());
	const char *tmp_path = t_printf("%s.%ld.tmp", w->lock_path,
		(long)getpid());
	int fd, ret;

	fd = open(tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
		w->set->mode == 0 ? 0600 : w->set->mode);
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %s", tmp_path,
			strerror(errno));
		return -1;
	}
	if (write_full(fd, owner, strlen(owner)) < 0) {
		*error_r = t_printf("write(%s) failed: %s", tmp_path,
			strerror(errno));
		close(fd);
		(void)unlink(tmp_path);
		return -1;
	}
	ret = link(tmp_path, w->lock_path);
	if (ret < 0 && errno != EEXIST) {
		*error_r = t_printf("link(%s, %s) failed: %s", tmp_path,
			w->lock_path, strerror(errno));
	}
	(void)unlink(tmp_path);
	if (ret < 0) {
		close(fd);
		return errno == EEXIST ? 0 : -1;
	}
	*fd_r = fd;
	return 1;
}

static int try_create(const struct lock_wait *w, bool write_pid, int *fd_r,
	const char **error_r)
{
	int fd;

	if (write_pid)
		return try_create_with_pid(w, fd_r, error_r);
	fd = open(w->lock_path, O_RDWR | O_EXCL | O_CREAT | O_CLOEXEC,
		w->set->mode == 0 ? 0600 : w->set->mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		*error_r = t_printf("open(%s) failed: %s", w->lock_path,
			strerror(errno));
		return -1;
	}
	*fd_r = fd;
	return 1;
}

static int dotlock_create(const struct maildir_dotlock_settings *set,
	const char *path, bool write_pid, struct maildir_dotlock **lock_r,
	const char **error_r)
{
	struct lock_wait w;
	struct stat st;
	time_t now = time(NULL), max_wait;
	unsigned int wait_usecs = 100000 + (unsigned int)(rand() % 100000);
	time_t prev_last_change = 0;
	int ret, fd = -1;

	*lock_r = NULL;
	memset(&w, 0, sizeof(w));
	w.set = set;
	w.path = path;
	w.lock_path = t_printf("%s" LOCK_SUFFIX, path);
	max_wait = now + (time_t)set->timeout_secs;

	for (;;) {
		ret = check_lock(&w, now, error_r);
		if (ret < 0)
			return -1;
		if (ret > 0) {
			ret = try_create(&w, write_pid, &fd, error_r);
			if (ret < 0)
				return -1;
			if (ret > 0)
				break;
		}
		now = time(NULL);
		if (now >= max_wait) {
			errno = EAGAIN;
			*error_r = t_printf(
				"Timeout while waiting for lock %s",
				w.lock_path);
			return 0;
		}
		if (prev_last_change != w.last_change) {
			prev_last_change = w.last_change;
			wait_usecs = 100000 + (unsigned int)(rand() % 100000);
		} else if (wait_usecs < LOCK_MAX_WAIT_USECS) {
			wait_usecs += wait_usecs / 2;
		}
		usleep(I_MIN(wait_usecs, LOCK_MAX_WAIT_USECS));
		now = time(NULL);
	}

	if (fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s", w.lock_path,
			strerror(errno));
		close(fd);
		(void)unlink(w.lock_path);
		return -1;
	}
	*lock_r = i_new(struct maildir_dotlock, 1);
	(*lock_r)->path = i_strdup(path);
	(*lock_r)->lock_path = i_strdup(w.lock_path);
	(*lock_r)->dev = st.st_dev;
	(*lock_r)->ino = st.st_ino;
	(*lock_r)->ctime = st.st_ctim;
	if (write_pid) {
		close(fd);
		(*lock_r)->fd = -1;
	} else {
		(*lock_r)->fd = fd;
	}
	return 1;
}

int maildir_dotlock_create(const struct maildir_dotlock_settings *set,
	const char *path, struct maildir_dotlock **lock_r,
	const char **error_r)
{
	return dotlock_create(set, path, true, lock_r, error_r);
}

int maildir_dotlock_open(const struct maildir_dotlock_settings *set,
	const char *path, struct maildir_dotlock **lock_r,
	const char **error_r)
{
	return dotlock_create(set, path, false, lock_r, error_r);
}

int maildir_dotlock_get_fd(const struct maildir_dotlock *lock)
{
	return lock->fd;
}

const char *maildir_dotlock_get_lock_path(const struct maildir_dotlock *lock)
{
	return lock->lock_path;
}

int maildir_dotlock_touch(struct maildir_dotlock *lock)
{
	struct stat st;

	if (!maildir_dotlock_is_ours(lock)) {
		errno = ENOENT;
		return -1;
	}
	if (utimensat(AT_FDCWD, lock->lock_path, NULL, 0) < 0 ||
	    lstat(lock->lock_path, &st) < 0)
		return -1;
	lock->ctime = st.st_ctim;
	return 0;
}

bool maildir_dotlock_is_ours(const struct maildir_dotlock *lock)
{
	struct stat st, fst;

	if (lstat(lock->lock_path, &st) < 0)
		return false;
	if (st.st_dev != lock->dev || st.st_ino != lock->ino)
		return false;
	if (lock->fd != -1) {
		/* Our open fd pins the inode: the number can't be reused. */
		return fstat(lock->fd, &fst) == 0 && fst.st_ino == st.st_ino &&
			fst.st_dev == st.st_dev;
	}
	return st.st_ctim.tv_sec == lock->ctime.tv_sec &&
		st.st_ctim.tv_nsec == lock->ctime.tv_nsec;
}

static void dotlock_free(struct maildir_dotlock **_lock)
{
	struct maildir_dotlock *lock = *_lock;

	*_lock = NULL;
	if (lock->fd != -1)
		close(lock->fd);
	i_free(lock->path);
	i_free(lock->lock_path);
	i_free(lock);
}

int maildir_dotlock_delete(struct maildir_dotlock **_lock,
	const char **error_r)
{
	struct maildir_dotlock *lock = *_lock;
	struct stat st;
	int ret = 1;

	if (lstat(lock->lock_path, &st) < 0) {
		if (errno == ENOENT) {
			*error_r = t_printf("Our dotlock file %s was deleted",
				lock->lock_path);
			ret = 0;
		} else {
			*error_r = t_printf("lstat(%s) failed: %s",
				lock->lock_path, strerror(errno));
			ret = -1;
		}
	} else if (!maildir_dotlock_is_ours(lock)) {
		*error_r = t_printf("Our dotlock file %s was overridden",
			lock->lock_path);
		ret = 0;
	} else if (unlink(lock->lock_path) < 0 && errno != ENOENT) {
		*error_r = t_printf("unlink(%s) failed: %s", lock->lock_path,
			strerror(errno));
		ret = -1;
	}
	dotlock_free(_lock);
	return ret;
}

int maildir_dotlock_replace(struct maildir_dotlock **_lock, bool verify_owner,
	bool do_fsync, const char **error_r)
{
	struct maildir_dotlock *lock = *_lock;
	int ret = 0;

	if (verify_owner && !maildir_dotlock_is_ours(lock)) {
		*error_r = t_printf("Our dotlock file %s was overridden",
			lock->lock_path);
		errno = EEXIST;
		ret = -1;
	} else if (do_fsync && lock->fd != -1 && fsync(lock->fd) < 0) {
		*error_r = t_printf("fsync(%s) failed: %s", lock->lock_path,
			strerror(errno));
		ret = -1;
	} else if (rename(lock->lock_path, lock->path) < 0) {
		*error_r = t_printf("rename(%s, %s) failed: %s",
			lock->lock_path, lock->path, strerror(errno));
		ret = -1;
	} else if (do_fsync && fsync_dir(lock->path) < 0) {
		*error_r = t_printf("fsync(dir of %s) failed: %s", lock->path,
			strerror(errno));
		ret = -1;
	}
	/* On failure leave nothing of ours behind. */
	if (ret < 0 && maildir_dotlock_is_ours(lock))
		(void)unlink(lock->lock_path);
	dotlock_free(_lock);
	return ret;
}
