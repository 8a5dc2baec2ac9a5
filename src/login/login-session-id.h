/*
 * login-session-id.h - Dovecot's login session ids ("session=<...>").
 *
 * The id is the base64 of: the lowest 48 bits of the connect time in
 * microseconds (little-endian), the client's port (little-endian, 2 bytes)
 * and its address (4 bytes IPv4 / 16 bytes IPv6): 16 characters for IPv4
 * clients ("L6iFUYp2sO5/AAAB"), 32 for IPv6.  It is unique per connection
 * on a host and carried to auth (session=) and the post-login process.
 */
#ifndef ROOST_LOGIN_SESSION_ID_H
#define ROOST_LOGIN_SESSION_ID_H

#include "net.h"

struct arena;

/* Builds the id for a client connected at usecs (since the epoch).  The
   result is allocated from arena.  ip may have family 0 (no address). */
const char *login_session_id_build(struct arena *arena,
	const struct ip_addr *remote_ip, in_port_t remote_port,
	uint64_t usecs);
/* Same with the current time. */
const char *login_session_id_new(struct arena *arena,
	const struct ip_addr *remote_ip, in_port_t remote_port);

#endif
