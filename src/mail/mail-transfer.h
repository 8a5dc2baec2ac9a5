/*
 * mail-transfer.h - Content-Transfer-Encoding decoders (base64 and
 * quoted-printable, RFC 2045) that work on a stream of chunks of any size,
 * so a large body part can be decoded piece by piece with bounded memory.
 *
 * Both are lenient by default, like Dovecot's search and FTS decoding:
 * base64 skips characters outside the alphabet and stops at the padding;
 * quoted-printable keeps a malformed "=XY" as is and drops trailing white
 * space before line ends.  Each decoder counts the errors it skipped
 * (errors field) so BINARY fetch can refuse broken input
 * ("[UNKNOWN-CTE]") while search keeps going.
 */
#ifndef ROOST_MAIL_TRANSFER_H
#define ROOST_MAIL_TRANSFER_H

#include "buf.h"

enum mail_cte {
	MAIL_CTE_7BIT,   /* also the default when absent */
	MAIL_CTE_8BIT,
	MAIL_CTE_BINARY,
	MAIL_CTE_BASE64,
	MAIL_CTE_QP,
	MAIL_CTE_UNKNOWN, /* e.g. x-uuencode: cannot be decoded */
};

/* Maps a Content-Transfer-Encoding value (case-insensitive, NULL = 7bit). */
enum mail_cte mail_cte_parse(const char *value);

struct base64_decoder {
	uint32_t acc;       /* bits not yet output */
	unsigned int count; /* sextets in acc */
	unsigned int errors;
	bool finished;      /* '=' padding seen: ignore the rest */
};

void base64_decoder_init(struct base64_decoder *dec);
/* Decodes src[0..size), appending bytes to out.  -1 if out is full. */
int base64_decode_more(struct base64_decoder *dec, const void *src,
	size_t size, struct buf *out) ATTR_NODISCARD;
/*
 * Ends the stream: leftover bits that do not make a byte count as one
 * error.  -1 if out is full.
 */
int base64_decode_finish(struct base64_decoder *dec, struct buf *out)
	ATTR_NODISCARD;

struct qp_decoder {
	/* bytes held back: "=", "=X", or white space that may turn out to
	   be trailing (dropped before a line end), at most a line */
	unsigned char pending[128];
	unsigned int pending_len;
	unsigned int errors;
};

void qp_decoder_init(struct qp_decoder *dec);
/* Decodes src[0..size), appending to out.  -1 if out is full. */
int qp_decode_more(struct qp_decoder *dec, const void *src, size_t size,
	struct buf *out) ATTR_NODISCARD;
/* Flushes what is pending at the end of the stream. */
int qp_decode_finish(struct qp_decoder *dec, struct buf *out)
	ATTR_NODISCARD;

/*
 * One-shot decode of a whole body with the given encoding (7bit, 8bit and
 * binary are copied as is; MAIL_CTE_UNKNOWN returns -1 without output).
 * *errors_r (may be NULL) gets the number of skipped errors.  Returns -1 if
 * out is full or the encoding is unknown.
 */
int mail_cte_decode(enum mail_cte cte, const void *src, size_t size,
	struct buf *out, unsigned int *errors_r) ATTR_NODISCARD;

/* RFC 2047 "Q" decoding of one encoded word's text ('_' is space). */
int qp_decode_q_word(const void *src, size_t size, struct buf *out)
	ATTR_NODISCARD;

#endif
