/*
 * signal-info.c - self-pipe signal delivery with siginfo (signal-info.h).
 */
#include "lib.h"
#include "signal-info.h"

#include "ioloop.h"

#include <fcntl.h>

#define SIGNAL_INFO_MAX 65

struct signal_info_handler {
	signal_info_callback_t *callback;
	void *context;
};

static int sig_pipe[2] = { -1, -1 };
static struct io *sig_io;
static struct signal_info_handler handlers[SIGNAL_INFO_MAX];

static void signal_info_handler(int signo ATTR_UNUSED, siginfo_t *si,
	void *uctx ATTR_UNUSED)
{
	int saved_errno = errno;

	/* A siginfo_t is smaller than PIPE_BUF: the write is atomic.  If
	   the pipe is full the signal is dropped, which only happens when
	   the loop is stuck anyway. */
	if (sig_pipe[1] != -1)
		(void)!write(sig_pipe[1], si, sizeof(*si));
	errno = saved_errno;
}

static void signal_info_input(void *context ATTR_UNUSED)
{
	siginfo_t si;
	ssize_t ret;

	for (;;) {
		ret = read(sig_pipe[0], &si, sizeof(si));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret != (ssize_t)sizeof(si))
			break;
		if (si.si_signo > 0 && si.si_signo < SIGNAL_INFO_MAX &&
		    handlers[si.si_signo].callback != NULL) {
			handlers[si.si_signo].callback(&si,
				handlers[si.si_signo].context);
		}
	}
}

void signal_info_add(int signo, signal_info_callback_t *callback,
	void *context)
{
	struct sigaction act;

	i_assert(signo > 0 && signo < SIGNAL_INFO_MAX);
	if (sig_pipe[0] == -1) {
		if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
			i_fatal("pipe() failed: %m");
		sig_io = io_add(sig_pipe[0], IO_READ, signal_info_input, NULL);
	}
	handlers[signo].callback = callback;
	handlers[signo].context = context;

	memset(&act, 0, sizeof(act));
	act.sa_sigaction = signal_info_handler;
	act.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&act.sa_mask);
	if (sigaction(signo, &act, NULL) < 0)
		i_fatal("sigaction(%d) failed: %m", signo);
}

static void signal_info_reset_handlers(void)
{
	for (int signo = 1; signo < SIGNAL_INFO_MAX; signo++) {
		if (handlers[signo].callback != NULL) {
			(void)signal(signo, SIG_DFL);
			handlers[signo].callback = NULL;
		}
	}
}

void signal_info_deinit(void)
{
	signal_info_reset_handlers();
	if (sig_io != NULL)
		io_remove(&sig_io);
	if (sig_pipe[0] != -1) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
}

void signal_info_reset_after_fork(void)
{
	int fd = sig_pipe[1];

	/* Stop the handler from writing first, then restore defaults. */
	sig_pipe[1] = -1;
	signal_info_reset_handlers();
	if (fd != -1)
		close(fd);
	if (sig_pipe[0] != -1) {
		close(sig_pipe[0]);
		sig_pipe[0] = -1;
	}
	/* The io belongs to the parent's loop; never touched here. */
	sig_io = NULL;
}

static const char *signal_code_name(const siginfo_t *si)
{
	switch (si->si_code) {
	case SI_USER:
		return "kill";
	case SI_KERNEL:
		return "kernel";
	case SI_QUEUE:
		return "queue";
	case SI_TIMER:
		return "timer";
	case SI_TKILL:
		return "tkill";
	case SI_MESGQ:
		return "mesgq";
	case SI_ASYNCIO:
		return "asyncio";
	case SI_SIGIO:
		return "sigio";
	}
	return t_printf("%d", si->si_code);
}

const char *signal_info_describe(const siginfo_t *si)
{
	bool has_sender = si->si_code == SI_USER || si->si_code == SI_QUEUE ||
		si->si_code == SI_TKILL;

	return t_printf("pid=%s uid=%s code=%s",
		has_sender ? t_printf("%ld", (long)si->si_pid) : "",
		has_sender ? t_printf("%ld", (long)si->si_uid) : "",
		signal_code_name(si));
}
