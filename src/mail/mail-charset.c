/*
 * mail-charset.c - charset -> UTF-8 conversion through glibc iconv (see
 * mail-charset.h).
 */
#include "lib.h"
#include "mail-charset.h"
#include "mail-utf8.h"

#include <iconv.h>
#include <strings.h>

#define CHARSET_NAME_MAX 64
#define PENDING_MAX 16

struct charset_translation {
	iconv_t cd;       /* (iconv_t)-1: UTF-8 passthrough */
	unsigned char pending[PENDING_MAX];
	size_t pending_len;
	/* some input was invalid in the charset (became U+FFFD) */
	bool invalid;
};

/* Names mail uses that glibc does not know, or knows under another. */
static const struct {
	const char *mail_name, *iconv_name;
} charset_aliases[] = {
	{ "unicode-1-1-utf-7", "UTF-7" },
	{ "unicode-2-0-utf-7", "UTF-7" },
	{ "ks_c_5601-1987", "CP949" },
	{ "ks_c_5601", "CP949" },
	{ "x-gbk", "GBK" },
	{ "iso-8859-8-i", "ISO-8859-8" },
	{ "iso-8859-6-i", "ISO-8859-6" },
	{ "x-mac-roman", "MACINTOSH" },
	{ "x-sjis", "SHIFT_JIS" },
	{ "x-euc-jp", "EUC-JP" },
	{ "windows-874", "CP874" },
	{ "x-cp1250", "CP1250" },
	{ "x-cp1251", "CP1251" },
	{ "x-cp1252", "CP1252" },
	{ "latin1", "ISO-8859-1" },
};

bool mail_charset_is_utf8(const char *name)
{
	return name == NULL || *name == '\0' ||
		strcasecmp(name, "us-ascii") == 0 ||
		strcasecmp(name, "ascii") == 0 ||
		strcasecmp(name, "utf-8") == 0 ||
		strcasecmp(name, "utf8") == 0;
}

/* Charset names go to iconv_open(): allow only what names consist of. */
static bool charset_name_is_sane(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (i >= CHARSET_NAME_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ':' || c == '+'))
			return false;
	}
	return i > 0;
}

int mail_charset_translation_begin(const char *name,
	struct charset_translation **t_r)
{
	struct charset_translation *t;
	iconv_t cd = (iconv_t)-1;
	size_t i;

	*t_r = NULL;
	if (!mail_charset_is_utf8(name)) {
		const char *iconv_name = name;

		for (i = 0; i < N_ELEMENTS(charset_aliases); i++) {
			if (strcasecmp(name,
				charset_aliases[i].mail_name) == 0) {
				iconv_name = charset_aliases[i].iconv_name;
				break;
			}
		}
		if (!charset_name_is_sane(iconv_name))
			return -1;
		cd = iconv_open("UTF-8", iconv_name);
		if (cd == (iconv_t)-1)
			return -1;
	}
	t = i_new(struct charset_translation, 1);
	t->cd = cd;
	*t_r = t;
	return 0;
}

/* UTF-8 passthrough: validate, keeping an incomplete tail pending. */
static int translate_utf8(struct charset_translation *t,
	const unsigned char *src, size_t size, struct buf *out, bool final)
{
	size_t keep = 0;

	if (!final) {
		/* hold back a possibly incomplete last character */
		size_t i = size;
		unsigned int back = 0;

		while (i > 0 && back < 3 && (src[i - 1] & 0xc0) == 0x80) {
			i--;
			back++;
		}
		if (i > 0 && src[i - 1] >= 0xc0) {
			unsigned char c = src[i - 1];
			unsigned int need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			if (back + 1 < need)
				keep = back + 1;
		}
	}
	bool changed;

	if (utf8_append_sanitised(out, src, size - keep, &changed) < 0)
		return -1;
	if (changed)
		t->invalid = true;
	memcpy(t->pending, src + size - keep, keep);
	t->pending_len = keep;
	return 0;
}

static int translate_iconv(struct charset_translation *t,
	const unsigned char *src, size_t size, struct buf *out, bool final)
{
	char outbuf[1024];

	while (size > 0) {
		char *inp = (char *)src, *outp = outbuf;
		size_t inleft = size, outleft = sizeof(outbuf);
		size_t ret = iconv(t->cd, &inp, &inleft, &outp, &outleft);
		int err = errno;

		if (buf_append(out, outbuf, sizeof(outbuf) - outleft) < 0)
			return -1;
		src = (const unsigned char *)inp;
		size = inleft;
		if (ret != (size_t)-1)
			break;
		if (err == E2BIG)
			continue;
		if (err == EINVAL && !final && size < PENDING_MAX) {
			/* incomplete sequence at the end: wait for more */
			memcpy(t->pending, src, size);
			t->pending_len = size;
			return 0;
		}
		/* EILSEQ, or EINVAL at the very end: replace a byte */
		t->invalid = true;
		if (buf_append_str(out, UNICODE_REPLACEMENT_CHAR_UTF8) < 0)
			return -1;
		src++;
		size--;
		(void)iconv(t->cd, NULL, NULL, NULL, NULL);
	}
	if (final) {
		/* flush shift state (e.g. ISO-2022-JP) */
		char *outp = outbuf;
		size_t outleft = sizeof(outbuf);

		(void)iconv(t->cd, NULL, NULL, &outp, &outleft);
		if (buf_append(out, outbuf, sizeof(outbuf) - outleft) < 0)
			return -1;
	}
	return 0;
}

static int translate(struct charset_translation *t, const void *src,
	size_t size, struct buf *out, bool final)
{
	const unsigned char *p = src;
	int ret;

	if (t->pending_len == 0) {
		return t->cd == (iconv_t)-1 ?
			translate_utf8(t, p, size, out, final) :
			translate_iconv(t, p, size, out, final);
	}
	/* an incomplete sequence is pending: convert it joined with src
	   (only happens at chunk boundaries, so the copy is rare) */
	/* (heap, not scratch: out may itself be a scratch buffer) */
	size_t plen = t->pending_len;
	unsigned char *tmp = i_malloc(size_add(plen, size));

	memcpy(tmp, t->pending, plen);
	memcpy(tmp + plen, p, size);
	t->pending_len = 0;
	ret = t->cd == (iconv_t)-1 ?
		translate_utf8(t, tmp, plen + size, out, final) :
		translate_iconv(t, tmp, plen + size, out, final);
	i_free(tmp);
	return ret;
}

int mail_charset_translate(struct charset_translation *t, const void *src,
	size_t size, struct buf *out)
{
	return translate(t, src, size, out, false);
}

/* Ends *_t; *invalid_r gets whether any input was invalid. */
static int charset_translation_end_invalid(struct charset_translation **_t,
	struct buf *out, bool *invalid_r)
{
	struct charset_translation *t = *_t;
	int ret = 0;

	if (t == NULL)
		return 0;
	*_t = NULL;
	if (t->pending_len > 0 || t->cd != (iconv_t)-1) {
		unsigned char tmp[PENDING_MAX];
		size_t len = t->pending_len;

		memcpy(tmp, t->pending, len);
		t->pending_len = 0;
		ret = translate(t, tmp, len, out, true);
	}
	*invalid_r = t->invalid;
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	i_free(t);
	return ret;
}

int mail_charset_translation_end(struct charset_translation **t,
	struct buf *out)
{
	bool invalid;

	return charset_translation_end_invalid(t, out, &invalid);
}

static int charset_to_utf8(const char *charset, const void *src,
	size_t size, struct buf *out, bool *unknown_r, bool *invalid_r)
{
	struct charset_translation *t;
	bool invalid = false;
	int ret;

	*unknown_r = false;
	*invalid_r = false;
	if (mail_charset_translation_begin(charset, &t) < 0) {
		*unknown_r = true;
		return utf8_append_sanitised(out, src, size, invalid_r);
	}
	if (mail_charset_translate(t, src, size, out) < 0) {
		/* out is full already: only free t */
		(void)charset_translation_end_invalid(&t, out, &invalid);
		return -1;
	}
	/* the end flushes (an incomplete sequence there is invalid) */
	ret = charset_translation_end_invalid(&t, out, &invalid);
	*invalid_r = invalid;
	return ret;
}

int mail_charset_to_utf8(const char *charset, const void *src, size_t size,
	struct buf *out, bool *unknown_r)
{
	bool unknown, invalid;
	int ret;

	ret = charset_to_utf8(charset, src, size, out, &unknown, &invalid);
	if (unknown_r != NULL)
		*unknown_r = unknown;
	return ret;
}

int mail_charset_to_utf8_checked(const char *charset, const void *src,
	size_t size, struct buf *out, bool *invalid_r)
{
	bool unknown;

	return charset_to_utf8(charset, src, size, out, &unknown, invalid_r);
}
