/*
 * message-size.c - physical/virtual sizes and line counts of byte ranges,
 * and LF -> CRLF output (see message-size.h).
 */
#include "lib.h"
#include "message-size.h"

void message_size_add(struct message_size *dest,
	const struct message_size *src)
{
	dest->physical_size += src->physical_size;
	dest->virtual_size += src->virtual_size;
	dest->lines += src->lines;
}

void message_size_count(const void *data, size_t size, bool prev_is_cr,
	struct message_size *size_r)
{
	const unsigned char *p = data, *end = p + size, *lf;
	uint64_t lines = 0, missing_cr = 0;

	while (p < end && (lf = memchr(p, '\n', end - p)) != NULL) {
		lines++;
		if (lf == (const unsigned char *)data ? !prev_is_cr :
		    lf[-1] != '\r')
			missing_cr++;
		p = lf + 1;
	}
	size_r->physical_size = size;
	size_r->virtual_size = size + missing_cr;
	size_r->lines = lines;
}

bool message_skip_virtual(const void *data, size_t size,
	uint64_t virtual_skip, size_t *physical_skip_r, bool *cr_pending_r)
{
	const unsigned char *p = data;
	uint64_t vpos = 0;
	size_t i;

	*cr_pending_r = false;
	for (i = 0; i < size && vpos < virtual_skip; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			/* virtual CR + LF */
			if (vpos + 1 == virtual_skip) {
				/* stops between the virtual CR and the LF */
				*cr_pending_r = true;
				*physical_skip_r = i;
				return true;
			}
			vpos += 2;
		} else {
			vpos++;
		}
	}
	*physical_skip_r = i;
	return vpos >= virtual_skip;
}

int message_append_crlf(struct buf *out, const void *data, size_t size,
	bool prev_is_cr)
{
	const unsigned char *start = data, *p = start, *end = p + size, *lf;

	while (p < end && (lf = memchr(p, '\n', end - p)) != NULL) {
		bool has_cr = lf == start ? prev_is_cr : lf[-1] == '\r';

		if (!has_cr) {
			if (buf_append(out, p, lf - p) < 0 ||
			    buf_append(out, "\r\n", 2) < 0)
				return -1;
		} else if (buf_append(out, p, lf - p + 1) < 0) {
			return -1;
		}
		p = lf + 1;
	}
	return buf_append(out, p, end - p);
}
