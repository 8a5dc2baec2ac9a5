/*
 * message-content.h - Content-Type and Content-Disposition values (RFC 2045,
 * RFC 2183) with their parameters, including RFC 2231 continuations
 * (name*0, name*1*, ...) and charset/language-tagged values
 * (name*=utf-8'en'%E2%82%AC), which are decoded to UTF-8.
 *
 * Lenient as Dovecot: a parameter without '=' or with an empty value is
 * skipped, a value may be a token or a quoted string, a bare 8-bit value is
 * accepted; continuations are joined in numeric order, missing pieces
 * ending the value; an RFC 2231 value whose charset is unknown keeps its
 * bytes (invalid UTF-8 replaced by U+FFFD).
 */
#ifndef ROOST_MESSAGE_CONTENT_H
#define ROOST_MESSAGE_CONTENT_H

#include "message-part-data.h"

/* Most parameters kept for one field; the rest are ignored. */
#define MESSAGE_CONTENT_MAX_PARAMS 256

struct message_content {
	/* Content-Type: type and subtype; Content-Disposition: type in
	   type, subtype NULL.  NULL when the value was not understood. */
	const char *type;
	const char *subtype;
	const struct message_part_param *params;
	unsigned int params_count;
};

/*
 * Parses a Content-Type value (unfolded or not) "type/subtype; params".
 * A value whose type/subtype is malformed gives type NULL but params are
 * still parsed (Dovecot keeps e.g. the boundary of "multipart; boundary=").
 */
void message_content_type_parse(struct arena *arena, const void *value,
	size_t size, struct message_content *content_r);

/* Parses a Content-Disposition value "type; params". */
void message_content_disposition_parse(struct arena *arena,
	const void *value, size_t size, struct message_content *content_r);

/*
 * Parses only the "; name=value" parameter list at the cursor of a value
 * (used by both of the above).  Returns the count; *params_r from arena.
 */
unsigned int message_content_params_parse(struct arena *arena,
	const void *data, size_t size,
	const struct message_part_param **params_r);

#endif
