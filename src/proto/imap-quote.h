/*
 * imap-quote.h - writing strings into IMAP responses.
 *
 * Server responses need the same three string forms the parser reads:
 * atoms, quoted strings and literals.  These helpers choose the right one
 * for arbitrary data so that response code never builds quoting by hand.
 * They append to a bounded struct buf and return 0, or -1 when the buf's
 * max would be exceeded (the buf is then left with a truncated prefix of
 * the output: discard it).
 */
#ifndef ROOST_IMAP_QUOTE_H
#define ROOST_IMAP_QUOTE_H

struct buf;

/*
 * Appends str as a quoted string, escaping '"' and '\'.  For text that is
 * known to be quotable: CR and LF cannot appear in a quoted string and are
 * dropped, as are bytes >= 0x80 unless utf8 (RFC 9051 / UTF8=ACCEPT:
 * valid UTF-8 sequences are kept, invalid bytes dropped).
 */
int imap_append_quoted(struct buf *dest, const char *str, bool utf8)
	ATTR_NODISCARD;
/*
 * Appends data as a string: quoted when every byte may appear in a quoted
 * string (no NUL, CR, LF or 8-bit byte), otherwise as a literal
 * "{n}\r\n<data>".  Binary-safe.
 */
int imap_append_string_data(struct buf *dest, const void *data, size_t size)
	ATTR_NODISCARD;
/* imap_append_string_data() for a C string. */
int imap_append_string(struct buf *dest, const char *str) ATTR_NODISCARD;
/* NIL for NULL, else imap_append_string(). */
int imap_append_nstring(struct buf *dest, const char *str) ATTR_NODISCARD;
/*
 * As an atom when str is a non-empty run of ASTRING-CHARs other than
 * "NIL" (any case), otherwise imap_append_string().
 */
int imap_append_astring(struct buf *dest, const char *str) ATTR_NODISCARD;

/* True if c is an RFC 3501 ATOM-CHAR. */
bool imap_is_atom_char(unsigned char c);
/* True if c is an ASTRING-CHAR (ATOM-CHAR or ']'). */
bool imap_is_astring_char(unsigned char c);
/* True if the size bytes of data are valid UTF-8 (shortest forms, no
   surrogates, <= U+10FFFF); NUL bytes count as valid here. */
bool imap_utf8_is_valid(const void *data, size_t size);

#endif
