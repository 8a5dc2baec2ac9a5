/*
 * test-message-header.c - header iteration, unfolding, HEADER.FIELDS
 * filtering (expected bytes from the imaptest fetch-body script and from
 * Dovecot 2.3.19 for headers without an ending empty line), and the
 * lexical layer under it.
 */
#include "lib.h"
#include "buf.h"
#include "message-header.h"
#include "rfc822-lex.h"
#include "test-common.h"

static void test_iter(void)
{
	const char *hdr = "Subject: hi\r\nX-Fold: a\r\n b\r\n\tc\r\n"
		"NoColon\nName \t: value\n\nbody";
	struct message_header_iter iter;
	struct message_header_field f;

	test_begin("header iteration");
	message_header_iter_init(&iter, hdr, strlen(hdr));
	test_assert(message_header_iter_next(&iter, &f));
	test_assert(message_header_name_equals(f.name, "subject"));
	test_assert(f.value.len == 2 && memcmp(f.value.ptr, "hi", 2) == 0);
	test_assert(f.raw.len == 13 && !f.folded && f.offset == 0);
	test_assert(message_header_iter_next(&iter, &f));
	test_assert(f.folded && f.value.len == strlen("a\r\n b\r\n\tc"));
	test_assert_strcmp(message_header_unfold_dup(scratch_arena(), f.value),
		"a b\tc");
	test_assert(message_header_iter_next(&iter, &f));
	test_assert(f.no_colon && f.name.len == 7 && f.value.len == 0);
	test_assert(message_header_iter_next(&iter, &f));
	test_assert(message_header_name_equals(f.name, "NAME") &&
		f.value.len == 5);
	test_assert(!message_header_iter_next(&iter, &f));
	test_assert(iter.eoh_line);
	test_assert(message_header_iter_end_pos(&iter) == strlen(hdr) - 4);
	test_assert(message_header_block_size(hdr, strlen(hdr)) ==
		strlen(hdr) - 4);
	/* no body: the whole data is header */
	test_assert(message_header_block_size("A: b\nC: d", 9) == 9);
	test_assert(message_header_block_size("\r\nbody", 6) == 2);
	test_assert(message_header_block_size("", 0) == 0);

	struct message_header_field found;
	test_assert(message_header_find(hdr, strlen(hdr), "x-fold", &found));
	test_assert(!message_header_find(hdr, strlen(hdr), "nocolon", &found));
	test_end();
}

static const char *filter(const char *hdr, bool exclude,
	const char *const *names, unsigned int count)
{
	struct buf out;

	buf_init(&out, scratch_arena(), 64, 0);
	test_assert(message_header_filter(hdr, strlen(hdr), names, count,
		exclude, &out) == 0);
	return buf_cstr(&out);
}

static void test_filter(void)
{
	/* imaptest fetch-body message 1 (as appended, CRLF) */
	const char *hdr = "From: User1 <user1@domain.org>\r\n"
		"Date: Sat, 24 Mar 2007 23:00:00 +0200\r\n"
		"Subject: s1\r\n\r\n";
	const char *from[] = { "from" }, *from2[] = { "from", "from" };
	const char *fs[] = { "from", "subject" }, *xyz[] = { "xyz" };
	const char *date[] = { "date" };

	test_begin("HEADER.FIELDS / HEADER.FIELDS.NOT");
	test_assert_strcmp(filter(hdr, false, from, 1),
		"From: User1 <user1@domain.org>\r\n\r\n");
	test_assert_strcmp(filter(hdr, false, from2, 2),
		"From: User1 <user1@domain.org>\r\n\r\n");
	test_assert_strcmp(filter(hdr, false, fs, 2),
		"From: User1 <user1@domain.org>\r\nSubject: s1\r\n\r\n");
	test_assert_strcmp(filter(hdr, true, date, 1),
		"From: User1 <user1@domain.org>\r\nSubject: s1\r\n\r\n");
	test_assert_strcmp(filter(hdr, false, xyz, 1), "\r\n");

	/* Dovecot 2.3.19 with LF line ends, a line without ':', a name
	   with space before ':' and no empty line at the end */
	const char *h2 = "Subject: x\nNoColonLine\nX-A : spaced\n x-a: second\n"
		"From: a@b";
	const char *f2[] = { "SUBJECT", "X-A", "FROM", "NOCOLONLINE", "X-FOO" };
	const char *s2[] = { "SUBJECT" };
	test_assert_strcmp(filter(h2, false, f2, 5),
		"Subject: x\r\nX-A : spaced\r\n x-a: second\r\nFrom: a@b\r\n");
	test_assert_strcmp(filter(h2, true, s2, 1),
		"NoColonLine\r\nX-A : spaced\r\n x-a: second\r\nFrom: a@b");
	const char *h3 = "Subject: x\nX-Foo: bar\n baz\n";
	test_assert_strcmp(filter(h3, false, f2, 5),
		"Subject: x\r\nX-Foo: bar\r\n baz\r\n\r\n");
	test_assert_strcmp(filter(h3, true, s2, 1),
		"X-Foo: bar\r\n baz\r\n");

	struct buf small;
	buf_init(&small, NULL, 8, 8);
	test_assert(message_header_filter(hdr, strlen(hdr), from, 1, false,
		&small) < 0);
	buf_free(&small);
	test_end();
}

static void test_unfold(void)
{
	struct buf out;
	struct slice v = { "a\r\n b\n\tc\0d", 10 };

	test_begin("unfold");
	buf_init(&out, NULL, 4, 0);
	test_assert(message_header_unfold(v, &out) == 0);
	test_assert(out.used == 9 &&
		memcmp(out.data, "a b\tc\xef\xbf\xbd" "d", 9) == 0);
	buf_free(&out);
	test_end();
}

static void test_lex(void)
{
	struct rfc822_lex lex;
	struct buf out, comment;

	test_begin("rfc822 lexer");
	buf_init(&out, NULL, 16, 0);
	buf_init(&comment, NULL, 16, 0);

	rfc822_lex_init(&lex, " (a (nested) \\) c) atom.x rest", 31);
	lex.last_comment = &comment;
	test_assert(rfc822_skip_cfws(&lex) == 1);
	test_assert_strcmp(buf_cstr(&comment), "a (nested) ) c");
	test_assert(rfc822_parse_dot_atom(&lex, &out) == 1);
	test_assert_strcmp(buf_cstr(&out), "atom.x");

	buf_reset(&out);
	rfc822_lex_init(&lex, "\"a\\\"b\r\n c\" d", 13);
	test_assert(rfc822_parse_quoted_string(&lex, &out) == 1);
	test_assert_strcmp(buf_cstr(&out), "a\"b c");

	buf_reset(&out);
	rfc822_lex_init(&lex, "\"unterminated", 13);
	test_assert(rfc822_parse_quoted_string(&lex, &out) < 0);

	buf_reset(&out);
	rfc822_lex_init(&lex, "Mr. John \"Q\" Public <", 21);
	test_assert(rfc822_parse_phrase(&lex, &out) == 1);
	test_assert_strcmp(buf_cstr(&out), "Mr. John Q Public");

	buf_reset(&out);
	rfc822_lex_init(&lex, "a . b", 5);
	test_assert(rfc822_parse_dot_atom(&lex, &out) == 0);
	test_assert_strcmp(buf_cstr(&out), "a.b");
	buf_reset(&out);
	rfc822_lex_init(&lex, "a.", 2);
	test_assert(rfc822_parse_dot_atom(&lex, &out) < 0);

	buf_reset(&out);
	rfc822_lex_init(&lex, "[1.2.3.4] x", 11);
	test_assert(rfc822_parse_domain(&lex, &out) == 1);
	test_assert_strcmp(buf_cstr(&out), "[1.2.3.4]");

	buf_reset(&out);
	rfc822_lex_init(&lex, "text/plain", 10);
	test_assert(rfc822_parse_token(&lex, &out) == 1);
	test_assert_strcmp(buf_cstr(&out), "text");

	rfc822_lex_init(&lex, "(unterminated", 13);
	test_assert(rfc822_skip_cfws(&lex) < 0 && rfc822_lex_eof(&lex));
	buf_free(&out);
	buf_free(&comment);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_iter,
		test_filter,
		test_unfold,
		test_lex,
		NULL
	};
	return test_run(tests);
}
