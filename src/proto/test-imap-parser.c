/*
 * test-imap-parser.c - unit tests for the IMAP command grammar: tags,
 * command names, atoms, quoted strings, lists, line endings and syntax
 * errors.  Every input is fed whole, one byte at a time and in random
 * chunks, with identical results required (test-imap-driver.h).
 */
#include "lib.h"
#include "imap-parser.h"
#include "buf.h"
#include "test-common.h"
#include "test-imap-driver.h"

struct parse_case {
	const char *input;
	size_t size;
	const char *expected;
};
/* Input with its size, so that embedded NULs are kept. */
#define IN(s) (s), sizeof(s) - 1

static void run_cases(const struct test_drive_settings *set,
	const struct parse_case *cases, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		SCRATCH_BEGIN {
			test_drive_all(set, cases[i].input, cases[i].size,
				cases[i].expected);
		} SCRATCH_END;
	}
}

static void test_parser_commands(void)
{
	static const struct parse_case cases[] = {
		{ IN("a NOOP\r\n"), "a NOOP:" },
		{ IN("a NOOP\n"), "a NOOP:" },
		{ IN("a1 login tux secret\r\n"), "a1 login: tux secret" },
		{ IN("a1 LOGIN \"tux\" \"secret\"\r\n"),
		  "a1 LOGIN: \"tux\" \"secret\"" },
		{ IN("x.y-z CAPABILITY\r\n"), "x.y-z CAPABILITY:" },
		{ IN("a] NOOP\r\n"), "a] NOOP:" },
		{ IN("a SELECT INBOX\r\nb LOGOUT\r\n"),
		  "a SELECT: INBOX\nb LOGOUT:" },
		{ IN("a SELECT INBOX\nb LOGOUT\r\nc NOOP\n"),
		  "a SELECT: INBOX\nb LOGOUT:\nc NOOP:" },
		{ IN("a UID FETCH 1:* (FLAGS)\r\n"),
		  "a UID FETCH: 1:* (FLAGS)" },
		{ IN("a uid uid\r\n"), "a uid uid:" },
		{ IN("a NOOP \r\n"), "a NOOP:" },
		{ IN("a STATUS  INBOX   (MESSAGES UNSEEN) \r\n"),
		  "a STATUS: INBOX (MESSAGES UNSEEN)" },
		{ IN("a LIST \"\" *\r\n"), "a LIST: \"\" *" },
		{ IN("a LIST \"\" %/foo]\r\n"), "a LIST: \"\" %/foo]" },
		{ IN("a STORE 1,3:5 +FLAGS.SILENT "
		     "(\\Seen \\Deleted $Junk)\r\n"),
		  "a STORE: 1,3:5 +FLAGS.SILENT (\\Seen \\Deleted $Junk)" },
		{ IN("a FETCH 1 (BODY.PEEK[HEADER.FIELDS (From To)]<0.10> "
		  "BINARY[1.2] UID)\r\n"),
		  "a FETCH: 1 (BODY.PEEK[HEADER.FIELDS (From To) ]<0.10> "
		  "BINARY[1.2] UID)" },
		{ IN("a SEARCH CHARSET UTF-8 OR (FROM \"x y\") "
		     "NOT SEEN 2:4,*\r\n"),
		  "a SEARCH: CHARSET UTF-8 OR (FROM \"x y\") NOT SEEN 2:4,*" },
		{ IN("a ID (\"name\" \"x\" \"version\" NIL)\r\n"),
		  "a ID: (\"name\" \"x\" \"version\" NIL)" },
		{ IN("a ID nil\r\n"), "a ID: NIL" },
		{ IN("a X NILS NI NIL\r\n"), "a X: NILS NI NIL" },
		{ IN("a X () (()) ((a) b)\r\n"), "a X: () (()) ((a) b)" },
		{ IN("a X (a)(b)\"c\"d\r\n"), "a X: (a) (b) \"c\" d" },
		{ IN("a X \"\"\r\n"), "a X: \"\"" },
		{ IN("a X \"a\\\"b\\\\c\"\r\n"), "a X: \"a\"b\\c\"" },
		{ IN("a X \"(){}%*]\"\r\n"), "a X: \"(){}%*]\"" },
		{ IN("a X \"gr\xc3\xbc\xc3\x9f \xe2\x82\xac "
		     "\xf0\x9f\x98\x80\"\r\n"),
		  "a X: \"gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ IN("a X \"a b\" c\r\n"), "a X: \"a b\" c" },
	};
	struct test_drive_settings set;

	test_begin("imap parser: commands");
	test_drive_settings_default(&set);
	run_cases(&set, cases, N_ELEMENTS(cases));
	test_end();
}

static void test_parser_errors(void)
{
	static const struct parse_case cases[] = {
		/* empty and whitespace-only lines */
		{ IN("\r\n"), "ERR: Invalid tag" },
		{ IN("\n"), "ERR: Invalid tag" },
		{ IN(" \r\n"), "ERR: Invalid tag" },
		{ IN("  \t \r\na NOOP\r\n"), "ERR: Invalid tag\na NOOP:" },
		{ IN("\r\n\r\na NOOP\r\n"),
		  "ERR: Invalid tag\nERR: Invalid tag\na NOOP:" },
		/* tags and names */
		{ IN("a\r\n"), "a ERR: Invalid command name" },
		{ IN("a \r\n"), "a ERR: Invalid command name" },
		{ IN("a  NOOP\r\n"), "a ERR: Invalid command name" },
		{ IN("+ NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("a+ NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("* NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("a\"b NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("a{1} NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("t\xc3\xa4 NOOP\r\n"), "ERR: Invalid tag" },
		{ IN("a NO[OP\r\n"), "a NO[OP:" },
		{ IN("a NO]OP\r\n"), "a ERR: Invalid command name" },
		{ IN("a NO\"OP\r\n"), "a ERR: Invalid command name" },
		/* bare CR */
		{ IN("a NOOP\rb NOOP\r\n"), "a NOOP ERR: CR sent without LF" },
		{ IN("a\rb NOOP\r\n"), "a ERR: Invalid command name" },
		{ IN("a X b\rc\r\nd NOOP\r\n"),
		  "a X ERR: CR sent without LF\nd NOOP:" },
		{ IN("a X \"b\r\"\r\nd NOOP\r\n"),
		  "a X ERR: Missing '\"'\nd NOOP:" },
		/* NUL */
		{ IN("a X b\0c\r\nd NOOP\r\n"),
		  "a X ERR: Invalid characters in atom\nd NOOP:" },
		{ IN("a X \0\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X \"b\0\"\r\n"),
		  "a X ERR: NULs not allowed in strings" },
		/* atoms */
		{ IN("a X b\"c\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X b(c\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X b{1}\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X b\x01\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X b\x7f\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X gr\xc3\xbc\r\n"), "a X ERR: 8bit data in atom" },
		/* quoted strings */
		{ IN("a X \"abc\r\n"), "a X ERR: Missing '\"'" },
		{ IN("a X \"abc\n"), "a X ERR: Missing '\"'" },
		{ IN("a X \"a\\b\"\r\n"),
		  "a X ERR: Invalid escape in quoted string" },
		{ IN("a X \"\xff\"\r\n"),
		  "a X ERR: Invalid UTF-8 in quoted string" },
		{ IN("a X \"\xc3\"\r\n"),
		  "a X ERR: Invalid UTF-8 in quoted string" },
		{ IN("a X \"\xc0\xaf\"\r\n"),
		  "a X ERR: Invalid UTF-8 in quoted string" },
		{ IN("a X \"\xed\xa0\x80\"\r\n"),
		  "a X ERR: Invalid UTF-8 in quoted string" },
		/* lists */
		{ IN("a X (b\r\n"), "a X ERR: Missing ')'" },
		{ IN("a X ((b)\r\nc NOOP\r\n"),
		  "a X ERR: Missing ')'\nc NOOP:" },
		{ IN("a X b)\r\n"), "a X ERR: Unexpected ')'" },
		{ IN("a X )\r\n"), "a X ERR: Unexpected ')'" },
		{ IN("a X (b))\r\n"), "a X ERR: Unexpected ')'" },
		/* the input ends mid-command */
		{ IN("a X \"b"), "a X INCOMPLETE" },
		{ IN("a"), "INCOMPLETE" },
		{ IN("a NOOP"), "a INCOMPLETE" },
	};
	static const struct parse_case allchars_cases[] = {
		{ IN("a FETCH 1 BODY[\"x\"]{y}\r\n"),
		  "a FETCH: 1 BODY[\"x\"]{y}" },
		{ IN("a X gr\xc3\xbc b)c\r\n"), "a X: gr\xc3\xbc b)c" },
		{ IN("a X (b) (c)d)\r\n"), "a X: (b) (c) d)" },
		{ IN("a X (b)c)\r\n"), "a X: (b) c)" },
		{ IN("a X (b c)d)\r\n"), "a X: (b c) d)" },
		{ IN("a X (b c))\r\n"), "a X ERR: Unexpected ')'" },
		{ IN("a X )\r\n"), "a X ERR: Unexpected ')'" },
		{ IN("a X b\0\r\n"), "a X ERR: Invalid characters in atom" },
		{ IN("a X ~{1}\r\n"), "a X ERR: literal8 not allowed here" },
	};
	struct test_drive_settings set;

	test_begin("imap parser: syntax errors");
	test_drive_settings_default(&set);
	run_cases(&set, cases, N_ELEMENTS(cases));
	set.flags = IMAP_PARSER_FLAG_ATOM_ALLCHARS;
	run_cases(&set, allchars_cases, N_ELEMENTS(allchars_cases));
	test_end();
}

static void test_parser_nesting(void)
{
	struct test_drive_settings set;
	struct buf in, exp;
	unsigned int i;

	test_begin("imap parser: list nesting limit");
	test_drive_settings_default(&set);
	set.parser.max_list_depth = 3;
	SCRATCH_BEGIN {
		test_drive_all(&set, "a X (((b)))\r\n", 13, "a X: (((b)))");
		test_drive_all(&set, "a X ((((b))))\r\nc NOOP\r\n", 23,
			"a X ERR: Too deep parenthesis nesting\nc NOOP:");
	} SCRATCH_END;
	set.parser.max_list_depth = 0;
	SCRATCH_BEGIN {
		test_drive_all(&set, "a X ()\r\n", 8,
			"a X ERR: Too deep parenthesis nesting");
	} SCRATCH_END;

	/* 100000 '(' on one line: an error, not a crash, and the line
	   limit (not the depth) stops it when the depth limit is huge */
	buf_init(&in, NULL, 0, 0);
	buf_init(&exp, NULL, 0, 0);
	test_assert(buf_append_str(&in, "a X ") == 0);
	for (i = 0; i < 100000; i++)
		test_assert(buf_append_c(&in, '(') == 0);
	test_assert(buf_append_str(&in, "\r\n") == 0);
	set.parser.max_list_depth = 100;
	set.parser.max_line_length = 1000000;
	SCRATCH_BEGIN {
		test_assert_strcmp(test_drive(&set, in.data, in.used,
					   TEST_CHUNK_ALL, 0),
			"a X ERR: Too deep parenthesis nesting");
	} SCRATCH_END;
	set.parser.max_list_depth = 1000000;
	set.parser.max_line_length = 50000;
	SCRATCH_BEGIN {
		test_assert_strcmp(test_drive(&set, in.data, in.used,
					   TEST_CHUNK_ALL, 0),
			"a X ERR: Too long argument");
	} SCRATCH_END;

	/* deep but allowed nesting, closed properly */
	buf_reset(&in);
	test_assert(buf_append_str(&in, "a X ") == 0);
	test_assert(buf_append_str(&exp, "a X: ") == 0);
	for (i = 0; i < 5000; i++) {
		test_assert(buf_append_c(&in, '(') == 0);
		test_assert(buf_append_c(&exp, '(') == 0);
	}
	for (i = 0; i < 5000; i++) {
		test_assert(buf_append_c(&in, ')') == 0);
		test_assert(buf_append_c(&exp, ')') == 0);
	}
	test_assert(buf_append_str(&in, "\r\n") == 0);
	set.parser.max_list_depth = 5000;
	SCRATCH_BEGIN {
		test_assert_strcmp(test_drive(&set, in.data, in.used,
					   TEST_CHUNK_ALL, 0), exp.data);
		test_assert_strcmp(test_drive(&set, in.data, in.used,
					   TEST_CHUNK_RANDOM, 7), exp.data);
	} SCRATCH_END;
	buf_free(&in);
	buf_free(&exp);
	test_end();
}

static void test_parser_line_limit(void)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *tag, *name;
	unsigned char chunk[4096];
	size_t consumed, total = 0, max_mem = 0;
	bool fatal;
	int ret = 0;

	test_begin("imap parser: line length limit");
	test_drive_settings_default(&set);
	set.parser.max_line_length = 20;
	SCRATCH_BEGIN {
		/* exactly 20 bytes including CRLF is fine, 21 is not; as in
		   Dovecot the rest of the line is skipped and the next
		   command is read */
		test_drive_all(&set, "a X 0123456789abcd\r\n", 20,
			"a X: 0123456789abcd");
		test_drive_all(&set, "a X 0123456789abcde\r\nb NOOP\r\n", 29,
			"a X ERR: Too long argument\nb NOOP:");
		test_drive_all(&set, "abcdefghijklmnopqrstuvwxyz NOOP\r\n", 33,
			"ERR: Too long argument");
		test_drive_all(&set,
			"a X \"0123456789abcdefgh\"\r\nb NOOP\r\n", 34,
			"a X ERR: Too long argument\nb NOOP:");
		/* skipping the long line still skips its {n+} literals */
		test_drive_all(&set,
			"a X 0123456789abcdefgh {4+}\r\n\r\n\r\n\r\nb NOOP\r\n",
			43, "a X ERR: Too long argument\nb NOOP:");
		/* literal contents don't count, their announcement does */
		test_drive_all(&set,
			"a X {30+}\r\n012345678901234567890123456789 b\r\n",
			45, "a X: {30+}012345678901234567890123456789 b");
	} SCRATCH_END;
	/* the limit is hit inside an ATOM_ALLCHARS atom ending in "{3+}":
	   however the input is split, the error is at the same byte and
	   the literal is still skipped (found by fuzzing) */
	set.flags = IMAP_PARSER_FLAG_ATOM_ALLCHARS;
	SCRATCH_BEGIN {
		test_drive_all(&set,
			"a X 0123456789abc{3+}\r\nabc\r\nb NOOP\r\n", 36,
			"a X ERR: Too long argument\nb NOOP:");
	} SCRATCH_END;
	set.flags = 0;

	/* 1 MB line of atom bytes with a 64k limit: an error after 64k, the
	   rest is skipped, and the parser's memory stays bounded by the
	   limit throughout */
	set.parser.max_line_length = 65536;
	parser = imap_parser_create(&set.parser);
	test_assert(imap_parser_read_tag(parser, (const unsigned char *)"a ", 2,
			    &consumed, &tag) == 1);
	test_assert(imap_parser_read_command_name(parser,
			    (const unsigned char *)"X ", 2, &consumed,
			    &name) == 1);
	memset(chunk, 'x', sizeof(chunk));
	while (total < 1024 * 1024) {
		ret = imap_parser_read_args(parser, chunk, sizeof(chunk),
			&consumed, 0, 0, &args);
		size_t mem = imap_parser_get_memory_usage(parser);
		if (mem > max_mem)
			max_mem = mem;
		total += consumed;
		if (ret != 0)
			break;
	}
	test_assert(ret == -1);
	test_assert(total < 65536);
	test_assert_strcmp(imap_parser_get_error(parser, &fatal),
		"Too long argument");
	test_assert(!fatal);
	test_assert(imap_parser_get_error_code(parser) ==
		IMAP_PARSER_ERROR_LINE_TOO_LONG);
	/* the remaining bytes of the megabyte are skipped */
	total = 0;
	while (total < 1024 * 1024) {
		test_assert(imap_parser_skip_line(parser, chunk, sizeof(chunk),
				    &consumed) == 0);
		test_assert(consumed == sizeof(chunk));
		total += consumed;
		if (imap_parser_get_memory_usage(parser) > max_mem)
			max_mem = imap_parser_get_memory_usage(parser);
	}
	test_assert(imap_parser_skip_line(parser,
			    (const unsigned char *)"xx\r\nb", 5,
			    &consumed) == 1);
	test_assert(consumed == 4);
	test_assert(max_mem < 65536 * 2 + 16384);
	/* reset makes it usable again, and the big token buffer is gone */
	imap_parser_reset(parser);
	test_assert(imap_parser_get_memory_usage(parser) < 16384);
	test_assert(imap_parser_read_tag(parser, (const unsigned char *)"b ", 2,
			    &consumed, &tag) == 1);
	test_assert_strcmp(tag, "b");
	imap_parser_destroy(&parser);
	test_end();
}

static void test_parser_count(void)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *tag, *name, *str;
	const unsigned char *in =
		(const unsigned char *)"a APPEND box (\\Seen) {3+}\r\nabc\r\n";
	size_t len = strlen((const char *)in), pos = 0, consumed;

	test_begin("imap parser: reading a limited number of arguments");
	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	test_assert(imap_parser_read_tag(parser, in, len, &consumed,
			    &tag) == 1);
	pos += consumed;
	test_assert(imap_parser_read_command_name(parser, in + pos, len - pos,
			    &consumed, &name) == 1);
	pos += consumed;

	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 1, 0, &args) == 1);
	pos += consumed;
	test_assert(imap_args_count(args) == 1);
	test_assert(imap_arg_get_astring(&args[0], &str) &&
		strcmp(str, "box") == 0);
	test_assert(!imap_parser_is_eol(parser));
	/* asking for no more than we have consumes nothing */
	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 1, 0, &args) == 1);
	test_assert(consumed == 0);

	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 2, 0, &args) == 1);
	pos += consumed;
	test_assert(imap_args_count(args) == 2);
	test_assert(args[1].type == IMAP_ARG_LIST);
	test_assert(!imap_parser_is_eol(parser));

	/* more than there are: stops at the end of the line */
	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 10, 0, &args) == 1);
	pos += consumed;
	test_assert(pos == len);
	test_assert(imap_args_count(args) == 3);
	test_assert(args[2].type == IMAP_ARG_LITERAL);
	test_assert(imap_parser_is_eol(parser));
	/* done: further calls return the same */
	test_assert(imap_parser_read_args(parser, NULL, 0, &consumed, 0, 0,
			    &args) == 1);
	test_assert(imap_args_count(args) == 3);
	imap_parser_destroy(&parser);
	test_end();
}

static void test_parser_inside_list(void)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const unsigned char *in =
		(const unsigned char *)"b (c)) d\r\n";
	size_t len = strlen((const char *)in), consumed;
	struct buf out;

	test_begin("imap parser: INSIDE_LIST");
	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	/* continuing a list after a literal: read_args without a tag */
	test_assert(imap_parser_read_args(parser, in, len, &consumed, 0,
			    IMAP_PARSER_FLAG_INSIDE_LIST, &args) == 1);
	test_assert(consumed == 6);
	test_assert(!imap_parser_is_eol(parser));
	buf_init(&out, NULL, 64, 0);
	test_render_args(&out, args, NULL);
	test_assert_strcmp(out.data, "b (c)");
	imap_parser_reset(parser);
	test_assert(imap_parser_read_args(parser, in + 6, len - 6, &consumed, 0,
			    0, &args) == 1);
	test_assert(imap_parser_is_eol(parser));
	test_assert(imap_args_count(args) == 1 &&
		imap_arg_atom_equals(&args[0], "D"));
	imap_parser_reset(parser);

	/* the line must not end inside the list */
	test_assert(imap_parser_read_args(parser,
			    (const unsigned char *)"x\r\n", 3, &consumed, 0,
			    IMAP_PARSER_FLAG_INSIDE_LIST, &args) == -1);
	test_assert_strcmp(imap_parser_get_error(parser, NULL), "Missing ')'");
	test_assert(imap_parser_skip_line(parser, NULL, 0, &consumed) == 1);
	buf_free(&out);
	imap_parser_destroy(&parser);
	test_end();
}

static void test_parser_reuse(void)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *tag, *name;
	size_t consumed;
	unsigned int i;
	int ret;

	test_begin("imap parser: reuse across many commands");
	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	for (i = 0; i < 1000; i++) {
		const unsigned char *in = (const unsigned char *)
			"a1 STORE 1 FLAGS (\\Seen x y z \"quoted\")\r\n";
		size_t len = strlen((const char *)in), pos = 0;

		ret = imap_parser_read_tag(parser, in, len, &consumed, &tag);
		pos += consumed;
		ret += imap_parser_read_command_name(parser, in + pos,
			len - pos, &consumed, &name);
		pos += consumed;
		ret += imap_parser_read_args(parser, in + pos, len - pos,
			&consumed, 0, 0, &args);
		pos += consumed;
		test_assert(ret == 3 && pos == len);
		test_assert(imap_args_count(args) == 3);
		imap_parser_reset(parser);
	}
	/* memory doesn't grow with the number of commands */
	test_assert(imap_parser_get_memory_usage(parser) < 16384);
	imap_parser_destroy(&parser);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_parser_commands,
		test_parser_errors,
		test_parser_nesting,
		test_parser_line_limit,
		test_parser_count,
		test_parser_inside_list,
		test_parser_reuse,
		NULL
	};
	return test_run(tests);
}
