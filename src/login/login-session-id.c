/*
 * login-session-id.c - building Dovecot-format login session ids.
 */
#include "lib.h"
#include "auth-base64.h"
#include "login-session-id.h"

#include <sys/time.h>

const char *login_session_id_build(struct arena *arena,
	const struct ip_addr *remote_ip, in_port_t remote_port,
	uint64_t usecs)
{
	unsigned char raw[6 + 2 + 16];
	size_t raw_len = 0;
	unsigned int i;

	/* 48 bits of the timestamp: a bit under 9 years before it wraps. */
	for (i = 0; i < 48; i += 8)
		raw[raw_len++] = (unsigned char)((usecs >> i) & 0xff);
	raw[raw_len++] = (unsigned char)(remote_port & 0xff);
	raw[raw_len++] = (unsigned char)((remote_port >> 8) & 0xff);
	if (remote_ip->family == AF_INET6) {
		memcpy(raw + raw_len, &remote_ip->u.ip6, 16);
		raw_len += 16;
	} else if (remote_ip->family == AF_INET) {
		memcpy(raw + raw_len, &remote_ip->u.ip4, 4);
		raw_len += 4;
	}
	return auth_base64_encode(arena, raw, raw_len);
}

const char *login_session_id_new(struct arena *arena,
	const struct ip_addr *remote_ip, in_port_t remote_port)
{
	struct timeval tv;

	if (gettimeofday(&tv, NULL) < 0)
		i_panic("gettimeofday() failed: %s", strerror(errno));
	return login_session_id_build(arena, remote_ip, remote_port,
		(uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec);
}
