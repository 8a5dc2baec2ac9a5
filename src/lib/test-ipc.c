/*
 * test-ipc.c - unit tests for ipc.c: round trips of every field type,
 * frames fed one byte at a time, truncation at every offset, lying
 * lengths, left-over bytes, size limits.
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"
#include "test-common.h"

static const unsigned char blob[] = { 0, 1, 2, 0xff, 0 };

static void write_sample(struct buf *buf, uint16_t type)
{
	struct ipc_writer w;

	ipc_begin(&w, buf, type);
	ipc_put_u32(&w, 0xdeadbeef);
	ipc_put_u64(&w, 0x0123456789abcdefULL);
	ipc_put_str(&w, "user@example.com");
	ipc_put_str(&w, "");
	ipc_put_data(&w, blob, sizeof(blob));
	ipc_put_data(&w, NULL, 0);
	i_assert(ipc_end(&w) == 0);
}

/* Reads the sample's fields: 0 when all are there and nothing more. */
static int read_sample(struct ipc_reader *r, struct arena *arena)
{
	const char *s1, *s2;
	const void *d1, *d2;
	size_t n1, n2;
	uint32_t u32;
	uint64_t u64;

	if (ipc_get_u32(r, &u32) < 0 || ipc_get_u64(r, &u64) < 0 ||
	    ipc_get_str(r, arena, &s1) < 0 || ipc_get_str(r, arena, &s2) < 0 ||
	    ipc_get_data(r, &d1, &n1) < 0 || ipc_get_data(r, &d2, &n2) < 0 ||
	    ipc_get_end(r) < 0)
		return -1;
	test_assert(u32 == 0xdeadbeef);
	test_assert(u64 == 0x0123456789abcdefULL);
	test_assert_strcmp(s1, "user@example.com");
	test_assert_strcmp(s2, "");
	test_assert(n1 == sizeof(blob) && memcmp(d1, blob, n1) == 0);
	test_assert(n2 == 0);
	return 0;
}

static void test_ipc_roundtrip(void)
{
	struct arena *arena = arena_create("test", 256);
	struct ipc_reader r;
	struct buf buf;
	ssize_t ret;

	test_begin("ipc round trip of every field type");
	buf_init(&buf, NULL, 16, 4096);
	test_assert(buf_append_str(&buf, "junk") == 0);
	write_sample(&buf, 0x1234);
	/* Header: big-endian payload length, then type. */
	test_assert(buf.used == 4 + 6 + 4 + 8 + 20 + 4 + 9 + 4);
	test_assert(memcmp(buf.data + 4, "\0\0\0\x31\x12\x34", 6) == 0);
	test_assert(memcmp(buf.data + 10, "\xde\xad\xbe\xef", 4) == 0);
	ret = ipc_frame_parse(buf.data + 4, buf.used - 4, &r);
	test_assert(ret == (ssize_t)buf.used - 4);
	test_assert(r.type == 0x1234);
	test_assert(read_sample(&r, arena) == 0);

	/* An empty frame. */
	buf_reset(&buf);
	{
		struct ipc_writer w;

		ipc_begin(&w, &buf, 7);
		test_assert(ipc_end(&w) == 0);
	}
	test_assert(buf.used == 6);
	test_assert(ipc_frame_parse(buf.data, buf.used, &r) == 6);
	test_assert(r.type == 7 && r.size == 0 && ipc_get_end(&r) == 0);
	buf_free(&buf);
	arena_destroy(&arena);
	test_end();
}

static void test_ipc_byte_by_byte(void)
{
	struct arena *arena = arena_create("test", 256);
	struct ipc_reader r;
	struct buf buf, in;
	size_t frame_size, pos = 0;
	unsigned int frames = 0;

	test_begin("ipc frames fed one byte at a time");
	buf_init(&buf, NULL, 16, 4096);
	write_sample(&buf, 1);
	frame_size = buf.used;
	write_sample(&buf, 2);
	write_sample(&buf, 3);
	buf_init(&in, NULL, 16, 4096);
	for (size_t i = 0; i < buf.used; i++) {
		ssize_t ret;

		test_assert(buf_append(&in, buf.data + i, 1) == 0);
		while ((ret = ipc_frame_parse(in.data + pos, in.used - pos,
				&r)) > 0) {
			test_assert((size_t)ret == frame_size);
			test_assert(r.type == frames + 1);
			test_assert(read_sample(&r, arena) == 0);
			pos += (size_t)ret;
			frames++;
			/* A frame completes exactly at its last byte. */
			test_assert(pos == i + 1);
		}
		test_assert(ret == 0);
	}
	test_assert(frames == 3);
	buf_free(&in);
	buf_free(&buf);
	arena_destroy(&arena);
	test_end();
}

static void test_ipc_truncated(void)
{
	struct arena *arena = arena_create("test", 256);
	struct ipc_reader r;
	struct buf buf, copy;
	size_t payload;

	test_begin("ipc truncated at every offset, lying lengths");
	buf_init(&buf, NULL, 16, 4096);
	buf_init(&copy, NULL, 16, 4096);
	write_sample(&buf, 9);
	payload = buf.used - IPC_HEADER_SIZE;

	/* A stream cut anywhere is incomplete, never an error. */
	for (size_t i = 0; i < buf.used; i++)
		test_assert(ipc_frame_parse(buf.data, i, &r) == 0);

	/* The header claims a shorter payload: every cut loses a field or
	   splits one, so the sample can never be read completely. */
	for (size_t k = 0; k < payload; k++) {
		buf_reset(&copy);
		test_assert(buf_append(&copy, buf.data, buf.used) == 0);
		copy.data[0] = (char)(k >> 24);
		copy.data[1] = (char)(k >> 16);
		copy.data[2] = (char)(k >> 8);
		copy.data[3] = (char)k;
		test_assert(ipc_frame_parse(copy.data, copy.used, &r) ==
			(ssize_t)(IPC_HEADER_SIZE + k));
		test_assert(read_sample(&r, arena) == -1);
		test_assert(r.failed);
		/* Sticky. */
		test_assert(ipc_get_end(&r) == -1);
	}

	/* Extra bytes at the end: everything reads, but the end check
	   fails. */
	buf_reset(&copy);
	test_assert(buf_append(&copy, buf.data, buf.used) == 0);
	test_assert(buf_append_c(&copy, 'x') == 0);
	copy.data[3] = (char)(copy.data[3] + 1);
	test_assert(ipc_frame_parse(copy.data, copy.used, &r) > 0);
	test_assert(read_sample(&r, arena) == -1);

	/* A string length pointing past the frame. */
	{
		static const unsigned char frame[] = {
			0, 0, 0, 8, 0, 1, 0, 0, 0, 200, 'a', 'b', 'c', 'd',
		};
		const char *s;
		uint32_t u;

		test_assert(ipc_frame_parse(frame, sizeof(frame), &r) == 14);
		test_assert(ipc_get_str(&r, arena, &s) == -1);
		test_assert(ipc_get_u32(&r, &u) == -1);
	}
	/* A huge length inside the frame (wrap-around attempt). */
	{
		static const unsigned char frame[] = {
			0, 0, 0, 8, 0, 1, 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c',
			'd',
		};
		const void *d;
		size_t n;

		test_assert(ipc_frame_parse(frame, sizeof(frame), &r) == 14);
		test_assert(ipc_get_data(&r, &d, &n) == -1);
	}
	/* NUL inside a string fails; as data it is fine. */
	{
		static const unsigned char frame[] = {
			0, 0, 0, 7, 0, 1, 0, 0, 0, 3, 'a', 0, 'b',
		};
		const char *s;
		const void *d;
		size_t n;

		test_assert(ipc_frame_parse(frame, sizeof(frame), &r) == 13);
		test_assert(ipc_get_str(&r, arena, &s) == -1);
		test_assert(ipc_frame_parse(frame, sizeof(frame), &r) == 13);
		test_assert(ipc_get_data(&r, &d, &n) == 0 && n == 3);
		test_assert(ipc_get_end(&r) == 0);
	}
	buf_free(&copy);
	buf_free(&buf);
	arena_destroy(&arena);
	test_end();
}

static void test_ipc_limits(void)
{
	static const unsigned char too_big[] = { 0, 1, 0, 0, 0, 1 };
	static const unsigned char max_hdr[] = { 0, 0, 0xff, 0xfa, 0, 1 };
	static const unsigned char over_hdr[] = { 0, 0, 0xff, 0xfb, 0, 1 };
	struct ipc_writer w;
	struct ipc_reader r;
	struct buf buf, small;
	char *big;

	test_begin("ipc size limits");
	test_assert(ipc_frame_parse(too_big, sizeof(too_big), &r) == -1);
	/* The largest allowed payload is IPC_FRAME_MAX - header. */
	test_assert(ipc_frame_parse(max_hdr, sizeof(max_hdr), &r) == 0);
	test_assert(ipc_frame_parse(over_hdr, sizeof(over_hdr), &r) == -1);

	big = i_malloc(IPC_FRAME_MAX);
	buf_init(&buf, NULL, 16, 4 * IPC_FRAME_MAX);
	test_assert(buf_append_str(&buf, "keep") == 0);
	ipc_begin(&w, &buf, 1);
	ipc_put_data(&w, big, IPC_FRAME_MAX - IPC_HEADER_SIZE - 4);
	test_assert(ipc_end(&w) == 0);
	test_assert(buf.used == 4 + IPC_FRAME_MAX);
	test_assert(ipc_frame_parse(buf.data + 4, buf.used - 4, &r) ==
		IPC_FRAME_MAX);

	buf_truncate(&buf, 4);
	ipc_begin(&w, &buf, 1);
	ipc_put_data(&w, big, IPC_FRAME_MAX - IPC_HEADER_SIZE - 3);
	test_assert(ipc_end(&w) == -1);
	test_assert(buf.used == 4 && memcmp(buf.data, "keep", 4) == 0);

	ipc_begin(&w, &buf, 1);
	for (unsigned int i = 0; i < 100000; i++)
		ipc_put_u64(&w, i);
	test_assert(ipc_end(&w) == -1);
	test_assert(buf.used == 4);

	/* The buffer's own max. */
	buf_init(&small, NULL, 8, 16);
	ipc_begin(&w, &small, 2);
	ipc_put_str(&w, "0123456789");
	test_assert(ipc_end(&w) == -1);
	test_assert(small.used == 0);
	ipc_begin(&w, &small, 2);
	ipc_put_u32(&w, 5);
	test_assert(ipc_end(&w) == 0 && small.used == 10);
	buf_free(&small);
	buf_free(&buf);
	i_free(big);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_ipc_roundtrip,
		test_ipc_byte_by_byte,
		test_ipc_truncated,
		test_ipc_limits,
		NULL
	};

	return test_run(tests);
}
