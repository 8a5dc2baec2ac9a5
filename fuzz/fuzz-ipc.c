/*
 * fuzz-ipc.c - libFuzzer target for the IPC frame parser and the typed
 * getters (src/lib/ipc.c).
 *
 * The input is a stream of frames.  Each frame's type picks the field
 * sequence to read (two bits per field: u32, u64, str, data), so the
 * fuzzer reaches every getter in every order.  What was read is then
 * written again with the ipc_put_* functions and parsed back, and the two
 * must agree: the writer and the reader are each other's inverse.
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"

#define FUZZ_MAX_FIELDS 8

enum field_kind { FIELD_U32, FIELD_U64, FIELD_STR, FIELD_DATA };

struct field {
	enum field_kind kind;
	uint64_t num;
	const void *data;
	size_t size;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int read_fields(struct ipc_reader *r, struct arena *arena,
	struct field *fields)
{
	unsigned int count = (r->type >> 12) % (FUZZ_MAX_FIELDS + 1);

	for (unsigned int i = 0; i < count; i++) {
		struct field *f = &fields[i];
		uint32_t u32;
		const char *str;
		int ret = -1;

		f->kind = (enum field_kind)((r->type >> (2 * (i % 6))) & 3);
		switch (f->kind) {
		case FIELD_U32:
			ret = ipc_get_u32(r, &u32);
			f->num = u32;
			break;
		case FIELD_U64:
			ret = ipc_get_u64(r, &f->num);
			break;
		case FIELD_STR:
			ret = ipc_get_str(r, arena, &str);
			if (ret == 0) {
				f->data = str;
				f->size = strlen(str);
			}
			break;
		case FIELD_DATA:
			ret = ipc_get_data(r, &f->data, &f->size);
			break;
		}
		if (ret < 0) {
			/* Sticky failure. */
			if (!r->failed || ipc_get_end(r) == 0)
				abort();
			return 0;
		}
	}
	if (ipc_get_end(r) < 0)
		return 0;
	return count + 1;
}

static void check_roundtrip(uint16_t type, const struct field *fields,
	unsigned int count, size_t frame_size)
{
	struct arena *arena = arena_create("fuzz-ipc rt", 1024);
	struct field again[FUZZ_MAX_FIELDS];
	struct ipc_writer w;
	struct ipc_reader r;
	struct buf buf;

	buf_init(&buf, NULL, 64, 2 * IPC_FRAME_MAX);
	ipc_begin(&w, &buf, type);
	for (unsigned int i = 0; i < count; i++) {
		switch (fields[i].kind) {
		case FIELD_U32:
			ipc_put_u32(&w, (uint32_t)fields[i].num);
			break;
		case FIELD_U64:
			ipc_put_u64(&w, fields[i].num);
			break;
		case FIELD_STR:
			ipc_put_str(&w, fields[i].data);
			break;
		case FIELD_DATA:
			ipc_put_data(&w, fields[i].data, fields[i].size);
			break;
		}
	}
	/* The same fields fit the same frame size. */
	if (ipc_end(&w) < 0 || buf.used != frame_size)
		abort();
	if (ipc_frame_parse(buf.data, buf.used, &r) != (ssize_t)buf.used ||
	    r.type != type)
		abort();
	if (read_fields(&r, arena, again) != count + 1)
		abort();
	for (unsigned int i = 0; i < count; i++) {
		if (again[i].kind != fields[i].kind)
			abort();
		if (fields[i].kind == FIELD_U32 ||
		    fields[i].kind == FIELD_U64) {
			if (again[i].num != fields[i].num)
				abort();
		} else if (again[i].size != fields[i].size ||
			   memcmp(again[i].data, fields[i].data,
				   fields[i].size) != 0) {
			abort();
		}
	}
	buf_free(&buf);
	arena_destroy(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_create("fuzz-ipc", 1024);
	struct field fields[FUZZ_MAX_FIELDS];
	struct ipc_reader r;
	size_t pos = 0;
	ssize_t ret;

	while ((ret = ipc_frame_parse(data + pos, size - pos, &r)) > 0) {
		unsigned int n;

		if ((size_t)ret > size - pos || (size_t)ret > IPC_FRAME_MAX ||
		    r.size != (size_t)ret - IPC_HEADER_SIZE)
			abort();
		n = read_fields(&r, arena, fields);
		if (n > 0)
			check_roundtrip(r.type, fields, n - 1, (size_t)ret);
		pos += (size_t)ret;
		arena_reset(arena);
	}
	arena_destroy(&arena);
	return 0;
}
