/*
 * rfc2047.c - RFC 2047 encoded-word decoding to UTF-8 (see rfc2047.h).
 *
 * Decoded bytes of adjacent encoded words in the same charset are
 * converted together, so a multibyte character split across two words
 * (common in real mail) survives.
 */
#include "lib.h"
#include "rfc2047.h"
#include "mail-charset.h"
#include "mail-transfer.h"
#include "mail-utf8.h"

#include <strings.h>

#define CHARSET_MAX 64

struct encoded_word {
	char charset[CHARSET_MAX + 1];
	char encoding; /* 'B' or 'Q' */
	const unsigned char *text;
	size_t text_len;
	size_t total_len; /* "=?...?=" */
};

/* Parses an encoded word at p (which starts with "=?"). */
static bool parse_encoded_word(const unsigned char *p, size_t size,
	struct encoded_word *word_r)
{
	size_t i = 2, cs_start = 2, cs_len, text_start;

	while (i < size && p[i] != '?' && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i + 3 >= size || p[i] != '?' || i == cs_start)
		return false;
	cs_len = i - cs_start;
	/* RFC 2231 language suffix "charset*lang" */
	for (size_t j = cs_start; j < i; j++) {
		if (p[j] == '*') {
			cs_len = j - cs_start;
			break;
		}
	}
	if (cs_len == 0 || cs_len > CHARSET_MAX)
		return false;
	memcpy(word_r->charset, p + cs_start, cs_len);
	word_r->charset[cs_len] = '\0';
	i++;
	if (p[i] == 'b' || p[i] == 'B')
		word_r->encoding = 'B';
	else if (p[i] == 'q' || p[i] == 'Q')
		word_r->encoding = 'Q';
	else
		return false;
	i++;
	if (p[i] != '?')
		return false;
	text_start = ++i;
	/* the text ends at the next "?="; it has no white space */
	for (; i + 1 < size; i++) {
		if (p[i] == '?' && p[i + 1] == '=')
			break;
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n')
			return false;
	}
	if (i + 1 >= size)
		return false;
	word_r->text = p + text_start;
	word_r->text_len = i - text_start;
	word_r->total_len = i + 2;
	return true;
}

/* Decodes the word's text into out (raw bytes); false if invalid. */
static bool decode_word_text(const struct encoded_word *word,
	struct buf *out)
{
	if (word->encoding == 'Q')
		return qp_decode_q_word(word->text, word->text_len, out) == 0;

	struct base64_decoder dec;

	base64_decoder_init(&dec);
	if (base64_decode_more(&dec, word->text, word->text_len, out) < 0 ||
	    base64_decode_finish(&dec, out) < 0)
		return false;
	return dec.errors == 0;
}

static bool only_ws(const unsigned char *p, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return false;
	}
	return true;
}

/* Plain text: CR/LF removed (unfolding), invalid UTF-8 replaced. */
static int append_plain(struct buf *out, const unsigned char *p,
	size_t size)
{
	size_t i, start = 0;

	for (i = 0; i < size; i++) {
		if (p[i] == '\r' || p[i] == '\n' || p[i] == '\0') {
			if (utf8_append_sanitised(out, p + start, i - start,
				NULL) < 0)
				return -1;
			if (p[i] == '\0' && buf_append_str(out,
				UNICODE_REPLACEMENT_CHAR_UTF8) < 0)
				return -1;
			start = i + 1;
		}
	}
	return utf8_append_sanitised(out, p + start, size - start, NULL);
}

struct decode_ctx {
	struct buf *out;
	struct buf pending;     /* decoded, not yet converted bytes */
	char charset[CHARSET_MAX + 1];
};

static int flush_pending(struct decode_ctx *ctx)
{
	if (ctx->pending.used == 0)
		return 0;
	int ret = mail_charset_to_utf8(ctx->charset, ctx->pending.data,
		ctx->pending.used, ctx->out, NULL);
	buf_reset(&ctx->pending);
	return ret;
}

int rfc2047_decode_utf8(const void *value, size_t size, struct buf *out)
{
	const unsigned char *p = value, *plain = p, *end = p + size;
	const unsigned char *last_word_end = NULL;
	struct decode_ctx ctx;
	struct encoded_word word;
	int ret = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	buf_init(&ctx.pending, NULL, 128, size + 16);

	while (p + 1 < end) {
		const unsigned char *q = memchr(p, '=', end - p - 1);

		if (q == NULL)
			break;
		if (q[1] != '?' ||
		    !parse_encoded_word(q, end - q, &word)) {
			p = q + 1;
			continue;
		}
		size_t mark = ctx.pending.used;
		bool same_cs = mark > 0 &&
			strcasecmp(ctx.charset, word.charset) == 0;

		if (!same_cs) {
			/* decode into a fresh pending buffer below */
			mark = 0;
		}
		/* text between the previous word and this one */
		bool join = last_word_end == plain &&
			only_ws(plain, q - plain);
		if (!join || !same_cs) {
			if (flush_pending(&ctx) < 0) {
				ret = -1;
				break;
			}
			mark = 0;
		}
		if (!join && append_plain(out, plain, q - plain) < 0) {
			ret = -1;
			break;
		}
		if (!decode_word_text(&word, &ctx.pending)) {
			/* invalid: keep it as text */
			buf_truncate(&ctx.pending, mark);
			if (flush_pending(&ctx) < 0 ||
			    (join && append_plain(out, plain, q - plain) < 0)) {
				ret = -1;
				break;
			}
			p = q + 2;
			last_word_end = NULL;
			plain = q;
			continue;
		}
		memcpy(ctx.charset, word.charset, sizeof(ctx.charset));
		p = plain = last_word_end = q + word.total_len;
	}
	if (ret == 0 && (flush_pending(&ctx) < 0 ||
	    append_plain(out, plain, end - plain) < 0))
		ret = -1;
	buf_free(&ctx.pending);
	return ret;
}

const char *rfc2047_decode_utf8_dup(struct arena *arena, const void *value,
	size_t size)
{
	struct buf out;

	buf_init(&out, arena, size + 16, 0);
	if (rfc2047_decode_utf8(value, size, &out) < 0)
		i_panic("unbounded buffer overflowed");
	return arena_strndup(arena, out.data, out.used);
}

bool rfc2047_has_encoded_words(const void *value, size_t size)
{
	const unsigned char *p = value, *end = p + size, *q;
	struct encoded_word word;

	while (p + 1 < end && (q = memchr(p, '=', end - p - 1)) != NULL) {
		if (q[1] == '?' && parse_encoded_word(q, end - q, &word))
			return true;
		p = q + 1;
	}
	return false;
}
