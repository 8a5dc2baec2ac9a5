/*
 * auth-base64.c - RFC 4648 base64 encoding and strict decoding.
 */
#include "lib.h"
#include "auth-base64.h"

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t auth_base64_encoded_size(size_t size)
{
	return size_mul(size_add(size, 2) / 3, 4);
}

const char *auth_base64_encode(struct arena *arena, const void *data,
	size_t size)
{
	const unsigned char *p = data;
	char *out = arena_alloc(arena,
		size_add(auth_base64_encoded_size(size), 1));
	size_t i, o = 0;

	for (i = 0; i + 2 < size; i += 3) {
		out[o++] = b64_chars[p[i] >> 2];
		out[o++] = b64_chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64_chars[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = b64_chars[p[i + 2] & 63];
	}
	if (i < size) {
		out[o++] = b64_chars[p[i] >> 2];
		if (i + 1 < size) {
			out[o++] = b64_chars[((p[i] & 3) << 4) |
					     (p[i + 1] >> 4)];
			out[o++] = b64_chars[(p[i + 1] & 15) << 2];
		} else {
			out[o++] = b64_chars[(p[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int auth_base64_decode(struct arena *arena, const char *src, size_t len,
	unsigned char **data_r, size_t *size_r)
{
	unsigned char *out;
	size_t i, o = 0, pad = 0;
	uint32_t acc = 0;
	unsigned int nbits = 0;

	/* Strip up to two '=' of padding; they must be at the very end. */
	while (len > 0 && src[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (pad > 0 && (len + pad) % 4 != 0)
		return -1;
	if (len % 4 == 1)
		return -1;
	out = arena_alloc(arena, size_add(len / 4 * 3 + 3, 1));
	for (i = 0; i < len; i++) {
		int v = b64_value((unsigned char)src[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (unsigned char)(acc >> nbits);
			acc &= (1U << nbits) - 1;
		}
	}
	/* Non-zero leftover bits (a non-canonical final character) are
	   tolerated, as Dovecot's decoder does. */
	out[o] = '\0';
	*data_r = out;
	*size_r = o;
	return 0;
}
