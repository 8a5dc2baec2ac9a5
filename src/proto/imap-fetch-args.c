/*
 * imap-fetch-args.c - parsing FETCH data items, sections and partials,
 * and the CHANGEDSINCE/VANISHED modifiers (see imap-fetch-args.h for the
 * rules, which are Dovecot 2.3's).
 */
#include "lib.h"
#include "imap-fetch-args.h"
#include "arena.h"
#include "array.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-quote.h"
#include "str.h"

#include <strings.h>

struct fetch_parse_ctx {
	struct arena *arena;
	ARRAY(struct imap_fetch_item) small;
	ARRAY(struct imap_fetch_item) large;
	const struct imap_arg *args;
	bool set_seen;
	const char *error;
};

bool imap_fetch_item_is_small(enum imap_fetch_item_type type)
{
	return type <= IMAP_FETCH_ITEM_X_SAVEDATE;
}

/* Adds an item; items other than BODY[..]/BINARY[..] are answered
   once. */
static void fetch_add(struct fetch_parse_ctx *ctx,
	enum imap_fetch_item_type type,
	const struct imap_fetch_section *section)
{
	struct imap_fetch_item item = { .type = type, .section = section };
	unsigned int i;

	if (imap_fetch_item_is_small(type)) {
		for (i = 0; i < ctx->small.count; i++) {
			if (ctx->small.v[i].type == type)
				return;
		}
		array_push(&ctx->small, item);
		return;
	}
	if (type != IMAP_FETCH_ITEM_SECTION) {
		for (i = 0; i < ctx->large.count; i++) {
			if (ctx->large.v[i].type == type)
				return;
		}
	}
	array_push(&ctx->large, item);
}

/* Parses digits into *num_r: false if there are none or they overflow
   (Dovecot's str_parse_uoff()). */
static bool parse_uint64(const char **p, uint64_t *num_r)
{
	const char *s = *p;
	uint64_t num = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t digit = (uint64_t)(*s - '0');

		if (num > (UINT64_MAX - digit) / 10)
			return false;
		num = num * 10 + digit;
	}
	*p = s;
	*num_r = num;
	return true;
}

/* "<offset[.size]>" after the ']'; "" for none. */
static int section_parse_partial(struct imap_fetch_section *sec,
	const char *p, const char **error_r)
{
	if (*p == '\0')
		return 0;
	if (*p != '<') {
		*error_r = "Unexpected data after ']'";
		return -1;
	}
	p++;
	if (!parse_uint64(&p, &sec->partial_offset)) {
		*error_r = "Too big partial start";
		return -1;
	}
	sec->partial_size = IMAP_FETCH_PARTIAL_TO_END;
	if (*p == '.') {
		p++;
		if (!parse_uint64(&p, &sec->partial_size)) {
			*error_r = "Too big partial end";
			return -1;
		}
	}
	if (*p != '>') {
		*error_r = "Missing '>' in partial";
		return -1;
	}
	if (p[1] != '\0') {
		*error_r = "Unexpected data after '>'";
		return -1;
	}
	sec->partial = true;
	return 0;
}

/*
 * The part number at the start of section text ("1.2.HEADER"): the
 * numbers into sec, *rest_r after the '.' that follows them.  Returns -1
 * for a malformed number ("1.", ".1", "1..2", "1HEADER").
 */
static int section_parse_part(struct fetch_parse_ctx *ctx,
	struct imap_fetch_section *sec, const char *text, const char **rest_r)
{
	const char *p = text;
	unsigned int count = 0, i;
	uint32_t *nums;

	/* Dovecot's scan: digits separated by single dots. */
	while (*p >= '0' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		count++;
		if (*p != '.')
			break;
		p++;
	}
	if (count == 0) {
		*rest_r = text;
		return 0;
	}
	if (*p != '\0' && p[-1] != '.')
		return -1; /* "1HEADER" */
	if (*p == '\0' && p[-1] == '.')
		return -1; /* "1." */

	nums = arena_new(ctx->arena, uint32_t, count);
	p = text;
	for (i = 0; i < count; i++) {
		uint64_t num = 0;
		bool overflow = false;

		for (; *p >= '0' && *p <= '9'; p++) {
			num = num * 10 + (uint64_t)(*p - '0');
			if (num > UINT32_MAX) {
				overflow = true;
				num = 0;
			}
		}
		/* 0 and numbers beyond 32 bits address no part */
		nums[i] = overflow ? 0 : (uint32_t)num;
		if (*p == '.')
			p++;
	}
	sec->part = nums;
	sec->part_count = count;
	*rest_r = p;
	return 0;
}

/* The header name list of HEADER.FIELDS (upper-cased) into sec and into
   the reply name being built in name. */
static int section_parse_fields(struct fetch_parse_ctx *ctx,
	struct imap_fetch_section *sec, const struct imap_arg *list,
	struct buf *name, const char **error_r)
{
	const struct imap_arg *args;
	unsigned int count, i;
	const char **fields;
	const char *value;

	if (!imap_arg_get_list_full(list, &args, &count))
		i_panic("not a list");
	fields = arena_new(ctx->arena, const char *, count + 1);
	if (buf_append_str(name, " (") < 0)
		goto too_long;
	for (i = 0; i < count; i++) {
		if (!imap_arg_get_astring(&args[i], &value)) {
			*error_r = "Header list contains non-strings";
			return -1;
		}
		fields[i] = str_ucase(arena_strdup(ctx->arena, value));
		if (i > 0 && buf_append_c(name, ' ') < 0)
			goto too_long;
		if (IMAP_ARG_IS_ATOM(&args[i]) && !IMAP_ARG_IS_NIL(&args[i])) {
			if (buf_append_str(name, fields[i]) < 0)
				goto too_long;
		} else if (imap_append_astring(name, fields[i]) < 0) {
			goto too_long;
		}
	}
	if (buf_append_c(name, ')') < 0)
		goto too_long;
	sec->fields = fields;
	sec->fields_count = count;
	return 0;
too_long:
	i_panic("unbounded buffer failed");
}

/*
 * The section text between '[' and ']' (upper-cased), plus the header
 * list when there was one.  Returns -1 for an invalid section.
 */
static int section_parse_text(struct fetch_parse_ctx *ctx,
	struct imap_fetch_section *sec, const char *text, bool have_list)
{
	const char *p;

	if (section_parse_part(ctx, sec, text, &p) < 0)
		return -1;
	if (*p == '\0') {
		sec->text = IMAP_FETCH_SECTION_ALL;
		return have_list ? -1 : 0;
	}
	if (strcmp(p, "HEADER.FIELDS") == 0)
		sec->text = IMAP_FETCH_SECTION_HEADER_FIELDS;
	else if (strcmp(p, "HEADER.FIELDS.NOT") == 0)
		sec->text = IMAP_FETCH_SECTION_HEADER_FIELDS_NOT;
	else if (have_list)
		return -1;
	else if (strcmp(p, "HEADER") == 0)
		sec->text = IMAP_FETCH_SECTION_HEADER;
	else if (strcmp(p, "TEXT") == 0)
		sec->text = IMAP_FETCH_SECTION_TEXT;
	else if (strcmp(p, "MIME") == 0 && sec->part_count > 0)
		sec->text = IMAP_FETCH_SECTION_MIME;
	else
		return -1;
	/* HEADER.FIELDS without a (non-empty) list */
	if (!have_list && (sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS ||
			   sec->text == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT))
		return -1;
	return 0;
}

static const char *section_error(struct fetch_parse_ctx *ctx, bool binary,
	const char *error)
{
	return arena_printf(ctx->arena, "Invalid %s[..] parameter: %s",
		binary ? "BINARY" : "BODY", error);
}

/*
 * BODY.PEEK[..], BODY[..], BINARY[..], BINARY.PEEK[..], BINARY.SIZE[..]:
 * name is the upper-cased item from "BODY" or "BINARY" on; the header
 * list and the closing atom, if any, are taken from ctx->args.
 */
static int fetch_parse_section(struct fetch_parse_ctx *ctx, const char *name,
	bool binary)
{
	struct imap_fetch_section *sec;
	const struct imap_arg *list = NULL;
	const char *p, *close, *after, *text, *error;
	struct buf reply;

	sec = arena_new(ctx->arena, struct imap_fetch_section, 1);
	sec->binary = binary;
	p = name + (binary ? 6 : 4);
	if (binary && str_begins(p, ".SIZE")) {
		sec->binary_size = true;
		sec->peek = true;
		p += 5;
	} else if (str_begins(p, ".PEEK")) {
		sec->peek = true;
		p += 5;
	}
	if (*p != '[') {
		ctx->error = section_error(ctx, binary, "Missing '['");
		return -1;
	}
	p++;
	close = strchr(p, ']');
	if (close == NULL && IMAP_ARG_IS_LIST(ctx->args)) {
		/* BODY[HEADER.FIELDS (list)]: the atom after the list must
		   start with ']'.  (Dovecot also takes a list after a name
		   that was already closed, failing "BODY[] (CHANGEDSINCE 1)";
		   we don't.) */
		list = ctx->args;
		if (!imap_arg_get_atom(&ctx->args[1], &after) ||
		    after[0] != ']') {
			ctx->error = section_error(ctx, binary,
				"Missing ']'");
			return -1;
		}
		text = p;
		after++;
		ctx->args += 2;
	} else if (close == NULL) {
		ctx->error = section_error(ctx, binary, "Missing ']'");
		return -1;
	} else {
		text = arena_strndup(ctx->arena, p, (size_t)(close - p));
		after = close + 1;
	}

	buf_init(&reply, ctx->arena, 64, 0);
	if (buf_printf(&reply, "%s[%s", sec->binary_size ? "BINARY.SIZE" :
			binary ? "BINARY" : "BODY", text) < 0)
		i_panic("unbounded buffer failed");
	if (list != NULL &&
	    section_parse_fields(ctx, sec, list, &reply, &error) < 0) {
		ctx->error = section_error(ctx, binary, error);
		return -1;
	}
	if (section_parse_text(ctx, sec, text, list != NULL) < 0 ||
	    (list != NULL && sec->fields_count == 0)) {
		ctx->error = binary ? "Invalid BINARY[..] section" :
			"Invalid BODY[..] section";
		return -1;
	}
	if (section_parse_partial(sec, after, &error) < 0) {
		ctx->error = section_error(ctx, binary, error);
		return -1;
	}
	if (buf_append_c(&reply, ']') < 0)
		i_panic("unbounded buffer failed");
	if (sec->binary_size) {
		/* RFC 3516: BINARY.SIZE has no partial */
		sec->partial = false;
	} else if (sec->partial &&
		   buf_printf(&reply, "<%llu>",
			   (unsigned long long)sec->partial_offset) < 0) {
		i_panic("unbounded buffer failed");
	}
	sec->reply_name = buf_cstr(&reply);
	if (!sec->peek)
		ctx->set_seen = true;
	fetch_add(ctx, IMAP_FETCH_ITEM_SECTION, sec);
	return 0;
}

/* RFC822, RFC822.SIZE, RFC822.HEADER, RFC822.TEXT. */
static int fetch_parse_rfc822(struct fetch_parse_ctx *ctx, const char *name)
{
	struct imap_fetch_section *sec;
	enum imap_fetch_item_type type;

	if (strcmp(name, "RFC822.SIZE") == 0) {
		fetch_add(ctx, IMAP_FETCH_ITEM_RFC822_SIZE, NULL);
		return 0;
	}
	sec = arena_new(ctx->arena, struct imap_fetch_section, 1);
	sec->reply_name = arena_strdup(ctx->arena, name);
	if (strcmp(name, "RFC822") == 0) {
		type = IMAP_FETCH_ITEM_RFC822;
		sec->text = IMAP_FETCH_SECTION_ALL;
	} else if (strcmp(name, "RFC822.HEADER") == 0) {
		type = IMAP_FETCH_ITEM_RFC822_HEADER;
		sec->text = IMAP_FETCH_SECTION_HEADER;
		sec->peek = true;
	} else if (strcmp(name, "RFC822.TEXT") == 0) {
		type = IMAP_FETCH_ITEM_RFC822_TEXT;
		sec->text = IMAP_FETCH_SECTION_TEXT;
	} else {
		/* sic: Dovecot's text has no colon here */
		ctx->error = arena_printf(ctx->arena,
			"Unknown parameter %s", name);
		return -1;
	}
	if (!sec->peek)
		ctx->set_seen = true;
	fetch_add(ctx, type, sec);
	return 0;
}

static const struct {
	const char *name;
	enum imap_fetch_item_type type;
} simple_items[] = {
	{ "BODYSTRUCTURE", IMAP_FETCH_ITEM_BODYSTRUCTURE },
	{ "ENVELOPE", IMAP_FETCH_ITEM_ENVELOPE },
	{ "FLAGS", IMAP_FETCH_ITEM_FLAGS },
	{ "INTERNALDATE", IMAP_FETCH_ITEM_INTERNALDATE },
	{ "MODSEQ", IMAP_FETCH_ITEM_MODSEQ },
	{ "SAVEDATE", IMAP_FETCH_ITEM_SAVEDATE },
	{ "UID", IMAP_FETCH_ITEM_UID },
	{ "X-GUID", IMAP_FETCH_ITEM_X_GUID },
	{ "X-MAILBOX", IMAP_FETCH_ITEM_X_MAILBOX },
	{ "X-SAVEDATE", IMAP_FETCH_ITEM_X_SAVEDATE },
};

/* One item: name is upper-cased; its extra arguments (a header list) are
   consumed from ctx->args. */
static int fetch_parse_item(struct fetch_parse_ctx *ctx, const char *name)
{
	size_t len = strcspn(name, ".[");
	unsigned int i;

	/* Dovecot looks items up by the name before the first '.' or
	   '['. */
	if (len == 4 && strncmp(name, "BODY", 4) == 0) {
		if (name[4] == '\0') {
			fetch_add(ctx, IMAP_FETCH_ITEM_BODY, NULL);
			return 0;
		}
		return fetch_parse_section(ctx, name, false);
	}
	if (len == 6 && strncmp(name, "BINARY", 6) == 0)
		return fetch_parse_section(ctx, name, true);
	if (len == 6 && strncmp(name, "RFC822", 6) == 0)
		return fetch_parse_rfc822(ctx, name);
	for (i = 0; i < N_ELEMENTS(simple_items); i++) {
		if (strlen(simple_items[i].name) == len &&
		    strncmp(name, simple_items[i].name, len) == 0) {
			fetch_add(ctx, simple_items[i].type, NULL);
			return 0;
		}
	}
	ctx->error = arena_printf(ctx->arena, "Unknown parameter: %s", name);
	return -1;
}

/* An item, or a macro when allowed (only as the only item, not in a
   list). */
static int fetch_parse_named(struct fetch_parse_ctx *ctx, const char *atom,
	bool allow_macro)
{
	static const enum imap_fetch_item_type macro_items[] = {
		IMAP_FETCH_ITEM_FLAGS, IMAP_FETCH_ITEM_INTERNALDATE,
		IMAP_FETCH_ITEM_RFC822_SIZE, IMAP_FETCH_ITEM_ENVELOPE,
		IMAP_FETCH_ITEM_BODY,
	};
	const char *name = t_str_ucase(atom);
	unsigned int i, count;

	if (!allow_macro)
		return fetch_parse_item(ctx, name);
	if (strcmp(name, "FAST") == 0)
		count = 3;
	else if (strcmp(name, "ALL") == 0)
		count = 4;
	else if (strcmp(name, "FULL") == 0)
		count = 5;
	else
		return fetch_parse_item(ctx, name);
	for (i = 0; i < count; i++)
		fetch_add(ctx, macro_items[i], NULL);
	return 0;
}

static int fetch_parse_modifiers(struct fetch_parse_ctx *ctx,
	const struct imap_arg *args, enum imap_fetch_args_flags flags,
	struct imap_fetch_args *result)
{
	const char *name, *value;

	while (!IMAP_ARG_IS_EOL(args)) {
		if (!imap_arg_get_atom(args, &name)) {
			ctx->error = "FETCH modifiers contain non-atoms.";
			return -1;
		}
		args++;
		if (strcasecmp(name, "CHANGEDSINCE") == 0) {
			if (!imap_arg_get_atom(args, &value) ||
			    str_to_uint64(value, &result->changedsince) < 0) {
				ctx->error = "Invalid CHANGEDSINCE modseq.";
				return -1;
			}
			args++;
			result->changedsince_set = true;
			fetch_add(ctx, IMAP_FETCH_ITEM_MODSEQ, NULL);
		} else if (strcasecmp(name, "VANISHED") == 0 &&
			   (flags & IMAP_FETCH_ARGS_FLAG_UID) != 0) {
			if ((flags & IMAP_FETCH_ARGS_FLAG_QRESYNC) == 0) {
				ctx->error = "QRESYNC not enabled";
				return -1;
			}
			result->vanished = true;
		} else {
			ctx->error = "Unknown FETCH modifier";
			return -1;
		}
	}
	if (result->vanished && !result->changedsince_set) {
		ctx->error = "VANISHED used without CHANGEDSINCE";
		return -1;
	}
	return 0;
}

static int fetch_parse(struct fetch_parse_ctx *ctx,
	enum imap_fetch_args_flags flags, struct imap_fetch_args *result)
{
	const struct imap_arg *list;
	const char *atom;

	if ((flags & IMAP_FETCH_ARGS_FLAG_UID) != 0)
		fetch_add(ctx, IMAP_FETCH_ITEM_UID, NULL);

	if (imap_arg_get_atom(ctx->args, &atom)) {
		ctx->args++;
		if (fetch_parse_named(ctx, atom, true) < 0)
			return -1;
	} else if (imap_arg_get_list(ctx->args, &list)) {
		const struct imap_arg *rest = ctx->args + 1;

		if (IMAP_ARG_IS_EOL(list)) {
			ctx->error = "FETCH list is empty.";
			return -1;
		}
		ctx->args = list;
		while (imap_arg_get_atom(ctx->args, &atom)) {
			ctx->args++;
			if (fetch_parse_named(ctx, atom, false) < 0)
				return -1;
		}
		if (!IMAP_ARG_IS_EOL(ctx->args)) {
			ctx->error = "FETCH list contains non-atoms.";
			return -1;
		}
		ctx->args = rest;
	} else {
		ctx->error = "Invalid arguments.";
		return -1;
	}

	if (imap_arg_get_list(ctx->args, &list)) {
		ctx->args++;
		if (fetch_parse_modifiers(ctx, list, flags, result) < 0)
			return -1;
	}
	if (!IMAP_ARG_IS_EOL(ctx->args)) {
		ctx->error = "Invalid arguments.";
		return -1;
	}
	return 0;
}

int imap_fetch_args_parse(const struct imap_arg *args,
	enum imap_fetch_args_flags flags, struct arena *arena,
	struct imap_fetch_args *args_r, const char **error_r)
{
	struct fetch_parse_ctx ctx;
	struct imap_fetch_args result;
	struct imap_fetch_item *items;
	unsigned int i;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	memset(&result, 0, sizeof(result));
	ctx.arena = arena;
	ctx.args = args;
	array_init(&ctx.small, arena, 8);
	array_init(&ctx.large, arena, 8);
	SCRATCH_BEGIN {
		ret = fetch_parse(&ctx, flags, &result);
	} SCRATCH_END;
	if (ret < 0) {
		*error_r = ctx.error;
		return -1;
	}

	result.count = ctx.small.count + ctx.large.count;
	items = arena_new(arena, struct imap_fetch_item, result.count);
	if (ctx.small.count > 0) {
		memcpy(items, ctx.small.v,
			size_mul(ctx.small.count, sizeof(*items)));
	}
	if (ctx.large.count > 0) {
		memcpy(items + ctx.small.count, ctx.large.v,
			size_mul(ctx.large.count, sizeof(*items)));
	}
	for (i = 0; i < ctx.small.count; i++) {
		if (items[i].type == IMAP_FETCH_ITEM_MODSEQ)
			result.modseq = true;
	}
	result.items = items;
	result.set_seen = ctx.set_seen;
	*args_r = result;
	return 0;
}
