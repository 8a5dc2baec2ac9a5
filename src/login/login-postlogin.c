/*
 * login-postlogin.c - handing an authenticated client over to the
 * post-login process (docs/ipc/login.md): one REQUEST frame plus the
 * client's fd over base_dir/login/<protocol>, then one REPLY frame.
 */
#include "lib.h"
#include "buf.h"
#include "conn.h"
#include "fdpass.h"
#include "ioloop.h"
#include "ipc.h"
#include "login-handoff.h"
#include "login-common.h"

#include <sys/stat.h>

struct login_postlogin {
	struct login_client *client;
	int sock;
	int client_fd;
	struct io *io;
	struct timeout *to;
	unsigned char reply[64];
	size_t reply_used;
};

static void postlogin_close(struct login_postlogin *pl)
{
	if (pl->io != NULL)
		io_remove(&pl->io);
	if (pl->to != NULL)
		timeout_remove(&pl->to);
	if (pl->sock != -1) {
		if (close(pl->sock) < 0)
			i_error("close(post-login socket) failed: %s",
				strerror(errno));
		pl->sock = -1;
	}
}

void login_postlogin_free(struct login_client *client)
{
	struct login_postlogin *pl = client->postlogin;

	if (pl == NULL)
		return;
	postlogin_close(pl);
	if (pl->client_fd != -1) {
		(void)close(pl->client_fd);
		pl->client_fd = -1;
	}
	client->postlogin = NULL;
}

/*
 * The hand-off failed: take the fd back, answer the command and
 * disconnect.  Dovecot's behaviour: "<tag> NO [UNAVAILABLE] Internal error
 * occurred. Refer to server log for more information." and the log line
 * "Disconnected: Internal login failure (pid=<login pid> id=<auth id>)".
 */
static void postlogin_failed(struct login_client *client, int client_fd)
{
	struct login_postlogin *pl = client->postlogin;

	if (pl != NULL) {
		postlogin_close(pl);
		pl->client_fd = -1;
		client->postlogin = NULL;
	}
	client->authenticating = false;
	if (client_fd != -1 && client->conn == NULL)
		login_client_reattach(client, client_fd);
	if (client->conn != NULL) {
		client->binary->auth_result(client, LOGIN_AUTH_RESULT_TEMPFAIL,
			LOGIN_INTERNAL_ERROR_MSG);
	}
	SCRATCH_BEGIN {
		login_client_destroy_reason(client, t_printf(
			"Internal login failure (pid=%ld id=%u)",
			(long)getpid(), client->postlogin_auth_id), false);
	} SCRATCH_END;
}

static void postlogin_success(struct login_client *client, pid_t mail_pid)
{
	struct login_postlogin *pl = client->postlogin;

	client->mail_pid = mail_pid;
	client->login_success = true;
	SCRATCH_BEGIN {
		login_client_log(client, "Login");
	} SCRATCH_END;
	/* The post-login process has its own copy of the fd now. */
	login_postlogin_free(client);
	(void)pl;
	login_client_destroy(client, NULL);
}

static void postlogin_input(void *context)
{
	struct login_postlogin *pl = context;
	struct login_client *client = pl->client;
	struct login_handoff_reply reply;
	struct ipc_reader reader;
	const char *error;
	ssize_t ret;

	ret = read(pl->sock, pl->reply + pl->reply_used,
		sizeof(pl->reply) - pl->reply_used);
	if (ret < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (ret <= 0) {
		i_error("Post-login service %s: %s",
			login_process->postlogin_socket_path,
			ret == 0 ? "Disconnected without a reply" :
			strerror(errno));
		postlogin_failed(client, pl->client_fd);
		return;
	}
	pl->reply_used += (size_t)ret;
	ret = ipc_frame_parse(pl->reply, pl->reply_used, &reader);
	if (ret == 0 && pl->reply_used < sizeof(pl->reply))
		return;
	if (ret <= 0 || (size_t)ret != pl->reply_used ||
	    login_handoff_reply_decode(pl->reply, pl->reply_used, &reply,
		    &error) < 0) {
		i_error("Post-login service %s sent an invalid reply",
			login_process->postlogin_socket_path);
		postlogin_failed(client, pl->client_fd);
		return;
	}
	if (reply.status != LOGIN_HANDOFF_STATUS_OK) {
		if (reply.mail_pid > 0)
			client->mail_pid = reply.mail_pid;
		/* The post-login process logged the reason. */
		postlogin_failed(client, pl->client_fd);
		return;
	}
	postlogin_success(client, reply.mail_pid);
}

static void postlogin_timeout(void *context)
{
	struct login_postlogin *pl = context;

	i_error("Timeout waiting for the post-login service %s",
		login_process->postlogin_socket_path);
	postlogin_failed(pl->client, pl->client_fd);
}

static int send_all(int sock, int fd, const char *data, size_t size)
{
	ssize_t ret;
	size_t pos = 0;

	while (pos < size) {
		if (pos == 0)
			ret = fd_send(sock, fd, data, size);
		else
			ret = write(sock, data + pos, size - pos);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		pos += (size_t)ret;
	}
	return 0;
}

void login_postlogin_output_drained(struct login_client *client)
{
	if (!client->postlogin_wait_output || client->destroyed ||
	    client->conn == NULL)
		return;
	client->postlogin_wait_output = false;
	login_postlogin_start(client, client->postlogin_auth_pid,
		client->postlogin_auth_id, client->postlogin_cookie);
}

void login_postlogin_start(struct login_client *client, pid_t auth_pid,
	unsigned int auth_id, const char *cookie)
{
	struct login_handoff_request req;
	struct login_postlogin *pl;
	struct buf unread, frame;
	struct stat st;
	const char *error;
	int fd, sock;

	i_assert(client->postlogin == NULL && client->conn != NULL);
	client->postlogin_auth_id = auth_id;
	if (conn_output_size(client->conn) > 0) {
		/* conn_detach() needs the output flushed first. */
		client->postlogin_wait_output = true;
		client->postlogin_auth_pid = auth_pid;
		if (i_strlcpy(client->postlogin_cookie, cookie,
			    sizeof(client->postlogin_cookie)) < 0) {
			i_error("Invalid auth cookie from auth server");
			postlogin_failed(client, -1);
		}
		return;
	}
	client->postlogin_wait_output = false;

	buf_init(&unread, client->arena, 256, LOGIN_HANDOFF_MAX_CLIENT_INPUT);
	fd = conn_detach(client->conn, &unread);
	if (fd < 0) {
		i_error("Client sent too much pipelined input before login");
		postlogin_failed(client, -1);
		return;
	}
	conn_destroy(&client->conn);
	if (fstat(fd, &st) < 0) {
		i_error("fstat(client) failed: %s", strerror(errno));
		postlogin_failed(client, fd);
		return;
	}

	memset(&req, 0, sizeof(req));
	req.auth_pid = auth_pid;
	req.auth_id = auth_id;
	req.cookie = cookie;
	req.fd_inode = (uint64_t)st.st_ino;
	req.local_ip = client->local_ip;
	req.remote_ip = client->remote_ip;
	req.local_port = client->local_port;
	req.remote_port = client->remote_port;
	if (client->secured)
		req.flags |= LOGIN_HANDOFF_FLAG_SECURED;
	if (client->tls)
		req.flags |= LOGIN_HANDOFF_FLAG_TLS;
	if (client->set.auth_debug)
		req.flags |= LOGIN_HANDOFF_FLAG_DEBUG;
	req.session_id = client->session_id;
	req.tag = client->handoff_tag == NULL ? "" : client->handoff_tag;
	req.client_input = (const unsigned char *)unread.data;
	req.client_input_size = unread.used;

	buf_init(&frame, client->arena, 512, IPC_FRAME_MAX);
	if (login_handoff_request_encode(&frame, &req, &error) < 0) {
		i_error("Cannot build the hand-off request: %s", error);
		postlogin_failed(client, fd);
		return;
	}

	sock = net_connect_unix(login_process->postlogin_socket_path);
	if (sock < 0) {
		i_error("connect(%s) failed: %s",
			login_process->postlogin_socket_path, strerror(errno));
		postlogin_failed(client, fd);
		return;
	}
	if (send_all(sock, fd, frame.data, frame.used) < 0) {
		i_error("fd_send(%s) failed: %s",
			login_process->postlogin_socket_path, strerror(errno));
		(void)close(sock);
		postlogin_failed(client, fd);
		return;
	}
	fd_set_nonblock(sock, true);

	pl = arena_new(client->arena, struct login_postlogin, 1);
	pl->client = client;
	pl->sock = sock;
	pl->client_fd = fd;
	pl->io = io_add(sock, IO_READ, postlogin_input, pl);
	pl->to = timeout_add_once(LOGIN_POSTLOGIN_TIMEOUT_MSECS,
		postlogin_timeout, pl);
	client->postlogin = pl;
}
