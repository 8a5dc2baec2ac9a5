/*
 * imap-bodystructure.h - IMAP BODY and BODYSTRUCTURE (RFC 3501 7.4.2) of a
 * parsed message, exactly as Dovecot 2.3 writes them.
 *
 * BODYSTRUCTURE carries the extension data (MD5 for single parts,
 * parameters for multiparts, then disposition, language, location); BODY
 * has none.  Defaults follow Dovecot: a part without Content-Type is
 * "text" "plain" ("charset" "us-ascii"); text parts without parameters get
 * ("charset" "us-ascii"); the encoding defaults to "7bit"; multipart parts
 * under multipart/digest default to message/rfc822.  A message/rfc822
 * part carries the encapsulated message's ENVELOPE, BODYSTRUCTURE and line
 * count.  Parts cut by a parser limit are written as
 * "application" "octet-stream".
 */
#ifndef ROOST_IMAP_BODYSTRUCTURE_H
#define ROOST_IMAP_BODYSTRUCTURE_H

#include "buf.h"

struct message_part;

/*
 * Appends the parenthesised BODYSTRUCTURE (extended true) or BODY (false)
 * of root (the tree parsed from msg[0..msg_size)) to out.  part->data is
 * filled from the message where missing (allocated from arena).  Returns
 * 0, or -1 with *error_r set if out's limit was reached or the tree does
 * not fit msg.
 */
int imap_bodystructure_write(struct buf *out, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size,
	bool extended, const char **error_r) ATTR_NODISCARD;

#endif
