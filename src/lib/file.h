/*
 * file.h - safe file helpers.  All of them block (disk I/O): use them at
 * startup, in roostadm, or in worker processes, not in a busy event loop.
 */
#ifndef ROOST_FILE_H
#define ROOST_FILE_H

struct buf;

/*
 * Atomically replaces path with data: writes "<path>.tmp.<pid>" in the
 * same directory (O_EXCL|O_CLOEXEC; a stale temp file of that name is
 * removed first), gives it exactly mode (not masked by the umask), fsyncs
 * it (when do_fsync), renames it over path and fsyncs the directory (when
 * do_fsync).  On failure the old file is left untouched and the temp file
 * removed; 0 or -1 with error_r (e.g. "write(path.tmp.123) failed: No
 * space left on device").
 */
int file_write_atomic(const char *path, const void *data, size_t size,
	mode_t mode, bool do_fsync, const char **error_r);
/* Appends the whole file to out.  Fails (-1, error_r, errno EFBIG) when
   the file is larger than max bytes, or ENOBUFS when out's own max is
   hit; on failure out is as before. */
int file_read_all(const char *path, size_t max, struct buf *out,
	const char **error_r);
/* fsync() of the directory containing path (or path itself if a dir).
   0 or -1 (errno set). */
int fsync_dir(const char *dir);
/* mkdir -p with mode (masked by the umask, as mkdir) for each created
   component.  0 when path is (now) a directory, -1 with errno (ENOTDIR
   when it or a parent is something else). */
int mkdir_parents(const char *path, mode_t mode);
/* Writes all of data to a blocking fd, retrying on EINTR/short writes.
   0 or -1 (errno set). */
int write_full(int fd, const void *data, size_t size);

#endif
