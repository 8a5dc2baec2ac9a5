/*
 * test-mail-decode.c - RFC 2047 words, charsets, UTF-8 sanitising and
 * case folding, base64/quoted-printable (whole and fed byte by byte, with
 * the error counts BINARY relies on), Content-Type parameters and RFC 2231
 * decoding.
 */
#include "lib.h"
#include "buf.h"
#include "mail-charset.h"
#include "mail-titlecase.h"
#include "mail-transfer.h"
#include "mail-utf8.h"
#include "message-content.h"
#include "rfc2047.h"
#include "test-common.h"

static const char *decode2047(const char *in)
{
	return rfc2047_decode_utf8_dup(scratch_arena(), in, strlen(in));
}

static void test_rfc2047(void)
{
	test_begin("RFC 2047");
	test_assert_strcmp(decode2047("=?utf-8?q?encoded?="), "encoded");
	test_assert_strcmp(decode2047("=?UTF-8?Q?a_b=3Dc?="), "a b=c");
	test_assert_strcmp(decode2047("=?iso-8859-1?b?SvZyZw==?="),
		"J\xc3\xb6rg");
	/* white space between adjacent words goes, elsewhere it stays */
	test_assert_strcmp(decode2047("=?utf-8?q?a?= \r\n =?utf-8?q?b?="),
		"ab");
	test_assert_strcmp(decode2047("x =?utf-8?q?a?= y"), "x a y");
	/* a character split across two words of the same charset */
	test_assert_strcmp(decode2047("=?utf-8?q?=C3?= =?utf-8?q?=B6?="),
		"\xc3\xb6");
	/* invalid words are kept as they are */
	test_assert_strcmp(decode2047("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
	test_assert_strcmp(decode2047("=?utf-8?q?unterminated"),
		"=?utf-8?q?unterminated");
	test_assert_strcmp(decode2047("=?utf-8?b?!!!?="), "=?utf-8?b?!!!?=");
	test_assert_strcmp(decode2047("a =?utf-8?b?!!!?= =?utf-8?q?b?="),
		"a =?utf-8?b?!!!?= b");
	/* RFC 2231 language suffix, unknown charset, 8-bit plain text */
	test_assert_strcmp(decode2047("=?utf-8*en?q?x?="), "x");
	test_assert_strcmp(decode2047("=?x-unknown?q?a=E4?="),
		"a" UNICODE_REPLACEMENT_CHAR_UTF8);
	test_assert_strcmp(decode2047("caf\xc3\xa9 \xff"),
		"caf\xc3\xa9 " UNICODE_REPLACEMENT_CHAR_UTF8);
	test_assert_strcmp(decode2047("folded\r\n line"), "folded line");
	test_assert(rfc2047_has_encoded_words("x =?a?q?b?= y", 13));
	test_assert(!rfc2047_has_encoded_words("=?a?q?b", 7));
	test_end();
}

static void test_charset(void)
{
	struct buf out;
	bool unknown;
	struct charset_translation *t;

	test_begin("charsets");
	buf_init(&out, NULL, 16, 0);
	test_assert(mail_charset_to_utf8("iso-8859-1", "M\xfcnchen", 7, &out,
		&unknown) == 0 && !unknown);
	test_assert_strcmp(buf_cstr(&out), "M\xc3\xbcnchen");
	buf_reset(&out);
	test_assert(mail_charset_to_utf8("windows-1252", "\x80", 1, &out,
		&unknown) == 0);
	test_assert_strcmp(buf_cstr(&out), "\xe2\x82\xac");
	buf_reset(&out);
	test_assert(mail_charset_to_utf8("no-such-charset", "a\xffz", 3, &out,
		&unknown) == 0 && unknown);
	test_assert_strcmp(buf_cstr(&out),
		"a" UNICODE_REPLACEMENT_CHAR_UTF8 "z");
	buf_reset(&out);
	test_assert(mail_charset_to_utf8("../../etc/x", "a", 1, &out,
		&unknown) == 0 && unknown);
	buf_reset(&out);
	/* invalid bytes in a known charset: U+FFFD and go on */
	test_assert(mail_charset_to_utf8("utf-8", "a\xc3z", 3, &out,
		NULL) == 0);
	test_assert_strcmp(buf_cstr(&out),
		"a" UNICODE_REPLACEMENT_CHAR_UTF8 "z");
	buf_reset(&out);
	test_assert(mail_charset_to_utf8("shift_jis", "\x82\xa0x", 3, &out,
		NULL) == 0);
	test_assert_strcmp(buf_cstr(&out), "\xe3\x81\x82x");
	buf_reset(&out);
	/* streaming: a multibyte character split between calls */
	test_assert(mail_charset_translation_begin("utf-16le", &t) == 0);
	const char utf16[] = { 'a', 0, 0x3d, 0xd8, 0x00, 0xde };
	for (size_t i = 0; i < sizeof(utf16); i++)
		test_assert(mail_charset_translate(t, utf16 + i, 1, &out) == 0);
	test_assert(mail_charset_translation_end(&t, &out) == 0 && t == NULL);
	test_assert_strcmp(buf_cstr(&out), "a\xf0\x9f\x98\x80");
	buf_reset(&out);
	test_assert(mail_charset_translation_begin("utf-8", &t) == 0);
	const char *u = "\xe2\x82\xac!";
	for (size_t i = 0; i < 4; i++)
		test_assert(mail_charset_translate(t, u + i, 1, &out) == 0);
	test_assert(mail_charset_translation_end(&t, &out) == 0);
	test_assert_strcmp(buf_cstr(&out), u);
	buf_reset(&out);
	/* truncated sequence at the end */
	test_assert(mail_charset_translation_begin("utf-8", &t) == 0);
	test_assert(mail_charset_translate(t, "x\xe2\x82", 3, &out) == 0);
	test_assert(mail_charset_translation_end(&t, &out) == 0);
	test_assert_strcmp(buf_cstr(&out), "x" UNICODE_REPLACEMENT_CHAR_UTF8);
	test_assert(mail_charset_is_utf8("US-ASCII") &&
		mail_charset_is_utf8(NULL) && !mail_charset_is_utf8("latin1"));
	buf_free(&out);
	test_end();
}

static void test_charset_checked(void)
{
	struct buf out;
	bool invalid;

	test_begin("charsets: invalid input reported (search keys)");
	buf_init(&out, NULL, 16, 0);
	test_assert(mail_charset_to_utf8_checked(NULL, "k\xc3\xb6ln", 5, &out,
		&invalid) == 0 && !invalid);
	test_assert_strcmp(buf_cstr(&out), "k\xc3\xb6ln");
	buf_reset(&out);
	test_assert(mail_charset_to_utf8_checked("utf-8", "a\xc3(", 3, &out,
		&invalid) == 0 && invalid);
	buf_reset(&out);
	test_assert(mail_charset_to_utf8_checked("us-ascii", "\xff", 1, &out,
		&invalid) == 0 && invalid);
	buf_reset(&out);
	test_assert(mail_charset_to_utf8_checked("iso-8859-1", "caf\xe9", 4,
		&out, &invalid) == 0 && !invalid);
	test_assert_strcmp(buf_cstr(&out), "caf\xc3\xa9");
	buf_reset(&out);
	/* a lone Shift_JIS lead byte, an odd byte count in UTF-16 */
	test_assert(mail_charset_to_utf8_checked("shift_jis", "\x81", 1, &out,
		&invalid) == 0 && invalid);
	buf_reset(&out);
	test_assert(mail_charset_to_utf8_checked("utf-16le", "x", 1, &out,
		&invalid) == 0 && invalid);
	buf_reset(&out);
	test_assert(mail_charset_to_utf8_checked("utf-16le", "x\0", 2, &out,
		&invalid) == 0 && !invalid);
	test_assert_strcmp(buf_cstr(&out), "x");
	buf_free(&out);
	test_end();
}

static void test_utf8(void)
{
	struct buf out;
	uint32_t chr;
	bool changed;

	test_begin("UTF-8");
	test_assert(utf8_is_valid("a\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", 10));
	test_assert(!utf8_is_valid("\xc0\x80", 2));       /* overlong */
	test_assert(!utf8_is_valid("\xed\xa0\x80", 3));   /* surrogate */
	test_assert(!utf8_is_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	test_assert(!utf8_is_valid("\xe2\x82", 2));       /* truncated */
	test_assert(utf8_get_char((const unsigned char *)"\xe2\x82\xac", 3,
		&chr) == 3 && chr == 0x20ac);
	test_assert(utf8_get_char((const unsigned char *)"\xe2\x28", 2,
		&chr) == -1 && chr == UNICODE_REPLACEMENT_CHAR);

	buf_init(&out, NULL, 16, 0);
	/* each maximal invalid subsequence is one U+FFFD */
	test_assert(utf8_append_sanitised(&out, "a\xe2\x82z\x80\x80", 6,
		&changed) == 0 && changed);
	test_assert_strcmp(buf_cstr(&out),
		"a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd");
	buf_reset(&out);
	const char *mixed =
		"HeLLo \xc3\x84\xc3\x96 \xce\xa3 \xd0\x96 \xe1\xba\x9e";
	/* (U+1E9E folds to "ss" only in full folding: kept) */
	test_assert(utf8_append_casefold(&out, mixed, strlen(mixed)) == 0);
	test_assert_strcmp(buf_cstr(&out),
		"hello \xc3\xa4\xc3\xb6 \xcf\x83 \xd0\xb6 \xe1\xba\x9e");
	test_assert(utf8_casefold_char(0xb5) == 0x3bc);
	test_assert(utf8_casefold_char('Z') == 'z');
	test_assert(utf8_casefold_char(0x10400) == 0x10428);
	buf_reset(&out);
	test_assert(utf8_append_char(&out, 0x10ffff) == 0 && out.used == 4);
	buf_free(&out);
	test_end();
}

static void test_titlecase(void)
{
	struct buf out;
	uint32_t seq[MAIL_TITLECASE_MAX_SEQ];
	/* "aÄä_[ ﬁ 한" */
	const char *in = "a\xc3\x84\xc3\xa4_[ \xef\xac\x81 \xed\x95\x9c";

	test_begin("title case + decomposition sort keys");
	buf_init(&out, NULL, 8, 64);
	test_assert(utf8_append_titlecase_decomposed(&out, in,
		strlen(in)) == 0);
	/* Ä and ä: A + U+0308; the ligature has no simple title case and
	   decomposes to "fi" (as in Dovecot); the Hangul syllable
	   U+D55C is its three jamo U+1112 U+1161 U+11AB */
	test_assert_strcmp(buf_cstr(&out), "AA\xcc\x88" "A\xcc\x88_[ fi "
		"\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab");
	/* so "Äb" sorts after "AZ" and before "B", as in Dovecot */
	test_assert(strcmp("A\xcc\x88" "B", "AZ") > 0 &&
		    strcmp("A\xcc\x88" "B", "B") < 0);
	test_assert(uni_titlecase_decompose('q', seq) == 1 && seq[0] == 'Q');
	test_assert(uni_titlecase_decompose(0x3c3, seq) == 1 &&
		    seq[0] == 0x3a3);
	/* as in Dovecot: dž is title case Dž, not decomposed (a title case
	   letter with an upper case); ḉ is Ç U+0301 (one level only) */
	test_assert(uni_titlecase_decompose(0x1c6, seq) == 1 &&
		    seq[0] == 0x1c5);
	test_assert(uni_titlecase_decompose(0x1e09, seq) == 2 &&
		    seq[0] == 0xc7 && seq[1] == 0x301);
	test_assert(uni_titlecase_decompose(0x10ffff, seq) == 1 &&
		    seq[0] == 0x10ffff);
	/* invalid input becomes U+FFFD; the limit is honoured */
	buf_reset(&out);
	test_assert(utf8_append_titlecase_decomposed(&out, "\xff", 1) == 0);
	test_assert_strcmp(buf_cstr(&out), UNICODE_REPLACEMENT_CHAR_UTF8);
	buf_reset(&out);
	test_assert(utf8_append_titlecase_decomposed(&out,
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaa", 70) < 0);
	buf_free(&out);
	test_end();
}

static const char *decode_cte(enum mail_cte cte, const char *in,
	bool bytewise, unsigned int *errors_r)
{
	struct buf out;

	buf_init(&out, scratch_arena(), 16, 0);
	if (!bytewise) {
		test_assert(mail_cte_decode(cte, in, strlen(in), &out,
			errors_r) == 0);
		return buf_cstr(&out);
	}
	if (cte == MAIL_CTE_BASE64) {
		struct base64_decoder dec;

		base64_decoder_init(&dec);
		for (size_t i = 0; in[i] != '\0'; i++)
			test_assert(base64_decode_more(&dec, in + i, 1,
				&out) == 0);
		test_assert(base64_decode_finish(&dec, &out) == 0);
		*errors_r = dec.errors;
	} else {
		struct qp_decoder dec;

		qp_decoder_init(&dec);
		for (size_t i = 0; in[i] != '\0'; i++)
			test_assert(qp_decode_more(&dec, in + i, 1, &out) == 0);
		test_assert(qp_decode_finish(&dec, &out) == 0);
		*errors_r = dec.errors;
	}
	return buf_cstr(&out);
}

static void test_transfer(void)
{
	static const struct {
		enum mail_cte cte;
		const char *in, *out;
		unsigned int errors;
	} tests[] = {
		{ MAIL_CTE_BASE64, "aGVsbG8K\nd29y bGQ=\n", "hello\nworld", 0 },
		{ MAIL_CTE_BASE64, "aGVsbA==\n\n", "hell", 0 },
		{ MAIL_CTE_BASE64, "aGVsbG8*K\n", "hello\n", 1 },
		{ MAIL_CTE_BASE64, "aGVsbG8", "hello", 1 },
		{ MAIL_CTE_BASE64, "aGVsbA==\nxx", "hell", 2 },
		/* Dovecot's BINARY examples (bare LF -> CRLF for QP) */
		{ MAIL_CTE_QP, "ab=3D  \nc=\nd\n", "ab=\r\ncd\r\n", 0 },
		{ MAIL_CTE_QP, "ab=3d\n", "ab=\r\n", 0 },
		{ MAIL_CTE_QP, "ab =  \nx\n", "ab x\r\n", 0 },
		{ MAIL_CTE_QP, "ab=4g\n", "ab=4g\r\n", 1 },
		{ MAIL_CTE_QP, "ab=", "ab", 1 },
		{ MAIL_CTE_QP, "a=\r\nb\r\nc\rd", "ab\r\nc\rd", 0 },
		{ MAIL_CTE_QP, "=C3=A4 ", "\xc3\xa4", 0 },
		{ MAIL_CTE_7BIT, "as is\n", "as is\n", 0 },
	};
	unsigned int errors;

	test_begin("base64 / quoted-printable, whole and byte by byte");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		for (int bytewise = 0; bytewise <= 1; bytewise++) {
			if (bytewise && tests[i].cte == MAIL_CTE_7BIT)
				continue;
			test_assert_strcmp(decode_cte(tests[i].cte, tests[i].in,
				bytewise, &errors), tests[i].out);
			test_assert(errors == tests[i].errors);
		}
	}
	struct buf out;
	buf_init(&out, NULL, 16, 0);
	test_assert(mail_cte_decode(MAIL_CTE_UNKNOWN, "x", 1, &out, NULL) < 0);
	test_assert(qp_decode_q_word("a_b=3d=4", 8, &out) == 0);
	test_assert_strcmp(buf_cstr(&out), "a b==4");
	buf_free(&out);
	test_assert(mail_cte_parse(NULL) == MAIL_CTE_7BIT &&
		mail_cte_parse("BASE64") == MAIL_CTE_BASE64 &&
		mail_cte_parse("Quoted-Printable") == MAIL_CTE_QP &&
		mail_cte_parse("x-uuencode") == MAIL_CTE_UNKNOWN);
	test_end();
}

static void test_content(void)
{
	struct arena *arena = scratch_arena();
	struct message_content c;
	const char *v;

	test_begin("Content-Type / Content-Disposition / RFC 2231");
	v = "text/plain; charset=\"utf-8\"; format=flowed";
	message_content_type_parse(arena, v, strlen(v), &c);
	test_assert_strcmp(c.type, "text");
	test_assert_strcmp(c.subtype, "plain");
	test_assert(c.params_count == 2);
	test_assert_strcmp(c.params[0].value, "utf-8");

	v = "text";
	message_content_type_parse(arena, v, strlen(v), &c);
	test_assert_strcmp(c.type, "text");
	test_assert_strcmp(c.subtype, "");
	v = "text/plain x";
	message_content_type_parse(arena, v, strlen(v), &c);
	test_assert_strcmp(c.type, "");
	test_assert(c.params_count == 0);

	v = "attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC.txt";
	message_content_disposition_parse(arena, v, strlen(v), &c);
	test_assert_strcmp(c.type, "attachment");
	test_assert(c.params_count == 1);
	test_assert_strcmp(c.params[0].name, "filename*");
	test_assert_strcmp(c.params[0].value, "utf-8''%E2%82%AC.txt");
	test_assert_strcmp(message_content_param_get_decoded(arena, c.params,
		c.params_count, "filename"), "\xe2\x82\xac.txt");

	v = "x/y; name*0=\"abc\"; name*1=\"def\"; b; c=d e; f=\"g h\"";
	message_content_type_parse(arena, v, strlen(v), &c);
	test_assert(c.params_count == 2);
	test_assert_strcmp(c.params[0].name, "f");
	test_assert_strcmp(c.params[1].name, "name");
	test_assert_strcmp(c.params[1].value, "abcdef");
	test_assert_strcmp(message_content_param_get_decoded(arena, c.params,
		c.params_count, "NAME"), "abcdef");
	test_assert(message_content_param_get_decoded(arena, c.params,
		c.params_count, "nothere") == NULL);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_rfc2047,
		test_charset,
		test_charset_checked,
		test_utf8,
		test_titlecase,
		test_transfer,
		test_content,
		NULL
	};
	return test_run(tests);
}
