/*
 * maildir-uidlist-file.c - reading, writing and locking dovecot-uidlist
 * (the protocol is described in maildir-uidlist.h).
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-dotlock.h"
#include "maildir-uidlist-private.h"
#include "maildir-util.h"

#include <fcntl.h>
#include <sys/stat.h>

void maildir_uidlist_set_file_identity(struct maildir_uidlist *ul,
	const struct stat *st)
{
	ul->have_file = true;
	ul->dev = st->st_dev;
	ul->ino = st->st_ino;
	ul->size = st->st_size;
	ul->mtime = st->st_mtim;
}

static bool identity_equals(const struct maildir_uidlist *ul,
	const struct stat *st)
{
	return ul->have_file && ul->dev == st->st_dev &&
		ul->ino == st->st_ino && ul->size == st->st_size &&
		ul->mtime.tv_sec == st->st_mtim.tv_sec &&
		ul->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int maildir_uidlist_has_changed(struct maildir_uidlist *ul, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		return ul->have_file ? 1 : 0;
	}
	return identity_equals(ul, &st) ? 0 : 1;
}

int maildir_uidlist_read(struct maildir_uidlist *ul, const char *path,
	const char **error_r)
{
	struct stat st;
	struct buf data;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			/* Keep UIDVALIDITY/next UID: a rewrite must not
			   reuse UIDs if the file was just deleted. */
			maildir_uidlist_clear_records(ul);
			ul->have_file = false;
			ul->recreate = true;
			return MAILDIR_UIDLIST_READ_MISSING;
		}
		*error_r = t_printf("open(%s) failed: %s", path,
			strerror(errno));
		return MAILDIR_UIDLIST_READ_ERROR;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s", path,
			strerror(errno));
		close(fd);
		return MAILDIR_UIDLIST_READ_ERROR;
	}
	if (st.st_size > MAILDIR_UIDLIST_MAX_SIZE) {
		*error_r = t_printf("Broken file %s: too large (%lld bytes)",
			path, (long long)st.st_size);
		close(fd);
		return MAILDIR_UIDLIST_READ_CORRUPT;
	}
	buf_init(&data, NULL, (size_t)st.st_size + 1,
		MAILDIR_UIDLIST_MAX_SIZE);
	ret = 0;
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*error_r = t_printf("read(%s) failed: %s", path,
				strerror(errno));
			ret = MAILDIR_UIDLIST_READ_ERROR;
			break;
		}
		if (n == 0)
			break;
		if (buf_append(&data, chunk, (size_t)n) < 0) {
			*error_r = t_printf("Broken file %s: too large", path);
			ret = MAILDIR_UIDLIST_READ_CORRUPT;
			break;
		}
	}
	close(fd);
	if (ret == 0) {
		const char *perror;

		ret = maildir_uidlist_parse(ul, buf_cstr(&data), data.used,
			&perror);
		if (ret > 0) {
			/* If it grew while we read, the next refresh reads
			   it again. */
			st.st_size = (off_t)data.used;
			maildir_uidlist_set_file_identity(ul, &st);
			ret = MAILDIR_UIDLIST_READ_OK;
		} else if (ret == 0) {
			ul->have_file = false;
			ret = MAILDIR_UIDLIST_READ_MISSING;
		} else {
			ul->have_file = false;
			*error_r = t_printf("Broken file %s %s", path, perror);
			ret = MAILDIR_UIDLIST_READ_CORRUPT;
		}
	}
	buf_free(&data);
	return ret;
}

int maildir_uidlist_refresh(struct maildir_uidlist *ul, const char *path,
	const char **error_r)
{
	int ret = maildir_uidlist_has_changed(ul, path);

	if (ret < 0) {
		*error_r = t_printf("stat(%s) failed: %s", path,
			strerror(errno));
		return MAILDIR_UIDLIST_READ_ERROR;
	}
	if (ret == 0)
		return ul->have_file ? MAILDIR_UIDLIST_READ_OK :
			MAILDIR_UIDLIST_READ_MISSING;
	return maildir_uidlist_read(ul, path, error_r);
}

static int uidlist_append(struct maildir_uidlist *ul, const char *path,
	bool do_fsync, const char **error_r)
{
	struct stat st;
	struct buf out;
	int fd, ret = 0;

	if (ul->written_count == 0) {
		/* The file has no records (a header only, or none): the
		   image to append would start with a second header.  Such a
		   file is small; rewrite it. */
		return 0;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	if (!identity_equals(ul, &st)) {
		/* Someone changed it behind our back: rewrite instead. */
		close(fd);
		return 0;
	}
	buf_init(&out, NULL, 4096, 0);
	if (maildir_uidlist_serialize(ul, &out, ul->written_count) < 0)
		i_panic("unbounded buffer refused data");
	if (write_full(fd, out.data, out.used) < 0) {
		*error_r = t_printf("write(%s) failed: %s", path,
			strerror(errno));
		ret = -1;
	} else if (do_fsync && fdatasync(fd) < 0) {
		*error_r = t_printf("fdatasync(%s) failed: %s", path,
			strerror(errno));
		ret = -1;
	} else if (fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s", path,
			strerror(errno));
		ret = -1;
	} else {
		ul->file_records += ul->recs.count - ul->written_count;
		ul->written_count = ul->recs.count;
		maildir_uidlist_set_file_identity(ul, &st);
		ret = 1;
	}
	buf_free(&out);
	close(fd);
	return ret;
}

static int uidlist_recreate(struct maildir_uidlist *ul, const char *path,
	mode_t mode, bool do_fsync, const char **error_r)
{
	const char *temp_path = t_printf("%s.tmp", path);
	struct stat st;
	struct buf out;
	int fd, ret = 0;

	/* We hold dovecot-uidlist.lock, so the fixed temp name is ours. */
	fd = open(temp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		*error_r = t_printf("open(%s, O_CREAT) failed: %s", temp_path,
			strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0) {
		*error_r = t_printf("fchmod(%s) failed: %s", temp_path,
			strerror(errno));
		ret = -1;
	}
	buf_init(&out, NULL, 4096 + (size_t)ul->recs.count * 64, 0);
	if (ret == 0 && maildir_uidlist_serialize(ul, &out, 0) < 0) {
		*error_r = "uidlist too large";
		ret = -1;
	}
	if (ret == 0 && write_full(fd, out.data, out.used) < 0) {
		*error_r = t_printf("write(%s) failed: %s", temp_path,
			strerror(errno));
		ret = -1;
	}
	if (ret == 0 && do_fsync && fdatasync(fd) < 0) {
		*error_r = t_printf("fdatasync(%s) failed: %s", temp_path,
			strerror(errno));
		ret = -1;
	}
	if (ret == 0 && rename(temp_path, path) < 0) {
		*error_r = t_printf("rename(%s, %s) failed: %s", temp_path,
			path, strerror(errno));
		ret = -1;
	}
	if (ret == 0 && fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s", path,
			strerror(errno));
		ret = -1;
	}
	if (ret == 0 && (size_t)st.st_size != out.used) {
		*error_r = t_printf("Maildir uidlist dotlock overridden: %s",
			path);
		ret = -1;
	}
	if (ret < 0)
		(void)unlink(temp_path);
	else {
		ul->version = MAILDIR_UIDLIST_VERSION;
		ul->written_count = ul->recs.count;
		ul->file_records = ul->recs.count;
		ul->recreate = false;
		maildir_uidlist_set_file_identity(ul, &st);
	}
	buf_free(&out);
	close(fd);
	return ret;
}

int maildir_uidlist_write(struct maildir_uidlist *ul, const char *path,
	mode_t mode, bool do_fsync, const char **error_r)
{
	int ret;

	if (!maildir_uidlist_need_recreate(ul)) {
		if (ul->written_count == ul->recs.count)
			return 0;
		ret = uidlist_append(ul, path, do_fsync, error_r);
		if (ret > 0)
			return 0;
		if (ret < 0) {
			ul->have_file = false;
			return -1;
		}
	}
	if (uidlist_recreate(ul, path, mode, do_fsync, error_r) < 0) {
		ul->have_file = false;
		return -1;
	}
	return 0;
}

int maildir_uidlist_lock(const char *dir, unsigned int timeout_secs,
	mode_t mode, struct maildir_dotlock **lock_r, const char **error_r)
{
	struct maildir_dotlock_settings set = {
		.timeout_secs = timeout_secs,
		.stale_timeout_secs = MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT,
		.mode = mode,
	};
	const char *path = t_printf("%s/" MAILDIR_UIDLIST_NAME, dir);
	int ret;

	ret = maildir_dotlock_create(&set, path, lock_r, error_r);
	if (ret < 0)
		*error_r = t_printf("file_dotlock_create(%s) failed: %s",
			path, *error_r);
	return ret;
}

void maildir_uidlist_unlock(struct maildir_dotlock **lock)
{
	const char *error;

	if (*lock == NULL)
		return;
	if (maildir_dotlock_delete(lock, &error) <= 0)
		i_warning("%s", error);
}
