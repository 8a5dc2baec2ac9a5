/*
 * imap-envelope.h - the IMAP ENVELOPE of a message header (RFC 3501
 * 7.4.2), exactly as Dovecot 2.3 writes it.
 *
 * message_envelope_parse() reads the ten fields from a header block
 * (values are raw, RFC 2047 words are not decoded; as in Dovecot, the last
 * Date/Subject/In-Reply-To/Message-ID field counts, repeated address fields
 * are concatenated).  imap_envelope_write() writes the parenthesised list:
 * date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to,
 * message-id; Sender and Reply-To default to From when absent or empty,
 * empty fields are NIL.  The struct is also what SORT and THREAD read.
 */
#ifndef ROOST_IMAP_ENVELOPE_H
#define ROOST_IMAP_ENVELOPE_H

#include "buf.h"

struct message_address;

struct message_envelope {
	const char *date;       /* raw value, NULL if absent */
	const char *subject;    /* raw value, NULL if absent */
	struct message_address *from, *sender, *reply_to;
	struct message_address *to, *cc, *bcc;
	const char *in_reply_to; /* raw value */
	const char *message_id;  /* raw value */
};

/*
 * Parses hdr[0..size) (a header block) into a new envelope allocated from
 * arena.  Never fails; a header without the fields gives all NULLs.
 */
struct message_envelope *message_envelope_parse(struct arena *arena,
	const void *hdr, size_t size);

/* Appends "(date subject from ... message-id)".  -1 if out is full. */
int imap_envelope_write(struct buf *out, const struct message_envelope *env)
	ATTR_NODISCARD;

/* Appends an address list "((name adl mailbox host)...)" or NIL. */
int imap_envelope_write_address(struct buf *out,
	const struct message_address *addr) ATTR_NODISCARD;

#endif
