/*
 * test-imap-fetch-args.c - unit tests for FETCH item parsing: items,
 * macros, reply order, sections, header lists, partials, modifiers and
 * Dovecot 2.3's error texts.  Arguments come from the real command parser,
 * fed whole, byte by byte and in random chunks.
 */
#include "lib.h"
#include "imap-fetch-args.h"
#include "arena.h"
#include "buf.h"
#include "imap-parser.h"
#include "test-imap-driver.h"
#include "test-common.h"

static const char *const item_names[] = {
	[IMAP_FETCH_ITEM_FLAGS] = "FLAGS",
	[IMAP_FETCH_ITEM_UID] = "UID",
	[IMAP_FETCH_ITEM_INTERNALDATE] = "INTERNALDATE",
	[IMAP_FETCH_ITEM_SAVEDATE] = "SAVEDATE",
	[IMAP_FETCH_ITEM_RFC822_SIZE] = "RFC822.SIZE",
	[IMAP_FETCH_ITEM_MODSEQ] = "MODSEQ",
	[IMAP_FETCH_ITEM_X_GUID] = "X-GUID",
	[IMAP_FETCH_ITEM_X_MAILBOX] = "X-MAILBOX",
	[IMAP_FETCH_ITEM_X_SAVEDATE] = "X-SAVEDATE",
	[IMAP_FETCH_ITEM_ENVELOPE] = "ENVELOPE",
	[IMAP_FETCH_ITEM_BODY] = "BODY",
	[IMAP_FETCH_ITEM_BODYSTRUCTURE] = "BODYSTRUCTURE",
	[IMAP_FETCH_ITEM_RFC822] = "RFC822",
	[IMAP_FETCH_ITEM_RFC822_HEADER] = "RFC822.HEADER",
	[IMAP_FETCH_ITEM_RFC822_TEXT] = "RFC822.TEXT",
	[IMAP_FETCH_ITEM_SECTION] = "SECTION",
};

static const char *const text_names[] = {
	[IMAP_FETCH_SECTION_ALL] = "",
	[IMAP_FETCH_SECTION_HEADER] = "HEADER",
	[IMAP_FETCH_SECTION_HEADER_FIELDS] = "FIELDS",
	[IMAP_FETCH_SECTION_HEADER_FIELDS_NOT] = "FIELDS.NOT",
	[IMAP_FETCH_SECTION_TEXT] = "TEXT",
	[IMAP_FETCH_SECTION_MIME] = "MIME",
};

static void render_section(struct buf *out, const struct imap_fetch_section *s)
{
	unsigned int i;
	int ret = 0;

	ret |= buf_printf(out, "{%s", s->reply_name);
	if (s->part_count > 0) {
		ret |= buf_append_str(out, " part=");
		for (i = 0; i < s->part_count; i++) {
			ret |= buf_printf(out, "%s%u", i > 0 ? "." : "",
				s->part[i]);
		}
	}
	if (s->text != IMAP_FETCH_SECTION_ALL)
		ret |= buf_printf(out, " %s", text_names[s->text]);
	for (i = 0; i < s->fields_count; i++)
		ret |= buf_printf(out, "%s%s", i == 0 ? "=" : ",",
			s->fields[i]);
	if (s->partial) {
		if (s->partial_size == IMAP_FETCH_PARTIAL_TO_END)
			ret |= buf_printf(out, " <%llu.>",
				(unsigned long long)s->partial_offset);
		else
			ret |= buf_printf(out, " <%llu.%llu>",
				(unsigned long long)s->partial_offset,
				(unsigned long long)s->partial_size);
	}
	if (s->peek)
		ret |= buf_append_str(out, " peek");
	if (s->binary)
		ret |= buf_append_str(out, " bin");
	if (s->binary_size)
		ret |= buf_append_str(out, " size");
	ret |= buf_append_c(out, '}');
	test_assert(ret == 0);
}

/* "ITEM ITEM {section}... [seen] [changedsince=N] [vanished]" */
static const char *render(const struct imap_fetch_args *args)
{
	struct buf out;
	unsigned int i;
	int ret = 0;

	buf_init(&out, scratch_arena(), 128, 0);
	for (i = 0; i < args->count; i++) {
		const struct imap_fetch_item *item = &args->items[i];

		if (i > 0)
			ret |= buf_append_c(&out, ' ');
		if (item->type == IMAP_FETCH_ITEM_SECTION ||
		    item->section != NULL) {
			test_assert(item->section != NULL);
			if (item->type != IMAP_FETCH_ITEM_SECTION)
				ret |= buf_append_str(&out, "rfc");
			render_section(&out, item->section);
		} else {
			ret |= buf_append_str(&out, item_names[item->type]);
		}
	}
	if (args->set_seen)
		ret |= buf_append_str(&out, " seen");
	if (args->modseq)
		ret |= buf_append_str(&out, " modseq");
	if (args->changedsince_set)
		ret |= buf_printf(&out, " changedsince=%llu",
			(unsigned long long)args->changedsince);
	if (args->vanished)
		ret |= buf_append_str(&out, " vanished");
	test_assert(ret == 0);
	return buf_cstr(&out);
}

/* Parses "tag FETCH <input>" and renders the result or "ERR: text". */
static const char *parse(const char *input, enum imap_fetch_args_flags flags,
	enum test_chunking chunking, unsigned int seed)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct test_feeder feeder;
	const struct imap_arg *args;
	struct imap_fetch_args fargs;
	struct arena *arena;
	const char *line, *error, *ret;
	struct buf cmd;

	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	line = t_printf("a FETCH %s\r\n", input);
	test_feeder_init(&feeder, line, strlen(line), chunking, seed);
	buf_init(&cmd, scratch_arena(), 64, 0);
	if (test_feed_command(parser, &feeder, &cmd) != 1 ||
	    test_feed_args(parser, &feeder, 0, 0, &args) != 1) {
		imap_parser_destroy(&parser);
		return "PARSER ERROR";
	}
	arena = arena_create("fetch args", 256);
	/* args[0] is the sequence set */
	if (imap_fetch_args_parse(args + 1, flags, arena, &fargs, &error) < 0)
		ret = t_printf("ERR: %s", error);
	else
		ret = t_strdup(render(&fargs));
	/* everything must survive the parser's reset */
	imap_parser_destroy(&parser);
	if (strncmp(ret, "ERR", 3) != 0)
		test_assert_strcmp(render(&fargs), ret);
	arena_destroy(&arena);
	return ret;
}

struct fetch_test {
	const char *input;
	enum imap_fetch_args_flags flags;
	const char *expected;
};

#define UIDF IMAP_FETCH_ARGS_FLAG_UID
#define QRF (IMAP_FETCH_ARGS_FLAG_UID | IMAP_FETCH_ARGS_FLAG_QRESYNC)

static void run_tests(const struct fetch_test *tests, unsigned int count)
{
	unsigned int i, seed;

	for (i = 0; i < count; i++) SCRATCH_BEGIN {
		const char *got = parse(tests[i].input, tests[i].flags,
			TEST_CHUNK_ALL, 0);

		test_assert_strcmp(got, tests[i].expected);
		if (strcmp(got, tests[i].expected) != 0)
			printf("  input: %s\n", tests[i].input);
		test_assert_strcmp(parse(tests[i].input, tests[i].flags,
			TEST_CHUNK_BYTE, 0), tests[i].expected);
		for (seed = 1; seed <= 3; seed++) {
			test_assert_strcmp(parse(tests[i].input,
				tests[i].flags, TEST_CHUNK_RANDOM, seed),
				tests[i].expected);
		}
	} SCRATCH_END;
}

static void test_fetch_items(void)
{
	static const struct fetch_test tests[] = {
		{ "1 FLAGS", 0, "FLAGS" },
		{ "1 flags", 0, "FLAGS" },
		{ "1 (FLAGS)", 0, "FLAGS" },
		{ "1 fast", 0, "FLAGS INTERNALDATE RFC822.SIZE" },
		{ "1 ALL", 0,
		  "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE" },
		{ "1 Full", 0,
		  "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY" },
		/* macros only stand alone */
		{ "1 (FLAGS ALL)", 0, "ERR: Unknown parameter: ALL" },
		/* small items first, each group in request order */
		{ "1 (BODY BODYSTRUCTURE ENVELOPE INTERNALDATE SAVEDATE)", 0,
		  "INTERNALDATE SAVEDATE BODY BODYSTRUCTURE ENVELOPE" },
		{ "1 (ENVELOPE FLAGS RFC822.SIZE BODY UID)", 0,
		  "FLAGS RFC822.SIZE UID ENVELOPE BODY" },
		/* duplicates answered once, sections as often as asked */
		{ "1 (UID UID FLAGS UID flags)", 0, "UID FLAGS" },
		{ "1 (RFC822 RFC822)", 0, "rfc{RFC822} seen" },
		{ "1 (BODY[] BODY[])", 0, "{BODY[]} {BODY[]} seen" },
		/* UID FETCH: UID first */
		{ "1 (FLAGS UID)", UIDF, "UID FLAGS" },
		{ "1 FLAGS", UIDF, "UID FLAGS" },
		{ "1 (MODSEQ X-GUID X-MAILBOX X-SAVEDATE)", 0,
		  "MODSEQ X-GUID X-MAILBOX X-SAVEDATE modseq" },
		/* lookup by the name before '.' or '[', as Dovecot */
		{ "1 FLAGS.FOO", 0, "FLAGS" },
		{ "1 UID[1]", 0, "UID" },
		{ "1 BODYSTRUCTURE[]", 0, "BODYSTRUCTURE" },
		{ "1 BODYX", 0, "ERR: Unknown parameter: BODYX" },
		{ "1 FOO", 0, "ERR: Unknown parameter: FOO" },
		{ "1 (FLAGS FOO)", 0, "ERR: Unknown parameter: FOO" },
		{ "1 EMAILID", 0, "ERR: Unknown parameter: EMAILID" },
		{ "1 RFC822.SIZE", 0, "RFC822.SIZE" },
		{ "1 rfc822.header", 0, "rfc{RFC822.HEADER HEADER peek}" },
		{ "1 RFC822.TEXT", 0, "rfc{RFC822.TEXT TEXT} seen" },
		{ "1 rfc822.peek", 0, "ERR: Unknown parameter RFC822.PEEK" },
		{ "1 RFC822[]", 0, "ERR: Unknown parameter RFC822[]" },
		{ "1 RFC822.SIZEX", 0,
		  "ERR: Unknown parameter RFC822.SIZEX" },
		/* list and argument shape */
		{ "1 ()", 0, "ERR: FETCH list is empty." },
		{ "1", 0, "ERR: Invalid arguments." },
		{ "1 \"FLAGS\"", 0, "ERR: Invalid arguments." },
		{ "1 (FLAGS \"X\")", 0, "ERR: FETCH list contains non-atoms." },
		{ "1 (FLAGS (X))", 0, "ERR: FETCH list contains non-atoms." },
		{ "1 (FLAGS) FOO", 0, "ERR: Invalid arguments." },
		{ "1 FLAGS FOO", 0, "ERR: Invalid arguments." },
		{ "1 (FLAGS) (CHANGEDSINCE 1) FOO", 0,
		  "ERR: Invalid arguments." },
	};

	test_begin("fetch args: items, macros, order");
	run_tests(tests, N_ELEMENTS(tests));
	test_end();
}

static void test_fetch_sections(void)
{
	static const struct fetch_test tests[] = {
		{ "1 BODY[]", 0, "{BODY[]} seen" },
		{ "1 body.peek[]", 0, "{BODY[] peek}" },
		{ "1 BODY[TEXT]", 0, "{BODY[TEXT] TEXT} seen" },
		{ "1 BODY.PEEK[header]", 0, "{BODY[HEADER] HEADER peek}" },
		{ "1 BODY.PEEK[1]", 0, "{BODY[1] part=1 peek}" },
		{ "1 BODY.PEEK[1.2.3]", 0, "{BODY[1.2.3] part=1.2.3 peek}" },
		{ "1 BODY.PEEK[1.MIME]", 0,
		  "{BODY[1.MIME] part=1 MIME peek}" },
		{ "1 BODY.PEEK[2.1.HEADER]", 0,
		  "{BODY[2.1.HEADER] part=2.1 HEADER peek}" },
		{ "1 BODY.PEEK[3.TEXT]", 0, "{BODY[3.TEXT] part=3 TEXT peek}" },
		/* numbers kept as written; 0 and overflow address nothing */
		{ "1 BODY.PEEK[01]", 0, "{BODY[01] part=1 peek}" },
		{ "1 BODY.PEEK[0]", 0, "{BODY[0] part=0 peek}" },
		{ "1 BODY.PEEK[1.0]", 0, "{BODY[1.0] part=1.0 peek}" },
		{ "1 BODY.PEEK[4294967295]", 0,
		  "{BODY[4294967295] part=4294967295 peek}" },
		{ "1 BODY.PEEK[4294967296]", 0,
		  "{BODY[4294967296] part=0 peek}" },
		{ "1 BODY.PEEK[99999999999999999999999.1]", 0,
		  "{BODY[99999999999999999999999.1] part=0.1 peek}" },
		/* header lists */
		{ "1 BODY.PEEK[HEADER.FIELDS (From To)]", 0,
		  "{BODY[HEADER.FIELDS (FROM TO)] FIELDS=FROM,TO peek}" },
		{ "1 (body[header.fields.not (date date)])", 0,
		  "{BODY[HEADER.FIELDS.NOT (DATE DATE)] FIELDS.NOT=DATE,DATE}"
		  " seen" },
		{ "1 BODY[1.HEADER.FIELDS (X-A \"b c\" \"\" {1+}\r\nq NIL)]", 0,
		  "{BODY[1.HEADER.FIELDS (X-A \"B C\" \"\" Q \"NIL\")] part=1 "
		  "FIELDS=X-A,B C,,Q,NIL} seen" },
		{ "1 (BODY.PEEK[HEADER.FIELDS (A)]<0.1> FLAGS)", 0,
		  "FLAGS {BODY[HEADER.FIELDS (A)]<0> FIELDS=A <0.1> peek}" },
		{ "1 (BODY.PEEK[HEADER.FIELDS (A)] )", 0,
		  "{BODY[HEADER.FIELDS (A)] FIELDS=A peek}" },
		{ "1 BODY[HEADER.FIELDS (A)] (CHANGEDSINCE 5)", 0,
		  "MODSEQ {BODY[HEADER.FIELDS (A)] FIELDS=A} seen modseq "
		  "changedsince=5" },
		/* unlike Dovecot, a list after a closed name is modifiers */
		{ "1 BODY[] (CHANGEDSINCE 1)", 0,
		  "MODSEQ {BODY[]} seen modseq changedsince=1" },
		/* partials */
		{ "1 BODY.PEEK[]<0.10>", 0, "{BODY[]<0> <0.10> peek}" },
		{ "1 BODY[TEXT]<5.0>", 0, "{BODY[TEXT]<5> TEXT <5.0>} seen" },
		{ "1 BODY[]<01.02>", 0, "{BODY[]<1> <1.2>} seen" },
		{ "1 BODY[]<7>", 0, "{BODY[]<7> <7.>} seen" },
		{ "1 BODY[]<18446744073709551615.18446744073709551615>", 0,
		  "{BODY[]<18446744073709551615> "
		  "<18446744073709551615.>} seen" },
		/* BINARY */
		{ "1 BINARY[]", 0, "{BINARY[] bin} seen" },
		{ "1 BINARY.PEEK[1.2]<1.2>", 0,
		  "{BINARY[1.2]<1> part=1.2 <1.2> peek bin}" },
		{ "1 BINARY.SIZE[1]", 0,
		  "{BINARY.SIZE[1] part=1 peek bin size}" },
		{ "1 BINARY.SIZE[]<0.1>", 0, "{BINARY.SIZE[] peek bin size}" },
		{ "1 binary[header]", 0, "{BINARY[HEADER] HEADER bin} seen" },
		{ "1 BINARY.SIZE[HEADER.FIELDS (X)]<1.2>", 0,
		  "{BINARY.SIZE[HEADER.FIELDS (X)] FIELDS=X peek bin size}" },
	};

	test_begin("fetch args: sections and partials");
	run_tests(tests, N_ELEMENTS(tests));
	test_end();
}

static void test_fetch_section_errors(void)
{
#define BP "ERR: Invalid BODY[..] parameter: "
#define BS "ERR: Invalid BODY[..] section"
	static const struct fetch_test tests[] = {
		{ "1 BODY[", 0, BP "Missing ']'" },
		{ "1 BODY.PEEK", 0, BP "Missing '['" },
		{ "1 BODY.FOO[]", 0, BP "Missing '['" },
		{ "1 BODY.PEEKX[]", 0, BP "Missing '['" },
		{ "1 BODY[XYZ]", 0, BS },
		{ "1 BODY[MIME]", 0, BS },
		{ "1 BODY[HEADER.FIELDS]", 0, BS },
		{ "1 BODY[HEADER.FIELDS ()]", 0, BS },
		{ "1 BODY[HEADER.FIELDS (FROM)", 0, BP "Missing ']'" },
		{ "1 BODY[HEADER.FIELDS (FROM) X]", 0, BP "Missing ']'" },
		{ "1 BODY[HEADER.FIELDS (FROM (X))]", 0,
		  BP "Header list contains non-strings" },
		{ "1 BODY[HEADER.FIELDSX (X)]", 0, BS },
		{ "1 (BODY[TEXT (X)])", 0, BS },
		{ "1 BODY[1.]", 0, BS },
		{ "1 BODY[.1]", 0, BS },
		{ "1 BODY[1..2]", 0, BS },
		{ "1 BODY[HEADER.]", 0, BS },
		{ "1 BODY[TEXT.1]", 0, BS },
		{ "1 BODY[1TEXT]", 0, BS },
		{ "1 BODY[]x", 0, BP "Unexpected data after ']'" },
		{ "1 BODY[HEADER.FIELDS (FROM)]x", 0,
		  BP "Unexpected data after ']'" },
		{ "1 BODY[HEADER.FIELDS (FROM)]]", 0,
		  BP "Unexpected data after ']'" },
		{ "1 BODY[]<", 0, BP "Too big partial start" },
		{ "1 BODY[]<a.1>", 0, BP "Too big partial start" },
		{ "1 BODY[]<.1>", 0, BP "Too big partial start" },
		{ "1 BODY[]<99999999999999999999.1>", 0,
		  BP "Too big partial start" },
		{ "1 BODY[]<1", 0, BP "Missing '>' in partial" },
		{ "1 BODY[]<0.1", 0, BP "Missing '>' in partial" },
		{ "1 BODY[]<1.>", 0, BP "Too big partial end" },
		{ "1 BODY[]<1.99999999999999999999>", 0,
		  BP "Too big partial end" },
		{ "1 BODY[]<1.2>x", 0, BP "Unexpected data after '>'" },
		{ "1 BODY.PEEK[]<0.1>.x", 0, BP "Unexpected data after '>'" },
		{ "1 BINARY", 0,
		  "ERR: Invalid BINARY[..] parameter: Missing '['" },
		{ "1 BINARY.SIZE", 0,
		  "ERR: Invalid BINARY[..] parameter: Missing '['" },
		{ "1 BINARY.SIZEX[]", 0,
		  "ERR: Invalid BINARY[..] parameter: Missing '['" },
		{ "1 BINARY[XYZ]", 0, "ERR: Invalid BINARY[..] section" },
		{ "1 BINARY[HEADER.FIELDS]", 0,
		  "ERR: Invalid BINARY[..] section" },
		{ "1 BINARY[1]X", 0,
		  "ERR: Invalid BINARY[..] parameter: "
		  "Unexpected data after ']'" },
		{ "1 BINARY.PEEK[1]<0.1>X", 0,
		  "ERR: Invalid BINARY[..] parameter: "
		  "Unexpected data after '>'" },
	};

	test_begin("fetch args: section errors");
	run_tests(tests, N_ELEMENTS(tests));
	test_end();
#undef BP
#undef BS
}

static void test_fetch_modifiers(void)
{
	static const struct fetch_test tests[] = {
		{ "1 (FLAGS) (CHANGEDSINCE 1)", 0,
		  "FLAGS MODSEQ modseq changedsince=1" },
		{ "1 (FLAGS MODSEQ) (changedsince 0)", 0,
		  "FLAGS MODSEQ modseq changedsince=0" },
		{ "1 (FLAGS) (CHANGEDSINCE 18446744073709551615)", 0,
		  "FLAGS MODSEQ modseq changedsince=18446744073709551615" },
		{ "1 (FLAGS) (CHANGEDSINCE 18446744073709551616)", 0,
		  "ERR: Invalid CHANGEDSINCE modseq." },
		{ "1 (FLAGS) (CHANGEDSINCE x)", 0,
		  "ERR: Invalid CHANGEDSINCE modseq." },
		{ "1 (FLAGS) (CHANGEDSINCE)", 0,
		  "ERR: Invalid CHANGEDSINCE modseq." },
		{ "1 (FLAGS) (FOO)", 0, "ERR: Unknown FETCH modifier" },
		{ "1 (FLAGS) (\"X\")", 0,
		  "ERR: FETCH modifiers contain non-atoms." },
		{ "1 (FLAGS) ()", 0, "FLAGS" },
		{ "1 FLAGS (CHANGEDSINCE 1 VANISHED)", 0,
		  "ERR: Unknown FETCH modifier" },
		{ "1 FLAGS (CHANGEDSINCE 1 VANISHED)", UIDF,
		  "ERR: QRESYNC not enabled" },
		{ "1 FLAGS (VANISHED CHANGEDSINCE 1)", QRF,
		  "UID FLAGS MODSEQ modseq changedsince=1 vanished" },
		{ "1 FLAGS (VANISHED)", QRF,
		  "ERR: VANISHED used without CHANGEDSINCE" },
	};

	test_begin("fetch args: modifiers");
	run_tests(tests, N_ELEMENTS(tests));
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_fetch_items,
		test_fetch_sections,
		test_fetch_section_errors,
		test_fetch_modifiers,
		NULL
	};
	return test_run(tests);
}
