/*
 * message-content.c - Content-Type / Content-Disposition values and their
 * parameters with RFC 2231 continuations (see message-content.h).
 *
 * The rules reproduce what Dovecot 2.3 shows in BODYSTRUCTURE:
 *  - "type/subtype" must be followed by the end or ';' (comments aside);
 *    otherwise the type is broken and both become "".  A lone "type"
 *    gives subtype "".
 *  - a parameter must start with ';'; after a malformed one the parser
 *    skips one byte and tries again, so the next parameter is usually
 *    lost too (as Dovecot).
 *  - parameters without '*' come first in their order; then "name*" and
 *    "name*N[*]" ones sorted by name and index.  Complete continuations
 *    (0..n, no gaps or repeats) are joined into "name" or, if any piece is
 *    extended, "name*" (a non-extended first piece gets a "''" charset
 *    prefix, '%' in non-extended pieces becomes %25); others are kept as
 *    "name*N" pieces.  Extended values stay percent-encoded, as IMAP
 *    BODYSTRUCTURE shows them; message_content_param_get_decoded()
 *    decodes them.
 */
#include "lib.h"
#include "array.h"
#include "message-content.h"
#include "mail-charset.h"
#include "mail-utf8.h"
#include "rfc822-lex.h"

#include <strings.h>

struct raw_param {
	const char *key;
	const char *value;
	/* continuation/extended: key = name, index (-1 = "name*") */
	const char *name;
	int index;
	bool extended;
	unsigned int order;
};

static void lex_init_value(struct rfc822_lex *lex, const void *value,
	size_t size)
{
	rfc822_lex_init(lex, value, size);
}

/* Parses one ";name=value"; 1 = got one, 0 = end, -1 = malformed. */
static int parse_param(struct rfc822_lex *lex, struct buf *key,
	struct buf *value)
{
	int ret;

	buf_reset(key);
	buf_reset(value);
	if (lex->data >= lex->end)
		return 0;
	if (*lex->data != ';')
		return -1;
	lex->data++;
	if (rfc822_skip_cfws(lex) <= 0)
		return -1;
	if (rfc822_parse_token(lex, key) < 0)
		return -1;
	if (lex->data >= lex->end || *lex->data != '=')
		return -1;
	lex->data++;
	if ((ret = rfc822_skip_cfws(lex)) <= 0) {
		/* "name=" at the end: empty value */
		return ret < 0 ? -1 : 1;
	}
	if (*lex->data == '"') {
		ret = rfc822_parse_quoted_string(lex, value);
		return ret < 0 ? -1 : 1;
	}
	if (*lex->data == '=') {
		/* broken input "name==?utf-8?b?...?=": take up to ';'/ws */
		while (lex->data < lex->end && *lex->data != ';' &&
		       *lex->data != ' ' && *lex->data != '\t' &&
		       *lex->data != '\r' && *lex->data != '\n') {
			if (buf_append_c(value, *lex->data) < 0)
				return -1;
			lex->data++;
		}
		return 1;
	}
	if (rfc822_parse_token(lex, value) < 0 && value->used > 0)
		return -1;
	return 1;
}

/* Splits "name*N*" / "name*N" / "name*" keys; false for plain keys. */
static bool parse_star_key(struct arena *arena, const char *key,
	struct raw_param *p)
{
	const char *star = strchr(key, '*');
	const char *s;
	uint64_t idx = 0;

	if (star == NULL || star == key)
		return false;
	s = star + 1;
	if (*s == '\0') {
		p->name = arena_strndup(arena, key, star - key);
		p->index = -1;
		p->extended = true;
		return true;
	}
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		idx = idx * 10 + (*s - '0');
		if (idx > 100000)
			return false;
		s++;
	}
	if (*s == '*') {
		p->extended = true;
		s++;
	}
	if (*s != '\0')
		return false;
	p->name = arena_strndup(arena, key, star - key);
	p->index = (int)idx;
	return true;
}

static int raw_param_cmp(const void *a, const void *b)
{
	const struct raw_param *p1 = *(const struct raw_param *const *)a;
	const struct raw_param *p2 = *(const struct raw_param *const *)b;
	int ret = strcasecmp(p1->name, p2->name);

	if (ret != 0)
		return ret;
	if (p1->index != p2->index)
		return p1->index < p2->index ? -1 : 1;
	return p1->order < p2->order ? -1 : p1->order > p2->order;
}

static void append_escaped_percent(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			if (buf_append_str(out, "%25") < 0)
				i_panic("unbounded buffer overflowed");
		} else if (buf_append_c(out, *s) < 0) {
			i_panic("unbounded buffer overflowed");
		}
	}
}

unsigned int message_content_params_parse(struct arena *arena,
	const void *data, size_t size,
	const struct message_part_param **params_r)
{
	ARRAY(struct message_part_param) result;
	ARRAY(struct raw_param *) stars;
	struct raw_param *p;
	struct rfc822_lex lex;
	struct buf key, value;
	unsigned int order = 0, i, j;
	int ret;

	*params_r = NULL;
	array_init(&result, arena, 4);
	array_init(&stars, arena, 4);
	buf_init(&key, arena, 32, size + 1);
	buf_init(&value, arena, 64, size + 1);
	lex_init_value(&lex, data, size);

	while ((ret = parse_param(&lex, &key, &value)) != 0 &&
	       order < MESSAGE_CONTENT_MAX_PARAMS) {
		if (ret < 0) {
			/* skip a byte and try again, as Dovecot */
			if (lex.data >= lex.end)
				break;
			lex.data++;
			continue;
		}
		p = arena_new(arena, struct raw_param, 1);
		p->key = arena_strndup(arena, key.data, key.used);
		p->value = arena_strndup(arena, value.data, value.used);
		p->order = order++;
		if (!parse_star_key(arena, p->key, p)) {
			struct message_part_param *rp =
				array_append_space(&result);

			rp->name = p->key;
			rp->value = p->value;
			continue;
		}
		array_push(&stars, p);
	}

	if (stars.count > 1) {
		qsort(stars.v, stars.count, sizeof(stars.v[0]),
			raw_param_cmp);
	}
	for (i = 0; i < stars.count; i = j) {
		/* the run of pieces with the same name */
		for (j = i + 1; j < stars.count &&
		     strcasecmp(stars.v[j]->name, stars.v[i]->name) == 0; j++)
			;
		bool complete = stars.v[i]->index == 0;
		bool any_extended = false;
		for (unsigned int k = i; k < j && complete; k++) {
			if (stars.v[k]->index != (int)(k - i))
				complete = false;
			if (stars.v[k]->extended)
				any_extended = true;
		}
		if (!complete) {
			for (unsigned int k = i; k < j; k++) {
				struct message_part_param *rp =
					array_append_space(&result);

				p = stars.v[k];
				rp->name = p->index < 0 ?
					arena_printf(arena, "%s*", p->name) :
					arena_printf(arena, "%s*%d%s",
						p->name, p->index,
						p->extended ? "*" : "");
				rp->value = p->value;
			}
			continue;
		}
		struct buf joined;
		buf_init(&joined, arena, 64, 0);
		if (any_extended && !stars.v[i]->extended &&
		    buf_append_str(&joined, "''") < 0)
			i_panic("unbounded buffer overflowed");
		for (unsigned int k = i; k < j; k++) {
			if (any_extended && !stars.v[k]->extended)
				append_escaped_percent(&joined,
					stars.v[k]->value);
			else if (buf_append_str(&joined,
				stars.v[k]->value) < 0)
				i_panic("unbounded buffer overflowed");
		}
		struct message_part_param *rp = array_append_space(&result);
		rp->name = any_extended ?
			arena_printf(arena, "%s*", stars.v[i]->name) :
			stars.v[i]->name;
		rp->value = arena_strndup(arena, joined.data, joined.used);
	}
	*params_r = result.v;
	return result.count;
}

/* "type/subtype" then end or ';'.  Returns false if broken. */
static bool parse_type_subtype(struct rfc822_lex *lex, struct buf *type,
	struct buf *subtype, bool *no_slash_r)
{
	*no_slash_r = false;
	if (rfc822_skip_cfws(lex) <= 0)
		return false;
	if (rfc822_parse_token(lex, type) < 0)
		return false;
	if (lex->data >= lex->end) {
		/* lone "type" */
		*no_slash_r = true;
		return false;
	}
	if (*lex->data != '/')
		return false;
	lex->data++;
	if (rfc822_skip_cfws(lex) <= 0)
		return false;
	if (rfc822_parse_token(lex, subtype) < 0)
		return false;
	return lex->data >= lex->end || *lex->data == ';';
}

void message_content_type_parse(struct arena *arena, const void *value,
	size_t size, struct message_content *content_r)
{
	struct rfc822_lex lex;
	struct buf type, subtype;
	bool no_slash;

	memset(content_r, 0, sizeof(*content_r));
	buf_init(&type, arena, 32, size + 1);
	buf_init(&subtype, arena, 32, size + 1);
	lex_init_value(&lex, value, size);
	if (!parse_type_subtype(&lex, &type, &subtype, &no_slash)) {
		content_r->type = no_slash ?
			arena_strndup(arena, type.data, type.used) : "";
		content_r->subtype = "";
		return;
	}
	content_r->type = arena_strndup(arena, type.data, type.used);
	content_r->subtype = arena_strndup(arena, subtype.data, subtype.used);
	content_r->params_count = message_content_params_parse(arena,
		lex.data, lex.end - lex.data, &content_r->params);
}

void message_content_disposition_parse(struct arena *arena,
	const void *value, size_t size, struct message_content *content_r)
{
	struct rfc822_lex lex;
	struct buf type;

	memset(content_r, 0, sizeof(*content_r));
	buf_init(&type, arena, 32, size + 1);
	lex_init_value(&lex, value, size);
	if (rfc822_skip_cfws(&lex) <= 0 ||
	    rfc822_parse_token(&lex, &type) < 0) {
		content_r->type = arena_strndup(arena, type.data, type.used);
		return;
	}
	content_r->type = arena_strndup(arena, type.data, type.used);
	content_r->params_count = message_content_params_parse(arena,
		lex.data, lex.end - lex.data, &content_r->params);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *message_content_param_get_decoded(struct arena *arena,
	const struct message_part_param *params, unsigned int count,
	const char *name)
{
	size_t name_len = strlen(name);
	unsigned int i;

	for (i = 0; i < count; i++) {
		const char *key = params[i].name;

		if (strcasecmp(key, name) == 0) {
			/* plain value: it may hold RFC 2047 words, leave
			   them to the caller; sanitise UTF-8 */
			struct buf out;

			buf_init(&out, arena, strlen(params[i].value) + 1, 0);
			if (utf8_append_sanitised(&out, params[i].value,
				strlen(params[i].value), NULL) < 0)
				i_panic("unbounded buffer overflowed");
			return arena_strndup(arena, out.data, out.used);
		}
		if (strncasecmp(key, name, name_len) == 0 &&
		    key[name_len] == '*' && key[name_len + 1] == '\0')
			break;
	}
	if (i == count)
		return NULL;

	/* charset'language'percent-encoded */
	const char *v = params[i].value, *q1, *q2;
	q1 = strchr(v, '\'');
	q2 = q1 == NULL ? NULL : strchr(q1 + 1, '\'');
	const char *charset = q2 == NULL ? NULL :
		arena_strndup(arena, v, q1 - v);
	const char *text = q2 == NULL ? v : q2 + 1;
	struct buf raw, out;

	buf_init(&raw, arena, strlen(text) + 1, 0);
	for (const char *s = text; *s != '\0'; s++) {
		int h1, h2;

		if (*s == '%' && (h1 = hex_digit(s[1])) >= 0 &&
		    (h2 = hex_digit(s[2])) >= 0) {
			if (buf_append_c(&raw, (char)(h1 * 16 + h2)) < 0)
				i_panic("unbounded buffer overflowed");
			s += 2;
		} else if (buf_append_c(&raw, *s) < 0) {
			i_panic("unbounded buffer overflowed");
		}
	}
	buf_init(&out, arena, raw.used + 16, 0);
	if (mail_charset_to_utf8(charset, raw.data, raw.used, &out, NULL) < 0)
		i_panic("unbounded buffer overflowed");
	return arena_strndup(arena, out.data, out.used);
}
