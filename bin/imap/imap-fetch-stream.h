/*
 * imap-fetch-stream.h - message bytes as FETCH sends them: a physical
 * byte range of a message file read with every bare LF turned into CRLF
 * (the "virtual" form all IMAP sizes and offsets refer to), optionally
 * decoded from its Content-Transfer-Encoding (BINARY, RFC 3516), with a
 * partial window <offset.size> applied.
 *
 * The streams read from memory that the caller keeps valid (a mapped
 * message file, or a buffer built for HEADER.FIELDS) and produce output in
 * caller-sized pieces, so a reply of any size is written in bounded
 * chunks as the connection drains.  Conversion costs a memchr() per line:
 * runs without line ends are copied whole.
 */
#ifndef ROOST_IMAP_FETCH_STREAM_H
#define ROOST_IMAP_FETCH_STREAM_H

#include "buf.h"
#include "mail-transfer.h"

struct fetch_crlf_stream {
	const unsigned char *data;
	size_t size;
	/* physical read position */
	size_t pos;
	/* false: the bytes are sent as they are (a CRLF file, or data
	   already in wire form) */
	bool convert;
	/* the byte before data[pos] was a CR (so an LF there is not bare) */
	bool prev_cr;
	/* the CR of a bare LF at data[pos] was produced; its LF is next */
	bool lf_pending;
	/* virtual bytes that may still be produced (the partial window) */
	uint64_t limit;
};

/*
 * Starts reading data[0..size).  convert: write bare LFs as CRLF.
 * prev_cr: whether the byte before data (outside the range) is a CR.
 * No limit is set (UINT64_MAX).
 */
void fetch_crlf_stream_init(struct fetch_crlf_stream *s, const void *data,
	size_t size, bool convert, bool prev_cr);
/*
 * Skips virtual_skip virtual bytes (a partial's offset; may end between
 * the CR and the LF of a converted line end).  Returns false if the range
 * is shorter (the stream is then at its end).
 */
bool fetch_crlf_stream_skip(struct fetch_crlf_stream *s,
	uint64_t virtual_skip);
/* Produces at most size bytes of virtual output, no more than the limit;
   0 only at the end (or when size is 0). */
size_t fetch_crlf_stream_read(struct fetch_crlf_stream *s, void *dest,
	size_t size);
/* The virtual size of data[0..size) (bare LFs counted twice). */
uint64_t fetch_virtual_size(const void *data, size_t size, bool prev_cr);

/*
 * BINARY: a part body's virtual bytes decoded from base64 or
 * quoted-printable (identity encodings are better read with a
 * fetch_crlf_stream directly).
 */
struct fetch_decode_stream {
	struct fetch_crlf_stream in;
	enum mail_cte cte;
	struct base64_decoder b64;
	struct qp_decoder qp;
	/* decoded bytes not yet returned */
	struct buf out;
	size_t out_pos;
	bool finished;
	/* decoded bytes to drop first (partial offset) */
	uint64_t skip;
	/* decoded bytes still to return (partial size) */
	uint64_t limit;
	/* total decoded so far (before skip and limit) */
	uint64_t decoded;
	/* a NUL byte was decoded */
	bool has_nuls;
};

/*
 * Starts decoding data[0..size) (converted like a fetch_crlf_stream with
 * convert) as cte, which must be MAIL_CTE_BASE64 or MAIL_CTE_QP.  Memory
 * for the decoded chunk comes from arena.
 */
void fetch_decode_stream_init(struct fetch_decode_stream *s,
	struct arena *arena, const void *data, size_t size, bool convert,
	enum mail_cte cte);
/* Drops skip decoded bytes and returns at most limit after them. */
void fetch_decode_stream_set_window(struct fetch_decode_stream *s,
	uint64_t skip, uint64_t limit);
/* Produces at most size decoded bytes; 0 only at the end. */
size_t fetch_decode_stream_read(struct fetch_decode_stream *s, void *dest,
	size_t size);
/* Decoding errors seen so far (a corrupt encoding is [UNKNOWN-CTE]). */
unsigned int fetch_decode_stream_errors(const struct fetch_decode_stream *s);

/*
 * Decodes the whole range once to learn the decoded size, whether it has
 * NUL bytes and whether the encoding is valid (errors == 0).
 */
void fetch_decode_measure(struct arena *arena, const void *data, size_t size,
	bool convert, enum mail_cte cte, uint64_t *size_r, bool *has_nuls_r,
	unsigned int *errors_r);

#endif
