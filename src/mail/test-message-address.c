/*
 * test-message-address.c - address lists (ENVELOPE expectations recorded
 * from Dovecot 2.3.19 and the imaptest fetch-envelope script), writing
 * them back, display names; and RFC 5322 / IMAP dates.
 */
#include "lib.h"
#include "buf.h"
#include "imap-envelope.h"
#include "message-address.h"
#include "message-date.h"
#include "test-common.h"

static const char *envelope_addr(const char *value)
{
	struct message_address *addr;
	struct buf out;

	addr = message_address_parse(scratch_arena(), value, strlen(value), 0,
		MESSAGE_ADDRESS_PARSE_FLAGS_IMAP);
	buf_init(&out, scratch_arena(), 64, 0);
	test_assert(imap_envelope_write_address(&out, addr) == 0);
	return buf_cstr(&out);
}

static void test_address_envelope(void)
{
	static const struct {
		const char *in, *out;
	} tests[] = {
		/* imaptest fetch-envelope */
		{ "From Real <fromuser@fromdomain.org>",
		  "((\"From Real\" NIL \"fromuser\" \"fromdomain.org\"))" },
		{ "user@domain (Real Name)",
		  "((\"Real Name\" NIL \"user\" \"domain\"))" },
		{ "group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;",
		  "((NIL NIL \"group\" NIL)(NIL NIL \"g1\" \"d1.org\")"
		  "(NIL NIL \"g2\" \"d2.org\")(NIL NIL NIL NIL)"
		  "(NIL NIL \"group2\" NIL)(NIL NIL \"g3\" \"d3.org\")"
		  "(NIL NIL NIL NIL))" },
		{ "group:;, group2: (foo) ;",
		  "((NIL NIL \"group\" NIL)(NIL NIL NIL NIL)"
		  "(NIL NIL \"group2\" NIL)(NIL NIL NIL NIL))" },
		{ "<@route:user@domain>",
		  "((NIL \"@route\" \"user\" \"domain\"))" },
		{ "", "NIL" },
		{ "   ", "NIL" },
		/* Dovecot 2.3.19 on broken input */
		{ "user", "((NIL NIL \"user\" \"MISSING_DOMAIN\"))" },
		{ "@domain", "((NIL NIL \"MISSING_MAILBOX\" \"domain\"))" },
		{ "<>", "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
		{ "\"name\" <user@>",
		  "((\"name\" NIL \"user\" \"SYNTAX_ERROR\"))" },
		{ "a@b (comment1) (comment2), \"x\" <c@d> (cmt)",
		  "((\"comment2\" NIL \"a\" \"b\")(\"x\" NIL \"c\" \"d\"))" },
		{ "group: a@b, c@d",
		  "((NIL NIL \"group\" NIL)(NIL NIL \"a\" \"b\")"
		  "(NIL NIL \"c\" \"d\")(NIL NIL NIL NIL))" },
		{ "foo bar baz",
		  "((\"foo bar baz\" NIL \"MISSING_MAILBOX\" "
		  "\"MISSING_DOMAIN\"))" },
		{ "<@r1,@r2:u@d>", "((NIL \"@r1,@r2\" \"u\" \"d\"))" },
		{ "Name <u@[1.2.3.4]>",
		  "((\"Name\" NIL \"u\" \"[1.2.3.4]\"))" },
		{ "a@b,,c@d", "((NIL NIL \"a\" \"b\")"
		  "(NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")"
		  "(NIL NIL \"c\" \"d\"))" },
		{ "a . b @ c . d",
		  "(({4}\r\na. b NIL \"MISSING_MAILBOX\" "
		  "\"MISSING_DOMAIN\"))" },
		{ "\"a b\"@c, a@b.c.",
		  "((NIL NIL \"a b\" \"c\")"
		  "(NIL NIL \"a\" \"MISSING_DOMAIN\"))" },
		{ "a@b c@d", "((NIL NIL \"a\" \"b\"))" },
		{ "a.", "((NIL NIL \"a.\" \"MISSING_DOMAIN\"))" },
		{ "a. ", "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
		{ "..a..b.@x", "((NIL NIL \"..a..b.\" \"x\"))" },
		{ "a@bbob(c).ba. x",
		  "((\"c\" NIL \"a\" \"bbob.ba.x\"))" },
		{ "x (ab\r\n c\r\n d\r\n e",
		  "((\"ab c d\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
		{ "x (unterminated",
		  "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))" },
		{ "=?utf-8?q?Encoded_Name?= <a@b>",
		  "((\"=?utf-8?q?Encoded_Name?=\" NIL \"a\" \"b\"))" },
		{ "\"Quo\\\"ted\" <\"local part\"@dom.ain>",
		  "(({7}\r\nQuo\"ted NIL \"local part\" \"dom.ain\"))" },
	};

	test_begin("address lists as ENVELOPE (Dovecot 2.3.19)");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		SCRATCH_BEGIN {
			test_assert_strcmp(envelope_addr(tests[i].in),
				tests[i].out);
		} SCRATCH_END;
	}
	test_end();
}

static void test_address_write(void)
{
	static const struct {
		const char *in, *out;
	} tests[] = {
		{ "a@b", "a@b" },
		{ "Name <a@b>", "Name <a@b>" },
		{ "\"A, B\" <a@b>", "\"A, B\" <a@b>" },
		{ "g: a@b, \"x y\"@c;", "g: a@b, \"x y\"@c;" },
		{ "<@r:a@b>", "<@r:a@b>" },
		{ "=?utf-8?q?x?= <a@b>", "=?utf-8?q?x?= <a@b>" },
		{ "a@b, c@d", "a@b, c@d" },
	};

	test_begin("address write");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		SCRATCH_BEGIN {
			struct message_address *addr = message_address_parse(
				scratch_arena(), tests[i].in,
				strlen(tests[i].in), 0, 0);
			struct buf out;

			buf_init(&out, scratch_arena(), 64, 0);
			test_assert(message_address_write(&out, addr) == 0);
			test_assert_strcmp(buf_cstr(&out), tests[i].out);
		} SCRATCH_END;
	}
	/* without FILL_MISSING, missing parts are empty strings */
	struct message_address *a = message_address_parse(scratch_arena(),
		"user", 4, 0, 0);
	test_assert(a != NULL && strcmp(a->mailbox, "user") == 0 &&
		strcmp(a->domain, "") == 0 && a->invalid_syntax);
	/* max_addresses */
	a = message_address_parse(scratch_arena(), "a@b, c@d, e@f", 13, 2, 0);
	test_assert(a != NULL && a->next != NULL && a->next->next == NULL);
	test_end();
}

static void test_display_name(void)
{
	struct arena *arena = scratch_arena();
	const char *v = "=?iso-8859-1?q?J=F6rg?= <j@x>, b@c";
	struct message_address *a = message_address_parse(arena, v, strlen(v),
		0, 0);

	test_begin("display names");
	test_assert_strcmp(message_address_display_name(arena, a),
		"J\xc3\xb6rg");
	test_assert_strcmp(message_address_display_name(arena, a->next),
		"b@c");
	test_assert_strcmp(message_address_get_addr(arena, a), "j@x");
	a = message_address_parse(arena, "list: x@y;", 10, 0, 0);
	test_assert_strcmp(message_address_display_name(arena, a), "list");
	test_assert_strcmp(message_address_display_name(arena, NULL), "");
	test_end();
}

static void test_date(void)
{
	static const struct {
		const char *in;
		time_t t;
		int tz;
	} good[] = {
		{ "Thu, 15 Feb 2007 01:02:03 +0200", 1171494123, 120 },
		{ "15 Feb 2007 01:02:03 +0200", 1171494123, 120 },
		{ "Thu, 15 Feb 2007 01:02 -0130", 1171506720, -90 },
		{ "Thu, 1 Jan 1970 00:00:00 GMT", 0, 0 },
		{ "1 jan 70 00:00:00 EST", 5 * 3600, -300 },
		{ "1 Jan 69 00:00:00 +0000", 3124224000, 0 },
		{ "Sat, 24 Mar 2007 23:00:00 +0200 (EET)", 1174770000, 120 },
		{ "Sat, 24 Mar 2007 23:00:00", 1174777200, 0 },
		{ "Sat, 24 Mar 2007 23.00.00 Z", 1174777200, 0 },
		{ "Sat, 24 Mar 2007 23:00:60 +0000", 1174777259, 0 },
		{ "(c) Sat , 24 (x) Mar 2007 23:00:00 PDT", 1174802400, -420 },
	};
	static const char *const bad[] = {
		"", "garbage", "Thu 15 Feb 2007 01:02:03 +0200",
		"32 Jan 2007 01:02:03", "29 Feb 2007 01:02:03",
		"15 Foo 2007 01:02:03", "15 Feb 207 01:02:03",
		"15 Feb 2007 24:02:03", "15 Feb 2007 01", "15 Feb 1800 01:00",
	};
	time_t t;
	int tz;

	test_begin("RFC 5322 dates");
	for (unsigned int i = 0; i < N_ELEMENTS(good); i++) {
		bool ok = message_date_parse(good[i].in, strlen(good[i].in),
			&t, &tz);
		test_assert(ok && t == good[i].t && tz == good[i].tz);
		if (!ok || t != good[i].t)
			i_error("date %u: %s -> %lld", i, good[i].in,
				(long long)t);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++)
		test_assert(!message_date_parse(bad[i], strlen(bad[i]), &t,
			&tz));

	struct buf out;
	buf_init(&out, scratch_arena(), 64, 0);
	test_assert(message_date_write(&out, 1171494123, 120) == 0);
	test_assert_strcmp(buf_cstr(&out), "Thu, 15 Feb 2007 01:02:03 +0200");
	test_end();

	test_begin("IMAP dates");
	char dt[IMAP_DATETIME_BUF_SIZE], d[IMAP_DATE_BUF_SIZE];
	test_assert(imap_datetime_parse("24-Nov-2026 11:06:57 +0000", &t, &tz));
	imap_datetime_format(dt, t, tz);
	test_assert_strcmp(dt, "24-Nov-2026 11:06:57 +0000");
	test_assert(imap_datetime_parse(" 4-Jan-2014 01:03:06 +0200", &t,
		&tz) && tz == 120);
	imap_datetime_format(dt, t, tz);
	test_assert_strcmp(dt, "04-Jan-2014 01:03:06 +0200");
	imap_datetime_format(dt, t, -330);
	test_assert_strcmp(dt, "03-Jan-2014 17:33:06 -0530");
	test_assert(!imap_datetime_parse("24-Nov-2026 11:06:57", &t, &tz));
	test_assert(!imap_datetime_parse("24-Nov-2026 11:06:57 +0060", &t,
		&tz));
	test_assert(!imap_datetime_parse("31-Nov-2026 11:06:57 +0000", &t,
		&tz));
	test_assert(imap_date_parse("1-Feb-1994", &t) && t == 760060800);
	test_assert(imap_date_parse("01-feb-1994", &t) && t == 760060800);
	test_assert(!imap_date_parse("1-Feb-94", &t));
	test_assert(!imap_date_parse("1-Feb-1994 ", &t));
	imap_date_format(d, 760060800);
	test_assert_strcmp(d, "1-Feb-1994");
	/* extreme values do not overflow the buffers */
	imap_datetime_format(dt, (time_t)INT64_MAX, 0);
	test_assert_strcmp(dt, "31-Dec-9999 23:59:59 +0000");
	imap_date_format(d, (time_t)INT64_MIN);
	test_assert_strcmp(d, "1-Jan-0001");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_address_envelope,
		test_address_write,
		test_display_name,
		test_date,
		NULL
	};
	return test_run(tests);
}
