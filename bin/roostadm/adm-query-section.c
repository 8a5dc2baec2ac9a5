/*
 * adm-query-section.c - body.<section> and binary.<section> of roostadm
 * fetch (see adm-query-section.h), on src/mail's section lookup.
 */
#include "lib.h"
#include "buf.h"
#include "mail-charset.h"
#include "mail-transfer.h"
#include "message-header.h"
#include "message-text.h"
#include "message-part-data.h"
#include "message-size.h"
#include "adm-query-section.h"

#include <ctype.h>
#include <strings.h>

static int section_kind(const char *str, enum message_section_kind *kind_r)
{
	if (*str == '\0')
		*kind_r = MESSAGE_SECTION_BODY;
	else if (strcasecmp(str, "HEADER") == 0)
		*kind_r = MESSAGE_SECTION_HEADER;
	else if (strcasecmp(str, "TEXT") == 0)
		*kind_r = MESSAGE_SECTION_TEXT;
	else if (strcasecmp(str, "MIME") == 0)
		*kind_r = MESSAGE_SECTION_MIME;
	else
		return -1;
	return 0;
}

int adm_section_parse(const char *str, bool binary,
	struct adm_section *section_r)
{
	const char *end;
	int count;

	memset(section_r, 0, sizeof(*section_r));
	section_r->binary = binary;
	if (!isdigit((unsigned char)*str)) {
		/* "", HEADER, TEXT of the message itself */
		if (section_kind(str, &section_r->kind) < 0 ||
		    section_r->kind == MESSAGE_SECTION_MIME)
			return -1;
		return 0;
	}
	count = message_part_section_parse(str, section_r->nums,
		ADM_SECTION_MAX_NUMS, &end);
	if (count <= 0)
		return -1;
	section_r->count = (unsigned int)count;
	if (*end == '\0')
		return 0;
	if (*end != '.' || end[1] == '\0')
		return -1;
	return section_kind(end + 1, &section_r->kind);
}

int adm_section_append(const struct adm_section *section,
	struct message_part *root, const void *msg, size_t size,
	struct buf *out)
{
	const struct message_part *part;
	enum mail_cte cte = MAIL_CTE_7BIT;
	uint64_t pos, len;
	struct buf crlf;
	int ret;

	if (!message_part_section_range(root, section->nums, section->count,
			section->kind, &pos, &len) ||
	    pos > size || len > size - pos)
		return 0;
	part = message_part_find(root, section->nums, section->count);
	if (section->binary && section->kind == MESSAGE_SECTION_BODY &&
	    section->count > 0 && part != NULL && part->children == NULL &&
	    part->data != NULL)
		cte = mail_cte_parse(part->data->content_transfer_encoding);
	if (cte != MAIL_CTE_BASE64 && cte != MAIL_CTE_QP)
		return message_append_crlf(out, (const char *)msg + pos, len,
			false);
	/* BINARY decodes what BODY would send */
	buf_init(&crlf, NULL, (size_t)len + 64, 0);
	ret = message_append_crlf(&crlf, (const char *)msg + pos, len, false);
	if (ret == 0 && mail_cte_decode(cte, crlf.data, crlf.used, out,
					NULL) < 0)
		ret = -1;
	buf_free(&crlf);
	return ret;
}

/* A leaf's body, decoded to UTF-8. */
static int text_body_append(const struct message_part *part,
	const unsigned char *body, size_t len, struct buf *out)
{
	const struct message_part_data *data = part->data;
	enum mail_cte cte = MAIL_CTE_7BIT;
	const char *charset = NULL;
	struct buf decoded, crlf;
	const void *text = body;
	size_t text_len = len;
	int ret = 0;

	if (data != NULL) {
		cte = mail_cte_parse(data->content_transfer_encoding);
		charset = message_part_param_get(data->content_type_params,
			data->content_type_params_count, "charset");
	}
	buf_init(&decoded, NULL, len + 64, 0);
	buf_init(&crlf, NULL, len + 64, 0);
	if (cte == MAIL_CTE_BASE64 || cte == MAIL_CTE_QP) {
		if (mail_cte_decode(cte, body, len, &decoded, NULL) < 0)
			ret = -1;
		text = decoded.data;
		text_len = decoded.used;
		if (ret == 0 && cte == MAIL_CTE_QP) {
			/* quoted-printable's hard line breaks are CRLF */
			if (message_append_crlf(&crlf, decoded.data,
					decoded.used, false) < 0)
				ret = -1;
			text = crlf.data;
			text_len = crlf.used;
		}
	}
	if (ret == 0 &&
	    mail_charset_to_utf8(charset, text, text_len, out, NULL) < 0)
		ret = -1;
	buf_free(&decoded);
	buf_free(&crlf);
	return ret;
}

static int text_part_append(const struct message_part *part,
	const unsigned char *msg, size_t size, struct buf *out)
{
	struct message_header_iter iter;
	struct message_header_field field;
	uint64_t hdr_len = part->header_size.physical_size;
	uint64_t body_pos = message_part_body_pos(part);
	uint64_t body_len = part->body_size.physical_size;

	if (part->physical_pos > size || hdr_len > size - part->physical_pos ||
	    body_pos > size || body_len > size - body_pos)
		return 0;
	message_header_iter_init(&iter, msg + part->physical_pos,
		(size_t)hdr_len);
	while (message_header_iter_next(&iter, &field)) {
		if (buf_append(out, field.name.ptr, field.name.len) < 0 ||
		    buf_append_str(out, ": ") < 0 ||
		    message_header_value_to_utf8(field.value.ptr,
			field.value.len, out) < 0 ||
		    buf_append_c(out, '\n') < 0)
			return -1;
	}
	if (buf_append_c(out, '\n') < 0)
		return -1;
	if (part->children != NULL) {
		for (const struct message_part *child = part->children;
		     child != NULL; child = child->next) {
			if (text_part_append(child, msg, size, out) < 0)
				return -1;
		}
		return 0;
	}
	return text_body_append(part, msg + body_pos, (size_t)body_len, out);
}

int adm_text_utf8_append(struct message_part *root, const void *msg,
	size_t size, struct buf *out)
{
	return text_part_append(root, msg, size, out);
}
