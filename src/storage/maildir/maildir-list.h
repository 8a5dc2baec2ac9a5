/*
 * maildir-list.h - the folder tree of a Maildir root as Dovecot 2.3 lays it
 * out: mailbox names <-> directories, listing, create, delete and rename.
 *
 * Layouts (mail_location = maildir:<root>[:LAYOUT=fs][:UTF-8]):
 *   maildir++ (default): INBOX is the root itself; every other mailbox is a
 *     directory directly in the root named "." + the name with each
 *     hierarchy level joined by '.' (".Sent", ".INBOX.friends", ".a.b").
 *     Each holds cur/ new/ tmp/ and an empty "maildirfolder" file.
 *   fs: INBOX is the root; "a/b" is the directory <root>/a/b, each level a
 *     Maildir of its own (a level without cur/ is \NoSelect).
 * Names handled here are namespace-relative (no prefix), UTF-8, with the
 * namespace separator `sep`; on disk each level is modified UTF-7 (RFC 3501
 * 5.1.3) unless the UTF-8 option is set.  "INBOX" is case-insensitive.
 * Every function validates names before touching the disk and rejects
 * unsafe ones ("..", "/", control characters, ...) with a clear error.
 * All functions block on disk I/O.
 */
#ifndef ROOST_MAILDIR_LIST_H
#define ROOST_MAILDIR_LIST_H

enum maildir_layout {
	MAILDIR_LAYOUT_MAILDIRPP = 0,
	MAILDIR_LAYOUT_FS,
};

/* Name of the marker file in every non-INBOX Maildir++ folder. */
#define MAILDIR_SUBFOLDER_FILENAME "maildirfolder"
/* A deleted folder is renamed to <root>/.DOVECOT-TRASHED before it is
   removed, as Dovecot does; never listed. */
#define MAILDIR_TRASH_DIR_NAME "DOVECOT-TRASHED"
/* Longest mailbox name (bytes of UTF-8), as Dovecot's
   MAILBOX_LIST_NAME_MAX_LENGTH; longest single level on disk. */
#define MAILDIR_LIST_NAME_MAX_LEN 4096
#define MAILDIR_LIST_LEVEL_MAX_LEN 255

struct maildir_list_settings {
	/* The Maildir root (INBOX's directory). */
	const char *root;
	enum maildir_layout layout;
	/* Hierarchy separator of the names we are given and return. */
	char sep;
	/* :UTF-8 - directory names are UTF-8 instead of modified UTF-7. */
	bool utf8;
};

enum maildir_list_flags {
	MAILDIR_LIST_NOSELECT = 0x01,
	/* No directory at all: only shown because it has children. */
	MAILDIR_LIST_NONEXISTENT = 0x02,
	MAILDIR_LIST_HASCHILDREN = 0x04,
	MAILDIR_LIST_HASNOCHILDREN = 0x08,
	/* Can't have children (never set by these layouts, kept for the
	   caller's LIST code). */
	MAILDIR_LIST_NOINFERIORS = 0x10,
};

struct maildir_list_entry {
	/* Mailbox name with the settings' separator. */
	const char *name;
	/* Its directory (for NONEXISTENT entries, where it would be). */
	const char *path;
	enum maildir_list_flags flags;
};

/* Permissions for new directories and files, derived from the root as
   Dovecot does: dir mode = root's mode & 0777, file mode = dir mode & 0666,
   and the root's group when it differs from ours or the root is setgid. */
struct maildir_permissions {
	mode_t dir_mode, file_mode;
	gid_t gid; /* (gid_t)-1: leave the group alone */
};

/*
 * Checks name and returns its directory (from arena).  -1 with error_r
 * (a sentence for the client, e.g. "Invalid mailbox name: ...") when the
 * name is empty, has an empty level (leading, trailing or doubled
 * separator), a level "." or "..", a '/' that is not the separator, a
 * control character, invalid UTF-8, the on-disk separator '.' inside a
 * level (maildir++ with another sep), a level cur/new/tmp (fs), a level
 * starting with '.' or '~' (fs), or is too long.  Never touches the disk.
 */
int maildir_list_get_path(const struct maildir_list_settings *set,
	struct arena *arena, const char *name, const char **path_r,
	const char **error_r);

/* True when the name is "INBOX" (case-insensitively). */
bool maildir_list_is_inbox(const char *name);

/*
 * The mailbox name of a root entry (maildir++: ".a.b"; fs: a relative path
 * "a/b"), or -1 when the entry isn't a mailbox directory name (".", "..",
 * not starting with '.', the trash directory, invalid modified UTF-7, an
 * empty level, or a level containing the separator).  No disk access.
 */
int maildir_list_dir_to_name(const struct maildir_list_settings *set,
	struct arena *arena, const char *dirname, const char **name_r);

/*
 * Lists every mailbox: INBOX first, then the others sorted by name, with
 * missing parents of existing mailboxes added as NONEXISTENT|NOSELECT and
 * HASCHILDREN/HASNOCHILDREN on every entry.  Directories without cur/ are
 * NOSELECT.  Entries from arena.  0, or -1 with error_r when the root can't
 * be read (a missing root gives just INBOX).
 */
int maildir_list_all(const struct maildir_list_settings *set,
	struct arena *arena, struct maildir_list_entry **entries_r,
	unsigned int *count_r, const char **error_r);

/* Dovecot's permissions for a new mailbox under the root (see above). */
void maildir_list_get_permissions(const struct maildir_list_settings *set,
	struct maildir_permissions *perm_r);

/*
 * Creates a Maildir at dir: dir itself (and its parents), cur/ new/ tmp/,
 * and the maildirfolder file when is_subfolder.  Existing parts are fine.
 * 0, or -1 with error_r.
 */
int maildir_create_dirs(const char *dir, const struct maildir_permissions *perm,
	bool is_subfolder, const char **error_r);

/*
 * Creates mailbox name.  Returns 0, or -1 with error_r; *exists_r is set
 * when it failed because the mailbox already exists ("Mailbox already
 * exists").  A \NoSelect directory (no cur/) is made selectable.  INBOX is
 * the root and is created with its cur/new/tmp when missing.
 */
int maildir_list_create(const struct maildir_list_settings *set,
	const char *name, bool *exists_r, const char **error_r);

/*
 * Deletes mailbox name as Dovecot does: the folder's directory is renamed
 * to the trash directory and removed recursively, so a concurrent reader
 * never sees a half-deleted folder.  With children in the fs layout only
 * the Maildir contents go and the directory stays (\NoSelect).  INBOX
 * can't be deleted.  0, or -1 with error_r (*notfound_r when the mailbox
 * doesn't exist).
 */
int maildir_list_delete(const struct maildir_list_settings *set,
	const char *name, bool *notfound_r, const char **error_r);

/* Why maildir_list_rename() failed. */
enum maildir_list_rename_error {
	/* an I/O error (error_r has the details) */
	MAILDIR_LIST_RENAME_ERR_IO,
	/* neither oldname nor any child of it exists */
	MAILDIR_LIST_RENAME_ERR_NOTFOUND,
	/* the target, or the new name of a child, exists */
	MAILDIR_LIST_RENAME_ERR_EXISTS,
	/* oldname is INBOX, the target is inside the source, or a new name
	   can't be stored (a child's name too long) */
	MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE,
};

/*
 * Renames mailbox oldname and all its children to newname, checking every
 * new name before moving anything.  In the Maildir++ layout oldname may be
 * a level that exists only through its children (a for a/b): the children
 * move (a/b to newname/b), as in Dovecot, and newname itself may exist.
 * Fails when oldname is INBOX ("Renaming INBOX isn't supported"), when
 * nothing exists under oldname, when a target exists, or when the target is
 * inside the source.  0, or -1 with *why_r and error_r.
 */
int maildir_list_rename(const struct maildir_list_settings *set,
	const char *oldname, const char *newname,
	enum maildir_list_rename_error *why_r, const char **error_r);

/*
 * Removes a directory tree (no symlinks followed).  0, or -1 with error_r;
 * ENOENT of the top directory is an error the caller can see in errno.
 */
int maildir_rmdir_recursive(const char *path, const char **error_r);

/* Modified UTF-7 (RFC 3501 5.1.3) <-> UTF-8 for one name.  -1 on invalid
   input (bad UTF-8, or malformed/non-canonical modified UTF-7). */
int maildir_utf8_to_mutf7(struct arena *arena, const char *src,
	const char **dest_r);
int maildir_mutf7_to_utf8(struct arena *arena, const char *src,
	const char **dest_r);

#endif
