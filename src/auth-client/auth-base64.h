/*
 * auth-base64.h - RFC 4648 base64 for the SASL exchanges of the auth
 * protocols and the password schemes' encodings.
 */
#ifndef ROOST_AUTH_BASE64_H
#define ROOST_AUTH_BASE64_H

struct arena;

/* Encoded length of size bytes (with padding, without the NUL). */
size_t auth_base64_encoded_size(size_t size);
/* Encodes data into a NUL-terminated string in arena. */
const char *auth_base64_encode(struct arena *arena, const void *data,
	size_t size);
/*
 * Decodes src (len bytes; "=" padding, though a missing final one is
 * tolerated; no whitespace) into arena memory, NUL-terminated
 * for convenience.  Returns 0 with *data_r and *size_r, or -1 when src is not
 * valid base64.
 */
int auth_base64_decode(struct arena *arena, const char *src, size_t len,
	unsigned char **data_r, size_t *size_r);

#endif
