/*
 * message-text.c - a parsed message as UTF-8 text for SEARCH and FTS (see
 * message-text.h).
 */
#include "lib.h"
#include "message-text.h"
#include "mail-charset.h"
#include "mail-transfer.h"
#include "mail-utf8.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "rfc2047.h"

#include <strings.h>

/* Raw input decoded per step; output chunks stay around this size. */
#define TEXT_CHUNK_SIZE 8192
/* Longest decoded header value given to a callback. */
#define TEXT_MAX_HEADER_VALUE (1024 * 1024)

int message_header_value_to_utf8(const void *value, size_t size,
	struct buf *out)
{
	return rfc2047_decode_utf8(value, size, out);
}

struct body_decoder {
	enum mail_cte cte;
	struct base64_decoder b64;
	struct qp_decoder qp;
	struct charset_translation *trans; /* NULL: sanitise as UTF-8 */
};

static void body_decoder_init(struct body_decoder *dec,
	const struct message_part_data *data)
{
	const char *charset = NULL;

	memset(dec, 0, sizeof(*dec));
	dec->cte = mail_cte_parse(data->content_transfer_encoding);
	base64_decoder_init(&dec->b64);
	qp_decoder_init(&dec->qp);
	if (message_part_data_is_text(data)) {
		charset = message_part_param_get(data->content_type_params,
			data->content_type_params_count, "charset");
	}
	if (charset != NULL && !mail_charset_is_utf8(charset) &&
	    mail_charset_translation_begin(charset, &dec->trans) < 0)
		dec->trans = NULL; /* unknown: keep the bytes */
}

/* Decodes raw[0..size) (final: end of the body) into UTF-8 out. */
static int body_decode(struct body_decoder *dec, const void *raw,
	size_t size, bool final, struct buf *tmp, struct buf *out)
{
	buf_reset(tmp);
	switch (dec->cte) {
	case MAIL_CTE_BASE64:
		if (base64_decode_more(&dec->b64, raw, size, tmp) < 0 ||
		    (final && base64_decode_finish(&dec->b64, tmp) < 0))
			return -1;
		break;
	case MAIL_CTE_QP:
		if (qp_decode_more(&dec->qp, raw, size, tmp) < 0 ||
		    (final && qp_decode_finish(&dec->qp, tmp) < 0))
			return -1;
		break;
	default:
		/* 7bit, 8bit, binary and unknown encodings: as is */
		if (buf_append(tmp, raw, size) < 0)
			return -1;
		break;
	}
	if (dec->trans != NULL) {
		if (mail_charset_translate(dec->trans, tmp->data, tmp->used,
			out) < 0)
			return -1;
		if (final && mail_charset_translation_end(&dec->trans, out) < 0)
			return -1;
		return 0;
	}
	/* UTF-8 (or unknown charset / binary): keep an incomplete
	   trailing character for the next round */
	return utf8_append_sanitised(out, tmp->data, tmp->used, NULL);
}

struct iterate_ctx {
	struct arena *arena;
	const unsigned char *msg;
	enum message_text_flags flags;
	message_text_callback_t *cb;
	void *context;
	struct buf tmp, out;
};

static int iterate_headers(struct iterate_ctx *ctx,
	const struct message_part *part)
{
	struct message_header_iter iter;
	struct message_header_field field;
	int ret = 0;

	message_header_iter_init(&iter, ctx->msg + part->physical_pos,
		part->header_size.physical_size);
	while (ret == 0 && message_header_iter_next(&iter, &field)) {
		/* heap temporaries: the callback may use scratch frames */
		char *name = i_strndup(field.no_colon ? "" : field.name.ptr,
			field.no_colon ? 0 : field.name.len);
		struct buf value;

		buf_init(&value, NULL, field.value.len + 16,
			TEXT_MAX_HEADER_VALUE);
		if (message_header_value_to_utf8(field.value.ptr,
			field.value.len, &value) < 0) {
			/* a value too long is cut, not skipped */
		}
		ret = ctx->cb(ctx->context, part, MESSAGE_TEXT_HEADER, name,
			buf_cstr(&value), value.used);
		buf_free(&value);
		i_free(name);
	}
	return ret;
}

static bool part_wants_body(const struct iterate_ctx *ctx,
	const struct message_part *part)
{
	const struct message_part_data *data = part->data;

	if ((ctx->flags & MESSAGE_TEXT_FLAG_BODIES) == 0)
		return false;
	if ((ctx->flags & MESSAGE_TEXT_FLAG_ONLY_TEXT_BODIES) == 0)
		return true;
	return data->content_type == NULL ||
		strcasecmp(data->content_type, "text") == 0 ||
		strcasecmp(data->content_type, "message") == 0;
}

static int iterate_body(struct iterate_ctx *ctx,
	const struct message_part *part)
{
	struct body_decoder dec;
	const unsigned char *p = ctx->msg + message_part_body_pos(part);
	size_t left = part->body_size.physical_size;
	int ret = 0;

	body_decoder_init(&dec, part->data);
	do {
		size_t n = I_MIN(left, TEXT_CHUNK_SIZE);

		buf_reset(&ctx->out);
		if (body_decode(&dec, p, n, n == left, &ctx->tmp,
			&ctx->out) < 0) {
			/* cannot happen with these bounds; stop quietly */
			break;
		}
		p += n;
		left -= n;
		if (ctx->out.used > 0) {
			ret = ctx->cb(ctx->context, part, MESSAGE_TEXT_BODY,
				NULL, ctx->out.data, ctx->out.used);
		}
	} while (ret == 0 && left > 0);
	if (dec.trans != NULL) {
		buf_reset(&ctx->out);
		if (mail_charset_translation_end(&dec.trans, &ctx->out) < 0) {
			/* out of room: nothing more to say */
		}
	}
	return ret;
}

int message_text_iterate(struct arena *arena, struct message_part *root,
	const void *msg, size_t msg_size, enum message_text_flags flags,
	message_text_callback_t *cb, void *context, const char **error_r)
{
	struct iterate_ctx ctx;
	const struct message_part *part = root;
	int ret = 0;

	if (message_part_data_fill(arena, root, msg, msg_size, error_r) < 0)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = arena;
	ctx.msg = msg;
	ctx.flags = flags;
	ctx.cb = cb;
	ctx.context = context;
	/* decoded data grows at most 4x (charsets) over a raw chunk */
	buf_init(&ctx.tmp, NULL, TEXT_CHUNK_SIZE, TEXT_CHUNK_SIZE * 2);
	buf_init(&ctx.out, NULL, TEXT_CHUNK_SIZE, TEXT_CHUNK_SIZE * 8);

	while (part != NULL && ret == 0) {
		if ((flags & MESSAGE_TEXT_FLAG_HEADERS) != 0)
			ret = iterate_headers(&ctx, part);
		if (ret == 0 && part->children == NULL &&
		    (part->flags & MESSAGE_PART_FLAG_MULTIPART) == 0 &&
		    part_wants_body(&ctx, part))
			ret = iterate_body(&ctx, part);
		/* pre-order successor */
		if (part->children != NULL) {
			part = part->children;
			continue;
		}
		while (part != NULL && part != root && part->next == NULL)
			part = part->parent;
		part = part == NULL || part == root ? NULL : part->next;
	}
	buf_free(&ctx.tmp);
	buf_free(&ctx.out);
	return ret;
}

/* Streaming substring search over case-folded text. */
struct message_search {
	struct arena *arena;
	char *key;      /* folded */
	size_t key_len;
	struct buf window; /* tail of earlier text + the new folded piece */
	const struct message_part *last_part; /* whose body was fed last */
	bool matched;
};

struct message_search *message_search_init(struct arena *arena,
	const char *key)
{
	struct message_search *search;
	struct buf folded;

	search = arena_new(arena, struct message_search, 1);
	search->arena = arena;
	buf_init(&folded, arena, strlen(key) * 2 + 8, 0);
	if (utf8_append_casefold(&folded, key, strlen(key)) < 0)
		i_panic("unbounded buffer overflowed");
	search->key = folded.data;
	search->key_len = folded.used;
	buf_init(&search->window, arena, 256, 0);
	search->matched = search->key_len == 0;
	return search;
}

void message_search_reset(struct message_search *search)
{
	buf_reset(&search->window);
	search->last_part = NULL;
	search->matched = search->key_len == 0;
}

bool message_search_feed(struct message_search *search, const void *text,
	size_t size)
{
	struct buf *w = &search->window;

	if (search->matched)
		return true;
	if (utf8_append_casefold(w, text, size) < 0)
		i_panic("unbounded buffer overflowed");
	if (w->used >= search->key_len &&
	    memmem(w->data, w->used, search->key, search->key_len) != NULL) {
		search->matched = true;
		return true;
	}
	/* keep only what a match across the next piece could need */
	if (w->used >= search->key_len)
		buf_consume(w, w->used - (search->key_len - 1));
	return false;
}

bool message_search_matched(const struct message_search *search)
{
	return search->matched;
}

static int search_cb(void *context, const struct message_part *part,
	enum message_text_kind kind, const char *name, const char *text,
	size_t size)
{
	struct message_search *search = context;

	/* fields and parts are separated by a line break, so a match
	   cannot join two of them */
	if (kind == MESSAGE_TEXT_HEADER) {
		(void)message_search_feed(search, "\n", 1);
		(void)message_search_feed(search, name, strlen(name));
		(void)message_search_feed(search, ": ", 2);
		search->last_part = NULL;
	} else if (part != search->last_part) {
		(void)message_search_feed(search, "\n", 1);
		search->last_part = part;
	}
	return message_search_feed(search, text, size) ? 1 : 0;
}

static bool search_message(struct message_search *search,
	struct arena *arena, struct message_part *root, const void *msg,
	size_t msg_size, enum message_text_flags flags)
{
	const char *error;

	message_search_reset(search);
	if (search->matched)
		return true;
	if (message_text_iterate(arena, root, msg, msg_size, flags,
		search_cb, search, &error) < 0)
		return false;
	return search->matched;
}

bool message_search_body(struct message_search *search, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size)
{
	return search_message(search, arena, root, msg, msg_size,
		MESSAGE_TEXT_FLAG_BODIES);
}

bool message_search_text(struct message_search *search, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size)
{
	return search_message(search, arena, root, msg, msg_size,
		MESSAGE_TEXT_FLAG_HEADERS | MESSAGE_TEXT_FLAG_BODIES);
}

bool message_search_header_value(struct message_search *search,
	const void *value, size_t size)
{
	bool ret;

	struct buf out;

	message_search_reset(search);
	buf_init(&out, NULL, size + 16, 0);
	if (message_header_value_to_utf8(value, size, &out) < 0)
		i_panic("unbounded buffer overflowed");
	ret = message_search_feed(search, out.data, out.used);
	buf_free(&out);
	return ret;
}
