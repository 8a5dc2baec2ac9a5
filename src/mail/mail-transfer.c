/*
 * mail-transfer.c - streaming base64 and quoted-printable decoders (see
 * mail-transfer.h).
 *
 * Error accounting matches what Dovecot's BINARY fetch refuses: for
 * base64 a character outside the alphabet (white space aside), data after
 * the padding, or a final group that does not make whole bytes; for
 * quoted-printable an '=' not followed by two hex digits or a line end.
 * Decoded quoted-printable line ends are always CRLF.
 */
#include "lib.h"
#include "mail-transfer.h"

#include <strings.h>

enum mail_cte mail_cte_parse(const char *value)
{
	if (value == NULL || *value == '\0' || strcasecmp(value, "7bit") == 0)
		return MAIL_CTE_7BIT;
	if (strcasecmp(value, "8bit") == 0)
		return MAIL_CTE_8BIT;
	if (strcasecmp(value, "binary") == 0)
		return MAIL_CTE_BINARY;
	if (strcasecmp(value, "base64") == 0)
		return MAIL_CTE_BASE64;
	if (strcasecmp(value, "quoted-printable") == 0)
		return MAIL_CTE_QP;
	return MAIL_CTE_UNKNOWN;
}

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void base64_decoder_init(struct base64_decoder *dec)
{
	memset(dec, 0, sizeof(*dec));
}

int base64_decode_more(struct base64_decoder *dec, const void *src,
	size_t size, struct buf *out)
{
	const unsigned char *p = src;
	unsigned char tmp[768];
	size_t n = 0, i;

	for (i = 0; i < size; i++) {
		int v = base64_value(p[i]);

		if (dec->finished) {
			if (!is_ws(p[i]) && p[i] != '=')
				dec->errors++;
			continue;
		}
		if (v < 0) {
			if (p[i] == '=') {
				/* padding: a group of 2 or 3 sextets ends */
				if (dec->count < 2)
					dec->errors++;
				dec->finished = true;
				dec->acc = 0;
				dec->count = 0;
			} else if (!is_ws(p[i])) {
				dec->errors++;
			}
			continue;
		}
		dec->acc = (dec->acc << 6) | (uint32_t)v;
		dec->count++;
		if (dec->count == 2)
			tmp[n++] = (dec->acc >> 4) & 0xff;
		else if (dec->count == 3)
			tmp[n++] = (dec->acc >> 2) & 0xff;
		else if (dec->count == 4) {
			tmp[n++] = dec->acc & 0xff;
			dec->acc = 0;
			dec->count = 0;
		}
		if (n + 3 > sizeof(tmp)) {
			if (buf_append(out, tmp, n) < 0)
				return -1;
			n = 0;
		}
	}
	return buf_append(out, tmp, n);
}

int base64_decode_finish(struct base64_decoder *dec, struct buf *out)
{
	(void)out;
	if (!dec->finished && dec->count != 0) {
		/* e.g. "aGVsbG8": the last group has no padding */
		dec->errors++;
	}
	dec->acc = 0;
	dec->count = 0;
	dec->finished = true;
	return 0;
}

void qp_decoder_init(struct qp_decoder *dec)
{
	memset(dec, 0, sizeof(*dec));
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The decoder works on a window: pending (held back from earlier calls)
 * followed by src.  It processes bytes one at a time through a small
 * state machine whose state is exactly the pending bytes:
 *  - "" : normal
 *  - "=" / "=X" : escape in progress
 *  - "=" + white space : soft line break or garbage
 *  - white space run : dropped if a line end follows
 */
static int qp_flush_ws(struct qp_decoder *dec, struct buf *out)
{
	if (dec->pending_len == 0)
		return 0;
	int ret = buf_append(out, dec->pending, dec->pending_len);
	dec->pending_len = 0;
	return ret;
}

static int qp_feed(struct qp_decoder *dec, unsigned char c, struct buf *out)
{
	unsigned char *pend = dec->pending;

	if (dec->pending_len > 0 && pend[0] == '=') {
		if (dec->pending_len == 1) {
			if (hex_value(c) >= 0 || c == ' ' || c == '\t' ||
			    c == '\r') {
				pend[dec->pending_len++] = c;
				return 0;
			}
			if (c == '\n') {
				/* soft line break */
				dec->pending_len = 0;
				return 0;
			}
			/* '=' followed by garbage: keep both */
			dec->errors++;
			dec->pending_len = 0;
			if (buf_append_c(out, '=') < 0)
				return -1;
			return qp_feed(dec, c, out);
		}
		if (hex_value(pend[1]) >= 0 && dec->pending_len == 2) {
			int v = hex_value(c);

			if (v >= 0) {
				dec->pending_len = 0;
				return buf_append_c(out,
					(char)(hex_value(pend[1]) * 16 + v));
			}
			dec->errors++;
			dec->pending_len = 0;
			if (buf_append(out, pend, 2) < 0)
				return -1;
			return qp_feed(dec, c, out);
		}
		/* "=" followed by white space (or CR): soft line break if
		   only white space remains before the line end */
		if (c == ' ' || c == '\t' || c == '\r') {
			if (dec->pending_len < sizeof(dec->pending)) {
				pend[dec->pending_len++] = c;
				return 0;
			}
		} else if (c == '\n') {
			dec->pending_len = 0;
			return 0;
		}
		/* garbage after "= ": keep it */
		dec->errors++;
		if (qp_flush_ws(dec, out) < 0)
			return -1;
		return qp_feed(dec, c, out);
	}

	if (c == ' ' || c == '\t' || c == '\r') {
		/* possibly trailing white space: hold it back */
		if (dec->pending_len == sizeof(dec->pending) &&
		    qp_flush_ws(dec, out) < 0)
			return -1;
		pend[dec->pending_len++] = c;
		return 0;
	}
	if (c == '\n') {
		/* hard line break: drop trailing white space */
		dec->pending_len = 0;
		return buf_append(out, "\r\n", 2);
	}
	if (qp_flush_ws(dec, out) < 0)
		return -1;
	if (c == '=') {
		pend[0] = '=';
		dec->pending_len = 1;
		return 0;
	}
	return buf_append_c(out, (char)c);
}

int qp_decode_more(struct qp_decoder *dec, const void *src, size_t size,
	struct buf *out)
{
	const unsigned char *p = src;
	size_t i = 0;

	while (i < size) {
		if (dec->pending_len == 0) {
			/* fast path: copy a run of plain characters */
			size_t start = i;

			while (i < size && p[i] != '=' && p[i] != ' ' &&
			       p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
				i++;
			if (i > start && buf_append(out, p + start,
				i - start) < 0)
				return -1;
			if (i == size)
				break;
		}
		if (qp_feed(dec, p[i++], out) < 0)
			return -1;
	}
	return 0;
}

int qp_decode_finish(struct qp_decoder *dec, struct buf *out)
{
	if (dec->pending_len > 0 && dec->pending[0] == '=') {
		/* "=" or "=X" at the very end */
		dec->errors++;
		dec->pending_len = 0;
		return 0;
	}
	/* trailing white space at the end of the data is dropped */
	dec->pending_len = 0;
	(void)out;
	return 0;
}

int mail_cte_decode(enum mail_cte cte, const void *src, size_t size,
	struct buf *out, unsigned int *errors_r)
{
	if (errors_r != NULL)
		*errors_r = 0;
	switch (cte) {
	case MAIL_CTE_7BIT:
	case MAIL_CTE_8BIT:
	case MAIL_CTE_BINARY:
		return buf_append(out, src, size);
	case MAIL_CTE_BASE64: {
		struct base64_decoder dec;

		base64_decoder_init(&dec);
		if (base64_decode_more(&dec, src, size, out) < 0 ||
		    base64_decode_finish(&dec, out) < 0)
			return -1;
		if (errors_r != NULL)
			*errors_r = dec.errors;
		return 0;
	}
	case MAIL_CTE_QP: {
		struct qp_decoder dec;

		qp_decoder_init(&dec);
		if (qp_decode_more(&dec, src, size, out) < 0 ||
		    qp_decode_finish(&dec, out) < 0)
			return -1;
		if (errors_r != NULL)
			*errors_r = dec.errors;
		return 0;
	}
	case MAIL_CTE_UNKNOWN:
		break;
	}
	return -1;
}

int qp_decode_q_word(const void *src, size_t size, struct buf *out)
{
	const unsigned char *p = src;
	size_t i;

	for (i = 0; i < size; i++) {
		if (p[i] == '_') {
			if (buf_append_c(out, ' ') < 0)
				return -1;
		} else if (p[i] == '=' && i + 2 < size &&
			   hex_value(p[i + 1]) >= 0 &&
			   hex_value(p[i + 2]) >= 0) {
			if (buf_append_c(out, (char)(hex_value(p[i + 1]) * 16 +
				hex_value(p[i + 2]))) < 0)
				return -1;
			i += 2;
		} else if (buf_append_c(out, (char)p[i]) < 0) {
			return -1;
		}
	}
	return 0;
}
