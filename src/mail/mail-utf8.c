/*
 * mail-utf8.c - UTF-8 validation, sanitisation and simple case folding
 * (see mail-utf8.h).
 */
#include "lib.h"
#include "mail-utf8.h"
#include "mail-casefold-table.h"

int utf8_get_char(const unsigned char *p, size_t size, uint32_t *chr_r)
{
	uint32_t chr, min;
	unsigned int len, i;
	unsigned char c = p[0];

	*chr_r = UNICODE_REPLACEMENT_CHAR;
	if (c < 0x80) {
		*chr_r = c;
		return 1;
	}
	if (c < 0xc2)
		return -1; /* continuation byte or overlong 2-byte lead */
	if (c < 0xe0) {
		len = 2;
		chr = c & 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		len = 3;
		chr = c & 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		len = 4;
		chr = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (i = 1; i < len; i++) {
		if (i >= size || (p[i] & 0xc0) != 0x80)
			return -(int)i;
		chr = (chr << 6) | (p[i] & 0x3f);
		/* reject overlong/surrogate/too-large prefixes as soon as
		   the second byte shows them (maximal subpart rule) */
		if (i == 1) {
			if (len == 3 && c == 0xe0 && p[1] < 0xa0)
				return -1;
			if (len == 3 && c == 0xed && p[1] >= 0xa0)
				return -1;
			if (len == 4 && c == 0xf0 && p[1] < 0x90)
				return -1;
			if (len == 4 && c == 0xf4 && p[1] >= 0x90)
				return -1;
		}
	}
	if (chr < min || chr > 0x10ffff || (chr >= 0xd800 && chr < 0xe000))
		return -1;
	*chr_r = chr;
	return (int)len;
}

bool utf8_is_valid(const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i = 0;
	uint32_t chr;

	while (i < size) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int ret = utf8_get_char(p + i, size - i, &chr);
		if (ret < 0)
			return false;
		i += ret;
	}
	return true;
}

int utf8_append_char(struct buf *out, uint32_t chr)
{
	unsigned char tmp[4];
	size_t len;

	i_assert(chr <= 0x10ffff && !(chr >= 0xd800 && chr < 0xe000));
	if (chr < 0x80) {
		tmp[0] = chr;
		len = 1;
	} else if (chr < 0x800) {
		tmp[0] = 0xc0 | (chr >> 6);
		tmp[1] = 0x80 | (chr & 0x3f);
		len = 2;
	} else if (chr < 0x10000) {
		tmp[0] = 0xe0 | (chr >> 12);
		tmp[1] = 0x80 | ((chr >> 6) & 0x3f);
		tmp[2] = 0x80 | (chr & 0x3f);
		len = 3;
	} else {
		tmp[0] = 0xf0 | (chr >> 18);
		tmp[1] = 0x80 | ((chr >> 12) & 0x3f);
		tmp[2] = 0x80 | ((chr >> 6) & 0x3f);
		tmp[3] = 0x80 | (chr & 0x3f);
		len = 4;
	}
	return buf_append(out, tmp, len);
}

int utf8_append_sanitised(struct buf *out, const void *data, size_t size,
	bool *changed_r)
{
	const unsigned char *p = data;
	size_t i = 0, start = 0;
	uint32_t chr;

	if (changed_r != NULL)
		*changed_r = false;
	while (i < size) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int ret = utf8_get_char(p + i, size - i, &chr);
		if (ret > 0) {
			i += ret;
			continue;
		}
		if (buf_append(out, p + start, i - start) < 0 ||
		    buf_append_str(out, UNICODE_REPLACEMENT_CHAR_UTF8) < 0)
			return -1;
		if (changed_r != NULL)
			*changed_r = true;
		i += -ret;
		start = i;
	}
	return buf_append(out, p + start, i - start);
}

uint32_t utf8_casefold_char(uint32_t chr)
{
	unsigned int lo = 0, hi = N_ELEMENTS(casefold_table);

	if (chr < 0x80)
		return chr >= 'A' && chr <= 'Z' ? chr + 32 : chr;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (casefold_table[mid][0] == chr)
			return casefold_table[mid][1];
		if (casefold_table[mid][0] < chr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return chr;
}

int utf8_append_casefold(struct buf *out, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i = 0;
	uint32_t chr;

	while (i < size) {
		if (p[i] < 0x80) {
			/* ASCII run */
			char tmp[256];
			size_t n = 0;

			while (i < size && p[i] < 0x80 && n < sizeof(tmp)) {
				unsigned char c = p[i++];

				tmp[n++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
			}
			if (buf_append(out, tmp, n) < 0)
				return -1;
			continue;
		}
		int ret = utf8_get_char(p + i, size - i, &chr);
		i += ret > 0 ? ret : -ret;
		if (utf8_append_char(out, utf8_casefold_char(chr)) < 0)
			return -1;
	}
	return 0;
}
