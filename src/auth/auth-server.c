/*
 * auth-server.c - the connection registry and listener typing.
 */
#include "lib.h"
#include "auth-server.h"
#include "buf.h"
#include "auth-server-private.h"

enum auth_socket_type auth_socket_type_from_name(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base == NULL ? name : base + 1;
	if (strcmp(base, "auth-userdb") == 0)
		return AUTH_SOCKET_USERDB;
	if (strncmp(base, "auth-master", 11) == 0)
		return AUTH_SOCKET_MASTER;
	return AUTH_SOCKET_CLIENT;
}

struct auth_server *auth_server_create(struct auth *auth)
{
	struct auth_server *server = i_new(struct auth_server, 1);

	server->auth = auth;
	server->pid = getpid();
	return server;
}

void auth_server_destroy(struct auth_server **_server)
{
	struct auth_server *server = *_server;

	if (server == NULL)
		return;
	*_server = NULL;
	server->conn_closed = NULL;
	auth_client_conn_destroy_all(server);
	auth_master_conn_destroy_all(server);
	free(server);
}

void auth_server_set_connection_closed_callback(struct auth_server *server,
	void (*callback)(void *context), void *context)
{
	server->conn_closed = callback;
	server->conn_closed_context = context;
}

void auth_server_connection_closed(struct auth_server *server)
{
	if (server->conn_closed != NULL)
		server->conn_closed(server->conn_closed_context);
}

struct auth *auth_server_get_auth(const struct auth_server *server)
{
	return server->auth;
}

void auth_server_add_connection(struct auth_server *server, int fd,
	enum auth_socket_type type)
{
	switch (type) {
	case AUTH_SOCKET_CLIENT:
		auth_client_conn_create(server, fd);
		break;
	case AUTH_SOCKET_MASTER:
		auth_master_conn_create(server, fd, false);
		break;
	case AUTH_SOCKET_USERDB:
		auth_master_conn_create(server, fd, true);
		break;
	}
}

unsigned int auth_server_client_count(const struct auth_server *server)
{
	return server->client_count;
}

unsigned int auth_server_master_count(const struct auth_server *server)
{
	return server->master_count;
}

const char *auth_str_sanitize(const char *str, size_t max_len)
{
	size_t len = strlen(str), n = len > max_len ? max_len : len;
	char *out = t_malloc(n + 4);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)str[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (len > max_len)
		memcpy(out + n, "...", 3);
	return out;
}
