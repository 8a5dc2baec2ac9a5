/*
 * message-header.h - header fields of a message or MIME part, zero-copy.
 *
 * An iterator walks a header block held in memory and returns each field
 * as slices into it: the name, the raw value (folded lines included) and
 * the exact bytes of the whole field with its line ending, which is what
 * BODY[HEADER.FIELDS (...)] must return.  Lenient like Dovecot:
 *  - a line without ':' is a field whose whole line is the name and whose
 *    value is empty (no_colon set); HEADER.FIELDS never matches it;
 *  - white space between the name and ':' is not part of the name
 *    (obsolete syntax "Subject :");
 *  - a continuation line before any field is taken as a field of its own;
 *  - 8-bit bytes and NULs are kept as they are;
 *  - the header ends at an empty line (CRLF or bare LF), or at the end of
 *    the data when the message has no body.
 */
#ifndef ROOST_MESSAGE_HEADER_H
#define ROOST_MESSAGE_HEADER_H

#include "buf.h"

struct message_header_field {
	struct slice name;  /* field name, without trailing white space */
	/* value: after ':' and one optional white-space byte (Dovecot
	   skips exactly one), up to (not including) the final line
	   ending; folds are kept as CRLF/LF plus white space */
	struct slice value;
	/* the whole field exactly as stored, final line ending included
	   (absent only when the data ends without one) */
	struct slice raw;
	size_t offset;     /* of raw within the header block */
	bool no_colon;     /* malformed line without ':' */
	bool folded;       /* value spans several lines */
};

struct message_header_iter {
	const unsigned char *data;
	size_t size;
	size_t pos;
	bool eoh;      /* iteration has ended */
	bool eoh_line; /* ... at an empty line (not at the end of data) */
};

/* Starts iterating over hdr[0..size). */
void message_header_iter_init(struct message_header_iter *iter,
	const void *hdr, size_t size);
/*
 * Returns true and fills *field_r with the next field, or false at the
 * end of the header (empty line or end of data).
 */
bool message_header_iter_next(struct message_header_iter *iter,
	struct message_header_field *field_r);
/*
 * After iteration ended: size of the header block including the empty
 * line that ends it (or the whole data if there was none).
 */
size_t message_header_iter_end_pos(const struct message_header_iter *iter);

/*
 * Size of the header block at the start of data: through the empty line
 * that ends it, or all of data if none.  Same answer as the iterator.
 */
size_t message_header_block_size(const void *data, size_t size);

/* Case-insensitive name comparison (ASCII). */
bool message_header_name_equals(struct slice name, const char *wanted);

/*
 * Finds the first field named name (case-insensitive) in hdr; returns
 * true and fills *field_r, or false.
 */
bool message_header_find(const void *hdr, size_t size, const char *name,
	struct message_header_field *field_r);

/*
 * Unfolds value (RFC 5322 2.2.3): removes every CR and LF, keeping the
 * white space that followed them.  NUL bytes become U+FFFD as in Dovecot.
 * Appends to out; returns -1 if out's limit was reached.
 */
int message_header_unfold(struct slice value, struct buf *out)
	ATTR_NODISCARD;
/* Same into a NUL-terminated arena string. */
const char *message_header_unfold_dup(struct arena *arena, struct slice value);

/*
 * BODY[HEADER.FIELDS (names)] and BODY[HEADER.FIELDS.NOT (names)]: appends
 * to out the exact bytes of every field of hdr whose name is (exclude
 * false) or is not (exclude true) one of names[0..count), in header order,
 * with bare LFs written as CRLF, then the CRLF that ends a header.  Names
 * compare case-insensitively; a malformed line without ':' never matches a
 * name (so .NOT keeps it).  As Dovecot 2.3, when the header has no empty
 * line at its end, HEADER.FIELDS still ends with one CRLF (which may only
 * end a last field that lacked its line ending) and HEADER.FIELDS.NOT adds
 * nothing.  Returns -1 if out's limit was reached.
 */
int message_header_filter(const void *hdr, size_t size,
	const char *const *names, unsigned int count, bool exclude,
	struct buf *out) ATTR_NODISCARD;

#endif
