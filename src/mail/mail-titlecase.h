/*
 * mail-titlecase.h - the sort key of Dovecot's i;unicode-casemap
 * comparator: text in title case, compatibility-decomposed, so that
 * comparing keys bytewise orders strings as Dovecot's SORT does ("a" and
 * "A" equal, "Ä" = "A" + U+0308 right after "A...", "_" after letters).
 */
#ifndef ROOST_MAIL_TITLECASE_H
#define ROOST_MAIL_TITLECASE_H

#include "buf.h"

/* Title case of one code point, decomposed: writes up to 18 code points
   to dest (which has room for MAIL_TITLECASE_MAX_SEQ) and returns how
   many (at least 1). */
#define MAIL_TITLECASE_MAX_SEQ 18
unsigned int uni_titlecase_decompose(uint32_t chr, uint32_t *dest);

/*
 * Appends the sort key of UTF-8 data[0..size): every character in title
 * case and decomposed; invalid sequences become U+FFFD.  -1 if out's
 * limit was reached.
 */
int utf8_append_titlecase_decomposed(struct buf *out, const void *data,
	size_t size) ATTR_NODISCARD;

/* The sort key of the NUL-terminated UTF-8 str, allocated from arena. */
const char *mail_titlecase_key_dup(struct arena *arena, const char *str);

#endif
