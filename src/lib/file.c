/*
 * file.c - safe file helpers: atomic replacement (temp file in the same
 * directory, fsync, rename, fsync of the directory), bounded whole-file
 * reads, mkdir -p and full writes.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

int write_full(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t ret = write(fd, p, size);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (ret == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += ret;
		size -= (size_t)ret;
	}
	return 0;
}

int fsync_dir(const char *path)
{
	struct stat st;
	const char *dir = path;
	int fd, ret, saved_errno;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		char *copy = t_strdup(path);

		/* dirname() may modify its argument: give it a copy. */
		dir = t_strdup(dirname(copy));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return ret;
}

int mkdir_parents(const char *path, mode_t mode)
{
	struct stat st;
	const char *slash;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST) {
		if (stat(path, &st) < 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT)
		return -1;

	/* Create the parent first ("a/b//c/" style paths included). */
	slash = strrchr(path, '/');
	while (slash != NULL && slash > path && slash[1] == '\0')
		slash = memrchr(path, '/', (size_t)(slash - path));
	if (slash == NULL || slash == path) {
		errno = ENOENT;
		return -1;
	}
	if (mkdir_parents(t_strndup(path, (size_t)(slash - path)), mode) < 0)
		return -1;
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return -1;
}

int file_write_atomic(const char *path, const void *data, size_t size,
	mode_t mode, bool do_fsync, const char **error_r)
{
	const char *tmp = t_printf("%s.tmp.%ld", path, (long)getpid());
	const char *op;
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST) {
		/* Left behind by an earlier process with our pid. */
		if (unlink(tmp) < 0 && errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %m", tmp);
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	}
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %m", tmp);
		return -1;
	}
	/* The exact mode, whatever the umask. */
	if (fchmod(fd, mode) < 0) {
		op = "fchmod";
		goto fail;
	}
	if (write_full(fd, data, size) < 0) {
		op = "write";
		goto fail;
	}
	if (do_fsync && fsync(fd) < 0) {
		op = "fsync";
		goto fail;
	}
	if (close(fd) < 0) {
		/* NFS and quota errors may only show up here. */
		fd = -1;
		op = "close";
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		*error_r = t_printf("rename(%s, %s) failed: %m", tmp, path);
		(void)unlink(tmp);
		return -1;
	}
	if (do_fsync && fsync_dir(path) < 0) {
		/* The new file is in place; only its durability is unsure. */
		*error_r = t_printf("fsync_dir(%s) failed: %m", path);
		return -1;
	}
	return 0;

fail:
	*error_r = t_printf("%s(%s) failed: %m", op, tmp);
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	return -1;
}

int file_read_all(const char *path, size_t max, struct buf *out,
	const char **error_r)
{
	size_t start = out->used, total = 0;
	char chunk[8192];
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %m", path);
		return -1;
	}
	for (;;) {
		ssize_t ret = read(fd, chunk, sizeof(chunk));

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			*error_r = t_printf("read(%s) failed: %m", path);
			goto fail;
		}
		if (ret == 0)
			break;
		total += (size_t)ret;
		if (total > max) {
			errno = EFBIG;
			*error_r = t_printf(
				"File %s is too large (over %zu bytes)", path,
				max);
			goto fail;
		}
		if (buf_append(out, chunk, (size_t)ret) < 0) {
			errno = ENOBUFS;
			*error_r = t_printf(
				"File %s does not fit in the buffer", path);
			goto fail;
		}
	}
	close(fd);
	return 0;

fail:
	close(fd);
	/* Bad input changes nothing. */
	buf_truncate(out, start);
	return -1;
}
