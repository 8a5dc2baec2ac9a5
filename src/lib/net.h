/*
 * net.h - sockets: addresses, listening, connecting, accepting.
 *
 * Addresses that come from the kernel (accept, getpeername, getsockname)
 * have IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) turned into plain IPv4
 * ones.  Error strings (error_r) live in the scratch arena.
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
/* Text form, allocated in the scratch arena ("" for none/UNIX). */
const char *net_ip2str(const struct ip_addr *ip);
/* Equal addresses (an IPv4-mapped IPv6 address equals its IPv4 form). */
bool net_ip_equals(const struct ip_addr *a, const struct ip_addr *b);
/* 127.0.0.0/8 or ::1. */
bool net_ip_is_loopback(const struct ip_addr *ip);
/* "10.0.0.0/8", "::1/128" or a bare address (bits = 32 or 128).  0 or -1
   (bad address, bits over the family's maximum, junk after the slash). */
int net_parse_range(const char *str, struct ip_addr *ip_r,
	unsigned int *bits_r);
/* True when the first bits of ip equal those of net (same family; IPv4 and
   IPv4-mapped IPv6 match each other; bits = 0 matches the whole family). */
bool net_is_in_network(const struct ip_addr *ip, const struct ip_addr *net,
	unsigned int bits);

/*
 * Listens on address:port (address "*" = all IPv4, "::" = all IPv6 (with
 * IPV6_V6ONLY, so "*" and "::" can both listen), otherwise an IP literal;
 * host names and comma/space separated lists are the caller's job).
 * SO_REUSEADDR is always set, SO_REUSEPORT when reuse_port.  Port 0 picks
 * a free port (see net_getsockname).  Returns the fd (non-blocking,
 * close-on-exec) or -1 with error_r ("bind(*, 143) failed: Address already
 * in use").
 */
int net_listen_inet(const char *address, in_port_t port, bool reuse_port,
	int backlog, const char **error_r);
/*
 * Listens on a UNIX socket path, replacing a stale socket file (one that
 * refuses connections) but refusing to remove a socket someone still
 * listens on ("Socket already exists and is in use: path") or a file that
 * is not a socket.  Sets the mode and, when uid/gid are not
 * (uid_t)-1/(gid_t)-1, the owner; the file is never more accessible than
 * mode while this happens.  Returns the fd (non-blocking, close-on-exec)
 * or -1 with error_r.  The caller unlinks the path when done.
 */
int net_listen_unix(const char *path, mode_t mode, uid_t uid, gid_t gid,
	int backlog, const char **error_r);
/* Blocking connect to a UNIX socket; returns the fd (blocking,
   close-on-exec) or -1 (errno set; ECONNREFUSED when nobody listens). */
int net_connect_unix(const char *path);
/*
 * Starts a non-blocking TCP connect; returns the fd (non-blocking,
 * close-on-exec) or -1 with error_r.  Wait for IO_WRITE, then check
 * net_connect_error().  (Addition: proxying and tests.)
 */
int net_connect_ip(const struct ip_addr *ip, in_port_t port,
	const char **error_r);
/* The pending error of a non-blocking connect (SO_ERROR): 0 = connected,
   else an errno value. */
int net_connect_error(int fd);
/*
 * Non-blocking accept; returns the new fd (non-blocking, close-on-exec) or
 * -1 with errno set (EAGAIN/EWOULDBLOCK when none is waiting,
 * ECONNABORTED, EMFILE, ...).  For UNIX sockets remote_ip_r gets family 0
 * and port 0.  remote_ip_r and remote_port_r may be NULL.
 */
int net_accept(int listen_fd, struct ip_addr *remote_ip_r,
	in_port_t *remote_port_r);
/* Local / remote address of a socket (family 0, port 0 for UNIX).  0 or -1
   (errno set).  Either output may be NULL. */
int net_getsockname(int fd, struct ip_addr *ip_r, in_port_t *port_r);
int net_getpeername(int fd, struct ip_addr *ip_r, in_port_t *port_r);
/* For UNIX sockets: the peer's credentials (SO_PEERCRED, taken at connect
   time).  0 or -1 (errno set).  Outputs may be NULL. */
int net_getunixcred(int fd, pid_t *pid_r, uid_t *uid_r, gid_t *gid_r);

/* Set or clear O_NONBLOCK / FD_CLOEXEC; panics on a bad fd. */
void fd_set_nonblock(int fd, bool nonblock);
void fd_close_on_exec(int fd, bool set);

#endif
