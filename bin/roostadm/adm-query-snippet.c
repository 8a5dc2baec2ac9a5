/*
 * adm-query-snippet.c - body snippets as doveadm 2.3 makes them (see
 * adm-query-snippet.h): an HTML-to-text filter feeding a white-space
 * collapsing, quote-skipping, length-limited collector.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "adm-query-snippet.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

struct html_entity {
	const char *name;
	uint32_t chr;
};

/* HTML 4.01's named character references (252), sorted by name. */
static const struct html_entity html_entities[] = {
	{ "AElig", 0xc6 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 },
	{ "Agrave", 0xc0 }, { "Alpha", 0x391 }, { "Aring", 0xc5 },
	{ "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Beta", 0x392 },
	{ "Ccedil", 0xc7 }, { "Chi", 0x3a7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x394 }, { "ETH", 0xd0 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Egrave", 0xc8 }, { "Epsilon", 0x395 },
	{ "Eta", 0x397 }, { "Euml", 0xcb }, { "Gamma", 0x393 },
	{ "Iacute", 0xcd }, { "Icirc", 0xce }, { "Igrave", 0xcc },
	{ "Iota", 0x399 }, { "Iuml", 0xcf }, { "Kappa", 0x39a },
	{ "Lambda", 0x39b }, { "Mu", 0x39c }, { "Ntilde", 0xd1 },
	{ "Nu", 0x39d }, { "OElig", 0x152 }, { "Oacute", 0xd3 },
	{ "Ocirc", 0xd4 }, { "Ograve", 0xd2 }, { "Omega", 0x3a9 },
	{ "Omicron", 0x39f }, { "Oslash", 0xd8 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "Phi", 0x3a6 }, { "Pi", 0x3a0 },
	{ "Prime", 0x2033 }, { "Psi", 0x3a8 }, { "Rho", 0x3a1 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3a3 }, { "THORN", 0xde },
	{ "Tau", 0x3a4 }, { "Theta", 0x398 }, { "Uacute", 0xda },
	{ "Ucirc", 0xdb }, { "Ugrave", 0xd9 }, { "Upsilon", 0x3a5 },
	{ "Uuml", 0xdc }, { "Xi", 0x39e }, { "Yacute", 0xdd },
	{ "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "acute", 0xb4 }, { "aelig", 0xe6 },
	{ "agrave", 0xe0 }, { "alefsym", 0x2135 }, { "alpha", 0x3b1 },
	{ "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 },
	{ "aring", 0xe5 }, { "asymp", 0x2248 }, { "atilde", 0xe3 },
	{ "auml", 0xe4 }, { "bdquo", 0x201e }, { "beta", 0x3b2 },
	{ "brvbar", 0xa6 }, { "bull", 0x2022 }, { "cap", 0x2229 },
	{ "ccedil", 0xe7 }, { "cedil", 0xb8 }, { "cent", 0xa2 },
	{ "chi", 0x3c7 }, { "circ", 0x2c6 }, { "clubs", 0x2663 },
	{ "cong", 0x2245 }, { "copy", 0xa9 }, { "crarr", 0x21b5 },
	{ "cup", 0x222a }, { "curren", 0xa4 }, { "dArr", 0x21d3 },
	{ "dagger", 0x2020 }, { "darr", 0x2193 }, { "deg", 0xb0 },
	{ "delta", 0x3b4 }, { "diams", 0x2666 }, { "divide", 0xf7 },
	{ "eacute", 0xe9 }, { "ecirc", 0xea }, { "egrave", 0xe8 },
	{ "empty", 0x2205 }, { "emsp", 0x2003 }, { "ensp", 0x2002 },
	{ "epsilon", 0x3b5 }, { "equiv", 0x2261 }, { "eta", 0x3b7 },
	{ "eth", 0xf0 }, { "euml", 0xeb }, { "euro", 0x20ac },
	{ "exist", 0x2203 }, { "fnof", 0x192 }, { "forall", 0x2200 },
	{ "frac12", 0xbd }, { "frac14", 0xbc }, { "frac34", 0xbe },
	{ "frasl", 0x2044 }, { "gamma", 0x3b3 }, { "ge", 0x2265 },
	{ "gt", 0x3e }, { "hArr", 0x21d4 }, { "harr", 0x2194 },
	{ "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0xed },
	{ "icirc", 0xee }, { "iexcl", 0xa1 }, { "igrave", 0xec },
	{ "image", 0x2111 }, { "infin", 0x221e }, { "int", 0x222b },
	{ "iota", 0x3b9 }, { "iquest", 0xbf }, { "isin", 0x2208 },
	{ "iuml", 0xef }, { "kappa", 0x3ba }, { "lArr", 0x21d0 },
	{ "lambda", 0x3bb }, { "lang", 0x2329 }, { "laquo", 0xab },
	{ "larr", 0x2190 }, { "lceil", 0x2308 }, { "ldquo", 0x201c },
	{ "le", 0x2264 }, { "lfloor", 0x230a }, { "lowast", 0x2217 },
	{ "loz", 0x25ca }, { "lrm", 0x200e }, { "lsaquo", 0x2039 },
	{ "lsquo", 0x2018 }, { "lt", 0x3c }, { "macr", 0xaf },
	{ "mdash", 0x2014 }, { "micro", 0xb5 }, { "middot", 0xb7 },
	{ "minus", 0x2212 }, { "mu", 0x3bc }, { "nabla", 0x2207 },
	{ "nbsp", 0xa0 }, { "ndash", 0x2013 }, { "ne", 0x2260 },
	{ "ni", 0x220b }, { "not", 0xac }, { "notin", 0x2209 },
	{ "nsub", 0x2284 }, { "ntilde", 0xf1 }, { "nu", 0x3bd },
	{ "oacute", 0xf3 }, { "ocirc", 0xf4 }, { "oelig", 0x153 },
	{ "ograve", 0xf2 }, { "oline", 0x203e }, { "omega", 0x3c9 },
	{ "omicron", 0x3bf }, { "oplus", 0x2295 }, { "or", 0x2228 },
	{ "ordf", 0xaa }, { "ordm", 0xba }, { "oslash", 0xf8 },
	{ "otilde", 0xf5 }, { "otimes", 0x2297 }, { "ouml", 0xf6 },
	{ "para", 0xb6 }, { "part", 0x2202 }, { "permil", 0x2030 },
	{ "perp", 0x22a5 }, { "phi", 0x3c6 }, { "pi", 0x3c0 },
	{ "piv", 0x3d6 }, { "plusmn", 0xb1 }, { "pound", 0xa3 },
	{ "prime", 0x2032 }, { "prod", 0x220f }, { "prop", 0x221d },
	{ "psi", 0x3c8 }, { "quot", 0x22 }, { "rArr", 0x21d2 },
	{ "radic", 0x221a }, { "rang", 0x232a }, { "raquo", 0xbb },
	{ "rarr", 0x2192 }, { "rceil", 0x2309 }, { "rdquo", 0x201d },
	{ "real", 0x211c }, { "reg", 0xae }, { "rfloor", 0x230b },
	{ "rho", 0x3c1 }, { "rlm", 0x200f }, { "rsaquo", 0x203a },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201a }, { "scaron", 0x161 },
	{ "sdot", 0x22c5 }, { "sect", 0xa7 }, { "shy", 0xad },
	{ "sigma", 0x3c3 }, { "sigmaf", 0x3c2 }, { "sim", 0x223c },
	{ "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 },
	{ "sum", 0x2211 }, { "sup", 0x2283 }, { "sup1", 0xb9 },
	{ "sup2", 0xb2 }, { "sup3", 0xb3 }, { "supe", 0x2287 },
	{ "szlig", 0xdf }, { "tau", 0x3c4 }, { "there4", 0x2234 },
	{ "theta", 0x3b8 }, { "thetasym", 0x3d1 }, { "thinsp", 0x2009 },
	{ "thorn", 0xfe }, { "tilde", 0x2dc }, { "times", 0xd7 },
	{ "trade", 0x2122 }, { "uArr", 0x21d1 }, { "uacute", 0xfa },
	{ "uarr", 0x2191 }, { "ucirc", 0xfb }, { "ugrave", 0xf9 },
	{ "uml", 0xa8 }, { "upsih", 0x3d2 }, { "upsilon", 0x3c5 },
	{ "uuml", 0xfc }, { "weierp", 0x2118 }, { "xi", 0x3be },
	{ "yacute", 0xfd }, { "yen", 0xa5 }, { "yuml", 0xff },
	{ "zeta", 0x3b6 }, { "zwj", 0x200d }, { "zwnj", 0x200c },
};

/* Longest character reference name or number collected. */
#define ENTITY_MAX 32
/* Longest tag name looked at. */
#define TAG_NAME_MAX 16

enum line_state {
	/* at the start of a line (white space keeps it there) */
	LINE_NEWLINE,
	LINE_NORMAL,
	/* in a line that started with '>' */
	LINE_QUOTED,
};

enum html_state {
	HTML_TEXT,
	/* after '<': the tag's name */
	HTML_TAG_NAME,
	/* in a tag after its name; quote is the open attribute quote */
	HTML_TAG,
	/* <!-- ... --> */
	HTML_COMMENT,
	/* <![CDATA[ ... ]]>: the content is text */
	HTML_CDATA,
	/* after '&' */
	HTML_ENTITY,
};

struct snippet_target {
	struct buf text;
	unsigned int chars_left;
};

struct adm_snippet {
	struct snippet_target main, quoted;
	enum line_state line;
	bool full;
	/* white space was seen after some text of the current target */
	bool add_space;
	/* the last character was white space (or there was none yet) */
	bool last_space;

	bool html;
	enum html_state hstate;
	char quote;
	char name[TAG_NAME_MAX + 1];
	unsigned int name_len;
	bool closing;
	/* how the comment / CDATA end has been matched so far */
	unsigned int end_match;
	char entity[ENTITY_MAX + 1];
	unsigned int entity_len;
	/* inside <style>/<script> (the name) or <blockquote>s (depth) */
	const char *skip_element;
	unsigned int blockquote_depth;
};

struct adm_snippet *adm_snippet_create(struct arena *arena, bool html)
{
	struct adm_snippet *s = arena_new(arena, struct adm_snippet, 1);

	buf_init(&s->main.text, arena, 256, 0);
	buf_init(&s->quoted.text, arena, 256, 0);
	s->main.chars_left = ADM_SNIPPET_MAX_CHARS;
	s->quoted.chars_left = ADM_SNIPPET_MAX_CHARS;
	s->html = html;
	s->last_space = true;
	return s;
}

/*
 * Adds one character to t, after the pending space if any.  The space
 * flag is shared by both targets and a space is never added as the last
 * character, exactly as doveadm does (which makes a quote before the
 * text cost the text its first two characters of room: see
 * adm_snippet_result()).
 */
static void target_add(struct adm_snippet *s, struct snippet_target *t,
	const unsigned char *chr, size_t len)
{
	if (t->chars_left == 0)
		return;
	t->chars_left--;
	if (s->add_space) {
		if (t->chars_left == 0)
			return;
		if (buf_append_c(&t->text, ' ') < 0)
			i_panic("unbounded buffer refused data");
		s->add_space = false;
		t->chars_left--;
	}
	if (buf_append(&t->text, chr, len) < 0)
		i_panic("unbounded buffer refused data");
}

/* One UTF-8 character of text (after HTML filtering). */
static void text_char(struct adm_snippet *s, const unsigned char *chr,
	size_t len)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };
	static const unsigned char rbom[] = { 0xbf, 0xbb, 0xef };
	struct snippet_target *t;
	unsigned char c = chr[0];

	if (len == 3 && (memcmp(chr, bom, 3) == 0 ||
			 memcmp(chr, rbom, 3) == 0))
		return;
	if (c == '\0')
		return;
	s->last_space = c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		c == '\v' || c == '\f';
	if (s->line == LINE_NEWLINE) {
		if (c == '>') {
			s->line = LINE_QUOTED;
			return;
		}
		s->line = LINE_NORMAL;
	}
	t = s->line == LINE_QUOTED ? &s->quoted : &s->main;
	if (s->last_space) {
		if (t->text.used > 0)
			s->add_space = true;
		if (c == '\n')
			s->line = LINE_NEWLINE;
		return;
	}
	target_add(s, t, chr, len);
	if (s->main.chars_left == 0)
		s->full = true;
}

static void text_codepoint(struct adm_snippet *s, uint32_t chr)
{
	unsigned char tmp[4];
	size_t len;

	/* UTF-8 (chr is a valid scalar value here) */
	if (chr < 0x80) {
		tmp[0] = (unsigned char)chr;
		len = 1;
	} else if (chr < 0x800) {
		tmp[0] = (unsigned char)(0xc0 | (chr >> 6));
		tmp[1] = (unsigned char)(0x80 | (chr & 0x3f));
		len = 2;
	} else if (chr < 0x10000) {
		tmp[0] = (unsigned char)(0xe0 | (chr >> 12));
		tmp[1] = (unsigned char)(0x80 | ((chr >> 6) & 0x3f));
		tmp[2] = (unsigned char)(0x80 | (chr & 0x3f));
		len = 3;
	} else {
		tmp[0] = (unsigned char)(0xf0 | (chr >> 18));
		tmp[1] = (unsigned char)(0x80 | ((chr >> 12) & 0x3f));
		tmp[2] = (unsigned char)(0x80 | ((chr >> 6) & 0x3f));
		tmp[3] = (unsigned char)(0x80 | (chr & 0x3f));
		len = 4;
	}
	text_char(s, tmp, len);
}

static void text_bytes(struct adm_snippet *s, const char *str, size_t len)
{
	for (size_t i = 0; i < len; i++)
		text_char(s, (const unsigned char *)str + i, 1);
}

static int entity_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct html_entity *)elem)->name);
}

/* The reference in s->entity ended with ';'. */
static void entity_end(struct adm_snippet *s)
{
	const struct html_entity *e;
	unsigned long chr;
	char *end;

	s->entity[s->entity_len] = '\0';
	if (s->entity[0] == '#') {
		bool hex = s->entity[1] == 'x' || s->entity[1] == 'X';
		const char *digits = s->entity + (hex ? 2 : 1);

		if (*digits == '\0' || !isxdigit((unsigned char)*digits))
			return;
		chr = strtoul(digits, &end, hex ? 16 : 10);
		if (*end != '\0' || chr == 0 || chr > 0x10ffff ||
		    (chr >= 0xd800 && chr <= 0xdfff))
			return;
		text_codepoint(s, (uint32_t)chr);
		return;
	}
	e = bsearch(s->entity, html_entities, N_ELEMENTS(html_entities),
		sizeof(html_entities[0]), entity_cmp);
	if (e != NULL)
		text_codepoint(s, e->chr);
}

static bool html_skipping(const struct adm_snippet *s)
{
	return s->skip_element != NULL || s->blockquote_depth > 0;
}

/* A tag ended (its name in s->name): a space, and the elements whose
   content is skipped. */
static void tag_end(struct adm_snippet *s)
{
	static const char *const skipped[] = { "style", "script" };

	s->name[s->name_len] = '\0';
	if (s->skip_element != NULL) {
		if (s->closing && strcasecmp(s->name, s->skip_element) == 0)
			s->skip_element = NULL;
		return;
	}
	if (strcasecmp(s->name, "blockquote") == 0) {
		if (!s->closing)
			s->blockquote_depth++;
		else if (s->blockquote_depth > 0)
			s->blockquote_depth--;
		return;
	}
	if (s->blockquote_depth > 0)
		return;
	for (unsigned int i = 0; i < N_ELEMENTS(skipped); i++) {
		if (!s->closing && strcasecmp(s->name, skipped[i]) == 0)
			s->skip_element = skipped[i];
	}
	/* a tag separates words, but adds no space after white space (so
	   "\n<p>&gt;" still starts a quoted line) */
	if (!s->last_space)
		text_char(s, (const unsigned char *)" ", 1);
}

/* Matches the end marker of a comment or CDATA section byte by byte. */
static bool end_marker(struct adm_snippet *s, unsigned char c,
	const char *marker)
{
	if (c == (unsigned char)marker[s->end_match]) {
		if (marker[++s->end_match] == '\0') {
			s->end_match = 0;
			return true;
		}
		return false;
	}
	/* "--->": the marker may start again inside itself */
	s->end_match = c == (unsigned char)marker[0] ? 1 : 0;
	return false;
}

/* One character of the HTML source. */
static void html_char(struct adm_snippet *s, const unsigned char *p,
	size_t len)
{
	unsigned char c = p[0];

	switch (s->hstate) {
	case HTML_TEXT:
		if (c == '<') {
			s->hstate = HTML_TAG_NAME;
			s->name_len = 0;
			s->closing = false;
			s->quote = '\0';
		} else if (c == '&' && !html_skipping(s)) {
			s->hstate = HTML_ENTITY;
			s->entity_len = 0;
		} else if (!html_skipping(s)) {
			text_char(s, p, len);
		}
		return;
	case HTML_TAG_NAME:
		if (s->name_len == 0 && !s->closing && c == '/') {
			s->closing = true;
			return;
		}
		if (s->name_len == 0 && !s->closing && c == '!') {
			/* "<!--", "<![CDATA[" or a declaration */
			s->name[s->name_len++] = '!';
			return;
		}
		if (s->name_len > 0 && s->name[0] == '!') {
			s->name[s->name_len++] = (char)c;
			s->name[s->name_len] = '\0';
			if (strcmp(s->name, "!--") == 0) {
				s->hstate = HTML_COMMENT;
				s->end_match = 0;
			} else if (strcmp(s->name, "![CDATA[") == 0) {
				s->hstate = HTML_CDATA;
				s->end_match = 0;
			} else if (strncmp("!--", s->name, s->name_len) != 0 &&
				   strncmp("![CDATA[", s->name,
					   s->name_len) != 0) {
				s->hstate = HTML_TAG;
				html_char(s, p, len);
			}
			return;
		}
		if (isalnum(c) && s->name_len < TAG_NAME_MAX) {
			s->name[s->name_len++] = (char)c;
			return;
		}
		s->hstate = HTML_TAG;
		/* FALLTHROUGH */
	case HTML_TAG:
		if (s->quote != '\0') {
			if (c == (unsigned char)s->quote)
				s->quote = '\0';
		} else if (c == '"' || c == '\'') {
			s->quote = (char)c;
		} else if (c == '>') {
			s->hstate = HTML_TEXT;
			if (s->name_len > 0 && s->name[0] == '!')
				s->name_len = 0;
			tag_end(s);
		}
		return;
	case HTML_COMMENT:
		if (end_marker(s, c, "-->"))
			s->hstate = HTML_TEXT;
		return;
	case HTML_CDATA:
		if (end_marker(s, c, "]]>")) {
			s->hstate = HTML_TEXT;
		} else if (s->end_match == 0 && !html_skipping(s)) {
			text_char(s, p, len);
		}
		return;
	case HTML_ENTITY:
		if (c == ';') {
			s->hstate = HTML_TEXT;
			entity_end(s);
		} else if ((isalnum(c) || c == '#') &&
			   s->entity_len < ENTITY_MAX) {
			s->entity[s->entity_len++] = (char)c;
		} else {
			/* no ';': the name was text after all */
			s->hstate = HTML_TEXT;
			text_bytes(s, s->entity, s->entity_len);
			html_char(s, p, len);
		}
		return;
	}
}

bool adm_snippet_feed(struct adm_snippet *s, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i = 0, len;

	while (i < size && !s->full) {
		/* whole UTF-8 characters (the decoder never splits one) */
		len = 1;
		if (p[i] >= 0xc0) {
			while (i + len < size && len < 4 &&
			       (p[i + len] & 0xc0) == 0x80)
				len++;
		}
		if (s->html)
			html_char(s, p + i, len);
		else
			text_char(s, p + i, len);
		i += len;
	}
	return !s->full;
}

const char *adm_snippet_result(struct adm_snippet *s)
{
	const char *text = buf_cstr(&s->main.text);

	if (s->main.text.used == 0 && s->quoted.text.used > 0) {
		return arena_printf(s->main.text.arena, ">%s",
			buf_cstr(&s->quoted.text));
	}
	/* a space carried over from a quote starts the text; doveadm
	   prints the text without it */
	return text[0] == ' ' ? text + 1 : text;
}
