/*
 * message-parser.h - RFC 5322 / MIME structure of a message held in
 * memory.
 *
 * message_parse() walks a complete message once (linear time, no copy of
 * any body) and returns a tree of struct message_part: for each part the
 * header and body positions and sizes (physical and CRLF-virtual, see
 * message-size.h), line counts and a few flags.  Multipart bodies get one
 * child per MIME part (RFC 2046: preamble and epilogue are part of the
 * multipart's own body, a missing final boundary ends the part at the end
 * of its parent, the innermost matching boundary wins and a longer
 * boundary beats a shorter one that is its prefix); message/rfc822 and
 * message/global bodies get exactly one child, the encapsulated message.
 *
 * The tree is what the index stores (message-part-serialize.h); the MIME
 * fields (Content-Type, parameters, ...) needed for BODYSTRUCTURE are in
 * struct message_part_data, which the parser fills when asked and which
 * message_part_data_parse() (message-part-data.h) can fill later from the
 * part's header bytes, so a deserialised tree loses nothing.
 *
 * Positions are relative to the start of the buffer given to the parser.
 * Sizes follow Dovecot: a part's header includes the empty line ending it;
 * a MIME part's body ends before the line ending that precedes the next
 * boundary line ("\r\n--boundary" belongs to the boundary); a multipart's
 * body covers everything after its header, children included.
 *
 * Limits (struct message_parser_limits) bound the work and the tree size.
 * Exceeding one never fails the parse; as Dovecot 2.3 does: a multipart or
 * message/rfc822 part that would nest deeper than max_nested_parts (the
 * root counts as 1) is kept as an opaque leaf (MESSAGE_PART_FLAG_OVERFLOW,
 * written as application/octet-stream by BODYSTRUCTURE); once
 * max_total_parts parts (the root included) exist, no boundary is looked
 * for any more and the last part's body runs to the end of the message.
 */
#ifndef ROOST_MESSAGE_PARSER_H
#define ROOST_MESSAGE_PARSER_H

#include "message-size.h"

/* Values are stored in serialised trees: never renumber. */
enum message_part_flags {
	/* Content-Type multipart/ *: the part has MIME children */
	MESSAGE_PART_FLAG_MULTIPART = 0x01,
	/* multipart/digest: children default to message/rfc822 */
	MESSAGE_PART_FLAG_MULTIPART_DIGEST = 0x02,
	/* message/rfc822 (or message/global with
	   MESSAGE_PARSER_FLAG_MESSAGE_GLOBAL): one child, the message */
	MESSAGE_PART_FLAG_MESSAGE_RFC822 = 0x04,
	/* text/ *, or no usable Content-Type (defaults to text/plain) */
	MESSAGE_PART_FLAG_TEXT = 0x08,
	/* header or body contains NUL bytes */
	MESSAGE_PART_FLAG_HAS_NULS = 0x20,
	/* Content-* fields apply: the root has Mime-Version: or a
	   Content-Type:, or the part is inside a multipart */
	MESSAGE_PART_FLAG_IS_MIME = 0x40,
	/* a limit stopped the parse here: the part looks like a multipart
	   or message/rfc822 by its header but has no children */
	MESSAGE_PART_FLAG_OVERFLOW = 0x80,
	/* the header block was cut at max_header_size; the rest of the
	   header is counted as body */
	MESSAGE_PART_FLAG_HEADER_TRUNCATED = 0x100,
};

#define MESSAGE_PART_FLAGS_ALL 0x1ff

struct message_part_data;

struct message_part {
	struct message_part *parent;
	struct message_part *next;     /* next sibling */
	struct message_part *children; /* first child */

	uint64_t physical_pos; /* offset of the header's first byte */
	struct message_size header_size;
	struct message_size body_size;

	/* number of descendants (children, their children, ...) */
	unsigned int children_count;
	enum message_part_flags flags;

	/* MIME fields; NULL until parsed (see message-part-data.h) */
	struct message_part_data *data;
};

/*
 * Dovecot 2.3's defaults: MIME parts nested at most 100 deep, at most
 * 10000 parts in a message.  Header blocks larger than 10 MiB are cut.
 */
#define MESSAGE_PARSER_DEFAULT_MAX_NESTED_PARTS 100
#define MESSAGE_PARSER_DEFAULT_MAX_TOTAL_PARTS 10000
#define MESSAGE_PARSER_DEFAULT_MAX_HEADER_SIZE (10 * 1024 * 1024)

struct message_parser_limits {
	/* 0 = unlimited for each */
	unsigned int max_nested_parts;
	unsigned int max_total_parts;
	size_t max_header_size;
};

enum message_parser_flags {
	/* also fill part->data (Content-* fields) for every part */
	MESSAGE_PARSER_FLAG_PART_DATA = 0x01,
	/* Content-* fields count only with a Mime-Version: header (by
	   default, like Dovecot, a Content-Type: alone makes it MIME) */
	MESSAGE_PARSER_FLAG_MIME_VERSION_STRICT = 0x02,
	/* parse message/global bodies as encapsulated messages (Dovecot
	   2.3 does not: its BODYSTRUCTURE shows them as opaque parts) */
	MESSAGE_PARSER_FLAG_MESSAGE_GLOBAL = 0x04,
};

/* Fills limits with the defaults above. */
void message_parser_limits_default(struct message_parser_limits *limits_r);

/*
 * Parses data[0..size) into a part tree allocated from arena (only the
 * tree and, with MESSAGE_PARSER_FLAG_PART_DATA, the MIME field strings).
 * limits NULL = the defaults.  Never fails: any byte string is some
 * message.  The tree holds no pointers into data.
 */
struct message_part *message_parse(struct arena *arena, const void *data,
	size_t size, const struct message_parser_limits *limits,
	enum message_parser_flags flags);

/* Total size of a part, header plus body. */
static inline uint64_t message_part_physical_size(const struct message_part *p)
{
	return p->header_size.physical_size + p->body_size.physical_size;
}
static inline uint64_t message_part_virtual_size(const struct message_part *p)
{
	return p->header_size.virtual_size + p->body_size.virtual_size;
}
/* Offset of the body's first byte. */
static inline uint64_t message_part_body_pos(const struct message_part *p)
{
	return p->physical_pos + p->header_size.physical_size;
}

/*
 * IMAP section-part lookup (RFC 3501 6.4.5): nums[0..count) is a part
 * specifier such as 1.2.3.  In a non-multipart message only 1 exists and
 * is the message body; a message/rfc822 part's subparts are those of the
 * encapsulated message.  As Dovecot 2.3, a leaf answers to one extra "1"
 * ("1.1" of a text part is that part; "1.1.1" is nothing).  Returns NULL
 * if there is no such part (IMAP then sends an empty string).  With
 * count == 0 returns root.
 */
struct message_part *message_part_find(struct message_part *root,
	const uint32_t *nums, unsigned int count);

/* What a section names (RFC 3501 6.4.5 section-text). */
enum message_section_kind {
	MESSAGE_SECTION_BODY,   /* BODY[] / BODY[n]: message / part body */
	MESSAGE_SECTION_HEADER, /* BODY[HEADER] / BODY[n.HEADER] (and the
				   HEADER.FIELDS forms) */
	MESSAGE_SECTION_TEXT,   /* BODY[TEXT] / BODY[n.TEXT] */
	MESSAGE_SECTION_MIME,   /* BODY[n.MIME] */
};

/*
 * The byte range (physical, in the buffer the tree was parsed from) of
 * section nums[0..count).kind, as Dovecot 2.3 serves it: with count 0,
 * BODY is the whole message and HEADER/TEXT the root's header/body; a
 * part's BODY is its body (for message/rfc822, the whole encapsulated
 * message); n.HEADER and n.TEXT exist only for message/rfc822 parts (the
 * encapsulated header/body); n.MIME is the part's own header (for 1.MIME
 * of a single-part message, the message header).  Returns false if the
 * part does not exist or has no such section: IMAP then sends "".  Serve
 * the bytes with message_append_crlf(); sizes for partial fetches with
 * message_size_count()/message_skip_virtual().
 */
bool message_part_section_range(struct message_part *root,
	const uint32_t *nums, unsigned int count,
	enum message_section_kind kind, uint64_t *pos_r, uint64_t *size_r);

/*
 * Parses a section-part string "1.2.3" (digits and dots, each number
 * non-zero, at most max_count numbers) into nums_r.  Returns the count,
 * or -1 if the string is malformed.  *end_r points after the last number
 * (at "" or at the ".MIME"/".HEADER"/... suffix).
 */
int message_part_section_parse(const char *section, uint32_t *nums_r,
	unsigned int max_count, const char **end_r);

/* Number of parts in the tree, root included. */
unsigned int message_part_count(const struct message_part *root);

#endif
