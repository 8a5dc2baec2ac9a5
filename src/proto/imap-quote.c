/*
 * imap-quote.c - choosing between atom, quoted string and literal when
 * writing strings into IMAP responses, and the character classes of the
 * RFC 3501 grammar that both directions share.
 */
#include "lib.h"
#include "imap-quote.h"
#include "buf.h"

bool imap_is_atom_char(unsigned char c)
{
	/* RFC 3501: ATOM-CHAR = <any CHAR except atom-specials>;
	   atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
	   quoted-specials / resp-specials */
	if (c <= 0x20 || c >= 0x7f)
		return false;
	switch (c) {
	case '(':
	case ')':
	case '{':
	case '%':
	case '*':
	case '"':
	case '\\':
	case ']':
		return false;
	}
	return true;
}

bool imap_is_astring_char(unsigned char c)
{
	return imap_is_atom_char(c) || c == ']';
}

/* Returns the length of the valid UTF-8 sequence at p (at most left
   bytes), or 0 if it is invalid. */
static size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

bool imap_utf8_is_valid(const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i = 0, len;

	while (i < size) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		len = utf8_seq_len(p + i, size - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

int imap_append_quoted(struct buf *dest, const char *str, bool utf8)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i, size = strlen(str), len;

	if (buf_append_c(dest, '"') < 0)
		return -1;
	for (i = 0; i < size;) {
		switch (p[i]) {
		case '\r':
		case '\n':
			i++;
			continue;
		case '"':
		case '\\':
			if (buf_append_c(dest, '\\') < 0 ||
			    buf_append_c(dest, (char)p[i]) < 0)
				return -1;
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			if (buf_append_c(dest, (char)p[i]) < 0)
				return -1;
			i++;
			continue;
		}
		len = utf8_seq_len(p + i, size - i);
		if (len == 0 || !utf8) {
			/* drop the byte (or the whole non-ASCII sequence) */
			i += len == 0 ? 1 : len;
			continue;
		}
		if (buf_append(dest, p + i, len) < 0)
			return -1;
		i += len;
	}
	return buf_append_c(dest, '"');
}

static bool is_quotable(const unsigned char *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (p[i] == '\0' || p[i] == '\r' || p[i] == '\n' ||
		    p[i] >= 0x80)
			return false;
	}
	return true;
}

int imap_append_string_data(struct buf *dest, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i;

	if (!is_quotable(p, size)) {
		if (buf_printf(dest, "{%zu}\r\n", size) < 0)
			return -1;
		return buf_append(dest, data, size);
	}
	if (buf_append_c(dest, '"') < 0)
		return -1;
	for (i = 0; i < size; i++) {
		if ((p[i] == '"' || p[i] == '\\') &&
		    buf_append_c(dest, '\\') < 0)
			return -1;
		if (buf_append_c(dest, (char)p[i]) < 0)
			return -1;
	}
	return buf_append_c(dest, '"');
}

int imap_append_string(struct buf *dest, const char *str)
{
	return imap_append_string_data(dest, str, strlen(str));
}

int imap_append_nstring(struct buf *dest, const char *str)
{
	if (str == NULL)
		return buf_append_str(dest, "NIL");
	return imap_append_string(dest, str);
}

int imap_append_astring(struct buf *dest, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i;

	for (i = 0; p[i] != '\0'; i++) {
		if (!imap_is_astring_char(p[i]))
			break;
	}
	if (i == 0 || p[i] != '\0' || strcasecmp(str, "NIL") == 0)
		return imap_append_string(dest, str);
	return buf_append(dest, str, i);
}
