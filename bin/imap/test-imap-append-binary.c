/*
 * test-imap-append-binary.c - unit tests for storing literal8 APPENDs:
 * base64 line layout, conversion of "Content-Transfer-Encoding: binary"
 * parts (the root, parts of a multipart, parts inside message/rfc822)
 * with everything else copied byte for byte, and the result decoding
 * back to the original octets.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "mail-transfer.h"
#include "imap-append-binary.h"
#include "test-common.h"

static int write_buf(void *context, const void *data, size_t size)
{
	return buf_append(context, data, size);
}

static int fail_write(void *context, const void *data, size_t size)
{
	unsigned int *left = context;

	(void)data;
	(void)size;
	return (*left)-- == 0 ? -1 : 0;
}

static const char *convert(const char *msg, size_t size)
{
	struct arena *arena = arena_create("convert", 1024);
	struct buf out;

	buf_init(&out, scratch_arena(), 256, 0);
	test_assert(imap_append_binary_convert(arena, msg, size, write_buf,
		&out) == 0);
	arena_destroy(&arena);
	return buf_cstr(&out);
}

static void test_base64_write(void)
{
	unsigned char data[200];
	struct buf out, dec;
	unsigned int errors, i;
	size_t n;

	test_begin("append binary: base64 lines");
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	for (n = 0; n <= sizeof(data); n++) SCRATCH_BEGIN {
		const char *p, *line;

		buf_init(&out, scratch_arena(), 512, 0);
		test_assert(imap_append_base64_write(data, n, write_buf,
			&out) == 0);
		/* 76-character lines, CRLF between them, none at the end */
		for (line = out.data; (p = strstr(line, "\r\n")) != NULL;
		     line = p + 2)
			test_assert(p - line == 76);
		test_assert(strlen(line) <= 76 && strlen(line) % 4 == 0);
		test_assert(out.used == 0 ||
			out.data[out.used - 1] != '\n');
		buf_init(&dec, scratch_arena(), 256, 0);
		test_assert(mail_cte_decode(MAIL_CTE_BASE64, out.data,
			out.used, &dec, &errors) == 0 && errors == 0);
		test_assert(dec.used == n && memcmp(dec.data, data, n) == 0);
	} SCRATCH_END;
	buf_init(&out, NULL, 16, 0);
	test_assert(imap_append_base64_write("\0-\xe4", 3, write_buf,
		&out) == 0);
	test_assert_strcmp(buf_cstr(&out), "AC3k");
	buf_free(&out);
	test_end();
}

static void test_binary_convert(void)
{
	static const char root[] =
		"From: user@domain.org\r\n"
		"Mime-Version: 1.0\r\n"
		"Content-Type: application/octet-stream\r\n"
		"Content-Transfer-Encoding: binary\r\n"
		"X-After: yes\r\n"
		"\r\n"
		"\0-\xe4\r\n\r\n";
	static const char root_expected[] =
		"From: user@domain.org\r\n"
		"Mime-Version: 1.0\r\n"
		"Content-Type: application/octet-stream\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"X-After: yes\r\n"
		"\r\n"
		"AC3kDQoNCg==";
	static const char multi[] =
		"Mime-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=x\n"
		"\n"
		"--x\n"
		"Content-Type: text/plain\n"
		"\n"
		"plain \0 text\n"
		"--x\n"
		"Content-Type: application/octet-stream\n"
		"content-transfer-encoding: BINARY\n"
		"\n"
		"\x01\x02\x03\n"
		"--x\n"
		"Content-Type: message/rfc822\n"
		"\n"
		"Mime-Version: 1.0\n"
		"Content-Transfer-Encoding: binary\n"
		"\n"
		"inner\n"
		"--x--\n";
	static const char multi_expected[] =
		"Mime-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=x\n"
		"\n"
		"--x\n"
		"Content-Type: text/plain\n"
		"\n"
		"plain \0 text\n"
		"--x\n"
		"Content-Type: application/octet-stream\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\n"
		"AQID\n"
		"--x\n"
		"Content-Type: message/rfc822\n"
		"\n"
		"Mime-Version: 1.0\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\n"
		"aW5uZXI=\n"
		"--x--\n";
	static const char plain[] =
		"Subject: no MIME\r\nContent-Transfer-Encoding: binary\r\n"
		"\r\n\0data\r\n";
	struct arena *arena;
	unsigned int left;
	const char *got;

	test_begin("append binary: binary parts become base64");
	SCRATCH_BEGIN {
		got = convert(root, sizeof(root) - 1);
		test_assert(strlen(got) == sizeof(root_expected) - 1 &&
			memcmp(got, root_expected, sizeof(root_expected) - 1)
			== 0);
	} SCRATCH_END;
	SCRATCH_BEGIN {
		struct buf out;

		arena = arena_create("convert", 1024);
		buf_init(&out, scratch_arena(), 256, 0);
		test_assert(imap_append_binary_convert(arena, multi,
			sizeof(multi) - 1, write_buf, &out) == 0);
		test_assert(out.used == sizeof(multi_expected) - 1 &&
			memcmp(out.data, multi_expected, out.used) == 0);
		/* without Mime-Version the field means nothing: as is */
		buf_reset(&out);
		test_assert(imap_append_binary_convert(arena, plain,
			sizeof(plain) - 1, write_buf, &out) == 0);
		test_assert(out.used == sizeof(plain) - 1 &&
			memcmp(out.data, plain, out.used) == 0);
		/* a failing writer stops the conversion */
		for (left = 0; left < 5; left++) {
			unsigned int l = left;

			test_assert(imap_append_binary_convert(arena, multi,
				sizeof(multi) - 1, fail_write, &l) == -1);
		}
		arena_destroy(&arena);
	} SCRATCH_END;
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_base64_write,
		test_binary_convert,
		NULL
	};
	return test_run(tests);
}
