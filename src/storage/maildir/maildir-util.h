/*
 * maildir-util.h - small helpers private to src/storage/maildir: appending
 * to unbounded buffers (max 0), whose appends can't fail; they are only
 * used for strings we build ourselves from bounded inputs.
 */
#ifndef ROOST_MAILDIR_UTIL_H
#define ROOST_MAILDIR_UTIL_H

#include "buf.h"

static inline void ubuf_append(struct buf *b, const void *data, size_t len)
{
	i_assert(b->max == 0);
	if (buf_append(b, data, len) < 0)
		i_panic("unbounded buffer refused data");
}

static inline void ubuf_append_str(struct buf *b, const char *s)
{
	ubuf_append(b, s, strlen(s));
}

static inline void ubuf_append_c(struct buf *b, char c)
{
	ubuf_append(b, &c, 1);
}

static inline void ATTR_FORMAT(2, 3)
ubuf_printf(struct buf *b, const char *fmt, ...)
{
	va_list args;
	int ret;

	i_assert(b->max == 0);
	va_start(args, fmt);
	ret = buf_vprintf(b, fmt, args);
	va_end(args);
	if (ret < 0)
		i_panic("unbounded buffer refused data");
}

/* Returns the buffer's contents as a string from arena and frees it. */
static inline char *ubuf_finish(struct buf *b, struct arena *arena)
{
	char *ret = arena_strndup(arena, b->data == NULL ? "" : b->data,
		b->used);

	buf_free(b);
	return ret;
}

#endif
