/*
 * message-id.h - msg-id values of Message-ID, In-Reply-To and References
 * (RFC 5322 3.6.4), as THREAD=REFERENCES (RFC 5256) needs them.
 *
 * Lenient as Dovecot: comments and white space are skipped, the local and
 * domain parts may be quoted strings or atoms with CFWS around the dots
 * (normalised away), a "<...>" that is not a valid msg-id is skipped, and
 * text between ids (obsolete phrases in In-Reply-To) is ignored.
 */
#ifndef ROOST_MESSAGE_ID_H
#define ROOST_MESSAGE_ID_H

#include "buf.h"

/*
 * Returns the next msg-id in *value_p[0..*size_p), without the angle
 * brackets ("left@right"), allocated from arena, and advances the cursor;
 * NULL when no further valid id exists.
 */
const char *message_id_get_next(struct arena *arena, const char **value_p,
	size_t *size_p);

/*
 * The first valid msg-id of the value (Message-ID, or In-Reply-To for
 * THREAD's fallback), or NULL.
 */
const char *message_id_get_first(struct arena *arena, const void *value,
	size_t size);

/*
 * The last valid msg-id of a References value (the parent, RFC 5256), or
 * NULL.
 */
const char *message_id_get_last(struct arena *arena, const void *value,
	size_t size);

#endif
