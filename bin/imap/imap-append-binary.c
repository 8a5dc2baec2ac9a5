/*
 * imap-append-binary.c - rewriting "binary" MIME parts of a literal8
 * APPEND as base64 (see imap-append-binary.h).
 */
#include "lib.h"
#include "arena.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "imap-append-binary.h"

#include <strings.h>

#define BASE64_LINE 76

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int imap_append_base64_write(const void *data, size_t size,
	imap_append_write_func_t *write_func, void *context)
{
	const unsigned char *p = data;
	/* whole lines plus their CRLF, 56 lines at a time */
	unsigned char out[(BASE64_LINE + 2) * 56];
	size_t i = 0, o = 0, line = 0;

	while (i < size) {
		unsigned int v = (unsigned int)p[i] << 16;
		size_t left = size - i;

		if (left > 1)
			v |= (unsigned int)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		if (line == BASE64_LINE) {
			out[o++] = '\r';
			out[o++] = '\n';
			line = 0;
		}
		out[o++] = (unsigned char)b64chars[(v >> 18) & 0x3f];
		out[o++] = (unsigned char)b64chars[(v >> 12) & 0x3f];
		out[o++] = left > 1 ?
			(unsigned char)b64chars[(v >> 6) & 0x3f] : '=';
		out[o++] = left > 2 ? (unsigned char)b64chars[v & 0x3f] : '=';
		line += 4;
		i += left > 3 ? 3 : left;
		if (o > sizeof(out) - 8) {
			if (write_func(context, out, o) < 0)
				return -1;
			o = 0;
		}
	}
	return o == 0 ? 0 : write_func(context, out, o);
}

static bool part_is_binary(const struct message_part *part)
{
	return part->children == NULL && part->data != NULL &&
		part->data->content_transfer_encoding != NULL &&
		strcasecmp(part->data->content_transfer_encoding,
			"binary") == 0;
}

struct convert_ctx {
	const unsigned char *msg;
	size_t size;
	/* bytes of msg already written */
	size_t pos;
	imap_append_write_func_t *write_func;
	void *context;
};

/* Copies msg[ctx->pos..end) as it is. */
static int copy_to(struct convert_ctx *ctx, size_t end)
{
	if (end <= ctx->pos)
		return 0;
	if (ctx->write_func(ctx->context, ctx->msg + ctx->pos,
		    end - ctx->pos) < 0)
		return -1;
	ctx->pos = end;
	return 0;
}

static int convert_part(struct convert_ctx *ctx,
	const struct message_part *part)
{
	static const char cte[] = "Content-Transfer-Encoding: base64\r\n";
	struct message_header_iter iter;
	struct message_header_field field;
	size_t hdr_start = (size_t)part->physical_pos;
	size_t hdr_size = (size_t)part->header_size.physical_size;
	size_t body_start = hdr_start + hdr_size;
	size_t body_size = (size_t)part->body_size.physical_size;

	if (hdr_start + hdr_size > ctx->size ||
	    body_size > ctx->size - body_start)
		return 0; /* a tree that doesn't fit: leave it be */
	message_header_iter_init(&iter, ctx->msg + hdr_start, hdr_size);
	while (message_header_iter_next(&iter, &field)) {
		if (field.no_colon || !message_header_name_equals(field.name,
			    "Content-Transfer-Encoding"))
			continue;
		if (copy_to(ctx, hdr_start + field.offset) < 0 ||
		    ctx->write_func(ctx->context, cte, sizeof(cte) - 1) < 0)
			return -1;
		ctx->pos = hdr_start + field.offset + field.raw.len;
	}
	if (copy_to(ctx, body_start) < 0 ||
	    imap_append_base64_write(ctx->msg + body_start, body_size,
		    ctx->write_func, ctx->context) < 0)
		return -1;
	ctx->pos = body_start + body_size;
	return 0;
}

static int convert_tree(struct convert_ctx *ctx,
	const struct message_part *part)
{
	for (; part != NULL; part = part->next) {
		if (part_is_binary(part)) {
			if (convert_part(ctx, part) < 0)
				return -1;
		} else if (part->children != NULL &&
			   convert_tree(ctx, part->children) < 0) {
			return -1;
		}
	}
	return 0;
}

int imap_append_binary_convert(struct arena *arena, const void *msg,
	size_t size, imap_append_write_func_t *write_func, void *context)
{
	struct convert_ctx ctx;
	struct message_part *root;

	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = msg;
	ctx.size = size;
	ctx.write_func = write_func;
	ctx.context = context;
	root = message_parse(arena, msg, size, NULL,
		MESSAGE_PARSER_FLAG_PART_DATA);
	if (convert_tree(&ctx, root) < 0)
		return -1;
	return copy_to(&ctx, size);
}
