/*
 * login-common.h - the pre-authentication machinery shared by the login
 * processes (imap-login now; pop3-login and managesieve-login later).
 *
 * As in Dovecot's login-common, a protocol is a struct of hooks (struct
 * login_binary) and its main() is one call to login_binary_run().  This
 * library owns everything that is not protocol syntax: accepting clients
 * from master-service, per-client settings with filters, the
 * secured/trusted decision, limits and timeouts, the SASL relay to the
 * auth server (login-auth.c), the hand-off of the authenticated
 * connection to the post-login process (login-postlogin.c,
 * docs/ipc/login.md) and Dovecot's log lines ("Login: ...",
 * "Disconnected: ... (auth failed, 1 attempts in 2 secs): ...").
 */
#ifndef ROOST_LOGIN_COMMON_H
#define ROOST_LOGIN_COMMON_H

#include "net.h"
#include "login-handoff.h"

struct arena;
struct auth_client;
struct auth_client_request;
struct conn;
struct config;
struct master_service;
struct timeout;
struct login_client;
struct login_postlogin;

/* Dovecot's client-visible texts. */
#define LOGIN_AUTH_FAILED_MSG "Authentication failed."
#define LOGIN_AUTH_TEMP_FAILED_MSG "Temporary authentication failure."
#define LOGIN_PLAINTEXT_DISABLED_MSG \
	"Plaintext authentication disallowed on non-secure " \
	"(SSL/TLS) connections."
#define LOGIN_INTERNAL_ERROR_MSG \
	"Internal error occurred. Refer to server log for more information."

/* Pre-login input limits: the longest command line and continuation
   line (Dovecot reads SASL responses into an 8 KiB buffer). */
#define LOGIN_MAX_INBUF_SIZE 8192
/* Longest mechanism name and user name kept for logging (longer ones
   are truncated in the log line only). */
#define LOGIN_MAX_MECH_NAME_LEN 64
#define LOGIN_MAX_USER_LOG_LEN 255
/* Idle pre-login clients are disconnected after this (Dovecot: 3 min). */
#define LOGIN_CLIENT_TIMEOUT_MSECS (3 * 60 * 1000)
/* Dovecot tells a client waiting this long for auth to come up that
   it is waiting. */
#define LOGIN_AUTH_WAITING_MSECS (30 * 1000)
#define LOGIN_AUTH_WAITING_MSG \
	"Waiting for authentication process to respond.."
/* How long to wait for the post-login process to take the client. */
#define LOGIN_POSTLOGIN_TIMEOUT_MSECS (30 * 1000)

/* What login-auth.c tells the protocol about an authentication. */
enum login_auth_result {
	LOGIN_AUTH_RESULT_SUCCESS,
	LOGIN_AUTH_RESULT_AUTHFAILED,        /* NO [AUTHENTICATIONFAILED] */
	LOGIN_AUTH_RESULT_AUTHFAILED_REASON, /* NO [ALERT] reason */
	LOGIN_AUTH_RESULT_AUTHZFAILED,       /* NO [AUTHORIZATIONFAILED] */
	LOGIN_AUTH_RESULT_TEMPFAIL,          /* NO [UNAVAILABLE] */
	LOGIN_AUTH_RESULT_PASS_EXPIRED,      /* NO [EXPIRED] */
	LOGIN_AUTH_RESULT_MECH_INVALID,      /* NO [ALERT] */
	LOGIN_AUTH_RESULT_MECH_SSL_REQUIRED, /* NO [PRIVACYREQUIRED] */
	LOGIN_AUTH_RESULT_ABORTED,           /* BAD */
	LOGIN_AUTH_RESULT_INVALID_BASE64,    /* NO [ALERT] */
};

/* Why the last attempt failed: selects the "(...)" part of the
   Disconnected line, as in Dovecot. */
enum login_auth_fail_code {
	LOGIN_AUTH_FAIL_NONE = 0,
	LOGIN_AUTH_FAIL_AUTHZFAILED,
	LOGIN_AUTH_FAIL_TEMPFAIL,
	LOGIN_AUTH_FAIL_USER_DISABLED,
	LOGIN_AUTH_FAIL_PASS_EXPIRED,
	LOGIN_AUTH_FAIL_INVALID_BASE64,
	LOGIN_AUTH_FAIL_LOGIN_DISABLED,
	LOGIN_AUTH_FAIL_MECH_INVALID,
	LOGIN_AUTH_FAIL_MECH_SSL_REQUIRED,
};

enum login_disconnect_reason {
	LOGIN_DISCONNECT_TIMEOUT,
	LOGIN_DISCONNECT_SHUTDOWN,
	LOGIN_DISCONNECT_INTERNAL_ERROR,
	LOGIN_DISCONNECT_RESOURCE_CONSTRAINT,
	LOGIN_DISCONNECT_PROTOCOL_ERROR,
};

/* Settings of one client, looked up with its filter (protocol, service,
   local and remote IP).  Strings live as long as the configuration. */
struct login_settings {
	const char *login_greeting;
	const char *login_trusted_networks;
	const char *login_log_format_elements;
	const char *login_log_format;
	bool disable_plaintext_auth;
	bool auth_verbose;
	bool auth_debug;
	bool verbose_proctitle;
};

/* The protocol's hooks. */
struct login_binary {
	/* "imap-login" (the service and log prefix) and "imap" (the
	   protocol filter, auth service= and post-login socket name). */
	const char *process_name;
	const char *protocol;

	/* Allocates the protocol's client struct (which begins with a
	   struct login_client) from arena. */
	struct login_client *(*client_alloc)(struct arena *arena);
	/* The common part is filled in; set up protocol state. */
	void (*client_create)(struct login_client *client);
	/* Release protocol state (the arena goes with the client). */
	void (*client_destroy)(struct login_client *client);
	/* Auth is connected: send the greeting (called once). */
	void (*send_greeting)(struct login_client *client);
	/* Client input is buffered: parse and run commands while
	   login_client_can_read(client). */
	void (*input)(struct login_client *client);
	/* The auth server sent a SASL challenge (base64, may be ""). */
	void (*auth_send_challenge)(struct login_client *client,
		const char *data_base64);
	/* The attempt ended without success: answer the pending command.
	   text is client-safe. */
	void (*auth_result)(struct login_client *client,
		enum login_auth_result result, const char *text);
	/* An untagged status line ("* OK <text>"). */
	void (*send_status)(struct login_client *client, const char *text);
	/* Tell the client why it is being disconnected ("* BYE ..."). */
	void (*notify_disconnect)(struct login_client *client,
		enum login_disconnect_reason reason, const char *text);
};

struct login_client {
	struct login_client *prev, *next;
	struct arena *arena;
	const struct login_binary *binary;
	struct login_settings set;
	struct conn *conn;

	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	const char *listener_name;
	const char *session_id;
	uint64_t created_msecs;
	time_t created;
	struct timeout *to_idle;
	struct timeout *to_auth_waiting;

	/* Trusted: from login_trusted_networks.  Secured: TLS, trusted, or
	   the remote IP is the local IP (a local connection). */
	bool trusted, secured, tls;

	/* Authentication state. */
	struct auth_client_request *auth_request;
	/* Overwritten by every attempt (fixed buffers, so a client that
	   keeps trying never grows its memory). */
	char auth_mech_name[LOGIN_MAX_MECH_NAME_LEN + 1];
	char virtual_user[LOGIN_MAX_USER_LOG_LEN + 1];
	unsigned int auth_attempts, auth_successes;
	time_t auth_first_started;
	enum login_auth_fail_code last_auth_fail;
	/* Waiting for the client's answer to a challenge. */
	bool auth_waiting;
	/* Like Dovecot's auth_waiting for the Disconnected line: set by a
	   challenge, cleared only by an answer that is not "*". */
	bool auth_waiting_log;
	/* The auth server accepted: handing off to the post-login process. */
	bool authenticating;
	bool auth_try_aborted;
	bool auth_process_comm_fail;
	bool notified_auth_ready;
	bool login_success;
	bool destroyed;

	/* Protocol errors so far (IMAP: 3 = disconnect). */
	unsigned int bad_counter;
	/* The tag the post-login process answers with (IMAP). */
	const char *handoff_tag;
	struct login_postlogin *postlogin;
	unsigned int postlogin_auth_id;
	/* Auth said OK while replies were still queued: the hand-off waits
	   for the output to drain (a connection can only be passed on with
	   nothing left to write). */
	bool postlogin_wait_output;
	pid_t postlogin_auth_pid;
	char postlogin_cookie[LOGIN_HANDOFF_COOKIE_LEN + 1];
	pid_t mail_pid;
};

/* Process-wide state. */
struct login_process {
	const struct login_binary *binary;
	struct master_service *service;
	const struct config *config;
	struct auth_client *auth_client;
	/* base_dir/login/<protocol> or, chrooted, "<protocol>". */
	const char *postlogin_socket_path;
	struct login_client *clients;
	unsigned int client_count;
	bool shutting_down;
	struct timeout *to_die;
};
extern struct login_process *login_process;

/*
 * The whole login process: master_service_init(), settings, privilege
 * drop, the auth client, the connection callback, the loop.  Returns the
 * process exit code.
 */
int login_binary_run(const struct login_binary *binary, int argc,
	char **argv);

/* Reads the settings for a connection (filter: protocol, service, local
   and remote IP). */
void login_settings_read(const struct config *config,
	const struct login_binary *binary, const struct ip_addr *local_ip,
	const struct ip_addr *remote_ip, struct login_settings *set_r);
/* A protocol setting for the client's filter ("imap_id_send"): the
   value lives as long as the configuration.  Panics for unknown keys. */
const char *login_client_setting(const struct login_client *client,
	const char *key);
bool login_client_setting_bool(const struct login_client *client,
	const char *key);
uint64_t login_client_setting_size(const struct login_client *client,
	const char *key);
/* True if ip is in the space-separated list of IPs/CIDR ranges. */
bool login_ip_in_networks(const struct ip_addr *ip, const char *networks);

/* Creates a client for an accepted fd (takes it over). */
struct login_client *login_client_create(int fd, const char *listener_name,
	bool ssl, const struct ip_addr *local_ip, in_port_t local_port,
	const struct ip_addr *remote_ip, in_port_t remote_port);
/*
 * Ends the client: logs "Disconnected: <reason> (<why>): <elements>"
 * (unless the login succeeded or reason is NULL), aborts any auth,
 * closes the connection and frees the client from the loop.  Safe to
 * call more than once (later calls do nothing).
 */
void login_client_destroy(struct login_client *client, const char *reason);
/* Like login_client_destroy(); with_extra = false leaves out the
   "(...)" part (the reason already has its own). */
void login_client_destroy_reason(struct login_client *client,
	const char *reason, bool with_extra);
/* Frees a destroyed client (from the loop; internal to the library). */
void login_client_free_final(struct login_client *client);
/* Attaches a new conn for fd after a failed hand-off. */
void login_client_reattach(struct login_client *client, int fd);
/* Greets the clients that waited for auth to connect. */
void login_client_notify_auth_ready_all(void);
/* Sends notify_disconnect(text) and destroys with reason. */
void login_client_disconnect(struct login_client *client,
	enum login_disconnect_reason why, const char *text,
	const char *reason);
/* True if input may be processed now (not authenticating, handing off
   or destroyed). */
bool login_client_can_read(const struct login_client *client);
/* Queues output to the client. */
void login_client_send(struct login_client *client, const char *data,
	size_t size);
void login_client_send_str(struct login_client *client, const char *str);
/* Logs an Info line with the client's log elements: "<msg>: user=<>,
   ...".  msg is not a format. */
void login_client_log(struct login_client *client, const char *msg);
/* The "(...)" part of the Disconnected line (scratch memory). */
const char *login_client_get_disconnect_extra(struct login_client *client);
/* The same for a given current time (login-disconnect.c, for tests). */
const char *login_disconnect_extra_at(const struct login_client *client,
	time_t now);
/* Restarts the pre-login inactivity timer. */
void login_client_input_activity(struct login_client *client);

/* The capability string's AUTH=... part: appends " AUTH=<mech>" for
   every mechanism this client may use (scratch memory). */
const char *login_client_get_auth_capabilities(struct login_client *client);
/* True if plaintext mechanisms are refused for this client. */
bool login_client_plaintext_disabled(const struct login_client *client);
/* True if the auth server offers mechanism name to this client. */
bool login_client_mech_available(const struct login_client *client,
	const char *name);

/*
 * Starts a SASL authentication (login-auth.c).  resp_base64 is the
 * initial response: NULL = none, "" = empty.  The result arrives through
 * auth_send_challenge / auth_result, or, on success, the client is
 * handed off.  Input is paused until then.
 */
void login_auth_begin(struct login_client *client, const char *mech,
	const char *resp_base64);
/* The client's answer to a challenge: a base64 line, or "*" to abort. */
void login_auth_continue(struct login_client *client, const char *line);
/* Forgets any running auth request (client going away). */
void login_auth_abort(struct login_client *client);
/* Remembers the user name / mechanism of the current attempt. */
void login_client_set_user(struct login_client *client, const char *user);
void login_client_set_mech(struct login_client *client, const char *mech);
/* Marks a locally refused attempt (LOGIN without TLS, unknown mech...). */
void login_auth_count_failed_attempt(struct login_client *client,
	const char *user, enum login_auth_fail_code code);

/*
 * Hands the client to the post-login process (login-postlogin.c) after a
 * successful authentication: detaches the connection, sends the frame
 * with the fd, waits for the reply; on OK logs "Login: ..." and frees the
 * client; on failure tells the client and disconnects.
 */
void login_postlogin_start(struct login_client *client, pid_t auth_pid,
	unsigned int auth_id, const char *cookie);
void login_postlogin_free(struct login_client *client);
/* The client's output drained: continue a hand-off that waited for it. */
void login_postlogin_output_drained(struct login_client *client);

#endif
