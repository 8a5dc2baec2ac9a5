/*
 * login-main.c - the process of a login service: master-service set-up,
 * privilege drop (chroot to base_dir/login as the login user), the auth
 * client, accepting clients and shutting down.
 */
#include "lib.h"
#include "config.h"
#include "ioloop.h"
#include "auth-client.h"
#include "master-service.h"
#include "login-common.h"

struct login_process *login_process;

static void login_connection(const struct master_service_connection *conn,
	void *context)
{
	(void)context;
	if (login_process->shutting_down) {
		(void)close(conn->fd);
		master_service_client_connection_destroyed(
			login_process->service);
		return;
	}
	(void)login_client_create(conn->fd, conn->name, conn->ssl,
		&conn->local_ip, conn->local_port, &conn->remote_ip,
		conn->remote_port);
}

static void login_auth_connect_notify(struct auth_client *auth_client,
	bool connected, void *context)
{
	(void)auth_client;
	(void)context;
	if (connected)
		login_client_notify_auth_ready_all();
}

static void login_die_timeout(void *context)
{
	(void)context;
	master_service_stop(login_process->service);
}

/* SIGTERM: tell every client, let the BYE lines flush (the loop stops
   when the last client is freed, or after a second), then exit. */
static void login_die(void *context)
{
	struct login_client *client, *next;

	(void)context;
	login_process->shutting_down = true;
	for (client = login_process->clients; client != NULL; client = next) {
		next = client->next;
		login_client_disconnect(client, LOGIN_DISCONNECT_SHUTDOWN,
			"Server shutting down.", "Shutting down");
	}
	if (login_process->client_count == 0)
		master_service_stop(login_process->service);
	else if (login_process->to_die == NULL) {
		login_process->to_die = timeout_add_once(1000,
			login_die_timeout, NULL);
	}
}

/* The service is chrooted (or, not root, chdir'ed) to base_dir/login when
   its chroot setting is non-empty: socket names are then relative. */
static bool login_uses_chroot(struct master_service *ms,
	const struct login_binary *binary)
{
	const struct config_section *service;
	const char *chroot;

	if (!master_service_is_master_child(ms))
		return false;
	service = config_find_section(master_service_get_config(ms), NULL,
		"service", binary->process_name);
	if (service == NULL)
		return false;
	chroot = config_section_get(service, "chroot");
	return chroot != NULL && *chroot != '\0';
}

int login_binary_run(const struct login_binary *binary, int argc,
	char **argv)
{
	struct master_service *ms;
	const char *base_dir, *auth_path;
	struct arena *arena;
	bool chrooted;

	ms = master_service_init(binary->process_name, &argc, &argv);
	arena = arena_create("login process", 1024);
	login_process = arena_new(arena, struct login_process, 1);
	login_process->binary = binary;
	login_process->service = ms;
	login_process->config = master_service_get_config(ms);

	base_dir = config_get(login_process->config, NULL, "base_dir");
	chrooted = login_uses_chroot(ms, binary);
	if (chrooted) {
		auth_path = "login";
		login_process->postlogin_socket_path =
			arena_strdup(arena, binary->protocol);
	} else {
		auth_path = arena_printf(arena, "%s/login/login", base_dir);
		login_process->postlogin_socket_path = arena_printf(arena,
			"%s/login/%s", base_dir, binary->protocol);
	}
	/* A non-option argument names the post-login socket, as in
	   Dovecot ("imap-login director" style executables). */
	if (argc > 1 && argv[1][0] != '-') {
		login_process->postlogin_socket_path =
			arena_strdup(arena, argv[1]);
	}

	master_service_init_finish(ms);

	login_process->auth_client = auth_client_create(auth_path, getpid());
	auth_client_set_connect_notify(login_process->auth_client,
		login_auth_connect_notify, NULL);
	master_service_set_die_callback(ms, login_die, NULL);
	master_service_set_connection_callback(ms, login_connection, NULL);

	master_service_run(ms);

	login_process->shutting_down = true;
	if (login_process->to_die != NULL)
		timeout_remove(&login_process->to_die);
	while (login_process->clients != NULL) {
		struct login_client *client = login_process->clients;

		login_client_destroy(client, "Shutting down");
		if (login_process->clients == client)
			login_client_free_final(client);
	}
	auth_client_destroy(&login_process->auth_client);
	login_process = NULL;
	arena_destroy(&arena);
	master_service_deinit(&ms);
	return 0;
}
