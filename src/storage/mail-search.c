/*
 * mail-search.c - evaluating a SEARCH criteria tree over a view.
 *
 * The tree is copied into evaluation nodes that carry per-search state:
 * the FTS answer for BODY/TEXT keys (computed once for the mailbox), and
 * a prepared matcher for each text key.  Each message is then tested with
 * the cheap keys first (flags, sets) because AND lists stop at the first
 * false; message data is loaded only when a key needs it.
 */
#include "lib.h"
#include "mail-search.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-text.h"

#include <time.h>

struct search_node {
	const struct mail_search_arg *arg;
	struct search_node *next, *sub;
	/* BODY/TEXT: UIDs from the FTS index, and rows it can't answer */
	bool fts;
	uint32_t *fts_uids, *partial_uids;
	unsigned int fts_count, partial_count;
	struct message_search *matcher;
};

struct search_ctx {
	struct mailbox *box;
	struct arena *arena;
	time_t now;
	uint64_t highest_modseq;
	bool have_modseq_key;
};

static bool sorted_contains(const uint32_t *uids, unsigned int count,
	uint32_t uid)
{
	unsigned int lo = 0, hi = count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (uids[mid] == uid)
			return true;
		if (uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool ranges_contain(const struct seq_range *ranges, unsigned int count,
	uint32_t n)
{
	unsigned int lo = 0, hi = count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (n < ranges[mid].seq1)
			hi = mid;
		else if (n > ranges[mid].seq2)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static int search_build(struct search_ctx *ctx,
	const struct mail_search_arg *args, struct search_node **nodes_r)
{
	struct search_node *first = NULL, **last = &first;

	for (const struct mail_search_arg *arg = args; arg != NULL;
	     arg = arg->next) {
		struct search_node *node = arena_new(ctx->arena,
			struct search_node, 1);

		node->arg = arg;
		switch (arg->type) {
		case SEARCH_SUB:
		case SEARCH_OR:
			if (arg->type == SEARCH_OR &&
			    (arg->value.subargs == NULL ||
			     arg->value.subargs->next == NULL)) {
				mail_user_set_error(ctx->box->user,
					MAIL_ERROR_PARAMS,
					"OR needs two search keys");
				return -1;
			}
			if (search_build(ctx, arg->value.subargs,
					&node->sub) < 0)
				return -1;
			break;
		case SEARCH_BODY:
		case SEARCH_TEXT:
			if (arg->value.str == NULL)
				return -1;
			if (mailbox_fts_lookup(ctx->box, arg->value.str,
					arg->type == SEARCH_BODY, ctx->arena,
					&node->fts_uids, &node->fts_count,
					&node->partial_uids,
					&node->partial_count) == 0)
				node->fts = true;
			else
				mail_user_clear_error(ctx->box->user);
			node->matcher = message_search_init(ctx->arena,
				arg->value.str);
			break;
		case SEARCH_HEADER:
			node->matcher = message_search_init(ctx->arena,
				arg->value.hdr.value == NULL ? "" :
					arg->value.hdr.value);
			break;
		case SEARCH_FROM:
		case SEARCH_TO:
		case SEARCH_CC:
		case SEARCH_BCC:
		case SEARCH_SUBJECT:
			node->matcher = message_search_init(ctx->arena,
				arg->value.str == NULL ? "" : arg->value.str);
			break;
		case SEARCH_MODSEQ:
			ctx->have_modseq_key = true;
			break;
		default:
			break;
		}
		*last = node;
		last = &node->next;
	}
	*nodes_r = first;
	return 0;
}

/* y*10000+m*100+d of t in the server's zone (tz_offset < -1440) or in
   the given offset in minutes. */
static int day_of(time_t t, int tz_offset)
{
	struct tm tm;

	if (tz_offset < -24 * 60) {
		if (localtime_r(&t, &tm) == NULL)
			return 0;
	} else {
		time_t shifted = t + (time_t)tz_offset * 60;

		if (gmtime_r(&shifted, &tm) == NULL)
			return 0;
	}
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
		tm.tm_mday;
}

static int date_cmp_result(enum mail_search_key type, int msg_day, int day)
{
	switch (type) {
	case SEARCH_BEFORE:
	case SEARCH_SENTBEFORE:
	case SEARCH_SAVEDBEFORE:
		return msg_day < day;
	case SEARCH_ON:
	case SEARCH_SENTON:
	case SEARCH_SAVEDON:
		return msg_day == day;
	default:
		return msg_day >= day;
	}
}

/* Feeds the values of header field name to the node's matcher: 1
   matched, 0 not, -1 error. */
static int search_header(struct mail *mail, struct search_node *node,
	const char *name, bool exists_only)
{
	const char *const *values;
	bool found = false;

	if (mail_get_headers(mail, name, &values) < 0)
		return -1;
	for (unsigned int i = 0; values[i] != NULL; i++) {
		if (exists_only)
			return 1;
		found = message_search_header_value(node->matcher,
			values[i], strlen(values[i]));
		if (found)
			break;
	}
	return found ? 1 : 0;
}

static int search_text_slow(struct mail *mail, struct search_node *node)
{
	struct message_part *parts;
	const void *data;
	size_t size;
	bool found;

	if (mail_get_parts(mail, &parts) < 0 ||
	    mail_get_mapped(mail, &data, &size) < 0)
		return -1;
	SCRATCH_BEGIN {
		found = node->arg->type == SEARCH_BODY ?
			message_search_body(node->matcher, scratch_arena(),
				parts, data, size) :
			message_search_text(node->matcher, scratch_arena(),
				parts, data, size);
	} SCRATCH_END;
	return found ? 1 : 0;
}

static int search_eval_list(struct search_ctx *ctx, struct mail *mail,
	struct search_node *nodes);

static int search_eval_node(struct search_ctx *ctx, struct mail *mail,
	struct search_node *node)
{
	const struct mail_search_arg *arg = node->arg;
	struct mailbox *box = ctx->box;
	uint32_t seq = mail_get_seq(mail), uid = mail_get_uid(mail);
	uint64_t u64;
	time_t t;
	int tz, ret, idx;

	switch (arg->type) {
	case SEARCH_ALL:
		return 1;
	case SEARCH_SEQSET:
		return ranges_contain(arg->value.set.ranges,
			arg->value.set.count, seq) ? 1 : 0;
	case SEARCH_UIDSET:
		return ranges_contain(arg->value.set.ranges,
			arg->value.set.count, uid) ? 1 : 0;
	case SEARCH_FLAGS:
		return (mail_get_flags(mail) & arg->value.flags) ==
			arg->value.flags ? 1 : 0;
	case SEARCH_KEYWORD: {
		const uint8_t *bits;
		unsigned int size;

		idx = mailbox_keyword_lookup(box, arg->value.str);
		if (idx < 0)
			return 0;
		bits = mail_get_keyword_bits(mail, &size);
		return keyword_bits_has(bits, size, (unsigned int)idx) ? 1 : 0;
	}
	case SEARCH_BEFORE:
	case SEARCH_ON:
	case SEARCH_SINCE:
		if (mail_get_received_date(mail, &t, NULL) < 0)
			return -1;
		return date_cmp_result(arg->type, day_of(t, -9999),
			day_of(arg->value.date, 0));
	case SEARCH_SENTBEFORE:
	case SEARCH_SENTON:
	case SEARCH_SENTSINCE:
		/* no (valid) Date: header gives 0, 1-Jan-1970, as in
		   Dovecot (SORT DATE is what falls back to the internal
		   date) */
		if (mail_get_sent_date(mail, &t, &tz) < 0)
			return -1;
		return date_cmp_result(arg->type, day_of(t, tz),
			day_of(arg->value.date, 0));
	case SEARCH_SAVEDBEFORE:
	case SEARCH_SAVEDON:
	case SEARCH_SAVEDSINCE:
		if (mail_get_save_date(mail, &t) < 0)
			return -1;
		return date_cmp_result(arg->type, day_of(t, -9999),
			day_of(arg->value.date, 0));
	case SEARCH_OLDER:
	case SEARCH_YOUNGER:
		if (mail_get_received_date(mail, &t, NULL) < 0)
			return -1;
		if (arg->type == SEARCH_OLDER)
			return t <= ctx->now - (time_t)arg->value.interval;
		return t > ctx->now - (time_t)arg->value.interval;
	case SEARCH_SMALLER:
	case SEARCH_LARGER:
		if (mail_get_virtual_size(mail, &u64) < 0)
			return -1;
		return arg->type == SEARCH_SMALLER ? u64 < arg->value.size :
			u64 > arg->value.size;
	case SEARCH_MODSEQ:
		if (mail_get_modseq(mail, &u64) < 0)
			return -1;
		return u64 >= arg->value.modseq ? 1 : 0;
	case SEARCH_HEADER:
		return search_header(mail, node, arg->value.hdr.field,
			arg->value.hdr.value == NULL ||
			arg->value.hdr.value[0] == '\0');
	case SEARCH_FROM:
		return search_header(mail, node, "From", false);
	case SEARCH_TO:
		return search_header(mail, node, "To", false);
	case SEARCH_CC:
		return search_header(mail, node, "Cc", false);
	case SEARCH_BCC:
		return search_header(mail, node, "Bcc", false);
	case SEARCH_SUBJECT:
		return search_header(mail, node, "Subject", false);
	case SEARCH_BODY:
	case SEARCH_TEXT:
		if (node->fts && !sorted_contains(node->partial_uids,
				node->partial_count, uid))
			return sorted_contains(node->fts_uids,
				node->fts_count, uid) ? 1 : 0;
		return search_text_slow(mail, node);
	case SEARCH_SUB:
		return search_eval_list(ctx, mail, node->sub);
	case SEARCH_OR:
		for (struct search_node *n = node->sub; n != NULL;
		     n = n->next) {
			ret = search_eval_node(ctx, mail, n);
			if (ret < 0)
				return -1;
			if ((ret > 0) != n->arg->negate)
				return 1;
		}
		return 0;
	case SEARCH_GUID: {
		const char *guid;

		if (mail_get_guid(mail, &guid) < 0)
			return -1;
		return strcmp(guid, arg->value.str) == 0 ? 1 : 0;
	}
	}
	return 0;
}

/* Cheap keys first: a false one ends the AND without loading data. */
static bool search_key_is_cheap(enum mail_search_key type)
{
	return type == SEARCH_ALL || type == SEARCH_SEQSET ||
		type == SEARCH_UIDSET || type == SEARCH_FLAGS;
}

static int search_eval_list(struct search_ctx *ctx, struct mail *mail,
	struct search_node *nodes)
{
	int ret;

	for (unsigned int pass = 0; pass < 2; pass++) {
		for (struct search_node *n = nodes; n != NULL; n = n->next) {
			if (search_key_is_cheap(n->arg->type) != (pass == 0))
				continue;
			ret = search_eval_node(ctx, mail, n);
			if (ret < 0)
				return -1;
			if ((ret > 0) == n->arg->negate)
				return 0;
		}
	}
	return 1;
}

int mailbox_search(struct mailbox *box, const struct mail_search_arg *args,
	struct arena *arena, struct mail_search_result *result_r)
{
	struct search_ctx ctx;
	struct search_node *nodes;
	struct mail *mail;
	ARRAY(uint32_t) seqs;
	uint32_t seq;
	int ret = 0;

	memset(result_r, 0, sizeof(*result_r));
	mail_user_clear_error(box->user);
	memset(&ctx, 0, sizeof(ctx));
	ctx.box = box;
	ctx.arena = arena_create("search", 4096);
	ctx.now = time(NULL);
	if (search_build(&ctx, args, &nodes) < 0) {
		arena_destroy(&ctx.arena);
		return -1;
	}
	array_init(&seqs, arena, 64);
	mail = mail_alloc(box);
	for (seq = 1; seq <= box->count; seq++) {
		mail_set_seq(mail, seq);
		ret = search_eval_list(&ctx, mail, nodes);
		if (ret < 0) {
			enum mail_error error;

			(void)mail_user_get_last_error(box->user, &error);
			if (error == MAIL_ERROR_EXPUNGED) {
				/* expunged meanwhile: never matches */
				mail_user_clear_error(box->user);
				ret = 0;
				continue;
			}
			break;
		}
		if (ret > 0) {
			array_push(&seqs, seq);
			if (ctx.have_modseq_key) {
				uint64_t modseq;

				if (mail_get_modseq(mail, &modseq) == 0 &&
				    modseq > result_r->highest_modseq)
					result_r->highest_modseq = modseq;
			}
		}
	}
	mail_free(&mail);
	arena_destroy(&ctx.arena);
	if (ret < 0)
		return -1;
	result_r->seqs = seqs.v;
	result_r->count = seqs.count;
	return 0;
}

int mail_search_match(struct mail *mail, const struct mail_search_arg *args)
{
	struct mailbox *box = mail_get_box(mail);
	struct search_ctx ctx;
	struct search_node *nodes;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.box = box;
	ctx.arena = arena_create("search", 1024);
	ctx.now = time(NULL);
	ret = search_build(&ctx, args, &nodes);
	if (ret == 0)
		ret = search_eval_list(&ctx, mail, nodes);
	arena_destroy(&ctx.arena);
	return ret;
}
