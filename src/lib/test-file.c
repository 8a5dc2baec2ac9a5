/*
 * test-file.c - unit tests for file.c: atomic replacement and its failure
 * cleanup, bounded reads, mkdir -p, fsync_dir, write_full.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "test-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

/* Entries in dir whose name contains ".tmp.". */
static unsigned int count_tmp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".tmp.") != NULL)
			n++;
	}
	closedir(d);
	return n;
}

static void test_file_write_atomic(void)
{
	const char *dir = t_printf("%s/atomic", test_tmpdir());
	const char *path = t_printf("%s/file", dir);
	const char *stale = t_printf("%s.tmp.%ld", path, (long)getpid());
	const char *error;
	struct stat st;
	struct buf buf;
	mode_t old_umask;

	test_begin("file_write_atomic");
	test_assert(mkdir(dir, 0700) == 0);
	buf_init(&buf, NULL, 16, 1024);
	old_umask = umask(077);
	test_assert(file_write_atomic(path, "first\n", 6, 0644, true,
			    &error) == 0);
	umask(old_umask);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
	test_assert(file_read_all(path, 100, &buf, &error) == 0);
	test_assert_strcmp(buf_cstr(&buf), "first\n");

	/* A stale temp file with our pid doesn't stop us. */
	close(open(stale, O_CREAT | O_WRONLY, 0600));
	test_assert(file_write_atomic(path, "second", 6, 0600, false,
			    &error) == 0);
	buf_reset(&buf);
	test_assert(file_read_all(path, 100, &buf, &error) == 0);
	test_assert_strcmp(buf_cstr(&buf), "second");
	test_assert(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	test_assert(count_tmp_files(dir) == 0);

	/* Failure: the target is a directory, so rename fails; nothing
	   changes and no temp file stays. */
	test_assert(mkdir(t_printf("%s/sub", dir), 0700) == 0);
	test_assert(file_write_atomic(t_printf("%s/sub", dir), "x", 1, 0600,
			    true, &error) == -1);
	test_assert(strstr(error, "rename(") != NULL);
	test_assert(stat(t_printf("%s/sub", dir), &st) == 0 &&
		S_ISDIR(st.st_mode));
	test_assert(count_tmp_files(dir) == 0);

	/* Failure: no such directory. */
	test_assert(file_write_atomic(t_printf("%s/none/file", dir), "x", 1,
			    0600, true, &error) == -1);
	test_assert(strstr(error, "No such file or directory") != NULL);

	/* Empty data is a valid (empty) file. */
	test_assert(file_write_atomic(path, "", 0, 0600, true, &error) == 0);
	test_assert(stat(path, &st) == 0 && st.st_size == 0);
	buf_free(&buf);
	test_end();
}

static void test_file_read_all(void)
{
	const char *path = t_printf("%s/read", test_tmpdir());
	const char *error;
	struct buf buf, small;
	char *data;

	test_begin("file_read_all limits");
	data = i_malloc(20000);
	memset(data, 'r', 20000);
	test_assert(file_write_atomic(path, data, 20000, 0600, false,
			    &error) == 0);
	buf_init(&buf, NULL, 16, 100000);
	test_assert(buf_append_str(&buf, "pre") == 0);
	test_assert(file_read_all(path, 20000, &buf, &error) == 0);
	test_assert(buf.used == 20003);
	buf_truncate(&buf, 3);
	test_assert(file_read_all(path, 19999, &buf, &error) == -1);
	test_assert(errno == EFBIG);
	test_assert(strstr(error, "too large") != NULL);
	test_assert(buf.used == 3);

	buf_init(&small, NULL, 16, 1000);
	test_assert(file_read_all(path, 100000, &small, &error) == -1);
	test_assert(errno == ENOBUFS && small.used == 0);

	test_assert(file_read_all(t_printf("%s/missing", test_tmpdir()), 10,
			    &buf, &error) == -1);
	test_assert(strstr(error, "No such file") != NULL);
	buf_free(&small);
	buf_free(&buf);
	i_free(data);
	test_end();
}

static void test_file_mkdir_parents(void)
{
	const char *base = t_printf("%s/mk", test_tmpdir());
	const char *deep = t_printf("%s/a/b/c", base);
	struct stat st;

	test_begin("mkdir_parents / fsync_dir / write_full");
	test_assert(mkdir_parents(deep, 0700) == 0);
	test_assert(stat(deep, &st) == 0 && S_ISDIR(st.st_mode));
	test_assert(mkdir_parents(deep, 0700) == 0);
	test_assert(mkdir_parents(t_printf("%s/x/y/", base), 0700) == 0);
	test_assert(stat(t_printf("%s/x/y", base), &st) == 0);
	close(open(t_printf("%s/file", base), O_CREAT | O_WRONLY, 0600));
	test_assert(mkdir_parents(t_printf("%s/file", base), 0700) == -1 &&
		errno == ENOTDIR);
	test_assert(mkdir_parents(t_printf("%s/file/sub", base), 0700) ==
			-1 &&
		errno == ENOTDIR);

	test_assert(fsync_dir(deep) == 0);
	test_assert(fsync_dir(t_printf("%s/file", base)) == 0);
	test_assert(fsync_dir(t_printf("%s/none/x", base)) == -1);

	{
		int p[2];
		char buf[16];

		test_assert(pipe(p) == 0);
		test_assert(write_full(p[1], "full", 4) == 0);
		test_assert(read(p[0], buf, sizeof(buf)) == 4);
		close(p[0]);
		test_assert(write_full(-1, "x", 1) == -1 && errno == EBADF);
		close(p[1]);
	}
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_file_write_atomic,
		test_file_read_all,
		test_file_mkdir_parents,
		NULL
	};

	return test_run(tests);
}
