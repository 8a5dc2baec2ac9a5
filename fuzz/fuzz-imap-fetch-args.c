/*
 * fuzz-imap-fetch-args.c - libFuzzer target for FETCH argument parsing
 * (src/proto/imap-fetch-args.c) behind the real command parser.
 *
 * Input layout: one header byte, then the arguments of a FETCH command as
 * a client would send them after "tag FETCH " (the line's CRLF is added
 * when missing).
 *   byte 0  bit 0: UID FETCH, bit 1: QRESYNC enabled,
 *           bit 2: parse with IMAP_PARSER_FLAG_ATOM_ALLCHARS
 *
 * Checks: parsing never crashes and either fails with a non-empty error or
 * yields a plan whose invariants hold (small items before the others,
 * every RFC822.* or section item has a section with a reply name matching its
 * kind, header lists only with HEADER.FIELDS and never empty, UID first
 * for UID FETCH, a partial only where allowed), and the same input gives
 * the same result when parsed again.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-fetch-args.h"
#include "imap-parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                               \
	do {                                                            \
		if (!(expr))                                            \
			i_panic("fuzz invariant failed: %s", #expr);    \
	} while (0)

static void check_section(const struct imap_fetch_item *item)
{
	const struct imap_fetch_section *sec = item->section;
	const char *name;
	unsigned int i;

	fuzz_assert(sec != NULL && sec->reply_name != NULL);
	name = sec->reply_name;
	switch (item->type) {
	case IMAP_FETCH_ITEM_RFC822:
		fuzz_assert(strcmp(name, "RFC822") == 0 && !sec->peek);
		break;
	case IMAP_FETCH_ITEM_RFC822_HEADER:
		fuzz_assert(strcmp(name, "RFC822.HEADER") == 0 && sec->peek);
		break;
	case IMAP_FETCH_ITEM_RFC822_TEXT:
		fuzz_assert(strcmp(name, "RFC822.TEXT") == 0 && !sec->peek);
		break;
	case IMAP_FETCH_ITEM_SECTION:
		if (sec->binary_size) {
			fuzz_assert(strncmp(name, "BINARY.SIZE[", 12) == 0);
			fuzz_assert(sec->binary && sec->peek && !sec->partial);
		} else if (sec->binary) {
			fuzz_assert(strncmp(name, "BINARY[", 7) == 0);
		} else {
			fuzz_assert(strncmp(name, "BODY[", 5) == 0);
		}
		fuzz_assert(strchr(name, ']') != NULL);
		fuzz_assert((strchr(name, '<') != NULL) == sec->partial ||
			sec->fields_count > 0);
		break;
	default:
		i_panic("item %d has a section", item->type);
	}
	if (sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS ||
	    sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT) {
		fuzz_assert(sec->fields_count > 0);
		for (i = 0; i < sec->fields_count; i++)
			fuzz_assert(sec->fields[i] != NULL);
	} else {
		fuzz_assert(sec->fields_count == 0);
	}
	if (sec->text == IMAP_FETCH_SECTION_MIME)
		fuzz_assert(sec->part_count > 0);
	fuzz_assert((sec->part_count == 0) == (sec->part == NULL));
}

/* Renders the plan to compare two parses. */
static void render(const struct imap_fetch_args *args, struct buf *out)
{
	unsigned int i;

	for (i = 0; i < args->count; i++) {
		const struct imap_fetch_section *sec = args->items[i].section;

		if (buf_printf(out, "%d:%s ", (int)args->items[i].type,
			    sec == NULL ? "" : sec->reply_name) < 0)
			i_panic("render overflow");
	}
	if (buf_printf(out, "%d%d%d%d%llu", args->set_seen, args->modseq,
		    args->changedsince_set, args->vanished,
		    (unsigned long long)args->changedsince) < 0)
		i_panic("render overflow");
}

/* Parses the line; -1 when the command parser itself rejected it,
   0 when FETCH parsing failed, 1 with *out rendered. */
static int parse_once(const unsigned char *line, size_t size,
	enum imap_parser_flags pflags, enum imap_fetch_args_flags flags,
	struct buf *out)
{
	struct imap_parser_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	struct imap_fetch_args fargs;
	struct arena *arena;
	const char *error;
	size_t pos = 0, consumed;
	unsigned int i;
	int ret;

	memset(&set, 0, sizeof(set));
	set.max_line_length = 65536;
	set.max_literal_size = 65536;
	set.max_list_depth = 32;
	parser = imap_parser_create(&set);
	do {
		ret = imap_parser_read_args(parser, line + pos, size - pos,
			&consumed, 0, pflags, &args);
		pos += consumed;
	} while (ret == IMAP_PARSER_LITERAL_CONT);
	if (ret != 1 || IMAP_ARG_IS_EOL(args)) {
		imap_parser_destroy(&parser);
		return -1;
	}
	arena = arena_create("fuzz fetch", 1024);
	/* args[0] stands for the sequence set */
	if (imap_fetch_args_parse(args + 1, flags, arena, &fargs, &error) < 0) {
		fuzz_assert(error != NULL && *error != '\0');
		ret = 0;
	} else {
		bool large = false;

		fuzz_assert(fargs.count > 0);
		if ((flags & IMAP_FETCH_ARGS_FLAG_UID) != 0)
			fuzz_assert(fargs.items[0].type ==
				IMAP_FETCH_ITEM_UID);
		for (i = 0; i < fargs.count; i++) {
			const struct imap_fetch_item *item = &fargs.items[i];

			if (imap_fetch_item_is_small(item->type))
				fuzz_assert(!large);
			else
				large = true;
			if (item->type >= IMAP_FETCH_ITEM_RFC822)
				check_section(item);
			else
				fuzz_assert(item->section == NULL);
		}
		if (fargs.vanished)
			fuzz_assert(fargs.changedsince_set);
		/* the plan must not point into the parser's memory */
		imap_parser_destroy(&parser);
		render(&fargs, out);
		ret = 1;
	}
	if (parser != NULL)
		imap_parser_destroy(&parser);
	arena_destroy(&arena);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum imap_fetch_args_flags flags = 0;
	enum imap_parser_flags pflags = 0;
	struct buf line, r1, r2;
	int ret1, ret2;

	if (size < 1)
		return 0;
	if ((data[0] & 0x01) != 0)
		flags |= IMAP_FETCH_ARGS_FLAG_UID;
	if ((data[0] & 0x02) != 0)
		flags |= IMAP_FETCH_ARGS_FLAG_QRESYNC;
	if ((data[0] & 0x04) != 0)
		pflags |= IMAP_PARSER_FLAG_ATOM_ALLCHARS;
	data++;
	size--;

	buf_init(&line, NULL, size + 3, 0);
	buf_init(&r1, NULL, 256, 0);
	buf_init(&r2, NULL, 256, 0);
	if (buf_append(&line, data, size) < 0 ||
	    ((size == 0 || data[size - 1] != '\n') &&
	     buf_append_str(&line, "\r\n") < 0))
		i_panic("fuzz line overflow");

	ret1 = parse_once((const unsigned char *)line.data, line.used,
		pflags, flags, &r1);
	ret2 = parse_once((const unsigned char *)line.data, line.used,
		pflags, flags, &r2);
	fuzz_assert(ret1 == ret2);
	fuzz_assert(r1.used == r2.used &&
		(r1.used == 0 || memcmp(r1.data, r2.data, r1.used) == 0));
	buf_free(&line);
	buf_free(&r1);
	buf_free(&r2);
	return 0;
}
