/*
 * conn.h - a buffered, non-blocking stream connection with back-pressure.
 *
 * A conn owns a socket fd and two buffers.  Input is read as data arrives
 * and the input callback is told; the owner pulls lines or bytes out.
 * Output is queued and written when the socket allows.  When queued output
 * passes output_high the conn stops reading input (so a client that never
 * reads its replies cannot make us buffer without bound) and resumes when
 * it drains below output_low.  Input beyond input_max is never buffered:
 * conn_read_line() reports the over-long line instead.
 *
 * Closing: conn_close() marks the connection closed and schedules the
 * closed callback from the loop; the owner destroys it there, never from
 * inside a nested callback (STYLE.md).
 */
#ifndef ROOST_CONN_H
#define ROOST_CONN_H

struct buf;
struct conn;

struct conn_settings {
	/* Maximum buffered input, and so the longest line (bytes). */
	size_t input_max;
	/* Stop reading when more than this much output is queued. */
	size_t output_high;
	/* Resume reading when queued output drops below this. */
	size_t output_low;
	/* Close after this long without input (0 = never). */
	unsigned int idle_timeout_msecs;
};

struct conn_callbacks {
	/* New input is buffered (or the buffer is still non-empty after a
	   resume).  Read with conn_read_line()/conn_input_peek(). */
	void (*input)(struct conn *conn, void *context);
	/* All queued output was written (optional). */
	void (*output_drained)(struct conn *conn, void *context);
	/* The peer closed, an error happened, the idle timer fired or
	   conn_close() was called.  reason is for logging ("EOF",
	   "Connection reset by peer", "Idle timeout", ...).  The owner
	   should destroy the conn here. */
	void (*closed)(struct conn *conn, void *context, const char *reason);
};

/* Takes ownership of fd (made non-blocking, close-on-exec). */
struct conn *conn_create(int fd, const struct conn_settings *set,
	const struct conn_callbacks *callbacks, void *context);
/* Closes the fd (unless detached) and frees everything. */
void conn_destroy(struct conn **conn);
int conn_fd(const struct conn *conn);

/*
 * Returns 1 with the next line (without CRLF/LF, NUL-terminated, valid
 * until the next conn call), 0 when no full line is buffered yet, or -1
 * when the line exceeds input_max (the input is then left unread; the
 * caller answers with a protocol error and usually closes).
 */
int conn_read_line(struct conn *conn, const char **line_r, size_t *len_r);
/* Buffered input without consuming it (contiguous). */
const unsigned char *conn_input_peek(struct conn *conn, size_t *size_r);
void conn_input_consume(struct conn *conn, size_t size);
size_t conn_input_size(const struct conn *conn);
/* Stop/resume invoking the input callback and reading from the socket. */
void conn_input_pause(struct conn *conn);
void conn_input_resume(struct conn *conn);

/* Queues output; errors are sticky and reported through closed(). */
void conn_write(struct conn *conn, const void *data, size_t size);
void conn_write_str(struct conn *conn, const char *str);
void conn_printf(struct conn *conn, const char *fmt, ...) ATTR_FORMAT(2, 3);
size_t conn_output_size(const struct conn *conn);
/* True when output is above output_high (stop producing; wait for
   output_drained). */
bool conn_output_is_full(const struct conn *conn);

/* Marks closed: closed() runs from the loop.  With flush, queued output
   is written first (bounded by a short timeout). */
void conn_close(struct conn *conn, const char *reason, bool flush);
bool conn_is_closed(const struct conn *conn);

/*
 * Takes the fd out of the conn for handing it to another process: stops
 * all watching, appends any unread buffered input to unread (may be NULL
 * when none is expected) and returns the fd; conn_destroy() then won't
 * close it.  Queued output must have been flushed (asserted).
 */
int conn_detach(struct conn *conn, struct buf *unread);

/* Remote/local addresses for logging, filled by the owner. */
struct bufferevent *conn_get_bufferevent(struct conn *conn);

#endif
