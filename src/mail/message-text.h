/*
 * message-text.h - a message as searchable UTF-8 text, for IMAP SEARCH
 * (BODY, TEXT, HEADER, SUBJECT, FROM, ...) and for the FTS index.
 *
 * Bodies are decoded the way Dovecot's search decodes them: the transfer
 * encoding (base64, quoted-printable) is undone, text/ * parts are
 * converted from their charset to UTF-8 (mail-charset.h), other parts are
 * taken as UTF-8 with invalid sequences replaced (so ASCII in them still
 * matches); multipart preambles/epilogues are skipped; a message/rfc822
 * part contributes its header fields and its body.  Header values are
 * unfolded and RFC 2047-decoded.
 *
 * Matching is case-insensitive through simple Unicode case folding
 * (mail-utf8.h) of both the key and the text: an approximation of
 * Dovecot's i;unicode-casemap that agrees on ASCII and on the common
 * letters of Latin, Greek and Cyrillic scripts (see docs/mail-parsing.md).
 */
#ifndef ROOST_MESSAGE_TEXT_H
#define ROOST_MESSAGE_TEXT_H

#include "buf.h"

struct message_part;

enum message_text_kind {
	MESSAGE_TEXT_HEADER, /* one header field: name and decoded value */
	MESSAGE_TEXT_BODY,   /* a chunk of a decoded leaf body */
};

enum message_text_flags {
	/* give header fields of the root (and of encapsulated messages) */
	MESSAGE_TEXT_FLAG_HEADERS = 0x01,
	/* give bodies */
	MESSAGE_TEXT_FLAG_BODIES = 0x02,
	/* skip bodies that are not text/ * or message/ * (for FTS) */
	MESSAGE_TEXT_FLAG_ONLY_TEXT_BODIES = 0x04,
};

/*
 * Called for each piece of text.  For headers, name is the field name and
 * text the decoded value; for bodies name is NULL and a body may come in
 * several chunks (never splitting a UTF-8 character).  Return 0 to go on,
 * 1 to stop early (found), -1 to stop with an error.
 */
typedef int message_text_callback_t(void *context,
	const struct message_part *part, enum message_text_kind kind,
	const char *name, const char *text, size_t size);

/*
 * Walks root (parsed from msg[0..msg_size); part->data is filled where
 * missing, from arena) and calls cb.  Decoded bodies are produced in
 * chunks of bounded size, so memory stays small for large parts.  Returns
 * what the last callback returned (0 when everything was walked), or -1
 * with *error_r set if the tree does not fit msg.
 */
int message_text_iterate(struct arena *arena, struct message_part *root,
	const void *msg, size_t msg_size, enum message_text_flags flags,
	message_text_callback_t *cb, void *context, const char **error_r);

/*
 * Decodes a raw header value for searching: unfold, RFC 2047 to UTF-8.
 * -1 if out is full.
 */
int message_header_value_to_utf8(const void *value, size_t size,
	struct buf *out) ATTR_NODISCARD;

/*
 * Streaming case-insensitive substring matcher.  The key is folded once;
 * text is fed in pieces of any size (a match across two pieces is found)
 * and folded as it arrives.
 */
struct message_search;

/* key is UTF-8 (invalid bytes are replaced); an empty key matches all. */
struct message_search *message_search_init(struct arena *arena,
	const char *key);
/* Forgets fed text (not the key) to start a new haystack. */
void message_search_reset(struct message_search *search);
/* Feeds UTF-8 text; returns true once the key has been seen. */
bool message_search_feed(struct message_search *search, const void *text,
	size_t size);
bool message_search_matched(const struct message_search *search);

/*
 * Whole-message helpers on top of the above (each resets search first):
 * BODY key (bodies only), TEXT key (headers and bodies), and a single
 * header value (HEADER/SUBJECT/FROM... keys).
 */
bool message_search_body(struct message_search *search, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size);
bool message_search_text(struct message_search *search, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size);
bool message_search_header_value(struct message_search *search,
	const void *value, size_t size);

#endif
