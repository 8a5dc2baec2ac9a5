/*
 * maildir-utf7.c - modified UTF-7 (RFC 3501 5.1.3) for on-disk folder
 * names.  Storage must not depend on src/proto, so this is our own small
 * codec; decoding is strict (canonical input only), so a name has exactly
 * one directory.
 */
#include "lib.h"
#include "buf.h"
#include "maildir-list.h"
#include "maildir-util.h"

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Decodes one UTF-8 character; returns its length or -1. */
static int utf8_decode(const unsigned char *s, uint32_t *chr_r)
{
	uint32_t c = s[0];
	int len, i;

	if (c < 0x80) {
		*chr_r = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else {
		return -1;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*chr_r = c;
	return len;
}

static void utf8_encode(struct buf *out, uint32_t c)
{
	if (c < 0x80) {
		ubuf_append_c(out, (char)c);
	} else if (c < 0x800) {
		ubuf_append_c(out, (char)(0xc0 | (c >> 6)));
		ubuf_append_c(out, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		ubuf_append_c(out, (char)(0xe0 | (c >> 12)));
		ubuf_append_c(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		ubuf_append_c(out, (char)(0x80 | (c & 0x3f)));
	} else {
		ubuf_append_c(out, (char)(0xf0 | (c >> 18)));
		ubuf_append_c(out, (char)(0x80 | ((c >> 12) & 0x3f)));
		ubuf_append_c(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		ubuf_append_c(out, (char)(0x80 | (c & 0x3f)));
	}
}

/* Writes UTF-16 units as modified base64. */
static void flush_b64(struct buf *out, const uint16_t *units,
	unsigned int count)
{
	uint32_t bits = 0;
	unsigned int nbits = 0, i;

	for (i = 0; i < count; i++) {
		bits = (bits << 16) | units[i];
		nbits += 16;
		while (nbits >= 6) {
			nbits -= 6;
			ubuf_append_c(out, b64chars[(bits >> nbits) & 0x3f]);
		}
	}
	if (nbits > 0)
		ubuf_append_c(out, b64chars[(bits << (6 - nbits)) & 0x3f]);
}

int maildir_utf8_to_mutf7(struct arena *arena, const char *src,
	const char **dest_r)
{
	const unsigned char *p = (const unsigned char *)src;
	struct buf out;
	uint16_t units[64];
	unsigned int count = 0;
	bool in_b64 = false;

	buf_init(&out, NULL, strlen(src) + 16, 0);
	while (*p != '\0') {
		uint32_t c;
		int len = utf8_decode(p, &c);

		if (len < 0) {
			buf_free(&out);
			return -1;
		}
		p += len;
		if (c >= 0x20 && c <= 0x7e) {
			if (in_b64) {
				flush_b64(&out, units, count);
				count = 0;
				ubuf_append_c(&out, '-');
				in_b64 = false;
			}
			if (c == '&')
				ubuf_append_str(&out, "&-");
			else
				ubuf_append_c(&out, (char)c);
			continue;
		}
		if (!in_b64) {
			ubuf_append_c(&out, '&');
			in_b64 = true;
		}
		if (count + 2 > N_ELEMENTS(units)) {
			/* Flush whole 3-unit groups so the bit stream
			   stays aligned. */
			unsigned int whole = count - count % 3;

			flush_b64(&out, units, whole);
			memmove(units, units + whole,
				(count - whole) * sizeof(units[0]));
			count -= whole;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			units[count++] = (uint16_t)(0xd800 | (c >> 10));
			units[count++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			units[count++] = (uint16_t)c;
		}
	}
	if (in_b64) {
		flush_b64(&out, units, count);
		ubuf_append_c(&out, '-');
	}
	*dest_r = ubuf_finish(&out, arena);
	return 0;
}

static int b64val(char c)
{
	const char *p = strchr(b64chars, c);

	return c == '\0' || p == NULL ? -1 : (int)(p - b64chars);
}

int maildir_mutf7_to_utf8(struct arena *arena, const char *src,
	const char **dest_r)
{
	const char *p = src;
	struct buf out;

	buf_init(&out, NULL, strlen(src) + 16, 0);
	while (*p != '\0') {
		uint32_t bits = 0, high = 0;
		unsigned int nbits = 0, units = 0;

		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			goto fail;
		if (*p != '&') {
			ubuf_append_c(&out, *p++);
			continue;
		}
		p++;
		if (*p == '-') {
			ubuf_append_c(&out, '&');
			p++;
			continue;
		}
		for (; *p != '-'; p++) {
			int v = b64val(*p);

			if (v < 0)
				goto fail;
			bits = (bits << 6) | (uint32_t)v;
			nbits += 6;
			if (nbits >= 16) {
				uint32_t u;

				nbits -= 16;
				u = (bits >> nbits) & 0xffff;
				units++;
				if (high != 0) {
					if (u < 0xdc00 || u > 0xdfff)
						goto fail;
					utf8_encode(&out, 0x10000 +
						((high - 0xd800) << 10) +
						(u - 0xdc00));
					high = 0;
				} else if (u >= 0xd800 && u <= 0xdbff) {
					high = u;
				} else if ((u >= 0xdc00 && u <= 0xdfff) ||
					   (u >= 0x20 && u <= 0x7e)) {
					/* Lone low surrogate, or printable
					   ASCII that must not be encoded. */
					goto fail;
				} else {
					utf8_encode(&out, u);
				}
			}
		}
		/* Non-canonical: empty run, leftover bits, split pair. */
		if (units == 0 || nbits >= 6 ||
		    (bits & ((1U << nbits) - 1)) != 0 || high != 0)
			goto fail;
		p++;
		/* Two adjacent runs should have been one. */
		if (*p == '&' && p[1] != '-')
			goto fail;
	}
	*dest_r = ubuf_finish(&out, arena);
	return 0;
fail:
	buf_free(&out);
	return -1;
}
