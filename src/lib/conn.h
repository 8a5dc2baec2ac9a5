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
 * inside a nested callback (STYLE.md).  closed() runs exactly once per
 * conn (unless the conn is destroyed or detached first), for every way a
 * connection ends: conn_close(), EOF from the peer, a read/write error or
 * the idle timeout.  (conn_destroy() from inside any conn callback is
 * safe too: the memory is released when the callback returns.)
 *
 * Callbacks never run from inside a conn_*() call: they run from the
 * loop (libevent's deferred bufferevent callbacks), so e.g. conn_write()
 * or conn_close() inside input() cannot re-enter the owner.
 *
 * Addresses for logging: net_getpeername(conn_fd(conn), &ip, &port) and
 * net_getsockname() (net.h); for UNIX sockets net_getunixcred().
 *
 * The first conn_create() sets SIGPIPE to SIG_IGN if it still has the
 * default disposition, so that writing to a closed peer fails with EPIPE
 * (reported through closed()) instead of killing the process.
 *
 * See docs/design/event-loop.md for the design and the memory budget.
 */
#ifndef ROOST_CONN_H
#define ROOST_CONN_H

struct buf;
struct bufferevent;
struct conn;

/* Used for settings left 0 (or set == NULL). */
#define CONN_DEFAULT_INPUT_MAX 8192
#define CONN_DEFAULT_OUTPUT_HIGH (64 * 1024)

struct conn_settings {
	/* Maximum buffered input, and so the longest line including its
	   CRLF/LF (bytes; 0 = CONN_DEFAULT_INPUT_MAX).  libevent never reads
	   past it (read high watermark). */
	size_t input_max;
	/* Stop reading when more than this much output is queued (0 =
	   CONN_DEFAULT_OUTPUT_HIGH).  Not a hard limit: writes beyond it are
	   still queued; producers check conn_output_is_full(). */
	size_t output_high;
	/* Resume reading when queued output drops to this (clamped to
	   output_high; 0 = when fully drained). */
	size_t output_low;
	/* Close ("Idle timeout", with flush) after this long without input
	   (0 = never).  Output does not count as activity. */
	unsigned int idle_timeout_msecs;
};

struct conn_callbacks {
	/* New input is buffered (or the buffer is still non-empty after a
	   resume).  Read with conn_read_line()/conn_input_peek().  Process
	   all complete lines, or conn_input_pause() while busy: input that
	   is left buffered is offered again only when more arrives or on
	   resume (conn_input_resume() or back-pressure release).
	   Required. */
	void (*input)(struct conn *conn, void *context);
	/* All queued output was written (optional).  Runs each time the
	   output buffer empties after writes (not after closing). */
	void (*output_drained)(struct conn *conn, void *context);
	/* The peer closed, an error happened, the idle timer fired or
	   conn_close() was called.  reason is for logging ("EOF",
	   "Connection reset by peer", "Broken pipe", "Idle timeout", or the
	   string given to conn_close(); valid during the call).  The first
	   reason wins.  The owner should destroy the conn here.  Required. */
	void (*closed)(struct conn *conn, void *context, const char *reason);
};

/* Takes ownership of fd (made non-blocking, close-on-exec) and starts
   reading in the current loop.  set may be NULL (defaults).  The conn is
   freed with its loop if still alive at ioloop_destroy(). */
struct conn *conn_create(int fd, const struct conn_settings *set,
	const struct conn_callbacks *callbacks, void *context);
/* Closes the fd (unless detached) and frees everything, without calling
   closed().  Queued output is discarded: conn_close(flush) first to send
   it. */
void conn_destroy(struct conn **conn);
/* The socket (-1 after conn_detach()). */
int conn_fd(const struct conn *conn);
/* Changes the idle timeout (0 = none) and restarts its countdown, e.g. a
   longer one after login or during IMAP IDLE. (Addition.) */
void conn_set_idle_timeout(struct conn *conn, unsigned int msecs);

/*
 * Returns 1 with the next line (without CRLF/LF, NUL-terminated, valid
 * until the next conn call or the end of the current callback; it may
 * contain NULs, so use len_r (may be NULL) for binary-safe length), 0 when
 * no full line is buffered yet OR while output is above output_high
 * (back-pressure: the input callback runs again once it drains), or -1
 * when the line exceeds input_max (the input is then left unread and
 * reading from the socket stops; the caller answers with a protocol error
 * and usually closes; conn_input_consume() resumes reading).  A bare CR
 * inside a line is kept; only the CR right before the LF is removed.
 */
int conn_read_line(struct conn *conn, const char **line_r, size_t *len_r);
/* All buffered input without consuming it (made contiguous; valid until
   the next conn call).  NULL with *size_r = 0 when empty. */
const unsigned char *conn_input_peek(struct conn *conn, size_t *size_r);
/* Drops size (<= conn_input_size) bytes from the front of the input. */
void conn_input_consume(struct conn *conn, size_t size);
size_t conn_input_size(const struct conn *conn);
/* Stop/resume invoking the input callback and reading from the socket.
   Resume offers still-buffered input to the input callback (from the
   loop). */
void conn_input_pause(struct conn *conn);
void conn_input_resume(struct conn *conn);

/* Queues output; errors are sticky and reported through closed().  After
   conn_close() or an error, output is silently dropped. */
void conn_write(struct conn *conn, const void *data, size_t size);
void conn_write_str(struct conn *conn, const char *str);
void conn_printf(struct conn *conn, const char *fmt, ...) ATTR_FORMAT(2, 3);
size_t conn_output_size(const struct conn *conn);
/* True when output is above output_high (stop producing; wait for
   output_drained). */
bool conn_output_is_full(const struct conn *conn);

/* Marks closed: reading stops and closed() runs from the loop.  With
   flush, queued output is written first (giving up after 5 seconds).
   Later calls do nothing, except that a non-flushing close cuts a pending
   flush short. */
void conn_close(struct conn *conn, const char *reason, bool flush);
bool conn_is_closed(const struct conn *conn);

/*
 * Takes the fd out of the conn for handing it to another process: stops
 * all watching, appends any unread buffered input to unread (may be NULL
 * when none is expected) and returns the fd; conn_destroy() then won't
 * close it and closed() is never called.  Queued output must have been
 * flushed (asserted: wait for output_drained) and the conn must not be
 * closed or TLS-wrapped (asserted).  Returns -1 and changes nothing when
 * input is buffered but unread is NULL (errno EBADMSG) or does not fit in
 * unread's max (errno ENOBUFS).  The fd stays non-blocking.
 */
int conn_detach(struct conn *conn, struct buf *unread);

/* The bufferevent the conn reads and writes through (NULL after detach);
   for wrapping it in TLS. */
struct bufferevent *conn_get_bufferevent(struct conn *conn);
/*
 * Switches the conn to read and write through bev, a filter that wraps
 * the current bufferevent, e.g. for STARTTLS or implicit TLS:
 *
 *	bufferevent_openssl_filter_new(ioloop_event_base(current_ioloop()),
 *		conn_get_bufferevent(conn), ssl, BUFFEREVENT_SSL_ACCEPTING,
 *		BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS)
 *
 * bev must own the old bufferevent (BEV_OPT_CLOSE_ON_FREE: freeing bev
 * frees the old one; the conn itself closes the fd) and should defer its
 * callbacks.  The conn takes ownership
 * of bev and sets its callbacks and watermarks.  Output queued before the
 * switch is still written before the filter's output (so "OK Begin TLS"
 * goes out in plain text); input that was buffered but not read is fed to
 * the filter (for STARTTLS that means it is treated as TLS data, never as
 * commands: the handshake fails and the conn closes; check
 * conn_input_size() before switching to refuse pipelining politely).
 * Error reasons from the filter have errno 0 and read "Stream error"; a
 * TLS owner can ask bufferevent_get_openssl_error().  Use
 * bufferevent_openssl_set_allow_dirty_shutdown(bev, 1) so a peer closing
 * without close_notify reads "EOF".  (Addition.)
 */
void conn_replace_bufferevent(struct conn *conn, struct bufferevent *bev);

#endif
