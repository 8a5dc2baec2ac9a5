/*
 * imap-fetch-stream.c - reading message bytes in their IMAP (CRLF) form,
 * with partial windows, and decoding BINARY content in bounded chunks
 * (see imap-fetch-stream.h).
 */
#include "lib.h"
#include "arena.h"
#include "imap-fetch-stream.h"

/* Encoded bytes decoded per step: the decoded chunk is never larger. */
#define DECODE_CHUNK 16384

void fetch_crlf_stream_init(struct fetch_crlf_stream *s, const void *data,
	size_t size, bool convert, bool prev_cr)
{
	memset(s, 0, sizeof(*s));
	s->data = data;
	s->size = size;
	s->convert = convert;
	s->prev_cr = prev_cr;
	s->limit = UINT64_MAX;
}

bool fetch_crlf_stream_skip(struct fetch_crlf_stream *s, uint64_t skip)
{
	const unsigned char *lf;
	size_t n;

	if (s->lf_pending && skip > 0) {
		/* the owed LF */
		s->lf_pending = false;
		s->pos++;
		s->prev_cr = false;
		skip--;
	}
	if (!s->convert) {
		n = skip > s->size - s->pos ? s->size - s->pos : (size_t)skip;
		s->pos += n;
		if (n > 0)
			s->prev_cr = s->data[s->pos - 1] == '\r';
		return n == skip;
	}
	while (skip > 0 && s->pos < s->size) {
		/* every byte is at least one virtual byte: the next skip
		   physical bytes are enough to look at */
		n = s->size - s->pos;
		if (n > skip)
			n = (size_t)skip;
		lf = memchr(s->data + s->pos, '\n', n);
		if (lf == NULL) {
			s->pos += n;
			skip -= n;
			s->prev_cr = s->data[s->pos - 1] == '\r';
			continue;
		}
		n = (size_t)(lf - (s->data + s->pos));
		if (n > 0) {
			s->pos += n;
			skip -= n;
			s->prev_cr = s->data[s->pos - 1] == '\r';
		}
		/* at an LF, skip > 0 */
		if (s->prev_cr) {
			skip--;
			s->pos++;
		} else if (skip == 1) {
			/* between the CR we add and the LF */
			skip = 0;
			s->lf_pending = true;
		} else {
			skip -= 2;
			s->pos++;
		}
		s->prev_cr = false;
	}
	return skip == 0;
}

size_t fetch_crlf_stream_read(struct fetch_crlf_stream *s, void *dest,
	size_t size)
{
	unsigned char *dst = dest;
	const unsigned char *lf;
	size_t produced = 0, n;

	if (size > s->limit)
		size = (size_t)s->limit;
	if (size > 0 && s->lf_pending) {
		dst[produced++] = '\n';
		s->lf_pending = false;
		s->pos++;
		s->prev_cr = false;
	}
	if (!s->convert) {
		n = s->size - s->pos;
		if (n > size - produced)
			n = size - produced;
		memcpy(dst + produced, s->data + s->pos, n);
		s->pos += n;
		produced += n;
		if (n > 0)
			s->prev_cr = s->data[s->pos - 1] == '\r';
		s->limit -= produced;
		return produced;
	}
	while (produced < size && s->pos < s->size) {
		n = s->size - s->pos;
		if (n > size - produced)
			n = size - produced;
		lf = memchr(s->data + s->pos, '\n', n);
		if (lf != NULL)
			n = (size_t)(lf - (s->data + s->pos));
		if (n > 0) {
			memcpy(dst + produced, s->data + s->pos, n);
			s->pos += n;
			produced += n;
			s->prev_cr = s->data[s->pos - 1] == '\r';
		}
		if (lf == NULL || produced == size)
			continue;
		/* at an LF with room for at least one byte */
		if (!s->prev_cr) {
			dst[produced++] = '\r';
			if (produced == size) {
				s->lf_pending = true;
				break;
			}
		}
		dst[produced++] = '\n';
		s->pos++;
		s->prev_cr = false;
	}
	s->limit -= produced;
	return produced;
}

uint64_t fetch_virtual_size(const void *data, size_t size, bool prev_cr)
{
	const unsigned char *p = data, *end = p + size, *lf;
	uint64_t bare = 0;

	while (p < end && (lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (lf == p ? !prev_cr : lf[-1] != '\r')
			bare++;
		p = lf + 1;
		prev_cr = false;
	}
	return (uint64_t)size + bare;
}

void fetch_decode_stream_init(struct fetch_decode_stream *s,
	struct arena *arena, const void *data, size_t size, bool convert,
	enum mail_cte cte)
{
	i_assert(cte == MAIL_CTE_BASE64 || cte == MAIL_CTE_QP);
	memset(s, 0, sizeof(*s));
	fetch_crlf_stream_init(&s->in, data, size, convert, false);
	s->cte = cte;
	base64_decoder_init(&s->b64);
	qp_decoder_init(&s->qp);
	/* a decoded chunk is never larger than its input */
	buf_init(&s->out, arena, DECODE_CHUNK, DECODE_CHUNK + 256);
	s->limit = UINT64_MAX;
}

void fetch_decode_stream_set_window(struct fetch_decode_stream *s,
	uint64_t skip, uint64_t limit)
{
	s->skip = skip;
	s->limit = limit;
}

/* Decodes the next chunk into s->out; false at the end. */
static bool decode_next(struct fetch_decode_stream *s)
{
	unsigned char chunk[DECODE_CHUNK];
	size_t n;
	int ret;

	if (s->finished)
		return false;
	buf_reset(&s->out);
	s->out_pos = 0;
	n = fetch_crlf_stream_read(&s->in, chunk, sizeof(chunk));
	if (n == 0) {
		ret = s->cte == MAIL_CTE_BASE64 ?
			base64_decode_finish(&s->b64, &s->out) :
			qp_decode_finish(&s->qp, &s->out);
		s->finished = true;
	} else {
		ret = s->cte == MAIL_CTE_BASE64 ?
			base64_decode_more(&s->b64, chunk, n, &s->out) :
			qp_decode_more(&s->qp, chunk, n, &s->out);
	}
	/* the buffer is sized for the worst case */
	i_assert(ret == 0);
	if (s->out.used > 0 && memchr(s->out.data, '\0', s->out.used) != NULL)
		s->has_nuls = true;
	s->decoded += s->out.used;
	return true;
}

size_t fetch_decode_stream_read(struct fetch_decode_stream *s, void *dest,
	size_t size)
{
	unsigned char *dst = dest;
	size_t produced = 0, n;

	if (size > s->limit)
		size = (size_t)s->limit;
	while (produced < size) {
		if (s->out_pos == s->out.used) {
			if (!decode_next(s))
				break;
			continue;
		}
		n = s->out.used - s->out_pos;
		if (s->skip > 0) {
			if (n > s->skip)
				n = (size_t)s->skip;
			s->out_pos += n;
			s->skip -= n;
			continue;
		}
		if (n > size - produced)
			n = size - produced;
		memcpy(dst + produced, s->out.data + s->out_pos, n);
		s->out_pos += n;
		produced += n;
	}
	s->limit -= produced;
	return produced;
}

unsigned int fetch_decode_stream_errors(const struct fetch_decode_stream *s)
{
	return s->cte == MAIL_CTE_BASE64 ? s->b64.errors : s->qp.errors;
}

void fetch_decode_measure(struct arena *arena, const void *data, size_t size,
	bool convert, enum mail_cte cte, uint64_t *size_r, bool *has_nuls_r,
	unsigned int *errors_r)
{
	struct fetch_decode_stream s;

	fetch_decode_stream_init(&s, arena, data, size, convert, cte);
	while (decode_next(&s)) ;
	*size_r = s.decoded;
	*has_nuls_r = s.has_nuls;
	*errors_r = fetch_decode_stream_errors(&s);
}
