/*
 * imap-search.c - parsed SEARCH keys to storage criteria for the
 * selected view, and the shared parsing step of SEARCH/SORT/THREAD.
 */
#include "lib.h"
#include "imap-search.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "mail-charset.h"
#include "mail-search.h"
#include "mail-utf8.h"
#include "storage.h"

/* proto's flag bits are storage's (imap-search-args.h promises it). */
_Static_assert((int)IMAP_SEARCH_FLAG_ANSWERED == (int)MAIL_ANSWERED &&
	(int)IMAP_SEARCH_FLAG_FLAGGED == (int)MAIL_FLAGGED &&
	(int)IMAP_SEARCH_FLAG_DELETED == (int)MAIL_DELETED &&
	(int)IMAP_SEARCH_FLAG_SEEN == (int)MAIL_SEEN &&
	(int)IMAP_SEARCH_FLAG_DRAFT == (int)MAIL_DRAFT &&
	(int)IMAP_SEARCH_FLAG_RECENT == (int)MAIL_RECENT,
	"search flag values differ from enum mail_flags");
_Static_assert(sizeof(struct imap_seq_range) == sizeof(struct seq_range),
	"seq range layouts differ");

struct search_build {
	struct imap_client *client;
	struct arena *arena;
	/* NULL when the charset needs no conversion (UTF-8, US-ASCII) */
	const char *charset;
	/* a search string was invalid in the charset */
	bool invalid;
};

void imap_search_send_bad(struct imap_cmd *cmd, const char *error)
{
	imap_client_send_tagline(cmd->client, t_printf(
		"BAD Error in IMAP command %s: %s.", cmd->def->name, error));
}

/* A search string in the client's charset as UTF-8 (arena). */
static const char *build_str(struct search_build *ctx, const char *str)
{
	struct buf out;
	size_t len = strlen(str);
	const char *ret;

	/* UTF-8 output: at most 3 bytes per input byte (U+FFFD for each
	   invalid one), plus the NUL. */
	bool invalid;

	buf_init(&out, NULL, len + 1, size_mul(len + 1, 4));
	if (mail_charset_to_utf8_checked(ctx->charset, str, len, &out,
			&invalid) < 0)
		i_panic("search string conversion exceeded its bound");
	if (invalid) {
		/* Dovecot: BAD "Invalid search key" (also for US-ASCII and
		   UTF-8 keys that aren't valid UTF-8) */
		ctx->invalid = true;
	}
	ret = arena_strndup(ctx->arena, out.data, out.used);
	buf_free(&out);
	return ret;
}

/* Sequence set ranges resolved against star into storage's form. */
static void build_set(struct search_build *ctx, const struct imap_seqset *set,
	uint32_t star, struct mail_search_arg *arg)
{
	struct imap_seq_range *ranges;
	unsigned int count;

	ranges = arena_new(ctx->arena, struct imap_seq_range, set->count);
	memcpy(ranges, set->ranges, sizeof(*ranges) * set->count);
	count = imap_seqset_resolve(ranges, set->count, star);
	arg->value.set.ranges = (const struct seq_range *)ranges;
	arg->value.set.count = count;
}

/* "$": the UIDs saved by the last SEARCH/SORT ... SAVE (RFC 5182). */
static void build_searchres(struct search_build *ctx,
	struct mail_search_arg *arg)
{
	const struct imap_sync_state *sync = &ctx->client->sync;

	if (sync->searchres_count == 0) {
		/* an empty result: a key no message matches */
		arg->type = SEARCH_ALL;
		arg->negate = !arg->negate;
		return;
	}
	arg->type = SEARCH_UIDSET;
	arg->value.set.ranges = sync->searchres;
	arg->value.set.count = sync->searchres_count;
}

static struct mail_search_arg *build_list(struct search_build *ctx,
	const struct imap_search_arg *iarg);

static struct mail_search_arg *build_one(struct search_build *ctx,
	const struct imap_search_arg *iarg)
{
	struct mailbox *box = ctx->client->mailbox;
	struct mail_search_arg *arg;

	arg = arena_new(ctx->arena, struct mail_search_arg, 1);
	arg->negate = iarg->negate;
	switch (iarg->type) {
	case IMAP_SEARCH_ALL:
		arg->type = SEARCH_ALL;
		break;
	case IMAP_SEARCH_SEQSET:
		if (iarg->value.seqset.searchres) {
			build_searchres(ctx, arg);
			break;
		}
		arg->type = SEARCH_SEQSET;
		build_set(ctx, &iarg->value.seqset, mailbox_get_count(box),
			arg);
		break;
	case IMAP_SEARCH_UIDSET:
		if (iarg->value.seqset.searchres) {
			build_searchres(ctx, arg);
			break;
		}
		arg->type = SEARCH_UIDSET;
		build_set(ctx, &iarg->value.seqset,
			mailbox_get_last_uid(box), arg);
		break;
	case IMAP_SEARCH_FLAGS:
		arg->type = SEARCH_FLAGS;
		arg->value.flags = (enum mail_flags)iarg->value.flags;
		break;
	case IMAP_SEARCH_KEYWORD:
		arg->type = SEARCH_KEYWORD;
		arg->value.str = arena_strdup(ctx->arena, iarg->value.str);
		break;
	case IMAP_SEARCH_BEFORE:
	case IMAP_SEARCH_ON:
	case IMAP_SEARCH_SINCE:
	case IMAP_SEARCH_SENTBEFORE:
	case IMAP_SEARCH_SENTON:
	case IMAP_SEARCH_SENTSINCE:
	case IMAP_SEARCH_SAVEDBEFORE:
	case IMAP_SEARCH_SAVEDON:
	case IMAP_SEARCH_SAVEDSINCE: {
		static const enum mail_search_key date_keys[] = {
			[IMAP_SEARCH_BEFORE] = SEARCH_BEFORE,
			[IMAP_SEARCH_ON] = SEARCH_ON,
			[IMAP_SEARCH_SINCE] = SEARCH_SINCE,
			[IMAP_SEARCH_SENTBEFORE] = SEARCH_SENTBEFORE,
			[IMAP_SEARCH_SENTON] = SEARCH_SENTON,
			[IMAP_SEARCH_SENTSINCE] = SEARCH_SENTSINCE,
			[IMAP_SEARCH_SAVEDBEFORE] = SEARCH_SAVEDBEFORE,
			[IMAP_SEARCH_SAVEDON] = SEARCH_SAVEDON,
			[IMAP_SEARCH_SAVEDSINCE] = SEARCH_SAVEDSINCE,
		};
		arg->type = date_keys[iarg->type];
		arg->value.date = iarg->value.date;
		break;
	}
	case IMAP_SEARCH_OLDER:
	case IMAP_SEARCH_YOUNGER:
		arg->type = iarg->type == IMAP_SEARCH_OLDER ?
			SEARCH_OLDER : SEARCH_YOUNGER;
		arg->value.interval = iarg->value.interval;
		break;
	case IMAP_SEARCH_SMALLER:
	case IMAP_SEARCH_LARGER:
		arg->type = iarg->type == IMAP_SEARCH_SMALLER ?
			SEARCH_SMALLER : SEARCH_LARGER;
		arg->value.size = iarg->value.size;
		break;
	case IMAP_SEARCH_HEADER:
		arg->type = SEARCH_HEADER;
		arg->value.hdr.field = arena_strdup(ctx->arena,
			iarg->value.hdr.field);
		if (!utf8_is_valid(iarg->value.hdr.field,
				strlen(iarg->value.hdr.field)))
			ctx->invalid = true;
		arg->value.hdr.value = build_str(ctx, iarg->value.hdr.value);
		break;
	case IMAP_SEARCH_FROM:
	case IMAP_SEARCH_TO:
	case IMAP_SEARCH_CC:
	case IMAP_SEARCH_BCC:
	case IMAP_SEARCH_SUBJECT:
	case IMAP_SEARCH_BODY:
	case IMAP_SEARCH_TEXT: {
		static const enum mail_search_key str_keys[] = {
			[IMAP_SEARCH_FROM] = SEARCH_FROM,
			[IMAP_SEARCH_TO] = SEARCH_TO,
			[IMAP_SEARCH_CC] = SEARCH_CC,
			[IMAP_SEARCH_BCC] = SEARCH_BCC,
			[IMAP_SEARCH_SUBJECT] = SEARCH_SUBJECT,
			[IMAP_SEARCH_BODY] = SEARCH_BODY,
			[IMAP_SEARCH_TEXT] = SEARCH_TEXT,
		};
		arg->type = str_keys[iarg->type];
		arg->value.str = build_str(ctx, iarg->value.str);
		break;
	}
	case IMAP_SEARCH_MODSEQ:
		/* per-flag modseqs are not kept: every entry name means
		   the message's modseq (RFC 7162 §3.1.5 allows it) */
		arg->type = SEARCH_MODSEQ;
		arg->value.modseq = iarg->value.modseq.modseq;
		break;
	case IMAP_SEARCH_SUB:
		arg->type = SEARCH_SUB;
		arg->value.subargs = build_list(ctx, iarg->value.subargs);
		break;
	case IMAP_SEARCH_OR:
		arg->type = SEARCH_OR;
		arg->value.subargs = build_list(ctx, iarg->value.subargs);
		break;
	}
	return arg;
}

static struct mail_search_arg *build_list(struct search_build *ctx,
	const struct imap_search_arg *iarg)
{
	struct mail_search_arg *first = NULL, **tail = &first;

	for (; iarg != NULL; iarg = iarg->next) {
		*tail = build_one(ctx, iarg);
		tail = &(*tail)->next;
	}
	return first;
}

int imap_search_args_to_storage(struct imap_client *client,
	const struct imap_search_arg *iargs, const char *charset,
	struct arena *arena, struct mail_search_arg **args_r,
	bool *badcharset_r, const char **error_r)
{
	struct search_build ctx;
	struct charset_translation *t;
	struct buf dummy;

	*badcharset_r = false;
	memset(&ctx, 0, sizeof(ctx));
	ctx.client = client;
	ctx.arena = arena;
	if (charset != NULL && !mail_charset_is_utf8(charset)) {
		if (mail_charset_translation_begin(charset, &t) < 0) {
			*badcharset_r = true;
			*error_r = "Unknown charset";
			return -1;
		}
		/* only the check was needed; nothing is pending */
		buf_init(&dummy, NULL, 16, 16);
		if (mail_charset_translation_end(&t, &dummy) < 0)
			i_panic("empty charset translation overflowed");
		buf_free(&dummy);
		ctx.charset = charset;
	}
	*args_r = build_list(&ctx, iargs);
	if (ctx.invalid) {
		*error_r = "Invalid search key";
		return -1;
	}
	return 0;
}

int imap_search_query_build(struct imap_cmd *cmd,
	const struct imap_arg *args, struct imap_search_query *q)
{
	struct imap_search_arg *iargs;
	const char *error;
	bool badcharset;

	if ((q->ret.flags & IMAP_SEARCH_RETURN_UPDATE) != 0) {
		/* RFC 5267 UPDATE needs the session to re-evaluate the
		   search at every sync (CONTEXT=SEARCH, not advertised
		   yet): refuse it rather than never sending updates. */
		imap_search_send_bad(cmd, "Unknown SEARCH return option");
		return -1;
	}
	if (imap_search_args_parse(args, cmd->arena, &iargs,
				   &q->uses_searchres, &q->uses_modseq,
				   &error) < 0) {
		imap_search_send_bad(cmd, error);
		return -1;
	}
	if (imap_search_args_to_storage(cmd->client, iargs, q->charset,
					 cmd->arena, &q->args, &badcharset,
					 &error) < 0) {
		if (!badcharset) {
			imap_search_send_bad(cmd, error);
			return -1;
		}
		/* Dovecot 2.3: "NO [BADCHARSET] Unknown charset" */
		imap_client_send_tagline(cmd->client,
			t_printf("NO [BADCHARSET] %s.", error));
		return -1;
	}
	if (q->uses_modseq)
		(void)imap_client_enable(cmd->client, IMAP_FEATURE_CONDSTORE);
	return 0;
}
