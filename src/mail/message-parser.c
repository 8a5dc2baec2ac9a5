/*
 * message-parser.c - the MIME structure of an in-memory message (see
 * message-parser.h).
 *
 * One forward pass decides where each part's header ends and where the
 * part ends; sizes are then computed from those positions in a post-order
 * walk that counts every byte once (a multipart's own bytes are the gaps
 * between its children), so the whole parse is linear in the message size
 * plus the number of parts.
 *
 * The boundary rules are Dovecot 2.3's: a boundary line is "--" followed
 * by one of the open boundaries (the innermost first; a longer boundary
 * beats a shorter one that is its prefix; only the prefix must match); the
 * line ending before it belongs to the boundary and so to the multipart's
 * own body; "--boundary--" closes that multipart (and any deeper one left
 * open), whose epilogue then runs to an outer boundary or the end; a
 * boundary line inside a part's header ends the header early (the part
 * then has an empty body).
 */
#include "lib.h"
#include "array.h"
#include "message-parser.h"
#include "message-content.h"
#include "message-header.h"
#include "message-part-data.h"

#include <strings.h>

/* RFC 2046 boundaries are at most 70 characters; Dovecot keeps 80. */
#define BOUNDARY_STRING_MAX_LEN 80

struct boundary {
	const char *str;
	size_t len;
	struct message_part *part;
	bool epilogue_found;
};

/* Parse-time positions of a part (the tree keeps only sizes). */
struct part_pos {
	struct message_part *part;
	size_t hdr_end;   /* body start */
	size_t end;       /* (size_t)-1 while open */
	unsigned int parent; /* index of the parent (root: 0) */
	size_t gap_start; /* size computation: end of the last child */
};

struct parser {
	struct arena *arena;
	/* parse-time data (Content-Type values, boundaries); arena may be
	   the scratch arena, so no scratch frames are used here */
	struct arena *tmp;
	const unsigned char *data;
	size_t size;
	size_t pos;
	struct message_parser_limits limits;
	enum message_parser_flags flags;

	ARRAY(struct boundary) boundaries;
	/* every part in creation (pre-)order, with its positions */
	ARRAY(struct part_pos) parts;
	/* index into parts of each open part, root first */
	ARRAY(unsigned int) open;
	unsigned int total_parts;
};

void message_parser_limits_default(struct message_parser_limits *limits_r)
{
	limits_r->max_nested_parts = MESSAGE_PARSER_DEFAULT_MAX_NESTED_PARTS;
	limits_r->max_total_parts = MESSAGE_PARSER_DEFAULT_MAX_TOTAL_PARTS;
	limits_r->max_header_size = MESSAGE_PARSER_DEFAULT_MAX_HEADER_SIZE;
}

static struct part_pos *pos_of(struct parser *ctx, unsigned int idx)
{
	return &ctx->parts.v[idx];
}

static unsigned int current_idx(struct parser *ctx)
{
	return ctx->open.v[ctx->open.count - 1];
}

static struct message_part *current_part(struct parser *ctx)
{
	return pos_of(ctx, current_idx(ctx))->part;
}

/* Creates a part starting at pos as the last child of the current one. */
static void part_append(struct parser *ctx, size_t pos, bool is_mime)
{
	struct message_part *part, *parent = NULL, **link;
	struct part_pos *pp;

	part = arena_new(ctx->arena, struct message_part, 1);
	part->physical_pos = pos;
	if (is_mime)
		part->flags |= MESSAGE_PART_FLAG_IS_MIME;
	if (ctx->open.count > 0) {
		parent = current_part(ctx);
		part->parent = parent;
		for (link = &parent->children; *link != NULL;
		     link = &(*link)->next)
			;
		*link = part;
	}
	pp = array_append_space(&ctx->parts);
	pp->part = part;
	pp->hdr_end = pos;
	pp->end = (size_t)-1;
	pp->parent = ctx->open.count > 0 ? current_idx(ctx) : 0;
	array_push(&ctx->open, ctx->parts.count - 1);
	ctx->total_parts++;
}

/* Ends every open part deeper than the one at open-stack depth keep. */
static void parts_finish_to(struct parser *ctx, unsigned int keep,
	size_t end)
{
	while (ctx->open.count > keep + 1) {
		struct part_pos *pp = pos_of(ctx, current_idx(ctx));

		if (pp->end == (size_t)-1)
			pp->end = end;
		ctx->open.count--;
	}
}

static int open_depth_of(struct parser *ctx, const struct message_part *part)
{
	for (unsigned int i = ctx->open.count; i > 0; i--) {
		if (pos_of(ctx, ctx->open.v[i - 1])->part == part)
			return (int)(i - 1);
	}
	return -1;
}

/*
 * If the line at p (a line start) is "--boundary...", returns the
 * matching open boundary: the longest one whose text is a prefix of the
 * line (after its "--"), the innermost among equals; searching from the
 * innermost, an exact match ("--foo" or "--foo--" for "foo") ends the
 * search at once.
 */
static struct boundary *boundary_line_find(struct parser *ctx, size_t p)
{
	const unsigned char *line = ctx->data + p, *lf;
	size_t avail = ctx->size - p, find_size;
	struct boundary *best = NULL;
	bool trailing_dashes;

	if (ctx->boundaries.count == 0 || avail < 2 || line[0] != '-' ||
	    line[1] != '-')
		return NULL;
	line += 2;
	avail -= 2;
	lf = memchr(line, '\n', avail);
	find_size = lf != NULL ? (size_t)(lf - line) : avail;
	if (lf != NULL && find_size > 0 && line[find_size - 1] == '\r')
		find_size--;
	/* "--foo--" may end boundary "foo" or continue boundary "foo--" */
	trailing_dashes = lf != NULL && find_size >= 2 &&
		line[find_size - 1] == '-' && line[find_size - 2] == '-';
	for (unsigned int i = ctx->boundaries.count; i > 0; i--) {
		struct boundary *b = &ctx->boundaries.v[i - 1];

		if (b->len <= find_size && memcmp(b->str, line, b->len) == 0 &&
		    (best == NULL || best->len < b->len)) {
			best = b;
			if (b->len == find_size ||
			    (trailing_dashes && b->len + 2 == find_size))
				break; /* exactly this one */
		}
	}
	if (best != NULL) {
		best->epilogue_found = avail >= best->len + 2 &&
			memcmp(line + best->len, "--", 2) == 0;
	}
	return best;
}

struct header_info {
	bool seen_content_type;
	bool mime_version;
	bool has_nuls;
	bool truncated;
	/* a boundary line interrupted the header at this position */
	struct boundary *boundary;
	size_t boundary_pos;
	size_t newline_len;
	struct message_content content;
};

static void header_field_seen(struct parser *ctx, struct header_info *info,
	const struct message_header_field *field)
{
	if (field->no_colon)
		return;
	if (message_header_name_equals(field->name, "Mime-Version")) {
		info->mime_version = true;
	} else if (message_header_name_equals(field->name, "Content-Type") &&
		   !info->seen_content_type) {
		info->seen_content_type = true;
		message_content_type_parse(ctx->tmp, field->value.ptr,
			field->value.len, &info->content);
		/* keep only the boundary (truncated as Dovecot does) */
		const char *b = message_part_param_get(info->content.params,
			info->content.params_count, "boundary");
		info->content.params = NULL;
		info->content.params_count = 0;
		if (b != NULL) {
			struct message_part_param *bp = arena_new(ctx->tmp,
				struct message_part_param, 1);

			bp->name = "boundary";
			bp->value = arena_strndup(ctx->tmp, b,
				I_MIN(strlen(b), BOUNDARY_STRING_MAX_LEN));
			info->content.params = bp;
			info->content.params_count = 1;
		}
	}
}

/* Reads the header of the current part starting at ctx->pos. */
static void parse_header(struct parser *ctx, struct header_info *info)
{
	struct message_header_iter iter;
	struct message_header_field field;
	size_t start = ctx->pos, prev_newline = 0;
	size_t max = ctx->limits.max_header_size;

	memset(info, 0, sizeof(*info));
	message_header_iter_init(&iter, ctx->data + start, ctx->size - start);
	for (;;) {
		size_t line_pos = start + iter.pos;

		/* a boundary line ends the header; the line ending before
		   it belongs to the boundary */
		if (!iter.eoh && line_pos < ctx->size) {
			struct boundary *b = boundary_line_find(ctx, line_pos);

			if (b != NULL && b->part != current_part(ctx)) {
				info->boundary = b;
				info->boundary_pos = line_pos;
				info->newline_len = prev_newline;
				ctx->pos = line_pos - prev_newline;
				return;
			}
		}
		if (!message_header_iter_next(&iter, &field))
			break;
		if (max != 0 && iter.pos > max) {
			/* too large: the rest of the header is body */
			info->truncated = true;
			iter.pos = field.offset;
			iter.eoh = true;
			break;
		}
		if (memchr(field.raw.ptr, '\0', field.raw.len) != NULL)
			info->has_nuls = true;
		header_field_seen(ctx, info, &field);
		prev_newline = 0;
		if (field.raw.len > 0 &&
		    field.raw.ptr[field.raw.len - 1] == '\n') {
			prev_newline = field.raw.len > 1 &&
				field.raw.ptr[field.raw.len - 2] == '\r' ?
				2 : 1;
		}
	}
	ctx->pos = start + (info->truncated ? iter.pos :
		message_header_iter_end_pos(&iter));
}

static bool limits_allow_nesting(struct parser *ctx)
{
	unsigned int max_nested = ctx->limits.max_nested_parts;
	unsigned int max_total = ctx->limits.max_total_parts;

	if (max_nested != 0 && ctx->open.count >= max_nested)
		return false;
	if (max_total != 0 && ctx->total_parts >= max_total)
		return false;
	return true;
}

/* Sets the part's flags from its header, as Dovecot does. */
static void part_set_flags(struct parser *ctx, struct message_part *part,
	const struct header_info *info)
{
	const struct message_content *ct = &info->content;
	enum message_part_flags flags = part->flags & MESSAGE_PART_FLAG_IS_MIME;

	if (info->mime_version ||
	    (info->seen_content_type &&
	     (ctx->flags & MESSAGE_PARSER_FLAG_MIME_VERSION_STRICT) == 0))
		flags |= MESSAGE_PART_FLAG_IS_MIME;

	if (!info->seen_content_type ||
	    (flags & MESSAGE_PART_FLAG_IS_MIME) == 0) {
		if (part->parent != NULL && (part->parent->flags &
		    MESSAGE_PART_FLAG_MULTIPART_DIGEST) != 0)
			flags |= MESSAGE_PART_FLAG_MESSAGE_RFC822;
		else
			flags |= MESSAGE_PART_FLAG_TEXT;
	} else if (strcasecmp(ct->type, "message") == 0 &&
		   (strcasecmp(ct->subtype, "rfc822") == 0 ||
		    (strcasecmp(ct->subtype, "global") == 0 &&
		     (ctx->flags & MESSAGE_PARSER_FLAG_MESSAGE_GLOBAL) != 0))) {
		flags |= MESSAGE_PART_FLAG_MESSAGE_RFC822;
	} else if (strcasecmp(ct->type, "text") == 0) {
		flags |= MESSAGE_PART_FLAG_TEXT;
	} else if (strcasecmp(ct->type, "multipart") == 0) {
		flags |= MESSAGE_PART_FLAG_MULTIPART;
		if (strcasecmp(ct->subtype, "digest") == 0)
			flags |= MESSAGE_PART_FLAG_MULTIPART_DIGEST;
	}
	if (info->has_nuls)
		flags |= MESSAGE_PART_FLAG_HAS_NULS;
	if (info->truncated)
		flags |= MESSAGE_PART_FLAG_HEADER_TRUNCATED;
	part->flags = flags;
}

/*
 * Handles the boundary line found at line_pos (bstart: where its block
 * starts, including the preceding line ending).  Returns true if a new
 * MIME part begins after it.
 */
static bool boundary_reached(struct parser *ctx, struct boundary *b,
	size_t bstart, size_t line_pos)
{
	const unsigned char *lf;
	int depth = open_depth_of(ctx, b->part);
	unsigned int bidx = b - ctx->boundaries.v;

	i_assert(depth >= 0);
	parts_finish_to(ctx, (unsigned int)depth, bstart);

	/* forget the boundaries of the parts that just ended; a closing
	   "--boundary--" forgets this one too */
	ctx->boundaries.count = b->epilogue_found ? bidx : bidx + 1;

	/* the rest of the boundary line belongs to the multipart */
	lf = memchr(ctx->data + line_pos, '\n', ctx->size - line_pos);
	if (lf == NULL) {
		/* a boundary line without its line ending at the very end
		   starts nothing (as in Dovecot) */
		ctx->pos = ctx->size;
		return false;
	}
	ctx->pos = (size_t)(lf - ctx->data) + 1;
	return ctx->boundaries.count > 0 &&
		ctx->boundaries.v[ctx->boundaries.count - 1].part ==
		current_part(ctx);
}

/*
 * Scans the body of the current part from ctx->pos (a line start) to the
 * next boundary line.  Returns the boundary, with *line_pos_r at its line
 * and *bstart_r where its block starts, or NULL at the end of the data.
 */
static struct boundary *body_find_boundary(struct parser *ctx,
	size_t *line_pos_r, size_t *bstart_r)
{
	const unsigned char *d = ctx->data, *lf;
	size_t p = ctx->pos;
	struct boundary *b;

	if (ctx->boundaries.count == 0)
		return NULL;
	if (ctx->limits.max_total_parts != 0 &&
	    ctx->total_parts >= ctx->limits.max_total_parts) {
		/* no more parts: as Dovecot, the rest of the message is
		   the body of the last one */
		return NULL;
	}
	/* a boundary on the first line has no line ending before it */
	if ((b = boundary_line_find(ctx, p)) != NULL) {
		*line_pos_r = *bstart_r = p;
		return b;
	}
	while (p < ctx->size && (lf = memchr(d + p, '\n', ctx->size - p)) !=
	       NULL) {
		size_t nl = lf - d, next = nl + 1;

		if (next + 1 < ctx->size && d[next] == '-' &&
		    d[next + 1] == '-' &&
		    (b = boundary_line_find(ctx, next)) != NULL) {
			*line_pos_r = next;
			*bstart_r = nl > ctx->pos && d[nl - 1] == '\r' ?
				nl - 1 : nl;
			return b;
		}
		p = next;
	}
	return NULL;
}

/* Starts the body of the current part whose header just ended. */
static void start_body(struct parser *ctx, const struct header_info *info)
{
	struct message_part *part = current_part(ctx);
	const char *boundary = info->content.params_count > 0 ?
		info->content.params[0].value : NULL;
	bool multipart = (part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0;
	bool rfc822 = (part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0;

	if ((multipart && boundary != NULL) || rfc822) {
		if (!limits_allow_nesting(ctx)) {
			/* as Dovecot: the rest is an opaque body */
			part->flags &= ~(MESSAGE_PART_FLAG_MULTIPART |
				MESSAGE_PART_FLAG_MULTIPART_DIGEST |
				MESSAGE_PART_FLAG_MESSAGE_RFC822);
			part->flags |= MESSAGE_PART_FLAG_OVERFLOW;
			return;
		}
	}
	if (multipart && boundary != NULL) {
		struct boundary *b = array_append_space(&ctx->boundaries);

		b->str = boundary;
		b->len = strlen(boundary);
		b->part = part;
	}
}

static void parse_structure(struct parser *ctx)
{
	struct header_info info;
	struct boundary *b;
	size_t line_pos, bstart;
	bool in_header = true;

	part_append(ctx, 0, false);
	for (;;) {
		struct message_part *part = current_part(ctx);

		if (in_header) {
			struct part_pos *pp;

			parse_header(ctx, &info);
			pp = pos_of(ctx, current_idx(ctx));
			pp->hdr_end = ctx->pos;
			part_set_flags(ctx, part, &info);
			if (info.boundary != NULL) {
				/* header cut short by a boundary: empty
				   body, the line ending goes to the parent;
				   a multipart's own boundary is never
				   opened (Dovecot opens it at the empty
				   line ending the header) */
				pp->end = ctx->pos;
				ctx->pos = info.boundary_pos;
				info.content.params_count = 0;
			}
			start_body(ctx, &info);
			if ((part->flags &
			     MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0) {
				/* the encapsulated message starts here (pp
				   is invalid after part_append()) */
				size_t cut_end = pp->end;

				part_append(ctx, cut_end == (size_t)-1 ?
					ctx->pos : cut_end, false);
				if (info.boundary == NULL)
					continue;
				pos_of(ctx, current_idx(ctx))->end = cut_end;
			}
			in_header = false;
		}

		b = body_find_boundary(ctx, &line_pos, &bstart);
		if (b == NULL) {
			parts_finish_to(ctx, 0, ctx->size);
			pos_of(ctx, ctx->open.v[0])->end = ctx->size;
			ctx->open.count = 0;
			return;
		}
		if (boundary_reached(ctx, b, bstart, line_pos)) {
			part_append(ctx, ctx->pos, true);
			in_header = true;
		}
	}
}

static void count_range(struct parser *ctx, size_t start, size_t end,
	struct message_size *size, bool *has_nuls)
{
	struct message_size s;

	if (end <= start)
		return;
	message_size_count(ctx->data + start, end - start,
		start > 0 && ctx->data[start - 1] == '\r', &s);
	message_size_add(size, &s);
	if (!*has_nuls && memchr(ctx->data + start, '\0', end - start) != NULL)
		*has_nuls = true;
}

/*
 * Sizes: each byte is counted once.  A forward pass over the parts (in
 * pre-order, so siblings come in order) counts the gaps of each parent
 * between its children and every part's header; a backward pass then adds
 * finished children into their parents.
 */
static void compute_sizes(struct parser *ctx)
{
	struct part_pos *v = ctx->parts.v;
	unsigned int i, count = ctx->parts.count;
	bool nuls;

	for (i = 0; i < count; i++) {
		struct message_part *part = v[i].part;

		memset(&part->header_size, 0, sizeof(part->header_size));
		memset(&part->body_size, 0, sizeof(part->body_size));
		part->children_count = 0;
		/* (NULs in the header were flagged by parse_header()) */
		nuls = false;
		count_range(ctx, part->physical_pos, v[i].hdr_end,
			&part->header_size, &nuls);
		v[i].gap_start = v[i].hdr_end;
		if (i > 0) {
			struct part_pos *pp = &v[v[i].parent];

			nuls = false;
			count_range(ctx, pp->gap_start, part->physical_pos,
				&pp->part->body_size, &nuls);
			if (nuls)
				pp->part->flags |= MESSAGE_PART_FLAG_HAS_NULS;
			pp->gap_start = v[i].end;
		}
	}
	for (i = count; i > 0; i--) {
		struct part_pos *pp = &v[i - 1];
		struct message_part *part = pp->part;

		nuls = false;
		count_range(ctx, pp->gap_start, pp->end, &part->body_size,
			&nuls);
		if (nuls)
			part->flags |= MESSAGE_PART_FLAG_HAS_NULS;
		if (i > 1) {
			struct message_part *parent = v[pp->parent].part;

			message_size_add(&parent->body_size,
				&part->header_size);
			message_size_add(&parent->body_size, &part->body_size);
			parent->children_count += 1 + part->children_count;
		}
	}
}

struct message_part *message_parse(struct arena *arena, const void *data,
	size_t size, const struct message_parser_limits *limits,
	enum message_parser_flags flags)
{
	struct parser ctx;
	struct message_part *root;

	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = arena;
	ctx.data = data;
	ctx.size = size;
	ctx.flags = flags;
	if (limits != NULL)
		ctx.limits = *limits;
	else
		message_parser_limits_default(&ctx.limits);

	ctx.tmp = arena_create("message parser", 4096);
	array_init(&ctx.boundaries, NULL, 4);
	array_init(&ctx.parts, NULL, 8);
	array_init(&ctx.open, NULL, 8);
	parse_structure(&ctx);
	compute_sizes(&ctx);
	root = ctx.parts.v[0].part;
	array_free(&ctx.boundaries);
	array_free(&ctx.parts);
	array_free(&ctx.open);
	arena_destroy(&ctx.tmp);

	if ((flags & MESSAGE_PARSER_FLAG_PART_DATA) != 0) {
		const char *error;

		if (message_part_data_fill(arena, root, data, size,
			&error) < 0)
			i_panic("message_part_data_fill() on own tree: %s",
				error);
	}
	return root;
}
