/*
 * net.h - sockets: addresses, listening, connecting, accepting.
 */
#ifndef ROOST_NET_H
#define ROOST_NET_H

#include <netinet/in.h>
#include <sys/socket.h>

struct ip_addr {
	sa_family_t family; /* AF_INET, AF_INET6, or 0 = none (UNIX) */
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	} u;
};

/* Parses "1.2.3.4" or "::1" (also "[::1]"). 0 or -1. */
int net_addr2ip(const char *str, struct ip_addr *ip_r);
/* Text form into a static-per-call scratch string ("" for none). */
const char *net_ip2str(const struct ip_addr *ip);
bool net_ip_equals(const struct ip_addr *a, const struct ip_addr *b);
bool net_ip_is_loopback(const struct ip_addr *ip);
/* "10.0.0.0/8", "::1/128" or a bare address. 0 or -1. */
int net_parse_range(const char *str, struct ip_addr *ip_r,
	unsigned int *bits_r);
bool net_is_in_network(const struct ip_addr *ip, const struct ip_addr *net,
	unsigned int bits);

/*
 * Listens on address:port (address "*" = all IPv4, "::" = all IPv6, a
 * comma/space separated list is the caller's job).  Returns the fd
 * (non-blocking, close-on-exec) or -1 with error_r.
 */
int net_listen_inet(const char *address, in_port_t port, bool reuse_port,
	int backlog, const char **error_r);
/*
 * Listens on a UNIX socket path, replacing a stale socket file (but
 * refusing to remove a socket someone still listens on).  Sets the mode
 * and, when uid/gid are not (uid_t)-1/(gid_t)-1, the owner.
 */
int net_listen_unix(const char *path, mode_t mode, uid_t uid, gid_t gid,
	int backlog, const char **error_r);
/* Blocking connect to a UNIX socket; returns the fd or -1 (errno set). */
int net_connect_unix(const char *path);
/* Non-blocking accept; returns the fd, -1 on EAGAIN-like (errno set) */
int net_accept(int listen_fd, struct ip_addr *remote_ip_r,
	in_port_t *remote_port_r);
int net_getsockname(int fd, struct ip_addr *ip_r, in_port_t *port_r);
int net_getpeername(int fd, struct ip_addr *ip_r, in_port_t *port_r);
/* For UNIX sockets: the peer's credentials. */
int net_getunixcred(int fd, pid_t *pid_r, uid_t *uid_r, gid_t *gid_r);

void fd_set_nonblock(int fd, bool nonblock);
void fd_close_on_exec(int fd, bool set);

#endif
