/*
 * auth-server-private.h - what the client and master connection halves
 * of the auth server share.
 */
#ifndef ROOST_AUTH_SERVER_PRIVATE_H
#define ROOST_AUTH_SERVER_PRIVATE_H

#include "auth-server.h"
#include "auth-protocol.h"

struct auth_request;

struct auth_server {
	struct auth *auth;
	pid_t pid;
	unsigned int connect_uid_counter;
	struct auth_client_conn *clients;
	struct auth_master_conn *masters;
	unsigned int client_count, master_count;
	/* Called after a socket connection of either protocol closed. */
	void (*conn_closed)(void *context);
	void *conn_closed_context;
};

/* Tells the owner that a socket connection went away. */
void auth_server_connection_closed(struct auth_server *server);

/* The client connection that sent CPID pid, or NULL. */
struct auth_client_conn *
auth_server_find_client(struct auth_server *server, unsigned int pid);

/*
 * Compares cookie_hex with the connection's cookie in constant time.
 */
bool auth_client_conn_cookie_matches(const struct auth_client_conn *conn,
	const char *cookie_hex);
/*
 * Takes the successful request auth_id out of the connection's waiting
 * list (the REQUEST consumes it).  Returns NULL if there is none (never
 * existed, failed, expired or already taken); *found_unfinished_r tells
 * whether the id exists but has not succeeded.
 */
struct auth_request *
auth_client_conn_take_handoff(struct auth_client_conn *conn,
	unsigned int auth_id, bool *found_unfinished_r);
unsigned int auth_client_conn_get_pid(const struct auth_client_conn *conn);

void auth_client_conn_create(struct auth_server *server, int fd);
void auth_master_conn_create(struct auth_server *server, int fd,
	bool userdb_only);
void auth_client_conn_destroy_all(struct auth_server *server);
void auth_master_conn_destroy_all(struct auth_server *server);

/* Dovecot's str_sanitize for log lines: control characters -> '?',
   truncated to max_len with "..." (scratch memory). */
const char *auth_str_sanitize(const char *str, size_t max_len);

#endif
