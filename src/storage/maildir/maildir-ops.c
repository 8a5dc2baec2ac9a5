/*
 * maildir-ops.c - scanning a folder and changing its message files:
 * new -> cur, flags by rename, expunge, copy (see maildir-ops.h).  Saving
 * is in maildir-save.c, the uidlist sync in maildir-sync.c.
 */
#include "lib.h"
#include "array.h"
#include "file.h"
#include "maildir-ops.h"
#include "maildir-save-private.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

/* How often a rename/unlink is retried after the file moved away. */
#define MAILDIR_RENAME_RETRY_COUNT 10

void maildir_settings_init(struct maildir_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->save_crlf = false;
	set->fsync = MAILDIR_FSYNC_OPTIMIZED;
	set->copy_with_hardlinks = true;
	set->very_dirty_syncs = false;
	set->file_mode = 0600;
	set->file_gid = (gid_t)-1;
	set->lock_timeout_secs = 120 + 2;
}

int maildir_fsync_mode_parse(const char *value, enum maildir_fsync_mode *mode_r)
{
	if (strcmp(value, "optimized") == 0)
		*mode_r = MAILDIR_FSYNC_OPTIMIZED;
	else if (strcmp(value, "always") == 0)
		*mode_r = MAILDIR_FSYNC_ALWAYS;
	else if (strcmp(value, "never") == 0)
		*mode_r = MAILDIR_FSYNC_NEVER;
	else
		return -1;
	return 0;
}

struct scan_array {
	ARRAY(struct maildir_scan_file) arr;
};

static int scan_dir(const char *dir, bool in_new, struct arena *arena,
	struct scan_array *files, const char **error_r)
{
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		*error_r = t_printf("opendir(%s) failed: %s", dir,
			strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct maildir_scan_file *f;
		const unsigned char *p;

		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		for (p = (const unsigned char *)de->d_name; *p != '\0'; p++) {
			if (*p == '\r' || *p == '\n')
				break;
		}
		if (*p != '\0' || !maildir_filename_is_valid(de->d_name)) {
			i_warning("Maildir %s: Ignoring a file with #0x%x: %s",
				dir, *p, de->d_name);
			continue;
		}
		f = array_append_space(&files->arr);
		f->fname = arena_strdup(arena, de->d_name);
		f->in_new = in_new;
	}
	closedir(d);
	return 0;
}

int maildir_scan(const char *dir, struct arena *arena,
	struct maildir_scan_file **files_r, unsigned int *count_r,
	const char **error_r)
{
	struct scan_array files;

	array_init(&files.arr, arena, 64);
	if (scan_dir(t_printf("%s/new", dir), true, arena, &files,
			error_r) < 0 ||
	    scan_dir(t_printf("%s/cur", dir), false, arena, &files,
			error_r) < 0)
		return -1;
	*files_r = files.arr.v;
	*count_r = files.arr.count;
	return 0;
}

int maildir_find_file(const char *dir, const char *base_or_fname,
	const char *hint, struct arena *arena, const char **fname_r,
	bool *in_new_r, const char **error_r)
{
	static const char *const subdirs[] = { "cur", "new" };
	struct stat st;
	unsigned int i;

	if (hint != NULL && maildir_filename_is_valid(hint)) {
		for (i = 0; i < N_ELEMENTS(subdirs); i++) {
			if (stat(t_printf("%s/%s/%s", dir, subdirs[i], hint),
				 &st) == 0) {
				*fname_r = arena_strdup(arena, hint);
				*in_new_r = i == 1;
				return 1;
			}
		}
	}
	for (i = 0; i < N_ELEMENTS(subdirs); i++) {
		const char *path = t_printf("%s/%s", dir, subdirs[i]);
		struct dirent *de;
		DIR *d = opendir(path);

		if (d == NULL) {
			*error_r = t_printf("opendir(%s) failed: %s", path,
				strerror(errno));
			return -1;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] != '.' &&
			    maildir_filename_base_cmp(de->d_name,
				    base_or_fname) == 0) {
				*fname_r = arena_strdup(arena, de->d_name);
				*in_new_r = i == 1;
				closedir(d);
				return 1;
			}
		}
		closedir(d);
	}
	return 0;
}

int maildir_move_new_to_cur(const char *dir, const char *fname,
	struct arena *arena, const char **new_fname_r, const char **error_r)
{
	struct maildir_filename fn;
	const char *dest, *src_path, *dest_path;

	if (maildir_filename_parse(fname, &fn, error_r) < 0)
		return -1;
	/* Keep the name as it is when it already has an info part. */
	dest = fn.has_info ? fname :
		arena_printf(scratch_arena(), "%s:2,", fname);
	src_path = t_printf("%s/new/%s", dir, fname);
	dest_path = t_printf("%s/cur/%s", dir, dest);
	if (rename(src_path, dest_path) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_printf("rename(%s, %s) failed: %s", src_path,
			dest_path, strerror(errno));
		return -1;
	}
	*new_fname_r = arena_strdup(arena, dest);
	return 1;
}

int maildir_set_flags(const char *dir, const char *fname,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **new_fname_r, const char **error_r)
{
	const char *cur = fname;
	bool in_new = false;
	unsigned int i;

	if (!maildir_filename_is_valid(fname)) {
		*error_r = t_printf("Invalid file name: %s", fname);
		return -1;
	}
	for (i = 0; i < MAILDIR_RENAME_RETRY_COUNT; i++) {
		const char *dest = maildir_filename_set_flags(scratch_arena(),
			cur, flags, keywords);
		const char *src_path = t_printf("%s/%s/%s", dir,
			in_new ? "new" : "cur", cur);
		const char *dest_path = t_printf("%s/cur/%s", dir, dest);
		int ret;

		if (strcmp(src_path, dest_path) == 0) {
			struct stat st;

			if (stat(src_path, &st) == 0) {
				*new_fname_r = arena_strdup(arena, dest);
				return 1;
			}
		} else if (rename(src_path, dest_path) == 0) {
			*new_fname_r = arena_strdup(arena, dest);
			return 1;
		}
		if (errno != ENOENT) {
			*error_r = t_printf("rename(%s, %s) failed: %s",
				src_path, dest_path, strerror(errno));
			return -1;
		}
		/* Renamed or moved meanwhile: find its current name. */
		ret = maildir_find_file(dir, fname, i == 0 ? fname : NULL,
			scratch_arena(), &cur, &in_new, error_r);
		if (ret <= 0)
			return ret;
	}
	*error_r = t_printf("Maildir %s: file %s keeps being renamed", dir,
		fname);
	return -1;
}

int maildir_expunge(const char *dir, const char *fname, const char **error_r)
{
	const char *cur = fname;
	bool in_new = false;
	unsigned int i;

	for (i = 0; i < MAILDIR_RENAME_RETRY_COUNT; i++) {
		const char *path = t_printf("%s/%s/%s", dir,
			in_new ? "new" : "cur", cur);
		int ret;

		if (unlink(path) == 0)
			return 1;
		if (errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %s", path,
				strerror(errno));
			return -1;
		}
		ret = maildir_find_file(dir, fname, i == 0 ? fname : NULL,
			scratch_arena(), &cur, &in_new, error_r);
		if (ret <= 0)
			return ret;
	}
	*error_r = t_printf("Maildir %s: file %s keeps being renamed", dir,
		fname);
	return -1;
}

/* Hard-links src_path to a new unique name in <dst_dir>/tmp: 1 linked
   (*base_r, *tmp_path_r from arena), 0 linking isn't possible (the
   caller copies the data; errno says why), -1 when the source is gone
   (errno ENOENT). */
static int copy_link_tmp(const char *src_path, const char *dst_dir,
	struct arena *arena, const char **base_r, const char **tmp_path_r)
{
	unsigned int i;

	for (i = 0; i < 10; i++) {
		const char *base = maildir_filename_generate(arena);
		const char *tmp_path = arena_printf(arena, "%s/tmp/%s",
			dst_dir, base);

		if (link(src_path, tmp_path) == 0) {
			*base_r = base;
			*tmp_path_r = tmp_path;
			return 1;
		}
		if (errno == ENOENT && access(src_path, F_OK) < 0 &&
		    errno == ENOENT)
			return -1;
		if (errno != EEXIST)
			return 0;
	}
	return 0;
}

/* S= and W= of a hard-linked copy: the source name's, else the file's
   size and no W=. */
static void copy_sizes(const char *src_fname, const char *path,
	uint64_t *size_r, uint64_t *vsize_r)
{
	struct stat st;

	if (!maildir_filename_get_size(src_fname, MAILDIR_EXTRA_SIZE,
			size_r))
		*size_r = stat(path, &st) == 0 ? (uint64_t)st.st_size :
			(uint64_t)-1;
	if (!maildir_filename_get_size(src_fname, MAILDIR_EXTRA_VIRTUAL_SIZE,
			vsize_r))
		*vsize_r = (uint64_t)-1;
}

int maildir_copy(const char *src_dir, const char *src_fname,
	const char *dst_dir, const struct maildir_settings *set,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **dst_fname_r, bool *in_new_r, const char **error_r)
{
	const char *cur = src_fname, *src_path;
	bool src_in_new = false;
	unsigned int i;
	int ret;

	if (!maildir_filename_is_valid(src_fname)) {
		*error_r = t_printf("Invalid file name: %s", src_fname);
		return -1;
	}
	for (i = 0; i < MAILDIR_RENAME_RETRY_COUNT; i++) {
		const char *base, *tmp_path;
		uint64_t size, vsize;

		src_path = t_printf("%s/%s/%s", src_dir,
			src_in_new ? "new" : "cur", cur);
		if (!set->copy_with_hardlinks)
			break;
		/* As Dovecot: link to a new name in tmp/, then publish it
		   like a save, so that every copy has its own base name
		   (the GUID goes into the uidlist record). */
		ret = copy_link_tmp(src_path, dst_dir, scratch_arena(), &base,
			&tmp_path);
		if (ret > 0) {
			copy_sizes(cur, tmp_path, &size, &vsize);
			if (maildir_publish_tmp(dst_dir, base, tmp_path, size,
					vsize, flags, keywords,
					set->fsync != MAILDIR_FSYNC_NEVER,
					arena, dst_fname_r, in_new_r,
					error_r) < 0) {
				if (*dst_fname_r == NULL)
					(void)unlink(tmp_path);
				return -1;
			}
			return 1;
		}
		if (ret == 0) {
			/* EXDEV, EPERM, EMLINK...: copy the data. */
			break;
		}
		ret = maildir_find_file(src_dir, src_fname,
			i == 0 ? src_fname : NULL, scratch_arena(), &cur,
			&src_in_new, error_r);
		if (ret <= 0)
			return ret;
	}
	return maildir_copy_data(src_dir, src_fname, dst_dir, set, flags,
		keywords, arena, dst_fname_r, in_new_r, error_r);
}
