/*
 * ioloop.h - the event loop: fd watches, timers and signals on top of
 * libevent 2.1 (see docs/design/event-loop.md for why libevent).
 *
 * A process has one current loop (ioloop_create sets it).  Callbacks run
 * from ioloop_run(); none of them may block.
 */
#ifndef ROOST_IOLOOP_H
#define ROOST_IOLOOP_H

struct event_base;
struct ioloop;
struct io;
struct timeout;

enum io_condition {
	IO_READ = 0x01,
	IO_WRITE = 0x02,
};

typedef void io_callback_t(void *context);
typedef void signal_callback_t(int signo, void *context);

/* Creates a loop and makes it the current one. */
struct ioloop *ioloop_create(void);
void ioloop_destroy(struct ioloop **ioloop);
/* The current loop; panics if none exists. */
struct ioloop *current_ioloop(void);
/* Runs until ioloop_stop() is called. */
void ioloop_run(struct ioloop *ioloop);
void ioloop_stop(struct ioloop *ioloop);
/* The underlying libevent base, for bufferevents (conn.c, TLS later). */
struct event_base *ioloop_event_base(struct ioloop *ioloop);

/*
 * Persistent watch on fd in the current loop: callback runs whenever the
 * condition holds, until io_remove().
 */
struct io *io_add(int fd, enum io_condition cond, io_callback_t *callback,
	void *context);
void io_remove(struct io **io);

/* Runs callback every msecs milliseconds until removed. */
struct timeout *timeout_add(unsigned int msecs, io_callback_t *callback,
	void *context);
/* Runs callback once after msecs; the handle stays valid until removed. */
struct timeout *timeout_add_once(unsigned int msecs, io_callback_t *callback,
	void *context);
/* Restarts the countdown (idle timers). */
void timeout_reset(struct timeout *timeout);
void timeout_remove(struct timeout **timeout);

/*
 * Signal handling through the loop: the callback runs from the loop, not
 * from the signal handler, so it may do anything.  Several handlers for
 * one signal run in order of registration.
 */
void signal_handler_add(int signo, signal_callback_t *callback,
	void *context);
void signal_handler_remove(int signo, signal_callback_t *callback,
	void *context);
/* Sets SIG_IGN (e.g. SIGPIPE) outside the loop. */
void signal_ignore(int signo);

/* Monotonic milliseconds, for timing and back-off. */
uint64_t ioloop_now_msecs(void);

#endif
