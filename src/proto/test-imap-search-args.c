/*
 * test-imap-search-args.c - unit tests for SEARCH keys, RETURN options,
 * CHARSET, sort programs and thread algorithm names.
 *
 * Each case is a real command line run through the IMAP parser (whole,
 * one byte at a time and in random chunks: the resulting tree must be
 * the same) and then through imap_search_args_parse(); the tree is
 * rendered as text and compared, or the error text is.
 */
#include "lib.h"
#include "imap-search-args.h"
#include "imap-parser.h"
#include "buf.h"
#include "str.h"
#include "test-common.h"
#include "test-imap-driver.h"

static void render_seqset(struct buf *out, const struct imap_seqset *set)
{
	unsigned int i;

	if (set->searchres) {
		test_assert(buf_append_c(out, '$') == 0);
		return;
	}
	for (i = 0; i < set->count; i++) {
		const struct imap_seq_range *r = &set->ranges[i];

		test_assert(buf_printf(out, "%s%s-%s", i > 0 ? "," : "",
			r->seq1 == IMAP_SEQ_STAR ? "*" :
			t_printf("%u", r->seq1),
			r->seq2 == IMAP_SEQ_STAR ? "*" :
			t_printf("%u", r->seq2)) == 0);
	}
}

static const char *flag_names(enum imap_search_flags flags)
{
	switch (flags) {
	case IMAP_SEARCH_FLAG_ANSWERED: return "ANSWERED";
	case IMAP_SEARCH_FLAG_FLAGGED: return "FLAGGED";
	case IMAP_SEARCH_FLAG_DELETED: return "DELETED";
	case IMAP_SEARCH_FLAG_SEEN: return "SEEN";
	case IMAP_SEARCH_FLAG_DRAFT: return "DRAFT";
	case IMAP_SEARCH_FLAG_RECENT: return "RECENT";
	}
	return "?";
}

static void render_date(struct buf *out, const char *name, time_t t)
{
	struct tm tm;

	test_assert(gmtime_r(&t, &tm) != NULL);
	test_assert(buf_printf(out, "%s %04d-%02d-%02d", name,
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) == 0);
	test_assert(tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0);
}

static void render(struct buf *out, const struct imap_search_arg *arg);

static void render_one(struct buf *out, const struct imap_search_arg *arg)
{
	static const char *const str_names[] = {
		[IMAP_SEARCH_FROM] = "FROM", [IMAP_SEARCH_TO] = "TO",
		[IMAP_SEARCH_CC] = "CC", [IMAP_SEARCH_BCC] = "BCC",
		[IMAP_SEARCH_SUBJECT] = "SUBJECT", [IMAP_SEARCH_BODY] = "BODY",
		[IMAP_SEARCH_TEXT] = "TEXT", [IMAP_SEARCH_KEYWORD] = "KEYWORD",
	};
	static const char *const date_names[] = {
		[IMAP_SEARCH_BEFORE] = "BEFORE", [IMAP_SEARCH_ON] = "ON",
		[IMAP_SEARCH_SINCE] = "SINCE",
		[IMAP_SEARCH_SENTBEFORE] = "SENTBEFORE",
		[IMAP_SEARCH_SENTON] = "SENTON",
		[IMAP_SEARCH_SENTSINCE] = "SENTSINCE",
		[IMAP_SEARCH_SAVEDBEFORE] = "SAVEDBEFORE",
		[IMAP_SEARCH_SAVEDON] = "SAVEDON",
		[IMAP_SEARCH_SAVEDSINCE] = "SAVEDSINCE",
	};
	static const char *const modseq_types[] = {
		"", "priv", "shared", "all",
	};

	if (arg->negate)
		test_assert(buf_append_str(out, "NOT ") == 0);
	switch (arg->type) {
	case IMAP_SEARCH_ALL:
		test_assert(buf_append_str(out, "ALL") == 0);
		break;
	case IMAP_SEARCH_SEQSET:
		test_assert(buf_append_str(out, "SEQ ") == 0);
		render_seqset(out, &arg->value.seqset);
		break;
	case IMAP_SEARCH_UIDSET:
		test_assert(buf_append_str(out, "UID ") == 0);
		render_seqset(out, &arg->value.seqset);
		break;
	case IMAP_SEARCH_FLAGS:
		test_assert(buf_append_str(out,
			flag_names(arg->value.flags)) == 0);
		break;
	case IMAP_SEARCH_FROM:
	case IMAP_SEARCH_TO:
	case IMAP_SEARCH_CC:
	case IMAP_SEARCH_BCC:
	case IMAP_SEARCH_SUBJECT:
	case IMAP_SEARCH_BODY:
	case IMAP_SEARCH_TEXT:
	case IMAP_SEARCH_KEYWORD:
		test_assert(buf_printf(out, "%s \"%s\"", str_names[arg->type],
			arg->value.str) == 0);
		break;
	case IMAP_SEARCH_BEFORE:
	case IMAP_SEARCH_ON:
	case IMAP_SEARCH_SINCE:
	case IMAP_SEARCH_SENTBEFORE:
	case IMAP_SEARCH_SENTON:
	case IMAP_SEARCH_SENTSINCE:
	case IMAP_SEARCH_SAVEDBEFORE:
	case IMAP_SEARCH_SAVEDON:
	case IMAP_SEARCH_SAVEDSINCE:
		render_date(out, date_names[arg->type], arg->value.date);
		break;
	case IMAP_SEARCH_OLDER:
	case IMAP_SEARCH_YOUNGER:
		test_assert(buf_printf(out, "%s %u",
			arg->type == IMAP_SEARCH_OLDER ? "OLDER" : "YOUNGER",
			arg->value.interval) == 0);
		break;
	case IMAP_SEARCH_SMALLER:
	case IMAP_SEARCH_LARGER:
		test_assert(buf_printf(out, "%s %llu",
			arg->type == IMAP_SEARCH_SMALLER ? "SMALLER" : "LARGER",
			(unsigned long long)arg->value.size) == 0);
		break;
	case IMAP_SEARCH_HEADER:
		test_assert(buf_printf(out, "HEADER \"%s\" \"%s\"",
			arg->value.hdr.field, arg->value.hdr.value) == 0);
		break;
	case IMAP_SEARCH_MODSEQ:
		test_assert(buf_printf(out, "MODSEQ %s%s%s%llu",
			arg->value.modseq.entry_name == NULL ? "" :
			arg->value.modseq.entry_name,
			arg->value.modseq.entry_name == NULL ? "" : " ",
			arg->value.modseq.entry_name == NULL ? "" :
			t_printf("%s ",
				modseq_types[arg->value.modseq.entry_type]),
			(unsigned long long)arg->value.modseq.modseq) == 0);
		break;
	case IMAP_SEARCH_SUB:
		test_assert(buf_append_c(out, '(') == 0);
		render(out, arg->value.subargs);
		test_assert(buf_append_c(out, ')') == 0);
		break;
	case IMAP_SEARCH_OR:
		test_assert(buf_append_str(out, "OR ") == 0);
		test_assert(arg->value.subargs != NULL &&
			arg->value.subargs->next != NULL &&
			arg->value.subargs->next->next == NULL);
		render_one(out, arg->value.subargs);
		test_assert(buf_append_c(out, ' ') == 0);
		render_one(out, arg->value.subargs->next);
		break;
	}
}

static void render(struct buf *out, const struct imap_search_arg *arg)
{
	for (; arg != NULL; arg = arg->next) {
		render_one(out, arg);
		if (arg->next != NULL)
			test_assert(buf_append_c(out, ' ') == 0);
	}
}

/* Parses "a SEARCH <line>" with the IMAP parser in the given chunking
   and returns the args (parser memory; NULL on a parser error). */
static const struct imap_arg *parse_line(struct imap_parser *parser,
	const char *line, enum test_chunking chunking, unsigned int seed)
{
	struct test_feeder f;
	const struct imap_arg *args;
	const char *input = t_printf("a SEARCH %s\r\n", line);
	struct buf name;
	int ret;

	buf_init(&name, NULL, 64, 0);
	test_feeder_init(&f, input, strlen(input), chunking, seed);
	ret = test_feed_command(parser, &f, &name);
	buf_free(&name);
	test_assert(ret == 1);
	if (ret != 1)
		return NULL;
	ret = test_feed_args(parser, &f, 0, IMAP_PARSER_FLAG_ATOM_ALLCHARS,
		&args);
	test_assert(ret == 1);
	return ret == 1 ? args : NULL;
}

/* The search keys of line rendered, or "ERR: <error>". */
static const char *search_result(const char *line,
	enum test_chunking chunking, unsigned int seed)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct arena *arena = arena_create("test", 1024);
	const struct imap_arg *args;
	struct imap_search_arg *sargs;
	const char *error, *ret = "PARSER ERROR";
	bool searchres, modseq;
	struct buf out;

	test_drive_settings_default(&set);
	set.parser.max_line_length = 65536;
	set.parser.max_list_depth = 300;
	parser = imap_parser_create(&set.parser);
	args = parse_line(parser, line, chunking, seed);
	if (args != NULL) {
		if (imap_search_args_parse(args, arena, &sargs, &searchres,
					   &modseq, &error) < 0) {
			ret = t_printf("ERR: %s", error);
		} else {
			buf_init(&out, NULL, 256, 0);
			render(&out, sargs);
			ret = t_printf("%s%s%s", buf_cstr(&out),
				searchres ? " [$]" : "",
				modseq ? " [M]" : "");
			buf_free(&out);
		}
	}
	imap_parser_destroy(&parser);
	arena_destroy(&arena);
	return ret;
}

static void check(const char *line, const char *expected)
{
	unsigned int seed;

	SCRATCH_BEGIN {
		test_assert_strcmp(search_result(line, TEST_CHUNK_ALL, 0),
			expected);
		test_assert_strcmp(search_result(line, TEST_CHUNK_BYTE, 0),
			expected);
		for (seed = 1; seed <= 3; seed++) {
			test_assert_strcmp(search_result(line,
				TEST_CHUNK_RANDOM, seed), expected);
		}
	} SCRATCH_END;
}

static void test_search_keys(void)
{
	test_begin("search keys");
	check("ALL", "ALL");
	check("all", "ALL");
	check("SAVEDATESUPPORTED", "ALL");
	check("ANSWERED DELETED DRAFT FLAGGED RECENT SEEN",
		"ANSWERED DELETED DRAFT FLAGGED RECENT SEEN");
	check("UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN",
		"NOT ANSWERED NOT DELETED NOT DRAFT NOT FLAGGED NOT SEEN");
	check("NEW", "(RECENT NOT SEEN)");
	check("OLD", "NOT RECENT");
	check("NOT NEW", "NOT (RECENT NOT SEEN)");
	check("KEYWORD $Junk UNKEYWORD \"a b\"",
		"KEYWORD \"$Junk\" NOT KEYWORD \"a b\"");
	check("BCC b BODY x CC c FROM f SUBJECT \"s t\" TEXT t TO o",
		"BCC \"b\" BODY \"x\" CC \"c\" FROM \"f\" SUBJECT \"s t\" "
		"TEXT \"t\" TO \"o\"");
	check("SUBJECT NIL", "SUBJECT \"NIL\"");
	check("SUBJECT {3+}\r\nx y", "SUBJECT \"x y\"");
	check("SUBJECT \"\"", "SUBJECT \"\"");
	check("BEFORE 1-Feb-1994 ON 01-feb-1994 SINCE \" 1-FEB-1994\"",
		"BEFORE 1994-02-01 ON 1994-02-01 SINCE 1994-02-01");
	check("SENTBEFORE 31-Dec-1969 SENTON 29-Feb-2024 SENTSINCE 1-Jan-2038",
		"SENTBEFORE 1969-12-31 SENTON 2024-02-29 SENTSINCE 2038-01-01");
	check("SAVEDBEFORE 1-Jan-2020 SAVEDON 2-Jan-2020 "
		"SAVEDSINCE 3-Jan-2020",
		"SAVEDBEFORE 2020-01-01 SAVEDON 2020-01-02 "
		"SAVEDSINCE 2020-01-03");
	/* Dovecot normalises days past the month's end */
	check("ON 32-Jan-2020", "ON 2020-02-01");
	check("ON 31-Feb-2021", "ON 2021-03-03");
	check("ON 0-Mar-2020", "ON 2020-02-29");
	check("ON 99-Dec-2020", "ON 2021-03-09");
	check("LARGER 10 SMALLER 010", "LARGER 10 SMALLER 10");
	check("LARGER 18446744073709551615",
		"LARGER 18446744073709551615");
	check("SMALLER \"0\"", "SMALLER 0");
	check("OLDER 1 YOUNGER 4294967295", "OLDER 1 YOUNGER 4294967295");
	check("HEADER X-Extra \"hello there\"",
		"HEADER \"X-Extra\" \"hello there\"");
	check("HEADER \"\" \"\"", "HEADER \"\" \"\"");
	check("1:3,5 * 7:*", "SEQ 1-3,5-5 SEQ *-* SEQ 7-*");
	check("4:2", "SEQ 4-2");
	check("01 1, 001:0002,", "SEQ 1-1 SEQ 1-1 SEQ 1-2");
	check("$", "SEQ $ [$]");
	check("UID 1:* UID $ UID 05", "UID 1-* UID $ UID 5-5 [$]");
	check("UID \"1\"", "UID 1-1");
	check("MODSEQ 5", "MODSEQ 5 [M]");
	check("MODSEQ 0", "MODSEQ 0 [M]");
	check("MODSEQ 18446744073709551615",
		"MODSEQ 18446744073709551615 [M]");
	check("MODSEQ \"/flags/\\\\Seen\" all 7",
		"MODSEQ /flags/\\Seen all 7 [M]");
	check("MODSEQ /flags/$foo PRIV 7 MODSEQ /FLAGS/ shared 1",
		"MODSEQ /flags/$foo priv 7 MODSEQ /FLAGS/ shared 1 [M]");
	check("NOT SEEN", "NOT SEEN");
	check("NOT NOT SEEN", "SEEN");
	check("NOT NOT NOT UNSEEN", "SEEN");
	check("OR SEEN FLAGGED", "OR SEEN FLAGGED");
	check("OR (SEEN) NOT FLAGGED", "OR (SEEN) NOT FLAGGED");
	check("OR OR 1 2 3", "OR OR SEQ 1-1 SEQ 2-2 SEQ 3-3");
	check("NOT OR 1 2", "NOT OR SEQ 1-1 SEQ 2-2");
	check("(3) UID 4", "(SEQ 3-3) UID 4-4");
	check("((((ALL))))", "((((ALL))))");
	check("(SEEN FLAGGED) (NOT DELETED)",
		"(SEEN FLAGGED) (NOT DELETED)");
	check("NOT (SEEN FLAGGED)", "NOT (SEEN FLAGGED)");
	test_end();
}

static void test_search_errors(void)
{
	static const char *const missing_keys[] = {
		"BCC", "BEFORE", "BODY", "CC", "FROM", "HEADER", "KEYWORD",
		"LARGER", "ON", "SENTBEFORE", "SENTON", "SENTSINCE", "SINCE",
		"SMALLER", "SUBJECT", "TEXT", "TO", "UID", "UNKEYWORD",
		"MODSEQ", "OLDER", "YOUNGER", "SAVEDBEFORE", "SAVEDON",
		"SAVEDSINCE",
	};
	unsigned int i;

	test_begin("search errors");
	for (i = 0; i < N_ELEMENTS(missing_keys); i++) {
		SCRATCH_BEGIN {
			check(t_str_lcase(missing_keys[i]), t_printf(
				"ERR: Missing parameter for search key "
				"(for search key: %s)", missing_keys[i]));
			check(t_printf("(%s)", missing_keys[i]), t_printf(
				"ERR: Missing parameter for search key "
				"(for search key: %s)", missing_keys[i]));
			check(t_printf("%s (x)", missing_keys[i]), t_printf(
				"ERR: Unexpected ( (for search key: %s)",
				missing_keys[i]));
		} SCRATCH_END;
	}
	check("HEADER a", "ERR: Missing parameter for search key "
		"(for search key: HEADER)");
	check("HEADER a (b)", "ERR: Unexpected ( (for search key: HEADER)");
	check("foo", "ERR: Unknown argument FOO");
	check("NIL", "ERR: Unknown argument NIL");
	check("ALL NIL", "ERR: Unknown argument NIL");
	check(",1", "ERR: Unknown argument ,1");
	check("$,1", "ERR: Unknown argument $,1");
	check("RETURN (ALL) ALL", "ERR: Unknown argument RETURN");
	check("CHARSET UTF-8 ALL", "ERR: Unknown argument CHARSET");
	check("\"ALL\"", "ERR: Unexpected string as search key: ALL");
	check("\"1\"", "ERR: Unexpected string as search key: 1");
	check("{3+}\r\nALL", "ERR: Unexpected string as search key: ALL");
	check("()", "ERR: No search parameters inside list");
	check("NOT ()", "ERR: No search parameters inside list");
	check("OR ALL ()", "ERR: No search parameters inside list");
	check("NOT", "ERR: Missing argument");
	check("NOT NOT", "ERR: Missing argument");
	check("(NOT)", "ERR: Missing argument");
	check("OR", "ERR: Missing argument");
	check("OR 1", "ERR: Missing argument");
	check("(OR 1) 2", "ERR: Missing argument");
	check("NOT (foo)", "ERR: Unknown argument FOO");
	check("1:x", "ERR: Invalid messageset");
	check("0", "ERR: Invalid messageset");
	check("00", "ERR: Invalid messageset");
	check("1:2:3", "ERR: Invalid messageset");
	check("1,,2", "ERR: Invalid messageset");
	check("1,,", "ERR: Invalid messageset");
	check("4294967296", "ERR: Invalid messageset");
	check("UID x", "ERR: Invalid UID messageset");
	check("UID 0", "ERR: Invalid UID messageset");
	check("UID 4294967296", "ERR: Invalid UID messageset");
	check("BEFORE 1-Jan-2020x", "ERR: Invalid search date parameter");
	check("BEFORE 001-Jan-2020", "ERR: Invalid search date parameter");
	check("BEFORE 1-Jan-20", "ERR: Invalid search date parameter");
	check("BEFORE 1-Jan-99999", "ERR: Invalid search date parameter");
	check("BEFORE 1-Foo-2020", "ERR: Invalid search date parameter");
	check("BEFORE 1/Jan/2020", "ERR: Invalid search date parameter");
	check("BEFORE \"\"", "ERR: Invalid search date parameter");
	check("BEFORE \"  1-Jan-2020\"", "ERR: Invalid search date parameter");
	check("LARGER x", "ERR: Invalid search size parameter");
	check("LARGER -1", "ERR: Invalid search size parameter");
	check("LARGER \"\"", "ERR: Invalid search size parameter");
	check("LARGER 18446744073709551616",
		"ERR: Invalid search size parameter");
	check("OLDER x", "ERR: Invalid search interval parameter");
	check("OLDER 0", "ERR: Invalid search interval parameter");
	check("YOUNGER 4294967296", "ERR: Invalid search interval parameter");
	check("MODSEQ x", "ERR: Invalid MODSEQ value");
	check("MODSEQ \"/foo\" all 1", "ERR: Invalid MODSEQ value");
	check("MODSEQ 18446744073709551616", "ERR: Invalid MODSEQ value");
	check("MODSEQ \"/flags/\\\\seen\" foo 1", "ERR: Invalid MODSEQ type");
	check("MODSEQ \"/flags/\\\\foo\" all 1",
		"ERR: Invalid MODSEQ system flag");
	check("MODSEQ \"/flags/\\\\seen\" all",
		"ERR: Missing parameter for search key "
		"(for search key: MODSEQ)");
	check("MODSEQ \"/flags/\\\\seen\"",
		"ERR: Missing parameter for search key "
		"(for search key: MODSEQ)");
	test_end();
}

static void test_search_deep(void)
{
	struct buf line;
	unsigned int i;

	test_begin("search nesting");
	buf_init(&line, NULL, 65536, 0);
	/* NOT chains fold without limit, as in Dovecot */
	for (i = 0; i < 5000; i++)
		test_assert(buf_append_str(&line, "NOT ") == 0);
	test_assert(buf_append_str(&line, "SEEN") == 0);
	check(buf_cstr(&line), "SEEN");
	/* OR chains nest up to the limit */
	buf_reset(&line);
	for (i = 0; i < IMAP_SEARCH_MAX_DEPTH; i++)
		test_assert(buf_append_str(&line, "OR 1 ") == 0);
	test_assert(buf_append_str(&line, "2") == 0);
	SCRATCH_BEGIN {
		test_assert(strncmp(search_result(buf_cstr(&line),
			TEST_CHUNK_ALL, 0), "OR SEQ 1-1 OR", 13) == 0);
	} SCRATCH_END;
	test_assert(buf_append_str(&line, " ") == 0);
	buf_reset(&line);
	for (i = 0; i <= IMAP_SEARCH_MAX_DEPTH; i++)
		test_assert(buf_append_str(&line, "OR 1 ") == 0);
	test_assert(buf_append_str(&line, "2") == 0);
	check(buf_cstr(&line), "ERR: Too deeply nested search parameters");
	buf_free(&line);
	test_end();
}

static void test_search_empty(void)
{
	struct arena *arena = arena_create("test", 256);
	struct imap_search_arg *sargs = NULL;
	struct imap_arg eol;
	const char *error = NULL;

	test_begin("search without keys");
	memset(&eol, 0, sizeof(eol));
	eol.type = IMAP_ARG_EOL;
	test_assert(imap_search_args_parse(&eol, arena, &sargs, NULL, NULL,
		&error) == -1);
	test_assert_strcmp(error, "Missing search parameters");
	test_assert(sargs == NULL);
	arena_destroy(&arena);
	test_end();
}

/* RETURN/CHARSET/sort program from "a X <line>"; rendered. */
static const char *prefix_result(const char *line)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct arena *arena = arena_create("test", 1024);
	const struct imap_arg *args;
	struct imap_search_return ret;
	const char *error, *charset, *result = "PARSER ERROR";

	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	args = parse_line(parser, line, TEST_CHUNK_ALL, 0);
	if (args == NULL) {
	} else if (imap_search_return_parse(&args, &ret, &error) < 0) {
		result = t_printf("ERR: %s", error);
	} else if (imap_search_charset_parse(&args, &charset, &error) < 0) {
		result = t_printf("ERR: %s", error);
	} else {
		result = t_printf("%s%s%s%s%s%s%s%s%s%s charset=%s rest=%u%s",
			ret.esearch ? "E" : "-",
			(ret.flags & IMAP_SEARCH_RETURN_MIN) != 0 ? " MIN" : "",
			(ret.flags & IMAP_SEARCH_RETURN_MAX) != 0 ? " MAX" : "",
			(ret.flags & IMAP_SEARCH_RETURN_ALL) != 0 ? " ALL" : "",
			(ret.flags & IMAP_SEARCH_RETURN_COUNT) != 0 ?
			" COUNT" : "",
			(ret.flags & IMAP_SEARCH_RETURN_SAVE) != 0 ?
			" SAVE" : "",
			(ret.flags & IMAP_SEARCH_RETURN_UPDATE) != 0 ?
			" UPDATE" : "",
			(ret.flags & IMAP_SEARCH_RETURN_CONTEXT) != 0 ?
			" CONTEXT" : "",
			(ret.flags & IMAP_SEARCH_RETURN_PARTIAL) != 0 ?
			t_printf(" PARTIAL %u:%u", ret.partial_low,
				ret.partial_high) : "",
			imap_search_return_wants_esearch(&ret) ?
			" [esearch]" : "",
			charset == NULL ? "-" : charset,
			imap_args_count(args), "");
	}
	imap_parser_destroy(&parser);
	arena_destroy(&arena);
	return result;
}

static void test_search_return(void)
{
	static const struct {
		const char *line, *expected;
	} cases[] = {
		{ "ALL", "- charset=- rest=1" },
		{ "RETURN ALL", "- charset=- rest=2" },
		{ "RETURN", "- charset=- rest=1" },
		{ "RETURN () ALL", "E ALL [esearch] charset=- rest=1" },
		{ "return (min) ALL", "E MIN [esearch] charset=- rest=1" },
		{ "RETURN (MAX MIN COUNT ALL) ALL",
		  "E MIN MAX ALL COUNT [esearch] charset=- rest=1" },
		{ "RETURN (ALL ALL) ALL", "E ALL [esearch] charset=- rest=1" },
		{ "RETURN (SAVE) ALL", "E SAVE charset=- rest=1" },
		{ "RETURN (CONTEXT SAVE) ALL",
		  "E SAVE CONTEXT charset=- rest=1" },
		{ "RETURN (CONTEXT) ALL",
		  "E ALL CONTEXT [esearch] charset=- rest=1" },
		{ "RETURN (SAVE MIN) ALL",
		  "E MIN SAVE [esearch] charset=- rest=1" },
		{ "RETURN (UPDATE) ALL", "E UPDATE [esearch] charset=- rest=1" },
		{ "RETURN (UPDATE SAVE) ALL",
		  "E SAVE UPDATE [esearch] charset=- rest=1" },
		{ "RETURN (PARTIAL 1:5) ALL",
		  "E PARTIAL 1:5 [esearch] charset=- rest=1" },
		{ "RETURN (PARTIAL 4:2 COUNT) ALL",
		  "E COUNT PARTIAL 2:4 [esearch] charset=- rest=1" },
		{ "RETURN (PARTIAL 1:4294967295) ALL",
		  "E PARTIAL 1:4294967295 [esearch] charset=- rest=1" },
		{ "RETURN () CHARSET UTF-8 ALL",
		  "E ALL [esearch] charset=UTF-8 rest=1" },
		{ "CHARSET \"us-ascii\" SEEN UNSEEN",
		  "- charset=us-ascii rest=2" },
		{ "CHARSET {5+}\r\nUTF-8 SEEN", "- charset=UTF-8 rest=1" },
		{ "RETURN (FOO) ALL", "ERR: Unknown SEARCH return option" },
		{ "RETURN (\"ALL\") ALL",
		  "ERR: SEARCH return options contain non-atoms" },
		{ "RETURN ((ALL)) ALL",
		  "ERR: SEARCH return options contain non-atoms" },
		{ "RETURN (PARTIAL) ALL", "ERR: PARTIAL range missing" },
		{ "RETURN (PARTIAL \"1:2\") ALL", "ERR: PARTIAL range missing" },
		{ "RETURN (PARTIAL (1:2)) ALL", "ERR: PARTIAL range missing" },
		{ "RETURN (PARTIAL 1) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL 1:*) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL *:1) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL 0:1) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL 1:2,3) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL -1:-2) ALL", "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL 1:4294967296) ALL",
		  "ERR: PARTIAL range broken" },
		{ "RETURN (PARTIAL 1:2 PARTIAL 1:3) ALL",
		  "ERR: PARTIAL can be used only once" },
		{ "RETURN (PARTIAL 1:2 ALL) ALL",
		  "ERR: PARTIAL conflicts with ALL" },
		{ "RETURN (ALL PARTIAL 1:2) ALL",
		  "ERR: PARTIAL conflicts with ALL" },
		{ "CHARSET", "ERR: Invalid charset argument" },
		{ "CHARSET (UTF-8) ALL", "ERR: Invalid charset argument" },
	};
	unsigned int i;

	test_begin("search return and charset");
	for (i = 0; i < N_ELEMENTS(cases); i++) {
		SCRATCH_BEGIN {
			test_assert_strcmp(prefix_result(cases[i].line),
				cases[i].expected);
		} SCRATCH_END;
	}
	test_end();
}

static const char *sort_result(const char *line)
{
	struct test_drive_settings set;
	struct imap_parser *parser;
	struct arena *arena = arena_create("test", 1024);
	const struct imap_arg *args;
	struct imap_sort_key *keys;
	unsigned int count, i;
	const char *error, *result = "PARSER ERROR";
	struct buf out;

	test_drive_settings_default(&set);
	parser = imap_parser_create(&set.parser);
	args = parse_line(parser, line, TEST_CHUNK_ALL, 0);
	if (args == NULL) {
	} else if (imap_sort_program_parse(args, arena, &keys, &count,
					   &error) < 0) {
		result = t_printf("ERR: %s", error);
	} else {
		buf_init(&out, NULL, 64, 0);
		for (i = 0; i < count; i++) {
			test_assert(buf_printf(&out, "%s%s%u",
				i > 0 ? " " : "",
				keys[i].reverse ? "-" : "",
				(unsigned int)keys[i].type) == 0);
		}
		result = t_strdup(buf_cstr(&out));
		buf_free(&out);
	}
	imap_parser_destroy(&parser);
	arena_destroy(&arena);
	return result;
}

static void test_sort_program(void)
{
	static const struct {
		const char *line, *expected;
	} cases[] = {
		{ "(ARRIVAL)", "0" },
		{ "(arrival cc date from size subject to displayfrom "
		  "displayto)", "0 1 2 3 4 5 6 7 8" },
		{ "(REVERSE DATE SUBJECT)", "-2 5" },
		{ "(REVERSE REVERSE DATE)", "2" },
		{ "(\"SIZE\" reverse {7+}\r\nSUBJECT)", "4 -5" },
		{ "ARRIVAL", "ERR: Invalid sort argument" },
		{ "\"(ARRIVAL)\"", "ERR: Invalid sort argument" },
		{ "()", "ERR: Empty sort program" },
		{ "(FOO)", "ERR: Unknown sort argument: FOO" },
		{ "(date foo)", "ERR: Unknown sort argument: foo" },
		{ "(REVERSE)", "ERR: Sort list ends with REVERSE" },
		{ "(DATE REVERSE)", "ERR: Sort list ends with REVERSE" },
		{ "(DATE (SIZE))", "ERR: Invalid sort list argument" },
	};
	unsigned int i;

	test_begin("sort program");
	for (i = 0; i < N_ELEMENTS(cases); i++) {
		SCRATCH_BEGIN {
			test_assert_strcmp(sort_result(cases[i].line),
				cases[i].expected);
		} SCRATCH_END;
	}
	test_end();
}

static void test_thread_types(void)
{
	enum imap_thread_type type;

	test_begin("thread algorithms");
	test_assert(imap_thread_type_parse("references", &type) == 0 &&
		type == IMAP_THREAD_REFERENCES);
	test_assert(imap_thread_type_parse("REFS", &type) == 0 &&
		type == IMAP_THREAD_REFS);
	test_assert(imap_thread_type_parse("OrderedSubject", &type) == 0 &&
		type == IMAP_THREAD_ORDEREDSUBJECT);
	test_assert(imap_thread_type_parse("FOO", &type) == -1);
	test_assert(imap_thread_type_parse("", &type) == -1);
	test_end();
}

static void test_date_parse(void)
{
	time_t t;

	test_begin("search date");
	test_assert(imap_search_date_parse("1-Jan-1970", &t) == 0 && t == 0);
	test_assert(imap_search_date_parse("2-jan-1970", &t) == 0 &&
		t == 86400);
	test_assert(imap_search_date_parse("31-Dec-1969", &t) == 0 &&
		t == -86400);
	test_assert(imap_search_date_parse("1-Mar-2000", &t) == 0 &&
		t == 951868800);
	test_assert(imap_search_date_parse("24-Nov-2026", &t) == 0 &&
		t == 1795478400);
	test_assert(imap_search_date_parse("1-Jan-0000", &t) == 0);
	test_assert(imap_search_date_parse("1-Jan-9999", &t) == 0);
	test_assert(imap_search_date_parse("1-Jan-197", &t) == -1);
	test_assert(imap_search_date_parse("1-Ja-1970", &t) == -1);
	test_assert(imap_search_date_parse("-Jan-1970", &t) == -1);
	test_assert(imap_search_date_parse("1-Jan-1970 ", &t) == -1);
	test_assert(imap_search_date_parse("", &t) == -1);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_search_keys,
		test_search_errors,
		test_search_deep,
		test_search_empty,
		test_search_return,
		test_sort_program,
		test_thread_types,
		test_date_parse,
		NULL
	};
	return test_run(tests);
}
