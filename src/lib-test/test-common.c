/*
 * test-common.c - the unit test harness (see test-common.h).
 */
#include "lib.h"
#include "test-common.h"

#include <ftw.h>

static const char *cur_name;
static bool cur_failed;
static unsigned int passed, failed;
static char tmpdir[PATH_MAX];

void test_begin(const char *name)
{
	i_assert(cur_name == NULL);
	cur_name = name;
	cur_failed = false;
}

void test_end(void)
{
	i_assert(cur_name != NULL);
	printf("%-60s %s\n", cur_name, cur_failed ? "FAILED" : "ok");
	if (cur_failed)
		failed++;
	else
		passed++;
	cur_name = NULL;
}

void test_assert_failed(const char *expr, const char *file, int line)
{
	printf("  %s:%d: assertion failed: %s\n", file, line, expr);
	cur_failed = true;
}

void test_assert_failed_strcmp(const char *file, int line, const char *a,
	const char *b)
{
	printf("  %s:%d: \"%s\" != \"%s\"\n", file, line,
		a == NULL ? "(null)" : a, b == NULL ? "(null)" : b);
	cur_failed = true;
}

static int rm_cb(const char *path, const struct stat *st ATTR_UNUSED,
	int flag ATTR_UNUSED, struct FTW *ftw ATTR_UNUSED)
{
	return remove(path);
}

static void tmpdir_cleanup(void)
{
	if (tmpdir[0] != '\0')
		(void)nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

const char *test_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		if (x_snprintf(tmpdir, sizeof(tmpdir), "%s/roost-test.XXXXXX",
			    base != NULL ? base : "/tmp") < 0 ||
		    mkdtemp(tmpdir) == NULL)
			i_panic("mkdtemp failed: %m");
		atexit(tmpdir_cleanup);
	}
	return tmpdir;
}

int test_run(void (*const tests[])(void))
{
	for (unsigned int i = 0; tests[i] != NULL; i++) {
		SCRATCH_BEGIN {
			tests[i]();
		} SCRATCH_END;
		if (cur_name != NULL)
			i_panic("test did not call test_end()");
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
