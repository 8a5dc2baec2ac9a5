/*
 * message-address.c - RFC 5322 address lists in the IMAP ENVELOPE model
 * (see message-address.h).
 *
 * The recovery rules for broken input are Dovecot 2.3's, checked against
 * its ENVELOPE output: a lone word without '@' is a mailbox with a missing
 * domain, but several words are a display name with neither; a broken
 * angle address gets domain "SYNTAX_ERROR"; an empty list element gives a
 * MISSING_MAILBOX/MISSING_DOMAIN address; groups are closed at the end.
 */
#include "lib.h"
#include "message-address.h"
#include "rfc822-lex.h"
#include "rfc2047.h"

struct address_parser {
	struct arena *arena;
	struct rfc822_lex lex;
	struct buf str;
	struct buf comment;
	struct message_address *first, *last, addr;
	bool fill_missing, non_strict_dots;
	unsigned int count, max;
};

static const char *dup_buf(struct address_parser *ctx, const struct buf *b)
{
	return arena_strndup(ctx->arena, b->data, b->used);
}

static void add_address(struct address_parser *ctx)
{
	struct message_address *addr;

	addr = arena_new(ctx->arena, struct message_address, 1);
	*addr = ctx->addr;
	addr->next = NULL;
	memset(&ctx->addr, 0, sizeof(ctx->addr));
	if (ctx->first == NULL)
		ctx->first = addr;
	else
		ctx->last->next = addr;
	ctx->last = addr;
	ctx->count++;
}

static bool at(const struct address_parser *ctx, char c)
{
	return ctx->lex.data < ctx->lex.end && *ctx->lex.data == c;
}

/* Local part with any dots: "..a..b.@" (no white space after them). */
static int parse_nonstrict_dot_atom(struct address_parser *ctx)
{
	struct rfc822_lex *lex = &ctx->lex;
	int ret = -1;

	do {
		while (lex->data < lex->end && *lex->data == '.') {
			if (buf_append_c(&ctx->str, '.') < 0)
				return -1;
			lex->data++;
			if (lex->data >= lex->end) {
				/* "@domain" is missing, but the local part
				   is fine ("a." at the very end) */
				return 0;
			}
			ret = 1;
		}
		if (at(ctx, '@'))
			break;
		ret = rfc822_parse_atom(lex, &ctx->str);
	} while (ret > 0 && at(ctx, '.'));
	return ret;
}

static int parse_local_part(struct address_parser *ctx)
{
	int ret;

	buf_reset(&ctx->str);
	if (at(ctx, '"'))
		ret = rfc822_parse_quoted_string(&ctx->lex, &ctx->str);
	else if (ctx->non_strict_dots)
		ret = parse_nonstrict_dot_atom(ctx);
	else
		ret = rfc822_parse_dot_atom(&ctx->lex, &ctx->str);
	if (ret < 0)
		return -1;
	ctx->addr.mailbox = dup_buf(ctx, &ctx->str);
	return ret;
}

/* At '@': parses "@domain". */
static int parse_domain(struct address_parser *ctx)
{
	int ret;

	ctx->lex.data++;
	buf_reset(&ctx->str);
	if (rfc822_skip_cfws(&ctx->lex) <= 0)
		return -1;
	if ((ret = rfc822_parse_domain(&ctx->lex, &ctx->str)) < 0)
		return -1;
	ctx->addr.domain = dup_buf(ctx, &ctx->str);
	return ret;
}

/* obs-domain-list = "@" domain *(*(CFWS / ",") [CFWS] "@" domain) */
static int parse_domain_list(struct address_parser *ctx)
{
	int ret;

	buf_reset(&ctx->str);
	for (;;) {
		if (rfc822_lex_eof(&ctx->lex))
			return 0;
		if (*ctx->lex.data != '@')
			break;
		if (ctx->str.used > 0 && buf_append_c(&ctx->str, ',') < 0)
			return -1;
		if (buf_append_c(&ctx->str, '@') < 0)
			return -1;
		ctx->lex.data++;
		if (rfc822_skip_cfws(&ctx->lex) <= 0)
			return -1;
		if ((ret = rfc822_parse_domain(&ctx->lex, &ctx->str)) <= 0)
			return ret;
		while (rfc822_skip_cfws(&ctx->lex) > 0 && at(ctx, ','))
			ctx->lex.data++;
	}
	ctx->addr.route = dup_buf(ctx, &ctx->str);
	return 1;
}

/* "<" [ "@" route ":" ] local-part "@" domain ">" */
static int parse_angle_addr(struct address_parser *ctx)
{
	i_assert(at(ctx, '<'));
	ctx->lex.data++;
	if (rfc822_skip_cfws(&ctx->lex) <= 0)
		return -1;

	if (at(ctx, '@')) {
		if (parse_domain_list(ctx) > 0 && at(ctx, ':')) {
			ctx->lex.data++;
		} else {
			if (ctx->fill_missing)
				ctx->addr.route = "INVALID_ROUTE";
			if (rfc822_lex_eof(&ctx->lex))
				return -1;
			/* try to continue anyway */
		}
		if (rfc822_skip_cfws(&ctx->lex) <= 0)
			return -1;
	}

	if (!at(ctx, '>')) {
		/* (<> has neither mailbox nor domain) */
		if (parse_local_part(ctx) <= 0)
			return -1;
		if (at(ctx, '@') && parse_domain(ctx) <= 0)
			return -1;
	}
	if (!at(ctx, '>'))
		return -1;
	ctx->lex.data++;
	return rfc822_skip_cfws(&ctx->lex);
}

static int parse_name_addr(struct address_parser *ctx)
{
	buf_reset(&ctx->str);
	if (rfc822_parse_phrase(&ctx->lex, &ctx->str) <= 0 || !at(ctx, '<'))
		return -1;
	ctx->addr.name = ctx->str.used == 0 ? NULL : dup_buf(ctx, &ctx->str);
	if (parse_angle_addr(ctx) < 0) {
		if (ctx->fill_missing)
			ctx->addr.domain = "SYNTAX_ERROR";
		ctx->addr.invalid_syntax = true;
	}
	return rfc822_lex_eof(&ctx->lex) ? 0 : 1;
}

static int parse_addr_spec(struct address_parser *ctx)
{
	int ret, ret2 = -2;
	bool quoted_string;

	buf_reset(&ctx->comment);
	quoted_string = at(ctx, '"');
	ret = parse_local_part(ctx);
	if (ret <= 0)
		ctx->addr.invalid_syntax = true;
	if (ret != 0 && at(ctx, '@')) {
		ret2 = parse_domain(ctx);
		if (ret2 <= 0)
			ret = ret2;
	}

	if (ctx->comment.used > 0) {
		ctx->addr.name = dup_buf(ctx, &ctx->comment);
	} else if (ret2 == -2) {
		/* a word without "@domain" and without a comment: a lone
		   word is a mailbox, more words are a display name */
		size_t orig_len;

		if (buf_append_c(&ctx->str, ' ') < 0)
			return -1;
		orig_len = ctx->str.used;
		(void)rfc822_parse_phrase(&ctx->lex, &ctx->str);
		if (ctx->str.used != orig_len) {
			ctx->addr.mailbox = NULL;
			ctx->addr.name = dup_buf(ctx, &ctx->str);
		} else if (!quoted_string) {
			ctx->addr.domain = "";
		}
		ctx->addr.invalid_syntax = true;
		ret = -1;
	}
	return ret;
}

static void add_fixed_address(struct address_parser *ctx)
{
	if (ctx->addr.mailbox == NULL) {
		ctx->addr.mailbox = ctx->fill_missing ? "MISSING_MAILBOX" : "";
		ctx->addr.invalid_syntax = true;
	}
	if (ctx->addr.domain == NULL || ctx->addr.domain[0] == '\0') {
		ctx->addr.domain = ctx->fill_missing ? "MISSING_DOMAIN" : "";
		ctx->addr.invalid_syntax = true;
	}
	add_address(ctx);
}

static int parse_mailbox(struct address_parser *ctx)
{
	const unsigned char *start = ctx->lex.data;
	int ret;

	if ((ret = parse_name_addr(ctx)) < 0) {
		/* not name-addr: addr-spec */
		memset(&ctx->addr, 0, sizeof(ctx->addr));
		ctx->lex.data = start;
		ret = parse_addr_spec(ctx);
		if (ctx->addr.invalid_syntax && ctx->addr.name == NULL &&
		    ctx->addr.mailbox != NULL && ctx->addr.domain == NULL) {
			ctx->addr.name = ctx->addr.mailbox;
			ctx->addr.mailbox = NULL;
		}
	}
	if (ret < 0)
		ctx->addr.invalid_syntax = true;
	add_fixed_address(ctx);
	return ret;
}

static int parse_group(struct address_parser *ctx)
{
	int ret;

	buf_reset(&ctx->str);
	if (rfc822_parse_phrase(&ctx->lex, &ctx->str) <= 0 || !at(ctx, ':'))
		return -1;

	/* from here on it is a group, whatever follows */
	ctx->lex.data++;
	if ((ret = rfc822_skip_cfws(&ctx->lex)) <= 0)
		ctx->addr.invalid_syntax = true;
	ctx->addr.mailbox = dup_buf(ctx, &ctx->str);
	add_address(ctx);

	if (ret > 0 && !at(ctx, ';')) {
		while (ctx->count < ctx->max) {
			/* a broken mailbox: go on anyway */
			(void)parse_mailbox(ctx);
			if (!at(ctx, ','))
				break;
			ctx->lex.data++;
			if (rfc822_skip_cfws(&ctx->lex) <= 0) {
				ret = -1;
				break;
			}
		}
	}
	if (ret >= 0) {
		if (!at(ctx, ';')) {
			ret = -1;
		} else {
			ctx->lex.data++;
			ret = rfc822_skip_cfws(&ctx->lex);
		}
	}
	if (ret < 0)
		ctx->addr.invalid_syntax = true;
	/* the group end marker */
	add_address(ctx);
	return ret == 0 ? 0 : 1;
}

static int parse_address(struct address_parser *ctx)
{
	const unsigned char *start = ctx->lex.data;
	int ret;

	if ((ret = parse_group(ctx)) < 0) {
		memset(&ctx->addr, 0, sizeof(ctx->addr));
		ctx->lex.data = start;
		ret = parse_mailbox(ctx);
	}
	return ret;
}

static void parse_address_list(struct address_parser *ctx)
{
	int ret;

	while (ctx->count < ctx->max) {
		if ((ret = parse_address(ctx)) == 0)
			break;
		if (!at(ctx, ','))
			break;
		ctx->lex.data++;
		if ((ret = rfc822_skip_cfws(&ctx->lex)) <= 0) {
			if (ret < 0) {
				/* ends with garbage */
				add_fixed_address(ctx);
			}
			break;
		}
	}
}

struct message_address *message_address_parse(struct arena *arena,
	const void *value, size_t size, unsigned int max_addresses,
	enum message_address_parse_flags flags)
{
	struct address_parser ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = arena;
	ctx.fill_missing =
		(flags & MESSAGE_ADDRESS_PARSE_FLAG_FILL_MISSING) != 0;
	ctx.non_strict_dots =
		(flags & MESSAGE_ADDRESS_PARSE_FLAG_NON_STRICT_DOTS) != 0;
	/* a group takes two entries for its markers */
	ctx.max = max_addresses == 0 ? MESSAGE_ADDRESS_DEFAULT_MAX :
		max_addresses;
	/* temporaries on the heap: arena may be the scratch arena */
	buf_init(&ctx.str, NULL, 128, size + 16);
	buf_init(&ctx.comment, NULL, 64, size + 16);
	rfc822_lex_init(&ctx.lex, value, size);
	ctx.lex.last_comment = &ctx.comment;
	if (rfc822_skip_cfws(&ctx.lex) > 0)
		parse_address_list(&ctx);
	buf_free(&ctx.str);
	buf_free(&ctx.comment);
	return ctx.first;
}

/*
 * Appends s, in double quotes with '"' and '\\' escaped if it is not a
 * plain atom run: dots are allowed unquoted in local parts, spaces in
 * display names.
 */
static int append_maybe_quoted(struct buf *out, const char *s,
	bool is_local_part)
{
	const char *p;
	bool plain = *s != '\0';

	for (p = s; *p != '\0'; p++) {
		if (!rfc822_is_atext((unsigned char)*p) &&
		    !(is_local_part && *p == '.') &&
		    !(!is_local_part && *p == ' '))
			plain = false;
	}
	if (plain)
		return buf_append_str(out, s);
	if (buf_append_c(out, '"') < 0)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if ((*p == '"' || *p == '\\') && buf_append_c(out, '\\') < 0)
			return -1;
		if (buf_append_c(out, *p) < 0)
			return -1;
	}
	return buf_append_c(out, '"');
}

static int write_mailbox(struct buf *out, const struct message_address *addr)
{
	bool has_name = addr->name != NULL && *addr->name != '\0';
	bool angle = has_name || addr->route != NULL;

	if (has_name) {
		/* encoded words must not be quoted (RFC 2047 5) */
		int ret = rfc2047_has_encoded_words(addr->name,
			strlen(addr->name)) ?
			buf_append_str(out, addr->name) :
			append_maybe_quoted(out, addr->name, false);
		if (ret < 0 || buf_append_c(out, ' ') < 0)
			return -1;
	}
	if (angle && buf_append_c(out, '<') < 0)
		return -1;
	if (addr->route != NULL &&
	    (buf_append_str(out, addr->route) < 0 ||
	     buf_append_c(out, ':') < 0))
		return -1;
	if (*addr->mailbox == '\0') {
		if (buf_append_str(out, "\"\"") < 0)
			return -1;
	} else if (append_maybe_quoted(out, addr->mailbox, true) < 0) {
		return -1;
	}
	if (*addr->domain != '\0' &&
	    (buf_append_c(out, '@') < 0 ||
	     buf_append_str(out, addr->domain) < 0))
		return -1;
	if (angle && buf_append_c(out, '>') < 0)
		return -1;
	return 0;
}

int message_address_write(struct buf *out,
	const struct message_address *addr)
{
	bool need_sep = false, in_group = false;

	for (; addr != NULL; addr = addr->next) {
		if (message_address_is_group_end(addr)) {
			if (in_group && buf_append_c(out, ';') < 0)
				return -1;
			in_group = false;
			need_sep = true;
			continue;
		}
		if (need_sep && buf_append_str(out, ", ") < 0)
			return -1;
		if (message_address_is_group_start(addr)) {
			int ret = *addr->mailbox == '\0' ?
				buf_append_str(out, "\"\"") :
				append_maybe_quoted(out, addr->mailbox, false);
			if (ret < 0 || buf_append_str(out, ": ") < 0)
				return -1;
			in_group = true;
			need_sep = false;
			continue;
		}
		if (write_mailbox(out, addr) < 0)
			return -1;
		need_sep = true;
	}
	if (in_group)
		return buf_append_c(out, ';');
	return 0;
}

const char *message_address_get_addr(struct arena *arena,
	const struct message_address *addr)
{
	if (addr->domain == NULL)
		return "";
	if (*addr->domain == '\0')
		return arena_strdup(arena, addr->mailbox);
	return arena_printf(arena, "%s@%s", addr->mailbox, addr->domain);
}

const char *message_address_display_name(struct arena *arena,
	const struct message_address *addr)
{
	if (addr == NULL)
		return "";
	if (message_address_is_group_start(addr))
		return rfc2047_decode_utf8_dup(arena, addr->mailbox,
			strlen(addr->mailbox));
	if (addr->name != NULL && *addr->name != '\0')
		return rfc2047_decode_utf8_dup(arena, addr->name,
			strlen(addr->name));
	if (addr->mailbox == NULL)
		return "";
	return message_address_get_addr(arena, addr);
}
