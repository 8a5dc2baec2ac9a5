/*
 * str.c - string parsing and escaping helpers.
 */
#include "lib.h"
#include "str.h"

#include <ctype.h>

int str_parse_uint64(const char *s, uint64_t *num_r, const char **end_r)
{
	uint64_t n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (uint64_t)(*p - '0'), &n))
			return -1;
	}
	*num_r = n;
	*end_r = p;
	return 0;
}

int str_to_uint64(const char *s, uint64_t *num_r)
{
	const char *end;
	uint64_t n;

	if (str_parse_uint64(s, &n, &end) < 0 || *end != '\0')
		return -1;
	*num_r = n;
	return 0;
}

int str_to_uint32(const char *s, uint32_t *num_r)
{
	uint64_t n;

	if (str_to_uint64(s, &n) < 0 || n > UINT32_MAX)
		return -1;
	*num_r = (uint32_t)n;
	return 0;
}

int str_to_uint(const char *s, unsigned int *num_r)
{
	uint64_t n;

	if (str_to_uint64(s, &n) < 0 || n > UINT_MAX)
		return -1;
	*num_r = (unsigned int)n;
	return 0;
}

int str_to_int64(const char *s, int64_t *num_r)
{
	bool neg = *s == '-';
	uint64_t n;

	if (str_to_uint64(neg ? s + 1 : s, &n) < 0)
		return -1;
	if (neg) {
		if (n > (uint64_t)INT64_MAX + 1)
			return -1;
		*num_r = n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n;
	} else {
		if (n > INT64_MAX)
			return -1;
		*num_r = (int64_t)n;
	}
	return 0;
}

bool str_begins(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_begins_icase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t slen = strlen(s), suflen = strlen(suffix);

	return slen >= suflen && memcmp(s + slen - suflen, suffix, suflen) == 0;
}

bool str_is_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

char **str_split(struct arena *arena, const char *s, const char *seps,
	bool skip_empty)
{
	size_t count = 1, i = 0;
	const char *p, *start;
	char **arr;

	for (p = s; *p != '\0'; p++) {
		if (strchr(seps, *p) != NULL)
			count++;
	}
	arr = arena_new(arena, char *, count + 1);
	for (start = p = s;; p++) {
		if (*p == '\0' || strchr(seps, *p) != NULL) {
			if (!skip_empty || p != start)
				arr[i++] = arena_strndup(arena, start,
					(size_t)(p - start));
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	arr[i] = NULL;
	return arr;
}

unsigned int str_array_length(char *const *arr)
{
	unsigned int n = 0;

	while (arr != NULL && arr[n] != NULL)
		n++;
	return n;
}

char *str_lcase(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *str_ucase(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

const char *t_str_lcase(const char *s)
{
	return str_lcase(t_strdup(s));
}

const char *t_str_ucase(const char *s)
{
	return str_ucase(t_strdup(s));
}

char *str_trim(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

const char *str_tabescape(struct arena *arena, const char *s)
{
	size_t extra = 0, i = 0;
	const char *p;
	char *d;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\001' || *p == '\t' || *p == '\r' || *p == '\n')
			extra++;
	}
	if (extra == 0)
		return s;
	d = arena_alloc(arena, size_add(strlen(s), extra + 1));
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '\001':
			d[i++] = '\001';
			d[i++] = '1';
			break;
		case '\t':
			d[i++] = '\001';
			d[i++] = 't';
			break;
		case '\r':
			d[i++] = '\001';
			d[i++] = 'r';
			break;
		case '\n':
			d[i++] = '\001';
			d[i++] = 'n';
			break;
		default:
			d[i++] = *p;
		}
	}
	return d;
}

const char *str_tabunescape(struct arena *arena, const char *s)
{
	size_t i = 0;
	const char *p;
	char *d;

	if (strchr(s, '\001') == NULL)
		return s;
	d = arena_alloc(arena, strlen(s) + 1);
	for (p = s; *p != '\0'; p++) {
		if (*p != '\001' || p[1] == '\0') {
			d[i++] = *p;
			continue;
		}
		p++;
		switch (*p) {
		case '1':
			d[i++] = '\001';
			break;
		case 't':
			d[i++] = '\t';
			break;
		case 'r':
			d[i++] = '\r';
			break;
		case 'n':
			d[i++] = '\n';
			break;
		default:
			d[i++] = *p;
		}
	}
	return d;
}

bool mem_equals_timing_safe(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

const char *binary_to_hex(struct arena *arena, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *d = arena_alloc(arena, size_add(size_mul(len, 2), 1));

	for (size_t i = 0; i < len; i++) {
		d[i * 2] = hex[p[i] >> 4];
		d[i * 2 + 1] = hex[p[i] & 0x0f];
	}
	return d;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t hex_to_binary(const char *hex, size_t len, unsigned char *out)
{
	if (len % 2 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}
