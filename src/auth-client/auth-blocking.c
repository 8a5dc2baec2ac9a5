/*
 * auth-blocking.c - blocking line I/O with a deadline (poll-based).
 */
#include "lib.h"
#include "auth-blocking.h"
#include "ioloop.h"
#include "net.h"

#include <poll.h>

int auth_blocking_connect(struct auth_blocking_conn *bc, const char *path,
	size_t max_line, const char **error_r)
{
	memset(bc, 0, sizeof(*bc));
	bc->fd = net_connect_unix(path);
	if (bc->fd < 0) {
		*error_r = t_printf("connect(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	buf_init(&bc->input, NULL, 1024, max_line + 1);
	bc->deadline = ioloop_now_msecs() + 30 * 1000;
	return 0;
}

void auth_blocking_close(struct auth_blocking_conn *bc)
{
	if (bc->fd >= 0)
		(void)close(bc->fd);
	bc->fd = -1;
	buf_free(&bc->input);
	i_free(bc->last_line);
}

void auth_blocking_set_timeout(struct auth_blocking_conn *bc,
	unsigned int msecs)
{
	bc->deadline = ioloop_now_msecs() + msecs;
}

static int wait_fd(struct auth_blocking_conn *bc, short events,
	const char **error_r)
{
	struct pollfd pfd = { .fd = bc->fd, .events = events };
	uint64_t now;
	int ret;

	for (;;) {
		now = ioloop_now_msecs();
		if (now >= bc->deadline) {
			*error_r = "Timeout waiting for auth server";
			return -1;
		}
		ret = poll(&pfd, 1, (int)(bc->deadline - now));
		if (ret > 0)
			return 0;
		if (ret < 0 && errno != EINTR) {
			*error_r = t_printf("poll() failed: %s",
				strerror(errno));
			return -1;
		}
	}
}

int auth_blocking_write(struct auth_blocking_conn *bc, const char *str,
	const char **error_r)
{
	size_t len = strlen(str), pos = 0;

	while (pos < len) {
		ssize_t ret;

		if (wait_fd(bc, POLLOUT, error_r) < 0)
			return -1;
		ret = send(bc->fd, str + pos, len - pos, MSG_NOSIGNAL);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			*error_r = t_printf("write() failed: %s",
				strerror(errno));
			return -1;
		}
		pos += (size_t)ret;
	}
	return 0;
}

int auth_blocking_read_line(struct auth_blocking_conn *bc,
	const char **line_r, const char **error_r)
{
	char chunk[4096];

	/* Drop the line returned last time. */
	i_free(bc->last_line);
	for (;;) {
		char *nl = bc->input.used == 0 ? NULL :
			memchr(bc->input.data, '\n', bc->input.used);
		ssize_t ret;

		if (nl != NULL) {
			size_t len = (size_t)(nl - bc->input.data);

			bc->last_line = i_strndup(bc->input.data, len);
			buf_consume(&bc->input, len + 1);
			*line_r = bc->last_line;
			return 1;
		}
		if (wait_fd(bc, POLLIN, error_r) < 0)
			return -1;
		ret = read(bc->fd, chunk, sizeof(chunk));
		if (ret == 0) {
			*error_r = "Disconnected by auth server";
			return -1;
		}
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			*error_r = t_printf("read() failed: %s",
				strerror(errno));
			return -1;
		}
		if (buf_append(&bc->input, chunk, (size_t)ret) < 0) {
			*error_r = "Auth server sent too long line";
			return -1;
		}
	}
}
