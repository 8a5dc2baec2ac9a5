/*
 * passdb.h - the password database interface.  A driver is one
 * struct passdb_ops (one row in passdb_drivers[], passdb.c); each
 * passdb {} section becomes one struct passdb_module.
 *
 * Lookups are synchronous: the drivers here (passwd-file, static) read
 * local files only.  A driver that can block on the network (SQL, LDAP,
 * PAM) sets .blocking; such drivers will run in auth-worker processes,
 * and until that exists the server refuses to start with one.
 */
#ifndef ROOST_PASSDB_H
#define ROOST_PASSDB_H

struct arena;
struct auth_request;
struct auth_passdb_settings;

enum passdb_result {
	PASSDB_RESULT_INTERNAL_FAILURE = -1,
	PASSDB_RESULT_SCHEME_NOT_AVAILABLE = -2,
	PASSDB_RESULT_USER_UNKNOWN = -3,
	PASSDB_RESULT_USER_DISABLED = -4,
	PASSDB_RESULT_PASS_EXPIRED = -5,
	PASSDB_RESULT_PASSWORD_MISMATCH = 0,
	PASSDB_RESULT_OK = 1,
};

struct passdb_module;

struct passdb_ops {
	const char *name;
	/* Lookups may block: route to auth-worker processes. */
	bool blocking;
	/*
	 * Parses args (the section's args = ...) into module->context.
	 * Called once at startup with privileges (files may be opened).
	 * Returns 0, or -1 with *error_r.
	 */
	int (*init)(struct passdb_module *module, const char *args,
		const char **error_r);
	void (*deinit)(struct passdb_module *module);
	/*
	 * Finds request->user.  On PASSDB_RESULT_OK sets *password_r to the
	 * stored password ("{SCHEME}..." or schemeless; NULL when the entry
	 * has none, e.g. nopassword) and adds the entry's extra fields with
	 * auth_request_set_field().  Other results leave the request's
	 * fields alone.  Must log its own lookup errors.
	 */
	enum passdb_result (*lookup)(struct passdb_module *module,
		struct auth_request *request, const char **password_r);
};

struct passdb_module {
	const struct passdb_ops *ops;
	const struct auth_passdb_settings *set;
	struct arena *arena;
	/* The scheme for passwords without {SCHEME} (args scheme=). */
	const char *default_pass_scheme;
	/* Driver state. */
	void *context;
};

/* The driver called name, or NULL. */
const struct passdb_ops *passdb_find(const char *name);
/*
 * Creates the module for set (driver lookup + init).  Returns 0 with
 * *module_r (in arena), or -1 with *error_r ("Unknown passdb driver 'x'",
 * or the driver's error).
 */
int passdb_module_create(const struct auth_passdb_settings *set,
	const char *default_pass_scheme, struct arena *arena,
	struct passdb_module **module_r, const char **error_r);
void passdb_module_destroy(struct passdb_module *module);

/* The name used in log prefixes: the section's name or the driver. */
const char *passdb_module_log_name(const struct passdb_module *module);

extern const struct passdb_ops passdb_passwd_file;
extern const struct passdb_ops passdb_static;

#endif
