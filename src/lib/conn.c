/*
 * conn.c - buffered, non-blocking stream connections on a libevent
 * bufferevent, with bounded input, back-pressure and deferred closing.
 *
 * Memory: nothing is preallocated per connection.  The bufferevent's
 * evbuffers hold only what is in flight (their chains are freed as they
 * drain), input is capped by the read high watermark (= input_max), and
 * the line returned by conn_read_line() is copied into a small buffer that
 * is released after the input callback when it grew past CONN_LINE_KEEP.
 *
 * State: reading from the socket is enabled only while the conn is open,
 * not paused by the owner, not blocked by back-pressure and not stopped by
 * an over-long line (conn_update_read).  Owner callbacks run only from
 * libevent callbacks (bufferevent callbacks are deferred, closed() and
 * resumed input go through defer_ev), never from inside a conn_*() call,
 * so an owner never sees its own call re-enter it.  conn_destroy() from
 * inside a callback is safe: the free waits until the callback returns.
 */
#include "lib.h"
#include "buf.h"
#include "net.h"
#include "ioloop.h"
#include "ioloop-private.h"
#include "conn.h"

#include <signal.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

/* How long conn_close(flush) waits for output to drain. */
#define CONN_CLOSE_FLUSH_MSECS 5000
/* The line buffer is freed after a callback when bigger than this. */
#define CONN_LINE_KEEP 1024

struct conn {
	struct ioloop_link link;
	struct ioloop *ioloop;
	/* What the conn reads and writes through: sock_bev, or a filter
	   (TLS) that owns sock_bev. */
	struct bufferevent *bev;
	struct bufferevent *sock_bev;
	int fd;
	struct conn_settings set;
	struct conn_callbacks cb;
	void *context;

	/* Runs closed() or a resumed input dispatch from the loop. */
	struct event *defer_ev;
	struct event *idle_ev;
	struct event *flush_ev;

	char *line;
	size_t line_size;
	char *close_reason;
	unsigned int callback_depth;

	bool user_paused:1;
	bool output_blocked:1;
	bool input_overflow:1;
	/* conn_close(), EOF, error or idle timeout happened. */
	bool closing:1;
	/* Waiting for output to drain before closed(). */
	bool flushing:1;
	bool write_failed:1;
	bool closed_pending:1;
	bool closed_called:1;
	bool input_pending:1;
	bool detached:1;
	bool bev_replaced:1;
	bool destroy_pending:1;
};

static void conn_readcb(struct bufferevent *bev, void *context);
static void conn_writecb(struct bufferevent *bev, void *context);
static void conn_eventcb(struct bufferevent *bev, short what, void *context);

/*
 * Frees the bufferevents without closing the fd.  libevent defers the final
 * destruction of a bufferevent to the loop (and while one of its callbacks
 * runs, even the deletion of its events), so the fd is first taken out of
 * it: that deletes its events at once, and the caller can close or hand
 * over the fd without libevent ever touching that fd number again.
 */
static void conn_free_bev(struct conn *conn)
{
	(void)bufferevent_disable(conn->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(conn->bev, NULL, NULL, NULL, NULL);
	(void)bufferevent_setfd(conn->sock_bev, -1);
	/* A filter frees sock_bev with itself (BEV_OPT_CLOSE_ON_FREE). */
	bufferevent_free(conn->bev);
	conn->bev = NULL;
	conn->sock_bev = NULL;
}

static void conn_free(struct conn *conn)
{
	ioloop_link_remove(conn->ioloop, &conn->link);
	if (conn->bev != NULL)
		conn_free_bev(conn);
	if (!conn->detached)
		close(conn->fd);
	event_free(conn->defer_ev);
	if (conn->idle_ev != NULL)
		event_free(conn->idle_ev);
	if (conn->flush_ev != NULL)
		event_free(conn->flush_ev);
	i_free(conn->line);
	i_free(conn->close_reason);
	i_free(conn);
}

static void conn_link_free(struct ioloop_link *link)
{
	conn_free((struct conn *)link);
}

static void conn_call_begin(struct conn *conn)
{
	conn->callback_depth++;
}

/* Returns true when the conn was freed (destroyed during the callback). */
static bool conn_call_end(struct conn *conn)
{
	i_assert(conn->callback_depth > 0);
	if (--conn->callback_depth == 0 && conn->destroy_pending) {
		conn_free(conn);
		return true;
	}
	return false;
}

static struct evbuffer *conn_input(const struct conn *conn)
{
	return bufferevent_get_input(conn->bev);
}

static struct evbuffer *conn_output(const struct conn *conn)
{
	return bufferevent_get_output(conn->bev);
}

static void conn_update_read(struct conn *conn)
{
	if (conn->bev == NULL)
		return;
	if (!conn->closing && !conn->user_paused && !conn->output_blocked &&
	    !conn->input_overflow)
		(void)bufferevent_enable(conn->bev, EV_READ);
	else
		(void)bufferevent_disable(conn->bev, EV_READ);
}

static void conn_defer(struct conn *conn)
{
	event_active(conn->defer_ev, EV_TIMEOUT, 0);
}

static void conn_idle_start(struct conn *conn)
{
	struct timeval tv;

	if (conn->idle_ev == NULL)
		return;
	if (conn->set.idle_timeout_msecs == 0 || conn->closing) {
		(void)event_del(conn->idle_ev);
		return;
	}
	tv.tv_sec = conn->set.idle_timeout_msecs / 1000;
	tv.tv_usec = (conn->set.idle_timeout_msecs % 1000) * 1000;
	(void)event_add(conn->idle_ev, &tv);
}

/* From here on closed() is the only callback left; it runs from the loop. */
static void conn_schedule_closed(struct conn *conn)
{
	conn->flushing = false;
	conn->closed_pending = true;
	if (conn->flush_ev != NULL)
		(void)event_del(conn->flush_ev);
	if (conn->bev != NULL)
		(void)bufferevent_disable(conn->bev, EV_READ | EV_WRITE);
	conn_defer(conn);
}

static void conn_flush_timeout_cb(evutil_socket_t fd ATTR_UNUSED,
	short what ATTR_UNUSED, void *context)
{
	conn_schedule_closed(context);
}

static void conn_close_internal(struct conn *conn, const char *reason,
	bool flush)
{
	if (conn->closing) {
		/* A second close without flush cuts a pending flush short. */
		if (!flush && conn->flushing)
			conn_schedule_closed(conn);
		return;
	}
	conn->closing = true;
	conn->close_reason = i_strdup(reason);
	conn->input_pending = false;
	conn_update_read(conn);
	conn_idle_start(conn);

	if (flush && !conn->write_failed && conn->bev != NULL &&
	    evbuffer_get_length(conn_output(conn)) > 0) {
		struct timeval tv = {
			.tv_sec = CONN_CLOSE_FLUSH_MSECS / 1000,
			.tv_usec = (CONN_CLOSE_FLUSH_MSECS % 1000) * 1000,
		};

		conn->flushing = true;
		/* conn_writecb() runs when everything is written. */
		bufferevent_setwatermark(conn->bev, EV_WRITE, 0, 0);
		if (conn->flush_ev == NULL) {
			conn->flush_ev = evtimer_new(
				ioloop_event_base(conn->ioloop),
				conn_flush_timeout_cb, conn);
			i_assert(conn->flush_ev != NULL);
		}
		(void)event_add(conn->flush_ev, &tv);
		return;
	}
	conn_schedule_closed(conn);
}

static void conn_dispatch_input(struct conn *conn)
{
	if (conn->closing || conn->user_paused || conn->output_blocked ||
	    conn->bev == NULL || conn->detached)
		return;
	if (evbuffer_get_length(conn_input(conn)) == 0)
		return;
	conn_call_begin(conn);
	conn->cb.input(conn, conn->context);
	if (conn_call_end(conn))
		return;
	if (conn->line_size > CONN_LINE_KEEP) {
		i_free(conn->line);
		conn->line_size = 0;
	}
}

static void conn_defer_cb(evutil_socket_t fd ATTR_UNUSED,
	short what ATTR_UNUSED, void *context)
{
	struct conn *conn = context;

	if (conn->closed_pending) {
		if (conn->closed_called)
			return;
		conn->closed_called = true;
		conn_call_begin(conn);
		conn->cb.closed(conn, conn->context, conn->close_reason);
		(void)conn_call_end(conn);
		return;
	}
	if (conn->input_pending) {
		conn->input_pending = false;
		conn_dispatch_input(conn);
	}
}

static void conn_idle_cb(evutil_socket_t fd ATTR_UNUSED,
	short what ATTR_UNUSED, void *context)
{
	conn_close_internal(context, "Idle timeout", true);
}

static void conn_readcb(struct bufferevent *bev ATTR_UNUSED, void *context)
{
	struct conn *conn = context;

	if (conn->closing)
		return;
	conn_idle_start(conn);
	conn_dispatch_input(conn);
}

static void conn_writecb(struct bufferevent *bev ATTR_UNUSED, void *context)
{
	struct conn *conn = context;
	size_t len = evbuffer_get_length(conn_output(conn));

	if (conn->flushing) {
		if (len == 0)
			conn_schedule_closed(conn);
		return;
	}
	if (conn->closing)
		return;
	if (conn->output_blocked && len <= conn->set.output_low) {
		/* Back-pressure released: read again, and hand over input
		   that was left buffered while we were blocked. */
		conn->output_blocked = false;
		bufferevent_setwatermark(conn->bev, EV_WRITE, 0, 0);
		conn_update_read(conn);
		if (evbuffer_get_length(conn_input(conn)) > 0) {
			conn->input_pending = true;
			conn_defer(conn);
		}
	}
	if (len == 0 && conn->cb.output_drained != NULL) {
		conn_call_begin(conn);
		conn->cb.output_drained(conn, conn->context);
		(void)conn_call_end(conn);
	}
}

static void conn_eventcb(struct bufferevent *bev ATTR_UNUSED, short what,
	void *context)
{
	struct conn *conn = context;
	/* Deferred bufferevent callbacks restore errno for us. */
	int err = EVUTIL_SOCKET_ERROR();
	const char *reason;

	if ((what & BEV_EVENT_ERROR) != 0) {
		if ((what & BEV_EVENT_WRITING) != 0 || err != 0) {
			/* Sticky: queued output can never be written. */
			conn->write_failed = true;
			(void)evbuffer_drain(conn_output(conn),
				evbuffer_get_length(conn_output(conn)));
		}
		reason = err != 0 ? strerror(err) : "Stream error";
		if (conn->flushing) {
			conn_schedule_closed(conn);
			return;
		}
		conn_close_internal(conn, reason, false);
	} else if ((what & BEV_EVENT_EOF) != 0) {
		/* The peer may have closed only its sending side: try to
		   deliver what we queued (e.g. a reply to its last line). */
		conn_close_internal(conn, "EOF", true);
	}
	/* BEV_EVENT_CONNECTED (a TLS handshake finishing) needs nothing. */
}

static void conn_setup_bev(struct conn *conn)
{
	bufferevent_setcb(conn->bev, conn_readcb, conn_writecb, conn_eventcb,
		conn);
	/* The read high watermark bounds buffered input to input_max:
	   libevent never reads past it. */
	bufferevent_setwatermark(conn->bev, EV_READ, 0, conn->set.input_max);
	bufferevent_setwatermark(conn->bev, EV_WRITE,
		conn->output_blocked ? conn->set.output_low : 0, 0);
	(void)bufferevent_enable(conn->bev, EV_WRITE);
	conn_update_read(conn);
}

static void ignore_sigpipe_once(void)
{
	static bool checked = false;
	struct sigaction act;

	if (checked)
		return;
	checked = true;
	/* A write to a socket the peer closed must fail with EPIPE, not
	   kill the process. */
	if (sigaction(SIGPIPE, NULL, &act) == 0 && act.sa_handler == SIG_DFL)
		signal_ignore(SIGPIPE);
}

struct conn *conn_create(int fd, const struct conn_settings *set,
	const struct conn_callbacks *callbacks, void *context)
{
	struct ioloop *ioloop = current_ioloop();
	struct event_base *base = ioloop_event_base(ioloop);
	struct conn *conn;

	i_assert(fd >= 0);
	i_assert(callbacks->input != NULL && callbacks->closed != NULL);
	ignore_sigpipe_once();
	fd_set_nonblock(fd, true);
	fd_close_on_exec(fd, true);

	conn = i_new(struct conn, 1);
	conn->ioloop = ioloop;
	conn->fd = fd;
	conn->cb = *callbacks;
	conn->context = context;
	if (set != NULL)
		conn->set = *set;
	if (conn->set.input_max == 0)
		conn->set.input_max = CONN_DEFAULT_INPUT_MAX;
	if (conn->set.output_high == 0)
		conn->set.output_high = CONN_DEFAULT_OUTPUT_HIGH;
	if (conn->set.output_low > conn->set.output_high)
		conn->set.output_low = conn->set.output_high;

	/* No BEV_OPT_CLOSE_ON_FREE: conn_free() closes the fd itself. */
	conn->bev = bufferevent_socket_new(base, fd, BEV_OPT_DEFER_CALLBACKS);
	conn->sock_bev = conn->bev;
	conn->defer_ev = event_new(base, -1, 0, conn_defer_cb, conn);
	if (conn->bev == NULL || conn->defer_ev == NULL)
		i_fatal("conn_create(fd=%d): libevent allocation failed", fd);
	if (conn->set.idle_timeout_msecs > 0) {
		conn->idle_ev = evtimer_new(base, conn_idle_cb, conn);
		i_assert(conn->idle_ev != NULL);
		conn_idle_start(conn);
	}
	conn_setup_bev(conn);
	ioloop_link_add(ioloop, &conn->link, conn_link_free);
	return conn;
}

void conn_destroy(struct conn **_conn)
{
	struct conn *conn = *_conn;

	if (conn == NULL)
		return;
	*_conn = NULL;
	if (conn->callback_depth > 0) {
		/* Inside one of our callbacks: finish there. */
		conn->destroy_pending = true;
		conn->closing = true;
		conn->closed_called = true;
		if (conn->bev != NULL)
			(void)bufferevent_disable(conn->bev,
				EV_READ | EV_WRITE);
		return;
	}
	conn_free(conn);
}

int conn_fd(const struct conn *conn)
{
	return conn->detached ? -1 : conn->fd;
}

void conn_set_idle_timeout(struct conn *conn, unsigned int msecs)
{
	conn->set.idle_timeout_msecs = msecs;
	if (msecs > 0 && conn->idle_ev == NULL) {
		conn->idle_ev = evtimer_new(ioloop_event_base(conn->ioloop),
			conn_idle_cb, conn);
		i_assert(conn->idle_ev != NULL);
	}
	conn_idle_start(conn);
}

int conn_read_line(struct conn *conn, const char **line_r, size_t *len_r)
{
	struct evbuffer *input;
	struct evbuffer_ptr pos;
	size_t eol_len, total, len;

	if (conn->bev == NULL || conn->output_blocked)
		return 0;
	input = conn_input(conn);
	pos = evbuffer_search_eol(input, NULL, &eol_len, EVBUFFER_EOL_LF);
	if (pos.pos < 0 || (size_t)pos.pos >= conn->set.input_max) {
		if (pos.pos < 0 &&
		    evbuffer_get_length(input) < conn->set.input_max)
			return 0;
		/* Over-long: stop reading so memory stays bounded. */
		conn->input_overflow = true;
		conn_update_read(conn);
		return -1;
	}
	total = (size_t)pos.pos + 1;
	if (conn->line_size < total) {
		size_t size = 128;

		while (size < total)
			size *= 2;
		i_free(conn->line);
		conn->line = i_malloc(size);
		conn->line_size = size;
	}
	if (evbuffer_remove(input, conn->line, total) != (int)total)
		i_panic("evbuffer_remove() returned short");
	len = total - 1;
	if (len > 0 && conn->line[len - 1] == '\r')
		len--;
	conn->line[len] = '\0';
	*line_r = conn->line;
	if (len_r != NULL)
		*len_r = len;
	return 1;
}

const unsigned char *conn_input_peek(struct conn *conn, size_t *size_r)
{
	struct evbuffer *input;

	if (conn->bev == NULL) {
		*size_r = 0;
		return NULL;
	}
	input = conn_input(conn);
	*size_r = evbuffer_get_length(input);
	if (*size_r == 0)
		return NULL;
	return evbuffer_pullup(input, -1);
}

void conn_input_consume(struct conn *conn, size_t size)
{
	struct evbuffer *input;

	if (size == 0)
		return;
	i_assert(conn->bev != NULL);
	input = conn_input(conn);
	i_assert(size <= evbuffer_get_length(input));
	(void)evbuffer_drain(input, size);
	if (conn->input_overflow) {
		conn->input_overflow = false;
		conn_update_read(conn);
	}
}

size_t conn_input_size(const struct conn *conn)
{
	return conn->bev == NULL ? 0 : evbuffer_get_length(conn_input(conn));
}

void conn_input_pause(struct conn *conn)
{
	conn->user_paused = true;
	conn->input_pending = false;
	conn_update_read(conn);
}

void conn_input_resume(struct conn *conn)
{
	if (!conn->user_paused)
		return;
	conn->user_paused = false;
	conn_update_read(conn);
	if (!conn->closing && conn_input_size(conn) > 0) {
		conn->input_pending = true;
		conn_defer(conn);
	}
}

static void conn_check_output_high(struct conn *conn)
{
	if (conn->output_blocked || conn->flushing)
		return;
	if (evbuffer_get_length(conn_output(conn)) <= conn->set.output_high)
		return;
	conn->output_blocked = true;
	conn->input_pending = false;
	/* conn_writecb() runs once output is at most output_low. */
	bufferevent_setwatermark(conn->bev, EV_WRITE, conn->set.output_low, 0);
	conn_update_read(conn);
}

static bool conn_can_write(const struct conn *conn)
{
	/* Output after a close or an error is dropped silently: the
	   closed() callback reports what happened. */
	return conn->bev != NULL && !conn->closing && !conn->write_failed;
}

void conn_write(struct conn *conn, const void *data, size_t size)
{
	if (size == 0 || !conn_can_write(conn))
		return;
	if (bufferevent_write(conn->bev, data, size) < 0)
		i_fatal("conn_write(): out of memory");
	conn_check_output_high(conn);
}

void conn_write_str(struct conn *conn, const char *str)
{
	conn_write(conn, str, strlen(str));
}

void conn_printf(struct conn *conn, const char *fmt, ...)
{
	va_list args;

	if (!conn_can_write(conn))
		return;
	va_start(args, fmt);
	if (evbuffer_add_vprintf(conn_output(conn), fmt, args) < 0)
		i_fatal("conn_printf(): out of memory");
	va_end(args);
	conn_check_output_high(conn);
}

size_t conn_output_size(const struct conn *conn)
{
	return conn->bev == NULL ? 0 : evbuffer_get_length(conn_output(conn));
}

bool conn_output_is_full(const struct conn *conn)
{
	return conn_output_size(conn) > conn->set.output_high;
}

void conn_close(struct conn *conn, const char *reason, bool flush)
{
	conn_close_internal(conn, reason, flush);
}

bool conn_is_closed(const struct conn *conn)
{
	return conn->closing;
}

int conn_detach(struct conn *conn, struct buf *unread)
{
	struct evbuffer *input;
	size_t size;
	int fd;

	i_assert(!conn->detached && !conn->closing && !conn->bev_replaced);
	i_assert(conn_output_size(conn) == 0);

	input = conn_input(conn);
	size = evbuffer_get_length(input);
	if (size > 0) {
		if (unread == NULL) {
			errno = EBADMSG;
			return -1;
		}
		if (buf_append(unread, evbuffer_pullup(input, -1), size) < 0) {
			errno = ENOBUFS;
			return -1;
		}
	}
	fd = conn->fd;
	conn_free_bev(conn);
	conn->detached = true;
	conn->closing = true;
	conn->input_pending = false;
	if (conn->idle_ev != NULL)
		(void)event_del(conn->idle_ev);
	return fd;
}

struct bufferevent *conn_get_bufferevent(struct conn *conn)
{
	return conn->bev;
}

void conn_replace_bufferevent(struct conn *conn, struct bufferevent *bev)
{
	i_assert(conn->bev != NULL && bev != NULL && bev != conn->bev);
	i_assert(!conn->closing);
	/* The new bufferevent owns the old one (BEV_OPT_CLOSE_ON_FREE) and
	   has taken over its callbacks; sock_bev stays the socket one. */
	conn->bev = bev;
	conn->bev_replaced = true;
	conn_setup_bev(conn);
	if (conn_input_size(conn) > 0 && !conn->user_paused) {
		conn->input_pending = true;
		conn_defer(conn);
	}
}
