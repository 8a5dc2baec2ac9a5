/*
 * test-imap-arg.c - unit tests for the typed argument getters, writing
 * arguments back out, and the response quoting helpers.
 */
#include "lib.h"
#include "imap-arg.h"
#include "buf.h"
#include "imap-parser.h"
#include "imap-quote.h"
#include "test-common.h"

/* Parses one complete argument line (without tag and name). */
static const struct imap_arg *parse(struct imap_parser *parser,
	const char *line, size_t size, enum imap_parser_flags flags)
{
	const unsigned char *data = (const unsigned char *)line;
	const struct imap_arg *args = NULL;
	size_t consumed, pos = 0;
	int ret;

	imap_parser_reset(parser);
	do {
		/* acknowledge synchronizing literals */
		ret = imap_parser_read_args(parser, data + pos, size - pos,
			&consumed, 0, flags, &args);
		pos += consumed;
	} while (ret == IMAP_PARSER_LITERAL_CONT);
	test_assert(ret == 1);
	test_assert(pos == size);
	return args;
}

static void test_arg_getters(void)
{
	struct imap_parser_settings set = {
		.max_line_length = 1000, .max_literal_size = 1000,
		.max_list_depth = 5,
	};
	struct imap_parser *parser = imap_parser_create(&set);
	static const char line[] =
		"atom nIl \"q s\" {3+}\r\nl t (a (b)) ~{3+}\r\nx\0y <5>\r\n";
	const struct imap_arg *args, *list, *inner;
	const char *str, *data;
	unsigned int count;
	uint64_t size;
	size_t len;

	test_begin("imap arg: getters");
	args = parse(parser, line, sizeof(line) - 1, IMAP_PARSER_FLAG_LITERAL8);
	test_assert(imap_args_count(args) == 7);

	/* atom */
	test_assert(imap_arg_get_atom(&args[0], &str) &&
		strcmp(str, "atom") == 0);
	test_assert(imap_arg_get_astring(&args[0], &str));
	test_assert(!imap_arg_get_string(&args[0], &str));
	test_assert(!imap_arg_get_quoted(&args[0], &str));
	test_assert(!imap_arg_get_nstring(&args[0], &str));
	test_assert(imap_arg_atom_equals(&args[0], "ATOM"));
	test_assert(!imap_arg_atom_equals(&args[0], "ato"));
	test_assert(!imap_arg_get_string_data(&args[0], false, &data, &len));
	test_assert(imap_arg_get_string_data(&args[0], true, &data, &len) &&
		len == 4);

	/* NIL: an atom and an nstring, spelled as sent */
	test_assert(IMAP_ARG_IS_NIL(&args[1]));
	test_assert(imap_arg_get_atom(&args[1], &str) &&
		strcmp(str, "nIl") == 0);
	test_assert(imap_arg_get_astring(&args[1], &str));
	str = "x";
	test_assert(imap_arg_get_nstring(&args[1], &str) && str == NULL);
	test_assert(!imap_arg_get_string(&args[1], &str));
	test_assert(imap_arg_atom_equals(&args[1], "NIL"));

	/* quoted string */
	test_assert(imap_arg_get_quoted(&args[2], &str) &&
		strcmp(str, "q s") == 0);
	test_assert(imap_arg_get_string(&args[2], &str));
	test_assert(imap_arg_get_astring(&args[2], &str));
	test_assert(imap_arg_get_nstring(&args[2], &str) && str != NULL);
	test_assert(!imap_arg_get_atom(&args[2], &str));
	test_assert(!imap_arg_atom_equals(&args[2], "q s"));

	/* literal */
	test_assert(args[3].type == IMAP_ARG_LITERAL);
	test_assert(imap_arg_get_string(&args[3], &str) &&
		strcmp(str, "l t") == 0);
	test_assert(imap_arg_get_astring(&args[3], &str));
	test_assert(imap_arg_get_nstring(&args[3], &str));
	test_assert(!imap_arg_get_quoted(&args[3], &str));
	test_assert(!imap_arg_get_atom(&args[3], &str));

	/* list */
	test_assert(imap_arg_get_list_full(&args[4], &list, &count) &&
		count == 2);
	test_assert(imap_arg_get_list(&args[4], &list));
	test_assert(imap_arg_atom_equals(&list[0], "a"));
	test_assert(list[0].parent == &args[4]);
	test_assert(imap_arg_get_list(&list[1], &inner));
	test_assert(inner[0].parent == &list[1]);
	test_assert(IMAP_ARG_IS_EOL(&inner[1]));
	test_assert(IMAP_ARG_IS_EOL(&list[2]));
	test_assert(!imap_arg_get_astring(&args[4], &str));
	test_assert(!imap_arg_get_list(&args[0], &list));

	/* literal8 with a NUL: only the binary-safe getter tells its size */
	test_assert(args[5].literal8);
	test_assert(imap_arg_get_string_data(&args[5], false, &data, &len) &&
		len == 3 && memcmp(data, "x\0y", 3) == 0);

	/* '<' is an atom char; a LITERAL_SIZE only comes with the flag */
	test_assert(imap_arg_get_atom(&args[6], &str) &&
		strcmp(str, "<5>") == 0);
	test_assert(!imap_arg_get_literal_size(&args[6], &size));

	/* EOL: every getter fails, so a missing argument needs no check */
	test_assert(IMAP_ARG_IS_EOL(&args[7]));
	test_assert(!imap_arg_get_atom(&args[7], &str));
	test_assert(!imap_arg_get_astring(&args[7], &str));
	test_assert(!imap_arg_get_nstring(&args[7], &str));
	test_assert(!imap_arg_get_list(&args[7], &list));
	test_assert(!imap_arg_atom_equals(&args[7], ""));

	args = parse(parser, "x {12345}\r\n", 11,
		IMAP_PARSER_FLAG_LITERAL_SIZE);
	test_assert(imap_arg_get_literal_size(&args[1], &size) &&
		size == 12345);
	test_assert(!args[1].literal_nonsync);
	test_assert(!imap_arg_get_string(&args[1], &str));
	imap_parser_destroy(&parser);
	test_end();
}

static void test_write_args(void)
{
	struct imap_parser_settings set = {
		.max_line_length = 1000, .max_literal_size = 1000,
		.max_list_depth = 5,
	};
	struct imap_parser *parser = imap_parser_create(&set);
	static const char line[] =
		"A nil \"q \\\"s\\\\\" {2+}\r\nab {3}\r\na\r\n (b (c) ()) "
		"\"\xc3\xa4\" ~{2}\r\n\0\1\r\n";
	static const char expected[] =
		"A nil \"q \\\"s\\\\\" \"ab\" {3}\r\na\r\n (b (c) ()) "
		"{2}\r\n\xc3\xa4 ~{2}\r\n\0\1";
	const struct imap_arg *args;
	struct buf out;

	test_begin("imap arg: imap_write_args");
	args = parse(parser, line, sizeof(line) - 1, IMAP_PARSER_FLAG_LITERAL8);
	buf_init(&out, NULL, 64, 0);
	test_assert(imap_write_args(&out, args) == 0);
	test_assert(out.used == sizeof(expected) - 1 &&
		memcmp(out.data, expected, out.used) == 0);
	buf_free(&out);

	args = parse(parser, "x {5+}\r\n", 8,
		IMAP_PARSER_FLAG_LITERAL_SIZE | IMAP_PARSER_FLAG_LITERAL8);
	buf_init(&out, NULL, 64, 0);
	test_assert(imap_write_args(&out, args) == 0);
	test_assert_strcmp(buf_cstr(&out), "x {5+}");
	args = parse(parser, "(~{7}\r\n", 7,
		IMAP_PARSER_FLAG_LITERAL_SIZE | IMAP_PARSER_FLAG_LITERAL8);
	buf_reset(&out);
	test_assert(imap_write_args(&out, args) == 0);
	test_assert_strcmp(buf_cstr(&out), "(~{7})");
	buf_free(&out);

	/* a full buffer is reported */
	args = parse(parser, "aaaa bbbb cccc\r\n", 16, 0);
	buf_init(&out, NULL, 8, 8);
	test_assert(imap_write_args(&out, args) == -1);
	buf_free(&out);
	imap_parser_destroy(&parser);
	test_end();
}

static void test_quote(void)
{
	static const struct {
		const char *input, *astring, *string, *quoted, *quoted_utf8;
	} cases[] = {
		{ "INBOX", "INBOX", "\"INBOX\"", "\"INBOX\"", "\"INBOX\"" },
		{ "", "\"\"", "\"\"", "\"\"", "\"\"" },
		{ "nil", "\"nil\"", "\"nil\"", "\"nil\"", "\"nil\"" },
		{ "NILS", "NILS", "\"NILS\"", "\"NILS\"", "\"NILS\"" },
		{ "a]b", "a]b", "\"a]b\"", "\"a]b\"", "\"a]b\"" },
		{ "a b", "\"a b\"", "\"a b\"", "\"a b\"", "\"a b\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"",
		  "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"" },
		{ "a%*(){", "\"a%*(){\"", "\"a%*(){\"", "\"a%*(){\"",
		  "\"a%*(){\"" },
		{ "l1\r\nl2", "{6}\r\nl1\r\nl2", "{6}\r\nl1\r\nl2", "\"l1l2\"",
		  "\"l1l2\"" },
		{ "gr\xc3\xbc\xc3\x9f", "{6}\r\ngr\xc3\xbc\xc3\x9f",
		  "{6}\r\ngr\xc3\xbc\xc3\x9f", "\"gr\"",
		  "\"gr\xc3\xbc\xc3\x9f\"" },
		{ "x\xff", "{2}\r\nx\xff", "{2}\r\nx\xff", "\"x\"", "\"x\"" },
	};
	struct buf out;
	unsigned int i;

	test_begin("imap quote: astring, string, quoted");
	buf_init(&out, NULL, 64, 0);
	for (i = 0; i < N_ELEMENTS(cases); i++) {
		buf_reset(&out);
		test_assert(imap_append_astring(&out, cases[i].input) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].astring);
		buf_reset(&out);
		test_assert(imap_append_string(&out, cases[i].input) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].string);
		buf_reset(&out);
		test_assert(imap_append_nstring(&out, cases[i].input) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].string);
		buf_reset(&out);
		test_assert(imap_append_quoted(&out, cases[i].input,
				    false) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].quoted);
		buf_reset(&out);
		test_assert(imap_append_quoted(&out, cases[i].input,
				    true) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].quoted_utf8);
	}
	buf_reset(&out);
	test_assert(imap_append_nstring(&out, NULL) == 0);
	test_assert_strcmp(buf_cstr(&out), "NIL");
	buf_reset(&out);
	test_assert(imap_append_string_data(&out, "a\0b", 3) == 0);
	test_assert(out.used == 8 && memcmp(out.data, "{3}\r\na\0b", 8) == 0);
	buf_free(&out);

	buf_init(&out, NULL, 4, 4);
	test_assert(imap_append_string(&out, "abcd") == -1);
	buf_reset(&out);
	test_assert(imap_append_astring(&out, "abcde") == -1);
	buf_reset(&out);
	test_assert(imap_append_quoted(&out, "abcd", false) == -1);
	buf_free(&out);

	/* character classes */
	test_assert(imap_is_atom_char('a') && imap_is_atom_char('[') &&
		imap_is_atom_char('.') && imap_is_atom_char('+'));
	test_assert(!imap_is_atom_char(']') && !imap_is_atom_char('%') &&
		!imap_is_atom_char('*') && !imap_is_atom_char(' ') &&
		!imap_is_atom_char('\\') && !imap_is_atom_char(0x80) &&
		!imap_is_atom_char(0x7f) && !imap_is_atom_char(0));
	test_assert(imap_is_astring_char(']') && !imap_is_astring_char('*'));
	test_assert(imap_utf8_is_valid("a\0b", 3));
	test_assert(imap_utf8_is_valid("\xf0\x9f\x98\x80", 4));
	test_assert(!imap_utf8_is_valid("\xf0\x9f\x98", 3));
	test_assert(!imap_utf8_is_valid("\xe0\x80\x80", 3));
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_arg_getters,
		test_write_args,
		test_quote,
		NULL
	};
	return test_run(tests);
}
