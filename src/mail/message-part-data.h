/*
 * message-part-data.h - the MIME fields of one part, as BODYSTRUCTURE
 * needs them: Content-Type with its parameters, Content-Transfer-Encoding,
 * Content-ID, Content-Description, Content-Disposition with parameters,
 * Content-Language, Content-Location and Content-MD5, plus, for a
 * message/rfc822 part, the ENVELOPE of the encapsulated message.
 *
 * Strings are NUL-terminated copies in an arena, taken the way Dovecot 2.3
 * takes them (its BODYSTRUCTURE must be reproduced byte for byte):
 * parameters as message-content.h describes (RFC 2231 continuations
 * joined, extended values still encoded); the transfer encoding only when
 * it is a single token; language tags as a list of atoms; Content-ID,
 * Content-Description, Content-Location and Content-MD5 raw (leading
 * white space skipped, folds kept: the IMAP writer removes CR/LF).
 */
#ifndef ROOST_MESSAGE_PART_DATA_H
#define ROOST_MESSAGE_PART_DATA_H

#include "message-parser.h"

struct message_envelope;

struct message_part_param {
	const char *name;  /* as written (BODYSTRUCTURE keeps the case) */
	const char *value;
};

struct message_part_data {
	/* NULL when the part has no Content-Type field ("" "" when it is
	   malformed); parts of a multipart/digest default to
	   message/rfc822 */
	const char *content_type;
	const char *content_subtype;
	const struct message_part_param *content_type_params;
	unsigned int content_type_params_count;

	const char *content_transfer_encoding; /* NULL = absent */
	const char *content_id;
	const char *content_description;

	const char *content_disposition; /* NULL = absent */
	const struct message_part_param *content_disposition_params;
	unsigned int content_disposition_params_count;

	/* NULL-terminated list of language tags, NULL = absent */
	const char *const *content_language;
	const char *content_location;
	const char *content_md5;

	/* message/rfc822 parts: the encapsulated message's envelope */
	struct message_envelope *envelope;
};

/*
 * Parses the MIME fields of header[0..size) (a part's complete header
 * block) into a new struct allocated from arena.  is_mime false (a non-MIME
 * root, see MESSAGE_PART_FLAG_IS_MIME) ignores the Content-* fields, as
 * BODYSTRUCTURE does.  Never fails.
 */
struct message_part_data *message_part_data_parse_header(struct arena *arena,
	const void *header, size_t size, bool is_mime);

/*
 * Fills part->data for part and all its descendants that lack it, from
 * msg[0..msg_size), the buffer the tree was parsed from; message/rfc822
 * parts also get data->envelope.  Returns 0, or -1 if the tree does not fit
 * the buffer (e.g. a deserialised tree for another message).
 */
int message_part_data_fill(struct arena *arena, struct message_part *root,
	const void *msg, size_t msg_size, const char **error_r);

/* Case-insensitive lookup of a parameter; NULL if absent. */
const char *message_part_param_get(const struct message_part_param *params,
	unsigned int count, const char *name);

/*
 * Whether the part is a text/ * part whose charset is given or defaults
 * to us-ascii, i.e. one search and FTS decode to text.  Parts without a
 * Content-Type (text/plain by default) count as text.
 */
bool message_part_data_is_text(const struct message_part_data *data);

/*
 * Whether the part looks like an attachment: Content-Disposition
 * attachment, or inline with a filename parameter.
 */
bool message_part_data_is_attachment(const struct message_part_data *data);

#endif
