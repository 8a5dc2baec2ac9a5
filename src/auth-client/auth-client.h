/*
 * auth-client.h - the login side of Dovecot's auth client protocol
 * (docs/ipc/auth.md): an asynchronous, event-loop driven client that
 * connects to the auth server's client socket (base_dir/auth-client),
 * learns the mechanisms, the server pid (SPID), the connect uid (CUID) and
 * the connection cookie (COOKIE), and runs SASL exchanges
 * (AUTH/CONT -> CONT/OK/FAIL) for many clients at once.
 *
 * Used by the login processes (imap-login, pop3-login, ...).  Everything
 * runs from the current ioloop (ioloop.h); no function here blocks.  When
 * the connection to auth breaks, every pending request fails with
 * AUTH_CLIENT_STATUS_INTERNAL_FAIL and the client reconnects with
 * back-off; requests made while disconnected fail the same way (from the
 * loop, never inside the call), and requests made while the first
 * handshake is in progress wait for it.
 */
#ifndef ROOST_AUTH_CLIENT_H
#define ROOST_AUTH_CLIENT_H

struct arena;
struct auth_client;
struct auth_client_request;

/* Mechanism flags as the server advertises them in MECH lines. */
enum auth_mech_flags {
	AUTH_MECH_FLAG_ANONYMOUS = 0x01,      /* "anonymous" */
	AUTH_MECH_FLAG_PLAINTEXT = 0x02,      /* "plaintext" */
	AUTH_MECH_FLAG_DICTIONARY = 0x04,     /* "dictionary" */
	AUTH_MECH_FLAG_ACTIVE = 0x08,         /* "active" */
	AUTH_MECH_FLAG_FORWARD_SECRECY = 0x10, /* "forward-secrecy" */
	AUTH_MECH_FLAG_MUTUAL_AUTH = 0x20,    /* "mutual-auth" */
	AUTH_MECH_FLAG_PRIVATE = 0x40,        /* "private": don't advertise */
};

struct auth_mech_desc {
	const char *name; /* upper-case, e.g. "PLAIN" */
	enum auth_mech_flags flags;
};

enum auth_client_status {
	/* Auth is unreachable or failed internally: tell the user to try
	   again later ("Temporary authentication failure"). */
	AUTH_CLIENT_STATUS_INTERNAL_FAIL = -2,
	/* Authentication failed (FAIL line; args say why). */
	AUTH_CLIENT_STATUS_FAIL = -1,
	/* The server sent a challenge (CONT); answer with
	   auth_client_request_continue(). */
	AUTH_CLIENT_STATUS_CONTINUE = 0,
	/* Authentication succeeded (OK line; args hold user=... etc). */
	AUTH_CLIENT_STATUS_OK = 1,
};

/* What a login process tells auth about one authentication attempt. */
struct auth_client_request_info {
	const char *mech;          /* "PLAIN", "LOGIN", ... (required) */
	const char *service;       /* "imap", "pop3", "smtp" (required) */
	const char *session_id;    /* session=, NULL for none */
	const char *local_ip;      /* lip=, NULL for none */
	const char *remote_ip;     /* rip=, NULL for none */
	unsigned int local_port;   /* lport=, 0 for none */
	unsigned int remote_port;  /* rport=, 0 for none */
	const char *local_name;    /* local_name= (TLS SNI), NULL for none */
	bool secured;              /* "secured": TLS or a trusted network */
	bool valid_client_cert;    /* "valid-client-cert" */
	bool no_penalty;           /* "no-penalty" */
	bool debug;                /* "debug": the server logs this request */
	/* SASL initial response, already base64; NULL = none, "" = an empty
	   initial response (sent as "resp="). */
	const char *initial_resp_base64;
	/* More key=value parameters to send verbatim (tab-escaped), NULL-
	   terminated; may be NULL. */
	const char *const *extra_params;
};

/*
 * Called for each reply.  For CONTINUE, data_base64 is the challenge
 * ("" for an empty one) and args is empty.  For OK and FAIL, args is the
 * NULL-terminated list of reply fields after the id, unescaped
 * ("user=alice", "nodelay", "reason=...", "temp", ...), and data_base64 is
 * the resp= field of OK (or NULL).  For INTERNAL_FAIL, data_base64 is NULL
 * and args holds one "reason=..." for logging.  Everything passed is valid
 * only during the call.  After OK, FAIL and INTERNAL_FAIL the request is
 * finished and freed when the callback returns; the callback must not
 * touch it afterwards (but may read its id/cookie during the call).
 */
typedef void auth_client_request_callback_t(
	struct auth_client_request *request, enum auth_client_status status,
	const char *data_base64, const char *const *args, void *context);

/*
 * Called whenever the handshake completes (connected = true) or an
 * established connection is lost (connected = false).  Optional.
 */
typedef void auth_client_connect_callback_t(struct auth_client *client,
	bool connected, void *context);

/*
 * Creates a client for the auth socket at socket_path and starts
 * connecting from the current ioloop (the connect itself is a local UNIX
 * socket connect, which does not block in practice).  client_pid is sent
 * as CPID (normally getpid()); the auth server keys the login cookie to
 * it.  Never fails: connection problems are logged and retried.
 */
struct auth_client *auth_client_create(const char *socket_path,
	pid_t client_pid);
/*
 * Fails every pending request with INTERNAL_FAIL (callbacks run inside
 * this call), closes the connection and frees the client; *client = NULL.
 */
void auth_client_destroy(struct auth_client **client);

void auth_client_set_connect_notify(struct auth_client *client,
	auth_client_connect_callback_t *callback, void *context);
/* True when the handshake has completed and the connection is up. */
bool auth_client_is_connected(const struct auth_client *client);

/* The mechanisms the server offers (valid until the next reconnect). */
const struct auth_mech_desc *
auth_client_get_available_mechs(const struct auth_client *client,
	unsigned int *count_r);
/* Case-insensitive lookup among the offered mechanisms, or NULL. */
const struct auth_mech_desc *
auth_client_find_mech(const struct auth_client *client, const char *name);

/* The server's pid (SPID), connect uid (CUID) and 32 hex digit cookie
   (COOKIE) of the current connection; 0 / NULL when not connected. */
pid_t auth_client_get_server_pid(const struct auth_client *client);
unsigned int auth_client_get_connect_id(const struct auth_client *client);
const char *auth_client_get_cookie(const struct auth_client *client);
/* Number of requests waiting for a reply. */
unsigned int auth_client_pending_count(const struct auth_client *client);

/*
 * Starts an authentication.  The returned request stays valid until its
 * callback reports OK/FAIL/INTERNAL_FAIL or it is aborted.  Never NULL:
 * when auth is down the callback reports INTERNAL_FAIL from the loop.
 * Strings in info are copied.
 */
struct auth_client_request *
auth_client_request_new(struct auth_client *client,
	const struct auth_client_request_info *info,
	auth_client_request_callback_t *callback, void *context);
/* Sends the answer (base64, "" allowed) to a CONTINUE challenge. */
void auth_client_request_continue(struct auth_client_request *request,
	const char *data_base64);
/*
 * Abandons the request without calling its callback (the client went
 * away).  The server is not told (the protocol has no abort); a late
 * reply is ignored.  *request = NULL.
 */
void auth_client_request_abort(struct auth_client_request **request);

/* The request's id (the <id> of AUTH lines), unique per connection. */
unsigned int auth_client_request_get_id(const struct auth_client_request *r);
/* The hand-off triple for the post-login process: the server pid, and
   the cookie of the connection that carried this request. */
pid_t auth_client_request_get_server_pid(
	const struct auth_client_request *request);
const char *
auth_client_request_get_cookie(const struct auth_client_request *request);

/*
 * A blocking, one-shot PLAIN authentication over the client protocol (the
 * roostadm "auth test" helper, like doveadm auth test).  Connects to
 * socket_path, does the handshake, sends AUTH with PLAIN for user/password
 * (authzid master_user when not NULL) and waits up to timeout_msecs.
 * Returns 1 on OK, 0 on FAIL, -1 on a connection/protocol error (with
 * *error_r).  *fields_r (NULL-terminated, allocated from arena) receives
 * the OK/FAIL fields.
 */
int auth_client_test_plain(const char *socket_path,
	const struct auth_client_request_info *info, const char *user,
	const char *master_user, const char *password,
	unsigned int timeout_msecs, struct arena *arena,
	const char *const **fields_r, const char **error_r);

#endif
