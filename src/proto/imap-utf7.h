/*
 * imap-utf7.h - modified UTF-7 mailbox names (RFC 3501 §5.1.3).
 *
 * IMAP4rev1 clients send and receive mailbox names in modified UTF-7:
 * printable ASCII stands for itself except '&', which is written "&-", and
 * everything else is UTF-16 in a modified base64 ("," instead of "/")
 * between '&' and '-'.  The decoder is strict, as the RFC asks: an input
 * that has more than one valid decoding or that no encoder would produce
 * (non-printable ASCII, unterminated or empty shifts other than "&-",
 * adjacent shifts, ASCII encoded in base64, stray bits, broken surrogate
 * pairs) is rejected, so every accepted name has exactly one spelling.
 */
#ifndef ROOST_IMAP_UTF7_H
#define ROOST_IMAP_UTF7_H

struct buf;

/*
 * Appends the modified UTF-7 encoding of the UTF-8 string src to dest.
 * Returns 0, or -1 if src is not valid UTF-8 (or contains a code point
 * UTF-16 cannot carry) or dest's max was reached; dest is then unchanged.
 */
int imap_utf8_to_utf7(const char *src, struct buf *dest) ATTR_NODISCARD;
/*
 * Appends the UTF-8 decoding of the modified UTF-7 string src to dest.
 * Returns 0, or -1 if src is not valid modified UTF-7 (see above) or
 * dest's max was reached; dest is then unchanged.
 */
int imap_utf7_to_utf8(const char *src, struct buf *dest) ATTR_NODISCARD;
/* True if src is valid modified UTF-7 (imap_utf7_to_utf8 would accept). */
bool imap_utf7_is_valid(const char *src);

#endif
