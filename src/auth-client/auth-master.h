/*
 * auth-master.h - the post-login side of Dovecot's auth master protocol
 * (docs/ipc/auth.md): a simple blocking client of the auth server's
 * auth-master / auth-userdb sockets.
 *
 * Used by the mail processes (imap, pop3, lmtp) and roostadm.  Each call
 * sends one request and waits for its reply (with a timeout), reconnecting
 * first if needed; one connection may carry many calls.  The REQUEST
 * command (cookie check of a login hand-off) needs the auth-master socket;
 * auth-userdb answers only USER, PASS and LIST.
 *
 * Results are allocated from the arena the caller passes; nothing here
 * keeps pointers into it.
 */
#ifndef ROOST_AUTH_MASTER_H
#define ROOST_AUTH_MASTER_H

struct arena;
struct auth_master_connection;
struct auth_master_user_list_ctx;

/* Lookup context sent along with USER/PASS lookups (all optional). */
struct auth_user_info {
	const char *service;    /* service=, e.g. "imap"; NULL = "" */
	const char *local_ip;   /* lip= */
	const char *remote_ip;  /* rip= */
	unsigned int local_port;  /* lport=, 0 = none */
	unsigned int remote_port; /* rport=, 0 = none */
	const char *session_id; /* session= */
	bool debug;             /* "debug": the server logs this lookup */
};

#define AUTH_MASTER_DEFAULT_TIMEOUT_MSECS (30 * 1000)

/*
 * Creates a connection object for the socket at path; nothing is
 * connected until the first request.  timeout_msecs bounds each request
 * (connect + handshake + reply).
 */
struct auth_master_connection *
auth_master_init(const char *socket_path, unsigned int timeout_msecs);
/* Closes the socket and frees; *conn = NULL. */
void auth_master_deinit(struct auth_master_connection **conn);
/* The server's pid from the SPID line (0 before the first handshake). */
pid_t auth_master_get_server_pid(const struct auth_master_connection *conn);

/*
 * userdb lookup (USER).  Returns 1 found with *username_r (the canonical
 * name, which the userdb may have changed) and *fields_r (NULL-terminated
 * "key=value" strings, unescaped: uid=, gid=, home=, mail=, ...), 0 when
 * the user does not exist, -1 on failure (auth down, timeout, internal
 * error in auth) with *error_r.  Blocks up to the timeout.
 */
int auth_master_user_lookup(struct auth_master_connection *conn,
	const char *user, const struct auth_user_info *info,
	struct arena *arena, const char **username_r,
	const char *const **fields_r, const char **error_r);

/*
 * passdb lookup without a password check (PASS), for roostadm auth
 * lookup.  Returns 1 with *fields_r ("user=...", extra fields; the
 * password itself is never sent), 0 when the user does not exist, -1 on
 * failure with *error_r.  Blocks up to the timeout.
 */
int auth_master_pass_lookup(struct auth_master_connection *conn,
	const char *user, const struct auth_user_info *info,
	struct arena *arena, const char *const **fields_r,
	const char **error_r);

/*
 * Verifies a login hand-off (REQUEST): the login process with pid
 * client_pid, connected to auth with cookie (32 hex digits), finished a
 * successful authentication with id auth_id.  On success auth runs the
 * userdb lookup and the request is consumed (a second REQUEST for it
 * fails).  session_pid (0 = none) is the pid of the process that will run
 * the session, checked by auth against the socket's peer credentials.
 * Returns 1 with *username_r and *fields_r (userdb fields), 0 when auth
 * rejected the hand-off (bad cookie, unknown or expired request, user not
 * in userdb: *error_r says which), -1 on failure (auth down, timeout).
 * Blocks up to the timeout.
 */
int auth_master_request(struct auth_master_connection *conn,
	pid_t client_pid, unsigned int auth_id, const char *cookie,
	pid_t session_pid, struct arena *arena, const char **username_r,
	const char *const **fields_r, const char **error_r);

/*
 * User iteration (LIST).  user_mask (NULL = all) is a pattern with '*'
 * and '?' wildcards; it is sent to the server and also applied here, since
 * drivers may ignore it.  info may be NULL.  Blocks.
 */
struct auth_master_user_list_ctx *
auth_master_user_list_init(struct auth_master_connection *conn,
	const char *user_mask, const struct auth_user_info *info);
/* The next user name (valid until the next call), or NULL at the end or
   on error. */
const char *auth_master_user_list_next(struct auth_master_user_list_ctx *ctx);
/* Returns 0 if the whole list was received, -1 on error (with *error_r
   valid until the connection is next used); frees; *ctx = NULL. */
int auth_master_user_list_deinit(struct auth_master_user_list_ctx **ctx,
	const char **error_r);

/* True if name matches mask ('*' any run, '?' any one character). */
bool auth_master_user_mask_match(const char *mask, const char *name);

#endif
