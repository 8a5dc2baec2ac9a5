/*
 * imap-append-binary.h - APPEND of a literal8 (RFC 3516 §4.4): MIME parts
 * whose Content-Transfer-Encoding is "binary" may hold NUL bytes and bare
 * CRs that IMAP can't send back in BODY[] (and Maildir readers can't
 * count on), so, as Dovecot 2.3 does, such parts are stored base64
 * encoded: the field becomes "Content-Transfer-Encoding: base64" in place
 * and the body is written as 76-character lines, the last one without a
 * line ending.  BINARY[] then decodes them back to the original octets.
 */
#ifndef ROOST_IMAP_APPEND_BINARY_H
#define ROOST_IMAP_APPEND_BINARY_H

struct arena;

/* Where the converted message goes: 0 or -1 (stops the conversion). */
typedef int imap_append_write_func_t(void *context, const void *data,
	size_t size);

/*
 * Writes msg[0..size) through write_func with every binary part
 * converted; everything else is copied as it is.  Parsing memory comes
 * from arena.  Returns 0, or -1 if write_func failed.
 */
int imap_append_binary_convert(struct arena *arena, const void *msg,
	size_t size, imap_append_write_func_t *write_func, void *context);

/*
 * Standard base64 (RFC 4648) of data in lines of 76 characters separated
 * by CRLF, without a final line ending, through write_func.  0 or -1.
 */
int imap_append_base64_write(const void *data, size_t size,
	imap_append_write_func_t *write_func, void *context);

#endif
