/*
 * adm-query-section.h - roostadm fetch's body.<section> and
 * binary.<section> fields: an IMAP section ("1.2", "HEADER", "2.TEXT",
 * "1.MIME", "" for the whole message) of the message, served like IMAP
 * BODY[section] (line ends as CRLF) and, for binary, with the leaf's
 * Content-Transfer-Encoding undone like BINARY[section], as doveadm
 * 2.3.19 prints them.
 */
#ifndef ROOSTADM_ADM_QUERY_SECTION_H
#define ROOSTADM_ADM_QUERY_SECTION_H

#include "buf.h"
#include "message-parser.h"

/* Deepest part number accepted ("1.2.3..."). */
#define ADM_SECTION_MAX_NUMS 32

struct adm_section {
	uint32_t nums[ADM_SECTION_MAX_NUMS];
	unsigned int count;
	enum message_section_kind kind;
	/* binary.<section>: decode the transfer encoding */
	bool binary;
};

/*
 * Parses the section of a field name (what follows "body." or
 * "binary."), case-insensitively: part numbers, optionally followed by
 * .HEADER, .TEXT or .MIME; or HEADER/TEXT alone; or "".  HEADER.FIELDS
 * is not a fetch field in doveadm.  0, or -1 when it is none of these.
 */
int adm_section_parse(const char *str, bool binary,
	struct adm_section *section_r);

/*
 * Appends the section of the message msg[0..size) (root: its part tree)
 * to out: nothing when the message has no such part.  0, or -1 if out's
 * limit was reached.
 */
int adm_section_append(const struct adm_section *section,
	struct message_part *root, const void *msg, size_t size,
	struct buf *out) ATTR_NODISCARD;

/*
 * text.utf8: every part in order, each as its header fields ("Name:
 * value", unfolded and RFC 2047-decoded, one per line), an empty line and,
 * for leaf parts, the body with its transfer encoding undone and its
 * charset converted to UTF-8 (multipart preambles and epilogues are left
 * out), as doveadm 2.3.19 prints it.  root must have part->data filled.
 * 0, or -1 if out's limit was reached.
 */
int adm_text_utf8_append(struct message_part *root, const void *msg,
	size_t size, struct buf *out) ATTR_NODISCARD;

#endif
