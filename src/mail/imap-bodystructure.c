/*
 * imap-bodystructure.c - IMAP BODY / BODYSTRUCTURE of a parsed message,
 * as Dovecot 2.3 writes them (see imap-bodystructure.h).
 *
 * The recursion follows the part tree, whose depth the parser bounds
 * (max_nested_parts); a deserialised tree is bounded the same way by
 * message_part_deserialize().
 */
#include "lib.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "mail-quote.h"
#include "message-parser.h"
#include "message-part-data.h"

#include <strings.h>

#define EMPTY_BODY "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL " \
	"\"7bit\" 0 0"

struct bs_ctx {
	struct buf *out;
	bool extended;
};

static int append_str(struct bs_ctx *ctx, const char *s)
{
	return imap_mail_append_string(ctx->out, s, strlen(s));
}

static int append_params(struct bs_ctx *ctx,
	const struct message_part_param *params, unsigned int count,
	bool add_default_charset)
{
	struct buf *out = ctx->out;

	if (count == 0 && !add_default_charset)
		return buf_append_str(out, "NIL");
	if (buf_append_c(out, '(') < 0)
		return -1;
	for (unsigned int i = 0; i < count; i++) {
		if ((i > 0 && buf_append_c(out, ' ') < 0) ||
		    append_str(ctx, params[i].name) < 0 ||
		    buf_append_c(out, ' ') < 0 ||
		    append_str(ctx, params[i].value) < 0)
			return -1;
	}
	if (add_default_charset &&
	    buf_append_str(out, count > 0 ? " \"charset\" \"us-ascii\"" :
		"\"charset\" \"us-ascii\"") < 0)
		return -1;
	return buf_append_c(out, ')');
}

/* disposition, language, location */
static int write_common_extensions(struct bs_ctx *ctx,
	const struct message_part_data *data)
{
	struct buf *out = ctx->out;

	if (buf_append_c(out, ' ') < 0)
		return -1;
	if (data->content_disposition == NULL) {
		if (buf_append_str(out, "NIL") < 0)
			return -1;
	} else if (buf_append_c(out, '(') < 0 ||
		   append_str(ctx, data->content_disposition) < 0 ||
		   buf_append_c(out, ' ') < 0 ||
		   append_params(ctx, data->content_disposition_params,
			data->content_disposition_params_count, false) < 0 ||
		   buf_append_c(out, ')') < 0) {
		return -1;
	}
	if (buf_append_c(out, ' ') < 0)
		return -1;
	if (data->content_language == NULL) {
		if (buf_append_str(out, "NIL") < 0)
			return -1;
	} else {
		if (buf_append_c(out, '(') < 0)
			return -1;
		for (unsigned int i = 0; data->content_language[i] != NULL;
		     i++) {
			if ((i > 0 && buf_append_c(out, ' ') < 0) ||
			    append_str(ctx, data->content_language[i]) < 0)
				return -1;
		}
		if (buf_append_c(out, ')') < 0)
			return -1;
	}
	if (buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, data->content_location) < 0)
		return -1;
	return 0;
}

static int write_part(struct bs_ctx *ctx, const struct message_part *part);

/*
 * A part that looks like multipart or message/rfc822 by its header but
 * was not parsed as one (a parser limit): "application/octet-stream".
 */
static bool part_is_truncated(const struct message_part *part)
{
	const struct message_part_data *data = part->data;

	if ((part->flags & MESSAGE_PART_FLAG_OVERFLOW) != 0)
		return true;
	if (data->content_type == NULL)
		return false;
	if (strcasecmp(data->content_type, "message") == 0 &&
	    strcasecmp(data->content_subtype, "rfc822") == 0)
		return (part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) == 0 &&
			(part->flags & MESSAGE_PART_FLAG_IS_MIME) != 0;
	if (strcasecmp(data->content_type, "multipart") == 0)
		return (part->flags & MESSAGE_PART_FLAG_MULTIPART) == 0 &&
			(part->flags & MESSAGE_PART_FLAG_IS_MIME) != 0;
	return false;
}

static int write_multipart(struct bs_ctx *ctx, const struct message_part *part)
{
	const struct message_part_data *data = part->data;
	struct buf *out = ctx->out;

	if (part->children == NULL) {
		/* a multipart without parts is not allowed: write one
		   empty text/plain part */
		if (buf_append_str(out, EMPTY_BODY) < 0 ||
		    (ctx->extended &&
		     buf_append_str(out, " NIL NIL NIL NIL") < 0) ||
		    buf_append_c(out, ')') < 0)
			return -1;
	}
	for (const struct message_part *child = part->children;
	     child != NULL; child = child->next) {
		if (buf_append_c(out, '(') < 0 || write_part(ctx, child) < 0 ||
		    buf_append_c(out, ')') < 0)
			return -1;
	}
	if (buf_append_c(out, ' ') < 0 ||
	    append_str(ctx, data->content_subtype != NULL ?
		data->content_subtype : "x-unknown") < 0)
		return -1;
	if (!ctx->extended)
		return 0;
	if (buf_append_c(out, ' ') < 0 ||
	    append_params(ctx, data->content_type_params,
		data->content_type_params_count, false) < 0)
		return -1;
	return write_common_extensions(ctx, data);
}

static int write_single(struct bs_ctx *ctx, const struct message_part *part)
{
	const struct message_part_data *data = part->data;
	struct buf *out = ctx->out;
	bool text, rfc822 = false, truncated = part_is_truncated(part);
	const struct message_part_param *params = data->content_type_params;
	unsigned int params_count = data->content_type_params_count;

	if (data->content_type == NULL) {
		if (buf_append_str(out, "\"text\" \"plain\"") < 0)
			return -1;
		text = true;
	} else if (truncated) {
		/* the parser gave up here: opaque data */
		if (buf_append_str(out, "\"application\" \"octet-stream\"") < 0)
			return -1;
		text = false;
	} else {
		text = strcasecmp(data->content_type, "text") == 0;
		rfc822 = (part->flags &
			  MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0 &&
			strcasecmp(data->content_type, "message") == 0;
		if (append_str(ctx, data->content_type) < 0 ||
		    buf_append_c(out, ' ') < 0 ||
		    append_str(ctx, data->content_subtype) < 0)
			return -1;
	}
	bool add_charset = text && message_part_param_get(params,
		params_count, "charset") == NULL;
	if (buf_append_c(out, ' ') < 0 ||
	    append_params(ctx, params, params_count, add_charset) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, data->content_id) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, data->content_description) < 0 ||
	    buf_append_c(out, ' ') < 0)
		return -1;
	if (data->content_transfer_encoding == NULL) {
		if (buf_append_str(out, "\"7bit\"") < 0)
			return -1;
	} else if (append_str(ctx, data->content_transfer_encoding) < 0) {
		return -1;
	}
	if (buf_printf(out, " %llu",
		(unsigned long long)part->body_size.virtual_size) < 0)
		return -1;

	if (text) {
		if (buf_printf(out, " %llu",
			(unsigned long long)part->body_size.lines) < 0)
			return -1;
	} else if (rfc822 && part->children != NULL) {
		const struct message_part *child = part->children;
		static const struct message_envelope empty_env;
		const struct message_envelope *env = data->envelope != NULL ?
			data->envelope : &empty_env;

		if (buf_append_c(out, ' ') < 0 ||
		    imap_envelope_write(out, env) < 0 ||
		    buf_append_str(out, " (") < 0 ||
		    write_part(ctx, child) < 0 ||
		    buf_printf(out, ") %llu",
			(unsigned long long)part->body_size.lines) < 0)
			return -1;
	}
	if (!ctx->extended)
		return 0;
	if (buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, data->content_md5) < 0)
		return -1;
	return write_common_extensions(ctx, data);
}

static int write_part(struct bs_ctx *ctx, const struct message_part *part)
{
	if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0)
		return write_multipart(ctx, part);
	return write_single(ctx, part);
}

int imap_bodystructure_write(struct buf *out, struct arena *arena,
	struct message_part *root, const void *msg, size_t msg_size,
	bool extended, const char **error_r)
{
	struct bs_ctx ctx = { .out = out, .extended = extended };

	if (message_part_data_fill(arena, root, msg, msg_size, error_r) < 0)
		return -1;
	if (buf_append_c(out, '(') < 0 || write_part(&ctx, root) < 0 ||
	    buf_append_c(out, ')') < 0) {
		*error_r = "BODYSTRUCTURE does not fit the output buffer";
		return -1;
	}
	return 0;
}
