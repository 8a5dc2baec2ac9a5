/*
 * mail-quote.c - IMAP quoted strings and literals for ENVELOPE and
 * BODYSTRUCTURE, byte-compatible with Dovecot 2.3 (see mail-quote.h).
 *
 * Dovecot writes a string quoted unless it contains CR, LF or an 8-bit
 * byte, or more than four characters that need a backslash ('"', '\');
 * then it becomes a literal.  Strings "for humans" (subject, display
 * names) are normalised first and become literals whenever normalising
 * changed anything or they contain '"', '\' or 8-bit bytes.
 */
#include "lib.h"
#include "mail-quote.h"

#define MAX_QUOTED_ESCAPES 4

static int append_literal(struct buf *out, const char *s, size_t len)
{
	if (buf_printf(out, "{%zu}\r\n", len) < 0)
		return -1;
	return buf_append(out, s, len);
}

static int append_quoted(struct buf *out, const char *s, size_t len)
{
	size_t i, start = 0;

	if (buf_append_c(out, '"') < 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] != '"' && s[i] != '\\')
			continue;
		if (buf_append(out, s + start, i - start) < 0 ||
		    buf_append_c(out, '\\') < 0)
			return -1;
		start = i;
	}
	if (buf_append(out, s + start, len - start) < 0)
		return -1;
	return buf_append_c(out, '"');
}

int imap_mail_append_string(struct buf *out, const char *s, size_t len)
{
	unsigned int escapes = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			if (++escapes > MAX_QUOTED_ESCAPES)
				return append_literal(out, s, len);
		} else if (c == '\r' || c == '\n' || c == '\0' || c >= 0x80) {
			return append_literal(out, s, len);
		}
	}
	return append_quoted(out, s, len);
}

int imap_mail_append_nstring(struct buf *out, const char *s)
{
	if (s == NULL)
		return buf_append_str(out, "NIL");
	return imap_mail_append_string(out, s, strlen(s));
}

int imap_mail_append_nstring_nolf(struct buf *out, const char *s)
{
	int ret;

	if (s == NULL || strpbrk(s, "\r\n") == NULL)
		return imap_mail_append_nstring(out, s);
	/* (heap, not scratch: out may itself be a scratch buffer) */
	size_t len = strlen(s), n = 0;
	char *tmp = i_malloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\n')
			tmp[n++] = s[i];
	}
	ret = imap_mail_append_string(out, tmp, n);
	i_free(tmp);
	return ret;
}

static bool is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int imap_mail_append_string_for_humans(struct buf *out, const char *s)
{
	bool modify = false, last_lwsp = true;
	size_t i, len, n = 0;
	int ret;

	if (s == NULL)
		return buf_append_str(out, "NIL");
	len = strlen(s);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\r' || c == '\n' || c == '\t' || c == '"' ||
		    c == '\\' || c >= 0x80)
			modify = true;
		if (is_lwsp(c)) {
			if (last_lwsp)
				modify = true; /* leading or repeated */
			last_lwsp = true;
		} else {
			last_lwsp = false;
		}
	}
	if (last_lwsp && len > 0)
		modify = true; /* trailing */
	if (!modify) {
		if (buf_append_c(out, '"') < 0 || buf_append(out, s, len) < 0)
			return -1;
		return buf_append_c(out, '"');
	}

	{
		char *tmp = i_malloc(len + 1);

		last_lwsp = true;
		for (i = 0; i < len; i++) {
			if (is_lwsp(s[i])) {
				if (!last_lwsp)
					tmp[n++] = ' ';
				last_lwsp = true;
			} else {
				tmp[n++] = s[i];
				last_lwsp = false;
			}
		}
		if (n > 0 && tmp[n - 1] == ' ')
			n--;
		ret = n == 0 ? buf_append_str(out, "\"\"") :
			append_literal(out, tmp, n);
		i_free(tmp);
	}
	return ret;
}
