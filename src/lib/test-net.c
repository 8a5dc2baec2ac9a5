/*
 * test-net.c - unit tests for net.c: address parsing and ranges, TCP
 * listen/connect/accept on loopback, UNIX sockets with stale-socket
 * replacement and in-use refusal, peer credentials.
 */
#include "lib.h"
#include "net.h"
#include "test-common.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/un.h>

static void test_net_addr(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "1.2.3.4", "1.2.3.4" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "::1", "::1" },
		{ "[::1]", "::1" },
		{ "2001:DB8::7", "2001:db8::7" },
		{ "::ffff:10.1.2.3", "::ffff:10.1.2.3" },
	};
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.256", "1.2.3.4 ", "[1.2.3.4]", "::g",
		"[::1", "::1]", "localhost", "1.2.3.4/8",
	};
	struct ip_addr ip, ip2;

	test_begin("net_addr2ip / net_ip2str");
	for (unsigned int i = 0; i < N_ELEMENTS(good); i++) {
		test_assert(net_addr2ip(good[i].in, &ip) == 0);
		test_assert_strcmp(net_ip2str(&ip), good[i].out);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++) {
		test_assert(net_addr2ip(bad[i], &ip) == -1);
		test_assert(ip.family == 0);
	}
	memset(&ip, 0, sizeof(ip));
	test_assert_strcmp(net_ip2str(&ip), "");

	test_assert(net_addr2ip("10.1.2.3", &ip) == 0);
	test_assert(net_addr2ip("::ffff:10.1.2.3", &ip2) == 0);
	test_assert(net_ip_equals(&ip, &ip2));
	test_assert(net_addr2ip("10.1.2.4", &ip2) == 0);
	test_assert(!net_ip_equals(&ip, &ip2));
	test_assert(net_addr2ip("::1", &ip2) == 0);
	test_assert(!net_ip_equals(&ip, &ip2));

	test_assert(net_addr2ip("127.1.2.3", &ip) == 0);
	test_assert(net_ip_is_loopback(&ip));
	test_assert(net_addr2ip("::1", &ip) == 0);
	test_assert(net_ip_is_loopback(&ip));
	test_assert(net_addr2ip("::ffff:127.0.0.1", &ip) == 0);
	test_assert(net_ip_is_loopback(&ip));
	test_assert(net_addr2ip("128.0.0.1", &ip) == 0);
	test_assert(!net_ip_is_loopback(&ip));
	test_assert(net_addr2ip("::2", &ip) == 0);
	test_assert(!net_ip_is_loopback(&ip));
	test_end();
}

static void test_net_ranges(void)
{
	static const struct {
		const char *ip, *range;
		bool match;
	} tests[] = {
		{ "10.1.2.3", "10.0.0.0/8", true },
		{ "11.1.2.3", "10.0.0.0/8", false },
		{ "10.1.2.3", "10.1.2.3", true },
		{ "10.1.2.4", "10.1.2.3", false },
		{ "192.168.1.130", "192.168.1.128/25", true },
		{ "192.168.1.127", "192.168.1.128/25", false },
		{ "192.168.1.1", "192.168.1.0/31", true },
		{ "192.168.1.2", "192.168.1.0/31", false },
		{ "1.2.3.4", "0.0.0.0/0", true },
		{ "::1", "0.0.0.0/0", false },
		{ "::1", "::1/128", true },
		{ "::2", "::1/128", false },
		{ "2001:db8::1", "2001:db8::/32", true },
		{ "2001:db9::1", "2001:db8::/32", false },
		{ "2001:db8:8000::1", "2001:db8::/33", false },
		{ "2001:db8:7fff::1", "2001:db8::/33", true },
		{ "::ffff:10.1.2.3", "10.0.0.0/8", true },
		{ "10.1.2.3", "::ffff:10.0.0.0/104", true },
		{ "11.1.2.3", "::ffff:10.0.0.0/104", false },
		{ "10.1.2.3", "::/0", false },
		{ "fe80::1", "::/0", true },
	};
	static const char *const bad[] = {
		"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
		"10.0.0.0/8x", "/8", "x/8", "10.0.0.0/ 8", "10.0.0.0/+8",
	};
	struct ip_addr ip, net;
	unsigned int bits;

	test_begin("net_parse_range / net_is_in_network");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert(net_addr2ip(tests[i].ip, &ip) == 0);
		test_assert(net_parse_range(tests[i].range, &net, &bits) == 0);
		if (net_is_in_network(&ip, &net, bits) != tests[i].match)
			test_assert_strcmp(tests[i].ip, tests[i].range);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++)
		test_assert(net_parse_range(bad[i], &net, &bits) == -1);
	test_assert(net_parse_range("10.0.0.1", &net, &bits) == 0 &&
		bits == 32);
	test_assert(net_parse_range("::1", &net, &bits) == 0 && bits == 128);
	test_assert(net_parse_range("10.0.0.0/0", &net, &bits) == 0 &&
		bits == 0);
	test_end();
}

static bool wait_fd(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	return poll(&pfd, 1, 1000) == 1;
}

static void test_tcp_roundtrip(const char *address, const char *connect_to)
{
	struct ip_addr ip, remote, local, peer;
	in_port_t port, remote_port, local_port, peer_port;
	const char *error;
	int lfd, cfd, afd;
	char c;

	lfd = net_listen_inet(address, 0, false, 16, &error);
	test_assert(lfd >= 0);
	if (lfd < 0)
		return;
	test_assert(net_getsockname(lfd, NULL, &port) == 0 && port != 0);
	test_assert(net_accept(lfd, &remote, &remote_port) == -1 &&
		(errno == EAGAIN || errno == EWOULDBLOCK));

	test_assert(net_addr2ip(connect_to, &ip) == 0);
	cfd = net_connect_ip(&ip, port, &error);
	test_assert(cfd >= 0);
	test_assert(wait_fd(cfd, POLLOUT));
	test_assert(net_connect_error(cfd) == 0);
	test_assert(wait_fd(lfd, POLLIN));
	afd = net_accept(lfd, &remote, &remote_port);
	test_assert(afd >= 0);
	test_assert(net_ip_equals(&remote, &ip));
	test_assert(net_getsockname(cfd, &local, &local_port) == 0);
	test_assert(local_port == remote_port);
	test_assert(net_getpeername(afd, &peer, &peer_port) == 0);
	test_assert(net_ip_equals(&peer, &ip) && peer_port == remote_port);
	test_assert(net_getsockname(afd, &local, &local_port) == 0);
	test_assert(local_port == port);
	test_assert(write(cfd, "x", 1) == 1);
	test_assert(wait_fd(afd, POLLIN));
	test_assert(read(afd, &c, 1) == 1 && c == 'x');
	close(afd);
	close(cfd);
	close(lfd);
}

static bool have_ipv6(void)
{
	const char *error;
	int fd = net_listen_inet("::1", 0, false, 1, &error);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void test_net_tcp(void)
{
	const char *error;
	in_port_t port;
	int fd, fd2;

	test_begin("net TCP listen/connect/accept");
	test_tcp_roundtrip("127.0.0.1", "127.0.0.1");
	test_tcp_roundtrip("*", "127.0.0.1");
	if (have_ipv6()) {
		test_tcp_roundtrip("::1", "::1");
		test_tcp_roundtrip("::", "::1");
	}
	/* The same port twice fails without SO_REUSEPORT, works with. */
	fd = net_listen_inet("127.0.0.1", 0, true, 4, &error);
	test_assert(fd >= 0);
	test_assert(net_getsockname(fd, NULL, &port) == 0);
	fd2 = net_listen_inet("127.0.0.1", port, false, 4, &error);
	test_assert(fd2 == -1);
	test_assert(fd2 == -1 && strstr(error, "Address already in use"));
	fd2 = net_listen_inet("127.0.0.1", port, true, 4, &error);
	test_assert(fd2 >= 0);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	test_assert(net_listen_inet("nonsense", 0, false, 4, &error) == -1);
	test_assert_strcmp(error, "Invalid listen address: nonsense");
	test_end();
}

static void test_net_unix(void)
{
	const char *path = t_printf("%s/sock", test_tmpdir());
	const char *file = t_printf("%s/file", test_tmpdir());
	struct sockaddr_un sun;
	const char *error;
	struct ip_addr ip;
	in_port_t port;
	struct stat st;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int lfd, lfd2, cfd, afd, sfd;
	char longpath[200];

	test_begin("net UNIX sockets: mode, creds, stale, in use");
	lfd = net_listen_unix(path, 0640, (uid_t)-1, (gid_t)-1, 8, &error);
	test_assert(lfd >= 0);
	test_assert(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		(st.st_mode & 07777) == 0640);
	cfd = net_connect_unix(path);
	test_assert(cfd >= 0);
	test_assert(wait_fd(lfd, POLLIN));
	afd = net_accept(lfd, &ip, &port);
	test_assert(afd >= 0 && ip.family == 0 && port == 0);
	test_assert(net_getunixcred(afd, &pid, &uid, &gid) == 0);
	test_assert(pid == getpid() && uid == getuid() && gid == getgid());
	test_assert(net_getpeername(afd, &ip, &port) == 0 && ip.family == 0);

	/* Someone listens: refuse, and leave the socket alone. */
	lfd2 = net_listen_unix(path, 0600, (uid_t)-1, (gid_t)-1, 8, &error);
	test_assert(lfd2 == -1);
	test_assert(lfd2 == -1 &&
		strstr(error, "already exists and is in use") != NULL);
	test_assert(stat(path, &st) == 0);
	close(afd);
	close(cfd);
	close(lfd);

	/* The listener is gone but the file stays: a stale socket. */
	test_assert(stat(path, &st) == 0);
	test_assert(net_connect_unix(path) == -1 && errno == ECONNREFUSED);
	lfd = net_listen_unix(path, 0666, (uid_t)-1, (gid_t)-1, 8, &error);
	test_assert(lfd >= 0);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0666);
	close(lfd);

	/* A stale socket left by a bound-but-never-listening socket. */
	test_assert(unlink(path) == 0);
	sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	test_assert(i_strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) == 0);
	test_assert(bind(sfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	lfd = net_listen_unix(path, 0600, getuid(), getgid(), 8, &error);
	test_assert(lfd >= 0);
	close(lfd);
	close(sfd);
	test_assert(unlink(path) == 0);

	/* Not a socket: never removed. */
	close(open(file, O_CREAT | O_WRONLY, 0600));
	test_assert(net_listen_unix(file, 0600, (uid_t)-1, (gid_t)-1, 8,
			    &error) == -1);
	test_assert(strstr(error, "not a socket") != NULL);
	test_assert(stat(file, &st) == 0 && S_ISREG(st.st_mode));

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	test_assert(net_listen_unix(longpath, 0600, (uid_t)-1, (gid_t)-1, 8,
			    &error) == -1);
	test_assert(strstr(error, "too long") != NULL);
	test_assert(net_connect_unix(longpath) == -1 && errno == ENAMETOOLONG);
	test_end();
}

static void test_net_fd_flags(void)
{
	int fds[2], flags;

	test_begin("fd_set_nonblock / fd_close_on_exec");
	test_assert(pipe(fds) == 0);
	fd_set_nonblock(fds[0], true);
	flags = fcntl(fds[0], F_GETFL);
	test_assert((flags & O_NONBLOCK) != 0);
	fd_set_nonblock(fds[0], false);
	test_assert((fcntl(fds[0], F_GETFL) & O_NONBLOCK) == 0);
	fd_close_on_exec(fds[0], true);
	test_assert((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0);
	fd_close_on_exec(fds[0], false);
	test_assert((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) == 0);
	close(fds[0]);
	close(fds[1]);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_net_addr,
		test_net_ranges,
		test_net_tcp,
		test_net_unix,
		test_net_fd_flags,
		NULL
	};

	return test_run(tests);
}
