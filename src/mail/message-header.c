/*
 * message-header.c - zero-copy header field iteration, unfolding and the
 * HEADER.FIELDS filter (see message-header.h).
 */
#include "lib.h"
#include "message-header.h"
#include "message-size.h"
#include "mail-utf8.h"

#include <strings.h>

void message_header_iter_init(struct message_header_iter *iter,
	const void *hdr, size_t size)
{
	memset(iter, 0, sizeof(*iter));
	iter->data = hdr;
	iter->size = size;
}

/* Returns the position after the line starting at pos (after its LF, or
   the end of data). */
static size_t line_end(const unsigned char *data, size_t size, size_t pos)
{
	const unsigned char *lf = memchr(data + pos, '\n', size - pos);

	return lf == NULL ? size : (size_t)(lf - data) + 1;
}

bool message_header_iter_next(struct message_header_iter *iter,
	struct message_header_field *field_r)
{
	const unsigned char *d = iter->data;
	size_t pos = iter->pos, end, colon, name_end, value_start, value_end;

	memset(field_r, 0, sizeof(*field_r));
	if (iter->eoh || pos >= iter->size) {
		iter->eoh = true;
		return false;
	}
	if (d[pos] == '\n' ||
	    (d[pos] == '\r' && pos + 1 < iter->size && d[pos + 1] == '\n')) {
		/* the empty line ending the header */
		iter->pos = pos + (d[pos] == '\r' ? 2 : 1);
		iter->eoh = true;
		iter->eoh_line = true;
		return false;
	}

	/* the field: its first line plus continuation lines */
	end = line_end(d, iter->size, pos);
	size_t first_end = end;
	while (end < iter->size && (d[end] == ' ' || d[end] == '\t')) {
		end = line_end(d, iter->size, end);
		field_r->folded = true;
	}

	/* the first ':' of the first line */
	const unsigned char *c = memchr(d + pos, ':', first_end - pos);
	if (c == NULL) {
		/* malformed: the whole first line is the name */
		field_r->no_colon = true;
		name_end = first_end;
		if (name_end > pos && d[name_end - 1] == '\n')
			name_end--;
		if (name_end > pos && d[name_end - 1] == '\r')
			name_end--;
		value_start = value_end = name_end;
	} else {
		colon = c - d;
		name_end = colon;
		while (name_end > pos &&
		       (d[name_end - 1] == ' ' || d[name_end - 1] == '\t'))
			name_end--;
		value_start = colon + 1;
		if (value_start < end &&
		    (d[value_start] == ' ' || d[value_start] == '\t'))
			value_start++;
		value_end = end;
		if (value_end > value_start && d[value_end - 1] == '\n')
			value_end--;
		if (value_end > value_start && d[value_end - 1] == '\r')
			value_end--;
		if (value_start > value_end)
			value_start = value_end;
	}
	field_r->name.ptr = (const char *)d + pos;
	field_r->name.len = name_end - pos;
	field_r->value.ptr = (const char *)d + value_start;
	field_r->value.len = value_end - value_start;
	field_r->raw.ptr = (const char *)d + pos;
	field_r->raw.len = end - pos;
	field_r->offset = pos;
	iter->pos = end;
	return true;
}

size_t message_header_iter_end_pos(const struct message_header_iter *iter)
{
	return iter->eoh ? iter->pos : iter->size;
}

size_t message_header_block_size(const void *data, size_t size)
{
	struct message_header_iter iter;
	struct message_header_field field;

	message_header_iter_init(&iter, data, size);
	while (message_header_iter_next(&iter, &field))
		;
	return message_header_iter_end_pos(&iter);
}

bool message_header_name_equals(struct slice name, const char *wanted)
{
	return strlen(wanted) == name.len &&
		strncasecmp(name.ptr, wanted, name.len) == 0;
}

bool message_header_find(const void *hdr, size_t size, const char *name,
	struct message_header_field *field_r)
{
	struct message_header_iter iter;

	message_header_iter_init(&iter, hdr, size);
	while (message_header_iter_next(&iter, field_r)) {
		if (!field_r->no_colon &&
		    message_header_name_equals(field_r->name, name))
			return true;
	}
	return false;
}

int message_header_unfold(struct slice value, struct buf *out)
{
	const char *p = value.ptr, *end = p + value.len, *start = p;

	for (; p < end; p++) {
		if (*p != '\r' && *p != '\n' && *p != '\0')
			continue;
		if (buf_append(out, start, p - start) < 0)
			return -1;
		if (*p == '\0' &&
		    buf_append_str(out, UNICODE_REPLACEMENT_CHAR_UTF8) < 0)
			return -1;
		start = p + 1;
	}
	return buf_append(out, start, end - start);
}

const char *message_header_unfold_dup(struct arena *arena, struct slice value)
{
	struct buf out;

	buf_init(&out, arena, value.len + 1, 0);
	if (message_header_unfold(value, &out) < 0)
		i_panic("unbounded buffer overflowed");
	return arena_strndup(arena, out.data, out.used);
}

static bool name_in_list(struct slice name, const char *const *names,
	unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		if (message_header_name_equals(name, names[i]))
			return true;
	}
	return false;
}

int message_header_filter(const void *hdr, size_t size,
	const char *const *names, unsigned int count, bool exclude,
	struct buf *out)
{
	struct message_header_iter iter;
	struct message_header_field field;

	message_header_iter_init(&iter, hdr, size);
	while (message_header_iter_next(&iter, &field)) {
		bool listed = !field.no_colon &&
			name_in_list(field.name, names, count);

		if (listed == exclude)
			continue;
		if (message_append_crlf(out, field.raw.ptr, field.raw.len,
			false) < 0)
			return -1;
	}
	/*
	 * Dovecot 2.3: HEADER.FIELDS always ends with one CRLF (the header's
	 * own empty line, or an added one: after a last field that lacks
	 * its line ending, that CRLF just ends the field);
	 * HEADER.FIELDS.NOT ends with the empty line only if the header had
	 * one.
	 */
	if (iter.eoh_line || !exclude)
		return buf_append(out, "\r\n", 2);
	return 0;
}
