/*
 * test-imap-utf7.c - unit tests for modified UTF-7: known vectors in both
 * directions, round trips, and the inputs the strict decoder must refuse.
 */
#include "lib.h"
#include "imap-utf7.h"
#include "buf.h"
#include "test-common.h"

static void test_utf7_vectors(void)
{
	static const struct {
		const char *utf8, *utf7;
	} vectors[] = {
		{ "", "" },
		{ "INBOX", "INBOX" },
		{ "&", "&-" },
		{ "a&b&&", "a&-b&-&-" },
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		  "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" }, /* RFC 3501 §5.1.3 */
		{ "p\xc3\xa4\xc3\xa0", "p&AOQA4A-" }, /* imaptest mutf7 */
		{ "\xc3\xa4", "&AOQ-" },
		{ "\xc3\xa4\xc3\xa5", "&AOQA5Q-" },
		{ "x\xe2\x82\xacy", "x&IKw-y" },
		{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
		{ "\xf0\x9f\x98\x80\xc3\xa4", "&2D3eAADk-" },
		{ "\xc3\xa4&\xc3\xa4", "&AOQ-&-&AOQ-" },
		{ "\x7f", "&AH8-" },
		{ "\x01\x1f", "&AAEAHw-" },
		{ "\xc2\x80", "&AIA-" },
		{ "\xf4\x8f\xbf\xbf", "&2,,f,w-" },
	};
	struct buf buf;
	unsigned int i;

	test_begin("imap utf7: vectors and round trips");
	buf_init(&buf, NULL, 64, 0);
	for (i = 0; i < N_ELEMENTS(vectors); i++) {
		buf_reset(&buf);
		test_assert(imap_utf8_to_utf7(vectors[i].utf8, &buf) == 0);
		test_assert_strcmp(buf_cstr(&buf), vectors[i].utf7);
		buf_reset(&buf);
		test_assert(imap_utf7_to_utf8(vectors[i].utf7, &buf) == 0);
		test_assert_strcmp(buf_cstr(&buf), vectors[i].utf8);
		test_assert(imap_utf7_is_valid(vectors[i].utf7));
	}
	buf_free(&buf);
	test_end();
}

static void test_utf7_roundtrip_all(void)
{
	struct buf utf8, utf7, back;
	uint32_t cp;
	unsigned char s[5];
	bool ok = true;

	test_begin("imap utf7: every code point round-trips");
	buf_init(&utf8, NULL, 64, 0);
	buf_init(&utf7, NULL, 64, 0);
	buf_init(&back, NULL, 64, 0);
	for (cp = 1; cp <= 0x10ffff && ok; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (cp < 0x80) {
			s[0] = cp;
			s[1] = '\0';
		} else if (cp < 0x800) {
			s[0] = 0xc0 | (cp >> 6);
			s[1] = 0x80 | (cp & 0x3f);
			s[2] = '\0';
		} else if (cp < 0x10000) {
			s[0] = 0xe0 | (cp >> 12);
			s[1] = 0x80 | ((cp >> 6) & 0x3f);
			s[2] = 0x80 | (cp & 0x3f);
			s[3] = '\0';
		} else {
			s[0] = 0xf0 | (cp >> 18);
			s[1] = 0x80 | ((cp >> 12) & 0x3f);
			s[2] = 0x80 | ((cp >> 6) & 0x3f);
			s[3] = 0x80 | (cp & 0x3f);
			s[4] = '\0';
		}
		/* alone and between ASCII, so shift boundaries vary */
		buf_reset(&utf8);
		if (buf_printf(&utf8, "a%sb%s%s", s, s, s) < 0)
			ok = false;
		buf_reset(&utf7);
		buf_reset(&back);
		if (imap_utf8_to_utf7(utf8.data, &utf7) < 0 ||
		    imap_utf7_to_utf8(utf7.data, &back) < 0 ||
		    strcmp(back.data, utf8.data) != 0 ||
		    !imap_utf7_is_valid(utf7.data))
			ok = false;
		/* the encoding is printable ASCII only */
		for (size_t i = 0; i < utf7.used; i++) {
			if (utf7.data[i] < 0x20 || utf7.data[i] > 0x7e)
				ok = false;
		}
	}
	test_assert(ok);
	buf_free(&utf8);
	buf_free(&utf7);
	buf_free(&back);
	test_end();
}

static void test_utf7_invalid(void)
{
	static const char *const invalid_utf7[] = {
		"&",          /* unterminated */
		"&AOQ",       /* unterminated */
		"a&AOQ-b&",
		"&Jjo!-",     /* not base64 */
		"&&-",
		"& -",
		"&AOQ/-",     /* '/' is ',' in modified base64 */
		"&U,BTFw-&ZeVnLIqe-", /* adjacent shifts */
		"&AGE-",      /* ASCII 'a' encoded */
		"&ACY-",      /* '&' encoded instead of "&-" */
		"&AAA-",      /* NUL */
		"&AOR-",      /* non-zero padding bits */
		"&AOQA-",     /* a character of padding only */
		"&AOQAA-",    /* 14 leftover bits: a partial unit */
		"&2D0-",      /* lone high surrogate */
		"&2D3YPQ-",   /* high surrogate followed by high */
		"&2D0AZA-",   /* high surrogate followed by non-surrogate */
		"&3gA-",      /* lone low surrogate */
		"\x01",       /* control character */
		"a\x7f",
		"\xc3\xa4",   /* raw 8-bit */
		"INBOX\t",
	};
	static const char *const invalid_utf8[] = {
		"\xff", "\xc3", "a\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf8\x88\x80\x80\x80", "\x80", "\xe2\x82",
	};
	struct buf buf;
	unsigned int i;

	test_begin("imap utf7: invalid input");
	buf_init(&buf, NULL, 64, 0);
	for (i = 0; i < N_ELEMENTS(invalid_utf7); i++) {
		buf_reset(&buf);
		test_assert(buf_append_str(&buf, "keep") == 0);
		test_assert(imap_utf7_to_utf8(invalid_utf7[i], &buf) == -1);
		/* dest is left as it was */
		test_assert_strcmp(buf_cstr(&buf), "keep");
		test_assert(!imap_utf7_is_valid(invalid_utf7[i]));
	}
	for (i = 0; i < N_ELEMENTS(invalid_utf8); i++) {
		buf_reset(&buf);
		test_assert(buf_append_str(&buf, "keep") == 0);
		test_assert(imap_utf8_to_utf7(invalid_utf8[i], &buf) == -1);
		test_assert_strcmp(buf_cstr(&buf), "keep");
	}
	buf_free(&buf);

	/* a full destination fails cleanly too */
	buf_init(&buf, NULL, 8, 8);
	test_assert(buf_append_str(&buf, "ab") == 0);
	test_assert(imap_utf8_to_utf7("\xe6\x97\xa5\xe6\x9c\xac", &buf) == -1);
	test_assert_strcmp(buf_cstr(&buf), "ab");
	test_assert(imap_utf7_to_utf8("abcdefgh", &buf) == -1);
	test_assert_strcmp(buf_cstr(&buf), "ab");
	test_assert(imap_utf7_to_utf8("abcdef", &buf) == 0);
	test_assert_strcmp(buf_cstr(&buf), "ababcdef");
	buf_free(&buf);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_utf7_vectors,
		test_utf7_roundtrip_all,
		test_utf7_invalid,
		NULL
	};
	return test_run(tests);
}
