/*
 * mail-utf8.h - UTF-8 validation, sanitisation and case folding for mail
 * text.
 *
 * Invalid input (bad lead or continuation bytes, overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences) is never
 * passed on: sanitising replaces each maximal invalid subsequence with
 * U+FFFD, the Unicode-recommended practice Dovecot also follows.
 *
 * Case folding (for SEARCH, SORT and the FTS index) is Unicode simple case
 * folding (CaseFolding.txt status C and S) from a compiled-in table, so it
 * does not depend on the process locale; see docs/mail-parsing.md for how
 * this differs from Dovecot's i;unicode-casemap.
 */
#ifndef ROOST_MAIL_UTF8_H
#define ROOST_MAIL_UTF8_H

#include "buf.h"

#define UNICODE_REPLACEMENT_CHAR 0xfffd
#define UNICODE_REPLACEMENT_CHAR_UTF8 "\xef\xbf\xbd"

/* Whether data[0..size) is entirely valid UTF-8. */
bool utf8_is_valid(const void *data, size_t size);

/*
 * Decodes one character at p[0..size): returns its length (1-4) and sets
 * *chr_r, or returns -(length of the invalid subsequence) (at least -1)
 * for invalid input, *chr_r then U+FFFD.  size must be > 0.
 */
int utf8_get_char(const unsigned char *p, size_t size, uint32_t *chr_r);

/* Appends chr (<= U+10FFFF, not a surrogate) as UTF-8; -1 if full. */
int utf8_append_char(struct buf *out, uint32_t chr) ATTR_NODISCARD;

/*
 * Appends data with invalid sequences replaced by U+FFFD.  Sets
 * *changed_r (if not NULL) when something was replaced.  -1 if full.
 */
int utf8_append_sanitised(struct buf *out, const void *data, size_t size,
	bool *changed_r) ATTR_NODISCARD;

/* Simple case folding of one code point. */
uint32_t utf8_casefold_char(uint32_t chr);

/*
 * Appends the case-folded form of UTF-8 data (invalid sequences become
 * U+FFFD first).  -1 if out's limit was reached.
 */
int utf8_append_casefold(struct buf *out, const void *data, size_t size)
	ATTR_NODISCARD;

#endif
