/*
 * auth-request.h - one authentication or lookup in the auth server: the
 * parameters the client sent, the user name as it gets normalised, the
 * passdb and userdb chains, the fields they produce, and Dovecot's log
 * lines for it ("passwd-file(user,1.2.3.4,<session>): unknown user").
 *
 * A request has its own arena (wiped when freed: it holds the plaintext
 * password).  It is driven by a mechanism (mech.h) for client AUTH
 * requests, or directly by the master connection for USER/PASS lookups.
 */
#ifndef ROOST_AUTH_REQUEST_H
#define ROOST_AUTH_REQUEST_H

#include "passdb.h"
#include "userdb.h"

struct arena;
struct auth;
struct auth_fields;
struct mech_module;
struct passdb_module;
struct userdb_module;
struct var_expand_table;

enum auth_request_result {
	AUTH_REQUEST_RESULT_CONTINUE,
	AUTH_REQUEST_RESULT_SUCCESS,
	AUTH_REQUEST_RESULT_FAILURE,
	AUTH_REQUEST_RESULT_INTERNAL_FAILURE,
};

/*
 * How a request reports to its owner (the client connection): a CONT
 * challenge (data = raw challenge bytes), or the final result (data =
 * success data for SUCCESS, usually empty).  Called once per step; after
 * a final result the owner decides when to free the request (never
 * inside this callback).
 */
typedef void auth_request_reply_callback_t(struct auth_request *request,
	enum auth_request_result result, const void *data, size_t size,
	void *context);

typedef void auth_request_passdb_callback_t(enum passdb_result result,
	struct auth_request *request);
typedef void auth_request_userdb_callback_t(enum userdb_result result,
	struct auth_request *request);

/* The log prefix subsystems: the current db's name, or the mechanism's. */
#define AUTH_SUBSYS_DB ((const char *)1)
#define AUTH_SUBSYS_MECH ((const char *)2)

struct auth_request {
	struct arena *arena;
	struct auth *auth;
	const struct auth_settings *set;
	unsigned int id;
	const struct mech_module *mech;
	/* Mechanism state (LOGIN: 0 = want username, 1 = want password). */
	unsigned int mech_state;

	/* Parameters from the client (AUTH line) or master (USER/PASS). */
	const char *service;
	const char *session_id;
	const char *local_ip, *remote_ip;
	const char *local_name;
	unsigned int local_port, remote_port;
	bool secured, valid_client_cert, no_penalty, debug;
	bool final_resp_ok;

	/* The name as the mechanism gave it, the normalised one, and the
	   authorization identity when it differs (a master user login). */
	const char *original_username;
	const char *user;
	const char *requested_login_user;
	/* The plaintext password from the mechanism (wiped on free). */
	char *mech_password;

	/* Fields for the OK/FAIL reply (passdb extra fields) and for the
	   userdb reply (userdb_* passdb fields, then the userdb's). */
	struct auth_fields *extra_fields;
	struct auth_fields *userdb_fields;
	/* FAIL reason= and code= (NULL = none). */
	const char *failure_reason;
	const char *failure_code;

	/* Chain state. */
	const struct passdb_module *passdb;
	const struct userdb_module *userdb;
	bool userdb_lookup;      /* logging: in the userdb phase */
	bool passdb_success;
	bool password_verified;
	bool userdb_success;
	bool nopassword;         /* the passdb entry has "nopassword" */
	bool passdb_denied;      /* allow_nets did not match */
	bool passdb_password_set;
	const char *passdb_password;

	/* Owner bookkeeping. */
	auth_request_reply_callback_t *reply_callback;
	void *reply_context;
	uint64_t create_msecs;
	bool finished;
	bool successful;
	bool internal_failure;
};

/* Creates a request for auth (mech may be NULL for master lookups). */
struct auth_request *auth_request_new(struct auth *auth,
	const struct mech_module *mech,
	auth_request_reply_callback_t *callback, void *context);
/* Wipes and frees; *request = NULL. */
void auth_request_free(struct auth_request **request);

/*
 * Applies one key=value parameter of an AUTH/USER/PASS line (service,
 * lip, rip, lport, rport, session, local_name, secured, valid-client-cert,
 * no-penalty, debug, final-resp-ok...).  Returns true if the key is
 * known; unknown keys are ignored by the caller, as Dovecot does.
 * Returns false with *error_r for a known key with an invalid value.
 */
bool auth_request_import(struct auth_request *request, const char *key,
	const char *value, const char **error_r);

/*
 * Normalises username (auth_default_realm, auth_username_translation,
 * auth_username_chars, auth_username_format) and sets request->user and
 * original_username.  Returns false with *error_r (to be logged with the
 * mechanism prefix) when the name is rejected.
 */
bool auth_request_set_username(struct auth_request *request,
	const char *username, const char **error_r);
/* The SASL authorization identity; false with *error_r if it cannot be
   used (master user logins need a master passdb). */
bool auth_request_set_login_username(struct auth_request *request,
	const char *username, const char **error_r);

/* Runs the passdb chain, verifying password; calls callback once. */
void auth_request_verify_plain(struct auth_request *request,
	const char *password, auth_request_passdb_callback_t *callback);
/* Runs the passdb chain without a password (PASS lookups). */
void auth_request_lookup_pass(struct auth_request *request,
	auth_request_passdb_callback_t *callback);
/* Runs the userdb chain for request->user; calls callback once. */
void auth_request_lookup_user(struct auth_request *request,
	auth_request_userdb_callback_t *callback);

/*
 * A field from a passdb entry: "password", "user", "nopassword",
 * "allow_nets", "nodelay", "userdb_<x>" (to the userdb fields) and any
 * other extra field.  value may be NULL for a bare key.
 */
void auth_request_set_field(struct auth_request *request, const char *name,
	const char *value);
/* A userdb field; uid/gid names are resolved to numbers.  Logs and
   ignores an invalid uid/gid. */
void auth_request_set_userdb_field(struct auth_request *request,
	const char *name, const char *value);
/* Parses "key=value key2 ..." (space-separated; %variables expanded) and
   sets each as a passdb field or (userdb) a userdb field. */
void auth_request_set_fields_str(struct auth_request *request,
	const char *fields, bool userdb);

/* Mechanism -> owner. */
void auth_request_continue(struct auth_request *request, const void *data,
	size_t size);
void auth_request_success(struct auth_request *request, const void *data,
	size_t size);
void auth_request_fail(struct auth_request *request);
void auth_request_internal_failure(struct auth_request *request);

/* The %variable table for this request (scratch memory). */
const struct var_expand_table *
auth_request_var_table(struct auth_request *request);
/*
 * Expands template with the request's variables into scratch memory.
 * Returns 0, or -1 with *error_r.
 */
int auth_request_var_expand(struct auth_request *request,
	const char *template_str, const char **result_r,
	const char **error_r);

/* True when debug logging applies to this request. */
bool auth_request_debug_enabled(const struct auth_request *request);
/* Dovecot's "<subsys>(<user>,<rip>[,master][,<session>]): " prefix. */
const char *auth_request_log_prefix(const struct auth_request *request,
	const char *subsystem);
void auth_request_log_debug(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...) ATTR_FORMAT(3, 4);
/* Logged when auth_verbose (or request debug) is on. */
void auth_request_log_info(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...) ATTR_FORMAT(3, 4);
void auth_request_log_warning(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...) ATTR_FORMAT(3, 4);
void auth_request_log_error(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...) ATTR_FORMAT(3, 4);
/* "unknown user" at info level (auth_verbose). */
void auth_request_log_unknown_user(const struct auth_request *request,
	const char *subsystem);
/* "Password mismatch" with auth_verbose_passwords' given password. */
void auth_request_log_password_mismatch(const struct auth_request *request,
	const char *subsystem);

#endif
