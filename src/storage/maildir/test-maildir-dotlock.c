/*
 * test-maildir-dotlock.c - unit tests for Dovecot-compatible dotlocks:
 * exclusive creation, "pid:host" contents, stale detection by dead pid
 * and by age, replace and delete with ownership checks.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-dotlock.h"
#include "test-common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static void test_create_delete(void)
{
	const char *path = t_printf("%s/f1", test_tmpdir());
	const char *lock_path = t_printf("%s.lock", path);
	struct maildir_dotlock_settings set = {
		.timeout_secs = 0, .stale_timeout_secs = 120, .mode = 0600,
	};
	struct maildir_dotlock *lock, *lock2;
	const char *error;
	struct buf data;

	test_begin("dotlock create/delete");
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	buf_init(&data, NULL, 64, 512);
	test_assert(file_read_all(lock_path, 512, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data),
		maildir_dotlock_owner_string(scratch_arena()));
	buf_free(&data);
	/* The lock was linked from a temp file holding the owner, which is
	   gone again. */
	test_assert(access(t_printf("%s.%ld.tmp", lock_path, (long)getpid()),
		F_OK) < 0);
	test_assert(maildir_dotlock_is_ours(lock));
	test_assert(maildir_dotlock_touch(lock) == 0);
	/* Held by a live process (us, but younger than 2 s): busy. */
	test_assert(maildir_dotlock_create(&set, path, &lock2, &error) == 0);
	test_assert(errno == EAGAIN);
	test_assert(maildir_dotlock_delete(&lock, &error) == 1);
	test_assert(lock == NULL);
	test_assert(access(lock_path, F_OK) < 0);
	/* A temp file left by a killed process of the same pid is reused. */
	test_assert(file_write_atomic(t_printf("%s.%ld.tmp", lock_path,
		(long)getpid()), "junk", 4, 0600, false, &error) == 0);
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(maildir_dotlock_is_ours(lock));
	test_assert(maildir_dotlock_delete(&lock, &error) == 1);

	/* Somebody else's lock replaced ours: delete says so. */
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(unlink(lock_path) == 0);
	test_assert(file_write_atomic(lock_path, "1:otherhost", 11, 0600,
		false, &error) == 0);
	test_assert(!maildir_dotlock_is_ours(lock));
	test_assert(maildir_dotlock_delete(&lock, &error) == 0);
	test_assert(strstr(error, "overridden") != NULL);
	test_assert(access(lock_path, F_OK) == 0);
	test_assert(unlink(lock_path) == 0);
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(unlink(lock_path) == 0);
	test_assert(maildir_dotlock_delete(&lock, &error) == 0);
	test_assert(strstr(error, "deleted") != NULL);

	/* Missing directory. */
	test_assert(maildir_dotlock_create(&set, t_printf("%s/nodir/x",
		test_tmpdir()), &lock, &error) == -1 && errno == ENOENT);
	test_end();
}

static void age_file(const char *path, time_t secs)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - secs;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	(void)utimensat(AT_FDCWD, path, ts, 0);
}

static void test_stale(void)
{
	const char *path = t_printf("%s/f2", test_tmpdir());
	const char *lock_path = t_printf("%s.lock", path);
	struct maildir_dotlock_settings set = {
		.timeout_secs = 0, .stale_timeout_secs = 120, .mode = 0600,
	};
	struct maildir_dotlock *lock;
	const char *error, *owner;
	char host[256];
	pid_t pid;
	int status;

	test_begin("dotlock stale detection");
	/* A dead pid on our host, lock older than 2 seconds: stale. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(gethostname(host, sizeof(host)) == 0);
	owner = t_printf("%ld:%s", (long)pid, host);
	test_assert(file_write_atomic(lock_path, owner, strlen(owner), 0600,
		false, &error) == 0);
	age_file(lock_path, 10);
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(maildir_dotlock_delete(&lock, &error) == 1);
	/* The same, just created (a holder killed a moment ago): stale at
	   once, without waiting (timeout 0 tries once). */
	test_assert(file_write_atomic(lock_path, owner, strlen(owner), 0600,
		false, &error) == 0);
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(maildir_dotlock_delete(&lock, &error) == 1);

	/* A live local pid holds the lock even past the stale timeout,
	   as in Dovecot (init, pid 1, is always alive). */
	owner = t_printf("1:%s", host);
	test_assert(file_write_atomic(lock_path, owner, strlen(owner), 0600,
		false, &error) == 0);
	age_file(lock_path, 10);
	set.stale_timeout_secs = 1;
	set.timeout_secs = 3;
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 0);
	test_assert(unlink(lock_path) == 0);

	/* Another host's lock: stale only once nothing changed for
	   stale_timeout seconds (ctime counts, so utime can't fake it). */
	test_assert(file_write_atomic(lock_path, "1:elsewhere", 11, 0600,
		false, &error) == 0);
	age_file(lock_path, 1000);
	set.timeout_secs = 0;
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 0);
	set.timeout_secs = 4;
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(lock != NULL &&
		maildir_dotlock_delete(&lock, &error) == 1);

	/* An empty lock file (no pid) likewise. */
	test_assert(file_write_atomic(lock_path, "", 0, 0600, false,
		&error) == 0);
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	test_assert(lock != NULL &&
		maildir_dotlock_delete(&lock, &error) == 1);
	test_end();
}

static void test_wait(void)
{
	const char *path = t_printf("%s/f3", test_tmpdir());
	struct maildir_dotlock_settings set = {
		.timeout_secs = 3, .stale_timeout_secs = 120, .mode = 0600,
	};
	struct maildir_dotlock *lock, *lock2;
	const char *error;
	pid_t pid;
	int status;

	test_begin("dotlock waits for release");
	test_assert(maildir_dotlock_create(&set, path, &lock, &error) == 1);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		(void)unlink(t_printf("%s.lock", path));
		_exit(0);
	}
	test_assert(maildir_dotlock_create(&set, path, &lock2, &error) == 1);
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(maildir_dotlock_delete(&lock2, &error) == 1);
	test_assert(maildir_dotlock_delete(&lock, &error) == 0);
	test_end();
}

static void test_replace(void)
{
	const char *path = t_printf("%s/f4", test_tmpdir());
	struct maildir_dotlock_settings set = {
		.timeout_secs = 0, .stale_timeout_secs = 30, .mode = 0640,
	};
	struct maildir_dotlock *lock;
	const char *error;
	struct buf data;
	struct stat st;

	test_begin("dotlock open/replace");
	test_assert(file_write_atomic(path, "old\n", 4, 0600, false,
		&error) == 0);
	test_assert(maildir_dotlock_open(&set, path, &lock, &error) == 1);
	test_assert(maildir_dotlock_get_fd(lock) >= 0);
	test_assert(write_full(maildir_dotlock_get_fd(lock), "new\n", 4) == 0);
	test_assert(maildir_dotlock_replace(&lock, true, true, &error) == 0);
	buf_init(&data, NULL, 64, 64);
	test_assert(file_read_all(path, 64, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data), "new\n");
	buf_free(&data);
	test_assert(access(t_printf("%s.lock", path), F_OK) < 0);
	test_assert(stat(path, &st) == 0);

	/* Overridden: replace refuses and leaves the other lock. */
	test_assert(maildir_dotlock_open(&set, path, &lock, &error) == 1);
	test_assert(unlink(t_printf("%s.lock", path)) == 0);
	test_assert(file_write_atomic(t_printf("%s.lock", path), "x", 1, 0600,
		false, &error) == 0);
	test_assert(maildir_dotlock_replace(&lock, true, false, &error) < 0);
	test_assert(access(t_printf("%s.lock", path), F_OK) == 0);
	buf_init(&data, NULL, 64, 64);
	test_assert(file_read_all(path, 64, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data), "new\n");
	buf_free(&data);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_create_delete,
		test_stale,
		test_wait,
		test_replace,
		NULL
	};
	return test_run(tests);
}
