/*
 * test-conn.c - unit tests for conn.c over socketpairs and a real loop:
 * lines arriving in pieces, CRLF split across reads, over-long lines,
 * back-pressure (pause while the peer doesn't read, resume when it does),
 * pause/resume, idle timeout, close with flush, closed() exactly once,
 * EOF and reset reasons, detach with unread input, destroy from inside a
 * callback, a filter bufferevent, and per-connection memory.
 */
#include "lib.h"
#include "buf.h"
#include "net.h"
#include "ioloop.h"
#include "conn.h"
#include "test-common.h"

#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/bufferevent.h>

struct test_ctx {
	struct ioloop *ioloop;
	struct conn *conn;
	int peer;
	struct buf lines;
	unsigned int line_count, input_calls, closed_calls, drained_calls;
	unsigned int stop_at_lines;
	char closed_reason[64];
	/* What the input callback does. */
	bool pause_after_line, destroy_in_input, close_on_overflow;
	bool detach_after_line, reply_big, reply_lines;
	int overflow;
	int detached_fd;
	struct buf unread;
	size_t big_size;
};

static void guard_cb(void *context)
{
	struct test_ctx *ctx = context;

	test_assert(!"guard timeout hit");
	ioloop_stop(ctx->ioloop);
}

/* Runs the loop until stopped or 1 s passed. */
static void run(struct test_ctx *ctx)
{
	struct timeout *guard = timeout_add_once(1000, guard_cb, ctx);

	ioloop_run(ctx->ioloop);
	timeout_remove(&guard);
}

static void input_cb(struct conn *conn, void *context)
{
	struct test_ctx *ctx = context;
	const char *line;
	size_t len;
	int ret;

	ctx->input_calls++;
	while ((ret = conn_read_line(conn, &line, &len)) > 0) {
		test_assert(strlen(line) <= len);
		test_assert(buf_append(&ctx->lines, line, len) == 0);
		test_assert(buf_append_c(&ctx->lines, '|') == 0);
		ctx->line_count++;
		if (ctx->reply_big) {
			char *big = i_malloc(ctx->big_size);

			memset(big, 'x', ctx->big_size);
			conn_write(conn, big, ctx->big_size);
			free(big);
		}
		if (ctx->reply_lines)
			conn_printf(conn, "reply %s\n", line);
		if (ctx->destroy_in_input) {
			conn_destroy(&ctx->conn);
			ioloop_stop(ctx->ioloop);
			return;
		}
		if (ctx->detach_after_line) {
			ctx->detached_fd = conn_detach(conn, &ctx->unread);
			ioloop_stop(ctx->ioloop);
			return;
		}
		if (ctx->line_count == ctx->stop_at_lines)
			ioloop_stop(ctx->ioloop);
		if (ctx->pause_after_line) {
			conn_input_pause(conn);
			return;
		}
	}
	if (ret < 0) {
		ctx->overflow++;
		if (ctx->close_on_overflow)
			conn_close(conn, "Too long line", true);
		else
			ioloop_stop(ctx->ioloop);
	}
}

static void drained_cb(struct conn *conn, void *context)
{
	struct test_ctx *ctx = context;

	ctx->drained_calls++;
}

static void closed_cb(struct conn *conn, void *context, const char *reason)
{
	struct test_ctx *ctx = context;

	ctx->closed_calls++;
	test_assert(i_strlcpy(ctx->closed_reason, reason,
			    sizeof(ctx->closed_reason)) == 0);
	test_assert(conn == ctx->conn);
	conn_destroy(&ctx->conn);
	ioloop_stop(ctx->ioloop);
}

static const struct conn_callbacks test_callbacks = {
	.input = input_cb,
	.output_drained = drained_cb,
	.closed = closed_cb,
};

static void ctx_init(struct test_ctx *ctx, const struct conn_settings *set)
{
	int sv[2];

	memset(ctx, 0, sizeof(*ctx));
	ctx->ioloop = ioloop_create();
	i_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ctx->peer = sv[1];
	ctx->detached_fd = -1;
	buf_init(&ctx->lines, NULL, 64, 1024 * 1024);
	buf_init(&ctx->unread, NULL, 64, 1024);
	ctx->conn = conn_create(sv[0], set, &test_callbacks, ctx);
}

static void ctx_deinit(struct test_ctx *ctx)
{
	conn_destroy(&ctx->conn);
	if (ctx->peer >= 0)
		close(ctx->peer);
	if (ctx->detached_fd >= 0)
		close(ctx->detached_fd);
	buf_free(&ctx->lines);
	buf_free(&ctx->unread);
	ioloop_destroy(&ctx->ioloop);
}

/* Writes pieces to the peer from timers, one every 2 ms. */
struct piece_writer {
	int fd;
	const char *const *pieces;
	unsigned int next;
	struct timeout *to;
};

static void piece_cb(void *context)
{
	struct piece_writer *w = context;
	const char *p = w->pieces[w->next];

	if (p == NULL) {
		timeout_remove(&w->to);
		return;
	}
	test_assert(write(w->fd, p, strlen(p)) == (ssize_t)strlen(p));
	w->next++;
}

static size_t peer_read_all(int fd, char *dest, size_t size, int wait_msecs)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t total = 0;
	ssize_t ret;

	while (total < size && poll(&pfd, 1, wait_msecs) == 1) {
		ret = read(fd, dest + total, size - total);
		if (ret <= 0)
			break;
		total += (size_t)ret;
	}
	return total;
}

static void test_conn_lines_in_pieces(void)
{
	static const char *const pieces[] = {
		"hel", "lo\r", "\nwor", "ld\n", "a\r\n\r\n", "x\ry\n", NULL,
	};
	struct test_ctx ctx;
	struct piece_writer w = { .pieces = pieces };

	test_begin("conn lines in pieces, CRLF split across reads");
	ctx_init(&ctx, NULL);
	ctx.stop_at_lines = 5;
	w.fd = ctx.peer;
	w.to = timeout_add(2, piece_cb, &w);
	run(&ctx);
	test_assert(ctx.line_count == 5);
	/* A NUL inside a line is data; len_r tells the real length. */
	test_assert(write(ctx.peer, "b\0c\n", 4) == 4);
	ctx.stop_at_lines = 6;
	run(&ctx);
	test_assert(ctx.lines.used == 23 &&
		memcmp(ctx.lines.data, "hello|world|a||x\ry|b\0c|", 23) == 0);
	test_assert(ctx.closed_calls == 0);
	timeout_remove(&w.to);
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_long_line(void)
{
	struct conn_settings set = { .input_max = 16 };
	struct test_ctx ctx;
	char buf[64];

	test_begin("conn over-long line stops reading");
	ctx_init(&ctx, &set);
	/* Exactly fits: 15 bytes + LF. */
	test_assert(write(ctx.peer, "0123456789abcde\n", 16) == 16);
	ctx.stop_at_lines = 1;
	run(&ctx);
	test_assert_strcmp(buf_cstr(&ctx.lines), "0123456789abcde|");

	test_assert(write(ctx.peer, "0123456789abcdefXYZ\n", 20) == 20);
	run(&ctx);
	test_assert(ctx.overflow == 1);
	/* Only input_max bytes were read; the rest waits in the kernel. */
	test_assert(conn_input_size(ctx.conn) == 16);
	test_assert(write(ctx.peer, "more\n", 5) == 5);
	usleep(10000);
	ctx.close_on_overflow = true;
	conn_input_pause(ctx.conn);
	conn_input_resume(ctx.conn);
	run(&ctx);
	test_assert(ctx.overflow == 2);
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "Too long line");
	test_assert(peer_read_all(ctx.peer, buf, sizeof(buf), 10) == 0);
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_long_line_consume(void)
{
	struct conn_settings set = { .input_max = 8 };
	struct test_ctx ctx;

	test_begin("conn over-long line skipped by consume");
	ctx_init(&ctx, &set);
	test_assert(write(ctx.peer, "aaaaaaaaaaaa\nok\n", 16) == 16);
	run(&ctx);
	test_assert(ctx.overflow == 1);
	/* Skip the garbage up to the LF by hand. */
	conn_input_consume(ctx.conn, conn_input_size(ctx.conn));
	ctx.stop_at_lines = 2;
	run(&ctx);
	test_assert_strcmp(buf_cstr(&ctx.lines), "aaaa|ok|");
	ctx_deinit(&ctx);
	test_end();
}

static void set_small_bufs(int fd)
{
	int size = 4096;

	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void stop_cb(void *context)
{
	ioloop_stop(context);
}

static void run_for(struct test_ctx *ctx, unsigned int msecs)
{
	struct timeout *to = timeout_add_once(msecs, stop_cb, ctx->ioloop);

	ioloop_run(ctx->ioloop);
	timeout_remove(&to);
}

struct drainer {
	int fd;
	size_t total;
	struct io *io;
};

static void drainer_cb(void *context)
{
	struct drainer *d = context;
	char buf[8192];
	ssize_t ret = read(d->fd, buf, sizeof(buf));

	if (ret > 0)
		d->total += (size_t)ret;
}

static void test_conn_backpressure(void)
{
	struct conn_settings set = {
		.output_high = 4096, .output_low = 1024,
	};
	struct test_ctx ctx;
	struct drainer d = { 0 };
	size_t in_before;

	test_begin("conn back-pressure: paused while peer doesn't read");
	ctx_init(&ctx, &set);
	set_small_bufs(conn_fd(ctx.conn));
	set_small_bufs(ctx.peer);
	ctx.reply_big = true;
	ctx.big_size = 256 * 1024;
	test_assert(write(ctx.peer, "a\nb\nc\n", 6) == 6);
	ctx.stop_at_lines = 1;
	run(&ctx);
	run_for(&ctx, 20);
	/* Line a produced more output than the socket takes: b and c stay
	   buffered, and nothing more is read. */
	test_assert(ctx.line_count == 1);
	test_assert(conn_output_is_full(ctx.conn));
	test_assert(conn_input_size(ctx.conn) == 4);
	test_assert(write(ctx.peer, "d\n", 2) == 2);
	run_for(&ctx, 20);
	test_assert(ctx.line_count == 1);
	in_before = conn_input_size(ctx.conn);
	test_assert(in_before == 4);

	/* The peer starts reading: output drains, input resumes and the
	   buffered lines are delivered without new input. */
	ctx.reply_big = false;
	ctx.stop_at_lines = 4;
	d.fd = ctx.peer;
	fd_set_nonblock(ctx.peer, true);
	d.io = io_add(ctx.peer, IO_READ, drainer_cb, &d);
	run(&ctx);
	test_assert(ctx.line_count == 4);
	test_assert_strcmp(buf_cstr(&ctx.lines), "a|b|c|d|");
	run_for(&ctx, 20);
	test_assert(d.total == 256 * 1024);
	test_assert(conn_output_size(ctx.conn) == 0);
	test_assert(!conn_output_is_full(ctx.conn));
	test_assert(ctx.drained_calls >= 1);
	io_remove(&d.io);
	ctx_deinit(&ctx);
	test_end();
}

static void resume_cb(void *context)
{
	struct test_ctx *ctx = context;

	conn_input_resume(ctx->conn);
}

static void test_conn_pause_resume(void)
{
	struct test_ctx ctx;
	struct timeout *to;

	test_begin("conn pause/resume re-offers buffered input");
	ctx_init(&ctx, NULL);
	ctx.pause_after_line = true;
	ctx.stop_at_lines = 1;
	test_assert(write(ctx.peer, "1\n2\n3\n", 6) == 6);
	run(&ctx);
	test_assert(ctx.line_count == 1);
	run_for(&ctx, 10);
	test_assert(ctx.line_count == 1);
	ctx.stop_at_lines = 3;
	to = timeout_add(5, resume_cb, &ctx);
	run(&ctx);
	timeout_remove(&to);
	test_assert_strcmp(buf_cstr(&ctx.lines), "1|2|3|");
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_idle_timeout(void)
{
	static const char *const pieces[] = { "x\n", "y\n", "z\n", NULL };
	struct conn_settings set = { .idle_timeout_msecs = 40 };
	struct piece_writer w = { .pieces = pieces };
	struct test_ctx ctx;
	uint64_t start, elapsed;

	test_begin("conn idle timeout resets on input");
	ctx_init(&ctx, &set);
	w.fd = ctx.peer;
	start = ioloop_now_msecs();
	w.to = timeout_add(20, piece_cb, &w);
	run(&ctx);
	elapsed = ioloop_now_msecs() - start;
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "Idle timeout");
	test_assert_strcmp(buf_cstr(&ctx.lines), "x|y|z|");
	/* Last input at ~60 ms, so closing came at >= 100 ms. */
	test_assert(elapsed >= 95 && elapsed < 900);
	timeout_remove(&w.to);
	ctx_deinit(&ctx);

	ctx_init(&ctx, NULL);
	conn_set_idle_timeout(ctx.conn, 10);
	run(&ctx);
	test_assert_strcmp(ctx.closed_reason, "Idle timeout");
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_close_flush(void)
{
	struct test_ctx ctx;
	char buf[300000];
	size_t n;

	test_begin("conn close with flush; closed() exactly once");
	ctx_init(&ctx, NULL);
	set_small_bufs(conn_fd(ctx.conn));
	memset(buf, 'q', 200000);
	buf[199999] = '\n';
	conn_write(ctx.conn, buf, 200000);
	conn_write_str(ctx.conn, "bye\n");
	conn_close(ctx.conn, "Logged out", true);
	conn_close(ctx.conn, "Again", true);
	test_assert(conn_is_closed(ctx.conn));
	/* Dropped: the conn is closed. */
	conn_write_str(ctx.conn, "late\n");
	test_assert(ctx.closed_calls == 0);
	/* The peer reads slowly from another "process": a thread-free
	   way is to read it all here after the loop ran a bit. */
	fd_set_nonblock(ctx.peer, true);
	n = 0;
	for (unsigned int i = 0; i < 200 && ctx.conn != NULL; i++) {
		ssize_t ret = read(ctx.peer, buf + n, sizeof(buf) - n);

		if (ret > 0)
			n += (size_t)ret;
		run_for(&ctx, 1);
	}
	n += peer_read_all(ctx.peer, buf + n, sizeof(buf) - n, 10);
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "Logged out");
	test_assert(n == 200004);
	test_assert(n == 200004 && memcmp(buf + 200000, "bye\n", 4) == 0);
	/* conn destroyed in closed(): the peer sees EOF. */
	test_assert(read(ctx.peer, buf, 1) == 0);
	run_for(&ctx, 5);
	test_assert(ctx.closed_calls == 1);
	ctx_deinit(&ctx);

	/* Without flush, closing is immediate. */
	ctx_init(&ctx, NULL);
	conn_write_str(ctx.conn, "never\n");
	conn_close(ctx.conn, "Killed", false);
	run(&ctx);
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "Killed");
	test_assert(peer_read_all(ctx.peer, buf, sizeof(buf), 10) == 0);
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_eof(void)
{
	struct test_ctx ctx;
	char buf[64];

	test_begin("conn EOF: last line handled, reply flushed, reason EOF");
	ctx_init(&ctx, NULL);
	ctx.reply_lines = true;
	test_assert(write(ctx.peer, "last\n", 5) == 5);
	test_assert(shutdown(ctx.peer, SHUT_WR) == 0);
	run(&ctx);
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "EOF");
	test_assert_strcmp(buf_cstr(&ctx.lines), "last|");
	test_assert(peer_read_all(ctx.peer, buf, sizeof(buf), 10) == 11 &&
		memcmp(buf, "reply last\n", 11) == 0);
	ctx_deinit(&ctx);

	/* A peer that goes away while we write: "Broken pipe" / reset. */
	ctx_init(&ctx, NULL);
	close(ctx.peer);
	ctx.peer = -1;
	conn_write_str(ctx.conn, "to nobody\n");
	run(&ctx);
	test_assert(ctx.closed_calls == 1);
	test_assert(strcmp(ctx.closed_reason, "EOF") == 0 ||
		strcmp(ctx.closed_reason, "Broken pipe") == 0 ||
		strcmp(ctx.closed_reason, "Connection reset by peer") == 0);
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_reset(void)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	struct test_ctx ctx;
	struct ip_addr ip;
	const char *error;
	in_port_t port;
	int lfd, cfd, afd;
	struct pollfd pfd;

	test_begin("conn reset reason");
	memset(&ctx, 0, sizeof(ctx));
	ctx.ioloop = ioloop_create();
	buf_init(&ctx.lines, NULL, 64, 1024);
	buf_init(&ctx.unread, NULL, 64, 1024);
	ctx.detached_fd = -1;
	lfd = net_listen_inet("127.0.0.1", 0, false, 4, &error);
	test_assert(lfd >= 0);
	test_assert(net_getsockname(lfd, NULL, &port) == 0);
	test_assert(net_addr2ip("127.0.0.1", &ip) == 0);
	cfd = net_connect_ip(&ip, port, &error);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	test_assert(poll(&pfd, 1, 1000) == 1);
	afd = net_accept(lfd, NULL, NULL);
	test_assert(afd >= 0);
	ctx.conn = conn_create(afd, NULL, &test_callbacks, &ctx);
	test_assert(setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lin,
			    sizeof(lin)) == 0);
	close(cfd);
	ctx.peer = -1;
	run(&ctx);
	test_assert(ctx.closed_calls == 1);
	test_assert_strcmp(ctx.closed_reason, "Connection reset by peer");
	close(lfd);
	ctx_deinit(&ctx);
	test_end();
}

/* A bufferevent freed while a deferred callback of it is queued holds a
   reference until the loop runs it: destroying the loop must still free
   it (LeakSanitizer in make check fails this test otherwise; the auth
   process leaked one at shutdown). */
static void test_conn_destroy_with_deferred_callback(void)
{
	struct test_ctx ctx;

	test_begin("conn destroyed with a deferred callback queued");
	ctx_init(&ctx, NULL);
	bufferevent_trigger(conn_get_bufferevent(ctx.conn), EV_READ,
		BEV_TRIG_DEFER_CALLBACKS | BEV_TRIG_IGNORE_WATERMARKS);
	ctx_deinit(&ctx);
	test_assert(ctx.input_calls == 0);
	test_end();
}

static void test_conn_detach(void)
{
	struct test_ctx ctx;
	char buf[16];

	test_begin("conn detach keeps unread input and the fd");
	ctx_init(&ctx, NULL);
	ctx.detach_after_line = true;
	test_assert(write(ctx.peer, "LOGIN\nnext\npart", 15) == 15);
	run(&ctx);
	test_assert_strcmp(buf_cstr(&ctx.lines), "LOGIN|");
	test_assert(ctx.detached_fd >= 0);
	test_assert_strcmp(buf_cstr(&ctx.unread), "next\npart");
	test_assert(conn_fd(ctx.conn) == -1);
	conn_destroy(&ctx.conn);
	/* The fd is still open and usable. */
	test_assert(write(ctx.detached_fd, "hi", 2) == 2);
	test_assert(peer_read_all(ctx.peer, buf, 2, 100) == 2 &&
		memcmp(buf, "hi", 2) == 0);
	test_assert(write(ctx.peer, "more", 4) == 4);
	test_assert(peer_read_all(ctx.detached_fd, buf, 4, 100) == 4);
	run_for(&ctx, 5);
	test_assert(ctx.closed_calls == 0);
	ctx_deinit(&ctx);

	/* Unread input with nowhere to put it: refused, nothing changes. */
	ctx_init(&ctx, NULL);
	ctx.pause_after_line = true;
	ctx.stop_at_lines = 1;
	test_assert(write(ctx.peer, "a\nleft", 6) == 6);
	run(&ctx);
	test_assert(conn_detach(ctx.conn, NULL) == -1 && errno == EBADMSG);
	test_assert(conn_fd(ctx.conn) >= 0);
	test_assert(conn_input_size(ctx.conn) == 4);
	ctx_deinit(&ctx);
	test_end();
}

static void test_conn_destroy_in_callback(void)
{
	struct test_ctx ctx;

	test_begin("conn destroy from inside the input callback");
	ctx_init(&ctx, NULL);
	ctx.destroy_in_input = true;
	test_assert(write(ctx.peer, "x\ny\n", 4) == 4);
	run(&ctx);
	test_assert(ctx.conn == NULL && ctx.line_count == 1);
	run_for(&ctx, 5);
	test_assert(ctx.closed_calls == 0);
	ctx_deinit(&ctx);
	test_end();
}

static enum bufferevent_filter_result rot13_filter(struct evbuffer *src,
	struct evbuffer *dst, ev_ssize_t limit ATTR_UNUSED,
	enum bufferevent_flush_mode mode ATTR_UNUSED, void *ctx ATTR_UNUSED)
{
	unsigned char c;

	while (evbuffer_remove(src, &c, 1) == 1) {
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)('a' + (c - 'a' + 13) % 26);
		test_assert(evbuffer_add(dst, &c, 1) == 0);
	}
	return BEV_OK;
}

static void test_conn_filter(void)
{
	struct test_ctx ctx;
	struct bufferevent *filter;
	char buf[64];

	test_begin("conn through a filter bufferevent (TLS stand-in)");
	ctx_init(&ctx, NULL);
	conn_write_str(ctx.conn, "plain\n");
	filter = bufferevent_filter_new(conn_get_bufferevent(ctx.conn),
		rot13_filter, rot13_filter,
		BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, NULL, NULL);
	test_assert(filter != NULL);
	conn_replace_bufferevent(ctx.conn, filter);
	test_assert(conn_get_bufferevent(ctx.conn) == filter);
	ctx.reply_lines = true;
	ctx.stop_at_lines = 1;
	test_assert(write(ctx.peer, "uryyb\n", 6) == 6);
	run(&ctx);
	test_assert_strcmp(buf_cstr(&ctx.lines), "hello|");
	run_for(&ctx, 10);
	/* "plain" went out before the filter, the reply through it. */
	test_assert(peer_read_all(ctx.peer, buf, 18, 100) == 18);
	test_assert(memcmp(buf, "plain\nercyl uryyb\n", 18) == 0);
	ctx_deinit(&ctx);
	test_end();
}

#define MEM_CONNS 100

static void test_conn_memory(void)
{
	struct conn *conns[MEM_CONNS];
	int peers[MEM_CONNS];
	struct test_ctx ctx;
	struct mallinfo2 before, after;
	size_t per_conn;

	test_begin("conn idle memory per connection");
	memset(&ctx, 0, sizeof(ctx));
	ctx.ioloop = ioloop_create();
	buf_init(&ctx.lines, NULL, 64, 1024 * 1024);
	buf_init(&ctx.unread, NULL, 64, 1024);
	ctx.peer = ctx.detached_fd = -1;
	before = mallinfo2();
	for (unsigned int i = 0; i < MEM_CONNS; i++) {
		int sv[2];

		i_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		peers[i] = sv[1];
		conns[i] = conn_create(sv[0], NULL, &test_callbacks, &ctx);
		test_assert(write(sv[1], "a1 NOOP\r\n", 9) == 9);
		conn_write_str(conns[i], "* OK ready\r\n");
	}
	ctx.stop_at_lines = MEM_CONNS;
	run(&ctx);
	run_for(&ctx, 10);
	after = mallinfo2();
	per_conn = (after.uordblks - before.uordblks) / MEM_CONNS;
	/* Under ASan mallinfo2() says nothing; otherwise a few KiB at most
	   (the budget for a whole IMAP connection is 64 KiB). */
	if (after.uordblks != 0) {
		printf("  idle conn heap: %zu bytes each\n", per_conn);
		test_assert(per_conn < 4096);
	}
	test_assert(ctx.line_count == MEM_CONNS);
	for (unsigned int i = 0; i < MEM_CONNS; i++) {
		test_assert(conn_input_size(conns[i]) == 0 &&
			conn_output_size(conns[i]) == 0);
		close(peers[i]);
	}
	/* Left for ioloop_destroy(): leak detection checks it frees them. */
	buf_free(&ctx.lines);
	buf_free(&ctx.unread);
	ioloop_destroy(&ctx.ioloop);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_conn_lines_in_pieces,
		test_conn_long_line,
		test_conn_long_line_consume,
		test_conn_backpressure,
		test_conn_pause_resume,
		test_conn_idle_timeout,
		test_conn_close_flush,
		test_conn_eof,
		test_conn_reset,
		test_conn_detach,
		test_conn_destroy_with_deferred_callback,
		test_conn_destroy_in_callback,
		test_conn_filter,
		test_conn_memory,
		NULL
	};

	return test_run(tests);
}
