/*
 * ipc.c - framed, typed messages between Roost processes (the format is
 * described in ipc.h and docs/ipc/framing.md).
 *
 * Writing never fails half-way: a frame that does not fit (IPC_FRAME_MAX
 * or the buffer's max) is removed again by ipc_end().  Reading is strict:
 * every getter checks the bytes left, the first failure sticks, and
 * ipc_get_end() insists that the whole payload was consumed.
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
		((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void ipc_put(struct ipc_writer *w, const void *data, size_t size)
{
	if (w->failed)
		return;
	/* Anything past IPC_FRAME_MAX fails in ipc_end(); stopping here
	   keeps a runaway writer from growing an unbounded buffer. */
	if (w->buf->used - w->start > IPC_FRAME_MAX ||
	    size > IPC_FRAME_MAX - (w->buf->used - w->start) ||
	    buf_append(w->buf, data, size) < 0)
		w->failed = true;
}

void ipc_begin(struct ipc_writer *w, struct buf *buf, uint16_t type)
{
	unsigned char hdr[IPC_HEADER_SIZE];

	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->start = buf->used;
	put_be32(hdr, 0);
	hdr[4] = (unsigned char)(type >> 8);
	hdr[5] = (unsigned char)type;
	ipc_put(w, hdr, sizeof(hdr));
}

void ipc_put_u32(struct ipc_writer *w, uint32_t value)
{
	unsigned char b[4];

	put_be32(b, value);
	ipc_put(w, b, sizeof(b));
}

void ipc_put_u64(struct ipc_writer *w, uint64_t value)
{
	unsigned char b[8];

	put_be32(b, (uint32_t)(value >> 32));
	put_be32(b + 4, (uint32_t)value);
	ipc_put(w, b, sizeof(b));
}

void ipc_put_data(struct ipc_writer *w, const void *data, size_t size)
{
	if (size > IPC_FRAME_MAX) {
		w->failed = true;
		return;
	}
	ipc_put_u32(w, (uint32_t)size);
	ipc_put(w, data, size);
}

void ipc_put_str(struct ipc_writer *w, const char *str)
{
	i_assert(str != NULL);
	ipc_put_data(w, str, strlen(str));
}

int ipc_end(struct ipc_writer *w)
{
	size_t total;

	if (w->failed || w->buf->used - w->start > IPC_FRAME_MAX) {
		buf_truncate(w->buf, w->start);
		return -1;
	}
	total = w->buf->used - w->start;
	i_assert(total >= IPC_HEADER_SIZE);
	put_be32((unsigned char *)w->buf->data + w->start,
		(uint32_t)(total - IPC_HEADER_SIZE));
	return 0;
}

ssize_t ipc_frame_parse(const void *data, size_t size,
	struct ipc_reader *reader_r)
{
	const unsigned char *p = data;
	uint32_t len;

	if (size < IPC_HEADER_SIZE)
		return 0;
	len = get_be32(p);
	if (len > IPC_FRAME_MAX - IPC_HEADER_SIZE)
		return -1;
	if (size - IPC_HEADER_SIZE < len)
		return 0;
	memset(reader_r, 0, sizeof(*reader_r));
	reader_r->type = (uint16_t)((p[4] << 8) | p[5]);
	reader_r->data = p + IPC_HEADER_SIZE;
	reader_r->size = len;
	return (ssize_t)(IPC_HEADER_SIZE + len);
}

/* Takes n bytes from the reader, or fails (sticky). */
static const unsigned char *ipc_take(struct ipc_reader *r, size_t n)
{
	const unsigned char *p;

	if (r->failed || r->size - r->pos < n) {
		r->failed = true;
		return NULL;
	}
	p = r->data + r->pos;
	r->pos += n;
	return p;
}

int ipc_get_u32(struct ipc_reader *r, uint32_t *value_r)
{
	const unsigned char *p = ipc_take(r, 4);

	if (p == NULL)
		return -1;
	*value_r = get_be32(p);
	return 0;
}

int ipc_get_u64(struct ipc_reader *r, uint64_t *value_r)
{
	const unsigned char *p = ipc_take(r, 8);

	if (p == NULL)
		return -1;
	*value_r = ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
	return 0;
}

int ipc_get_data(struct ipc_reader *r, const void **data_r, size_t *size_r)
{
	const unsigned char *p;
	uint32_t len;

	if (ipc_get_u32(r, &len) < 0)
		return -1;
	p = ipc_take(r, len);
	if (p == NULL)
		return -1;
	*data_r = p;
	*size_r = len;
	return 0;
}

int ipc_get_str(struct ipc_reader *r, struct arena *arena,
	const char **str_r)
{
	const void *data;
	size_t size;

	if (ipc_get_data(r, &data, &size) < 0)
		return -1;
	if (memchr(data, '\0', size) != NULL) {
		r->failed = true;
		return -1;
	}
	*str_r = arena_strndup(arena, data, size);
	return 0;
}

int ipc_get_end(struct ipc_reader *r)
{
	if (r->failed || r->pos != r->size) {
		r->failed = true;
		return -1;
	}
	return 0;
}
