/*
 * fuzz-message-fields.c - libFuzzer target for the header-field parsers of
 * src/mail.  The first byte picks the parser, the rest is its input:
 *   0 address list (+ write back, ENVELOPE form, display name)
 *   1 RFC 5322 date (+ write back and parse again: same time)
 *   2 RFC 2047 decoding (+ output must be valid UTF-8)
 *   3 Content-Type / Content-Disposition with RFC 2231 parameters
 *   4 RFC 5256 base subject
 *   5 msg-ids (References)
 *   6 base64 / quoted-printable: whole and byte-by-byte give the same
 *   7 charset conversion (charset name up to the first NUL)
 *   8 IMAP date / date-time parse and format round trip
 */
#include "lib.h"
#include "buf.h"
#include "imap-base-subject.h"
#include "imap-envelope.h"
#include "mail-charset.h"
#include "mail-transfer.h"
#include "mail-utf8.h"
#include "message-address.h"
#include "message-content.h"
#include "message-date.h"
#include "message-id.h"
#include "rfc2047.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_address(struct arena *arena, const char *in, size_t len)
{
	struct buf out;
	struct message_address *addr;

	buf_init(&out, NULL, 256, 0);
	for (int flags = 0; flags < 4; flags++) {
		addr = message_address_parse(arena, in, len, 0,
			(enum message_address_parse_flags)flags);
		buf_reset(&out);
		if (message_address_write(&out, addr) < 0 ||
		    imap_envelope_write_address(&out, addr) < 0)
			i_panic("address write failed");
		(void)message_address_display_name(arena, addr);
	}
	buf_free(&out);
}

static void fuzz_date(const char *in, size_t len)
{
	time_t t, t2;
	int tz, tz2;
	struct buf out;

	if (!message_date_parse(in, len, &t, &tz))
		return;
	buf_init(&out, NULL, 64, 0);
	if (message_date_write(&out, t, tz) < 0)
		i_panic("date write failed");
	if (!message_date_parse(out.data, out.used, &t2, &tz2) || t != t2 ||
	    tz != tz2)
		i_panic("date round trip failed: %s", buf_cstr(&out));
	buf_free(&out);
}

static void fuzz_2047(const char *in, size_t len)
{
	struct buf out;

	buf_init(&out, NULL, len + 16, 0);
	if (rfc2047_decode_utf8(in, len, &out) < 0)
		i_panic("decode failed");
	if (!utf8_is_valid(out.data, out.used))
		i_panic("decoded text is not UTF-8");
	buf_free(&out);
}

static void fuzz_content(struct arena *arena, const char *in, size_t len)
{
	struct message_content c;

	message_content_type_parse(arena, in, len, &c);
	for (unsigned int i = 0; i < c.params_count; i++) {
		(void)message_content_param_get_decoded(arena, c.params,
			c.params_count, c.params[i].name);
	}
	message_content_disposition_parse(arena, in, len, &c);
}

static void fuzz_transfer(const char *in, size_t len)
{
	struct buf whole, bytes;
	struct qp_decoder qp;
	struct base64_decoder b64;
	unsigned int errors;

	buf_init(&whole, NULL, len + 16, 0);
	buf_init(&bytes, NULL, len + 16, 0);
	if (mail_cte_decode(MAIL_CTE_QP, in, len, &whole, &errors) < 0)
		i_panic("qp failed");
	qp_decoder_init(&qp);
	for (size_t i = 0; i < len; i++) {
		if (qp_decode_more(&qp, in + i, 1, &bytes) < 0)
			i_panic("qp failed");
	}
	if (qp_decode_finish(&qp, &bytes) < 0)
		i_panic("qp failed");
	if (whole.used != bytes.used ||
	    memcmp(whole.data, bytes.data, whole.used) != 0 ||
	    errors != qp.errors)
		i_panic("qp: chunked decoding differs");

	buf_reset(&whole);
	buf_reset(&bytes);
	if (mail_cte_decode(MAIL_CTE_BASE64, in, len, &whole, &errors) < 0)
		i_panic("base64 failed");
	base64_decoder_init(&b64);
	for (size_t i = 0; i < len; i++) {
		if (base64_decode_more(&b64, in + i, 1, &bytes) < 0)
			i_panic("base64 failed");
	}
	if (base64_decode_finish(&b64, &bytes) < 0)
		i_panic("base64 failed");
	if (whole.used != bytes.used ||
	    memcmp(whole.data, bytes.data, whole.used) != 0 ||
	    errors != b64.errors)
		i_panic("base64: chunked decoding differs");
	buf_free(&whole);
	buf_free(&bytes);
}

static void fuzz_charset(const char *in, size_t len)
{
	const char *nul = memchr(in, '\0', len);
	struct buf whole, parts;
	struct charset_translation *t;

	if (nul == NULL)
		return;
	char *name = i_strndup(in, nul - in);
	const char *text = nul + 1;
	size_t tlen = len - (nul - in) - 1;

	buf_init(&whole, NULL, tlen * 4 + 16, 0);
	buf_init(&parts, NULL, tlen * 4 + 16, 0);
	if (mail_charset_to_utf8(name, text, tlen, &whole, NULL) < 0)
		i_panic("charset failed");
	if (!utf8_is_valid(whole.data, whole.used))
		i_panic("charset output is not UTF-8");
	if (mail_charset_translation_begin(name, &t) == 0) {
		for (size_t i = 0; i < tlen; i += 3) {
			if (mail_charset_translate(t, text + i,
				I_MIN(3, tlen - i), &parts) < 0)
				i_panic("charset failed");
		}
		if (mail_charset_translation_end(&t, &parts) < 0)
			i_panic("charset failed");
		if (!utf8_is_valid(parts.data, parts.used))
			i_panic("chunked charset output is not UTF-8");
	}
	buf_free(&whole);
	buf_free(&parts);
	i_free(name);
}

static void fuzz_imap_date(const char *in, size_t len)
{
	char *s = i_strndup(in, len);
	time_t t, t2;
	int tz, tz2;
	char buf[IMAP_DATETIME_BUF_SIZE], dbuf[IMAP_DATE_BUF_SIZE];

	if (imap_datetime_parse(s, &t, &tz)) {
		imap_datetime_format(buf, t, tz);
		if (!imap_datetime_parse(buf, &t2, &tz2) || t != t2 ||
		    tz != tz2)
			i_panic("date-time round trip failed: %s", buf);
	}
	if (imap_date_parse(s, &t)) {
		imap_date_format(dbuf, t);
		if (!imap_date_parse(dbuf, &t2) || t != t2)
			i_panic("date round trip failed: %s", dbuf);
	}
	i_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;

	if (size == 0)
		return 0;
	arena = arena_create("fuzz", 4096);
	switch (data[0] % 9) {
	case 0:
		fuzz_address(arena, in, len);
		break;
	case 1:
		fuzz_date(in, len);
		break;
	case 2:
		fuzz_2047(in, len);
		break;
	case 3:
		fuzz_content(arena, in, len);
		break;
	case 4:
		(void)imap_base_subject(arena, in, len, NULL);
		break;
	case 5: {
		const char *p = in;
		size_t left = len;

		while (message_id_get_next(arena, &p, &left) != NULL)
			;
		break;
	}
	case 6:
		fuzz_transfer(in, len);
		break;
	case 7:
		fuzz_charset(in, len);
		break;
	case 8:
		fuzz_imap_date(in, len);
		break;
	}
	arena_destroy(&arena);
	return 0;
}
