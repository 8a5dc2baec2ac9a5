/*
 * auth-server.h - the auth process's connections: the client protocol
 * (login processes, Postfix: auth-client-conn.c) and the master protocol
 * (mail processes, roostadm: auth-master-conn.c) over UNIX sockets, on
 * top of one struct auth (auth.h).  Also keeps the successful logins that
 * wait for their post-login REQUEST.
 *
 * Every connection is non-blocking on the current ioloop; a peer that
 * sends a malformed line is logged and disconnected without affecting
 * any other connection.
 */
#ifndef ROOST_AUTH_SERVER_H
#define ROOST_AUTH_SERVER_H

struct auth;
struct buf;
struct auth_server;
struct auth_client_conn;
struct auth_master_conn;

/* Which protocol a listener speaks. */
enum auth_socket_type {
	AUTH_SOCKET_CLIENT,  /* auth-client, auth-login, login/login, ... */
	AUTH_SOCKET_MASTER,  /* auth-master: USER PASS LIST REQUEST */
	AUTH_SOCKET_USERDB,  /* auth-userdb: USER PASS LIST */
};

/* Limits (per client connection). */
#define AUTH_CLIENT_MAX_PENDING_REQUESTS 1024
#define AUTH_CLIENT_MAX_WAITING_HANDOFFS 4096
/* How long a successful login waits for the post-login REQUEST. */
#define AUTH_HANDOFF_TIMEOUT_MSECS (60 * 1000)
/* A SASL exchange that does not finish in this time is dropped. */
#define AUTH_REQUEST_TIMEOUT_MSECS (3 * 60 * 1000)

/*
 * Dovecot's rule for a listener: "auth-userdb" speaks the master protocol
 * without REQUEST, "auth-master*" the full master protocol, anything else
 * ("auth-client", "auth-login", "login/login",
 * "/var/spool/postfix/private/auth") the client protocol.  The last path
 * component decides.
 */
enum auth_socket_type auth_socket_type_from_name(const char *name);

/* Creates the connection registry for auth (which must outlive it). */
struct auth_server *auth_server_create(struct auth *auth);
/* Closes every connection and frees; *server = NULL. */
void auth_server_destroy(struct auth_server **server);
struct auth *auth_server_get_auth(const struct auth_server *server);

/* Takes ownership of fd (a connected UNIX socket) and starts the
   protocol's handshake. */
void auth_server_add_connection(struct auth_server *server, int fd,
	enum auth_socket_type type);
unsigned int auth_server_client_count(const struct auth_server *server);
/* callback runs after each connection added with
   auth_server_add_connection() has closed (the process uses it for its
   client_limit accounting).  Not called from auth_server_destroy(). */
void auth_server_set_connection_closed_callback(struct auth_server *server,
	void (*callback)(void *context), void *context);
unsigned int auth_server_master_count(const struct auth_server *server);

/*
 * A client protocol connection without a socket, for tests and the fuzz
 * target: every line it would send is appended to out (with LF).  Feed
 * it with auth_client_conn_input_line(); it is "closed" when
 * auth_client_conn_is_closed() says so, and then must be destroyed.
 */
struct auth_client_conn *auth_client_conn_create_test(
	struct auth_server *server, struct buf *out);
/* Handles one input line (no LF).  Returns false when the connection
   was closed because of it. */
bool auth_client_conn_input_line(struct auth_client_conn *conn,
	const char *line);
bool auth_client_conn_is_closed(const struct auth_client_conn *conn);
void auth_client_conn_destroy(struct auth_client_conn **conn);

#endif
