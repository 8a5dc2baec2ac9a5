/*
 * bin/auth/main.c - the auth process: reads the auth settings, builds the
 * passdb/userdb chains (reading passwd-files while it still has the
 * master's privileges), drops to the service user, then serves the
 * client protocol (auth-client, auth-login, login/login, Postfix's
 * socket) and the master protocol (auth-master, auth-userdb) on the
 * listeners the master passes, from one single-threaded event loop.
 */
#include "lib.h"
#include "ioloop.h"
#include "master-service.h"
#include "auth.h"
#include "auth-server.h"
#include "auth-settings.h"

static struct auth_server *server;

/* Keeps the master's view of this process's free client slots right. */
static void auth_connection_closed(void *context)
{
	master_service_client_connection_destroyed(context);
}

static void auth_connection(const struct master_service_connection *conn,
	void *context)
{
	enum auth_socket_type type = auth_socket_type_from_name(conn->name);

	(void)context;
	auth_server_add_connection(server, conn->fd, type);
}

int main(int argc, char **argv)
{
	struct master_service *ms;
	struct arena *arena;
	struct auth_settings *set;
	struct auth *auth;
	const char *error;

	ms = master_service_init("auth", &argc, &argv);
	arena = arena_create("auth settings", 4096);
	if (auth_settings_from_config(master_service_get_config(ms), arena,
		    &set, &error) < 0)
		i_fatal("%s", error);
	log_set_debug(set->debug);
	/* Drivers open their files now, with the master's privileges. */
	if (auth_create(set, &auth, &error) < 0)
		i_fatal("%s", error);
	master_service_init_finish(ms);

	server = auth_server_create(auth);
	auth_server_set_connection_closed_callback(server,
		auth_connection_closed, ms);
	master_service_set_connection_callback(ms, auth_connection, NULL);
	master_service_run(ms);

	auth_server_destroy(&server);
	auth_destroy(&auth);
	arena_destroy(&arena);
	master_service_deinit(&ms);
	return 0;
}
