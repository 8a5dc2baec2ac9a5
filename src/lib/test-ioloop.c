/*
 * test-ioloop.c - unit tests for the event loop: fd watches, timers,
 * signals, removal from inside callbacks and cleanup on destroy.
 */
#include "lib.h"
#include "ioloop.h"
#include "test-common.h"

#include <signal.h>

struct counter {
	struct ioloop *ioloop;
	struct timeout *to;
	struct io *io;
	int fd;
	unsigned int count, stop_at;
	char order[16];
	size_t order_len;
};

static void stop_cb(void *context)
{
	struct ioloop *ioloop = context;

	ioloop_stop(ioloop);
}

static void count_cb(void *context)
{
	struct counter *c = context;

	if (++c->count == c->stop_at)
		ioloop_stop(c->ioloop);
}

static void remove_self_cb(void *context)
{
	struct counter *c = context;

	c->count++;
	timeout_remove(&c->to);
}

static void test_ioloop_timeouts(void)
{
	struct ioloop *ioloop;
	struct counter c = { .stop_at = 3 };
	struct counter once = { 0 };
	struct timeout *repeat, *guard;
	uint64_t start;

	test_begin("ioloop timeouts");
	ioloop = ioloop_create();
	test_assert(current_ioloop() == ioloop);
	c.ioloop = ioloop;
	start = ioloop_now_msecs();
	repeat = timeout_add(5, count_cb, &c);
	once.to = timeout_add_once(1, remove_self_cb, &once);
	guard = timeout_add_once(2000, stop_cb, ioloop);
	ioloop_run(ioloop);
	test_assert(c.count == 3);
	test_assert(once.count == 1 && once.to == NULL);
	/* Three 5 ms periods; libevent measures from its cached loop time
	   and we truncate to ms, so allow for early firing (but not none). */
	test_assert(ioloop_now_msecs() - start >= 10);
	test_assert(ioloop_now_msecs() - start < 1000);
	timeout_remove(&repeat);
	test_assert(repeat == NULL);
	timeout_remove(&guard);
	ioloop_destroy(&ioloop);
	test_assert(ioloop == NULL);
	test_end();
}

static void test_ioloop_timeout_reset(void)
{
	struct ioloop *ioloop;
	struct counter c = { .stop_at = 1 };
	struct timeout *to, *guard;
	uint64_t start;

	test_begin("ioloop timeout_reset re-arms a fired one-shot");
	ioloop = ioloop_create();
	c.ioloop = ioloop;
	guard = timeout_add_once(2000, stop_cb, ioloop);
	to = timeout_add_once(5, count_cb, &c);
	ioloop_run(ioloop);
	test_assert(c.count == 1);
	c.stop_at = 2;
	start = ioloop_now_msecs();
	timeout_reset(to);
	ioloop_run(ioloop);
	test_assert(c.count == 2);
	test_assert(ioloop_now_msecs() - start >= 4);
	timeout_remove(&to);
	timeout_remove(&guard);
	ioloop_destroy(&ioloop);
	test_end();
}

static void pipe_read_cb(void *context)
{
	struct counter *c = context;
	char buf[16];
	ssize_t ret = read(c->fd, buf, sizeof(buf));

	if (ret > 0)
		c->count += (unsigned int)ret;
	if (c->count >= c->stop_at) {
		/* Removing our own io from its callback is allowed. */
		io_remove(&c->io);
		ioloop_stop(c->ioloop);
	}
}

static void write_later_cb(void *context)
{
	int *fd = context;

	test_assert(write(*fd, "abc", 3) == 3);
}

static void test_ioloop_io(void)
{
	struct ioloop *ioloop;
	struct counter c = { .stop_at = 6 };
	struct timeout *w1, *w2, *guard;
	int fds[2];

	test_begin("ioloop io");
	test_assert(pipe(fds) == 0);
	ioloop = ioloop_create();
	c.ioloop = ioloop;
	c.fd = fds[0];
	c.io = io_add(fds[0], IO_READ, pipe_read_cb, &c);
	w1 = timeout_add_once(1, write_later_cb, &fds[1]);
	w2 = timeout_add_once(10, write_later_cb, &fds[1]);
	guard = timeout_add_once(2000, stop_cb, ioloop);
	ioloop_run(ioloop);
	test_assert(c.count == 6);
	test_assert(c.io == NULL);
	timeout_remove(&w1);
	timeout_remove(&w2);
	timeout_remove(&guard);
	ioloop_destroy(&ioloop);
	close(fds[0]);
	close(fds[1]);
	test_end();
}

static void write_ready_cb(void *context)
{
	struct counter *c = context;

	if (++c->count == 2) {
		io_remove(&c->io);
		ioloop_stop(c->ioloop);
	}
}

static void test_ioloop_io_write(void)
{
	struct ioloop *ioloop;
	struct counter c = { 0 };
	struct timeout *guard;
	int fds[2];

	test_begin("ioloop io write is persistent");
	test_assert(pipe(fds) == 0);
	ioloop = ioloop_create();
	c.ioloop = ioloop;
	c.io = io_add(fds[1], IO_WRITE, write_ready_cb, &c);
	guard = timeout_add_once(2000, stop_cb, ioloop);
	ioloop_run(ioloop);
	test_assert(c.count == 2);
	timeout_remove(&guard);
	ioloop_destroy(&ioloop);
	close(fds[0]);
	close(fds[1]);
	test_end();
}

static struct counter *sig_counter;

static void sig_a_cb(int signo, void *context)
{
	struct counter *c = context;

	test_assert(signo == SIGUSR1);
	c->order[c->order_len++] = 'a';
}

static void sig_b_cb(int signo, void *context)
{
	struct counter *c = context;

	c->order[c->order_len++] = 'b';
	/* Removing ourselves and a later handler during dispatch. */
	signal_handler_remove(SIGUSR1, sig_b_cb, context);
}

static void sig_c_cb(int signo, void *context)
{
	struct counter *c = context;

	c->order[c->order_len++] = 'c';
	if (c->order_len >= 4)
		ioloop_stop(c->ioloop);
}

static void raise_cb(void *context)
{
	(void)kill(getpid(), SIGUSR1);
}

static void test_ioloop_signals(void)
{
	struct ioloop *ioloop;
	struct counter c = { 0 };
	struct timeout *r1, *r2, *guard;

	test_begin("ioloop signals: order and removal during dispatch");
	ioloop = ioloop_create();
	c.ioloop = ioloop;
	sig_counter = &c;
	signal_handler_add(SIGUSR1, sig_a_cb, &c);
	signal_handler_add(SIGUSR1, sig_b_cb, &c);
	signal_handler_add(SIGUSR1, sig_c_cb, &c);
	r1 = timeout_add_once(1, raise_cb, NULL);
	r2 = timeout_add_once(20, raise_cb, NULL);
	guard = timeout_add_once(2000, stop_cb, ioloop);
	ioloop_run(ioloop);
	c.order[c.order_len] = '\0';
	test_assert_strcmp(c.order, "abcac");
	signal_handler_remove(SIGUSR1, sig_a_cb, &c);
	signal_handler_remove(SIGUSR1, sig_c_cb, &c);
	timeout_remove(&r1);
	timeout_remove(&r2);
	timeout_remove(&guard);
	ioloop_destroy(&ioloop);
	test_end();
}

static void test_ioloop_destroy_frees(void)
{
	struct ioloop *outer, *inner;
	struct counter c = { 0 };
	int fds[2];

	test_begin("ioloop destroy frees leftovers, nesting");
	test_assert(pipe(fds) == 0);
	outer = ioloop_create();
	inner = ioloop_create();
	test_assert(current_ioloop() == inner);
	/* Left for ioloop_destroy() to free; leak detection checks it. */
	(void)io_add(fds[0], IO_READ, pipe_read_cb, &c);
	(void)timeout_add(1000, count_cb, &c);
	(void)timeout_add_once(1000, count_cb, &c);
	signal_handler_add(SIGUSR2, sig_a_cb, &c);
	ioloop_destroy(&inner);
	test_assert(current_ioloop() == outer);
	ioloop_destroy(&outer);
	close(fds[0]);
	close(fds[1]);
	test_end();
}

static void test_ioloop_now(void)
{
	uint64_t a, b;

	test_begin("ioloop_now_msecs monotonic");
	a = ioloop_now_msecs();
	usleep(3000);
	b = ioloop_now_msecs();
	test_assert(b >= a + 2 && b < a + 1000);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_ioloop_timeouts,
		test_ioloop_timeout_reset,
		test_ioloop_io,
		test_ioloop_io_write,
		test_ioloop_signals,
		test_ioloop_destroy_frees,
		test_ioloop_now,
		NULL
	};

	return test_run(tests);
}
