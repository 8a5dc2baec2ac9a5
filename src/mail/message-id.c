/*
 * message-id.c - msg-id extraction for THREAD (see message-id.h).
 */
#include "lib.h"
#include "message-id.h"
#include "rfc822-lex.h"

/* Tokenized "<local@domain>" at lex (just after '<'). */
static const char *parse_tokenized(struct arena *arena, struct rfc822_lex *lex)
{
	struct buf str;
	int ret;

	buf_init(&str, arena, 64, (size_t)(lex->end - lex->data) + 8);
	if (rfc822_skip_cfws(lex) <= 0)
		return NULL;
	ret = *lex->data == '"' ?
		rfc822_parse_quoted_string(lex, &str) :
		rfc822_parse_dot_atom(lex, &str);
	if (ret <= 0 || *lex->data != '@')
		return NULL;
	lex->data++;
	if (buf_append_c(&str, '@') < 0 || rfc822_skip_cfws(lex) <= 0 ||
	    rfc822_parse_domain(lex, &str) <= 0 || *lex->data != '>')
		return NULL;
	lex->data++;
	return arena_strndup(arena, str.data, str.used);
}

/* Untokenized "<...>": any text without white space, with an '@'. */
static const char *parse_untokenized(struct arena *arena,
	const char *start, const char *end, const char **next_r)
{
	const char *p, *at = NULL;

	for (p = start; p < end && *p != '>'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' ||
		    *p == '<' || *p == '\0')
			return NULL;
		if (*p == '@')
			at = p;
	}
	if (p == end || at == NULL || at == start || at + 1 == p)
		return NULL;
	*next_r = p + 1;
	return arena_strndup(arena, start, p - start);
}

const char *message_id_get_next(struct arena *arena, const char **value_p,
	size_t *size_p)
{
	const char *p = *value_p, *end = p + *size_p, *id, *next;

	while (p < end) {
		const char *lt = memchr(p, '<', end - p);
		struct rfc822_lex lex;

		if (lt == NULL)
			break;
		rfc822_lex_init(&lex, lt + 1, end - lt - 1);
		id = parse_tokenized(arena, &lex);
		if (id != NULL) {
			next = (const char *)lex.data;
		} else {
			id = parse_untokenized(arena, lt + 1, end, &next);
		}
		if (id != NULL) {
			*size_p -= next - *value_p;
			*value_p = next;
			return id;
		}
		p = lt + 1;
	}
	*value_p = end;
	*size_p = 0;
	return NULL;
}

const char *message_id_get_first(struct arena *arena, const void *value,
	size_t size)
{
	const char *p = value;

	return message_id_get_next(arena, &p, &size);
}

const char *message_id_get_last(struct arena *arena, const void *value,
	size_t size)
{
	const char *p = value, *id, *last = NULL;

	while ((id = message_id_get_next(arena, &p, &size)) != NULL)
		last = id;
	return last;
}
