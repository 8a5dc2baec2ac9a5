/*
 * rfc822-lex.c - lexical tokens of structured header fields (see
 * rfc822-lex.h).
 */
#include "lib.h"
#include "rfc822-lex.h"
#include "mail-utf8.h"

/*
 * 1 = atext, 2 = also an RFC 2045 token character.  Controls, SP and the
 * specials ()<>[]:;@\,." are neither; '/', '?' and '=' are atext but
 * tspecials.  8-bit bytes count as both (real mail has raw UTF-8).
 */
static unsigned char char_class(unsigned char c)
{
	if (c >= 0x80)
		return 3;
	if (c <= 0x20 || c == 0x7f)
		return 0;
	switch (c) {
	case '(': case ')': case '<': case '>': case '[': case ']':
	case ':': case ';': case '@': case '\\': case ',': case '.':
	case '"':
		return 0;
	case '/': case '?': case '=':
		return 1;
	default:
		return 3;
	}
}

bool rfc822_is_atext(unsigned char c)
{
	return (char_class(c) & 1) != 0;
}

bool rfc822_is_token_char(unsigned char c)
{
	return (char_class(c) & 2) != 0 || c == '.';
}

void rfc822_lex_init(struct rfc822_lex *lex, const void *data, size_t size)
{
	memset(lex, 0, sizeof(*lex));
	lex->data = data;
	lex->end = lex->data + size;
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* quoted-pair must not escape CR, LF or NUL: then '\\' is plain text (it
   is obsolete syntax, not an error). */
static bool is_obs_qp_char(unsigned char c)
{
	return c == '\r' || c == '\n' || c == '\0';
}

/* Appends data, NULs replaced by U+FFFD. */
static int append_nul_safe(struct buf *out, const unsigned char *data,
	size_t size)
{
	const unsigned char *nul;

	while ((nul = memchr(data, '\0', size)) != NULL) {
		if (buf_append(out, data, nul - data) < 0 ||
		    buf_append_str(out, UNICODE_REPLACEMENT_CHAR_UTF8) < 0)
			return -1;
		size -= nul - data + 1;
		data = nul + 1;
	}
	return buf_append(out, data, size);
}

/*
 * Skips a comment at '(' (nested comments and quoted-pairs allowed).
 * Returns 1, or -1 if it is unterminated (the cursor is then at the end
 * and, as in Dovecot, last_comment keeps only the text before its last
 * quoted-pair or line break).
 */
static int skip_comment(struct rfc822_lex *lex)
{
	const unsigned char *start;
	unsigned int level = 1;

	i_assert(*lex->data == '(');
	if (lex->last_comment != NULL)
		buf_reset(lex->last_comment);
	start = ++lex->data;
	for (; lex->data < lex->end; lex->data++) {
		unsigned char c = *lex->data;

		if (c == '(') {
			level++;
		} else if (c == '\r' || c == '\n') {
			/* folding: drop the line break (an unterminated
			   comment keeps the text before it) */
			if (lex->last_comment != NULL &&
			    append_nul_safe(lex->last_comment, start,
				lex->data - start) < 0)
				return -1;
			start = lex->data + 1;
		} else if (c == ')') {
			if (--level > 0)
				continue;
			if (lex->last_comment != NULL &&
			    append_nul_safe(lex->last_comment, start,
				lex->data - start) < 0)
				return -1;
			lex->data++;
			return 1;
		} else if (c == '\\') {
			if (lex->data + 1 >= lex->end) {
				lex->data = lex->end;
				return -1;
			}
			if (is_obs_qp_char(lex->data[1]))
				continue; /* the '\\' stays as text */
			if (lex->last_comment != NULL &&
			    append_nul_safe(lex->last_comment, start,
				lex->data - start) < 0)
				return -1;
			start = ++lex->data;
		}
	}
	return -1;
}

int rfc822_skip_cfws(struct rfc822_lex *lex)
{
	while (lex->data < lex->end) {
		if (is_ws(*lex->data)) {
			lex->data++;
			continue;
		}
		if (*lex->data != '(')
			break;
		if (skip_comment(lex) < 0)
			return -1;
	}
	return lex->data < lex->end ? 1 : 0;
}

void rfc822_skip_ws(struct rfc822_lex *lex)
{
	while (lex->data < lex->end && is_ws(*lex->data))
		lex->data++;
}

static int finish_token(struct rfc822_lex *lex)
{
	int ret = rfc822_skip_cfws(lex);

	return ret < 0 ? -1 : ret;
}

int rfc822_parse_atom(struct rfc822_lex *lex, struct buf *out)
{
	const unsigned char *start = lex->data;

	while (lex->data < lex->end && rfc822_is_atext(*lex->data))
		lex->data++;
	if (lex->data == start)
		return -1;
	if (buf_append(out, start, lex->data - start) < 0)
		return -1;
	return finish_token(lex);
}

int rfc822_parse_dot_atom(struct rfc822_lex *lex, struct buf *out)
{
	int ret;

	if (lex->data >= lex->end || !rfc822_is_atext(*lex->data))
		return -1;
	for (;;) {
		/* CFWS may surround the dots (RFC 822), but an atom must
		   follow each dot: "a." is an error, as in Dovecot 2.3 */
		if ((ret = rfc822_parse_atom(lex, out)) <= 0)
			return ret;
		if (*lex->data != '.')
			return 1;
		lex->data++;
		if (buf_append_c(out, '.') < 0)
			return -1;
		if (rfc822_skip_cfws(lex) <= 0 ||
		    !rfc822_is_atext(*lex->data))
			return -1;
	}
}

int rfc822_parse_quoted_string(struct rfc822_lex *lex, struct buf *out)
{
	const unsigned char *start;

	if (lex->data >= lex->end || *lex->data != '"')
		return -1;
	start = ++lex->data;
	for (; lex->data < lex->end; lex->data++) {
		unsigned char c = *lex->data;

		if (c == '"') {
			if (append_nul_safe(out, start, lex->data - start) < 0)
				return -1;
			lex->data++;
			return finish_token(lex);
		}
		if (c == '\r' || c == '\n') {
			/* folding: drop the line break, keep the white
			   space after it */
			if (append_nul_safe(out, start, lex->data - start) < 0)
				return -1;
			start = lex->data + 1;
		} else if (c == '\\') {
			if (lex->data + 1 >= lex->end)
				break;
			if (is_obs_qp_char(lex->data[1]))
				continue; /* the '\\' stays as text */
			if (append_nul_safe(out, start, lex->data - start) < 0)
				return -1;
			start = ++lex->data;
		}
	}
	/* unterminated: an error; as in Dovecot, out keeps what came
	   before the last fold or quoted-pair, not the final piece */
	return -1;
}

/* A run (possibly empty) of atext and dots: obsolete phrases allow
   "Mr. Smith". */
static int parse_atom_or_dots(struct rfc822_lex *lex, struct buf *out)
{
	const unsigned char *start = lex->data;

	while (lex->data < lex->end &&
	       (rfc822_is_atext(*lex->data) || *lex->data == '.'))
		lex->data++;
	if (buf_append(out, start, lex->data - start) < 0)
		return -1;
	return finish_token(lex);
}

int rfc822_parse_phrase(struct rfc822_lex *lex, struct buf *out)
{
	int ret;

	if (lex->data >= lex->end)
		return 0;
	if (*lex->data == '.')
		return -1;
	for (;;) {
		if (*lex->data == '"')
			ret = rfc822_parse_quoted_string(lex, out);
		else
			ret = parse_atom_or_dots(lex, out);
		if (ret <= 0)
			return ret;
		if (!rfc822_is_atext(*lex->data) && *lex->data != '"' &&
		    *lex->data != '.')
			break;
		if (buf_append_c(out, ' ') < 0)
			return -1;
	}
	return 1;
}

static int parse_domain_literal(struct rfc822_lex *lex, struct buf *out)
{
	const unsigned char *start = lex->data;

	i_assert(*lex->data == '[');
	for (lex->data++; lex->data < lex->end; lex->data++) {
		if (*lex->data == '\\') {
			if (lex->data + 1 < lex->end)
				lex->data++;
		} else if (*lex->data == ']') {
			lex->data++;
			if (append_nul_safe(out, start, lex->data - start) < 0)
				return -1;
			return finish_token(lex);
		}
	}
	return -1; /* missing ']' */
}

int rfc822_parse_domain(struct rfc822_lex *lex, struct buf *out)
{
	if (lex->data >= lex->end)
		return -1;
	if (*lex->data == '[')
		return parse_domain_literal(lex, out);
	return rfc822_parse_dot_atom(lex, out);
}

int rfc822_parse_token(struct rfc822_lex *lex, struct buf *out)
{
	const unsigned char *start = lex->data;

	while (lex->data < lex->end && rfc822_is_token_char(*lex->data))
		lex->data++;
	if (lex->data == start)
		return -1;
	if (buf_append(out, start, lex->data - start) < 0)
		return -1;
	return finish_token(lex);
}
