/*
 * adm-print-json.c - the json formatter: the whole output is one JSON
 * array with an object per row, keyed by the column keys:
 * [{"field":"uid","value":"1000"},{...}] and "[]" for no rows.  As in
 * doveadm the array is not followed by a newline.
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 become
 * U+FFFD so that the output is always valid JSON, also when a value is
 * streamed in pieces that split a multi-byte character.
 */
#include "lib.h"
#include "adm-print-private.h"

struct json_ctx {
	unsigned int idx;
	bool first_row;
	bool streaming;
	bool closed;
	/* An incomplete UTF-8 sequence at the end of a streamed piece. */
	unsigned char carry[4];
	size_t carry_len;
};

static const char utf8_replacement[] = "\xef\xbf\xbd";

/*
 * Length of the valid UTF-8 sequence at s (1-4), 0 if s[0..len) is a
 * valid but incomplete prefix of one, -1 if s starts an invalid one.
 */
static int utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return -1;
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (int i = 1; i < need; i++) {
		if ((size_t)i >= len)
			return 0;
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return -1;
	}
	return need;
}

static void json_escape_char(FILE *out, const unsigned char *s, int len)
{
	if (len > 1) {
		/* U+2028 and U+2029 are valid JSON but break JavaScript. */
		if (len == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			fprintf(out, "\\u%04x", s[2] == 0xa8 ? 0x2028 : 0x2029);
		else
			(void)fwrite(s, 1, (size_t)len, out);
		return;
	}
	switch (s[0]) {
	case '"':
		fputs("\\\"", out);
		break;
	case '\\':
		fputs("\\\\", out);
		break;
	case '\b':
		fputs("\\b", out);
		break;
	case '\f':
		fputs("\\f", out);
		break;
	case '\n':
		fputs("\\n", out);
		break;
	case '\r':
		fputs("\\r", out);
		break;
	case '\t':
		fputs("\\t", out);
		break;
	default:
		if (s[0] < 0x20)
			fprintf(out, "\\u%04x", s[0]);
		else
			fputc(s[0], out);
		break;
	}
}

/*
 * Escapes data; returns how many trailing bytes form an incomplete
 * sequence that was not written (always 0 when final).
 */
static size_t json_escape_data(FILE *out, const unsigned char *data,
	size_t size, bool final)
{
	size_t i = 0;

	while (i < size) {
		int len = utf8_seq_len(data + i, size - i);

		if (len == 0 && !final)
			return size - i;
		if (len <= 0) {
			fputs(utf8_replacement, out);
			i++;
			continue;
		}
		json_escape_char(out, data + i, len);
		i += (size_t)len;
	}
	return 0;
}

void adm_print_json_escape(FILE *out, const unsigned char *s, size_t len)
{
	(void)json_escape_data(out, s, len, true);
}

static void json_init(struct adm_print *print)
{
	struct json_ctx *ctx = arena_new(print->arena, struct json_ctx, 1);

	ctx->first_row = true;
	print->fctx = ctx;
}

static void json_header(struct adm_print *print,
	const struct adm_print_header *hdr)
{
}

/* Writes the separator and "key": before a value. */
static void json_value_start(struct adm_print *print)
{
	struct json_ctx *ctx = print->fctx;
	const char *key = print->headers.v[ctx->idx].key;

	i_assert(!ctx->closed);
	if (ctx->idx == 0) {
		fputc(ctx->first_row ? '[' : ',', print->out);
		fputc('{', print->out);
		ctx->first_row = false;
	} else {
		fputc(',', print->out);
	}
	fputc('"', print->out);
	adm_print_json_escape(print->out, (const unsigned char *)key,
		strlen(key));
	fputs("\":", print->out);
}

static void json_value_end(struct adm_print *print)
{
	struct json_ctx *ctx = print->fctx;

	if (++ctx->idx == print->headers.count) {
		ctx->idx = 0;
		fputc('}', print->out);
	}
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void json_print(struct adm_print *print, const char *value)
{
	struct json_ctx *ctx = print->fctx;
	enum adm_print_header_flags flags = print->headers.v[ctx->idx].flags;

	json_value_start(print);
	if ((flags & ADM_PRINT_HEADER_FLAG_NUMBER) != 0 &&
	    json_is_number(value)) {
		fputs(value, print->out);
	} else {
		fputc('"', print->out);
		adm_print_json_escape(print->out,
			(const unsigned char *)value, strlen(value));
		fputc('"', print->out);
	}
	json_value_end(print);
}

static void json_print_stream(struct adm_print *print,
	const unsigned char *data, size_t size)
{
	struct json_ctx *ctx = print->fctx;

	if (!ctx->streaming) {
		json_value_start(print);
		fputc('"', print->out);
		ctx->streaming = true;
	}
	if (size == 0) {
		(void)json_escape_data(print->out, ctx->carry, ctx->carry_len,
			true);
		ctx->carry_len = 0;
		fputc('"', print->out);
		ctx->streaming = false;
		json_value_end(print);
		return;
	}
	/* Complete a character split by the previous piece first. */
	while (ctx->carry_len > 0 && size > 0) {
		size_t left;

		ctx->carry[ctx->carry_len++] = *data++;
		size--;
		left = json_escape_data(print->out, ctx->carry,
			ctx->carry_len, false);
		if (left == 0) {
			ctx->carry_len = 0;
		} else {
			memmove(ctx->carry, ctx->carry + ctx->carry_len - left,
				left);
			ctx->carry_len = left;
		}
	}
	if (size > 0) {
		size_t left = json_escape_data(print->out, data, size, false);

		i_assert(left < sizeof(ctx->carry));
		memcpy(ctx->carry, data + size - left, left);
		ctx->carry_len = left;
	}
}

static void json_flush(struct adm_print *print)
{
	struct json_ctx *ctx = print->fctx;

	if (ctx->closed)
		return;
	ctx->closed = true;
	if (ctx->idx != 0) {
		/* Close an unfinished row so the output stays valid. */
		fputc('}', print->out);
		ctx->idx = 0;
	}
	fputs(ctx->first_row ? "[]" : "]", print->out);
}

const struct adm_print_vfuncs adm_print_json_vfuncs = {
	.name = "json",
	.init = json_init,
	.header = json_header,
	.print = json_print,
	.print_stream = json_print_stream,
	.flush = json_flush,
};
