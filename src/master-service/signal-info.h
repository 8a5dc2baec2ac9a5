/*
 * signal-info.h - signals delivered through the ioloop together with
 * their siginfo (who sent them), for Dovecot's "Killed with signal 15 (by
 * pid=1 uid=0 code=kill)" lines and for telling the master's signals from
 * an administrator's.  The handler only writes the siginfo to a pipe; the
 * callback runs from the loop.  Use it for signals the ioloop's own
 * signal_handler_add() does not handle (one mechanism per signal).
 */
#ifndef ROOST_SIGNAL_INFO_H
#define ROOST_SIGNAL_INFO_H

#include <signal.h>

typedef void signal_info_callback_t(const siginfo_t *si, void *context);

/*
 * Installs a SA_SIGINFO handler for signo and runs callback from the
 * current ioloop for each delivery.  One callback per signal (a second
 * add replaces the first).
 */
void signal_info_add(int signo, signal_info_callback_t *callback,
	void *context);
/* Restores the default disposition of every signal added, removes the
   loop watch and closes the pipe (before ioloop_destroy()). */
void signal_info_deinit(void);
/*
 * In a freshly forked child, before exec: restores SIG_DFL for every
 * signal added here and closes the pipe, so that a signal arriving before
 * exec cannot be reported to the parent's loop.
 */
void signal_info_reset_after_fork(void);

/* "pid=1 uid=0 code=kill" for logging; scratch memory. */
const char *signal_info_describe(const siginfo_t *si);

#endif
