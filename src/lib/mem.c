/*
 * mem.c - heap helpers that never return NULL, zero everything, and the
 * small string utilities that stand in for the banned libc functions.
 */
#include "lib.h"

void *i_malloc(size_t size)
{
	void *mem = calloc(1, size == 0 ? 1 : size);

	if (mem == NULL)
		i_panic("out of memory allocating %zu bytes", size);
	return mem;
}

void *i_realloc(void *mem, size_t old_size, size_t new_size)
{
	void *nmem = realloc(mem, new_size == 0 ? 1 : new_size);

	if (nmem == NULL)
		i_panic("out of memory allocating %zu bytes", new_size);
	if (new_size > old_size)
		memset((char *)nmem + old_size, 0, new_size - old_size);
	return nmem;
}

char *i_strndup(const void *s, size_t len)
{
	char *d = i_malloc(size_add(len, 1));

	memcpy(d, s, len);
	return d;
}

char *i_strdup(const char *s)
{
	return s == NULL ? NULL : i_strndup(s, strlen(s));
}

char *i_strdup_printf(const char *fmt, ...)
{
	va_list args;
	char *d;

	va_start(args, fmt);
	if (vasprintf(&d, fmt, args) < 0)
		i_panic("out of memory");
	va_end(args);
	return d;
}

int x_snprintf(char *dest, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = vsnprintf(dest, size, fmt, args);
	va_end(args);
	if (ret < 0 || (size_t)ret >= size)
		return -1;
	return ret;
}

int i_strlcpy(char *dest, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size == 0)
		return -1;
	if (len >= size) {
		memcpy(dest, src, size - 1);
		dest[size - 1] = '\0';
		return -1;
	}
	memcpy(dest, src, len + 1);
	return 0;
}
