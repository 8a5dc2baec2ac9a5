/*
 * test-adm-query.c - unit tests of doveadm's search query parser
 * (adm-query.c).  The accepted and rejected queries and the error texts
 * were checked against doveadm 2.3.19 (doveadm search on a Maildir).
 * The tree is rendered into a compact text so that a table states the
 * expected structure.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "str.h"
#include "adm-query.h"
#include "adm-query-section.h"
#include "adm-query-snippet.h"
#include "message-part-data.h"
#include "test-common.h"

/* 2026-01-01 00:00:00 UTC */
#define NOW ((time_t)1767225600)

static struct arena *arena;

static void render(struct buf *out, const struct adm_query_arg *arg);

static void outf(struct buf *out, const char *fmt, ...) ATTR_FORMAT(2, 3);
static void outf(struct buf *out, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = buf_vprintf(out, fmt, args);
	va_end(args);
	if (ret < 0)
		i_panic("render overflow");
}

static void render_set(struct buf *out, const struct imap_seqset *set)
{
	if (set->searchres) {
		outf(out, "$");
		return;
	}
	for (unsigned int i = 0; i < set->count; i++) {
		outf(out, "%s%u:%u", i > 0 ? "," : "",
			set->ranges[i].seq1, set->ranges[i].seq2);
	}
}

static void render_search(struct buf *out, const struct mail_search_arg *s)
{
	switch (s->type) {
	case SEARCH_ALL:
		outf(out, "all");
		break;
	case SEARCH_FLAGS:
		outf(out, "flags=%d", (int)s->value.flags);
		break;
	case SEARCH_KEYWORD:
	case SEARCH_FROM:
	case SEARCH_TO:
	case SEARCH_CC:
	case SEARCH_BCC:
	case SEARCH_SUBJECT:
	case SEARCH_BODY:
	case SEARCH_TEXT:
	case SEARCH_GUID:
		outf(out, "s%d=%s", (int)s->type, s->value.str);
		break;
	case SEARCH_HEADER:
		outf(out, "hdr=%s:%s", s->value.hdr.field,
			s->value.hdr.value);
		break;
	case SEARCH_SMALLER:
	case SEARCH_LARGER:
		outf(out, "%s=%llu",
			s->type == SEARCH_SMALLER ? "smaller" : "larger",
			(unsigned long long)s->value.size);
		break;
	case SEARCH_OLDER:
	case SEARCH_YOUNGER:
		outf(out, "%s=%u",
			s->type == SEARCH_OLDER ? "older" : "younger",
			s->value.interval);
		break;
	case SEARCH_MODSEQ:
		outf(out, "modseq=%llu",
			(unsigned long long)s->value.modseq);
		break;
	default:
		/* dates by day */
		outf(out, "d%d=%lld", (int)s->type,
			(long long)s->value.date);
		break;
	}
}

static void render_one(struct buf *out, const struct adm_query_arg *arg)
{
	if (arg->negate)
		outf(out, "!");
	switch (arg->type) {
	case ADM_QUERY_SEARCH:
		render_search(out, &arg->value.search);
		break;
	case ADM_QUERY_SEQSET:
		outf(out, "seq=");
		render_set(out, &arg->value.seqset);
		break;
	case ADM_QUERY_UIDSET:
		outf(out, "uid=");
		render_set(out, &arg->value.seqset);
		break;
	case ADM_QUERY_MAILBOX:
		outf(out, "mbox=%s", arg->value.str);
		break;
	case ADM_QUERY_MAILBOX_GLOB:
		outf(out, "glob=%s", arg->value.str);
		break;
	case ADM_QUERY_MAILBOX_GUID:
		outf(out, "mguid=%s", arg->value.str);
		break;
	case ADM_QUERY_TIME:
		outf(out, "t%d%d=%lld", (int)arg->value.time.date,
			(int)arg->value.time.cmp,
			(long long)arg->value.time.time);
		break;
	case ADM_QUERY_SUB:
		outf(out, "(");
		render(out, arg->value.subargs);
		outf(out, ")");
		break;
	case ADM_QUERY_OR:
		outf(out, "or(");
		render(out, arg->value.subargs);
		outf(out, ")");
		break;
	}
}

static void render(struct buf *out, const struct adm_query_arg *arg)
{
	for (; arg != NULL; arg = arg->next) {
		render_one(out, arg);
		if (arg->next != NULL)
			outf(out, " ");
	}
}

/* Splits a query on spaces (tests use no spaces inside words, except
   where written as '_'). */
static const char *parse_text(const char *query)
{
	const char *words[64];
	const char *const *split;
	struct adm_query_arg *args;
	const char *error;
	unsigned int count = 0;
	struct buf out;
	const char *ret;

	split = (const char *const *)str_split(arena, query, " ", false);
	for (; *split != NULL; split++) {
		char *w = arena_strdup(arena, *split);

		for (char *p = w; *p != '\0'; p++) {
			if (*p == '_')
				*p = ' ';
		}
		if (count < N_ELEMENTS(words))
			words[count++] = w;
	}
	if (adm_query_parse(words, count, NOW, arena, &args, &error) < 0)
		return arena_printf(arena, "ERR %s", error);
	buf_init(&out, NULL, 256, 65536);
	render(&out, args);
	ret = arena_strndup(arena, out.data, out.used);
	buf_free(&out);
	return ret;
}

static void test_query_parse(void)
{
	static const struct {
		const char *query, *result;
	} tests[] = {
		{ "all", "all" },
		{ "ALL all", "all all" },
		{ "mailbox INBOX seen", "mbox=INBOX flags=8" },
		{ "MAILBOX Arch*", "glob=Arch*" },
		{ "mailbox a%b", "glob=a%b" },
		{ "mailbox-guid 0123 uid 1:*", "mguid=0123 uid=1:0" },
		{ "unseen undeleted unanswered undraft unflagged",
		  "!flags=8 !flags=4 !flags=1 !flags=16 !flags=2" },
		{ "new", "(flags=32 !flags=8)" },
		{ "old recent", "!flags=32 flags=32" },
		{ "keyword $Foo unkeyword bar", "s4=$Foo !s4=bar" },
		{ "subject hello from a to b cc c bcc d body e text f",
		  "s23=hello s19=a s20=b s21=c s22=d s24=e s25=f" },
		{ "guid abc x-guid def", "s29=abc s29=def" },
		{ "header X-Custom foo", "hdr=X-Custom:foo" },
		{ "larger 10k smaller 2_MB", "larger=10240 smaller=2097152" },
		{ "larger 1T", "larger=1099511627776" },
		{ "larger 10B smaller 1_", "larger=10 smaller=1" },
		{ "older 10 younger 20", "older=10 younger=20" },
		{ "modseq 5", "modseq=5" },
		{ "1:3,5 *", "seq=1:3,5:5 seq=0:0" },
		{ "$", "seq=$" },
		{ "uid $", "uid=$" },
		/* dates by day: IMAP and YYYY-MM-DD */
		{ "since 1-Feb-2020", "d7=1580515200" },
		{ "before 2020-02-01", "d5=1580515200" },
		{ "on 2030-02-30", "d6=1898640000" },
		{ "on 2030-00-01", "d6=1890777600" },
		{ "sentbefore 01-jan-2020 senton 2020-01-01 sentsince "
		  "2020-01-01", "d8=1577836800 d9=1577836800 d10=1577836800" },
		{ "savedbefore 2020-01-01 x-savedon 2020-01-01 savedsince "
		  "2020-01-01", "d11=1577836800 d12=1577836800 "
		  "d13=1577836800" },
		/* to the second: timestamps and intervals */
		{ "since 1700000000", "t02=1700000000" },
		{ "before 0", "t00=0" },
		{ "savedon 30d", "t21=1764633600" },
		{ "sentsince 1h", "t12=1767222000" },
		{ "since 2_weeks", "t02=1766016000" },
		{ "since 1_Days before 5mins on 3secs",
		  "t02=1767139200 t00=1767225300 t01=1767225597" },
		{ "since 1W", "t02=1766620800" },
		/* lists, NOT and OR */
		{ "( seen )", "(flags=8)" },
		{ "( ( seen ) )", "((flags=8))" },
		{ "not seen", "!flags=8" },
		{ "not not seen", "flags=8" },
		{ "NOT ( seen deleted )", "!(flags=8 flags=4)" },
		{ "seen or deleted", "or(flags=8 flags=4)" },
		{ "seen or deleted or draft", "or(flags=8 flags=4 flags=16)" },
		{ "seen deleted or draft", "or(flags=8 flags=4 flags=16)" },
		{ "seen or or deleted", "or(flags=8 flags=4)" },
		{ "mailbox INBOX ( seen or deleted )",
		  "mbox=INBOX or(flags=8 flags=4)" },
		{ "not or seen", "or(!flags=8)" },
		{ "fuzzy subject x", "s23=x" },
		/* errors, as doveadm words them */
		{ "foo", "ERR Unknown argument FOO" },
		{ "(mailbox", "ERR Unknown argument (MAILBOX" },
		{ "and seen", "ERR Unknown argument AND" },
		{ "charset utf-8", "ERR Unknown argument CHARSET" },
		{ "mailbox", "ERR Missing parameter for search key "
		  "(for search key: MAILBOX)" },
		{ "seen header x", "ERR Missing parameter for search key "
		  "(for search key: HEADER)" },
		{ "modseq", "ERR Missing parameter for search key "
		  "(for search key: MODSEQ)" },
		{ "modseq x", "ERR Invalid MODSEQ value" },
		{ "or seen deleted", "ERR Use parenthesis when mixing ANDs "
		  "and ORs" },
		{ "seen or deleted draft", "ERR Use parenthesis when mixing "
		  "ANDs and ORs" },
		{ "seen or", "ERR Missing argument" },
		{ "not", "ERR Missing argument" },
		{ "fuzzy", "ERR Missing argument" },
		{ "( seen or )", "ERR Missing argument" },
		{ ")", "ERR Unexpected ')'" },
		{ "seen ) deleted", "ERR Unexpected ')'" },
		{ "(", "ERR Missing ')'" },
		{ "( seen", "ERR Missing ')'" },
		{ "( )", "ERR No search parameters inside list" },
		{ "()", "ERR Unknown argument ()" },
		{ "0", "ERR Invalid messageset" },
		{ "1:2:3", "ERR Invalid messageset" },
		{ "uid 0", "ERR Invalid UID messageset" },
		{ "uid x", "ERR Invalid UID messageset" },
		{ "since xyz", "ERR Invalid search date parameter: xyz" },
		{ "since 1y", "ERR Invalid search date parameter: 1y" },
		{ "since 1ms", "ERR Invalid search date parameter: 1ms" },
		{ "since 1.5d", "ERR Invalid search date parameter: 1.5d" },
		{ "since 1d2h", "ERR Invalid search date parameter: 1d2h" },
		{ "since 30_", "ERR Invalid search date parameter: 30 " },
		{ "since 2030-1-3", "ERR Invalid search date parameter: "
		  "2030-1-3" },
		{ "since 2020-01-01x", "ERR Invalid search date parameter: "
		  "2020-01-01x" },
		{ "since 1-Jan-2020_", "ERR Invalid search date parameter: "
		  "1-Jan-2020 " },
		{ "since 5000000000d", "ERR Invalid search date parameter: "
		  "5000000000d" },
		{ "since 99999999999999999999", "ERR Invalid search date "
		  "parameter: 99999999999999999999" },
		{ "larger x", "ERR Invalid size: x" },
		{ "larger _1", "ERR Invalid size:  1" },
		{ "larger 1kib", "ERR Invalid size: 1kib" },
		{ "larger 99999999999999999999", "ERR Invalid size: "
		  "99999999999999999999" },
		{ "larger 20000000T", "ERR Invalid size: 20000000T" },
		{ "older 0", "ERR Invalid search interval parameter" },
		{ "younger x", "ERR Invalid search interval parameter" },
	};

	test_begin("adm query parse");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++)
		test_assert_strcmp(parse_text(tests[i].query), tests[i].result);
	test_end();
}

static void test_query_empty_and_deep(void)
{
	const char *words[2 * ADM_QUERY_MAX_DEPTH + 10];
	struct adm_query_arg *args;
	const char *error;
	unsigned int i, n = 0;

	test_begin("adm query empty, deep nesting");
	test_assert(adm_query_parse(words, 0, NOW, arena, &args,
		&error) < 0);
	test_assert_strcmp(error, "Missing search parameters");
	for (i = 0; i < ADM_QUERY_MAX_DEPTH + 2; i++)
		words[n++] = "(";
	words[n++] = "all";
	for (i = 0; i < ADM_QUERY_MAX_DEPTH + 2; i++)
		words[n++] = ")";
	test_assert(adm_query_parse(words, n, NOW, arena, &args,
		&error) < 0);
	test_assert_strcmp(error, "Too deep search nesting");
	test_end();
}

/* Every prefix of a valid query either parses or fails cleanly, and the
   full query gives the same tree as always (the word-by-word analogue of
   feeding a parser byte by byte). */
static void test_query_prefixes(void)
{
	static const char *const words[] = {
		"mailbox", "INBOX", "(", "subject", "x", "or", "not", "(",
		"seen", "uid", "1:*", ")", ")", "since", "2d", "header",
		"X", "y", "larger", "1k",
	};
	struct adm_query_arg *args;
	const char *error;
	unsigned int n;
	int ret;

	test_begin("adm query word by word");
	for (n = 0; n <= N_ELEMENTS(words); n++) {
		error = NULL;
		ret = adm_query_parse(words, n, NOW, arena, &args, &error);
		if (ret < 0)
			test_assert(error != NULL && *error != '\0');
		else
			test_assert(args != NULL);
		test_assert((ret == 0) == (n == 2 || n == 13 || n == 15 ||
			n == 18 || n == 20));
	}
	test_end();
}

static void test_query_mailbox_match(void)
{
	static const struct {
		const char *pattern, *vname;
		bool glob, match;
	} tests[] = {
		{ "INBOX", "INBOX", false, true },
		{ "inbox", "INBOX", false, true },
		{ "Inbox/sub", "INBOX/sub", false, true },
		{ "INBOX/Sub", "INBOX/sub", false, false },
		{ "work", "Work", false, false },
		{ "Work", "Work", false, true },
		{ "Arch*", "Archive", true, true },
		{ "Arch*", "Archive/2020", true, true },
		{ "Arch%", "Archive", true, true },
		{ "Arch%", "Archive/2020", true, false },
		{ "%/%", "Archive/2020", true, true },
		{ "*", "", true, true },
		{ "%", "a/b", true, false },
		{ "in*", "INBOX", true, false },
		{ "inbox*", "INBOX/x", true, true },
		{ "*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  true, false },
		{ "a*b*c", "axxbyyc", true, true },
		{ "a%c", "ab/c", true, false },
	};

	test_begin("adm query mailbox match");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert(adm_query_mailbox_match(tests[i].pattern,
			tests[i].glob, tests[i].vname, '/') ==
			tests[i].match);
	}
	test_end();
}

static struct adm_query_arg *parse_ok(const char *query)
{
	const char *words[32], *error;
	const char *const *split = (const char *const *)str_split(arena,
		query, " ", false);
	struct adm_query_arg *args;
	unsigned int n = 0;

	for (; *split != NULL && n < N_ELEMENTS(words); split++)
		words[n++] = *split;
	if (adm_query_parse(words, n, NOW, arena, &args, &error) < 0)
		i_panic("%s: %s", query, error);
	return args;
}

static void test_query_safety_checks(void)
{
	static const struct {
		const char *query;
		bool mailbox, other;
	} tests[] = {
		{ "subject hello", false, true },
		{ "mailbox INBOX", true, false },
		{ "mailbox INBOX all", true, true },
		{ "mailbox-guid 01 seen", true, true },
		{ "mailbox INBOX or subject hello", false, false },
		{ "( mailbox INBOX or mailbox Work ) subject hello",
		  true, true },
		{ "not mailbox INBOX seen", false, true },
		{ "mailbox I* ( seen or deleted )", true, true },
		{ "( mailbox A seen ) or ( mailbox B deleted )", true, true },
		{ "( mailbox A seen ) or ( deleted )", false, true },
		{ "( mailbox A ) or ( mailbox B deleted )", true, false },
		{ "( mailbox A or mailbox B ) ( seen or deleted )", false,
		  true },
		{ "( seen or deleted ) mailbox A", false, true },
		{ "mailbox A ( seen or deleted )", true, true },
		{ "( mailbox A or mailbox B ) seen", true, true },
	};

	test_begin("adm query expunge safety checks");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct adm_query_arg *args = parse_ok(tests[i].query);

		test_assert(adm_query_has_mailbox_everywhere(args) ==
			tests[i].mailbox);
		test_assert(adm_query_has_other_everywhere(args) ==
			tests[i].other);
	}
	test_end();
}

static void test_query_patterns(void)
{
	const char *const *patterns;

	test_begin("adm query mailbox patterns");
	patterns = adm_query_mailbox_patterns(parse_ok("seen"), arena);
	test_assert(patterns == NULL);
	patterns = adm_query_mailbox_patterns(
		parse_ok("mailbox A* seen mailbox B"), arena);
	test_assert(patterns != NULL && patterns[2] == NULL);
	test_assert_strcmp(patterns[0], "A*");
	test_assert_strcmp(patterns[1], "B");
	patterns = adm_query_mailbox_patterns(
		parse_ok("not mailbox A ( mailbox B )"), arena);
	test_assert(patterns == NULL);
	patterns = adm_query_mailbox_patterns(
		parse_ok("mailbox A or mailbox B"), arena);
	test_assert(patterns == NULL);
	test_end();
}

/* Expected snippets as doveadm 2.3.19 printed them for the same bodies
   (fed whole, then byte by byte). */
static void test_snippet(void)
{
	static const struct {
		bool html;
		const char *body, *snippet;
	} tests[] = {
		{ false, "  Hello   there,\n> quoted line\n>> more\nNext line"
		  "\twith tab.", "Hello there, Next line with tab." },
		{ false, "> all quoted\n>x\n", ">all quoted x" },
		{ false, "> a b\n", ">a b" },
		{ false, " a\n> b\n c\n", "a c" },
		{ false, "a\r\nb \r\n\r\n c\n", "a b c" },
		{ false, "\xef\xbb\xbf" "BOM text \xc3\xa9\n",
		  "BOM text \xc3\xa9" },
		{ false, "   \n\n", "" },
		{ true, "<html><body><p>Hi <b>bold</b> &amp; more</p>"
		  "<p>second</p></body></html>\n", "Hi bold & more second" },
		{ true, "x<b>y</b>z", "x y z" },
		{ true, "&lt;&gt;&quot;&#65;&#x42;&nbsp;end &euro; &bogus; "
		  "&amp\n", "<>\"AB\xc2\xa0" "end \xe2\x82\xac" " amp" },
		{ true, "<style>p{}</style>after<script>x</script>s",
		  "after s" },
		{ true, "a<!-- c -->d<br>e<br/>f", "ad e f" },
		{ true, "<blockquote>a<blockquote>b</blockquote>c"
		  "</blockquote>d<BR>e<Style>x</STYLE>f<p\n>g\n",
		  "d e f g" },
		{ true, "x<a href=\"y>z\">link</a>", "x link" },
		{ true, "  > notquote", "> notquote" },
		{ true, "&gt; q\n<p>&gt;x</p>\n", ">q x" },
		{ true, "x<b>&gt;y", "x >y" },
		{ true, "x<!-- c -->&gt;y", "x>y" },
		{ true, "<![CDATA[x]]>y<!doctype html>z&#0;&#xZ;&#12345678;w",
		  "xy zw" },
	};
	struct adm_snippet *sn;
	char *long_text;

	test_begin("adm query snippet");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		const char *body = tests[i].body;

		sn = adm_snippet_create(arena, tests[i].html);
		(void)adm_snippet_feed(sn, body, strlen(body));
		test_assert_strcmp(adm_snippet_result(sn), tests[i].snippet);
		sn = adm_snippet_create(arena, tests[i].html);
		for (size_t j = 0; body[j] != '\0'; ) {
			/* whole UTF-8 characters, as the decoder gives */
			size_t len = 1;

			while (((unsigned char)body[j + len] & 0xc0) == 0x80)
				len++;
			(void)adm_snippet_feed(sn, body + j, len);
			j += len;
		}
		test_assert_strcmp(adm_snippet_result(sn), tests[i].snippet);
	}
	/* at most 200 characters, no space at the end; a long quote
	   doesn't stop the text, but the quote's pending space takes room
	   (doveadm: 199 characters after a quote) */
	long_text = arena_alloc(arena, 1001);
	memset(long_text, 'q', 1000);
	sn = adm_snippet_create(arena, false);
	test_assert(adm_snippet_feed(sn, long_text, 1000) == false);
	test_assert(strlen(adm_snippet_result(sn)) == ADM_SNIPPET_MAX_CHARS);
	long_text[0] = '>';
	long_text[500] = '\n';
	sn = adm_snippet_create(arena, false);
	test_assert(adm_snippet_feed(sn, long_text, 1000) == false);
	test_assert(strlen(adm_snippet_result(sn)) ==
		ADM_SNIPPET_MAX_CHARS - 1);
	/* "a ww ww ...": 199 characters, since " ww" doesn't fit again */
	long_text[0] = 'a';
	for (unsigned int i = 1; i + 3 <= 1000; i += 3)
		memcpy(long_text + i, " ww", 3);
	sn = adm_snippet_create(arena, false);
	(void)adm_snippet_feed(sn, long_text, 1000);
	test_assert(strlen(adm_snippet_result(sn)) ==
		ADM_SNIPPET_MAX_CHARS - 1);
	test_end();
}

/* Sections as doveadm 2.3.19 printed them for this message. */
static void test_section(void)
{
	static const char msg[] =
		"Subject: sec\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=b\n"
		"\n"
		"--b\n"
		"Content-Type: text/plain\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"line1=\nsame\nline2 =3D\n"
		"--b\n"
		"Content-Type: message/rfc822\n"
		"\n"
		"Subject: inner\n\ninner body\nl2\n"
		"--b--\n";
	static const struct {
		const char *field, *output;
	} tests[] = {
		{ "body.1", "line1=\r\nsame\r\nline2 =3D" },
		{ "binary.1", "line1same\r\nline2 =" },
		{ "body.2", "Subject: inner\r\n\r\ninner body\r\nl2" },
		{ "binary.2", "Subject: inner\r\n\r\ninner body\r\nl2" },
		{ "body.2.HEADER", "Subject: inner\r\n\r\n" },
		{ "body.2.text", "inner body\r\nl2" },
		{ "body.2.1", "inner body\r\nl2" },
		{ "binary.1.MIME", "Content-Type: text/plain\r\n"
		  "Content-Transfer-Encoding: quoted-printable\r\n\r\n" },
		{ "binary.HEADER", "Subject: sec\r\nMIME-Version: 1.0\r\n"
		  "Content-Type: multipart/mixed; boundary=b\r\n\r\n" },
		{ "body.3", "" },
		{ "body.", NULL },
	};
	static const char *const bad[] = {
		"x", "1.x", "1.HEADER.FIELDS", "HEADER.FIELDS.NOT", "MIME",
		"0", "1.", "1..2",
	};
	struct message_part *root;
	struct adm_section section;
	const char *error;
	struct buf out;

	test_begin("adm query fetch sections");
	root = message_parse(arena, msg, strlen(msg), NULL, 0);
	test_assert(message_part_data_fill(arena, root, msg, strlen(msg),
		&error) == 0);
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		bool binary = tests[i].field[1] == 'i';
		const char *str = tests[i].field + (binary ? 7 : 5);

		test_assert(adm_section_parse(str, binary, &section) == 0);
		buf_init(&out, arena, 256, 0);
		test_assert(adm_section_append(&section, root, msg,
			strlen(msg), &out) == 0);
		if (tests[i].output != NULL)
			test_assert_strcmp(buf_cstr(&out), tests[i].output);
		else
			/* every line end as CRLF: 19 lines */
			test_assert(out.used == strlen(msg) + 19);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++)
		test_assert(adm_section_parse(bad[i], false, &section) < 0);
	/* text.utf8 */
	buf_init(&out, arena, 256, 0);
	test_assert(adm_text_utf8_append(root, msg, strlen(msg), &out) == 0);
	test_assert_strcmp(buf_cstr(&out),
		"Subject: sec\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=b\n\n"
		"Content-Type: text/plain\n"
		"Content-Transfer-Encoding: quoted-printable\n\n"
		"line1same\r\nline2 ="
		"Content-Type: message/rfc822\n\n"
		"Subject: inner\n\n"
		"inner body\nl2");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_query_parse,
		test_query_empty_and_deep,
		test_query_prefixes,
		test_query_mailbox_match,
		test_query_safety_checks,
		test_query_patterns,
		test_snippet,
		test_section,
		NULL
	};
	int ret;

	arena = arena_create("test-adm-query", 4096);
	ret = test_run(tests);
	arena_destroy(&arena);
	return ret;
}
