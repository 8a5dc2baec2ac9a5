/*
 * imap-base-subject.h - RFC 5256 2.1 "base subject" for SORT SUBJECT and
 * THREAD (ORDEREDSUBJECT, REFERENCES).
 *
 * The raw Subject value is RFC 2047-decoded to UTF-8, white space runs are
 * folded to one space, then the RFC's loop strips "Re:", "Fw:", "Fwd:"
 * prefixes (with optional "[blob]" parts), "[blob]" prefixes that leave a
 * non-empty subject, "(fwd)" trailers and "[fwd: ...]" wrappers.  The
 * result is not case-folded (compare with the case-folding helpers of
 * mail-utf8.h, as Dovecot compares i;unicode-casemap).
 */
#ifndef ROOST_IMAP_BASE_SUBJECT_H
#define ROOST_IMAP_BASE_SUBJECT_H

#include "buf.h"

/*
 * Returns the base subject of subject[0..size) (NULL = absent subject,
 * gives ""), allocated from arena.  *is_reply_or_forward_r (may be NULL)
 * tells whether a reply/forward prefix or trailer was removed, which
 * THREAD=REFERENCES needs.
 */
const char *imap_base_subject(struct arena *arena, const void *subject,
	size_t size, bool *is_reply_or_forward_r);

#endif
