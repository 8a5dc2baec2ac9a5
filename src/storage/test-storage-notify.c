/*
 * test-storage-notify.c - change notification for IDLE: a session waiting
 * in its ioloop learns about an APPEND made by another process (inotify),
 * and about nothing-at-all through the periodic poll
 * (mailbox_idle_check_interval).  The latency from the other process's
 * commit to the view having the new message is printed and must stay
 * well under a second here; the 10 ms goal is measured by the
 * benchmark.
 */
#include "lib.h"
#include "test-storage-common.h"
#include "storage.h"
#include "ioloop.h"
#include "test-common.h"

#include <sys/wait.h>
#include <time.h>

static struct ioloop *ioloop;
static struct mailbox *box;
static struct arena *arena;
static unsigned int callbacks;
static uint64_t seen_usecs;

static uint64_t mono_usecs(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void notify_cb(void *context ATTR_UNUSED)
{
	struct mailbox_changes changes;

	callbacks++;
	if (mailbox_sync(box, 0, arena, &changes) < 0)
		i_panic("sync failed");
	if (changes.count > changes.old_count && seen_usecs == 0) {
		seen_usecs = mono_usecs();
		ioloop_stop(ioloop);
	}
}

static void timeout_cb(void *context ATTR_UNUSED)
{
	ioloop_stop(ioloop);
}

static void test_notify_append(void)
{
	struct test_user tu;
	struct timeout *to;
	uint64_t committed;
	int fds[2], status;
	pid_t pid;

	test_begin("IDLE: APPEND by another process is noticed at once");
	test_user_init(&tu, "notify", NULL);
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_notify_start(box, notify_cb, NULL) == 0);
	/* an idling session gives its index connection up (and no SQLite
	   connection may cross fork()) */
	mail_user_release_memory(tu.user);
	test_assert(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		struct test_user child;
		uint64_t t;

		close(fds[0]);
		/* a separate user: its own index connection */
		test_user_clone(&tu, &child);
		usleep(100 * 1000);
		(void)test_save(child.user, "INBOX", "Subject: ping\n\nx\n",
			0, NULL);
		t = mono_usecs();
		if (write(fds[1], &t, sizeof(t)) != (ssize_t)sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	to = timeout_add(3000, timeout_cb, NULL);
	ioloop_run(ioloop);
	timeout_remove(&to);
	test_assert(read(fds[0], &committed, sizeof(committed)) ==
		(ssize_t)sizeof(committed));
	close(fds[0]);
	(void)waitpid(pid, &status, 0);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_assert(seen_usecs != 0);
	test_assert(mailbox_get_count(box) == 1);
	if (seen_usecs != 0) {
		long long latency =
			(long long)seen_usecs - (long long)committed;

		i_info("IDLE notification latency after the commit returned: "
			"%lld us (%u callbacks)", latency, callbacks);
		test_assert(latency < 500 * 1000);
	}
	mailbox_notify_stop(box);
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

static void test_notify_poll(void)
{
	struct test_user tu;
	struct timeout *to;
	uint64_t start;

	test_begin("IDLE: polling every mailbox_idle_check_interval");
	test_user_init(&tu, "notify-poll", "mailbox_idle_check_interval = 1s");
	box = test_open(tu.user, "INBOX");
	callbacks = 0;
	seen_usecs = 0;
	test_assert(mailbox_notify_start(box, notify_cb, NULL) == 0);
	start = mono_usecs();
	to = timeout_add(2500, timeout_cb, NULL);
	ioloop_run(ioloop);
	timeout_remove(&to);
	/* nothing changed: the poll still called back, about twice */
	test_assert(callbacks >= 1 && callbacks <= 3);
	test_assert(mono_usecs() - start >= 2400 * 1000);
	mailbox_notify_stop(box);
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_notify_append,
		test_notify_poll,
		NULL
	};
	int ret;

	log_init(LOG_MODE_STDERR, "test: ");
	arena = arena_create("test", 4096);
	ioloop = ioloop_create();
	ret = test_run(tests);
	ioloop_destroy(&ioloop);
	arena_destroy(&arena);
	return ret;
}
