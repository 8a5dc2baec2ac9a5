/*
 * ioloop.c - the event loop on top of libevent 2.1: fd watches, one-shot
 * and repeating timers, and signal handlers that run from the loop.
 *
 * Every object created here is heap-allocated and linked into its loop's
 * resource list, so ioloop_destroy() can free what callers left behind.
 * libevent allows event_free() on an event from inside that event's own
 * callback (the event is no longer referenced once the callback runs), so
 * a callback may remove its own io or timeout.  Signal handlers are kept
 * in a list per signal and removed lazily while the list is being
 * dispatched, so a handler may remove itself or any other handler.
 */
#include "lib.h"
#include "ioloop.h"
#include "ioloop-private.h"

#include <signal.h>
#include <time.h>
#include <event2/event.h>

struct ioloop {
	struct ioloop *prev;
	struct event_base *base;
	/* Everything that must be freed with the loop. */
	struct ioloop_link resources;
	bool running;
};

struct io {
	struct ioloop_link link;
	struct ioloop *ioloop;
	struct event *event;
	io_callback_t *callback;
	void *context;
};

struct timeout {
	struct ioloop_link link;
	struct ioloop *ioloop;
	struct event *event;
	struct timeval interval;
	io_callback_t *callback;
	void *context;
};

struct signal_handler {
	struct signal_handler *next;
	signal_callback_t *callback;
	void *context;
	bool removed;
};

struct ioloop_signal {
	struct ioloop_link link;
	struct ioloop *ioloop;
	int signo;
	struct event *event;
	struct signal_handler *handlers;
	/* Non-zero while handlers are being called: removal only marks. */
	unsigned int dispatching;
};

static struct ioloop *current;

void ioloop_link_add(struct ioloop *ioloop, struct ioloop_link *link,
	ioloop_link_free_t *free_cb)
{
	struct ioloop_link *head = &ioloop->resources;

	link->free = free_cb;
	link->prev = head;
	link->next = head->next;
	head->next->prev = link;
	head->next = link;
}

void ioloop_link_remove(struct ioloop *ioloop ATTR_UNUSED,
	struct ioloop_link *link)
{
	if (link->next == NULL)
		return;
	link->prev->next = link->next;
	link->next->prev = link->prev;
	link->prev = link->next = NULL;
}

static void log_cb(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_ERR)
		i_error("libevent: %s", msg);
	else if (severity >= EVENT_LOG_WARN)
		i_warning("libevent: %s", msg);
	else
		i_debug("libevent: %s", msg);
}

static void fatal_cb(int err)
{
	i_panic("libevent fatal error %d", err);
}

struct ioloop *ioloop_create(void)
{
	static bool log_set = false;
	struct ioloop *ioloop;

	if (!log_set) {
		event_set_log_callback(log_cb);
		event_set_fatal_callback(fatal_cb);
		log_set = true;
	}
	ioloop = i_new(struct ioloop, 1);
	ioloop->base = event_base_new();
	if (ioloop->base == NULL)
		i_fatal("event_base_new() failed");
	ioloop->resources.prev = ioloop->resources.next = &ioloop->resources;
	ioloop->prev = current;
	current = ioloop;
	return ioloop;
}

void ioloop_destroy(struct ioloop **_ioloop)
{
	struct ioloop *ioloop = *_ioloop;
	struct ioloop_link *link;

	if (ioloop == NULL)
		return;
	*_ioloop = NULL;
	i_assert(!ioloop->running);

	/* Each free callback unlinks itself. */
	while ((link = ioloop->resources.next) != &ioloop->resources)
		link->free(link);
	/* A bufferevent freed while one of its deferred callbacks was queued
	   (BEV_OPT_DEFER_CALLBACKS) is kept alive by that callback's
	   reference, and event_base_free() drops queued callbacks without
	   running them: run the queue dry (the callbacks are cleared, so
	   this only finishes the frees). */
	for (unsigned int i = 0; i < 16; i++) {
		if (event_base_loop(ioloop->base, EVLOOP_NONBLOCK) != 0)
			break;
	}
	event_base_free(ioloop->base);

	if (current == ioloop) {
		current = ioloop->prev;
	} else {
		/* Destroyed out of order: unlink it from the stack. */
		for (struct ioloop *l = current; l != NULL; l = l->prev) {
			if (l->prev == ioloop) {
				l->prev = ioloop->prev;
				break;
			}
		}
	}
	i_free(ioloop);
}

struct ioloop *current_ioloop(void)
{
	if (current == NULL)
		i_panic("no current ioloop");
	return current;
}

void ioloop_run(struct ioloop *ioloop)
{
	i_assert(!ioloop->running);
	ioloop->running = true;
	if (event_base_loop(ioloop->base, EVLOOP_NO_EXIT_ON_EMPTY) < 0)
		i_error("event_base_loop() failed");
	ioloop->running = false;
}

void ioloop_stop(struct ioloop *ioloop)
{
	if (ioloop->running)
		(void)event_base_loopbreak(ioloop->base);
}

struct event_base *ioloop_event_base(struct ioloop *ioloop)
{
	return ioloop->base;
}

/* ---- fd watches ---- */

static void io_event_cb(evutil_socket_t fd ATTR_UNUSED, short what ATTR_UNUSED,
	void *context)
{
	struct io *io = context;

	/* May free io. */
	io->callback(io->context);
}

static void io_free(struct io *io)
{
	ioloop_link_remove(io->ioloop, &io->link);
	event_free(io->event);
	i_free(io);
}

static void io_link_free(struct ioloop_link *link)
{
	io_free((struct io *)link);
}

struct io *io_add(int fd, enum io_condition cond, io_callback_t *callback,
	void *context)
{
	struct ioloop *ioloop = current_ioloop();
	struct io *io;
	short what = EV_PERSIST;

	i_assert(fd >= 0);
	i_assert((cond & (IO_READ | IO_WRITE)) != 0);
	if ((cond & IO_READ) != 0)
		what |= EV_READ;
	if ((cond & IO_WRITE) != 0)
		what |= EV_WRITE;

	io = i_new(struct io, 1);
	io->ioloop = ioloop;
	io->callback = callback;
	io->context = context;
	io->event = event_new(ioloop->base, fd, what, io_event_cb, io);
	if (io->event == NULL || event_add(io->event, NULL) < 0)
		i_panic("io_add(fd=%d): libevent failed", fd);
	ioloop_link_add(ioloop, &io->link, io_link_free);
	return io;
}

void io_remove(struct io **_io)
{
	struct io *io = *_io;

	if (io == NULL)
		return;
	*_io = NULL;
	io_free(io);
}

/* ---- timers ---- */

static void timeout_event_cb(evutil_socket_t fd ATTR_UNUSED,
	short what ATTR_UNUSED, void *context)
{
	struct timeout *timeout = context;

	/* May free timeout. */
	timeout->callback(timeout->context);
}

static void timeout_free(struct timeout *timeout)
{
	ioloop_link_remove(timeout->ioloop, &timeout->link);
	event_free(timeout->event);
	i_free(timeout);
}

static void timeout_link_free(struct ioloop_link *link)
{
	timeout_free((struct timeout *)link);
}

static struct timeout *timeout_add_full(unsigned int msecs, bool repeat,
	io_callback_t *callback, void *context)
{
	struct ioloop *ioloop = current_ioloop();
	struct timeout *timeout;

	timeout = i_new(struct timeout, 1);
	timeout->ioloop = ioloop;
	timeout->callback = callback;
	timeout->context = context;
	timeout->interval.tv_sec = msecs / 1000;
	timeout->interval.tv_usec = (msecs % 1000) * 1000;
	timeout->event = event_new(ioloop->base, -1, repeat ? EV_PERSIST : 0,
		timeout_event_cb, timeout);
	if (timeout->event == NULL ||
	    event_add(timeout->event, &timeout->interval) < 0)
		i_panic("timeout_add(%u): libevent failed", msecs);
	ioloop_link_add(ioloop, &timeout->link, timeout_link_free);
	return timeout;
}

struct timeout *timeout_add(unsigned int msecs, io_callback_t *callback,
	void *context)
{
	return timeout_add_full(msecs, true, callback, context);
}

struct timeout *timeout_add_once(unsigned int msecs, io_callback_t *callback,
	void *context)
{
	return timeout_add_full(msecs, false, callback, context);
}

void timeout_reset(struct timeout *timeout)
{
	/* Adding a pending event reschedules it; a fired one-shot timer is
	   armed again. */
	if (event_add(timeout->event, &timeout->interval) < 0)
		i_panic("timeout_reset(): event_add failed");
}

void timeout_remove(struct timeout **_timeout)
{
	struct timeout *timeout = *_timeout;

	if (timeout == NULL)
		return;
	*_timeout = NULL;
	timeout_free(timeout);
}

/* ---- signals ---- */

static void ioloop_signal_free(struct ioloop_signal *sig)
{
	struct signal_handler *h, *next;

	ioloop_link_remove(sig->ioloop, &sig->link);
	/* Deleting the event restores the signal's previous disposition. */
	event_free(sig->event);
	for (h = sig->handlers; h != NULL; h = next) {
		next = h->next;
		i_free(h);
	}
	i_free(sig);
}

static void ioloop_signal_link_free(struct ioloop_link *link)
{
	ioloop_signal_free((struct ioloop_signal *)link);
}

static struct ioloop_signal *ioloop_signal_find(struct ioloop *ioloop,
	int signo)
{
	struct ioloop_link *link;

	for (link = ioloop->resources.next; link != &ioloop->resources;
	     link = link->next) {
		struct ioloop_signal *sig;

		if (link->free != ioloop_signal_link_free)
			continue;
		sig = (struct ioloop_signal *)link;
		if (sig->signo == signo)
			return sig;
	}
	return NULL;
}

/* Drops handlers marked removed; frees sig when none are left.  Returns
   false when sig was freed. */
static bool ioloop_signal_compact(struct ioloop_signal *sig)
{
	struct signal_handler **hp = &sig->handlers;

	while (*hp != NULL) {
		struct signal_handler *h = *hp;

		if (h->removed) {
			*hp = h->next;
			i_free(h);
		} else {
			hp = &h->next;
		}
	}
	if (sig->handlers == NULL) {
		ioloop_signal_free(sig);
		return false;
	}
	return true;
}

static void signal_event_cb(evutil_socket_t signo, short what ATTR_UNUSED,
	void *context)
{
	struct ioloop_signal *sig = context;
	struct signal_handler *h;

	/* Handlers added during dispatch are appended and run too; removed
	   ones are skipped and freed afterwards. */
	sig->dispatching++;
	for (h = sig->handlers; h != NULL; h = h->next) {
		if (!h->removed)
			h->callback((int)signo, h->context);
	}
	if (--sig->dispatching == 0)
		(void)ioloop_signal_compact(sig);
}

void signal_handler_add(int signo, signal_callback_t *callback, void *context)
{
	struct ioloop *ioloop = current_ioloop();
	struct ioloop_signal *sig = ioloop_signal_find(ioloop, signo);
	struct signal_handler *h, **hp;

	if (sig == NULL) {
		sig = i_new(struct ioloop_signal, 1);
		sig->ioloop = ioloop;
		sig->signo = signo;
		sig->event = evsignal_new(ioloop->base, signo, signal_event_cb,
			sig);
		if (sig->event == NULL || event_add(sig->event, NULL) < 0)
			i_panic("signal_handler_add(%d): libevent failed",
				signo);
		ioloop_link_add(ioloop, &sig->link, ioloop_signal_link_free);
	}
	h = i_new(struct signal_handler, 1);
	h->callback = callback;
	h->context = context;
	for (hp = &sig->handlers; *hp != NULL; hp = &(*hp)->next)
		;
	*hp = h;
}

void signal_handler_remove(int signo, signal_callback_t *callback,
	void *context)
{
	struct ioloop *ioloop = current_ioloop();
	struct ioloop_signal *sig = ioloop_signal_find(ioloop, signo);
	struct signal_handler *h;

	if (sig == NULL)
		i_panic("signal_handler_remove(%d): no handlers", signo);
	for (h = sig->handlers; h != NULL; h = h->next) {
		if (!h->removed && h->callback == callback &&
		    h->context == context)
			break;
	}
	if (h == NULL)
		i_panic("signal_handler_remove(%d): handler not found", signo);
	h->removed = true;
	if (sig->dispatching == 0)
		(void)ioloop_signal_compact(sig);
}

void signal_ignore(int signo)
{
	struct sigaction act;

	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_IGN;
	sigemptyset(&act.sa_mask);
	if (sigaction(signo, &act, NULL) < 0)
		i_fatal("sigaction(%d, SIG_IGN) failed: %m", signo);
}

uint64_t ioloop_now_msecs(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		i_panic("clock_gettime(CLOCK_MONOTONIC) failed: %m");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
