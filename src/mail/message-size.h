/*
 * message-size.h - the three numbers IMAP needs about any byte range of a
 * message: its size on disk, its size as IMAP counts it, and its lines.
 *
 * Maildir files may use bare LF line endings, but IMAP always serves
 * messages with CRLF, so every size a client sees (RFC822.SIZE, literal
 * lengths, BODYSTRUCTURE sizes, partial-fetch offsets) is the "virtual"
 * size: each LF not preceded by CR counts as two bytes.  A lone CR counts
 * as one byte (it is not a line ending).
 */
#ifndef ROOST_MESSAGE_SIZE_H
#define ROOST_MESSAGE_SIZE_H

#include "buf.h"

struct message_size {
	uint64_t physical_size; /* bytes as stored */
	uint64_t virtual_size;  /* bytes with every bare LF counted as CRLF */
	uint64_t lines;         /* number of LF characters */
};

/* dest += src, field by field. */
void message_size_add(struct message_size *dest,
	const struct message_size *src);

/*
 * Counts size_r over data[0..size).  prev_is_cr tells whether the byte
 * just before data was a CR, so an LF at data[0] is counted correctly when
 * a range is counted in pieces.
 */
void message_size_count(const void *data, size_t size, bool prev_is_cr,
	struct message_size *size_r);

/*
 * Maps a virtual offset to a physical one: skips virtual_skip virtual
 * bytes of data and sets *physical_skip_r to the physical bytes skipped.
 * When the virtual offset falls between the CR and LF of a line ending
 * that is stored as a bare LF, *cr_pending_r is set: the output must then
 * start with the LF only (IMAP partial fetch "<o.n>" ending or starting
 * inside a CRLF).  Returns false if data is shorter than virtual_skip
 * (then *physical_skip_r == size).
 */
bool message_skip_virtual(const void *data, size_t size,
	uint64_t virtual_skip, size_t *physical_skip_r, bool *cr_pending_r);

/*
 * Appends data to out with every bare LF written as CRLF (CRLF stays
 * CRLF), which is how IMAP serves message bytes.  prev_is_cr as above.
 * Returns 0, or -1 if out's limit was reached (out then holds a prefix).
 */
int message_append_crlf(struct buf *out, const void *data, size_t size,
	bool prev_is_cr) ATTR_NODISCARD;

#endif
