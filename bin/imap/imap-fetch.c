/*
 * imap-fetch.c - the FETCH engine: per-message responses with the small
 * items first, then the large ones, literals streamed as the client reads
 * them, the implicit \Seen, and Dovecot's answers for expunged messages
 * and failures (see imap-fetch.h).
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "buf.h"
#include "conn.h"
#include "imap-fetch-args.h"
#include "imap-quote.h"
#include "message-date.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-flags.h"
#include "imap-sync.h"
#include "imap-fetch-body.h"
#include "imap-fetch.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <time.h>

/* Literal data per write when it has to be copied (converted). */
#define FETCH_CHUNK_SIZE (64 * 1024)

struct imap_fetch_ctx {
	struct imap_cmd *cmd;
	struct imap_client *client;
	const struct imap_fetch_args *args;
	/* the plan's items, plus FLAGS when only implicit \Seen changes
	   show it (Dovecot's flags_show_only_seen_changes) */
	struct imap_fetch_item *items;
	unsigned int items_count;
	/* index of that implicit FLAGS item, or items_count */
	unsigned int implicit_flags_idx;

	const struct seq_range *seqs;
	unsigned int seqs_count, range_idx;
	uint32_t next_seq;

	struct mail *mail;
	/* per-message memory (decoders, generated headers) */
	struct arena *msg_arena;
	struct mailbox_transaction *t;
	ARRAY(uint32_t) seen_seqs;
	bool readonly;
	struct buf line;
	unsigned char *chunk;

	/* the message being answered */
	bool msg_open;
	uint32_t seq;
	enum mail_flags flags;
	bool seen_changed;
	unsigned int item_idx;
	/* an item was written: the next one needs a space before it */
	bool need_space;
	bool in_literal;
	struct imap_fetch_body body;

	bool any_expunged;
	/* the tagged NO ending the command early, or NULL */
	const char *fail_tagline;
};

static void fetch_write(struct imap_fetch_ctx *ctx, const void *data,
	size_t size)
{
	conn_write(ctx->client->conn, data, size);
	ctx->client->bytes_out += size;
}

static void fetch_write_line(struct imap_fetch_ctx *ctx)
{
	if (ctx->line.used > 0)
		fetch_write(ctx, ctx->line.data, ctx->line.used);
	buf_reset(&ctx->line);
}

static void line_append(struct imap_fetch_ctx *ctx, const char *str)
{
	if (buf_append_str(&ctx->line, str) < 0)
		i_panic("unbounded buffer failed");
}

static void line_printf(struct imap_fetch_ctx *ctx, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
static void line_printf(struct imap_fetch_ctx *ctx, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = buf_vprintf(&ctx->line, fmt, args);
	va_end(args);
	if (ret < 0)
		i_panic("unbounded buffer failed");
}

/* The separating space before each item but the first. */
static void item_begin(struct imap_fetch_ctx *ctx)
{
	if (ctx->need_space)
		line_append(ctx, " ");
	ctx->need_space = true;
}

static bool fetch_output_full(struct imap_fetch_ctx *ctx)
{
	return conn_output_size(ctx->client->conn) >= IMAP_FETCH_OUTPUT_MAX;
}

/* Whether the last storage failure was the message being expunged. */
static bool fetch_failed_expunged(struct imap_fetch_ctx *ctx)
{
	enum mail_error error;

	(void)mail_user_get_last_error(ctx->client->mail_user, &error);
	if (error != MAIL_ERROR_EXPUNGED)
		return false;
	ctx->any_expunged = true;
	return true;
}

/* Ends the command at the current message with tagline. */
static void fetch_fail(struct imap_fetch_ctx *ctx, const char *tagline)
{
	if (ctx->fail_tagline == NULL)
		ctx->fail_tagline = arena_strdup(ctx->cmd->arena, tagline);
}

static int local_tz_offset(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

static void write_date(struct imap_fetch_ctx *ctx, const char *name,
	time_t t, int tz)
{
	char str[IMAP_DATETIME_BUF_SIZE];

	imap_datetime_format(str, t, tz);
	line_printf(ctx, "%s \"%s\"", name, str);
}

static void write_flags(struct imap_fetch_ctx *ctx)
{
	const char *const *keywords;
	unsigned int count;

	if (mail_get_keywords(ctx->mail, &keywords, &count) < 0)
		keywords = NULL;
	line_append(ctx, "FLAGS (");
	if (imap_flags_append(&ctx->line, ctx->flags, keywords) < 0)
		i_panic("unbounded buffer failed");
	line_append(ctx, ")");
}

/* A small item into ctx->line.  Returns -1 when the command must end. */
static int fetch_small_item_write(struct imap_fetch_ctx *ctx,
	enum imap_fetch_item_type type)
{
	struct mail *mail = ctx->mail;
	const char *str;
	uint64_t num;
	time_t t;
	int tz;

	item_begin(ctx);
	switch (type) {
	case IMAP_FETCH_ITEM_FLAGS:
		write_flags(ctx);
		return 0;
	case IMAP_FETCH_ITEM_UID:
		line_printf(ctx, "UID %u", mail_get_uid(mail));
		return 0;
	case IMAP_FETCH_ITEM_INTERNALDATE:
		if (mail_get_received_date(mail, &t, &tz) < 0)
			break;
		write_date(ctx, "INTERNALDATE", t, tz);
		return 0;
	case IMAP_FETCH_ITEM_SAVEDATE:
	case IMAP_FETCH_ITEM_X_SAVEDATE:
		str = type == IMAP_FETCH_ITEM_SAVEDATE ? "SAVEDATE" :
			"X-SAVEDATE";
		if (mail_get_save_date(mail, &t) < 0) {
			if (!fetch_failed_expunged(ctx))
				return -1;
			t = 0;
		}
		if (t == 0) {
			/* RFC 8514: NIL when the server doesn't know */
			line_printf(ctx, "%s NIL", str);
		} else {
			write_date(ctx, str, t, local_tz_offset(t));
		}
		return 0;
	case IMAP_FETCH_ITEM_RFC822_SIZE:
		if (mail_get_virtual_size(mail, &num) < 0)
			break;
		line_printf(ctx, "RFC822.SIZE %llu", (unsigned long long)num);
		return 0;
	case IMAP_FETCH_ITEM_MODSEQ:
		if (mail_get_modseq(mail, &num) < 0)
			break;
		line_printf(ctx, "MODSEQ (%llu)", (unsigned long long)num);
		imap_sync_note_fetch_modseq(ctx->client, num);
		return 0;
	case IMAP_FETCH_ITEM_X_GUID:
		if (mail_get_guid(mail, &str) < 0)
			break;
		line_append(ctx, "X-GUID ");
		if (imap_append_astring(&ctx->line, str) < 0)
			i_panic("unbounded buffer failed");
		return 0;
	case IMAP_FETCH_ITEM_X_MAILBOX:
		line_append(ctx, "X-MAILBOX ");
		if (imap_mailbox_name_append(ctx->client, &ctx->line,
			    mailbox_get_vname(ctx->client->mailbox)) < 0)
			i_panic("unbounded buffer failed");
		return 0;
	default:
		i_panic("not a small item: %d", type);
	}
	/* the value couldn't be read */
	if (!fetch_failed_expunged(ctx))
		return -1;
	switch (type) {
	case IMAP_FETCH_ITEM_INTERNALDATE:
		line_append(ctx, "INTERNALDATE NIL");
		break;
	case IMAP_FETCH_ITEM_RFC822_SIZE:
		line_append(ctx, "RFC822.SIZE NIL");
		break;
	case IMAP_FETCH_ITEM_MODSEQ:
		line_append(ctx, "MODSEQ NIL");
		break;
	default:
		line_append(ctx, "X-GUID NIL");
		break;
	}
	return 0;
}

/* The same, leaving nothing of a failed item in the line. */
static int fetch_small_item(struct imap_fetch_ctx *ctx,
	enum imap_fetch_item_type type)
{
	size_t mark = ctx->line.used;
	bool need_space = ctx->need_space;

	if (fetch_small_item_write(ctx, type) == 0)
		return 0;
	buf_truncate(&ctx->line, mark);
	ctx->need_space = need_space;
	return -1;
}

/* ENVELOPE, BODY, BODYSTRUCTURE: strings the storage keeps. */
static int fetch_structure_item(struct imap_fetch_ctx *ctx,
	enum imap_fetch_item_type type)
{
	const char *name, *value;
	int ret;

	switch (type) {
	case IMAP_FETCH_ITEM_ENVELOPE:
		name = "ENVELOPE";
		ret = mail_get_envelope(ctx->mail, &value);
		break;
	case IMAP_FETCH_ITEM_BODY:
		name = "BODY";
		ret = mail_get_body(ctx->mail, &value);
		break;
	case IMAP_FETCH_ITEM_BODYSTRUCTURE:
		name = "BODYSTRUCTURE";
		ret = mail_get_bodystructure(ctx->mail, &value);
		break;
	default:
		i_panic("not a structure item: %d", type);
	}
	if (ret < 0) {
		if (!fetch_failed_expunged(ctx))
			return -1;
		value = "NIL";
	}
	item_begin(ctx);
	line_printf(ctx, "%s ", name);
	fetch_write_line(ctx);
	fetch_write(ctx, value, strlen(value));
	return 0;
}

/* A body section: its name and size, then the literal is streamed. */
static int fetch_section_item(struct imap_fetch_ctx *ctx,
	const struct imap_fetch_section *sec)
{
	enum imap_fetch_body_error error;
	struct imap_client_counters *c = &ctx->client->counters;

	error = imap_fetch_body_open(&ctx->body, ctx->mail, sec,
		ctx->msg_arena);
	switch (error) {
	case IMAP_FETCH_BODY_OK:
		break;
	case IMAP_FETCH_BODY_STORAGE:
		if (!fetch_failed_expunged(ctx)) {
			fetch_fail(ctx, imap_storage_error_tagline(ctx->client,
				0));
			return -1;
		}
		item_begin(ctx);
		line_printf(ctx, "%s NIL", sec->reply_name);
		return 0;
	case IMAP_FETCH_BODY_UNKNOWN_CTE:
		fetch_fail(ctx, "NO [UNKNOWN-CTE] Unknown "
			"Content-Transfer-Encoding.");
		return -1;
	case IMAP_FETCH_BODY_PARSE:
		fetch_fail(ctx, "NO [PARSE] Invalid data in MIME part.");
		return -1;
	}
	item_begin(ctx);
	if (sec->binary_size) {
		line_printf(ctx, "%s %llu", sec->reply_name,
			(unsigned long long)ctx->body.full_size);
		return 0;
	}
	line_printf(ctx, "%s %s{%llu}\r\n", sec->reply_name,
		ctx->body.literal8 ? "~" : "",
		(unsigned long long)ctx->body.size);
	fetch_write_line(ctx);
	if (ctx->body.header_only) {
		c->fetch_hdr_count++;
		c->fetch_hdr_bytes += ctx->body.size;
	} else {
		c->fetch_body_count++;
		c->fetch_body_bytes += ctx->body.size;
	}
	ctx->in_literal = ctx->body.size > 0;
	return 0;
}

/* Converts the next piece of the literal straight into the connection's
   output buffer (saving a copy through ctx->chunk).  False when the
   buffer can't give space (then the caller copies). */
static bool fetch_literal_into_output(struct imap_fetch_ctx *ctx)
{
	struct bufferevent *bev = conn_get_bufferevent(ctx->client->conn);
	struct evbuffer_iovec vec;
	struct evbuffer *out;
	size_t n, want;

	if (bev == NULL)
		return false;
	/* exactly what is left (the conversion's output size is known), so
	   that small messages share the buffer's chunks */
	want = ctx->body.size - ctx->body.sent < FETCH_CHUNK_SIZE ?
		(size_t)(ctx->body.size - ctx->body.sent) : FETCH_CHUNK_SIZE;
	out = bufferevent_get_output(bev);
	if (evbuffer_reserve_space(out, (ev_ssize_t)want, &vec, 1) < 1)
		return false;
	if (vec.iov_len > want)
		vec.iov_len = want;
	n = imap_fetch_body_read(&ctx->body, vec.iov_base, vec.iov_len);
	i_assert(n > 0);
	vec.iov_len = n;
	if (evbuffer_commit_space(out, &vec, 1) < 0)
		i_panic("evbuffer_commit_space() failed");
	ctx->client->bytes_out += n;
	return true;
}

/* Streams the current literal.  Returns true when it is complete. */
static bool fetch_literal_more(struct imap_fetch_ctx *ctx)
{
	struct imap_fetch_body *body = &ctx->body;
	size_t n;

	while (body->sent < body->size) {
		if (fetch_output_full(ctx))
			return false;
		if (!body->decode && !body->crlf.convert &&
		    !body->replace_nuls && !body->crlf.lf_pending &&
		    body->crlf.pos < body->crlf.size) {
			/* stored as sent: write straight from the file's
			   mapping, no conversion copy */
			struct fetch_crlf_stream *s = &body->crlf;

			n = s->size - s->pos;
			if (n > body->size - body->sent)
				n = (size_t)(body->size - body->sent);
			if (n > IMAP_FETCH_OUTPUT_MAX)
				n = IMAP_FETCH_OUTPUT_MAX;
			fetch_write(ctx, s->data + s->pos, n);
			s->pos += n;
			s->limit -= n;
			body->sent += n;
			continue;
		}
		if (fetch_literal_into_output(ctx))
			continue;
		n = imap_fetch_body_read(body, ctx->chunk, FETCH_CHUNK_SIZE);
		i_assert(n > 0);
		fetch_write(ctx, ctx->chunk, n);
	}
	return true;
}

/* Opens the next message's response; false when there is none. */
static bool fetch_next_message(struct imap_fetch_ctx *ctx)
{
	struct mail_flag_update update;
	uint64_t modseq;
	unsigned int i;

	for (;;) {
		if (ctx->range_idx == ctx->seqs_count)
			return false;
		ctx->seq = ctx->next_seq;
		if (ctx->next_seq == ctx->seqs[ctx->range_idx].seq2) {
			ctx->range_idx++;
			if (ctx->range_idx < ctx->seqs_count)
				ctx->next_seq = ctx->seqs[ctx->range_idx].seq1;
		} else {
			ctx->next_seq++;
		}
		mail_set_seq(ctx->mail, ctx->seq);
		if (!ctx->args->changedsince_set)
			break;
		/* RFC 7162 §3.1.4.1: only messages changed since */
		if (mail_get_modseq(ctx->mail, &modseq) < 0 ||
		    modseq > ctx->args->changedsince)
			break;
	}
	arena_reset(ctx->msg_arena);
	ctx->flags = mail_get_flags(ctx->mail);
	ctx->seen_changed = false;
	if (ctx->args->set_seen && !ctx->readonly &&
	    (ctx->flags & MAIL_SEEN) == 0) {
		/* RFC 3501 §6.4.5: BODY[] etc. set \Seen */
		if (ctx->t == NULL)
			ctx->t = mailbox_transaction_begin(
				ctx->client->mailbox);
		memset(&update, 0, sizeof(update));
		update.type = MAIL_MODIFY_ADD;
		update.flags = MAIL_SEEN;
		if (mail_update_flags(ctx->t, ctx->seq, &update) == 0) {
			ctx->flags |= MAIL_SEEN;
			ctx->seen_changed = true;
			array_push(&ctx->seen_seqs, ctx->seq);
		}
	}
	ctx->msg_open = true;
	ctx->need_space = false;
	line_printf(ctx, "* %u FETCH (", ctx->seq);
	/* the small items go out together */
	for (i = 0; i < ctx->items_count; i++) {
		const struct imap_fetch_item *item = &ctx->items[i];

		if (!imap_fetch_item_is_small(item->type))
			break;
		if (i == ctx->implicit_flags_idx && !ctx->seen_changed)
			continue;
		if (fetch_small_item(ctx, item->type) < 0) {
			fetch_fail(ctx, imap_storage_error_tagline(ctx->client,
				0));
			break;
		}
	}
	ctx->item_idx = i;
	return true;
}

/* ")\r\n" ends the message's response; a failed message gets its UID so
   the response isn't empty, as Dovecot does. */
static void fetch_close_message(struct imap_fetch_ctx *ctx)
{
	if (!ctx->need_space)
		line_printf(ctx, "UID %u", mail_get_uid(ctx->mail));
	line_append(ctx, ")\r\n");
	fetch_write_line(ctx);
	ctx->msg_open = false;
}

/* Commits the implicit \Seen and sends the tagged reply. */
static enum imap_cmd_result fetch_finish(struct imap_fetch_ctx *ctx)
{
	struct imap_client *client = ctx->client;
	struct mail_transaction_result result;
	const char *tagline;
	unsigned int i;

	mail_free(&ctx->mail);
	arena_destroy(&ctx->msg_arena);
	ctx->cmd->output = NULL;
	ctx->cmd->destroy = NULL;
	if (ctx->t != NULL) {
		if (mailbox_transaction_commit(&ctx->t, ctx->cmd->arena,
			    &result) < 0) {
			fetch_fail(ctx, imap_storage_error_tagline(client, 0));
		} else if (imap_client_has_enabled(client,
				IMAP_FEATURE_CONDSTORE) && result.modseq != 0) {
			/* the \Seen changes gave the messages a new modseq
			   (their FLAGS were already sent) */
			for (i = 0; i < ctx->seen_seqs.count; i++) {
				if (i < result.updates_count &&
				    result.updates[i].result !=
				    MAIL_UPDATE_CHANGED)
					continue;
				imap_client_send_line(client, t_printf(
					"* %u FETCH (MODSEQ (%llu))",
					ctx->seen_seqs.v[i],
					(unsigned long long)result.modseq));
			}
			imap_sync_note_fetch_modseq(client, result.modseq);
		}
	}
	if (ctx->fail_tagline != NULL)
		tagline = ctx->fail_tagline;
	else if (ctx->any_expunged)
		tagline = "OK [EXPUNGEISSUED] Some messages were already "
			"expunged.";
	else
		tagline = "OK Fetch completed.";
	/* RFC 3501 §7.4.1: no EXPUNGE during FETCH (UID FETCH may) */
	return imap_cmd_sync_reply(ctx->cmd, ctx->cmd->uid ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES, tagline);
}

static enum imap_cmd_result fetch_more(struct imap_fetch_ctx *ctx)
{
	const struct imap_fetch_item *item;

	while (!fetch_output_full(ctx)) {
		if (ctx->client->disconnected ||
		    conn_is_closed(ctx->client->conn)) {
			/* the session's end frees us (destroy) */
			return IMAP_CMD_MORE;
		}
		if (ctx->in_literal) {
			if (!fetch_literal_more(ctx))
				break;
			ctx->in_literal = false;
			ctx->item_idx++;
			continue;
		}
		if (!ctx->msg_open) {
			if (ctx->fail_tagline != NULL ||
			    !fetch_next_message(ctx))
				return fetch_finish(ctx);
			if (ctx->fail_tagline != NULL)
				fetch_close_message(ctx);
			continue;
		}
		if (ctx->item_idx == ctx->items_count) {
			fetch_close_message(ctx);
			continue;
		}
		item = &ctx->items[ctx->item_idx];
		if (item->section != NULL) {
			if (fetch_section_item(ctx, item->section) < 0) {
				fetch_close_message(ctx);
				continue;
			}
			if (ctx->in_literal)
				continue;
		} else if (fetch_structure_item(ctx, item->type) < 0) {
			fetch_fail(ctx, imap_storage_error_tagline(ctx->client,
				0));
			fetch_close_message(ctx);
			continue;
		}
		ctx->item_idx++;
	}
	/* anything still in the line buffer goes out before waiting */
	fetch_write_line(ctx);
	return IMAP_CMD_MORE;
}

static enum imap_cmd_result fetch_output(struct imap_cmd *cmd)
{
	return fetch_more(cmd->context);
}

static void fetch_destroy(struct imap_cmd *cmd)
{
	struct imap_fetch_ctx *ctx = cmd->context;

	if (ctx->t != NULL)
		mailbox_transaction_rollback(&ctx->t);
	if (ctx->mail != NULL)
		mail_free(&ctx->mail);
	if (ctx->msg_arena != NULL)
		arena_destroy(&ctx->msg_arena);
}

/* The reply order, with FLAGS added where Dovecot puts it when only the
   implicit \Seen may change it: after the other small items. */
static void fetch_plan_items(struct imap_fetch_ctx *ctx)
{
	const struct imap_fetch_args *args = ctx->args;
	unsigned int i, small = 0;
	bool have_flags = false;

	for (i = 0; i < args->count; i++) {
		if (imap_fetch_item_is_small(args->items[i].type))
			small++;
		if (args->items[i].type == IMAP_FETCH_ITEM_FLAGS)
			have_flags = true;
	}
	ctx->items = arena_new(ctx->cmd->arena, struct imap_fetch_item,
		args->count + 1);
	memcpy(ctx->items, args->items, size_mul(args->count,
		sizeof(*ctx->items)));
	ctx->items_count = args->count;
	ctx->implicit_flags_idx = UINT_MAX;
	if (args->set_seen && !have_flags && !ctx->readonly) {
		memmove(ctx->items + small + 1, ctx->items + small,
			size_mul(args->count - small, sizeof(*ctx->items)));
		ctx->items[small].type = IMAP_FETCH_ITEM_FLAGS;
		ctx->items[small].section = NULL;
		ctx->implicit_flags_idx = small;
		ctx->items_count++;
	}
}

enum imap_cmd_result imap_fetch_start(struct imap_cmd *cmd,
	const struct imap_fetch_args *args, const struct seq_range *seqs,
	unsigned int seqs_count)
{
	struct imap_fetch_ctx *ctx;

	ctx = arena_new(cmd->arena, struct imap_fetch_ctx, 1);
	ctx->cmd = cmd;
	ctx->client = cmd->client;
	ctx->args = args;
	ctx->seqs = seqs;
	ctx->seqs_count = seqs_count;
	ctx->next_seq = seqs_count > 0 ? seqs[0].seq1 : 0;
	ctx->readonly = cmd->client->sync.readonly;
	fetch_plan_items(ctx);
	ctx->mail = mail_alloc(cmd->client->mailbox);
	ctx->msg_arena = arena_create("fetch message", 4096);
	array_init(&ctx->seen_seqs, cmd->arena, 16);
	buf_init(&ctx->line, cmd->arena, 1024, 0);
	ctx->chunk = arena_alloc(cmd->arena, FETCH_CHUNK_SIZE);

	/* libevent writes at most 16 kB per loop iteration by default:
	   let a drain write what one FETCH round queues */
	if (conn_get_bufferevent(cmd->client->conn) != NULL) {
		(void)bufferevent_set_max_single_write(
			conn_get_bufferevent(cmd->client->conn),
			IMAP_FETCH_OUTPUT_MAX);
	}

	cmd->context = ctx;
	cmd->output = fetch_output;
	cmd->destroy = fetch_destroy;
	return fetch_more(ctx);
}
