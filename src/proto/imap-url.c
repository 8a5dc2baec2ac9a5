/*
 * imap-url.c - parsing relative IMAP message URLs for CATENATE (see
 * imap-url.h).
 */
#include "lib.h"
#include "imap-url.h"
#include "arena.h"
#include "buf.h"

#include <strings.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes str[0..len) into an arena string; NULs are refused. */
static int url_decode(struct arena *arena, const char *str, size_t len,
	const char **value_r, const char **error_r)
{
	struct buf out;
	size_t i;

	buf_init(&out, arena, len + 1, 0);
	for (i = 0; i < len; i++) {
		char c = str[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				*error_r = "Seeing `%' at end of URL.";
				return -1;
			}
			hi = hex_value(str[i + 1]);
			lo = hex_value(str[i + 2]);
			if (hi < 0 || lo < 0) {
				*error_r = arena_printf(arena,
					"Invalid percent encoding `%.3s'.",
					str + i);
				return -1;
			}
			c = (char)(hi * 16 + lo);
			if (c == '\0') {
				*error_r = "Percent encoding is not allowed "
					"to encode NUL character.";
				return -1;
			}
			i += 2;
		}
		if (buf_append_c(&out, c) < 0)
			i_panic("unbounded buffer failed");
	}
	*value_r = buf_cstr(&out);
	return 0;
}

/* An IMAP number (nz-number or number, up to 32 bits). */
static int url_number(struct arena *arena, const char *str, size_t len,
	uint64_t max, uint64_t *num_r, const char **error_r)
{
	uint64_t num = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (str[i] < '0' || str[i] > '9' ||
		    (num = num * 10 + (uint64_t)(str[i] - '0')) > max)
			break;
	}
	if (len == 0 || i < len) {
		*error_r = arena_printf(arena,
			"Value '%.*s' is not a valid IMAP number.",
			(int)len, str);
		return -1;
	}
	*num_r = num;
	return 0;
}

/* Case-insensitive "name=" at p; on a match *value_r follows the '='. */
static bool param_is(const char *p, const char *name, const char **value_r)
{
	size_t len = strlen(name);

	if (strncasecmp(p, name, len) != 0 || p[len] != '=')
		return false;
	*value_r = p + len + 1;
	return true;
}

/* The path segments after the mailbox: "/;UID=n/;SECTION=s/;PARTIAL=p",
   each starting at a ';'. */
static int url_parse_segments(const char *p, struct arena *arena,
	struct imap_url *url, const char **error_r)
{
	const char *value, *end, *dot;
	uint64_t num;

	/* ;UID= is required */
	if (*p != ';' || !param_is(p + 1, "UID", &value)) {
		*error_r = *p == '\0' ? "URL does not refer to a message." :
			arena_printf(arena, "Unexpected IMAP URL path segment: "
				"`%s'.", p);
		return -1;
	}
	end = value + strcspn(value, "/?");
	if (url_number(arena, value, (size_t)(end - value), UINT32_MAX, &num,
		    error_r) < 0)
		return -1;
	if (num == 0) {
		*error_r = "UID cannot be zero.";
		return -1;
	}
	url->uid = (uint32_t)num;
	p = end;

	while (*p == '/') {
		p++;
		if (*p == '\0')
			break; /* a trailing '/' */
		if (*p == ';' && url->section == NULL && !url->have_partial &&
		    param_is(p + 1, "SECTION", &value)) {
			end = value + strcspn(value, "/?");
			if (end == value) {
				*error_r = "Empty SECTION value.";
				return -1;
			}
			if (url_decode(arena, value, (size_t)(end - value),
				    &url->section, error_r) < 0)
				return -1;
			p = end;
			continue;
		}
		if (*p == ';' && !url->have_partial &&
		    param_is(p + 1, "PARTIAL", &value)) {
			end = value + strcspn(value, "/?");
			dot = memchr(value, '.', (size_t)(end - value));
			if (url_number(arena, value, (size_t)((dot == NULL ?
				    end : dot) - value), UINT32_MAX,
				    &url->partial_offset, error_r) < 0)
				return -1;
			if (dot != NULL) {
				if (url_number(arena, dot + 1,
					    (size_t)(end - dot - 1),
					    UINT32_MAX, &url->partial_size,
					    error_r) < 0)
					return -1;
				if (url->partial_size == 0) {
					*error_r = "PARTIAL size cannot be "
						"zero.";
					return -1;
				}
			}
			url->have_partial = true;
			p = end;
			continue;
		}
		*error_r = arena_printf(arena, "Unexpected IMAP URL path "
			"segment: `%s'.", p);
		return -1;
	}
	if (*p == '?') {
		*error_r = "Search query part only valid for messagelist-type "
			"IMAP URL.";
		return -1;
	}
	if (*p != '\0') {
		*error_r = arena_printf(arena, "Unexpected IMAP URL path "
			"segment: `%s'.", p);
		return -1;
	}
	return 0;
}

int imap_url_parse_relative(const char *str, struct arena *arena,
	struct imap_url *url_r, const char **error_r)
{
	struct imap_url url;
	const char *p, *end, *value;
	uint64_t num;

	memset(&url, 0, sizeof(url));
	if (strncasecmp(str, "imap:", 5) == 0 ||
	    (str[0] == '/' && str[1] == '/')) {
		*error_r = "Relative URL required.";
		return -1;
	}
	if (*str == ';') {
		/* relative to the selected mailbox */
		p = str;
	} else if (*str == '/') {
		/* "/mailbox[;UIDVALIDITY=n]/;UID=..." */
		str++;
		end = str;
		while (*end != '\0' && *end != ';' && *end != '?')
			end++;
		if (end > str && end[-1] == '/' && *end == ';')
			end--;
		if (end == str) {
			*error_r = "Empty mailbox name.";
			return -1;
		}
		if (url_decode(arena, str, (size_t)(end - str), &url.mailbox,
			    error_r) < 0)
			return -1;
		p = end;
		if (*p == ';' && param_is(p + 1, "UIDVALIDITY", &value)) {
			end = value + strcspn(value, "/?");
			if (url_number(arena, value, (size_t)(end - value),
				    UINT32_MAX, &num, error_r) < 0)
				return -1;
			if (num == 0) {
				*error_r = "UIDVALIDITY cannot be zero.";
				return -1;
			}
			url.uidvalidity = (uint32_t)num;
			p = end;
		}
		if (*p == '/')
			p++;
	} else {
		*error_r = "Relative URL required.";
		return -1;
	}
	if (url_parse_segments(p, arena, &url, error_r) < 0)
		return -1;
	*url_r = url;
	return 0;
}
