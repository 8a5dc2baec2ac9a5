/*
 * imap-fetch-body.h - what a FETCH body section (BODY[..], BINARY[..],
 * BINARY.SIZE[..], RFC822*) of one message consists of: the byte range
 * or generated text it names, its size as sent, the partial window, and
 * a stream producing it in chunks.
 *
 * Semantics follow RFC 3501 §6.4.5 and RFC 3516 as Dovecot 2.3 answers
 * them: a part number that doesn't exist, and HEADER/TEXT of a part that
 * is not message/rfc822, give an empty string; BODY data has each NUL
 * byte replaced with 0x80 (NULs aren't allowed in IMAP literals), BINARY
 * data keeps them and is then sent as a literal8; BINARY decodes base64
 * and quoted-printable part bodies, an unknown encoding or a broken base64
 * one is "[UNKNOWN-CTE]", broken quoted-printable "[PARSE]".
 */
#ifndef ROOST_IMAP_FETCH_BODY_H
#define ROOST_IMAP_FETCH_BODY_H

#include "buf.h"
#include "imap-fetch-stream.h"

struct arena;
struct mail;
struct imap_fetch_section;

enum imap_fetch_body_error {
	IMAP_FETCH_BODY_OK = 0,
	/* storage failure: the error (MAIL_ERROR_EXPUNGED when the message
	   is gone) is on the user */
	IMAP_FETCH_BODY_STORAGE,
	/* BINARY: "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding" */
	IMAP_FETCH_BODY_UNKNOWN_CTE,
	/* BINARY: "NO [PARSE] Invalid data in MIME part" */
	IMAP_FETCH_BODY_PARSE,
};

struct imap_fetch_body {
	/* bytes the literal will have (after the partial window) */
	uint64_t size;
	/* the section's full size (BINARY.SIZE's answer) */
	uint64_t full_size;
	/* send as literal8 "~{n}" (BINARY data with NULs) */
	bool literal8;
	/* replace NUL bytes with 0x80 while sending (BODY data) */
	bool replace_nuls;
	/* which stream produces the bytes */
	bool decode;
	struct fetch_crlf_stream crlf;
	struct fetch_decode_stream dec;
	/* generated data (HEADER.FIELDS) the stream reads from */
	struct buf generated;
	/* bytes produced so far */
	uint64_t sent;
	/* the section is header data (for the fetch_hdr_* counters) */
	bool header_only;
};

/*
 * Prepares section sec of mail: finds the part, works out the range or
 * builds the filtered header, the size and the partial window.  Memory
 * (generated data, decoder buffers) comes from arena; the message's
 * mapping must stay valid (the mail handle must stay on the message)
 * while the body is read.  With size_only (BINARY.SIZE) only full_size is
 * needed.  Returns IMAP_FETCH_BODY_OK or an error kind.
 */
enum imap_fetch_body_error imap_fetch_body_open(struct imap_fetch_body *body,
	struct mail *mail, const struct imap_fetch_section *sec,
	struct arena *arena);

/*
 * Produces the next at most size bytes of the literal's data; 0 at the
 * end.  Exactly body->size bytes are produced in total: should the
 * message file have changed under us (shorter than the index said), the
 * rest is padded with spaces so the literal stays well-formed.
 */
size_t imap_fetch_body_read(struct imap_fetch_body *body, void *dest,
	size_t size);

#endif
