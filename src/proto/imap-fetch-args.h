/*
 * imap-fetch-args.h - the data items of FETCH and UID FETCH, parsed into a
 * plan the server executes per message.
 *
 * Grammar: RFC 3501 §6.4.5 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY
 * BODYSTRUCTURE UID RFC822 RFC822.HEADER RFC822.TEXT BODY[section]<partial>
 * BODY.PEEK and the macros ALL FAST FULL), RFC 7162 (MODSEQ, the
 * CHANGEDSINCE and VANISHED modifiers), RFC 3516 (BINARY[section]<partial>,
 * BINARY.PEEK, BINARY.SIZE) and RFC 8514 (SAVEDATE), plus Dovecot's X-GUID,
 * X-MAILBOX and X-SAVEDATE.
 *
 * Everything follows Dovecot 2.3, whose replies clients have seen for
 * years:
 *  - item names are case-insensitive and are echoed upper-cased, with
 *    PEEK dropped and only the partial's origin kept
 *    ("body.peek[header.fields (from)]<0.10>" is answered as
 *    "BODY[HEADER.FIELDS (FROM)]<0>");
 *  - an item is looked up by its name up to the first '.' or '['; items
 *    without a section ignore the rest ("FLAGS.X" is FLAGS), RFC822.*
 *    other than SIZE, HEADER and TEXT is "Unknown parameter RFC822.X";
 *  - the reply lists the small items (FLAGS UID INTERNALDATE SAVEDATE
 *    RFC822.SIZE MODSEQ X-*) first, then the others, each group in request
 *    order (Dovecot's "buffered" handlers); an item without a section that
 *    is asked for twice is answered once, sections as often as asked;
 *  - UID FETCH always answers UID, first; CHANGEDSINCE adds MODSEQ;
 *  - section part numbers are kept as written ("BODY[01]", "BODY[0]" and
 *    overflowing numbers address no part and give an empty string).
 *
 * Errors are the texts Dovecot puts after "BAD Error in IMAP command
 * FETCH: " (e.g. "Invalid BODY[..] parameter: Missing ']'").
 */
#ifndef ROOST_IMAP_FETCH_ARGS_H
#define ROOST_IMAP_FETCH_ARGS_H

struct arena;
struct imap_arg;

enum imap_fetch_item_type {
	/* Small items, answered first ("buffered" in Dovecot). */
	IMAP_FETCH_ITEM_FLAGS,
	IMAP_FETCH_ITEM_UID,
	IMAP_FETCH_ITEM_INTERNALDATE,
	IMAP_FETCH_ITEM_SAVEDATE,
	IMAP_FETCH_ITEM_RFC822_SIZE,
	IMAP_FETCH_ITEM_MODSEQ,
	IMAP_FETCH_ITEM_X_GUID,
	IMAP_FETCH_ITEM_X_MAILBOX,
	IMAP_FETCH_ITEM_X_SAVEDATE,
	/* Items that may be large, answered after the small ones. */
	IMAP_FETCH_ITEM_ENVELOPE,
	IMAP_FETCH_ITEM_BODY,
	IMAP_FETCH_ITEM_BODYSTRUCTURE,
	/* RFC822 = BODY[], RFC822.HEADER = BODY.PEEK[HEADER], RFC822.TEXT =
	   BODY[TEXT] with their own reply names; the item has a section. */
	IMAP_FETCH_ITEM_RFC822,
	IMAP_FETCH_ITEM_RFC822_HEADER,
	IMAP_FETCH_ITEM_RFC822_TEXT,
	/* BODY[..], BODY.PEEK[..], BINARY[..], BINARY.PEEK[..],
	   BINARY.SIZE[..]. */
	IMAP_FETCH_ITEM_SECTION,
};

/* The part of a section after the part number. */
enum imap_fetch_section_text {
	/* BODY[] (the whole message) or BODY[1.2] (a part's body) */
	IMAP_FETCH_SECTION_ALL,
	IMAP_FETCH_SECTION_HEADER,
	IMAP_FETCH_SECTION_HEADER_FIELDS,
	IMAP_FETCH_SECTION_HEADER_FIELDS_NOT,
	IMAP_FETCH_SECTION_TEXT,
	/* only after a part number */
	IMAP_FETCH_SECTION_MIME,
};

/* partial_size when the partial had no ".size" ("<5>": to the end). */
#define IMAP_FETCH_PARTIAL_TO_END UINT64_MAX

struct imap_fetch_section {
	/* The reply's item name, e.g. "BODY[1.HEADER.FIELDS (FROM)]<0>",
	   "BINARY.SIZE[2]", "RFC822.TEXT". */
	const char *reply_name;
	/* BINARY[] / BINARY.PEEK[] (decoded content, RFC 3516) */
	bool binary;
	/* BINARY.SIZE[] (the decoded size; any partial is ignored) */
	bool binary_size;
	/* No implicit \Seen (BODY.PEEK, BINARY.PEEK, BINARY.SIZE,
	   RFC822.HEADER). */
	bool peek;
	/* The part number ("1.2" -> {1, 2}); count 0 = the message itself.
	   A number written as 0 or too large for 32 bits is stored as 0,
	   which addresses no part. */
	const uint32_t *part;
	unsigned int part_count;
	enum imap_fetch_section_text text;
	/* HEADER.FIELDS / HEADER.FIELDS.NOT: upper-cased names, at least
	   one. */
	const char *const *fields;
	unsigned int fields_count;
	/* <offset.size> */
	bool partial;
	uint64_t partial_offset;
	/* IMAP_FETCH_PARTIAL_TO_END when no size was given */
	uint64_t partial_size;
};

struct imap_fetch_item {
	enum imap_fetch_item_type type;
	/* RFC822*, SECTION: what to send; NULL for the others */
	const struct imap_fetch_section *section;
};

struct imap_fetch_args {
	/* In reply order (small items first). */
	const struct imap_fetch_item *items;
	unsigned int count;
	/* Some item sets \Seen when the mailbox is writable (BODY[..],
	   BINARY[..], RFC822, RFC822.TEXT without PEEK). */
	bool set_seen;
	/* MODSEQ is among the items (fetching it enables CONDSTORE). */
	bool modseq;
	/* CHANGEDSINCE modifier given: only messages with a higher modseq */
	bool changedsince_set;
	uint64_t changedsince;
	/* UID FETCH ... (CHANGEDSINCE n VANISHED) */
	bool vanished;
};

enum imap_fetch_args_flags {
	/* UID FETCH: UID is always answered, first; VANISHED is known. */
	IMAP_FETCH_ARGS_FLAG_UID = 0x01,
	/* QRESYNC is enabled (else VANISHED is "QRESYNC not enabled"). */
	IMAP_FETCH_ARGS_FLAG_QRESYNC = 0x02,
};

/*
 * Parses FETCH's arguments after the sequence set: a macro or a single
 * item (which may span several arguments: BODY[HEADER.FIELDS (..)]) or a
 * parenthesised list of items, optionally followed by a list of
 * modifiers.  On success fills *args_r (everything allocated from arena,
 * strings copied: the parser may be reset) and returns 0.  On error
 * returns -1 with *error_r set to a client-safe text for
 * "BAD Error in IMAP command FETCH: <text>" (static or from arena).
 */
int imap_fetch_args_parse(const struct imap_arg *args,
	enum imap_fetch_args_flags flags, struct arena *arena,
	struct imap_fetch_args *args_r, const char **error_r);

/* True for the items answered in the first group (see above). */
bool imap_fetch_item_is_small(enum imap_fetch_item_type type);

#endif
