/*
 * net.c - sockets: IP address parsing and formatting, network ranges,
 * listening on TCP and UNIX sockets (with stale-socket replacement),
 * accepting and peer information.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d), which a dual-stack socket
 * reports for IPv4 peers, are turned into plain IPv4 addresses everywhere
 * an address comes from the kernel, so logs and trusted-network checks see
 * one form.
 */
#include "lib.h"
#include "net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	struct sockaddr_storage ss;
};

static void ip_unmap(struct ip_addr *ip)
{
	if (ip->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&ip->u.ip6)) {
		struct in_addr ip4;

		memcpy(&ip4, &ip->u.ip6.s6_addr[12], sizeof(ip4));
		memset(ip, 0, sizeof(*ip));
		ip->family = AF_INET;
		ip->u.ip4 = ip4;
	}
}

static void sockaddr_to_ip(const union sockaddr_any *so, struct ip_addr *ip_r,
	in_port_t *port_r)
{
	struct ip_addr ip;
	in_port_t port = 0;

	memset(&ip, 0, sizeof(ip));
	if (so->sa.sa_family == AF_INET) {
		ip.family = AF_INET;
		ip.u.ip4 = so->sin.sin_addr;
		port = ntohs(so->sin.sin_port);
	} else if (so->sa.sa_family == AF_INET6) {
		ip.family = AF_INET6;
		ip.u.ip6 = so->sin6.sin6_addr;
		port = ntohs(so->sin6.sin6_port);
		ip_unmap(&ip);
	}
	if (ip_r != NULL)
		*ip_r = ip;
	if (port_r != NULL)
		*port_r = port;
}

static socklen_t ip_to_sockaddr(const struct ip_addr *ip, in_port_t port,
	union sockaddr_any *so_r)
{
	memset(so_r, 0, sizeof(*so_r));
	if (ip->family == AF_INET) {
		so_r->sin.sin_family = AF_INET;
		so_r->sin.sin_addr = ip->u.ip4;
		so_r->sin.sin_port = htons(port);
		return sizeof(so_r->sin);
	}
	i_assert(ip->family == AF_INET6);
	so_r->sin6.sin6_family = AF_INET6;
	so_r->sin6.sin6_addr = ip->u.ip6;
	so_r->sin6.sin6_port = htons(port);
	return sizeof(so_r->sin6);
}

int net_addr2ip(const char *str, struct ip_addr *ip_r)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t len = strlen(str);

	memset(ip_r, 0, sizeof(*ip_r));
	if (len >= 2 && str[0] == '[' && str[len - 1] == ']') {
		if (len - 2 >= sizeof(tmp))
			return -1;
		memcpy(tmp, str + 1, len - 2);
		tmp[len - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, &ip_r->u.ip6) != 1)
			return -1;
		ip_r->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, str, &ip_r->u.ip4) == 1) {
		ip_r->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, str, &ip_r->u.ip6) == 1) {
		ip_r->family = AF_INET6;
		return 0;
	}
	memset(ip_r, 0, sizeof(*ip_r));
	return -1;
}

const char *net_ip2str(const struct ip_addr *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (ip->family != AF_INET && ip->family != AF_INET6)
		return "";
	if (inet_ntop(ip->family, &ip->u, buf, sizeof(buf)) == NULL)
		return "";
	return t_strdup(buf);
}

bool net_ip_equals(const struct ip_addr *a, const struct ip_addr *b)
{
	struct ip_addr ua = *a, ub = *b;

	ip_unmap(&ua);
	ip_unmap(&ub);
	if (ua.family != ub.family)
		return false;
	if (ua.family == AF_INET)
		return ua.u.ip4.s_addr == ub.u.ip4.s_addr;
	if (ua.family == AF_INET6)
		return memcmp(&ua.u.ip6, &ub.u.ip6, sizeof(ua.u.ip6)) == 0;
	return true;
}

bool net_ip_is_loopback(const struct ip_addr *ip)
{
	struct ip_addr u = *ip;

	ip_unmap(&u);
	if (u.family == AF_INET)
		return (ntohl(u.u.ip4.s_addr) >> 24) == 127;
	if (u.family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&u.u.ip6);
	return false;
}

int net_parse_range(const char *str, struct ip_addr *ip_r,
	unsigned int *bits_r)
{
	const char *slash = strchr(str, '/');
	unsigned int max_bits, bits;
	char host[INET6_ADDRSTRLEN + 3];
	size_t len;

	len = slash == NULL ? strlen(str) : (size_t)(slash - str);
	if (len == 0 || len >= sizeof(host))
		return -1;
	memcpy(host, str, len);
	host[len] = '\0';
	if (net_addr2ip(host, ip_r) < 0)
		return -1;
	max_bits = ip_r->family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		*bits_r = max_bits;
		return 0;
	}
	/* Digits only: no sign, no spaces, no empty prefix. */
	bits = 0;
	if (slash[1] == '\0')
		return -1;
	for (const char *p = slash + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		bits = bits * 10 + (unsigned int)(*p - '0');
		if (bits > max_bits)
			return -1;
	}
	*bits_r = bits;
	return 0;
}

static bool prefix_equals(const unsigned char *a, const unsigned char *b,
	unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool net_is_in_network(const struct ip_addr *ip, const struct ip_addr *net,
	unsigned int bits)
{
	struct ip_addr uip = *ip, unet = *net;

	/* A v4-mapped address matches IPv4 ranges, and a v4-mapped range
	   matches IPv4 addresses. */
	if (unet.family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&unet.u.ip6)) {
		ip_unmap(&unet);
		bits = bits >= 96 ? bits - 96 : 0;
	}
	ip_unmap(&uip);
	if (uip.family != unet.family)
		return false;
	if (uip.family == AF_INET) {
		if (bits > 32)
			return false;
		return prefix_equals((const void *)&uip.u.ip4,
			(const void *)&unet.u.ip4, bits);
	}
	if (uip.family == AF_INET6) {
		if (bits > 128)
			return false;
		return prefix_equals(uip.u.ip6.s6_addr, unet.u.ip6.s6_addr,
			bits);
	}
	return false;
}

void fd_set_nonblock(int fd, bool nonblock)
{
	int flags = fcntl(fd, F_GETFL, 0);

	if (flags < 0)
		i_panic("fcntl(%d, F_GETFL) failed: %m", fd);
	flags = nonblock ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	if (fcntl(fd, F_SETFL, flags) < 0)
		i_panic("fcntl(%d, F_SETFL) failed: %m", fd);
}

void fd_close_on_exec(int fd, bool set)
{
	int flags = fcntl(fd, F_GETFD, 0);

	if (flags < 0)
		i_panic("fcntl(%d, F_GETFD) failed: %m", fd);
	flags = set ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
	if (fcntl(fd, F_SETFD, flags) < 0)
		i_panic("fcntl(%d, F_SETFD) failed: %m", fd);
}

static int set_int_opt(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

int net_listen_inet(const char *address, in_port_t port, bool reuse_port,
	int backlog, const char **error_r)
{
	union sockaddr_any so;
	struct ip_addr ip;
	socklen_t len;
	int fd;

	memset(&ip, 0, sizeof(ip));
	if (strcmp(address, "*") == 0) {
		ip.family = AF_INET;
		ip.u.ip4.s_addr = htonl(INADDR_ANY);
	} else if (strcmp(address, "::") == 0 ||
		   strcmp(address, "[::]") == 0) {
		ip.family = AF_INET6;
		ip.u.ip6 = in6addr_any;
	} else if (net_addr2ip(address, &ip) < 0) {
		*error_r = t_printf("Invalid listen address: %s", address);
		return -1;
	}
	len = ip_to_sockaddr(&ip, port, &so);

	fd = socket(ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error_r = t_printf("socket(%s) failed: %m", address);
		return -1;
	}
	if (set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
	    (reuse_port && set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0) ||
	    /* "::" must not also take the IPv4 port: "*" may listen too. */
	    (ip.family == AF_INET6 &&
		    set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0)) {
		*error_r = t_printf("setsockopt(%s) failed: %m", address);
		close(fd);
		return -1;
	}
	if (bind(fd, &so.sa, len) < 0) {
		*error_r = t_printf("bind(%s, %u) failed: %m", address,
			(unsigned int)port);
		close(fd);
		return -1;
	}
	if (listen(fd, backlog) < 0) {
		*error_r = t_printf("listen(%s, %u) failed: %m", address,
			(unsigned int)port);
		close(fd);
		return -1;
	}
	return fd;
}

static int unix_sockaddr(const char *path, struct sockaddr_un *sun_r)
{
	memset(sun_r, 0, sizeof(*sun_r));
	sun_r->sun_family = AF_UNIX;
	if (i_strlcpy(sun_r->sun_path, path, sizeof(sun_r->sun_path)) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* A socket file is stale when nobody accepts connections on it. */
static int unix_socket_in_use(const char *path, bool *in_use_r)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		*in_use_r = false;
		return 0;
	}
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	fd = net_connect_unix(path);
	if (fd >= 0) {
		close(fd);
		*in_use_r = true;
		return 0;
	}
	if (errno == ECONNREFUSED || errno == ENOENT) {
		*in_use_r = false;
		return 0;
	}
	return -1;
}

int net_listen_unix(const char *path, mode_t mode, uid_t uid, gid_t gid,
	int backlog, const char **error_r)
{
	struct sockaddr_un sun;
	mode_t old_umask;
	bool in_use;
	int fd, ret;

	if (unix_sockaddr(path, &sun) < 0) {
		*error_r = t_printf("Socket path too long: %s", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error_r = t_printf("socket(%s) failed: %m", path);
		return -1;
	}
	for (int attempt = 0;; attempt++) {
		/* Created with no permissions; chown and chmod below open it
		   up, so it is never briefly more accessible than wanted. */
		old_umask = umask(0777);
		ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
		umask(old_umask);
		if (ret == 0)
			break;
		if (errno != EADDRINUSE || attempt > 0) {
			*error_r = t_printf("bind(%s) failed: %m", path);
			close(fd);
			return -1;
		}
		if (unix_socket_in_use(path, &in_use) < 0) {
			if (errno == EEXIST)
				*error_r = t_printf(
					"%s exists and is not a socket", path);
			else
				*error_r = t_printf("connect(%s) failed: %m",
					path);
			close(fd);
			return -1;
		}
		if (in_use) {
			*error_r = t_printf("Socket already exists and "
					    "is in use: %s", path);
			close(fd);
			return -1;
		}
		if (unlink(path) < 0 && errno != ENOENT) {
			*error_r = t_printf("unlink(%s) failed: %m", path);
			close(fd);
			return -1;
		}
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(path, uid, gid) < 0) {
		*error_r = t_printf("chown(%s, %ld, %ld) failed: %m", path,
			uid == (uid_t)-1 ? -1L : (long)uid,
			gid == (gid_t)-1 ? -1L : (long)gid);
		goto fail_unlink;
	}
	if (chmod(path, mode) < 0) {
		*error_r = t_printf("chmod(%s, 0%o) failed: %m", path,
			(unsigned int)mode);
		goto fail_unlink;
	}
	if (listen(fd, backlog) < 0) {
		*error_r = t_printf("listen(%s) failed: %m", path);
		goto fail_unlink;
	}
	return fd;

fail_unlink:
	(void)unlink(path);
	close(fd);
	return -1;
}

int net_connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd, saved_errno;

	if (unix_sockaddr(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno == EINTR)
			continue;
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return -1;
	}
	return fd;
}

int net_connect_ip(const struct ip_addr *ip, in_port_t port,
	const char **error_r)
{
	union sockaddr_any so;
	socklen_t len;
	int fd;

	if (ip->family != AF_INET && ip->family != AF_INET6) {
		*error_r = "connect() failed: no IP address";
		return -1;
	}
	len = ip_to_sockaddr(ip, port, &so);
	fd = socket(ip->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error_r = t_printf("socket() failed: %m");
		return -1;
	}
	if (connect(fd, &so.sa, len) < 0 && errno != EINPROGRESS) {
		*error_r = t_printf("connect(%s, %u) failed: %m",
			net_ip2str(ip), (unsigned int)port);
		close(fd);
		return -1;
	}
	return fd;
}

int net_connect_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

int net_accept(int listen_fd, struct ip_addr *remote_ip_r,
	in_port_t *remote_port_r)
{
	union sockaddr_any so;
	socklen_t len = sizeof(so);
	int fd;

	memset(&so, 0, sizeof(so));
	fd = accept4(listen_fd, &so.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	sockaddr_to_ip(&so, remote_ip_r, remote_port_r);
	return fd;
}

int net_getsockname(int fd, struct ip_addr *ip_r, in_port_t *port_r)
{
	union sockaddr_any so;
	socklen_t len = sizeof(so);

	memset(&so, 0, sizeof(so));
	if (getsockname(fd, &so.sa, &len) < 0)
		return -1;
	sockaddr_to_ip(&so, ip_r, port_r);
	return 0;
}

int net_getpeername(int fd, struct ip_addr *ip_r, in_port_t *port_r)
{
	union sockaddr_any so;
	socklen_t len = sizeof(so);

	memset(&so, 0, sizeof(so));
	if (getpeername(fd, &so.sa, &len) < 0)
		return -1;
	sockaddr_to_ip(&so, ip_r, port_r);
	return 0;
}

int net_getunixcred(int fd, pid_t *pid_r, uid_t *uid_r, gid_t *gid_r)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	if (len != sizeof(cred)) {
		errno = EINVAL;
		return -1;
	}
	if (pid_r != NULL)
		*pid_r = cred.pid;
	if (uid_r != NULL)
		*uid_r = cred.uid;
	if (gid_r != NULL)
		*gid_r = cred.gid;
	return 0;
}
