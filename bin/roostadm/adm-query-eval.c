/*
 * adm-query-eval.c - evaluating a parsed doveadm search query (see
 * adm-query.h) on one mailbox: the mailbox keys are decided once per
 * mailbox, sequence sets are resolved against the view, and the rest is
 * storage's search.  Keys that compare dates to the second (timestamps
 * and intervals, which IMAP has no key for) are decided here message by
 * message and handed to storage as constant placeholders.
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "adm-query.h"

/* A to-the-second date key and the constant standing for it. */
struct time_slot {
	const struct adm_query_arg *arg;
	struct mail_search_arg *placeholder;
};

struct eval_ctx {
	struct mailbox *box;
	const char *vname, *guid;
	char sep;
	struct arena *arena;
	ARRAY(struct time_slot) slots;
};

/* -1 unknown without the message, 0 false, 1 true (negation applied). */
static int mailbox_value(const struct adm_query_arg *arg, const char *vname,
	char sep, const char *guid);

static int list_value(const struct adm_query_arg *args, bool is_or,
	const char *vname, char sep, const char *guid)
{
	int ret, value = is_or ? 0 : 1;

	for (; args != NULL; args = args->next) {
		ret = mailbox_value(args, vname, sep, guid);
		if (ret == (is_or ? 1 : 0))
			return ret;
		if (ret < 0)
			value = -1;
	}
	return value;
}

static int mailbox_value(const struct adm_query_arg *arg, const char *vname,
	char sep, const char *guid)
{
	int ret;

	switch (arg->type) {
	case ADM_QUERY_MAILBOX:
	case ADM_QUERY_MAILBOX_GLOB:
		ret = adm_query_mailbox_match(arg->value.str,
			arg->type == ADM_QUERY_MAILBOX_GLOB, vname,
			sep) ? 1 : 0;
		break;
	case ADM_QUERY_MAILBOX_GUID:
		if (guid == NULL)
			return -1;
		ret = strcmp(arg->value.str, guid) == 0 ? 1 : 0;
		break;
	case ADM_QUERY_SUB:
	case ADM_QUERY_OR:
		ret = list_value(arg->value.subargs,
			arg->type == ADM_QUERY_OR, vname, sep, guid);
		break;
	default:
		return -1;
	}
	if (ret >= 0 && arg->negate)
		ret = !ret;
	return ret;
}

int adm_query_mailbox_possible(const struct adm_query_arg *args,
	const char *vname, char sep, const char *guid)
{
	return list_value(args, false, vname, sep, guid) == 0 ? 0 : 1;
}

/* A storage key that is always true (or, negated, false). */
static void set_constant(struct mail_search_arg *sarg, bool value)
{
	sarg->type = SEARCH_ALL;
	sarg->negate = !value;
}

/* Resolves a symbolic set against the view into storage's ranges. */
static void convert_set(struct eval_ctx *ctx, const struct adm_query_arg *arg,
	struct mail_search_arg *sarg)
{
	const struct imap_seqset *set = &arg->value.seqset;
	struct imap_seq_range *ranges;
	struct seq_range *out;
	uint32_t star;
	unsigned int count;

	if (set->searchres) {
		set_constant(sarg, arg->negate);
		return;
	}
	star = arg->type == ADM_QUERY_SEQSET ? mailbox_get_count(ctx->box) :
		mailbox_get_last_uid(ctx->box);
	ranges = arena_new(ctx->arena, struct imap_seq_range, set->count);
	memcpy(ranges, set->ranges, size_mul(sizeof(*ranges), set->count));
	count = imap_seqset_resolve(ranges, set->count, star);
	out = arena_new(ctx->arena, struct seq_range, count + 1);
	for (unsigned int i = 0; i < count; i++) {
		out[i].seq1 = ranges[i].seq1;
		out[i].seq2 = ranges[i].seq2;
	}
	if (count == 0) {
		/* "*" of an empty mailbox: nothing */
		set_constant(sarg, arg->negate);
		return;
	}
	sarg->type = arg->type == ADM_QUERY_SEQSET ? SEARCH_SEQSET :
		SEARCH_UIDSET;
	sarg->value.set.ranges = out;
	sarg->value.set.count = count;
}

static struct mail_search_arg *convert_list(struct eval_ctx *ctx,
	const struct adm_query_arg *args);

static struct mail_search_arg *convert_one(struct eval_ctx *ctx,
	const struct adm_query_arg *arg)
{
	struct mail_search_arg *sarg = arena_new(ctx->arena,
		struct mail_search_arg, 1);
	struct time_slot *slot;

	switch (arg->type) {
	case ADM_QUERY_SEARCH:
		*sarg = arg->value.search;
		sarg->next = NULL;
		break;
	case ADM_QUERY_SEQSET:
	case ADM_QUERY_UIDSET:
		convert_set(ctx, arg, sarg);
		break;
	case ADM_QUERY_MAILBOX:
	case ADM_QUERY_MAILBOX_GLOB:
	case ADM_QUERY_MAILBOX_GUID:
		set_constant(sarg, mailbox_value(arg, ctx->vname, ctx->sep,
			ctx->guid) > 0);
		/* mailbox_value() applied the negation */
		return sarg;
	case ADM_QUERY_TIME:
		set_constant(sarg, true);
		slot = array_append_space(&ctx->slots);
		slot->arg = arg;
		slot->placeholder = sarg;
		/* the per-message value includes the negation */
		return sarg;
	case ADM_QUERY_SUB:
	case ADM_QUERY_OR:
		sarg->type = arg->type == ADM_QUERY_SUB ? SEARCH_SUB :
			SEARCH_OR;
		sarg->value.subargs = convert_list(ctx, arg->value.subargs);
		break;
	}
	if (sarg->type != SEARCH_ALL || arg->type == ADM_QUERY_SEARCH)
		sarg->negate = arg->negate != sarg->negate;
	return sarg;
}

static struct mail_search_arg *convert_list(struct eval_ctx *ctx,
	const struct adm_query_arg *args)
{
	struct mail_search_arg *first = NULL, **tail = &first;

	for (; args != NULL; args = args->next) {
		*tail = convert_one(ctx, args);
		tail = &(*tail)->next;
	}
	return first;
}

/* The value of a to-the-second date key for the current message. */
static int time_match(struct mail *mail, const struct adm_query_arg *arg,
	bool *match_r)
{
	time_t date, t = arg->value.time.time;
	int ret;

	switch (arg->value.time.date) {
	case ADM_QUERY_DATE_RECEIVED:
		ret = mail_get_received_date(mail, &date, NULL);
		break;
	case ADM_QUERY_DATE_SAVED:
		ret = mail_get_save_date(mail, &date);
		break;
	default:
		/* no usable Date: header is time 0 here, as in doveadm */
		ret = mail_get_sent_date(mail, &date, NULL);
		break;
	}
	if (ret < 0)
		return -1;
	switch (arg->value.time.cmp) {
	case ADM_QUERY_CMP_BEFORE:
		*match_r = date < t;
		break;
	case ADM_QUERY_CMP_ON:
		*match_r = date >= t && date - t < 86400;
		break;
	case ADM_QUERY_CMP_SINCE:
		*match_r = date >= t;
		break;
	}
	*match_r = *match_r != arg->negate;
	return 0;
}

/* A storage leaf's matches over the whole mailbox, searched once. */
struct leaf_bits {
	const struct mail_search_arg *sarg;
	/* [seq] set when the message matches (negation not applied) */
	uint8_t *bits;
};

struct slow_ctx {
	struct eval_ctx *ctx;
	struct mail *mail;
	ARRAY(struct leaf_bits) leaves;
};

static const struct time_slot *slot_find(struct eval_ctx *ctx,
	const struct mail_search_arg *sarg)
{
	for (unsigned int i = 0; i < ctx->slots.count; i++) {
		if (ctx->slots.v[i].placeholder == sarg)
			return &ctx->slots.v[i];
	}
	return NULL;
}

/* Searches every storage leaf of the tree once (storage's full-text
   index and caches do the work, instead of once per message). */
static int slow_prepare(struct slow_ctx *sc,
	const struct mail_search_arg *sargs, uint32_t count)
{
	struct mail_search_result result;
	struct mail_search_arg one;
	struct leaf_bits *leaf;

	for (; sargs != NULL; sargs = sargs->next) {
		if (sargs->type == SEARCH_SUB || sargs->type == SEARCH_OR) {
			if (slow_prepare(sc, sargs->value.subargs, count) < 0)
				return -1;
			continue;
		}
		if (slot_find(sc->ctx, sargs) != NULL)
			continue;
		one = *sargs;
		one.next = NULL;
		one.negate = false;
		if (mailbox_search(sc->ctx->box, &one, sc->ctx->arena,
				   &result) < 0)
			return -1;
		leaf = array_append_space(&sc->leaves);
		leaf->sarg = sargs;
		leaf->bits = arena_new(sc->ctx->arena, uint8_t,
			(size_t)count + 1);
		for (unsigned int i = 0; i < result.count; i++) {
			if (result.seqs[i] <= count)
				leaf->bits[result.seqs[i]] = 1;
		}
	}
	return 0;
}

static int slow_eval_list(struct slow_ctx *sc,
	const struct mail_search_arg *sargs, uint32_t seq, bool is_or);

/* One node's value for seq, negation applied: 1, 0, or -1 (error). */
static int slow_eval(struct slow_ctx *sc, const struct mail_search_arg *sarg,
	uint32_t seq)
{
	const struct time_slot *slot;
	bool match = false;
	int ret;

	if (sarg->type == SEARCH_SUB || sarg->type == SEARCH_OR) {
		ret = slow_eval_list(sc, sarg->value.subargs, seq,
			sarg->type == SEARCH_OR);
		if (ret < 0)
			return -1;
		match = ret > 0;
	} else if ((slot = slot_find(sc->ctx, sarg)) != NULL) {
		/* time_match() applies the key's own negation */
		mail_set_seq(sc->mail, seq);
		if (time_match(sc->mail, slot->arg, &match) < 0)
			return -1;
	} else {
		for (unsigned int i = 0; i < sc->leaves.count; i++) {
			if (sc->leaves.v[i].sarg == sarg) {
				match = sc->leaves.v[i].bits[seq] != 0;
				break;
			}
		}
	}
	return match != sarg->negate ? 1 : 0;
}

static int slow_eval_list(struct slow_ctx *sc,
	const struct mail_search_arg *sargs, uint32_t seq, bool is_or)
{
	int ret;

	for (; sargs != NULL; sargs = sargs->next) {
		ret = slow_eval(sc, sargs, seq);
		if (ret < 0)
			return -1;
		if ((ret > 0) == is_or)
			return ret;
	}
	return is_or ? 0 : 1;
}

/* Keys to the second: each storage leaf searched once, the dates read
   message by message, the tree evaluated here. */
static int search_slow(struct eval_ctx *ctx,
	const struct mail_search_arg *sargs, struct arena *arena,
	uint32_t **seqs_r, unsigned int *count_r)
{
	uint32_t seq, count = mailbox_get_count(ctx->box);
	struct slow_ctx sc;
	ARRAY(uint32_t) seqs;
	enum mail_error error;
	int ret = 0;

	memset(&sc, 0, sizeof(sc));
	sc.ctx = ctx;
	array_init(&sc.leaves, ctx->arena, 8);
	if (slow_prepare(&sc, sargs, count) < 0)
		return -1;
	array_init(&seqs, arena, 64);
	sc.mail = mail_alloc(ctx->box);
	for (seq = 1; seq <= count; seq++) {
		ret = slow_eval_list(&sc, sargs, seq, false);
		if (ret < 0) {
			(void)mail_user_get_last_error(
				mailbox_get_user(ctx->box), &error);
			if (error != MAIL_ERROR_EXPUNGED)
				break;
			/* expunged meanwhile: never matches */
			ret = 0;
			continue;
		}
		if (ret > 0)
			array_push(&seqs, seq);
		ret = 0;
	}
	mail_free(&sc.mail);
	if (ret < 0)
		return -1;
	*seqs_r = seqs.v;
	*count_r = seqs.count;
	return 0;
}

int adm_query_search(struct mailbox *box, const struct adm_query_arg *args,
	const char *vname, char sep, const char *guid, struct arena *arena,
	uint32_t **seqs_r, unsigned int *count_r)
{
	struct eval_ctx ctx;
	struct mail_search_arg *sargs;
	struct mail_search_result result;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.box = box;
	ctx.vname = vname;
	ctx.sep = sep;
	ctx.guid = guid;
	ctx.arena = arena_create("adm query eval", 1024);
	array_init(&ctx.slots, ctx.arena, 4);
	sargs = convert_list(&ctx, args);
	if (ctx.slots.count > 0)
		ret = search_slow(&ctx, sargs, arena, seqs_r, count_r);
	else {
		ret = mailbox_search(box, sargs, arena, &result);
		if (ret == 0) {
			*seqs_r = result.seqs;
			*count_r = result.count;
		}
	}
	arena_destroy(&ctx.arena);
	return ret;
}
