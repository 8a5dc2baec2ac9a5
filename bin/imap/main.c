/*
 * main.c - imap: the post-login IMAP process.  It takes sessions handed
 * over by imap-login on its login/imap listener (imap-login-server.c) and
 * serves them (imap-client.c, imap-commands.c).
 */
#include "lib.h"
#include "config.h"
#include "auth-master.h"
#include "ioloop.h"
#include "master-service.h"
#include "imap-client.h"
#include "imap-process.h"

struct imap_process *imap_process;

static void imap_connection(const struct master_service_connection *conn,
	void *context)
{
	(void)context;
	/* Every listener of service imap is a login hand-off socket
	   (login/imap by default); the session is created from it. */
	imap_login_server_accept(conn->fd);
}

static void imap_die_timeout(void *context)
{
	(void)context;
	master_service_stop(imap_process->service);
}

/* SIGTERM: BYE to every session; the loop stops when the last one is
   freed (its output flushed) or after a second. */
static void imap_die(void *context)
{
	(void)context;
	imap_process->shutting_down = true;
	SCRATCH_BEGIN {
		imap_clients_destroy_all("Server shutting down.",
			"Server shutting down.");
	} SCRATCH_END;
	if (imap_clients_count() == 0)
		master_service_stop(imap_process->service);
	else if (imap_process->to_die == NULL) {
		imap_process->to_die = timeout_add_once(1000,
			imap_die_timeout, NULL);
	}
}

int main(int argc, char **argv)
{
	struct master_service *ms;
	struct imap_process process;
	const char *base_dir;

	ms = master_service_init("imap", &argc, &argv);
	memset(&process, 0, sizeof(process));
	imap_process = &process;
	process.service = ms;
	process.config = master_service_get_config(ms);
	base_dir = config_get(process.config, NULL, "base_dir");
	process.auth_master = auth_master_init(
		t_printf("%s/auth-master", base_dir),
		AUTH_MASTER_DEFAULT_TIMEOUT_MSECS);

	/* Stay root: each session switches to its user's uid. */
	master_service_init_finish_flags(ms,
		MASTER_SERVICE_FINISH_FLAG_KEEP_PRIVILEGES);
	master_service_set_die_callback(ms, imap_die, NULL);
	master_service_set_connection_callback(ms, imap_connection, NULL);
	master_service_run(ms);

	imap_process->shutting_down = true;
	if (imap_process->to_die != NULL)
		timeout_remove(&imap_process->to_die);
	SCRATCH_BEGIN {
		imap_clients_destroy_all("Server shutting down.",
			"Server shutting down.");
	} SCRATCH_END;
	imap_clients_free_all();
	auth_master_deinit(&process.auth_master);
	imap_process = NULL;
	master_service_deinit(&ms);
	return 0;
}
