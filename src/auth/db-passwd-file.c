/*
 * db-passwd-file.c - parsing, caching and re-reading passwd-files (see
 * db-passwd-file.h).
 */
#include "lib.h"
#include "db-passwd-file.h"
#include "array.h"
#include "buf.h"
#include "hash.h"
#include "str.h"
#include "file.h"
#include "ioloop.h"
#include "auth-request.h"

#include <sys/stat.h>

struct passwd_file {
	char *path;
	struct arena *arena;       /* entries; replaced on re-read */
	struct hash_table *users;  /* name -> struct passwd_user */
	ARRAY(const char *) names; /* file order, for iteration */
	bool loaded;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct db_passwd_file {
	bool userdb;
	char *path_template;
	char *username_format;
	bool vars;                      /* path has %variables */
	struct passwd_file *default_file;
	struct hash_table *files;       /* expanded path -> passwd_file */
	ARRAY(struct passwd_file *) file_list;
};

static bool line_is_skipped(const char *line)
{
	return line[0] == '\0' || line[0] == ':' || line[0] == '#';
}

/* Splits one line into a passwd_user.  Returns 0 or -1 with *error_r. */
static int passwd_line_parse(char *line, struct arena *arena,
	struct passwd_user *pu, const char **error_r)
{
	char *fields[7] = { NULL };
	unsigned int n = 0;
	char *p = line, *rest = NULL;

	memset(pu, 0, sizeof(*pu));
	/* The first seven columns end at ':'; everything after the seventh
	   ':' is extra_fields, colons included. */
	fields[n++] = p;
	while (n < 7 && (p = strchr(p, ':')) != NULL) {
		*p++ = '\0';
		fields[n++] = p;
	}
	if (n == 7 && (p = strchr(fields[6], ':')) != NULL) {
		*p++ = '\0';
		rest = p;
	}
	pu->name = arena_strdup(arena, fields[0]);
	pu->password = n > 1 && fields[1][0] != '\0' ?
		arena_strdup(arena, fields[1]) : NULL;
	pu->uid = arena_strdup(arena, n > 2 ? fields[2] : "");
	pu->gid = arena_strdup(arena, n > 3 ? fields[3] : "");
	pu->gecos = arena_strdup(arena, n > 4 ? fields[4] : "");
	pu->home = arena_strdup(arena, n > 5 ? fields[5] : "");
	pu->shell = arena_strdup(arena, n > 6 ? fields[6] : "");
	if (pu->uid[0] != '\0') {
		uid_t uid;

		if (userdb_parse_uid(pu->uid, &uid) < 0 || uid == 0) {
			*error_r = t_printf("User %s has invalid UID '%s'",
				pu->name, pu->uid);
			return -1;
		}
	}
	if (pu->gid[0] != '\0') {
		gid_t gid;

		if (userdb_parse_gid(pu->gid, &gid) < 0 || gid == 0) {
			*error_r = t_printf("User %s has invalid GID '%s'",
				pu->name, pu->gid);
			return -1;
		}
	}
	if (rest != NULL && rest[0] != '\0')
		pu->extra_fields = (const char *const *)str_split(arena, rest,
			" ", true);
	else
		pu->extra_fields = (const char *const *)arena_new(arena,
			const char *, 1);
	return 0;
}

void db_passwd_file_parse(const char *path, const char *data, size_t size,
	struct arena *arena,
	void (*callback)(const struct passwd_user *user, void *context),
	void (*log_callback)(unsigned int line, const char *error,
		void *context),
	void *context)
{
	size_t pos = 0;
	unsigned int linenum = 0;

	(void)path;
	while (pos < size) {
		const char *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl == NULL ? size - pos : (size_t)(nl - data) - pos;
		struct passwd_user pu;
		const char *error;

		linenum++;
		SCRATCH_BEGIN {
			char *line = t_strndup(data + pos, len);

			if (len > 0 && line[len - 1] == '\r')
				line[len - 1] = '\0';
			if (len > PASSWD_FILE_MAX_LINE) {
				if (log_callback != NULL)
					log_callback(linenum, "Line too long",
						context);
			} else if (memchr(data + pos, '\0', len) != NULL) {
				if (log_callback != NULL)
					log_callback(linenum,
						"Line contains NUL", context);
			} else if (!line_is_skipped(line)) {
				if (passwd_line_parse(line, arena, &pu,
					    &error) < 0) {
					if (log_callback != NULL)
						log_callback(linenum, error,
							context);
				} else {
					callback(&pu, context);
				}
			}
		} SCRATCH_END;
		pos += len + (nl != NULL ? 1 : 0);
	}
}

static void passwd_file_clear(struct passwd_file *pw)
{
	if (pw->users != NULL)
		hash_destroy(&pw->users);
	if (pw->arena != NULL)
		arena_destroy(&pw->arena);
	pw->loaded = false;
}

struct load_context {
	struct passwd_file *pw;
};

static void load_add_user(const struct passwd_user *user, void *context)
{
	struct load_context *ctx = context;
	struct passwd_file *pw = ctx->pw;
	struct passwd_user *copy;

	if (hash_get(pw->users, user->name) != NULL) {
		i_error("passwd-file %s: User %s exists more than once",
			pw->path, user->name);
		return;
	}
	copy = arena_new(pw->arena, struct passwd_user, 1);
	*copy = *user;
	hash_set(pw->users, copy->name, copy);
	array_push(&pw->names, copy->name);
}

static void load_log_error(unsigned int line, const char *error,
	void *context)
{
	struct load_context *ctx = context;

	i_error("passwd-file %s: line %u: %s (line skipped)", ctx->pw->path,
		line, error);
}

/* Reads pw->path if it changed.  1 loaded, 0 missing, -1 error. */
static int passwd_file_sync(struct passwd_file *pw,
	const struct auth_request *request)
{
	struct load_context ctx = { pw };
	struct stat st;
	struct buf data;
	const char *error;
	uint64_t start;

	if (stat(pw->path, &st) < 0) {
		int ret = -1;

		if (errno == ENOENT) {
			if (request != NULL)
				auth_request_log_debug(request, AUTH_SUBSYS_DB,
					"missing passwd file: %s", pw->path);
			ret = 0;
		} else {
			i_error("passwd-file %s: stat(%s) failed: %s",
				pw->path, pw->path, strerror(errno));
		}
		passwd_file_clear(pw);
		return ret;
	}
	if (pw->loaded && st.st_ino == pw->ino && st.st_size == pw->size &&
	    st.st_mtim.tv_sec == pw->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == pw->mtime.tv_nsec)
		return 1;

	start = ioloop_now_msecs();
	buf_init(&data, NULL, 4096, PASSWD_FILE_MAX_SIZE);
	if (file_read_all(pw->path, PASSWD_FILE_MAX_SIZE, &data,
		    &error) < 0) {
		i_error("passwd-file %s: %s", pw->path, error);
		buf_free(&data);
		passwd_file_clear(pw);
		return -1;
	}
	passwd_file_clear(pw);
	pw->arena = arena_create("passwd-file", 4096);
	pw->users = hash_create(false);
	array_init(&pw->names, pw->arena, 64);
	db_passwd_file_parse(pw->path, data.data == NULL ? "" : data.data,
		data.used, pw->arena, load_add_user, load_log_error, &ctx);
	explicit_bzero(data.data, data.used);
	buf_free(&data);
	pw->loaded = true;
	pw->ino = st.st_ino;
	pw->size = st.st_size;
	pw->mtime = st.st_mtim;
	if (log_debug_enabled())
		i_debug("passwd-file %s:Read %u users in %llu secs", pw->path,
			hash_count(pw->users),
			(unsigned long long)((ioloop_now_msecs() -
					      start) / 1000));
	return 1;
}

static struct passwd_file *passwd_file_new(const char *path)
{
	struct passwd_file *pw = i_new(struct passwd_file, 1);

	pw->path = i_strdup(path);
	return pw;
}

static void passwd_file_free(struct passwd_file *pw)
{
	passwd_file_clear(pw);
	i_free(pw->path);
	free(pw);
}

int db_passwd_file_init(const char *args, bool userdb,
	struct db_passwd_file **db_r, const char **default_scheme_r,
	const char **error_r)
{
	struct db_passwd_file *db;
	const char *path = NULL, *format = "%u";
	char **list;

	*default_scheme_r = NULL;
	list = str_split(scratch_arena(), args, " ", true);
	for (unsigned int i = 0; list[i] != NULL; i++) {
		if (str_begins(list[i], "scheme="))
			*default_scheme_r = t_str_ucase(list[i] + 7);
		else if (str_begins(list[i], "username_format="))
			format = list[i] + 16;
		else if (path == NULL)
			path = list[i];
		else {
			*error_r = t_printf("Unexpected argument: %s",
				list[i]);
			return -1;
		}
	}
	if (path == NULL) {
		*error_r = "No passwd-file path given in args";
		return -1;
	}
	db = i_new(struct db_passwd_file, 1);
	db->userdb = userdb;
	db->path_template = i_strdup(path);
	db->username_format = i_strdup(format);
	db->vars = strchr(path, '%') != NULL;
	db->files = hash_create(false);
	array_init(&db->file_list, NULL, 4);
	if (!db->vars) {
		db->default_file = passwd_file_new(path);
		/* Read it now, while we may still have privileges. */
		(void)passwd_file_sync(db->default_file, NULL);
	}
	*db_r = db;
	return 0;
}

static void db_passwd_file_drop_files(struct db_passwd_file *db)
{
	for (unsigned int i = 0; i < db->file_list.count; i++)
		passwd_file_free(db->file_list.v[i]);
	array_clear(&db->file_list);
	hash_destroy(&db->files);
	db->files = hash_create(false);
}

void db_passwd_file_deinit(struct db_passwd_file **_db)
{
	struct db_passwd_file *db = *_db;

	*_db = NULL;
	db_passwd_file_drop_files(db);
	hash_destroy(&db->files);
	array_free(&db->file_list);
	if (db->default_file != NULL)
		passwd_file_free(db->default_file);
	i_free(db->path_template);
	i_free(db->username_format);
	free(db);
}

int db_passwd_file_lookup(struct db_passwd_file *db,
	struct auth_request *request, const struct passwd_user **user_r)
{
	struct passwd_file *pw;
	const char *path, *username, *error;
	int ret;

	if (db->vars) {
		if (auth_request_var_expand(request, db->path_template,
			    &path, &error) < 0) {
			auth_request_log_error(request, AUTH_SUBSYS_DB,
				"Failed to expand passwd-file path %s: %s",
				db->path_template, error);
			return -1;
		}
		pw = hash_get(db->files, path);
		if (pw == NULL) {
			if (db->file_list.count >=
			    PASSWD_FILE_MAX_CACHED_FILES)
				db_passwd_file_drop_files(db);
			pw = passwd_file_new(path);
			array_push(&db->file_list, pw);
			hash_set(db->files, pw->path, pw);
		}
	} else {
		pw = db->default_file;
	}
	if (auth_request_var_expand(request, db->username_format, &username,
		    &error) < 0) {
		auth_request_log_error(request, AUTH_SUBSYS_DB,
			"Failed to expand username_format=%s: %s",
			db->username_format, error);
		return -1;
	}
	auth_request_log_debug(request, AUTH_SUBSYS_DB,
		"lookup: user=%s file=%s", username, pw->path);
	ret = passwd_file_sync(pw, request);
	if (ret <= 0)
		return ret;
	*user_r = hash_get(pw->users, username);
	if (*user_r == NULL) {
		auth_request_log_unknown_user(request, AUTH_SUBSYS_DB);
		return 0;
	}
	return 1;
}

int db_passwd_file_iterate(struct db_passwd_file *db,
	void (*callback)(const char *user, void *context), void *context)
{
	struct passwd_file *pw = db->default_file;

	if (pw == NULL) {
		i_error("passwd-file: User iteration isn't currently "
			"supported with %%variable paths");
		return -1;
	}
	if (passwd_file_sync(pw, NULL) < 0)
		return -1;
	if (!pw->loaded)
		return 0;
	for (unsigned int i = 0; i < pw->names.count; i++)
		callback(pw->names.v[i], context);
	return 0;
}
