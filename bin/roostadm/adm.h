/*
 * adm.h - what every roostadm command shares: the exit codes (doveadm's,
 * which are sysexits.h values), the global options, the lazily loaded
 * configuration with the -o overrides, and the fatal-error path.
 *
 * roostadm is a command-line tool, not a service: it runs one command and
 * exits, so its state lives in one struct adm_context for the process.
 */
#ifndef ROOSTADM_ADM_H
#define ROOSTADM_ADM_H

#include "array.h"

struct config;

/*
 * Exit codes, as doveadm 2.3 uses them (values from sysexits.h).  A
 * command that fails for several objects (users, mailboxes) exits with the
 * code of the last failure, as doveadm does.
 */
enum adm_exit {
	ADM_EX_OK = 0,
	/* Bad command line: unknown command, bad option, missing argument. */
	ADM_EX_USAGE = 64,
	/* The operation is not possible (doveadm's DOVEADM_EX_NOTPOSSIBLE),
	   e.g. creating a mailbox that exists. */
	ADM_EX_NOTPOSSIBLE = 65,
	/* The user does not exist (userdb/passdb lookup said so). */
	ADM_EX_NOUSER = 67,
	/* The object (mailbox, message) was not found (DOVEADM_EX_NOTFOUND). */
	ADM_EX_NOTFOUND = 68,
	/* Internal error, including every fatal error. */
	ADM_EX_SOFTWARE = 70,
	/* Temporary failure: the server is not running, auth is unreachable,
	   the configuration cannot be read, a fatal error. */
	ADM_EX_TEMPFAIL = 75,
	/* The peer answered something that does not follow the protocol. */
	ADM_EX_PROTOCOL = 76,
	/* Authentication failed (auth test). */
	ADM_EX_NOPERM = 77,
	/* Configuration error. */
	ADM_EX_CONFIG = 78,
};

/* One -o setting=value. */
struct adm_override {
	const char *key;
	const char *value;
};

struct adm_context {
	/* -c FILE (default ADM_DEFAULT_CONFIG_PATH). */
	const char *config_path;
	/* -o key=value, in command-line order (later ones win). */
	ARRAY(struct adm_override) overrides;
	/* -f NAME, or NULL when not given. */
	const char *formatter;
	/* -D and -v. */
	bool debug, verbose;
	/* -h: formatters print no column titles. */
	bool hide_titles;

	/* Loaded on first use by adm_config(). */
	struct config *config;
	/* Process-lifetime memory. */
	struct arena *arena;
	/* The exit code the process will return (see enum adm_exit). */
	int exit_code;
};

#define ADM_DEFAULT_CONFIG_PATH "/etc/dovecot/dovecot.conf"

/* Initialises ctx with defaults; memory comes from arena. */
void adm_context_init(struct adm_context *ctx, struct arena *arena);
/* Frees the loaded configuration, if any. */
void adm_context_deinit(struct adm_context *ctx);

/*
 * Records a "-o key=value" argument.  Returns 0, or -1 with *error_r
 * ("Invalid -o parameter base_dir: Missing '='") for an argument without
 * '=' or with an empty key.  The strings are copied into ctx->arena.
 */
int adm_add_override(struct adm_context *ctx, const char *arg,
	const char **error_r);

/*
 * Returns the loaded configuration, loading ctx->config_path the first
 * time.  A file that cannot be read or parsed is fatal ("Error reading
 * configuration: ...", exit 75), as in doveadm.  Blocks on file I/O.
 */
struct config *adm_config(struct adm_context *ctx);

/*
 * The effective value of a global setting: the last -o override for key,
 * else the configuration's value (loading it if needed).  Never NULL for
 * a known setting; the string lives as long as ctx.
 */
const char *adm_setting(struct adm_context *ctx, const char *key);

/*
 * Path of a socket or file under base_dir: name is returned unchanged
 * when absolute, otherwise "<base_dir>/<name>".  Scratch memory.
 */
const char *adm_base_path(struct adm_context *ctx, const char *name);

/*
 * Sets the exit code (a later failure overrides an earlier one, as in
 * doveadm).
 */
void adm_set_exit(struct adm_context *ctx, int code);

/*
 * Logs "Fatal: <message>" to stderr and exits with ADM_EX_TEMPFAIL, as
 * doveadm maps every fatal error to EX_TEMPFAIL.
 */
void adm_fatal(const char *fmt, ...) ATTR_FORMAT(1, 2) ATTR_NORETURN;

#endif
