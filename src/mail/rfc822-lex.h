/*
 * rfc822-lex.h - the lexical layer of RFC 5322 structured header fields
 * (atoms, dot-atoms, quoted strings, domain literals, comments, CFWS) and
 * of RFC 2045 tokens, over a byte range.
 *
 * Used by the address, date, Content-* and Message-ID parsers.  Every
 * function moves the cursor only forward and never past end, and every
 * output buffer is bounded by the caller's struct buf.  Obsolete syntax is
 * accepted the way real mail needs: CR/LF anywhere counts as white space,
 * 8-bit bytes are atom characters.  Unterminated comments and quoted
 * strings are errors, as in Dovecot, whose recovery rules the address
 * parser follows.
 */
#ifndef ROOST_RFC822_LEX_H
#define ROOST_RFC822_LEX_H

#include "buf.h"

struct rfc822_lex {
	const unsigned char *data, *end;
	/* if non-NULL, comments skipped by rfc822_skip_cfws() are appended
	   here (their text without the parentheses, ' ' between them) */
	struct buf *last_comment;
};

void rfc822_lex_init(struct rfc822_lex *lex, const void *data, size_t size);

static inline bool rfc822_lex_eof(const struct rfc822_lex *lex)
{
	return lex->data >= lex->end;
}

/* RFC 5322 atext, plus 8-bit bytes. */
bool rfc822_is_atext(unsigned char c);
/* RFC 2045 token characters (tspecials excluded), plus 8-bit bytes. */
bool rfc822_is_token_char(unsigned char c);

/*
 * Skips white space (SP, HT, CR, LF) and comments.  Returns 1 if more data
 * follows, 0 at the end, -1 for an unterminated comment (the cursor is
 * then at the end) or if the buffer limit of last_comment was hit.
 */
int rfc822_skip_cfws(struct rfc822_lex *lex);
/* Skips only white space. */
void rfc822_skip_ws(struct rfc822_lex *lex);

/*
 * Each parser below appends what it read to out and returns 1 if more
 * data follows (after skipping CFWS), 0 at the end, or -1 if there was
 * nothing of that kind at the cursor (or out's limit was hit); on -1 the
 * cursor may have moved.
 */
/* atom: a run of atext */
int rfc822_parse_atom(struct rfc822_lex *lex, struct buf *out);
/* dot-atom; CFWS may surround the dots, but after a '.' an atom must
   follow ("a." is an error) */
int rfc822_parse_dot_atom(struct rfc822_lex *lex, struct buf *out);
/* quoted-string: out gets the content, quoted-pairs unescaped, folds
   removed; an unterminated one returns -1 (out then holds the content
   up to its last fold or quoted-pair, as Dovecot's parser leaves it) */
int rfc822_parse_quoted_string(struct rfc822_lex *lex, struct buf *out);
/* phrase: words (atoms, quoted strings, obsolete '.') separated by a
   single space in out.  As Dovecot, a phrase may be empty when the cursor
   is at a special character (returns 1 with nothing appended); -1 if it
   starts with '.' */
int rfc822_parse_phrase(struct rfc822_lex *lex, struct buf *out);
/* domain: dot-atom or domain-literal "[...]" (kept with brackets) */
int rfc822_parse_domain(struct rfc822_lex *lex, struct buf *out);
/* RFC 2045 token */
int rfc822_parse_token(struct rfc822_lex *lex, struct buf *out);

#endif
