/*
 * message-part-data.c - the Content-* fields of a part, as BODYSTRUCTURE
 * needs them (see message-part-data.h).
 *
 * Field values are taken the way Dovecot 2.3 takes them: Content-ID,
 * Content-Description, Content-Location and Content-MD5 raw (leading white
 * space skipped, folds kept; the writer removes CR/LF), the transfer
 * encoding only when it is a single token, the language list as atoms
 * separated by ',' with comments skipped.  The first occurrence of each
 * field counts, except for Content-Disposition where the last one does
 * (Dovecot 2.3).
 */
#include "lib.h"
#include "array.h"
#include "imap-envelope.h"
#include "message-content.h"
#include "message-header.h"
#include "message-part-data.h"
#include "mail-utf8.h"
#include "rfc822-lex.h"

#include <strings.h>

const char *message_part_param_get(const struct message_part_param *params,
	unsigned int count, const char *name)
{
	for (unsigned int i = 0; i < count; i++) {
		if (strcasecmp(params[i].name, name) == 0)
			return params[i].value;
	}
	return NULL;
}

/* Raw value: leading white space skipped (all of it unless the line has
   nothing else), NULs replaced by U+FFFD. */
static const char *raw_value(struct arena *arena, struct slice value)
{
	const char *p = value.ptr, *end = p + value.len, *q = p;
	struct buf out;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < end && *q != '\r' && *q != '\n')
		p = q;
	if (memchr(p, '\0', end - p) == NULL)
		return arena_strndup(arena, p, end - p);
	buf_init(&out, arena, (end - p) + 8, 0);
	for (; p < end; p++) {
		int ret = *p == '\0' ?
			buf_append_str(&out, UNICODE_REPLACEMENT_CHAR_UTF8) :
			buf_append_c(&out, *p);
		if (ret < 0)
			i_panic("unbounded buffer overflowed");
	}
	return arena_strndup(arena, out.data, out.used);
}

/* Content-Transfer-Encoding: one token and nothing else (comments
   aside), else the field is ignored as in Dovecot. */
static const char *parse_cte_value(struct arena *arena, struct slice value)
{
	struct rfc822_lex lex;
	struct buf out;

	buf_init(&out, arena, 32, value.len + 1);
	rfc822_lex_init(&lex, value.ptr, value.len);
	if (rfc822_skip_cfws(&lex) < 0 || rfc822_parse_token(&lex, &out) != 0)
		return NULL;
	return arena_strndup(arena, out.data, out.used);
}

static const char *const *parse_language(struct arena *arena,
	struct slice value)
{
	ARRAY(const char *) langs;
	struct rfc822_lex lex;
	struct buf out;

	array_init(&langs, arena, 4);
	buf_init(&out, arena, 16, value.len + 1);
	rfc822_lex_init(&lex, value.ptr, value.len);
	(void)rfc822_skip_cfws(&lex);
	while (rfc822_parse_atom(&lex, &out) >= 0) {
		array_push(&langs, arena_strndup(arena, out.data, out.used));
		buf_reset(&out);
		if (rfc822_lex_eof(&lex) || *lex.data != ',')
			break;
		lex.data++;
		(void)rfc822_skip_cfws(&lex);
	}
	if (langs.count == 0)
		return NULL;
	array_push(&langs, NULL);
	return langs.v;
}

static void parse_content_field(struct arena *arena,
	struct message_part_data *data, const struct message_header_field *f)
{
	struct slice name = f->name;
	struct message_content content;

	if (message_header_name_equals(name, "Content-Type")) {
		if (data->content_type != NULL)
			return;
		message_content_type_parse(arena, f->value.ptr, f->value.len,
			&content);
		data->content_type = content.type;
		data->content_subtype = content.subtype;
		data->content_type_params = content.params;
		data->content_type_params_count = content.params_count;
	} else if (message_header_name_equals(name,
			"Content-Transfer-Encoding")) {
		if (data->content_transfer_encoding == NULL)
			data->content_transfer_encoding =
				parse_cte_value(arena, f->value);
	} else if (message_header_name_equals(name, "Content-ID")) {
		if (data->content_id == NULL)
			data->content_id = raw_value(arena, f->value);
	} else if (message_header_name_equals(name, "Content-Description")) {
		if (data->content_description == NULL)
			data->content_description = raw_value(arena, f->value);
	} else if (message_header_name_equals(name, "Content-Disposition")) {
		/* (the last one counts, as in Dovecot) */
		message_content_disposition_parse(arena, f->value.ptr,
			f->value.len, &content);
		data->content_disposition = content.type;
		data->content_disposition_params = content.params;
		data->content_disposition_params_count = content.params_count;
	} else if (message_header_name_equals(name, "Content-Language")) {
		if (data->content_language == NULL)
			data->content_language =
				parse_language(arena, f->value);
	} else if (message_header_name_equals(name, "Content-Location")) {
		if (data->content_location == NULL)
			data->content_location = raw_value(arena, f->value);
	} else if (message_header_name_equals(name, "Content-MD5")) {
		if (data->content_md5 == NULL)
			data->content_md5 = raw_value(arena, f->value);
	}
}

struct message_part_data *message_part_data_parse_header(struct arena *arena,
	const void *header, size_t size, bool is_mime)
{
	struct message_part_data *data;
	struct message_header_iter iter;
	struct message_header_field field;

	data = arena_new(arena, struct message_part_data, 1);
	if (!is_mime)
		return data;
	message_header_iter_init(&iter, header, size);
	while (message_header_iter_next(&iter, &field)) {
		if (field.no_colon || field.name.len < 10 ||
		    strncasecmp(field.name.ptr, "Content-", 8) != 0)
			continue;
		parse_content_field(arena, data, &field);
	}
	return data;
}

static int part_check_bounds(const struct message_part *part,
	size_t msg_size, const char **error_r)
{
	uint64_t end = part->physical_pos;

	if (end > msg_size ||
	    part->header_size.physical_size > msg_size - end) {
		*error_r = "message part header is outside the message";
		return -1;
	}
	end += part->header_size.physical_size;
	if (part->body_size.physical_size > msg_size - end) {
		*error_r = "message part body is outside the message";
		return -1;
	}
	return 0;
}

int message_part_data_fill(struct arena *arena, struct message_part *root,
	const void *msg, size_t msg_size, const char **error_r)
{
	const unsigned char *data = msg;
	struct message_part *part = root;

	/* iterative pre-order walk */
	while (part != NULL) {
		if (part_check_bounds(part, msg_size, error_r) < 0)
			return -1;
		if (part->data == NULL) {
			part->data = message_part_data_parse_header(arena,
				data + part->physical_pos,
				part->header_size.physical_size,
				(part->flags & MESSAGE_PART_FLAG_IS_MIME) != 0);
			if (part->data->content_type == NULL &&
			    part->parent != NULL &&
			    (part->parent->flags &
			     MESSAGE_PART_FLAG_MULTIPART_DIGEST) != 0) {
				/* RFC 2046 5.1.5: the digest default */
				part->data->content_type = "message";
				part->data->content_subtype = "rfc822";
			}
		}
		if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0 &&
		    part->data->envelope == NULL && part->children != NULL) {
			const struct message_part *child = part->children;

			if (part_check_bounds(child, msg_size, error_r) < 0)
				return -1;
			part->data->envelope = message_envelope_parse(arena,
				data + child->physical_pos,
				child->header_size.physical_size);
		}
		if (part->children != NULL) {
			part = part->children;
			continue;
		}
		while (part != NULL && part->next == NULL && part != root)
			part = part->parent;
		if (part == NULL || part == root)
			break;
		part = part->next;
	}
	return 0;
}

bool message_part_data_is_text(const struct message_part_data *data)
{
	return data->content_type == NULL ||
		strcasecmp(data->content_type, "text") == 0;
}

bool message_part_data_is_attachment(const struct message_part_data *data)
{
	if (data->content_disposition == NULL)
		return false;
	if (strcasecmp(data->content_disposition, "attachment") == 0)
		return true;
	return strcasecmp(data->content_disposition, "inline") == 0 &&
		message_part_param_get(data->content_disposition_params,
			data->content_disposition_params_count,
			"filename") != NULL;
}
