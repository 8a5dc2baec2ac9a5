/*
 * test-common.h - the in-tree unit test harness.
 *
 * A test program calls test_run() with a NULL-terminated table of test
 * functions.  Each function brackets its checks with test_begin()/
 * test_end(); test_assert() records failures with file and line.  The
 * program prints one "ok"/"FAILED" line per test and a closing
 * "N passed, M failed" line, and exits non-zero on failure.
 */
#ifndef ROOST_TEST_COMMON_H
#define ROOST_TEST_COMMON_H

void test_begin(const char *name);
void test_end(void);
void test_assert_failed(const char *expr, const char *file, int line);
void test_assert_failed_strcmp(const char *file, int line, const char *a,
	const char *b);

#define test_assert(expr)                                               \
	do {                                                            \
		if (!(expr))                                            \
			test_assert_failed(#expr, __FILE__, __LINE__);  \
	} while (0)

#define test_assert_strcmp(a, b)                                        \
	do {                                                            \
		const char *test_a_ = (a), *test_b_ = (b);              \
		if (test_a_ == NULL || test_b_ == NULL ||               \
		    strcmp(test_a_, test_b_) != 0)                      \
			test_assert_failed_strcmp(__FILE__, __LINE__,   \
				test_a_, test_b_);                      \
	} while (0)

/* Runs the tests; returns the process exit code. */
int test_run(void (*const tests[])(void));

/* A fresh temporary directory (removed at exit); the path stays valid. */
const char *test_tmpdir(void);

#endif
