/*
 * imap-fetch-body.c - resolving a FETCH body section of a message to its
 * bytes: part lookup, header/text/MIME ranges, HEADER.FIELDS filtering,
 * BINARY decoding, partial windows (see imap-fetch-body.h).
 */
#include "lib.h"
#include "arena.h"
#include "imap-fetch-args.h"
#include "mail-transfer.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "storage.h"
#include "imap-fetch-body.h"

/* A physical byte range of the message file. */
struct body_range {
	uint64_t pos, size;
	bool empty;
	/* the range is the whole message (its virtual size is known) */
	bool whole;
	/* the part whose body it is (BINARY decoding), or NULL */
	const struct message_part *body_of;
};

static void range_set(struct body_range *r, uint64_t pos, uint64_t size)
{
	r->pos = pos;
	r->size = size;
}

/* HEADER, TEXT and HEADER.FIELDS of a part address the message inside a
   message/rfc822 part; other parts have none (empty string). */
static const struct message_part *
part_message(const struct message_part *part, bool numbered)
{
	if (!numbered)
		return part;
	if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) == 0)
		return NULL;
	return part->children;
}

/* Works out the range of sec (r->empty: the section doesn't exist and is
   an empty string); for HEADER.FIELDS *header_block_r is the header block
   to filter. */
static int body_find_range(struct mail *mail, const struct mail_data *data,
	const struct imap_fetch_section *sec, struct body_range *r,
	struct body_range *header_block_r)
{
	struct message_part *root, *part;
	const struct message_part *msg;
	bool numbered = sec->part_count > 0;
	uint64_t hdr_size, hdr_vsize;

	memset(r, 0, sizeof(*r));
	memset(header_block_r, 0, sizeof(*header_block_r));
	if (!numbered) {
		/* the whole message: no part tree needed */
		if (sec->text == IMAP_FETCH_SECTION_ALL) {
			range_set(r, 0, data->physical_size);
			r->whole = true;
			return 0;
		}
		if (sec->text != IMAP_FETCH_SECTION_MIME &&
		    mail_get_header_size(mail, &hdr_size, &hdr_vsize) < 0)
			return -1;
		switch (sec->text) {
		case IMAP_FETCH_SECTION_ALL:
			break;
		case IMAP_FETCH_SECTION_HEADER:
			range_set(r, 0, hdr_size);
			return 0;
		case IMAP_FETCH_SECTION_TEXT:
			range_set(r, hdr_size, data->physical_size - hdr_size);
			return 0;
		case IMAP_FETCH_SECTION_HEADER_FIELDS:
		case IMAP_FETCH_SECTION_HEADER_FIELDS_NOT:
			range_set(header_block_r, 0, hdr_size);
			return 0;
		case IMAP_FETCH_SECTION_MIME:
			break;
		}
		i_panic("MIME without a part number");
	}

	if (mail_get_parts(mail, &root) < 0)
		return -1;
	part = message_part_find(root, sec->part, sec->part_count);
	r->empty = true;
	if (part == NULL)
		return 0;
	switch (sec->text) {
	case IMAP_FETCH_SECTION_ALL:
		r->empty = false;
		r->body_of = part;
		range_set(r, message_part_body_pos(part),
			part->body_size.physical_size);
		break;
	case IMAP_FETCH_SECTION_MIME:
		r->empty = false;
		range_set(r, part->physical_pos,
			part->header_size.physical_size);
		break;
	case IMAP_FETCH_SECTION_HEADER:
	case IMAP_FETCH_SECTION_TEXT:
	case IMAP_FETCH_SECTION_HEADER_FIELDS:
	case IMAP_FETCH_SECTION_HEADER_FIELDS_NOT:
		msg = part_message(part, numbered);
		if (msg == NULL)
			break;
		if (sec->text == IMAP_FETCH_SECTION_HEADER) {
			r->empty = false;
			range_set(r, msg->physical_pos,
				msg->header_size.physical_size);
		} else if (sec->text == IMAP_FETCH_SECTION_TEXT) {
			r->empty = false;
			range_set(r, message_part_body_pos(msg),
				msg->body_size.physical_size);
		} else {
			r->empty = false;
			range_set(header_block_r, msg->physical_pos,
				msg->header_size.physical_size);
		}
		break;
	}
	/* a tree that doesn't fit the file (changed under us) is clamped */
	if (r->pos > data->physical_size)
		r->pos = data->physical_size;
	if (r->size > data->physical_size - r->pos)
		r->size = data->physical_size - r->pos;
	if (header_block_r->pos > data->physical_size)
		header_block_r->pos = data->physical_size;
	if (header_block_r->size > data->physical_size - header_block_r->pos)
		header_block_r->size =
			data->physical_size - header_block_r->pos;
	return 0;
}

/* The window <offset.size> of a section of full bytes. */
static uint64_t window_size(const struct imap_fetch_section *sec,
	uint64_t full)
{
	uint64_t left;

	if (!sec->partial)
		return full;
	if (sec->partial_offset >= full)
		return 0;
	left = full - sec->partial_offset;
	return sec->partial_size < left ? sec->partial_size : left;
}

static bool has_nul(const unsigned char *p, uint64_t size)
{
	return size > 0 && memchr(p, '\0', (size_t)size) != NULL;
}

/* BINARY of a part body with a real encoding. */
static enum imap_fetch_body_error
body_open_decoded(struct imap_fetch_body *body,
	const struct imap_fetch_section *sec, struct arena *arena,
	const unsigned char *p, uint64_t size, bool convert, enum mail_cte cte)
{
	unsigned int errors;
	bool nuls;

	fetch_decode_measure(arena, p, (size_t)size, convert, cte,
		&body->full_size, &nuls, &errors);
	if (errors > 0) {
		return cte == MAIL_CTE_BASE64 ? IMAP_FETCH_BODY_UNKNOWN_CTE :
			IMAP_FETCH_BODY_PARSE;
	}
	body->decode = true;
	/* Dovecot sends every decoded body as a literal8 */
	(void)nuls;
	body->literal8 = true;
	body->size = window_size(sec, body->full_size);
	if (sec->binary_size)
		return IMAP_FETCH_BODY_OK;
	fetch_decode_stream_init(&body->dec, arena, p, (size_t)size, convert,
		cte);
	fetch_decode_stream_set_window(&body->dec,
		sec->partial ? sec->partial_offset : 0, body->size);
	return IMAP_FETCH_BODY_OK;
}

enum imap_fetch_body_error imap_fetch_body_open(struct imap_fetch_body *body,
	struct mail *mail, const struct imap_fetch_section *sec,
	struct arena *arena)
{
	struct body_range r, hdr;
	struct mail_data data;
	const unsigned char *p;
	bool convert, prev_cr;

	memset(body, 0, sizeof(*body));
	body->header_only = sec->text == IMAP_FETCH_SECTION_HEADER ||
		sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS ||
		sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT ||
		sec->text == IMAP_FETCH_SECTION_MIME;
	if (mail_get_data(mail, &data) < 0 ||
	    body_find_range(mail, &data, sec, &r, &hdr) < 0)
		return IMAP_FETCH_BODY_STORAGE;
	convert = !data.crlf;

	if (sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS ||
	    sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT) {
		/* filtered header: generated, already in CRLF form */
		buf_init(&body->generated, arena, 256, 0);
		if (!r.empty &&
		    message_header_filter(data.mapped == NULL ? "" :
			    (const char *)data.mapped + hdr.pos,
			    (size_t)hdr.size, sec->fields, sec->fields_count,
			    sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT,
			    &body->generated) < 0)
			i_panic("unbounded buffer failed");
		p = (const unsigned char *)body->generated.data;
		body->full_size = body->generated.used;
		body->replace_nuls = !sec->binary &&
			has_nul(p, body->full_size);
		body->literal8 = sec->binary && has_nul(p, body->full_size);
		body->size = window_size(sec, body->full_size);
		fetch_crlf_stream_init(&body->crlf, p, body->generated.used,
			false, false);
	} else {
		p = r.empty || data.mapped == NULL ? (const unsigned char *)"" :
			data.mapped + r.pos;
		if (r.empty)
			r.size = 0;
		prev_cr = r.pos > 0 && data.mapped != NULL &&
			data.mapped[r.pos - 1] == '\r';
		if (sec->binary && r.body_of != NULL) {
			const struct message_part_data *pd = r.body_of->data;
			enum mail_cte cte = mail_cte_parse(pd == NULL ? NULL :
				pd->content_transfer_encoding);

			if (cte == MAIL_CTE_UNKNOWN)
				return IMAP_FETCH_BODY_UNKNOWN_CTE;
			if (cte == MAIL_CTE_BASE64 || cte == MAIL_CTE_QP) {
				return body_open_decoded(body, sec, arena, p,
					r.size, convert, cte);
			}
		}
		body->full_size = r.whole ? data.virtual_size :
			!convert ? r.size :
			fetch_virtual_size(p, (size_t)r.size, prev_cr);
		body->size = window_size(sec, body->full_size);
		if (sec->binary_size)
			return IMAP_FETCH_BODY_OK;
		if (sec->binary)
			body->literal8 = has_nul(p, r.size);
		else
			body->replace_nuls = has_nul(p, r.size);
		fetch_crlf_stream_init(&body->crlf, p, (size_t)r.size,
			convert, prev_cr);
	}
	if (sec->partial && !body->decode)
		(void)fetch_crlf_stream_skip(&body->crlf, sec->partial_offset);
	body->crlf.limit = body->size;
	return IMAP_FETCH_BODY_OK;
}

size_t imap_fetch_body_read(struct imap_fetch_body *body, void *dest,
	size_t size)
{
	unsigned char *dst = dest, *nul;
	size_t n, i;

	if (size > body->size - body->sent)
		size = (size_t)(body->size - body->sent);
	if (size == 0)
		return 0;
	n = body->decode ? fetch_decode_stream_read(&body->dec, dst, size) :
		fetch_crlf_stream_read(&body->crlf, dst, size);
	if (n == 0) {
		/* the data ended before the size we announced: keep the
		   literal well-formed */
		memset(dst, ' ', size);
		n = size;
	}
	if (body->replace_nuls) {
		for (i = 0; i < n; i++) {
			nul = memchr(dst + i, '\0', n - i);
			if (nul == NULL)
				break;
			*nul = 0x80;
			i = (size_t)(nul - dst);
		}
	}
	body->sent += n;
	return n;
}
