/*
 * rfc2047.h - RFC 2047 encoded words in header values
 * ("=?charset?B?...?=", "=?charset?Q?...?="), decoded to UTF-8.
 *
 * As Dovecot's message_header_decode_utf8(): white space between two
 * adjacent encoded words is dropped; an encoded word that does not parse
 * (bad encoding letter, missing "?=", bad base64) is left as is; RFC 2231
 * language suffixes ("=?utf-8*en?Q?...?=") are accepted; words with an
 * unknown charset keep their decoded bytes (invalid UTF-8 replaced); text
 * outside encoded words is copied with invalid UTF-8 replaced by U+FFFD.
 * Encoded words need not be surrounded by white space (real mail breaks
 * that rule), but they must be complete within the value.
 */
#ifndef ROOST_RFC2047_H
#define ROOST_RFC2047_H

#include "buf.h"

/*
 * Decodes value[0..size) (raw or unfolded; CR and LF are removed first as
 * unfolding does) to UTF-8 appended to out.  -1 if out's limit was reached.
 */
int rfc2047_decode_utf8(const void *value, size_t size, struct buf *out)
	ATTR_NODISCARD;

/* Same into a NUL-terminated arena string. */
const char *rfc2047_decode_utf8_dup(struct arena *arena, const void *value,
	size_t size);

/* Whether value contains something that looks like an encoded word. */
bool rfc2047_has_encoded_words(const void *value, size_t size);

#endif
