/*
 * cmd-append.c - APPEND (RFC 3501 §6.3.11) with MULTIAPPEND (RFC 3502),
 * LITERAL+/LITERAL- (RFC 7888), literal8 (RFC 3516), CATENATE (RFC 4469)
 * and UIDPLUS's APPENDUID (RFC 4315).
 *
 *	APPEND <mailbox> 1*([<flags>] [<date-time>]
 *		(<literal> / CATENATE (<part> ...)))
 *
 * The command row has IMAP_CMD_FLAG_LITERAL_SIZE: the dispatcher calls us
 * at the first literal with its bytes still in the input.  We check the
 * message's arguments, send "+ OK" for a synchronizing literal, read the
 * literal in the chunks the connection delivers straight into storage's
 * save (never whole in memory), then reset the parser and read the rest
 * of the line, which may hold more messages (MULTIAPPEND) or CATENATE
 * parts.  All messages go into one transaction, committed (durably) at
 * the end of the line: either all are stored or none.
 *
 * A failure stops the command: the reply is sent once the rest of the
 * line is skipped (at once when the client waits for a continuation it
 * will not get), non-synchronizing literals being read and dropped.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "imap-seqset.h"
#include "message-date.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-flags.h"
#include "imap-sync.h"
#include "imap-append.h"

#include <strings.h>

enum append_state {
	/* reading a literal's bytes */
	APPEND_STATE_LITERAL,
	/* reading the arguments after a literal */
	APPEND_STATE_ARGS,
	/* skipping the rest of a failed command, then replying */
	APPEND_STATE_SKIP,
};

/* Result of processing parsed arguments. */
enum append_step {
	/* more input is needed (a literal, or the rest of the line) */
	APPEND_STEP_CONTINUE,
	/* the command is finished (reply sent) */
	APPEND_STEP_DONE,
	/* the command failed: skip the line, then send ctx->fail */
	APPEND_STEP_FAILED,
};

struct append_ctx {
	struct imap_cmd *cmd;
	struct imap_client *client;
	struct imap_parser *parser;
	const char *vname;
	struct mailbox *box;
	struct mailbox_transaction *t;
	enum append_state state;

	/* the message being built */
	struct imap_append_msg msg;
	bool msg_open;
	/* inside a CATENATE list that continues after the literal */
	bool in_catenate;
	/* the literal being read */
	uint64_t literal_left;
	bool literal_discard;

	unsigned int messages;
	/* quota_max_mail_size (0 = none) */
	uint64_t max_mail_size;
	const char *temp_dir;
	/* the tagged reply of a failed command */
	const char *fail;
};

static void append_fail(struct append_ctx *ctx, const char *tagline)
{
	if (ctx->fail == NULL)
		ctx->fail = arena_strdup(ctx->cmd->arena, tagline);
}

static void append_fail_bad(struct append_ctx *ctx, const char *error)
{
	append_fail(ctx, t_printf("BAD Error in IMAP command APPEND: %s",
		error));
}

static void append_free(struct append_ctx *ctx)
{
	if (ctx->msg_open) {
		imap_append_msg_cancel(&ctx->msg);
		ctx->msg_open = false;
	}
	if (ctx->t != NULL)
		mailbox_transaction_rollback(&ctx->t);
	if (ctx->box != NULL)
		mailbox_close(&ctx->box);
}

static void append_destroy(struct imap_cmd *cmd)
{
	append_free(cmd->context);
}

/* Dovecot's size syntax for quota_max_mail_size: a number with an
   optional b/k/M/G/T suffix (factors of 1024). */
static uint64_t parse_size_setting(const char *value)
{
	uint64_t num = 0, mul = 1;
	const char *p = value;

	while (*p >= '0' && *p <= '9') {
		if (num > UINT64_MAX / 10)
			return 0;
		num = num * 10 + (uint64_t)(*p++ - '0');
	}
	while (*p == ' ')
		p++;
	switch (*p) {
	case 'k': case 'K': mul = 1024ULL; break;
	case 'm': case 'M': mul = 1024ULL * 1024; break;
	case 'g': case 'G': mul = 1024ULL * 1024 * 1024; break;
	case 't': case 'T': mul = 1024ULL * 1024 * 1024 * 1024; break;
	default: break;
	}
	return num > UINT64_MAX / mul ? 0 : num * mul;
}

static void append_read_settings(struct append_ctx *ctx)
{
	const struct imap_client_settings *set = &ctx->client->set;

	ctx->temp_dir = set->mail_temp_dir == NULL ||
		*set->mail_temp_dir == '\0' ? "/tmp" : set->mail_temp_dir;
	if (set->quota_max_mail_size != NULL)
		ctx->max_mail_size =
			parse_size_setting(set->quota_max_mail_size);
}

/* The message's [flags] [date-time]. */
static int append_parse_msg_params(struct append_ctx *ctx,
	const struct imap_arg **_args, struct mail_save_params *params)
{
	const struct imap_arg *args = *_args, *list;
	const char *str, *error;
	unsigned int flags;
	int tz;

	memset(params, 0, sizeof(*params));
	if (imap_arg_get_list(args, &list)) {
		if (imap_flags_parse(list, ctx->cmd->arena, &flags,
			    &params->keywords, &error) < 0) {
			append_fail_bad(ctx, error);
			return -1;
		}
		params->flags = flags;
		args++;
	}
	if (args->type == IMAP_ARG_STRING) {
		if (!imap_arg_get_quoted(args, &str) ||
		    !imap_datetime_parse(str, &params->received_date, &tz)) {
			append_fail_bad(ctx, "Invalid internal date.");
			return -1;
		}
		args++;
	}
	*_args = args;
	return 0;
}

static int append_msg_begin(struct append_ctx *ctx,
	const struct mail_save_params *params, bool buffered)
{
	const char *error;

	if (imap_append_msg_begin(&ctx->msg, ctx->client, ctx->t, params,
		    buffered, ctx->temp_dir, &error) < 0) {
		append_fail(ctx, error);
		return -1;
	}
	ctx->msg_open = true;
	return 0;
}

static int append_msg_finish(struct append_ctx *ctx)
{
	const char *error;

	ctx->msg_open = false;
	if (ctx->max_mail_size != 0 && ctx->msg.size > ctx->max_mail_size) {
		imap_append_msg_cancel(&ctx->msg);
		append_fail(ctx, "NO [LIMIT] Mail size is larger than the "
			"maximum size allowed by server configuration.");
		return -1;
	}
	if (imap_append_msg_finish(&ctx->msg, ctx->client, ctx->cmd->arena,
		    &error) < 0) {
		imap_append_msg_cancel(&ctx->msg);
		append_fail(ctx, error);
		return -1;
	}
	ctx->messages++;
	return 0;
}

/* The literal at arg is next in the input: sends "+ OK" when the client
   waits for it. */
static enum append_step append_literal_start(struct append_ctx *ctx,
	const struct imap_arg *arg)
{
	uint64_t size;

	if (!imap_arg_get_literal_size(arg, &size))
		i_panic("not a LITERAL_SIZE argument");
	if (ctx->max_mail_size != 0 &&
	    ctx->msg.size + size > ctx->max_mail_size) {
		/* RFC 7889 / Dovecot's quota_max_mail_size */
		append_fail(ctx, "NO [LIMIT] Mail size is larger than the "
			"maximum size allowed by server configuration.");
		return APPEND_STEP_FAILED;
	}
	if (arg->literal8)
		ctx->msg.binary = true;
	if (!arg->literal_nonsync)
		imap_client_send_line(ctx->client, "+ OK");
	ctx->literal_left = size;
	ctx->literal_discard = false;
	ctx->state = APPEND_STATE_LITERAL;
	return APPEND_STEP_CONTINUE;
}

/*
 * CATENATE parts (RFC 4469): "TEXT <literal>" and "URL <url>".  A TEXT
 * literal is always the last element (the parser stops there).  Returns
 * CONTINUE when it stopped at a literal, or DONE when the parts ended
 * (the caller finishes the message), or FAILED.
 */
static enum append_step append_catenate_parts(struct append_ctx *ctx,
	const struct imap_arg *args)
{
	const char *str, *error;

	while (!IMAP_ARG_IS_EOL(args)) {
		if (imap_arg_atom_equals(args, "TEXT") &&
		    args[1].type == IMAP_ARG_LITERAL_SIZE) {
			i_assert(IMAP_ARG_IS_EOL(&args[2]));
			return append_literal_start(ctx, &args[1]);
		}
		if (imap_arg_atom_equals(args, "URL") &&
		    imap_arg_get_astring(&args[1], &str)) {
			if (imap_append_url_write(&ctx->msg, ctx->client, str,
				    ctx->cmd->arena, &error) < 0) {
				append_fail(ctx, error);
				return APPEND_STEP_FAILED;
			}
			args += 2;
			continue;
		}
		append_fail_bad(ctx, "Invalid arguments.");
		return APPEND_STEP_FAILED;
	}
	return APPEND_STEP_DONE;
}

/* "OK [APPENDUID <uidvalidity> <uids>] Append completed." */
static enum append_step append_commit(struct append_ctx *ctx)
{
	struct mail_transaction_result result;
	struct imap_seq_range *ranges;
	struct mailbox_status status;
	unsigned int i, count = 0;
	struct buf str;
	int r = 0;

	if (mailbox_transaction_commit(&ctx->t, ctx->cmd->arena,
		    &result) < 0) {
		append_fail(ctx, imap_storage_error_tagline(ctx->client, 0));
		return APPEND_STEP_FAILED;
	}
	if (result.uidvalidity == 0 &&
	    mailbox_get_status_by_name(ctx->client->mail_user, ctx->vname,
		    STATUS_UIDVALIDITY, &status) == 0)
		result.uidvalidity = status.uidvalidity;
	mailbox_close(&ctx->box);
	ctx->client->counters.appended += result.saved_count;

	ranges = arena_new(ctx->cmd->arena, struct imap_seq_range,
		result.saved_count + 1);
	for (i = 0; i < result.saved_count; i++) {
		uint32_t uid = result.saved_uids[i];

		if (count > 0 && ranges[count - 1].seq2 + 1 == uid) {
			ranges[count - 1].seq2 = uid;
			continue;
		}
		ranges[count].seq1 = ranges[count].seq2 = uid;
		count++;
	}
	buf_init(&str, scratch_arena(), 128, 0);
	r |= buf_printf(&str, "OK [APPENDUID %u ", result.uidvalidity);
	r |= imap_seqset_write(&str, ranges, count);
	r |= buf_append_str(&str, "] Append completed.");
	i_assert(r == 0);
	ctx->cmd->input = NULL;
	ctx->cmd->destroy = NULL;
	(void)imap_cmd_sync_reply(ctx->cmd, 0, buf_cstr(&str));
	return APPEND_STEP_DONE;
}

/*
 * Messages at the top level of the line: [flags] [date] then a literal
 * (CONTINUE: read it) or CATENATE (...) (its parts), repeated; the end of
 * the line commits.
 */
static enum append_step append_messages(struct append_ctx *ctx,
	const struct imap_arg *args)
{
	struct mail_save_params params;
	const struct imap_arg *list, *lit;
	enum append_step step;
	unsigned int depth;

	for (;;) {
		if (IMAP_ARG_IS_EOL(args)) {
			if (ctx->messages == 0) {
				append_fail_bad(ctx, "Missing message size.");
				return APPEND_STEP_FAILED;
			}
			return append_commit(ctx);
		}
		if (append_parse_msg_params(ctx, &args, &params) < 0)
			return APPEND_STEP_FAILED;
		if (args->type == IMAP_ARG_LITERAL_SIZE) {
			uint64_t size;

			(void)imap_arg_get_literal_size(args, &size);
			if (size == 0) {
				append_fail(ctx, "NO Can't save a zero byte "
					"message.");
				return APPEND_STEP_FAILED;
			}
			/* a literal8 goes through the converter */
			if (append_msg_begin(ctx, &params, args->literal8) < 0)
				return APPEND_STEP_FAILED;
			return append_literal_start(ctx, args);
		}
		if (!imap_arg_atom_equals(args, "CATENATE") ||
		    !imap_arg_get_list(&args[1], &list)) {
			append_fail_bad(ctx, "Invalid arguments.");
			return APPEND_STEP_FAILED;
		}
		if (IMAP_ARG_IS_EOL(list)) {
			append_fail_bad(ctx, "Empty CATENATE list.");
			return APPEND_STEP_FAILED;
		}
		/* CATENATE parts may be literal8: always buffered */
		if (append_msg_begin(ctx, &params, true) < 0)
			return APPEND_STEP_FAILED;
		lit = imap_parser_get_literal_size_arg(ctx->parser, &depth);
		step = append_catenate_parts(ctx, list);
		if (step == APPEND_STEP_CONTINUE) {
			/* stopped at a TEXT literal inside the list */
			i_assert(lit != NULL && depth == 1);
			ctx->in_catenate = true;
			return step;
		}
		if (step == APPEND_STEP_FAILED || append_msg_finish(ctx) < 0)
			return APPEND_STEP_FAILED;
		args += 2;
	}
}

/* Reads arguments after a literal: the rest of a CATENATE list, or more
   messages. */
static enum append_step append_read_args(struct append_ctx *ctx,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	enum imap_parser_flags flags = IMAP_PARSER_FLAG_LITERAL_SIZE |
		IMAP_PARSER_FLAG_LITERAL8;
	const struct imap_arg *args, *lit;
	enum append_step step;
	unsigned int depth;
	const char *error;
	bool fatal;
	int ret;

	if (ctx->in_catenate)
		flags |= IMAP_PARSER_FLAG_INSIDE_LIST;
	ret = imap_parser_read_args(ctx->parser, data, size, consumed_r, 0,
		flags, &args);
	if (ret == 0)
		return APPEND_STEP_CONTINUE;
	if (ret < 0) {
		error = imap_parser_get_error(ctx->parser, &fatal);
		if (fatal) {
			imap_client_send_line(ctx->client,
				t_printf("* BYE %s", error));
			imap_client_disconnect(ctx->client, error);
			return APPEND_STEP_DONE;
		}
		append_fail_bad(ctx, error);
		return APPEND_STEP_FAILED;
	}
	i_assert(ret == 1);
	if (!ctx->in_catenate)
		return append_messages(ctx, args);

	lit = imap_parser_get_literal_size_arg(ctx->parser, &depth);
	step = append_catenate_parts(ctx, args);
	if (step != APPEND_STEP_DONE)
		return step;
	if (lit != NULL) {
		/* a literal that isn't a TEXT part's */
		append_fail_bad(ctx, "Invalid arguments.");
		return APPEND_STEP_FAILED;
	}
	/* the list's ')': the message is complete; more may follow */
	ctx->in_catenate = false;
	if (append_msg_finish(ctx) < 0)
		return APPEND_STEP_FAILED;
	imap_parser_reset(ctx->parser);
	ctx->state = APPEND_STATE_ARGS;
	return APPEND_STEP_CONTINUE;
}

/* A literal's bytes: into the message, or dropped after a failure. */
static enum append_step append_literal_data(struct append_ctx *ctx,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	const char *error;
	size_t n = size;

	if (n > ctx->literal_left)
		n = (size_t)ctx->literal_left;
	*consumed_r = n;
	ctx->literal_left -= n;
	if (!ctx->literal_discard &&
	    imap_append_msg_write(&ctx->msg, ctx->client, data, n,
		    &error) < 0) {
		/* drop the rest of the literal, then skip the line */
		append_fail(ctx, error);
		imap_append_msg_cancel(&ctx->msg);
		ctx->msg_open = false;
		ctx->literal_discard = true;
	}
	if (ctx->literal_left > 0)
		return APPEND_STEP_CONTINUE;

	imap_parser_reset(ctx->parser);
	if (ctx->literal_discard) {
		ctx->state = APPEND_STATE_SKIP;
		return APPEND_STEP_FAILED;
	}
	if (!ctx->in_catenate && append_msg_finish(ctx) < 0) {
		ctx->state = APPEND_STATE_SKIP;
		return APPEND_STEP_FAILED;
	}
	ctx->state = APPEND_STATE_ARGS;
	return APPEND_STEP_CONTINUE;
}

/* Skips the rest of a failed command; replies when it is consumed. */
static enum imap_cmd_result append_skip(struct append_ctx *ctx,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	int ret;

	ret = imap_parser_skip_line(ctx->parser, data, size, consumed_r);
	if (ret == 0)
		return IMAP_CMD_MORE;
	append_free(ctx);
	ctx->cmd->input = NULL;
	ctx->cmd->destroy = NULL;
	if (ret < 0) {
		imap_client_send_line(ctx->client,
			"* BYE Too long argument.");
		imap_client_disconnect(ctx->client, "Too long argument.");
		return IMAP_CMD_DONE;
	}
	if (strncmp(ctx->fail, "BAD ", 4) == 0)
		ctx->cmd->bad = true;
	imap_client_send_tagline(ctx->client, ctx->fail);
	return IMAP_CMD_DONE;
}

static enum imap_cmd_result append_input(struct imap_cmd *cmd,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	struct append_ctx *ctx = cmd->context;
	enum append_step step;
	enum imap_cmd_result result;
	size_t pos = 0, n;

	for (;;) {
		if (ctx->fail != NULL) {
			ctx->state = APPEND_STATE_SKIP;
			result = append_skip(ctx, data + pos, size - pos, &n);
			*consumed_r = pos + n;
			return result;
		}
		n = 0;
		if (ctx->state == APPEND_STATE_LITERAL) {
			/* a zero-length literal completes without input */
			if (pos == size && ctx->literal_left > 0)
				break;
			step = append_literal_data(ctx, data + pos,
				size - pos, &n);
		} else {
			if (pos == size)
				break;
			step = append_read_args(ctx, data + pos, size - pos,
				&n);
		}
		pos += n;
		if (step == APPEND_STEP_DONE) {
			*consumed_r = pos;
			return IMAP_CMD_DONE;
		}
	}
	*consumed_r = pos;
	return IMAP_CMD_MORE;
}

enum imap_cmd_result cmd_append(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct append_ctx *ctx;
	enum append_step step;
	const char *name, *error;
	size_t consumed;

	ctx = arena_new(cmd->arena, struct append_ctx, 1);
	ctx->cmd = cmd;
	ctx->client = client;
	ctx->parser = client->parser;
	cmd->context = ctx;
	cmd->destroy = append_destroy;
	/* the tag and name outlive parser resets */
	client->tag = arena_strdup(cmd->arena, client->tag);
	client->cmd_name = cmd->def->name;
	append_read_settings(ctx);

	if (!imap_arg_get_astring(&cmd->args[0], &name)) {
		append_fail_bad(ctx, IMAP_ARG_IS_EOL(&cmd->args[0]) ?
			"Missing arguments." : "Invalid arguments.");
	} else if (imap_mailbox_name_decode(client, name, cmd->arena,
			&ctx->vname, &error) < 0) {
		append_fail(ctx, error);
	} else if (mailbox_open(client->mail_user, ctx->vname,
			MAILBOX_OPEN_SAVEONLY, &ctx->box) < 0) {
		append_fail(ctx, imap_storage_error_tagline(client,
			IMAP_STORAGE_ERROR_TRYCREATE));
	} else {
		ctx->t = mailbox_transaction_begin(ctx->box);
		step = append_messages(ctx, &cmd->args[1]);
		if (step == APPEND_STEP_DONE)
			return IMAP_CMD_DONE;
		if (step == APPEND_STEP_CONTINUE) {
			cmd->input = append_input;
			return IMAP_CMD_MORE;
		}
	}
	/* failed: skip what the client still sends of the command */
	ctx->state = APPEND_STATE_SKIP;
	if (append_skip(ctx, NULL, 0, &consumed) == IMAP_CMD_DONE)
		return IMAP_CMD_DONE;
	cmd->input = append_input;
	return IMAP_CMD_MORE;
}
