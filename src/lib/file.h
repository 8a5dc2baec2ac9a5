/*
 * file.h - safe file helpers.
 */
#ifndef ROOST_FILE_H
#define ROOST_FILE_H

struct buf;

/*
 * Atomically replaces path with data: writes "<path>.tmp.<pid>" in the
 * same directory, fsyncs it (when do_fsync), renames it over path and
 * fsyncs the directory (when do_fsync).  On failure the old file is left
 * untouched and the temp file removed.
 */
int file_write_atomic(const char *path, const void *data, size_t size,
	mode_t mode, bool do_fsync, const char **error_r);
/* Appends the whole file to out; fails with EFBIG-style error over max. */
int file_read_all(const char *path, size_t max, struct buf *out,
	const char **error_r);
/* fsync() of the directory containing path (or path itself if a dir). */
int fsync_dir(const char *dir);
/* mkdir -p with mode for each created component. */
int mkdir_parents(const char *path, mode_t mode);
/* Writes all of data to a blocking fd, retrying on EINTR/short writes. */
int write_full(int fd, const void *data, size_t size);

#endif
