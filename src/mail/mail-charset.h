/*
 * mail-charset.h - conversion of message text from its declared charset
 * to UTF-8, through glibc iconv.
 *
 * Charset names are matched case-insensitively with the aliases glibc
 * knows, plus a few that mail uses and glibc lacks (e.g.
 * "unicode-1-1-utf-7", "ks_c_5601-1987"; see the table in
 * mail-charset.c).  us-ascii and utf-8 (and their aliases) never go
 * through iconv: they are validated and sanitised directly, so 8-bit
 * bytes in a "us-ascii" part survive as UTF-8 when valid, as Dovecot
 * does.
 *
 * Unknown charset: the text is kept as is, with invalid UTF-8 sequences
 * replaced by U+FFFD (mail_charset_to_utf8() reports it through
 * *unknown_r so search can still match ASCII).  Invalid input in a known
 * charset: the offending byte becomes U+FFFD and conversion continues.
 */
#ifndef ROOST_MAIL_CHARSET_H
#define ROOST_MAIL_CHARSET_H

#include "buf.h"

struct charset_translation;

/* Whether name is an alias of UTF-8 or US-ASCII (no conversion needed). */
bool mail_charset_is_utf8(const char *name);

/*
 * Starts a streaming conversion from charset name to UTF-8.  Returns 0 and
 * *t_r, or -1 if the charset is unknown to iconv (then *t_r is NULL).
 */
int mail_charset_translation_begin(const char *name,
	struct charset_translation **t_r);
/*
 * Converts src[0..size); an incomplete multibyte sequence at the end is
 * kept inside t for the next call.  Appends to out; -1 if out is full.
 */
int mail_charset_translate(struct charset_translation *t, const void *src,
	size_t size, struct buf *out) ATTR_NODISCARD;
/* Flushes a pending incomplete sequence (as U+FFFD) and frees t. */
int mail_charset_translation_end(struct charset_translation **t,
	struct buf *out) ATTR_NODISCARD;

/*
 * One-shot conversion of src to UTF-8 appended to out.  A NULL or empty
 * charset means us-ascii.  *unknown_r (if not NULL) tells whether the
 * charset was unknown.  Returns -1 only if out's limit was reached.
 */
int mail_charset_to_utf8(const char *charset, const void *src, size_t size,
	struct buf *out, bool *unknown_r) ATTR_NODISCARD;

/*
 * As mail_charset_to_utf8(); *invalid_r tells whether src had input that
 * is invalid in the charset (each such byte became U+FFFD), which a search
 * key must not have (Dovecot: "Invalid search key").  An unknown charset
 * counts as us-ascii (check it with mail_charset_translation_begin()).
 */
int mail_charset_to_utf8_checked(const char *charset, const void *src,
	size_t size, struct buf *out, bool *invalid_r) ATTR_NODISCARD;

#endif
