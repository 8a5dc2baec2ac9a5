/*
 * test-service.c - a trivial service for testing the master: greets each
 * client with "* OK test-service ready pid=<pid>", answers lines:
 *   "QUIT"        -> "BYE", closes
 *   "LOG <text>"  -> logs <text> as an error through the master
 *   "CRASH"       -> abort() (tests crash logging and restarts)
 *   "PREFIX <p>"  -> master_service_set_log_prefix(p + ": ")
 *   "INFO"        -> "INFO pid=<pid> clients=<n> listener=<name>"
 *   anything else -> "ECHO <line>"
 * It exists so the master can be tested without the real services.
 */
#include "lib.h"
#include "ioloop.h"
#include "master-service.h"

#define TEST_LINE_MAX 1024

struct test_client {
	struct test_client *prev, *next;
	struct master_service *ms;
	int fd;
	struct io *io;
	char listener[64];
	char buf[TEST_LINE_MAX];
	size_t used;
};

static struct test_client *clients;

static void client_write(struct test_client *client, const char *str)
{
	/* Replies are tiny; a client that does not read is its problem. */
	(void)!write(client->fd, str, strlen(str));
}

static void client_destroy(struct test_client *client)
{
	struct master_service *ms = client->ms;

	if (client->prev != NULL)
		client->prev->next = client->next;
	else
		clients = client->next;
	if (client->next != NULL)
		client->next->prev = client->prev;
	io_remove(&client->io);
	close(client->fd);
	free(client);
	master_service_client_connection_destroyed(ms);
}

/* Returns false when the client is gone. */
static bool client_line(struct test_client *client, const char *line)
{
	if (strcmp(line, "QUIT") == 0) {
		client_write(client, "BYE\r\n");
		client_destroy(client);
		return false;
	}
	if (strncmp(line, "LOG ", 4) == 0) {
		i_error("%s", line + 4);
		client_write(client, "LOGGED\r\n");
	} else if (strncmp(line, "PREFIX ", 7) == 0) {
		SCRATCH_BEGIN {
			master_service_set_log_prefix(client->ms,
				t_printf("%s: ", line + 7));
		} SCRATCH_END;
		client_write(client, "PREFIXED\r\n");
	} else if (strcmp(line, "CRASH") == 0) {
		abort();
	} else if (strcmp(line, "INFO") == 0) {
		SCRATCH_BEGIN {
			client_write(client, t_printf("INFO pid=%ld clients=%u "
				"listener=%s\r\n", (long)getpid(),
				master_service_get_client_count(client->ms),
				client->listener));
		} SCRATCH_END;
	} else {
		SCRATCH_BEGIN {
			client_write(client, t_printf("ECHO %s\r\n", line));
		} SCRATCH_END;
	}
	return true;
}

static void client_input(void *context)
{
	struct test_client *client = context;
	ssize_t ret;
	char *nl;

	ret = read(client->fd, client->buf + client->used,
		sizeof(client->buf) - 1 - client->used);
	if (ret < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (ret <= 0) {
		client_destroy(client);
		return;
	}
	client->used += (size_t)ret;
	while ((nl = memchr(client->buf, '\n', client->used)) != NULL) {
		size_t len = (size_t)(nl - client->buf) + 1;

		*nl = '\0';
		if (nl > client->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!client_line(client, client->buf))
			return;
		memmove(client->buf, client->buf + len, client->used - len);
		client->used -= len;
	}
	if (client->used >= sizeof(client->buf) - 1) {
		client_write(client, "BAD line too long\r\n");
		client_destroy(client);
	}
}

static void client_connected(const struct master_service_connection *conn,
	void *context)
{
	struct master_service *ms = context;
	struct test_client *client = i_new(struct test_client, 1);

	client->ms = ms;
	client->fd = conn->fd;
	(void)i_strlcpy(client->listener, conn->name,
		sizeof(client->listener));
	client->io = io_add(conn->fd, IO_READ, client_input, client);
	client->next = clients;
	if (clients != NULL)
		clients->prev = client;
	clients = client;
	master_service_set_proctitle(ms, "[%u clients]",
		master_service_get_client_count(ms));
	SCRATCH_BEGIN {
		client_write(client, t_printf("* OK test-service ready "
			"pid=%ld\r\n", (long)getpid()));
	} SCRATCH_END;
}

int main(int argc, char *argv[])
{
	struct master_service *ms;

	ms = master_service_init("test-service", &argc, &argv);
	if (argc > 1 && strcmp(argv[1], "--fail-startup") == 0)
		i_fatal("failing at startup as asked");
	master_service_init_finish(ms);
	master_service_set_connection_callback(ms, client_connected, ms);
	master_service_run(ms);
	while (clients != NULL)
		client_destroy(clients);
	master_service_deinit(&ms);
	return 0;
}
