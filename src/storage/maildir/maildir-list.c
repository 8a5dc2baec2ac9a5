/*
 * maildir-list.c - listing, creating, deleting and renaming the folders of
 * a Maildir root in the maildir++ and fs layouts (see maildir-list.h).
 */
#include "lib.h"
#include "array.h"
#include "file.h"
#include "hash.h"
#include "maildir-list.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#define FS_LIST_MAX_DEPTH 64
#define MAILDIR_TRASH_PATH_NAME "." MAILDIR_TRASH_DIR_NAME

/* Keeps an error message made inside a scratch frame alive after the
   frame ends (the frame would release it). */
static const char *error_keep(const char *error)
{
	static char buf[1024];

	if (error != buf)
		i_strlcpy(buf, error, sizeof(buf));
	return buf;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool dirent_is_dir(const char *parent, const struct dirent *de)
{
	if (de->d_type == DT_DIR)
		return true;
	if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
		return false;
	return is_dir(t_printf("%s/%s", parent, de->d_name));
}

static bool is_selectable(const char *path)
{
	return is_dir(t_printf("%s/cur", path));
}

struct list_ctx {
	const struct maildir_list_settings *set;
	/* Our own arena: the caller's may be the scratch arena, whose
	   nested frames would release what we keep. */
	struct arena *arena;
	ARRAY(struct maildir_list_entry) entries;
	struct hash_table *names;
};

static void list_add(struct list_ctx *ctx, const char *name,
	const char *path, enum maildir_list_flags flags)
{
	struct maildir_list_entry *e;

	if (hash_get(ctx->names, name) != NULL)
		return;
	e = array_append_space(&ctx->entries);
	e->name = arena_strdup(ctx->arena, name);
	e->path = arena_strdup(ctx->arena, path);
	e->flags = flags;
	hash_set(ctx->names, e->name, (void *)e->name);
}

static int list_maildirpp(struct list_ctx *ctx, const char **error_r)
{
	const char *root = ctx->set->root;
	struct dirent *de;
	DIR *d;

	d = opendir(root);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_printf("opendir(%s) failed: %s", root,
			strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		SCRATCH_BEGIN {
			const char *name, *path;

			if (de->d_name[0] == '.' &&
			    maildir_list_dir_to_name(ctx->set, scratch_arena(),
				    de->d_name, &name) == 0 &&
			    !maildir_list_is_inbox(name) &&
			    dirent_is_dir(root, de)) {
				path = t_printf("%s/%s", root, de->d_name);
				list_add(ctx, name, path, is_selectable(path) ?
					0 : MAILDIR_LIST_NOSELECT);
			}
		} SCRATCH_END;
	}
	closedir(d);
	return 0;
}

static int list_fs_dir(struct list_ctx *ctx, const char *dir,
	const char *rel, unsigned int depth, const char **error_r)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (depth > FS_LIST_MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*error_r = t_printf("opendir(%s) failed: %s", dir,
			strerror(errno));
		return -1;
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (n[0] == '.' ||
		    strcmp(n, "cur") == 0 || strcmp(n, "new") == 0 ||
		    strcmp(n, "tmp") == 0)
			continue;
		SCRATCH_BEGIN {
			const char *path = t_printf("%s/%s", dir, n);
			const char *sub = rel[0] == '\0' ? n :
				t_printf("%s/%s", rel, n);
			const char *name;

			if (dirent_is_dir(dir, de) &&
			    maildir_list_dir_to_name(ctx->set, scratch_arena(),
				    sub, &name) == 0) {
				/* <root>/INBOX only holds INBOX's children. */
				if (!maildir_list_is_inbox(name)) {
					list_add(ctx, name, path,
						is_selectable(path) ? 0 :
						MAILDIR_LIST_NOSELECT);
				}
				ret = list_fs_dir(ctx, path, sub, depth + 1,
					error_r);
				if (ret < 0)
					*error_r = error_keep(*error_r);
			}
		} SCRATCH_END;
	}
	closedir(d);
	return ret;
}

static int entry_cmp(const void *p1, const void *p2)
{
	const struct maildir_list_entry *e1 = p1, *e2 = p2;
	bool i1 = maildir_list_is_inbox(e1->name);
	bool i2 = maildir_list_is_inbox(e2->name);

	if (i1 != i2)
		return i1 ? -1 : 1;
	return strcmp(e1->name, e2->name);
}

int maildir_list_all(const struct maildir_list_settings *set,
	struct arena *arena, struct maildir_list_entry **entries_r,
	unsigned int *count_r, const char **error_r)
{
	struct list_ctx ctx;
	unsigned int i, n;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.set = set;
	ctx.arena = arena_create("maildir list", 4096);
	array_init(&ctx.entries, ctx.arena, 32);
	ctx.names = hash_create(false);

	list_add(&ctx, "INBOX", set->root, is_selectable(set->root) ? 0 :
		MAILDIR_LIST_NOSELECT);
	if (set->layout == MAILDIR_LAYOUT_MAILDIRPP)
		ret = list_maildirpp(&ctx, error_r);
	else
		ret = list_fs_dir(&ctx, set->root, "", 0, error_r);
	if (ret < 0) {
		*error_r = t_strdup(*error_r);
		hash_destroy(&ctx.names);
		arena_destroy(&ctx.arena);
		return -1;
	}

	/* Parents that exist only through their children. */
	n = ctx.entries.count;
	for (i = 0; i < n; i++) {
		const char *name = ctx.entries.v[i].name, *p;

		for (p = strchr(name, set->sep); p != NULL;
		     p = strchr(p + 1, set->sep)) {
			SCRATCH_BEGIN {
				const char *parent = t_strndup(name,
					(size_t)(p - name));
				const char *path;
				const char *error;

				if (hash_get(ctx.names, parent) == NULL &&
				    maildir_list_get_path(set, scratch_arena(),
					    parent, &path, &error) == 0) {
					list_add(&ctx, parent, path,
						MAILDIR_LIST_NOSELECT |
						MAILDIR_LIST_NONEXISTENT);
				}
			} SCRATCH_END;
		}
	}
	qsort(ctx.entries.v, ctx.entries.count, sizeof(ctx.entries.v[0]),
		entry_cmp);
	/* Children: in sorted order they follow "<name><sep>". */
	for (i = 0; i < ctx.entries.count; i++) {
		struct maildir_list_entry *e = &ctx.entries.v[i];
		size_t len = strlen(e->name);
		unsigned int j;
		bool children = false;

		for (j = 0; j < ctx.entries.count && !children; j++) {
			const char *o = ctx.entries.v[j].name;

			children = strncmp(o, e->name, len) == 0 &&
				o[len] == set->sep;
		}
		e->flags |= children ? MAILDIR_LIST_HASCHILDREN :
			MAILDIR_LIST_HASNOCHILDREN;
	}
	hash_destroy(&ctx.names);
	*entries_r = arena_new(arena, struct maildir_list_entry,
		ctx.entries.count + 1);
	for (i = 0; i < ctx.entries.count; i++) {
		(*entries_r)[i].name = arena_strdup(arena,
			ctx.entries.v[i].name);
		(*entries_r)[i].path = arena_strdup(arena,
			ctx.entries.v[i].path);
		(*entries_r)[i].flags = ctx.entries.v[i].flags;
	}
	*count_r = ctx.entries.count;
	arena_destroy(&ctx.arena);
	return 0;
}

void maildir_list_get_permissions(const struct maildir_list_settings *set,
	struct maildir_permissions *perm_r)
{
	struct stat st;

	perm_r->dir_mode = 0700;
	perm_r->file_mode = 0600;
	perm_r->gid = (gid_t)-1;
	if (stat(set->root, &st) < 0)
		return;
	perm_r->dir_mode = st.st_mode & 0777;
	perm_r->file_mode = perm_r->dir_mode & 0666;
	if ((st.st_mode & S_ISGID) != 0) {
		/* The kernel gives new entries the directory's group;
		   keep the setgid bit on new directories too. */
		perm_r->dir_mode |= S_ISGID;
	} else if (st.st_gid != getegid()) {
		perm_r->gid = st.st_gid;
	}
}

static int mkdir_perm(const char *path, const struct maildir_permissions *perm,
	const char **error_r)
{
	if (mkdir(path, perm->dir_mode & 0777) < 0) {
		if (errno == EEXIST && is_dir(path))
			return 0;
		*error_r = t_printf("mkdir(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	/* mkdir() applies the umask: set the exact mode. */
	if (chmod(path, perm->dir_mode) < 0 ||
	    (perm->gid != (gid_t)-1 && chown(path, (uid_t)-1, perm->gid) < 0 &&
	     errno != EPERM)) {
		*error_r = t_printf("chmod/chown(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int mkdir_parents_perm(const char *path,
	const struct maildir_permissions *perm, const char **error_r)
{
	const char *slash;

	if (is_dir(path))
		return 0;
	slash = strrchr(path, '/');
	if (slash != NULL && slash != path) {
		const char *parent = t_strndup(path, (size_t)(slash - path));

		if (!is_dir(parent) &&
		    mkdir_parents_perm(parent, perm, error_r) < 0)
			return -1;
	}
	return mkdir_perm(path, perm, error_r);
}

int maildir_create_dirs(const char *dir, const struct maildir_permissions *perm,
	bool is_subfolder, const char **error_r)
{
	static const char *const subdirs[] = { "tmp", "new", "cur" };
	unsigned int i;

	if (mkdir_parents_perm(dir, perm, error_r) < 0)
		return -1;
	for (i = 0; i < N_ELEMENTS(subdirs); i++) {
		if (mkdir_perm(t_printf("%s/%s", dir, subdirs[i]), perm,
				error_r) < 0)
			return -1;
	}
	if (is_subfolder) {
		const char *path = t_printf("%s/" MAILDIR_SUBFOLDER_FILENAME,
			dir);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC,
			perm->file_mode);

		if (fd < 0) {
			*error_r = t_printf("open(%s, O_CREAT) failed: %s",
				path, strerror(errno));
			return -1;
		}
		(void)fchmod(fd, perm->file_mode);
		if (perm->gid != (gid_t)-1)
			(void)fchown(fd, (uid_t)-1, perm->gid);
		close(fd);
	}
	return 0;
}

int maildir_list_create(const struct maildir_list_settings *set,
	const char *name, bool *exists_r, const char **error_r)
{
	struct maildir_permissions perm;
	const char *path;
	bool marker;

	*exists_r = false;
	if (maildir_list_get_path(set, scratch_arena(), name, &path,
			error_r) < 0)
		return -1;
	if (is_selectable(path)) {
		*exists_r = true;
		*error_r = "Mailbox already exists";
		return -1;
	}
	maildir_list_get_permissions(set, &perm);
	/* Dovecot 2.3 marks every maildir++ folder, the root included. */
	marker = set->layout == MAILDIR_LAYOUT_MAILDIRPP;
	return maildir_create_dirs(path, &perm, marker, error_r);
}

static int rm_entry(const char *path, const struct stat *st, int type,
	struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int maildir_rmdir_recursive(const char *path, const char **error_r)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		*error_r = t_printf("rm -rf %s failed: %s", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* True when the fs-layout directory has subdirectories other than the
   Maildir's own. */
static bool fs_has_children(const char *path)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(path);

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (n[0] == '.' || strcmp(n, "cur") == 0 ||
		    strcmp(n, "new") == 0 || strcmp(n, "tmp") == 0)
			continue;
		SCRATCH_BEGIN {
			found = dirent_is_dir(path, de);
		} SCRATCH_END;
	}
	closedir(d);
	return found;
}

/* Removes a Maildir's own contents, leaving its child folders. */
static int fs_delete_contents(const char *path, const char **error_r)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int ret = 0;

	if (d == NULL) {
		*error_r = t_printf("opendir(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		SCRATCH_BEGIN {
			const char *p = t_printf("%s/%s", path, n);

			if (strcmp(n, "cur") == 0 || strcmp(n, "new") == 0 ||
			    strcmp(n, "tmp") == 0) {
				ret = maildir_rmdir_recursive(p, error_r);
			} else if (!dirent_is_dir(path, de) &&
				   unlink(p) < 0 && errno != ENOENT) {
				*error_r = t_printf("unlink(%s) failed: %s",
					p, strerror(errno));
				ret = -1;
			}
			if (ret < 0)
				*error_r = error_keep(*error_r);
		} SCRATCH_END;
	}
	closedir(d);
	return ret;
}

int maildir_list_delete(const struct maildir_list_settings *set,
	const char *name, bool *notfound_r, const char **error_r)
{
	const char *path, *trash;
	unsigned int i;

	*notfound_r = false;
	if (maildir_list_get_path(set, scratch_arena(), name, &path,
			error_r) < 0)
		return -1;
	if (maildir_list_is_inbox(name)) {
		*error_r = "INBOX can't be deleted.";
		return -1;
	}
	if (!is_dir(path) || (set->layout == MAILDIR_LAYOUT_FS &&
			      !is_selectable(path) && fs_has_children(path))) {
		*notfound_r = true;
		*error_r = t_printf("Mailbox doesn't exist: %s", name);
		return -1;
	}
	if (set->layout == MAILDIR_LAYOUT_FS && fs_has_children(path)) {
		/* Keep the directory for the children: \NoSelect. */
		return fs_delete_contents(path, error_r);
	}
	/* Rename first so nobody sees a half-deleted folder. */
	trash = t_printf("%s/" MAILDIR_TRASH_PATH_NAME, set->root);
	for (i = 0;; i++) {
		if (rename(path, trash) == 0)
			break;
		if ((errno != EEXIST && errno != ENOTEMPTY) || i == 2) {
			if (errno == ENOENT) {
				*notfound_r = true;
				*error_r = t_printf("Mailbox doesn't exist: %s",
					name);
			} else {
				*error_r = t_printf("rename(%s, %s) failed: %s",
					path, trash, strerror(errno));
			}
			return -1;
		}
		/* A previous delete was interrupted: finish it first. */
		if (maildir_rmdir_recursive(trash, error_r) < 0)
			return -1;
	}
	return maildir_rmdir_recursive(trash, error_r);
}

struct name_array {
	ARRAY(const char *) arr;
};

/* Maildir++: the root entries of oldname and its children. */
static int collect_pp_children(const struct maildir_list_settings *set,
	const char *oldname, struct arena *arena,
	struct name_array *names_r, const char **error_r)
{
	struct maildir_list_entry *entries;
	unsigned int i, count;
	size_t len = strlen(oldname);

	if (maildir_list_all(set, arena, &entries, &count, error_r) < 0)
		return -1;
	for (i = 0; i < count; i++) {
		const char *n = entries[i].name;

		if ((entries[i].flags & MAILDIR_LIST_NONEXISTENT) != 0 ||
		    maildir_list_is_inbox(n))
			continue;
		if (strcmp(n, oldname) == 0 ||
		    (strncmp(n, oldname, len) == 0 && n[len] == set->sep))
			array_push(&names_r->arr, n);
	}
	return 0;
}

/* The new name of child (oldname or below it) under newname. */
static const char *rename_target(struct arena *arena, const char *child,
	size_t oldlen, const char *newname)
{
	return arena_printf(arena, "%s%s", newname, child + oldlen);
}

/* Maildir++: every folder is its own directory in the root, so oldname's
   children move one by one; oldname itself may not exist (a level). */
static int rename_pp(const struct maildir_list_settings *set,
	const char *oldname, const char *newname,
	enum maildir_list_rename_error *why_r, const char **error_r)
{
	struct name_array na;
	struct arena *arena = arena_create("maildir rename", 1024);
	size_t oldlen = strlen(oldname);
	unsigned int i;
	int ret = 0;

	array_init(&na.arr, arena, 16);
	if (collect_pp_children(set, oldname, arena, &na, error_r) < 0) {
		*error_r = t_strdup(*error_r);
		arena_destroy(&arena);
		return -1;
	}
	if (na.arr.count == 0) {
		*why_r = MAILDIR_LIST_RENAME_ERR_NOTFOUND;
		*error_r = t_printf("Mailbox doesn't exist: %s", oldname);
		arena_destroy(&arena);
		return -1;
	}
	/* Check every target before moving anything. */
	for (i = 0; i < na.arr.count && ret == 0; i++) {
		const char *dst = rename_target(arena, na.arr.v[i], oldlen,
			newname);
		const char *p;

		if (maildir_list_get_path(set, arena, dst, &p, error_r) < 0) {
			/* a child's new name is too long for a directory */
			*why_r = MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE;
			ret = -1;
		} else if (maildir_list_is_inbox(dst) || is_dir(p)) {
			*why_r = MAILDIR_LIST_RENAME_ERR_EXISTS;
			*error_r = "Target mailbox already exists";
			ret = -1;
		}
	}
	for (i = 0; i < na.arr.count && ret == 0; i++) {
		const char *dst = rename_target(arena, na.arr.v[i], oldlen,
			newname);
		const char *src_path, *dst_path;

		if (maildir_list_get_path(set, arena, na.arr.v[i], &src_path,
				error_r) < 0 ||
		    maildir_list_get_path(set, arena, dst, &dst_path,
				error_r) < 0) {
			ret = -1;
		} else if (rename(src_path, dst_path) < 0) {
			*error_r = t_printf("rename(%s, %s) failed: %s",
				src_path, dst_path, strerror(errno));
			ret = -1;
		}
	}
	if (ret < 0)
		*error_r = t_strdup(*error_r);
	arena_destroy(&arena);
	return ret;
}

int maildir_list_rename(const struct maildir_list_settings *set,
	const char *oldname, const char *newname,
	enum maildir_list_rename_error *why_r, const char **error_r)
{
	const char *oldpath, *newpath;
	size_t oldlen = strlen(oldname);
	struct maildir_permissions perm;
	const char *slash;

	*why_r = MAILDIR_LIST_RENAME_ERR_IO;
	if (maildir_list_is_inbox(oldname)) {
		*why_r = MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE;
		*error_r = "Renaming INBOX isn't supported";
		return -1;
	}
	if (strncmp(newname, oldname, oldlen) == 0 &&
	    newname[oldlen] == set->sep) {
		*why_r = MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE;
		*error_r = "Can't move mailbox under its own child";
		return -1;
	}
	if (set->layout != MAILDIR_LAYOUT_FS)
		return rename_pp(set, oldname, newname, why_r, error_r);

	/* fs layout: one directory tree; a level is a real directory */
	if (maildir_list_get_path(set, scratch_arena(), oldname, &oldpath,
			error_r) < 0 || !is_dir(oldpath)) {
		*why_r = MAILDIR_LIST_RENAME_ERR_NOTFOUND;
		*error_r = t_printf("Mailbox doesn't exist: %s", oldname);
		return -1;
	}
	if (maildir_list_get_path(set, scratch_arena(), newname, &newpath,
			error_r) < 0) {
		*why_r = MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE;
		return -1;
	}
	if (maildir_list_is_inbox(newname) || is_dir(newpath)) {
		*why_r = MAILDIR_LIST_RENAME_ERR_EXISTS;
		*error_r = "Target mailbox already exists";
		return -1;
	}
	maildir_list_get_permissions(set, &perm);
	slash = strrchr(newpath, '/');
	if (mkdir_parents_perm(t_strndup(newpath, (size_t)(slash - newpath)),
			&perm, error_r) < 0)
		return -1;
	if (rename(oldpath, newpath) < 0) {
		*error_r = t_printf("rename(%s, %s) failed: %s", oldpath,
			newpath, strerror(errno));
		return -1;
	}
	return 0;
}
