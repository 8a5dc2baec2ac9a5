/*
 * userdb.h - the user database interface.  A driver is one
 * struct userdb_ops (one row in userdb_drivers[], userdb.c); each
 * userdb {} section becomes one struct userdb_module.  Synchronous, like
 * passdb.h; .blocking marks drivers that need auth-worker processes.
 */
#ifndef ROOST_USERDB_H
#define ROOST_USERDB_H

struct arena;
struct auth_request;
struct auth_userdb_settings;

enum userdb_result {
	USERDB_RESULT_INTERNAL_FAILURE = -1,
	USERDB_RESULT_USER_UNKNOWN = -2,
	USERDB_RESULT_OK = 1,
};

struct userdb_module;

/* Called once per user while iterating. */
typedef void userdb_iter_callback_t(const char *user, void *context);

struct userdb_ops {
	const char *name;
	bool blocking;
	/* As passdb_ops.init. */
	int (*init)(struct userdb_module *module, const char *args,
		const char **error_r);
	void (*deinit)(struct userdb_module *module);
	/*
	 * Finds request->user and adds its fields (uid, gid, home, extra)
	 * with auth_request_set_userdb_field().  Must log its own errors.
	 */
	enum userdb_result (*lookup)(struct userdb_module *module,
		struct auth_request *request);
	/*
	 * Calls callback for every user (NULL when the driver cannot
	 * iterate).  Returns 0, or -1 after logging an error.
	 */
	int (*iterate)(struct userdb_module *module,
		userdb_iter_callback_t *callback, void *context);
};

struct userdb_module {
	const struct userdb_ops *ops;
	const struct auth_userdb_settings *set;
	struct arena *arena;
	void *context;
};

const struct userdb_ops *userdb_find(const char *name);
/* As passdb_module_create(). */
int userdb_module_create(const struct auth_userdb_settings *set,
	struct arena *arena, struct userdb_module **module_r,
	const char **error_r);
void userdb_module_destroy(struct userdb_module *module);
const char *userdb_module_log_name(const struct userdb_module *module);

/*
 * Parses a uid/gid value as Dovecot does: a number, or a user/group name
 * looked up through NSS.  Returns 0 with *id_r, or -1.
 */
int userdb_parse_uid(const char *str, uid_t *uid_r);
int userdb_parse_gid(const char *str, gid_t *gid_r);

extern const struct userdb_ops userdb_passwd_file;
extern const struct userdb_ops userdb_static;

#endif
