/*
 * mail-titlecase.c - title case + decomposition sort keys (see
 * mail-titlecase.h).  The table is generated from Unicode data by
 * gen-titlecase-table.py; Hangul syllables are decomposed arithmetically
 * (Unicode 3.12).
 */
#include "lib.h"
#include "mail-titlecase.h"
#include "mail-utf8.h"

struct titlecase_entry {
	uint32_t chr;
	uint16_t offset;
	uint8_t len;
};

#include "mail-titlecase-table.h"

#define HANGUL_FIRST 0xac00
#define HANGUL_LAST 0xd7a3
#define HANGUL_L_BASE 0x1100
#define HANGUL_V_BASE 0x1161
#define HANGUL_T_BASE 0x11a7
#define HANGUL_V_COUNT 21
#define HANGUL_T_COUNT 28

unsigned int uni_titlecase_decompose(uint32_t chr, uint32_t *dest)
{
	unsigned int lo = 0, hi = N_ELEMENTS(titlecase_table);

	if (chr < 0x80) {
		dest[0] = chr >= 'a' && chr <= 'z' ? chr - ('a' - 'A') : chr;
		return 1;
	}
	if (chr >= HANGUL_FIRST && chr <= HANGUL_LAST) {
		const uint32_t n_count = HANGUL_V_COUNT * HANGUL_T_COUNT;
		uint32_t s = chr - HANGUL_FIRST;
		uint32_t t = s % HANGUL_T_COUNT;

		dest[0] = HANGUL_L_BASE + s / n_count;
		dest[1] = HANGUL_V_BASE + (s % n_count) / HANGUL_T_COUNT;
		if (t == 0)
			return 2;
		dest[2] = HANGUL_T_BASE + t;
		return 3;
	}
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct titlecase_entry *e = &titlecase_table[mid];

		if (e->chr == chr) {
			for (unsigned int i = 0; i < e->len; i++)
				dest[i] = titlecase_seqs[e->offset + i];
			return e->len;
		}
		if (e->chr < chr)
			lo = mid + 1;
		else
			hi = mid;
	}
	dest[0] = chr;
	return 1;
}

int utf8_append_titlecase_decomposed(struct buf *out, const void *data,
	size_t size)
{
	const unsigned char *p = data;
	uint32_t seq[MAIL_TITLECASE_MAX_SEQ];

	while (size > 0) {
		uint32_t chr;
		int len = utf8_get_char(p, size, &chr);
		unsigned int i, count;

		if (len < 0)
			len = -len; /* chr is U+FFFD */
		p += len;
		size -= (size_t)len;
		if (chr < 0x80) {
			if (chr >= 'a' && chr <= 'z')
				chr -= 'a' - 'A';
			if (buf_append_c(out, (char)chr) < 0)
				return -1;
			continue;
		}
		count = uni_titlecase_decompose(chr, seq);
		for (i = 0; i < count; i++) {
			if (utf8_append_char(out, seq[i]) < 0)
				return -1;
		}
	}
	return 0;
}

const char *mail_titlecase_key_dup(struct arena *arena, const char *str)
{
	struct buf out;
	size_t len = strlen(str);

	/* an unbounded buffer (the input is): a 2-byte "Ä" becomes 3
	   bytes, the buffer grows for the rarer longer ones */
	buf_init(&out, arena, len + len / 2 + 8, 0);
	if (utf8_append_titlecase_decomposed(&out, str, len) < 0)
		return str;
	return buf_cstr(&out);
}
