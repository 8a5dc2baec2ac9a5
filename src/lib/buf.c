/*
 * buf.c - bounded growable buffers.
 */
#include "lib.h"
#include "buf.h"

void buf_init(struct buf *buf, struct arena *arena, size_t initial,
	size_t max)
{
	memset(buf, 0, sizeof(*buf));
	buf->arena = arena;
	buf->max = max;
	if (initial > 0) {
		buf->size = size_add(initial, 1);
		buf->data = arena != NULL ? arena_alloc(arena, buf->size) :
					    i_malloc(buf->size);
	}
}

void buf_free(struct buf *buf)
{
	if (buf->arena == NULL)
		free(buf->data);
	buf->data = NULL;
	buf->used = buf->size = 0;
}

void buf_reset(struct buf *buf)
{
	buf->used = 0;
	if (buf->data != NULL)
		buf->data[0] = '\0';
}

static int buf_reserve(struct buf *buf, size_t len)
{
	size_t need = size_add(size_add(buf->used, len), 1), nsize;

	if (buf->max != 0 && buf->used + len > buf->max)
		return -1;
	if (need <= buf->size)
		return 0;
	nsize = buf->size < 64 ? 64 : buf->size;
	while (nsize < need)
		nsize = size_mul(nsize, 2);
	if (buf->max != 0 && nsize > buf->max + 1)
		nsize = I_MAX(need, buf->max + 1);
	if (buf->arena != NULL)
		buf->data = arena_realloc(buf->arena, buf->data, buf->size,
			nsize);
	else
		buf->data = i_realloc(buf->data, buf->size, nsize);
	buf->size = nsize;
	return 0;
}

int buf_append(struct buf *buf, const void *data, size_t len)
{
	if (buf_reserve(buf, len) < 0)
		return -1;
	if (len > 0)
		memcpy(buf->data + buf->used, data, len);
	buf->used += len;
	buf->data[buf->used] = '\0';
	return 0;
}

int buf_append_str(struct buf *buf, const char *s)
{
	return buf_append(buf, s, strlen(s));
}

int buf_append_c(struct buf *buf, char c)
{
	return buf_append(buf, &c, 1);
}

int buf_vprintf(struct buf *buf, const char *fmt, va_list args)
{
	va_list args2;
	int len;

	va_copy(args2, args);
	len = vsnprintf(NULL, 0, fmt, args2);
	va_end(args2);
	if (len < 0 || buf_reserve(buf, (size_t)len) < 0)
		return -1;
	vsnprintf(buf->data + buf->used, (size_t)len + 1, fmt, args);
	buf->used += (size_t)len;
	return 0;
}

int buf_printf(struct buf *buf, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = buf_vprintf(buf, fmt, args);
	va_end(args);
	return ret;
}

void buf_consume(struct buf *buf, size_t n)
{
	i_assert(n <= buf->used);
	memmove(buf->data, buf->data + n, buf->used - n);
	buf->used -= n;
	if (buf->data != NULL)
		buf->data[buf->used] = '\0';
}

void buf_truncate(struct buf *buf, size_t len)
{
	i_assert(len <= buf->used);
	buf->used = len;
	if (buf->data != NULL)
		buf->data[len] = '\0';
}
