/*
 * test-fdpass.c - unit tests for fdpass.c: a pipe fd travels through a
 * socketpair; surplus and truncated descriptor sets are closed.
 */
#include "lib.h"
#include "fdpass.h"
#include "test-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>

static unsigned int count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned int n = 0;

	if (dir == NULL)
		return 0;
	while (readdir(dir) != NULL)
		n++;
	closedir(dir);
	return n;
}

/* Sends fds[0..count) in one message with one data byte. */
static int send_many(int sock, const int *fds, unsigned int count)
{
	char control[CMSG_SPACE(sizeof(int) * 32)];
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	char c = 'm';

	i_assert(count <= 32);
	memset(&msg, 0, sizeof(msg));
	memset(control, 0, sizeof(control));
	iov.iov_base = &c;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * count);
	memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * count);
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static void test_fdpass_pipe(void)
{
	int sv[2], p[2], fd;
	char buf[32];
	ssize_t ret;

	test_begin("fdpass: pipe through socketpair");
	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	test_assert(pipe(p) == 0);

	test_assert(fd_send(sv[0], p[0], "hello", 5) == 5);
	close(p[0]);
	ret = fd_recv(sv[1], &fd, buf, sizeof(buf));
	test_assert(ret == 5 && memcmp(buf, "hello", 5) == 0);
	test_assert(fd >= 0);
	test_assert((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	test_assert(write(p[1], "through", 7) == 7);
	test_assert(read(fd, buf, sizeof(buf)) == 7 &&
		memcmp(buf, "through", 7) == 0);
	close(fd);

	/* No fd. */
	test_assert(fd_send(sv[0], -1, "x", 1) == 1);
	test_assert(fd_recv(sv[1], &fd, buf, sizeof(buf)) == 1 && fd == -1);

	/* Only the first byte carries the fd: a small read gets it, the
	   rest comes without one. */
	test_assert(fd_send(sv[0], p[1], "ab", 2) == 2);
	test_assert(fd_recv(sv[1], &fd, buf, 1) == 1 && fd >= 0);
	close(fd);
	test_assert(fd_recv(sv[1], &fd, buf, 1) == 1 && fd == -1 &&
		buf[0] == 'b');

	/* EOF. */
	close(sv[0]);
	test_assert(fd_recv(sv[1], &fd, buf, sizeof(buf)) == 0 && fd == -1);
	close(sv[1]);
	test_assert(fd_send(-1, -1, "x", 1) == -1 && errno == EBADF);
	close(p[1]);
	test_end();
}

static void test_fdpass_surplus(void)
{
	int sv[2], fds[32], fd;
	unsigned int before;
	char buf[4];

	test_begin("fdpass: surplus fds closed, truncated set rejected");
	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	for (unsigned int i = 0; i < N_ELEMENTS(fds); i++)
		fds[i] = i % 2 == 0 ? dup(0) : dup(1);

	before = count_open_fds();
	test_assert(send_many(sv[0], fds, 3) == 0);
	test_assert(fd_recv(sv[1], &fd, buf, sizeof(buf)) == 1 && fd >= 0);
	/* Exactly one new descriptor exists. */
	test_assert(count_open_fds() == before + 1);
	close(fd);

	test_assert(send_many(sv[0], fds, 32) == 0);
	test_assert(fd_recv(sv[1], &fd, buf, sizeof(buf)) == -1 &&
		errno == EPROTO && fd == -1);
	test_assert(count_open_fds() == before);

	for (unsigned int i = 0; i < N_ELEMENTS(fds); i++)
		close(fds[i]);
	close(sv[0]);
	close(sv[1]);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_fdpass_pipe,
		test_fdpass_surplus,
		NULL
	};

	return test_run(tests);
}
