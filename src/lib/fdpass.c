/*
 * fdpass.c - passing file descriptors over UNIX sockets with SCM_RIGHTS.
 *
 * The receiver always uses MSG_CMSG_CLOEXEC so a passed fd can never leak
 * into a child process, keeps at most one descriptor per message and
 * closes any others, and treats a truncated control message (more fds
 * than our buffer holds, which the kernel then closes for us) as a
 * protocol error.
 */
#include "lib.h"
#include "fdpass.h"

#include <sys/socket.h>

/* Room for this many fds per message; a sender only ever sends one. */
#define FDPASS_RECV_MAX_FDS 8

ssize_t fd_send(int sock, int fd, const void *data, size_t size)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg;
	struct iovec iov;
	ssize_t ret;

	/* At least one byte must carry the fd. */
	i_assert(size > 0);

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)data;
	iov.iov_len = size;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		ret = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

ssize_t fd_recv(int sock, int *fd_r, void *data, size_t size)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * FDPASS_RECV_MAX_FDS)];
	} control;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	ssize_t ret;
	int fd = -1;

	*fd_r = -1;
	i_assert(size > 0);

	memset(&msg, 0, sizeof(msg));
	memset(&control, 0, sizeof(control));
	iov.iov_base = data;
	iov.iov_len = size;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	do {
		ret = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1;

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		size_t n;

		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(cmsg) + i * sizeof(int),
				sizeof(int));
			if (fd == -1) {
				fd = got;
			} else {
				close(got);
			}
		}
	}
	if ((msg.msg_flags & MSG_CTRUNC) != 0) {
		/* The kernel dropped (and closed) descriptors that did not
		   fit: the peer is not speaking our protocol. */
		if (fd != -1)
			close(fd);
		errno = EPROTO;
		return -1;
	}
	*fd_r = fd;
	return ret;
}
