/*
 * lib.h - the one header every Roost .c file includes first.
 *
 * It pulls in the C library headers nearly every file needs, defines the
 * small macro vocabulary of the project (assertions, attributes, checked
 * arithmetic) and poisons the C functions STYLE.md bans, so that using one
 * is a compile error rather than a review comment.
 */
#ifndef ROOST_LIB_H
#define ROOST_LIB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define ATTR_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#define ATTR_NORETURN __attribute__((noreturn))
#define ATTR_UNUSED __attribute__((unused))
#define ATTR_NODISCARD __attribute__((warn_unused_result))
#define ATTR_MALLOC __attribute__((malloc))

#define N_ELEMENTS(arr) (sizeof(arr) / sizeof((arr)[0]))
#define I_MIN(a, b) ((a) < (b) ? (a) : (b))
#define I_MAX(a, b) ((a) > (b) ? (a) : (b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Programming errors only: never for input from the network, disk or a peer. */
void lib_panic(const char *file, int line, const char *fmt, ...)
	ATTR_FORMAT(3, 4) ATTR_NORETURN;
#define i_panic(...) lib_panic(__FILE__, __LINE__, __VA_ARGS__)
#define i_assert(expr)                                                  \
	do {                                                            \
		if (unlikely(!(expr)))                                  \
			lib_panic(__FILE__, __LINE__,                   \
				"assertion failed: %s", #expr);         \
	} while (0)

/* Overflow-checked size arithmetic: panics rather than wraps. */
static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		lib_panic(__FILE__, __LINE__, "size overflow %zu*%zu", a, b);
	return r;
}
static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		lib_panic(__FILE__, __LINE__, "size overflow %zu+%zu", a, b);
	return r;
}

/* Heap allocation that never returns NULL and always zeroes. */
void *i_malloc(size_t size) ATTR_MALLOC;
void *i_realloc(void *mem, size_t old_size, size_t new_size);
char *i_strdup(const char *s) ATTR_MALLOC;
char *i_strndup(const void *s, size_t len) ATTR_MALLOC;
char *i_strdup_printf(const char *fmt, ...) ATTR_FORMAT(1, 2) ATTR_MALLOC;
#define i_new(type, count) ((type *)i_malloc(size_mul(sizeof(type), (count))))
#define i_free(p)                                                       \
	do {                                                            \
		free(p);                                                \
		(p) = NULL;                                             \
	} while (0)

/*
 * snprintf that reports truncation: returns the length written, or -1 when
 * the output did not fit (the buffer then holds a truncated, terminated
 * string).
 */
int x_snprintf(char *dest, size_t size, const char *fmt, ...)
	ATTR_FORMAT(3, 4);

/* Copy with truncation check: returns -1 if src did not fit. */
int i_strlcpy(char *dest, const char *src, size_t size);

#include "arena.h"
#include "log.h"

/* The banned functions of STYLE.md. */
#ifndef ROOST_NO_POISON
#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf gets strtok atoi atol
#endif

#endif
