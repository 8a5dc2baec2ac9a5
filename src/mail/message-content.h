/*
 * message-content.h - Content-Type and Content-Disposition values (RFC 2045,
 * RFC 2183) with their parameters, including RFC 2231 continuations
 * (name*0, name*1*, ...) and charset/language-tagged values
 * (name*=utf-8'en'%E2%82%AC), which are decoded to UTF-8.
 *
 * The parameter list is what IMAP BODYSTRUCTURE shows, exactly as
 * Dovecot 2.3 builds it: continuations are joined, but extended values
 * ("name*") keep their charset'language'%XX form (clients decode them);
 * message_content_param_get_decoded() gives the decoded UTF-8 value.  See
 * message-content.c for the exact rules on malformed input.
 */
#ifndef ROOST_MESSAGE_CONTENT_H
#define ROOST_MESSAGE_CONTENT_H

#include "message-part-data.h"

/* Most parameters kept for one field; the rest are ignored. */
#define MESSAGE_CONTENT_MAX_PARAMS 256

struct message_content {
	/* Content-Type: type and subtype ("" and "" when the value is
	   malformed, subtype "" for a lone "type"); Content-Disposition:
	   the disposition type, subtype NULL */
	const char *type;
	const char *subtype;
	const struct message_part_param *params;
	unsigned int params_count;
};

/*
 * Parses a Content-Type value (unfolded or not) "type/subtype; params".
 * A malformed type/subtype gives "" "" and no parameters.
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

/*
 * The value of parameter name as UTF-8: a plain "name" parameter as is
 * (invalid UTF-8 replaced), or an RFC 2231 "name*" one decoded from its
 * charset'language'%XX form.  NULL if absent.
 */
const char *message_content_param_get_decoded(struct arena *arena,
	const struct message_part_param *params, unsigned int count,
	const char *name);

#endif
