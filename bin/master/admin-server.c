/*
 * admin-server.c - the master's admin socket <base_dir>/roost-master
 * (protocol in docs/ipc/master.md): RELOAD, STOP and LOG-ERRORS for
 * roostadm and "roost reload"/"roost stop".  Only root and the master's
 * own user may connect.
 */
#include "lib.h"
#include "admin-server.h"

#include "admin-client.h"
#include "file.h"
#include "ioloop.h"
#include "master-log.h"
#include "net.h"
#include "str.h"

#include <sys/socket.h>
#include <sys/time.h>

#define ADMIN_REQUEST_MAX 1024
#define ADMIN_CLIENTS_MAX 16
#define ADMIN_IO_TIMEOUT_SECS 5

struct admin_client {
	struct admin_client *prev, *next;
	int fd;
	struct io *io;
	bool version_received;
	char buf[ADMIN_REQUEST_MAX];
	size_t used;
};

static int admin_fd = -1;
static struct io *admin_io;
static char *admin_path;
static struct admin_client *clients;
static unsigned int clients_count;
static const struct admin_server_callbacks *callbacks;
static struct timeout *to_stop;

static void admin_stop_timeout(void *context ATTR_UNUSED)
{
	timeout_remove(&to_stop);
	/* From the loop: the shutdown destroys the admin connections. */
	callbacks->stop();
}

static void admin_client_destroy(struct admin_client *client)
{
	if (client->prev != NULL)
		client->prev->next = client->next;
	else
		clients = client->next;
	if (client->next != NULL)
		client->next->prev = client->prev;
	io_remove(&client->io);
	close(client->fd);
	free(client);
	clients_count--;
}

static int admin_send(struct admin_client *client, const char *str)
{
	return write_full(client->fd, str, strlen(str));
}

struct log_errors_ctx {
	struct admin_client *client;
	int ret;
};

static void admin_log_error_cb(const struct master_log_error *e,
	void *context)
{
	struct log_errors_ctx *ctx = context;

	if (ctx->ret < 0)
		return;
	SCRATCH_BEGIN {
		ctx->ret = admin_send(ctx->client, t_printf("%lld\t%c\t%s\t%s\n",
			(long long)e->timestamp, log_level_char(e->level),
			str_tabescape(scratch_arena(), e->prefix),
			str_tabescape(scratch_arena(), e->text)));
	} SCRATCH_END;
}

/* Returns -1 when the client must be dropped. */
static int admin_client_command(struct admin_client *client, char *line)
{
	char **args = str_split(scratch_arena(), line, "\t", false);
	const char *error;

	if (!client->version_received) {
		if (str_array_length(args) < 3 ||
		    strcmp(args[0], "VERSION") != 0 ||
		    strcmp(args[1], "roost-master") != 0 ||
		    strcmp(args[2], "1") != 0) {
			(void)admin_send(client, "-Incompatible protocol\n");
			return -1;
		}
		client->version_received = true;
		return 0;
	}
	if (strcmp(args[0], "RELOAD") == 0) {
		if (callbacks->reload(&error) < 0) {
			return admin_send(client, t_printf("-%s\n",
				str_tabescape(scratch_arena(), error)));
		}
		return admin_send(client, "+OK\n");
	}
	if (strcmp(args[0], "STOP") == 0) {
		int ret = admin_send(client, "+OK\n");

		if (to_stop == NULL) {
			to_stop = timeout_add_once(0, admin_stop_timeout,
				NULL);
		}
		return ret;
	}
	if (strcmp(args[0], "LOG-ERRORS") == 0) {
		struct log_errors_ctx ctx = { client, 0 };
		int64_t since = 0;

		if (args[1] != NULL && str_to_int64(args[1], &since) < 0) {
			return admin_send(client,
				"-Invalid timestamp\n");
		}
		master_log_errors_iter((time_t)since, admin_log_error_cb, &ctx);
		if (ctx.ret < 0)
			return -1;
		return admin_send(client, "+OK\n");
	}
	return admin_send(client, t_printf("-Unknown command: %s\n",
		str_tabescape(scratch_arena(), args[0])));
}

static void admin_client_input(void *context)
{
	struct admin_client *client = context;
	ssize_t ret;
	char *nl;

	ret = read(client->fd, client->buf + client->used,
		sizeof(client->buf) - 1 - client->used);
	if (ret < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (ret <= 0) {
		admin_client_destroy(client);
		return;
	}
	client->used += (size_t)ret;
	client->buf[client->used] = '\0';
	while ((nl = memchr(client->buf, '\n', client->used)) != NULL) {
		size_t len = (size_t)(nl - client->buf) + 1;
		int cmd_ret;

		*nl = '\0';
		SCRATCH_BEGIN {
			cmd_ret = admin_client_command(client, client->buf);
		} SCRATCH_END;
		if (cmd_ret < 0) {
			admin_client_destroy(client);
			return;
		}
		memmove(client->buf, client->buf + len, client->used - len);
		client->used -= len;
	}
	if (client->used >= sizeof(client->buf) - 1) {
		(void)admin_send(client, "-Request too long\n");
		admin_client_destroy(client);
	}
}

static void admin_accept(void *context ATTR_UNUSED)
{
	struct admin_client *client;
	struct timeval tv = { ADMIN_IO_TIMEOUT_SECS, 0 };
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int fd;

	fd = net_accept(admin_fd, NULL, NULL);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			i_error("accept(%s) failed: %m", admin_path);
		return;
	}
	if (net_getunixcred(fd, &pid, &uid, &gid) < 0 ||
	    (uid != 0 && uid != geteuid())) {
		i_error("%s: connection from uid %ld refused", admin_path,
			(long)uid);
		close(fd);
		return;
	}
	if (clients_count >= ADMIN_CLIENTS_MAX) {
		close(fd);
		return;
	}
	/* Replies are written with a timeout so a client that stops
	   reading cannot stall the master for long. */
	fd_set_nonblock(fd, false);
	fd_close_on_exec(fd, true);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	client = i_new(struct admin_client, 1);
	client->fd = fd;
	client->next = clients;
	if (clients != NULL)
		clients->prev = client;
	clients = client;
	clients_count++;
	client->io = io_add(fd, IO_READ, admin_client_input, client);
}

int admin_server_init(const char *base_dir,
	const struct admin_server_callbacks *cb, const char **error_r)
{
	const char *error;

	callbacks = cb;
	admin_path = i_strdup_printf("%s/%s", base_dir, ADMIN_SOCKET_NAME);
	admin_fd = net_listen_unix(admin_path, 0600, (uid_t)-1, (gid_t)-1, 16,
		&error);
	if (admin_fd < 0) {
		*error_r = t_printf("%s", error);
		i_free(admin_path);
		return -1;
	}
	admin_io = io_add(admin_fd, IO_READ, admin_accept, NULL);
	return 0;
}

void admin_server_deinit(bool unlink_socket)
{
	if (to_stop != NULL)
		timeout_remove(&to_stop);
	while (clients != NULL)
		admin_client_destroy(clients);
	if (admin_io != NULL)
		io_remove(&admin_io);
	if (admin_fd != -1) {
		close(admin_fd);
		admin_fd = -1;
	}
	if (admin_path != NULL) {
		if (unlink_socket)
			(void)unlink(admin_path);
		i_free(admin_path);
	}
}
