/*
 * maildir-save.c - saving a message: write to tmp/ with line-end
 * conversion (mail_save_crlf), fsync per mail_fsync, then publish it in
 * new/ or cur/ under its final name with S= and W= (see maildir-ops.h).
 */
#include "lib.h"
#include "file.h"
#include "maildir-ops.h"
#include "maildir-save-private.h"

#include <fcntl.h>
#include <sys/stat.h>

struct maildir_save {
	char *dir;
	char *base;
	char *tmp_path;
	int fd;
	struct maildir_settings set;
	uint64_t size, vsize;
	/* A CR at the end of the last chunk, not yet written. */
	bool pending_cr;
	/* The last byte written was a CR (for W= counting). */
	bool last_was_cr;
};

struct maildir_save *maildir_save_begin(const char *dir,
	const struct maildir_settings *set, const char **error_r)
{
	struct maildir_save *save;
	unsigned int i;

	save = i_new(struct maildir_save, 1);
	save->dir = i_strdup(dir);
	save->set = *set;
	save->fd = -1;
	for (i = 0; i < 10 && save->fd == -1; i++) {
		SCRATCH_BEGIN {
			const char *base = maildir_filename_generate(
				scratch_arena());

			i_free(save->base);
			i_free(save->tmp_path);
			save->base = i_strdup(base);
			save->tmp_path = i_strdup_printf("%s/tmp/%s", dir,
				base);
		} SCRATCH_END;
		save->fd = open(save->tmp_path,
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			set->file_mode == 0 ? 0600 : set->file_mode);
		if (save->fd < 0 && errno != EEXIST)
			break;
	}
	if (save->fd < 0) {
		*error_r = t_printf("open(%s) failed: %s", save->tmp_path,
			strerror(errno));
		i_free(save->dir);
		i_free(save->base);
		i_free(save->tmp_path);
		i_free(save);
		return NULL;
	}
	if (fchmod(save->fd, set->file_mode == 0 ? 0600 : set->file_mode) < 0 ||
	    (set->file_gid != (gid_t)-1 &&
	     fchown(save->fd, (uid_t)-1, set->file_gid) < 0 &&
	     errno != EPERM)) {
		*error_r = t_printf("fchmod/fchown(%s) failed: %s",
			save->tmp_path, strerror(errno));
		maildir_save_abort(&save);
		return NULL;
	}
	return save;
}

static void save_count(struct maildir_save *save, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/* W= is the size with every line end as CRLF. */
		if (p[i] == '\n' && !save->last_was_cr)
			save->vsize += 2;
		else
			save->vsize++;
		save->last_was_cr = p[i] == '\r';
	}
	save->size += n;
}

int maildir_save_write(struct maildir_save *save, const void *data,
	size_t size, const char **error_r)
{
	const char *in = data;
	char out[8192 + 2];
	size_t i, o = 0;

	for (i = 0; i <= size; i++) {
		if (o >= sizeof(out) - 2 || (i == size && o > 0)) {
			if (write_full(save->fd, out, o) < 0) {
				*error_r = t_printf("write(%s) failed: %s",
					save->tmp_path, strerror(errno));
				return -1;
			}
			save_count(save, out, o);
			o = 0;
		}
		if (i == size)
			break;
		if (save->pending_cr) {
			save->pending_cr = false;
			if (in[i] == '\n') {
				/* CRLF */
				if (save->set.save_crlf)
					out[o++] = '\r';
				out[o++] = '\n';
				continue;
			}
			/* A lone CR is message data: keep it. */
			out[o++] = '\r';
		}
		if (in[i] == '\r') {
			save->pending_cr = true;
		} else if (in[i] == '\n') {
			if (save->set.save_crlf)
				out[o++] = '\r';
			out[o++] = '\n';
		} else {
			out[o++] = in[i];
		}
	}
	return 0;
}

uint64_t maildir_save_get_size(const struct maildir_save *save)
{
	return save->size + (save->pending_cr ? 1 : 0);
}

uint64_t maildir_save_get_vsize(const struct maildir_save *save)
{
	return save->vsize + (save->pending_cr ? 1 : 0);
}

static void save_free(struct maildir_save **_save)
{
	struct maildir_save *save = *_save;

	*_save = NULL;
	if (save->fd != -1)
		close(save->fd);
	i_free(save->dir);
	i_free(save->base);
	i_free(save->tmp_path);
	i_free(save);
}

void maildir_save_abort(struct maildir_save **_save)
{
	if (*_save == NULL)
		return;
	(void)unlink((*_save)->tmp_path);
	save_free(_save);
}

int maildir_save_finish(struct maildir_save **_save, time_t received,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **fname_r, bool *in_new_r, const char **error_r)
{
	struct maildir_save *save = *_save;

	if (save->pending_cr) {
		save->pending_cr = false;
		if (write_full(save->fd, "\r", 1) < 0) {
			*error_r = t_printf("write(%s) failed: %s",
				save->tmp_path, strerror(errno));
			maildir_save_abort(_save);
			return -1;
		}
		save_count(save, "\r", 1);
	}
	if (received != (time_t)-1) {
		struct timespec ts[2];

		ts[0].tv_sec = ts[1].tv_sec = received;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (futimens(save->fd, ts) < 0) {
			*error_r = t_printf("utime(%s) failed: %s",
				save->tmp_path, strerror(errno));
			maildir_save_abort(_save);
			return -1;
		}
	}
	if (save->set.fsync != MAILDIR_FSYNC_NEVER && fsync(save->fd) < 0) {
		*error_r = t_printf("fsync(%s) failed: %s", save->tmp_path,
			strerror(errno));
		maildir_save_abort(_save);
		return -1;
	}
	if (close(save->fd) < 0) {
		save->fd = -1;
		*error_r = t_printf("close(%s) failed: %s", save->tmp_path,
			strerror(errno));
		maildir_save_abort(_save);
		return -1;
	}
	save->fd = -1;
	if (maildir_publish_tmp(save->dir, save->base, save->tmp_path,
			save->size, save->vsize, flags, keywords,
			save->set.fsync != MAILDIR_FSYNC_NEVER, arena, fname_r,
			in_new_r, error_r) < 0) {
		if (*fname_r == NULL) {
			maildir_save_abort(_save);
			return -1;
		}
		/* the file is in place; report, but don't remove it */
		save_free(_save);
		return -1;
	}
	save_free(_save);
	return 0;
}

int maildir_publish_tmp(const char *dir, const char *base,
	const char *tmp_path, uint64_t size, uint64_t vsize,
	enum maildir_flags flags, uint32_t keywords, bool do_fsync,
	struct arena *arena, const char **fname_r, bool *in_new_r,
	const char **error_r)
{
	bool with_info = flags != 0 || keywords != 0;
	const char *dest, *dest_path;

	*fname_r = NULL;
	/* Without flags the message goes to new/, else to cur/ with them,
	   as Dovecot does. */
	dest = maildir_filename_build(scratch_arena(), base, size, vsize,
		with_info, flags, keywords);
	dest_path = t_printf("%s/%s/%s", dir, with_info ? "cur" : "new",
		dest);
	if (link(tmp_path, dest_path) < 0) {
		if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) {
			*error_r = t_printf("link(%s, %s) failed: %s",
				tmp_path, dest_path, strerror(errno));
			return -1;
		}
		/* No hard links on this file system. */
		if (rename(tmp_path, dest_path) < 0) {
			*error_r = t_printf("rename(%s, %s) failed: %s",
				tmp_path, dest_path, strerror(errno));
			return -1;
		}
	} else {
		(void)unlink(tmp_path);
	}
	*fname_r = arena_strdup(arena, dest);
	*in_new_r = !with_info;
	if (do_fsync && fsync_dir(dest_path) < 0) {
		*error_r = t_printf("fsync(dir of %s) failed: %s", dest_path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int maildir_copy_data(const char *src_dir, const char *src_fname,
	const char *dst_dir, const struct maildir_settings *set,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **dst_fname_r, bool *in_new_r, const char **error_r)
{
	struct maildir_save *save;
	const char *cur = src_fname;
	bool in_new = false;
	struct stat st;
	char buf[65536];
	unsigned int i;
	int fd = -1, ret;

	for (i = 0; i < 10 && fd == -1; i++) {
		const char *path = t_printf("%s/%s/%s", src_dir,
			in_new ? "new" : "cur", cur);

		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno != ENOENT) {
			*error_r = t_printf("open(%s) failed: %s", path,
				strerror(errno));
			return -1;
		}
		ret = maildir_find_file(src_dir, src_fname,
			i == 0 ? src_fname : NULL, scratch_arena(), &cur,
			&in_new, error_r);
		if (ret <= 0)
			return ret;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		*error_r = t_printf("Maildir %s: can't open %s", src_dir,
			src_fname);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	save = maildir_save_begin(dst_dir, set, error_r);
	if (save == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = t_printf("read(%s) failed: %s", cur,
				strerror(errno));
			close(fd);
			maildir_save_abort(&save);
			return -1;
		}
		if (n == 0)
			break;
		if (maildir_save_write(save, buf, (size_t)n, error_r) < 0) {
			close(fd);
			maildir_save_abort(&save);
			return -1;
		}
	}
	close(fd);
	if (maildir_save_finish(&save, st.st_mtime, flags, keywords, arena,
			dst_fname_r, in_new_r, error_r) < 0)
		return -1;
	return 1;
}
