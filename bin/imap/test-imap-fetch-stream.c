/*
 * test-imap-fetch-stream.c - unit tests for the FETCH byte streams: LF to
 * CRLF conversion, partial windows that start or end inside a converted
 * line end, reads of every size (one byte at a time included), and BINARY
 * decoding with its size, NUL and error reporting.  Each case is checked
 * against a naive reference conversion.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-fetch-stream.h"
#include "test-common.h"

/* The naive reference: every LF not preceded by CR becomes CRLF. */
static void reference_crlf(const char *in, size_t size, bool prev_cr,
	struct buf *out)
{
	size_t i;
	int r = 0;

	for (i = 0; i < size; i++) {
		bool after_cr = i == 0 ? prev_cr : in[i - 1] == '\r';

		if (in[i] == '\n' && !after_cr)
			r |= buf_append_c(out, '\r');
		r |= buf_append_c(out, in[i]);
	}
	test_assert(r == 0);
}

/* Reads everything with reads of the given sizes (cycling). */
static void read_all(struct fetch_crlf_stream *s, const size_t *sizes,
	unsigned int nsizes, struct buf *out)
{
	unsigned char tmp[64];
	unsigned int i = 0;
	size_t n;

	for (;;) {
		size_t want = sizes[i++ % nsizes];

		n = fetch_crlf_stream_read(s, tmp, want);
		if (n == 0)
			break;
		test_assert(n <= want);
		test_assert(buf_append(out, tmp, n) == 0);
	}
}

static void test_crlf_inputs(const char *const *inputs, unsigned int count)
{
	static const size_t sizes1[] = { 1 };
	static const size_t sizes2[] = { 2, 1, 3 };
	static const size_t sizes3[] = { 64 };
	static const size_t sizes4[] = { 5, 7, 1, 1, 2 };
	static const struct {
		const size_t *v;
		unsigned int n;
	} patterns[] = {
		{ sizes1, 1 }, { sizes2, 3 }, { sizes3, 1 }, { sizes4, 5 },
	};
	struct fetch_crlf_stream s;
	struct buf ref, out;
	unsigned int i, p, pc;
	uint64_t off, len;

	for (i = 0; i < count; i++) {
		const char *in = inputs[i];
		size_t size = strlen(in);

		for (pc = 0; pc < 2; pc++) SCRATCH_BEGIN {
			buf_init(&ref, scratch_arena(), 64, 0);
			reference_crlf(in, size, pc == 1, &ref);
			test_assert(fetch_virtual_size(in, size, pc == 1) ==
				ref.used);
			/* every window, every read pattern */
			for (off = 0; off <= ref.used + 1; off++)
			for (len = 0; len <= ref.used + 1 - off + 1; len++)
			for (p = 0; p < N_ELEMENTS(patterns); p++) {
				uint64_t end = off + len > ref.used ?
					ref.used : off + len;
				bool ok;

				fetch_crlf_stream_init(&s, in, size, true,
					pc == 1);
				ok = fetch_crlf_stream_skip(&s, off);
				test_assert(ok == (off <= ref.used));
				s.limit = len;
				buf_init(&out, scratch_arena(), 64, 0);
				read_all(&s, patterns[p].v, patterns[p].n,
					&out);
				if (off > ref.used) {
					test_assert(out.used == 0);
					continue;
				}
				test_assert(out.used == end - off);
				test_assert(memcmp(out.data, ref.data + off,
					out.used) == 0);
			}
		} SCRATCH_END;
	}
}

static void test_fetch_crlf_stream(void)
{
	static const char *const inputs[] = {
		"", "a", "\n", "\r\n", "\r", "\n\n", "\r\r\n\n",
		"abc\ndef\n", "abc\r\ndef\r\n", "a\nb\r\nc\n\rd\r",
		"\n\r\n\n\r\r\n\nx", "Subject: x\n\nbody\nline2",
	};

	test_begin("fetch stream: LF to CRLF, windows, read sizes");
	test_crlf_inputs(inputs, N_ELEMENTS(inputs));
	test_end();
}

static void test_fetch_crlf_stream_noconvert(void)
{
	static const char data[] = "ab\ncd\r\nef";
	struct fetch_crlf_stream s;
	unsigned char tmp[32];
	size_t n;

	test_begin("fetch stream: without conversion");
	fetch_crlf_stream_init(&s, data, sizeof(data) - 1, false, false);
	test_assert(fetch_crlf_stream_skip(&s, 2));
	s.limit = 4;
	n = fetch_crlf_stream_read(&s, tmp, sizeof(tmp));
	test_assert(n == 4 && memcmp(tmp, "\ncd\r", 4) == 0);
	test_assert(fetch_crlf_stream_read(&s, tmp, sizeof(tmp)) == 0);

	fetch_crlf_stream_init(&s, data, sizeof(data) - 1, false, false);
	test_assert(!fetch_crlf_stream_skip(&s, 10));
	test_assert(fetch_crlf_stream_read(&s, tmp, sizeof(tmp)) == 0);
	test_end();
}

static void test_fetch_crlf_stream_large(void)
{
	struct fetch_crlf_stream s;
	struct buf in, ref, out;
	unsigned char *tmp;
	uint32_t rnd = 1;
	size_t i, n;

	test_begin("fetch stream: 1 MB with random line ends and reads");
	buf_init(&in, NULL, 1024 * 1024, 0);
	for (i = 0; i < 1024 * 1024; i++) {
		char c;

		rnd = rnd * 1103515245 + 12345;
		switch ((rnd >> 16) % 40) {
		case 0: c = '\n'; break;
		case 1: c = '\r'; break;
		default: c = (char)('a' + (rnd >> 8) % 26); break;
		}
		test_assert(buf_append_c(&in, c) == 0);
	}
	buf_init(&ref, NULL, 1100 * 1024, 0);
	reference_crlf(in.data, in.used, false, &ref);
	buf_init(&out, NULL, 1100 * 1024, 0);
	tmp = i_malloc(70000);
	fetch_crlf_stream_init(&s, in.data, in.used, true, false);
	for (;;) {
		rnd = rnd * 1103515245 + 12345;
		n = fetch_crlf_stream_read(&s, tmp, 1 + (rnd >> 8) % 70000);
		if (n == 0)
			break;
		test_assert(buf_append(&out, tmp, n) == 0);
	}
	test_assert(out.used == ref.used &&
		memcmp(out.data, ref.data, ref.used) == 0);
	test_assert(fetch_virtual_size(in.data, in.used, false) == ref.used);
	free(tmp);
	buf_free(&in);
	buf_free(&ref);
	buf_free(&out);
	test_end();
}

static const char *decode_window(enum mail_cte cte, const char *in,
	uint64_t skip, uint64_t limit, size_t read_size)
{
	struct arena *arena = arena_create("decode", 1024);
	struct fetch_decode_stream s;
	unsigned char tmp[64];
	struct buf out;
	size_t n;

	buf_init(&out, scratch_arena(), 64, 0);
	fetch_decode_stream_init(&s, arena, in, strlen(in), true, cte);
	fetch_decode_stream_set_window(&s, skip, limit);
	while ((n = fetch_decode_stream_read(&s, tmp, read_size)) > 0)
		test_assert(buf_append(&out, tmp, n) == 0);
	arena_destroy(&arena);
	return buf_cstr(&out);
}

static void test_fetch_decode_stream(void)
{
	/* from imaptest's fetch-binary-mime-base64 */
	static const char b64[] = "YWJjZGVmZw1oaWprbA0KbW5vCnBxcnN0dXZxeHl6\n";
	static const char decoded[] = "abcdefg\rhijkl\r\nmno\npqrstuvqxyz";
	struct arena *arena = arena_create("measure", 1024);
	uint64_t size, off, len;
	unsigned int errors;
	size_t rs;
	bool nuls;

	test_begin("fetch stream: BINARY decoding");
	fetch_decode_measure(arena, b64, strlen(b64), true, MAIL_CTE_BASE64,
		&size, &nuls, &errors);
	test_assert(size == strlen(decoded) && !nuls && errors == 0);
	for (off = 0; off <= size; off++)
	for (len = 0; len <= size - off + 1; len++)
	for (rs = 1; rs <= 5; rs += 2) SCRATCH_BEGIN {
		const char *got = decode_window(MAIL_CTE_BASE64, b64, off,
			len, rs);
		size_t want = off + len > size ? size - off : len;

		test_assert(strlen(got) == want &&
			memcmp(got, decoded + off, want) == 0);
	} SCRATCH_END;

	/* white space inside base64 is fine, a stray character is not */
	fetch_decode_measure(arena, "  aGVs    \n bG8g  \n   d29y  \t \n"
		"    bGQ= \n", 40, true, MAIL_CTE_BASE64, &size, &nuls,
		&errors);
	test_assert(size == 11 && errors == 0);
	fetch_decode_measure(arena, "aGVs*bG8=\n", 10, true, MAIL_CTE_BASE64,
		&size, &nuls, &errors);
	test_assert(errors > 0);
	fetch_decode_measure(arena, "AAEC\n", 5, true, MAIL_CTE_BASE64,
		&size, &nuls, &errors);
	test_assert(size == 3 && nuls && errors == 0);

	/* quoted-printable: soft breaks go, hard (bare LF) ones are CRLF */
	SCRATCH_BEGIN {
		test_assert_strcmp(decode_window(MAIL_CTE_QP,
			"a=3Db=\nc\nd =\n\n", 0, UINT64_MAX, 3),
			"a=bc\r\nd \r\n");
	} SCRATCH_END;
	fetch_decode_measure(arena, "a=ZZ\n", 5, true, MAIL_CTE_QP,
		&size, &nuls, &errors);
	test_assert(errors > 0);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_fetch_crlf_stream,
		test_fetch_crlf_stream_noconvert,
		test_fetch_crlf_stream_large,
		test_fetch_decode_stream,
		NULL
	};
	return test_run(tests);
}
