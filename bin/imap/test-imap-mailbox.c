/*
 * test-imap-mailbox.c - unit tests for the pure parts of the mailbox
 * commands: LIST pattern matching (wildcards, INBOX case rule, cost
 * bounded for hostile patterns) and flag lists written and parsed.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "storage.h"
#include "imap-flags.h"
#include "imap-list.h"
#include "test-common.h"

#include <time.h>

static void test_list_match(void)
{
	static const struct {
		const char *pattern, *name;
		bool match;
	} tests[] = {
		{ "*", "a", true },
		{ "*", "a/b/c", true },
		{ "%", "a", true },
		{ "%", "a/b", false },
		{ "a/%", "a/b", true },
		{ "a/%", "a/b/c", false },
		{ "a/*", "a/b/c", true },
		{ "a*c", "abc", true },
		{ "a*c", "a/b/c", true },
		{ "a%c", "a/c", false },
		{ "a%c", "abbc", true },
		{ "%/%", "x/y", true },
		{ "%/%", "x/y/z", false },
		{ "", "", true },
		{ "", "a", false },
		{ "abc", "abc", true },
		{ "abc", "abcd", false },
		{ "ABC", "abc", false },
		{ "**%%", "anything/at/all", true },
		{ "*%", "a/b", true },
		{ "%*", "a/b", true },
		{ "&Jjo-*", "&Jjo-", true },
	};

	test_begin("imap LIST pattern match");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert(imap_list_match(tests[i].pattern, tests[i].name,
			'/') == tests[i].match);
	}
	test_end();
}

static void test_list_match_cost(void)
{
	char pattern[4096], name[512];
	clock_t start;
	unsigned int i;

	/* "*a*a*a...*b" against "aaaa...": exponential for backtracking. */
	test_begin("imap LIST pattern match cost is bounded");
	for (i = 0; i + 2 < sizeof(pattern); i += 2) {
		pattern[i] = '*';
		pattern[i + 1] = 'a';
	}
	pattern[i] = 'b';
	pattern[i + 1] = '\0';
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	start = clock();
	test_assert(!imap_list_match(pattern, name, '/'));
	test_assert((clock() - start) / (CLOCKS_PER_SEC / 10) < 5);
	test_end();
}

static void test_list_inboxcase(void)
{
	static const struct {
		const char *pattern;
		bool inboxcase;
	} tests[] = {
		{ "INBOX", true },
		{ "inbox", true },
		{ "Inbox/%", true },
		{ "in*", true },
		{ "i%", true },
		{ "I%B%X", true },
		{ "%", true },
		{ "*", true },
		{ "inboxes", false },
		{ "inboxes*", false },
		{ "x*", false },
		{ "in", false },
		{ "I%Q", false },
	};

	test_begin("imap LIST INBOX case rule");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert(imap_list_pattern_is_inboxcase(tests[i].pattern,
			'/') == tests[i].inboxcase);
	}
	test_end();
}

/* Parses "x (<flags>)" and returns the list's args. */
static const struct imap_arg *parse_list(struct imap_parser *parser,
	const char *line)
{
	const struct imap_arg *args, *list;
	size_t consumed;

	imap_parser_reset(parser);
	if (imap_parser_read_args(parser, (const void *)line, strlen(line),
		    &consumed, 0, 0, &args) != 1 ||
	    !imap_arg_get_list(args, &list))
		return NULL;
	return list;
}

static void test_flags(void)
{
	struct imap_parser_settings set = {
		.max_line_length = 1024, .max_list_depth = 4,
	};
	struct imap_parser *parser = imap_parser_create(&set);
	const char *const *keywords;
	const char *error;
	unsigned int flags;
	struct buf str;
	int r;

	test_begin("imap flag lists");
	buf_init(&str, scratch_arena(), 64, 0);
	r = imap_flags_append(&str, MAIL_SEEN | MAIL_ANSWERED | MAIL_RECENT,
		(const char *const[]){ "$Label1", "Work", NULL });
	test_assert(r == 0);
	test_assert_strcmp(buf_cstr(&str),
		"\\Answered \\Seen \\Recent $Label1 Work");
	buf_reset(&str);
	test_assert(imap_flags_append(&str, 0, NULL) == 0);
	test_assert_strcmp(buf_cstr(&str), "");

	test_assert(imap_flags_parse(parse_list(parser,
		    "(\\seen \\DRAFT foo Foo bar)\r\n"), scratch_arena(), &flags,
		    &keywords, &error) == 0);
	test_assert(flags == (MAIL_SEEN | MAIL_DRAFT));
	test_assert(keywords != NULL && keywords[0] != NULL &&
		    strcmp(keywords[0], "foo") == 0 &&
		    strcmp(keywords[1], "bar") == 0 && keywords[2] == NULL);
	test_assert(imap_flags_parse(parse_list(parser, "()\r\n"),
		scratch_arena(), &flags, &keywords, &error) == 0);
	test_assert(flags == 0 && keywords == NULL);
	test_assert(imap_flags_parse(parse_list(parser, "(\\Recent)\r\n"),
		scratch_arena(), &flags, &keywords, &error) < 0);
	test_assert_strcmp(error, "Invalid system flag \\RECENT");
	test_assert(imap_flags_parse(parse_list(parser, "(\\Foo)\r\n"),
		scratch_arena(), &flags, &keywords, &error) < 0);
	test_assert(imap_flags_parse(parse_list(parser, "(\"x\")\r\n"),
		scratch_arena(), &flags, &keywords, &error) < 0);
	test_assert_strcmp(error, "Flags list contains non-atoms.");
	imap_parser_destroy(&parser);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_list_match,
		test_list_match_cost,
		test_list_inboxcase,
		test_flags,
		NULL,
	};
	int ret;

	SCRATCH_BEGIN {
		ret = test_run(tests);
	} SCRATCH_END;
	return ret;
}
