/*
 * imap-utf7.c - modified UTF-7 (RFC 3501 §5.1.3) for mailbox names.
 *
 * Encoding turns every run of characters outside printable ASCII into
 * UTF-16 code units in modified base64 between '&' and '-'.  Decoding
 * accepts only what that encoder produces, so a mailbox name has one
 * spelling on the wire and on disk.
 */
#include "lib.h"
#include "imap-utf7.h"
#include "buf.h"

static const char mbase64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int mbase64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

static bool is_direct(uint32_t c)
{
	/* RFC 3501: printable US-ASCII represents itself ('&' as "&-") */
	return c >= 0x20 && c <= 0x7e;
}

/* Decodes one UTF-8 character at *p (advancing it); -1 if invalid. */
static int utf8_next(const unsigned char **p, uint32_t *cp_r)
{
	const unsigned char *s = *p;
	uint32_t cp;
	unsigned int len, i;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		*p = s + 1;
		return 0;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (i = 1; i < len; i++) {
		/* a NUL terminator fails this test too */
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*cp_r = cp;
	*p = s + len;
	return 0;
}

static int utf8_append(struct buf *dest, uint32_t cp)
{
	unsigned char out[4];
	size_t len;

	if (cp < 0x80) {
		out[0] = cp;
		len = 1;
	} else if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		len = 2;
	} else if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		len = 3;
	} else {
		out[0] = 0xf0 | (cp >> 18);
		out[1] = 0x80 | ((cp >> 12) & 0x3f);
		out[2] = 0x80 | ((cp >> 6) & 0x3f);
		out[3] = 0x80 | (cp & 0x3f);
		len = 4;
	}
	return buf_append(dest, out, len);
}

struct b64_writer {
	uint32_t bits;
	unsigned int nbits;
};

static int b64_put16(struct buf *dest, struct b64_writer *w, uint32_t unit)
{
	w->bits = (w->bits << 16) | unit;
	w->nbits += 16;
	while (w->nbits >= 6) {
		w->nbits -= 6;
		unsigned int v = (w->bits >> w->nbits) & 0x3f;

		if (buf_append_c(dest, mbase64[v]) < 0)
			return -1;
	}
	w->bits &= (1U << w->nbits) - 1;
	return 0;
}

static int b64_finish(struct buf *dest, struct b64_writer *w)
{
	if (w->nbits > 0 &&
	    buf_append_c(dest, mbase64[(w->bits << (6 - w->nbits)) & 0x3f]) < 0)
		return -1;
	w->bits = w->nbits = 0;
	return buf_append_c(dest, '-');
}

static int utf8_to_utf7(const char *src, struct buf *dest)
{
	const unsigned char *p = (const unsigned char *)src;
	struct b64_writer w = { 0, 0 };
	bool shifted = false;
	uint32_t cp;

	while (*p != '\0') {
		if (utf8_next(&p, &cp) < 0)
			return -1;
		if (is_direct(cp)) {
			if (shifted && b64_finish(dest, &w) < 0)
				return -1;
			shifted = false;
			if (buf_append_c(dest, (char)cp) < 0 ||
			    (cp == '&' && buf_append_c(dest, '-') < 0))
				return -1;
			continue;
		}
		if (!shifted && buf_append_c(dest, '&') < 0)
			return -1;
		shifted = true;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (b64_put16(dest, &w, 0xd800 | (cp >> 10)) < 0 ||
			    b64_put16(dest, &w, 0xdc00 | (cp & 0x3ff)) < 0)
				return -1;
		} else if (b64_put16(dest, &w, cp) < 0) {
			return -1;
		}
	}
	if (shifted && b64_finish(dest, &w) < 0)
		return -1;
	return 0;
}

int imap_utf8_to_utf7(const char *src, struct buf *dest)
{
	size_t used = dest->used;

	if (utf8_to_utf7(src, dest) < 0) {
		buf_truncate(dest, used);
		return -1;
	}
	return 0;
}

/* Decodes the base64 run after '&' at *p up to and including its '-'.
   dest may be NULL (validation only). */
static int utf7_decode_shift(const unsigned char **p, struct buf *dest)
{
	const unsigned char *s = *p;
	uint32_t bits = 0, unit, high = 0;
	unsigned int nbits = 0, units = 0;
	int val;

	for (; *s != '-'; s++) {
		val = mbase64_value(*s);
		if (val < 0)
			return -1; /* invalid character or unterminated */
		bits = (bits << 6) | (uint32_t)val;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		unit = (bits >> nbits) & 0xffff;
		bits &= (1U << nbits) - 1;
		units++;

		if (high != 0) {
			/* a high surrogate must be followed by a low one */
			if (unit < 0xdc00 || unit > 0xdfff)
				return -1;
			unit = 0x10000 + ((high - 0xd800) << 10) +
				(unit - 0xdc00);
			high = 0;
		} else if (unit >= 0xd800 && unit <= 0xdbff) {
			high = unit;
			continue;
		} else if (unit >= 0xdc00 && unit <= 0xdfff) {
			return -1;
		} else if (is_direct(unit) || unit == 0) {
			/* printable ASCII must not be encoded, NUL can't */
			return -1;
		}
		if (dest != NULL && utf8_append(dest, unit) < 0)
			return -1;
	}
	/* No dangling surrogate, at least one character, and only the zero
	   padding bits of the last character left over. */
	if (high != 0 || units == 0 || nbits >= 6 || bits != 0)
		return -1;
	*p = s + 1;
	return 0;
}

static int utf7_to_utf8(const char *src, struct buf *dest)
{
	const unsigned char *p = (const unsigned char *)src;
	bool after_shift = false;

	while (*p != '\0') {
		if (!is_direct(*p))
			return -1;
		if (*p != '&') {
			if (dest != NULL && buf_append_c(dest, (char)*p) < 0)
				return -1;
			p++;
			after_shift = false;
			continue;
		}
		p++;
		if (*p == '-') {
			if (dest != NULL && buf_append_c(dest, '&') < 0)
				return -1;
			p++;
			after_shift = false;
			continue;
		}
		/* "&AOQ-&AOQ-" should have been one shift */
		if (after_shift)
			return -1;
		if (utf7_decode_shift(&p, dest) < 0)
			return -1;
		after_shift = true;
	}
	return 0;
}

int imap_utf7_to_utf8(const char *src, struct buf *dest)
{
	size_t used = dest->used;

	if (utf7_to_utf8(src, dest) < 0) {
		buf_truncate(dest, used);
		return -1;
	}
	return 0;
}

bool imap_utf7_is_valid(const char *src)
{
	return utf7_to_utf8(src, NULL) == 0;
}
