/*
 * test-imap-parser-literal.c - unit tests for literals in the IMAP parser:
 * synchronizing literals and the continuation flow, LITERAL+ / LITERAL-,
 * literal8, the literal limits, skipping a failed command's literals, and
 * the LITERAL_SIZE mode in which the caller streams the literal (APPEND,
 * MULTIAPPEND, CATENATE).  Every input is fed whole, one byte at a time
 * and in random chunks.
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

static void test_literals(void)
{
	static const struct parse_case cases[] = {
		{ IN("a LOGIN {3}\r\ntux {6}\r\nsecret\r\n"),
		  "a LOGIN: {3}tux {6}secret [+2]" },
		{ IN("a LOGIN {3+}\r\ntux {6+}\r\nsecret\r\n"),
		  "a LOGIN: {3+}tux {6+}secret" },
		{ IN("a LOGIN {3}\ntux {6+}\nsecret\n"),
		  "a LOGIN: {3}tux {6+}secret [+1]" },
		{ IN("a X {9}\r\n(a)\r\n\"{1}\r\n"),
		  "a X: {9}(a)\r\n\"{1} [+1]" },
		{ IN("a X (b {2+}\r\nxy c)\r\n"), "a X: (b {2+}xy c)" },
		{ IN("a X ({1+}\r\nz)\r\n"), "a X: ({1+}z)" },
		{ IN("a X {0}\r\n\r\n"), "a X: {0} [+1]" },
		{ IN("a X {0+}\r\n x\r\n"), "a X: {0+} x" },
		{ IN("a X {007+}\r\n1234567\r\n"), "a X: {7+}1234567" },
		{ IN("a X {1+}\r\nz\r\nb NOOP\r\n"), "a X: {1+}z\nb NOOP:" },
		{ IN("a X {1+}\r\n\n\r\n"), "a X: {1+}\n" },
		{ IN("a X {4+}\r\n\xff\xfe\x80\x01\r\n"),
		  "a X: {4+}\xff\xfe\x80\x01" },
		/* NUL only in literal8 */
		{ IN("a X {3+}\r\na\0b c\r\nb NOOP\r\n"),
		  "a X ERR: NULs not allowed in strings\nb NOOP:" },
		{ IN("a X {3}\r\na\0b\r\nb NOOP\r\n"),
		  "a X ERR: NULs not allowed in strings\nb NOOP:" },
		/* literal8 needs IMAP_PARSER_FLAG_LITERAL8 */
		{ IN("a X ~{3+}\r\nabc\r\nb NOOP\r\n"),
		  "a X ERR: literal8 not allowed here\nb NOOP:" },
		{ IN("a X a~{3+}\r\nabc\r\nb NOOP\r\n"),
		  "a X ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a X ~a\r\n"), "a X: ~a" },
		/* broken announcements */
		{ IN("a X {3a}\r\nb NOOP\r\n"),
		  "a X ERR: Invalid literal size\nb NOOP:" },
		{ IN("a X {}\r\nb NOOP\r\n"),
		  "a X ERR: Invalid literal size\nb NOOP:" },
		{ IN("a X {+}\r\nb NOOP\r\n"),
		  "a X ERR: Invalid literal size\nb NOOP:" },
		{ IN("a X {3-}\r\nabc\r\nb NOOP\r\n"),
		  "a X ERR: Invalid literal size\n"
		  "abc ERR: Invalid command name\nb NOOP:" },
		{ IN("a X {3++}\r\nb NOOP\r\n"),
		  "a X ERR: Expecting '}' after '+'\nb NOOP:" },
		{ IN("a X {3}x\r\nb NOOP\r\n"),
		  "a X ERR: Missing LF after literal size\nb NOOP:" },
		{ IN("a X {3} \r\nb NOOP\r\n"),
		  "a X ERR: Missing LF after literal size\nb NOOP:" },
		{ IN("a X {3}\rx\r\nb NOOP\r\n"),
		  "a X ERR: Missing LF after literal size\nb NOOP:" },
		{ IN("a X {9223372036854775808}\r\n"),
		  "a X FATAL: Invalid literal size" },
		{ IN("a X {99999999999999999999+}\r\n"),
		  "a X FATAL: Invalid literal size" },
		{ IN("a X {9223372036854775807}\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
		/* the input ends inside a literal */
		{ IN("a X {5+}\r\nab"), "a X INCOMPLETE" },
	};
	struct test_drive_settings set;

	test_begin("imap parser: literals");
	test_drive_settings_default(&set);
	run_cases(&set, cases, N_ELEMENTS(cases));
	test_end();
}

static void test_literal8(void)
{
	static const struct parse_case cases[] = {
		{ IN("a APPEND b ~{3}\r\na\0b\r\n"),
		  "a APPEND: b ~{3}a\\0b [+1]" },
		{ IN("a APPEND b ~{3+}\r\n\0\0\0 x\r\n"),
		  "a APPEND: b ~{3+}\\0\\0\\0 x" },
		{ IN("a X (~{1+}\r\nz)\r\n"), "a X: (~{1+}z)" },
		{ IN("a X ~\r\n"), "a X: ~" },
		{ IN("a X ~~{1}\r\n"), "a X ERR: Invalid characters in atom" },
	};
	struct test_drive_settings set;

	test_begin("imap parser: literal8");
	test_drive_settings_default(&set);
	set.flags = IMAP_PARSER_FLAG_LITERAL8;
	run_cases(&set, cases, N_ELEMENTS(cases));
	test_end();
}

static void test_literal_limits(void)
{
	static const struct parse_case cases[] = {
		{ IN("a X {5+}\r\n01234\r\n"), "a X: {5+}01234" },
		/* over the limit: the non-synchronizing literal's bytes are
		   skipped, not parsed as commands */
		{ IN("a X {6+}\r\nc NOOP\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
		{ IN("a X {6+}\r\nc NOOP x {2+}\r\n\r\n\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
		/* the limit is for all literals of the command together */
		{ IN("a X {3+}\r\nabc {3+}\r\ndef\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
		{ IN("a X {3+}\r\nabc {2+}\r\nde\r\nb NOOP {5+}\r\nfghij\r\n"),
		  "a X: {3+}abc {2+}de\nb NOOP: {5+}fghij" },
		/* a synchronizing literal over the limit is never sent */
		{ IN("a X {6}\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
		{ IN("a X {3}\r\nabc {3}\r\nb NOOP\r\n"),
		  "a X ERR: Literal size too large\nb NOOP:" },
	};
	struct test_drive_settings set;
	struct buf in, exp;

	test_begin("imap parser: literal limits");
	test_drive_settings_default(&set);
	set.parser.max_literal_size = 5;
	run_cases(&set, cases, N_ELEMENTS(cases));

	/* LITERAL-: non-synchronizing literals up to 4096 bytes only;
	   synchronizing ones up to max_literal_size */
	set.parser.max_literal_size = 100000;
	set.parser.literal_minus_only = true;
	buf_init(&in, NULL, 0, 0);
	buf_init(&exp, NULL, 0, 0);
	test_assert(buf_append_str(&in, "a X {4096+}\r\n") == 0);
	test_assert(buf_append_str(&exp, "a X: {4096+}") == 0);
	for (unsigned int i = 0; i < 4096; i++) {
		test_assert(buf_append_c(&in, 'a' + i % 26) == 0);
		test_assert(buf_append_c(&exp, 'a' + i % 26) == 0);
	}
	test_assert(buf_append_str(&in, "\r\n") == 0);
	SCRATCH_BEGIN {
		test_drive_all(&set, in.data, in.used, exp.data);
	} SCRATCH_END;

	buf_reset(&in);
	test_assert(buf_append_str(&in, "a X {4097+}\r\n") == 0);
	for (unsigned int i = 0; i < 4097; i++)
		test_assert(buf_append_c(&in, '\n') == 0);
	test_assert(buf_append_str(&in, "\r\nb NOOP\r\n") == 0);
	SCRATCH_BEGIN {
		test_drive_all(&set, in.data, in.used,
			"a X ERR: Literal size too large\nb NOOP:");
	} SCRATCH_END;

	buf_reset(&in);
	buf_reset(&exp);
	test_assert(buf_append_str(&in, "a X {5000}\r\n") == 0);
	test_assert(buf_append_str(&exp, "a X: {5000}") == 0);
	for (unsigned int i = 0; i < 5000; i++) {
		test_assert(buf_append_c(&in, 'z') == 0);
		test_assert(buf_append_c(&exp, 'z') == 0);
	}
	test_assert(buf_append_str(&in, "\r\n") == 0);
	test_assert(buf_append_str(&exp, " [+1]") == 0);
	SCRATCH_BEGIN {
		test_drive_all(&set, in.data, in.used, exp.data);
	} SCRATCH_END;
	buf_free(&in);
	buf_free(&exp);
	test_end();
}

static void test_literal_cont(void)
{
	static const struct parse_case refused[] = {
		{ IN("a LOGIN {3}\r\nb NOOP\r\n"), "a LOGIN REFUSED\nb NOOP:" },
		{ IN("a LOGIN x {3}\r\nb NOOP {1+}\r\nc\r\n"),
		  "a LOGIN REFUSED\nb NOOP: {1+}c" },
	};
	struct test_drive_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *tag, *name, *str;
	const unsigned char *in = (const unsigned char *)
		"a LOGIN {3}\r\ntux secret\r\n";
	size_t consumed, pos = 0, len = strlen((const char *)in);

	test_begin("imap parser: literal continuation");
	test_drive_settings_default(&set);
	set.refuse_literals = true;
	run_cases(&set, refused, N_ELEMENTS(refused));

	/* the exact flow, step by step */
	parser = imap_parser_create(&set.parser);
	test_assert(imap_parser_read_tag(parser, in, len, &consumed,
			    &tag) == 1);
	pos += consumed;
	test_assert(imap_parser_read_command_name(parser, in + pos, len - pos,
			    &consumed, &name) == 1);
	pos += consumed;
	/* only the announcement is consumed, never the literal */
	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 0, 0, &args) ==
		IMAP_PARSER_LITERAL_CONT);
	pos += consumed;
	test_assert(pos == 13);
	test_assert(imap_parser_get_literal_size(parser) == 3);
	test_assert(imap_parser_get_error(parser, NULL) == NULL);
	/* "+ OK" sent; nothing arrived yet */
	test_assert(imap_parser_read_args(parser, in + pos, 0, &consumed, 0, 0,
			    &args) == 0);
	test_assert(imap_parser_read_args(parser, in + pos, len - pos,
			    &consumed, 0, 0, &args) == 1);
	pos += consumed;
	test_assert(pos == len);
	test_assert(imap_args_count(args) == 2);
	test_assert(args[0].type == IMAP_ARG_LITERAL &&
		!args[0].literal_nonsync);
	test_assert(imap_arg_get_astring(&args[0], &str) &&
		strcmp(str, "tux") == 0);
	test_assert(imap_arg_get_astring(&args[1], &str) &&
		strcmp(str, "secret") == 0);
	imap_parser_destroy(&parser);
	test_end();
}

static void test_skip_literals(void)
{
	static const struct parse_case cases[] = {
		/* a failed command's non-synchronizing literals are skipped,
		   wherever they are on the rest of the line */
		{ IN("a FOO \x01 {3+}\r\nabc {2+}\r\n\r\n\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a FOO \x01 {3+}\r\nx\r\n {2}\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a FOO \x01 ~{3+}\r\nx\r\n\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		/* a synchronizing literal ends the command: the client waits */
		{ IN("a FOO \x01 {3}\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		/* not literal announcements */
		{ IN("a FOO \x01 {3+} \r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a FOO \x01 {+}\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a FOO \x01 {3+}x\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		{ IN("a FOO \x01 {{2+}\r\n\r\n\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid characters in atom\nb NOOP:" },
		/* the error inside the announcement itself */
		{ IN("a FOO {2+\r\nb NOOP\r\n"),
		  "a FOO ERR: Expecting '}' after '+'\nb NOOP:" },
		{ IN("a FOO {2\r\nb NOOP\r\n"),
		  "a FOO ERR: Invalid literal size\nb NOOP:" },
	};
	struct test_drive_settings set;
	struct test_feeder f;
	struct imap_parser *parser;
	const struct imap_arg *args;
	struct buf out;
	const char *in = "a X abc {3+}\r\n\r\n\r def\r\nb NOOP\r\n";

	test_begin("imap parser: skipping literals");
	test_drive_settings_default(&set);
	run_cases(&set, cases, N_ELEMENTS(cases));

	/* the caller rejects a command after reading part of it */
	parser = imap_parser_create(&set.parser);
	buf_init(&out, NULL, 64, 0);
	test_feeder_init(&f, in, strlen(in), TEST_CHUNK_BYTE, 0);
	test_assert(test_feed_command(parser, &f, &out) == 1);
	test_assert(test_feed_args(parser, &f, 1, 0, &args) == 1);
	test_assert(test_feed_skip(parser, &f) == 1);
	imap_parser_reset(parser);
	buf_reset(&out);
	test_assert(test_feed_command(parser, &f, &out) == 1);
	test_assert_strcmp(out.data, "b NOOP");
	buf_free(&out);
	imap_parser_destroy(&parser);
	test_end();
}

/*
 * The APPEND flow with IMAP_PARSER_FLAG_LITERAL_SIZE: the caller reads each
 * message literal itself, then resets the parser and continues the line
 * (with INSIDE_LIST when the literal was inside a list).  Renders
 * "args|[literal]|args|..." for the command.
 */
static const char *append_flow(const char *input, size_t input_size,
	enum test_chunking chunking, unsigned int seed)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct test_feeder f;
	const struct imap_arg *args;
	enum imap_parser_flags flags =
		IMAP_PARSER_FLAG_LITERAL_SIZE | IMAP_PARSER_FLAG_LITERAL8;
	unsigned int list_depth = 0, n;
	uint64_t size;
	const char *ret;
	const struct imap_arg *lit;
	unsigned int depth;
	struct buf out, data;
	int r;

	test_drive_settings_default(&set);
	set.parser.max_literal_size = 0; /* must not apply here */
	set.parser.literal_minus_only = true;
	parser = imap_parser_create(&set.parser);
	test_feeder_init(&f, input, input_size, chunking, seed);
	buf_init(&out, NULL, 256, 0);
	test_assert(test_feed_command(parser, &f, &out) == 1);
	for (;;) {
		enum imap_parser_flags read_flags = flags;

		if (list_depth > 0)
			read_flags |= IMAP_PARSER_FLAG_INSIDE_LIST;
		r = test_feed_args(parser, &f, 0, read_flags, &args);
		if (r != 1) {
			if (buf_printf(&out, "|ERR %d %s", r,
				    imap_parser_get_error(parser, NULL)) < 0)
				test_assert(false);
			break;
		}
		if (buf_append_c(&out, '|') < 0)
			test_assert(false);
		test_render_args(&out, args, NULL);
		if (imap_parser_is_eol(parser))
			break;
		lit = imap_parser_get_literal_size_arg(parser, &depth);
		if (lit != NULL) {
			/* the caller would send "+ OK" unless nonsync */
			const struct imap_arg *p;

			test_assert(imap_arg_get_literal_size(lit, &size));
			n = 0;
			for (p = lit->parent; p != NULL; p = p->parent)
				n++;
			test_assert(n == depth);
			list_depth = depth;
			buf_init(&data, NULL, 64, 0);
			test_assert(test_feeder_take(&f, (size_t)size, &data));
			if (buf_append_str(&out, "|[") < 0)
				test_assert(false);
			for (size_t i = 0; i < data.used; i++) {
				char c = data.data[i];
				int wr = c == '\0' ?
					buf_append_str(&out, "\\0") :
					buf_append_c(&out, c);

				test_assert(wr == 0);
			}
			if (buf_append_c(&out, ']') < 0)
				test_assert(false);
			buf_free(&data);
		} else {
			/* stopped at the ')' of the list we were inside */
			test_assert(list_depth > 0);
			list_depth--;
			if (buf_append_str(&out, "|)") < 0)
				test_assert(false);
		}
		imap_parser_reset(parser);
	}
	imap_parser_destroy(&parser);
	ret = t_strdup(out.data);
	buf_free(&out);
	return ret;
}

static void test_literal_size(void)
{
	static const struct parse_case cases[] = {
		{ IN("a APPEND box (\\Seen) {5}\r\nhello\r\n"),
		  "a APPEND|box (\\Seen) <5>|[hello]|" },
		{ IN("a APPEND box (\\Seen) \"1-Jan-2020 00:00:00 +0000\" "
		  "~{5+}\r\nhel\0o\r\n"),
		  "a APPEND|box (\\Seen) \"1-Jan-2020 00:00:00 +0000\" ~<5+>|"
		  "[hel\\0o]|" },
		{ IN("a APPEND box {5+}\r\nhello {3+}\r\nbye\r\n"),
		  "a APPEND|box <5+>|[hello]|<3+>|[bye]|" },
		{ IN("a APPEND box {5+}\r\nhello x\r\n"),
		  "a APPEND|box <5+>|[hello]|x" },
		{ IN("a APPEND box CATENATE (URL \"/x\" TEXT {3+}\r\nabc "
		  "URL \"/y\") (\\Seen) {1+}\r\nz\r\n"),
		  "a APPEND|box CATENATE (URL \"/x\" TEXT <3+>)|[abc]"
		  "|URL \"/y\"|)|(\\Seen) <1+>|[z]|" },
		{ IN("a APPEND box {5000+}\r\n"),
		  "a APPEND|ERR -1 Literal size too large" },
	};
	unsigned int i, seed;

	test_begin("imap parser: LITERAL_SIZE (APPEND streaming)");
	for (i = 0; i < N_ELEMENTS(cases); i++) {
		SCRATCH_BEGIN {
			const char *exp = cases[i].expected;

			const char *in = cases[i].input;
			size_t size = cases[i].size;

			test_assert_strcmp(append_flow(in, size,
						   TEST_CHUNK_ALL, 0), exp);
			test_assert_strcmp(append_flow(in, size,
						   TEST_CHUNK_BYTE, 0), exp);
			for (seed = 1; seed <= 10; seed++) {
				test_assert_strcmp(append_flow(in, size,
						TEST_CHUNK_RANDOM, seed), exp);
			}
		} SCRATCH_END;
	}
	test_end();
}

static void test_literal_size_reject(void)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct test_feeder f;
	const struct imap_arg *args;
	struct buf out;
	const char *in[] = {
		/* the caller refuses the literal after LITERAL_SIZE:
		   non-synchronizing bytes must still be skipped */
		"a APPEND box {5+}\r\nhello {3+}\r\nbye\r\nb NOOP\r\n",
		/* a synchronizing one was never sent */
		"a APPEND box {5}\r\nb NOOP\r\n",
	};
	unsigned int i;

	test_begin("imap parser: rejecting a LITERAL_SIZE literal");
	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	buf_init(&out, NULL, 64, 0);
	for (i = 0; i < N_ELEMENTS(in); i++) {
		test_feeder_init(&f, in[i], strlen(in[i]), TEST_CHUNK_RANDOM,
			i + 1);
		test_assert(test_feed_command(parser, &f, &out) == 1);
		test_assert(test_feed_args(parser, &f, 0,
				    IMAP_PARSER_FLAG_LITERAL_SIZE, &args) == 1);
		test_assert(args[1].type == IMAP_ARG_LITERAL_SIZE);
		test_assert(test_feed_skip(parser, &f) == 1);
		imap_parser_reset(parser);
		buf_reset(&out);
		test_assert(test_feed_command(parser, &f, &out) == 1);
		test_assert_strcmp(out.data, "b NOOP");
		test_assert(test_feed_args(parser, &f, 0, 0, &args) == 1);
		test_assert(f.pos == f.size);
		imap_parser_reset(parser);
		buf_reset(&out);
	}
	buf_free(&out);
	imap_parser_destroy(&parser);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_literals,
		test_literal8,
		test_literal_limits,
		test_literal_cont,
		test_skip_literals,
		test_literal_size,
		test_literal_size_reject,
		NULL
	};
	return test_run(tests);
}
