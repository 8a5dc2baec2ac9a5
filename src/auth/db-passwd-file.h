/*
 * db-passwd-file.h - the passwd-file database shared by the passwd-file
 * passdb and userdb: Dovecot's format
 *
 *	user:password:uid:gid:(gecos):home:(shell):extra_fields
 *
 * with trailing fields optional, '#' comments and blank lines skipped, and
 * extra_fields a space-separated list of key=value (the column may itself
 * contain ':').  Files are parsed into a hash table and re-read when their
 * inode, size or mtime changes.  The path may contain %variables
 * (/etc/dovecot/%d.passwd): each expanded path is a file of its own.
 */
#ifndef ROOST_DB_PASSWD_FILE_H
#define ROOST_DB_PASSWD_FILE_H

struct auth_request;
struct db_passwd_file;

struct passwd_user {
	const char *name;
	const char *password;  /* NULL when the column is empty/missing */
	const char *uid, *gid; /* "" when unset */
	const char *gecos;
	const char *home;      /* "" when unset */
	const char *shell;
	/* key=value or bare key items; NULL-terminated, never NULL. */
	const char *const *extra_fields;
};

/* Upper bound of one passwd-file (bytes) and of a line. */
#define PASSWD_FILE_MAX_SIZE (1024U * 1024 * 1024)
#define PASSWD_FILE_MAX_LINE (64 * 1024)
/* How many expanded per-variable files are kept parsed at once. */
#define PASSWD_FILE_MAX_CACHED_FILES 1000

/*
 * Parses driver args: "[scheme=X] [username_format=F] <path>".  Returns 0
 * with *db_r, or -1 with *error_r.  A path without %variables is read now
 * (a missing file is not an error yet: lookups report unknown users).
 * default_scheme_r receives scheme= (or NULL).
 */
int db_passwd_file_init(const char *args, bool userdb,
	struct db_passwd_file **db_r, const char **default_scheme_r,
	const char **error_r);
void db_passwd_file_deinit(struct db_passwd_file **db);

/*
 * Finds the request's user (username_format expanded for the request) in
 * the file (the path expanded for the request), re-reading the file if it
 * changed.  Logs Dovecot's debug line "lookup: user=X file=Y".  Returns 1
 * with *user_r (valid until the next lookup), 0 when not found (or the
 * file does not exist), -1 on an internal error (logged).
 */
int db_passwd_file_lookup(struct db_passwd_file *db,
	struct auth_request *request, const struct passwd_user **user_r);

/* Iterates the users of a path without %variables. 0 or -1 (logged). */
int db_passwd_file_iterate(struct db_passwd_file *db,
	void (*callback)(const char *user, void *context), void *context);

/*
 * Parses file contents (for tests and the fuzz target): calls callback
 * for every valid entry, and log_callback (may be NULL) for every
 * malformed line.  Entries point into arena.
 */
void db_passwd_file_parse(const char *path, const char *data, size_t size,
	struct arena *arena,
	void (*callback)(const struct passwd_user *user, void *context),
	void (*log_callback)(unsigned int line, const char *error,
		void *context),
	void *context);

#endif
