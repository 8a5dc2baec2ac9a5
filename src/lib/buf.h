/*
 * buf.h - bounded, growable byte buffers and length-carrying slices.
 *
 * A buf never grows past its max: appends that would exceed it fail with
 * -1 and leave the buffer unchanged, which callers turn into a protocol
 * error ("line too long") rather than unbounded memory use.  The data is
 * always followed by a NUL byte (not counted in used) so that text buffers
 * can be handed to APIs wanting C strings, but parsers must use used.
 */
#ifndef ROOST_BUF_H
#define ROOST_BUF_H

struct slice {
	const char *ptr;
	size_t len;
};

#define SLICE_STR(s) ((struct slice){ (s), strlen(s) })

struct buf {
	char *data;
	size_t used;
	size_t size;
	size_t max; /* 0 = unbounded (only for trusted, locally built data) */
	struct arena *arena; /* NULL = heap */
};

/* Initialises an empty buffer; memory comes from arena or the heap. */
void buf_init(struct buf *buf, struct arena *arena, size_t initial,
	size_t max);
/* Releases heap memory (no-op for arena buffers). */
void buf_free(struct buf *buf);
void buf_reset(struct buf *buf);

/* Returns 0, or -1 if max would be exceeded (buf unchanged). */
int buf_append(struct buf *buf, const void *data, size_t len)
	ATTR_NODISCARD;
int buf_append_str(struct buf *buf, const char *s) ATTR_NODISCARD;
int buf_append_c(struct buf *buf, char c) ATTR_NODISCARD;
int buf_printf(struct buf *buf, const char *fmt, ...)
	ATTR_FORMAT(2, 3) ATTR_NODISCARD;
int buf_vprintf(struct buf *buf, const char *fmt, va_list args)
	ATTR_FORMAT(2, 0) ATTR_NODISCARD;
/* Removes the first n bytes. */
void buf_consume(struct buf *buf, size_t n);
/* Shrinks used to len (len <= used). */
void buf_truncate(struct buf *buf, size_t len);

static inline const char *buf_cstr(const struct buf *buf)
{
	return buf->data == NULL ? "" : buf->data;
}

#endif
