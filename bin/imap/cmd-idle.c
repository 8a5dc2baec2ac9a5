/*
 * cmd-idle.c - IDLE (RFC 2177): "+ idling", then changes to the selected
 * mailbox are pushed as they happen (storage's change notification:
 * inotify, with a poll every mailbox_idle_check_interval as the
 * fallback), "* OK Still here" every imap_idle_notify_interval, until
 * the client sends DONE.
 */
#include "lib.h"
#include "ioloop.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

#include <strings.h>

/* Longer lines than "DONE" are kept only this far (the rest is read and
   dropped: the answer is BAD anyway). */
#define IDLE_LINE_MAX 16

struct idle_context {
	struct imap_cmd *cmd;
	struct timeout *to_keepalive;
	char line[IDLE_LINE_MAX + 1];
	size_t line_len;
	bool line_overflow;
};

static void idle_notify(void *context)
{
	struct idle_context *ctx = context;
	struct imap_client *client = ctx->cmd->client;

	if (client->disconnected)
		return;
	SCRATCH_BEGIN {
		(void)imap_sync(client, IMAP_SYNC_FLAG_SAFE);
	} SCRATCH_END;
}

static void idle_keepalive(void *context)
{
	struct idle_context *ctx = context;

	imap_client_send_line(ctx->cmd->client, "* OK Still here");
}

static void idle_stop(struct idle_context *ctx)
{
	struct imap_client *client = ctx->cmd->client;

	if (ctx->to_keepalive != NULL)
		timeout_remove(&ctx->to_keepalive);
	if (client->mailbox != NULL)
		mailbox_notify_stop(client->mailbox);
}

static void idle_destroy(struct imap_cmd *cmd)
{
	idle_stop(cmd->context);
}

static enum imap_cmd_result idle_input(struct imap_cmd *cmd,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	struct idle_context *ctx = cmd->context;
	const unsigned char *lf = memchr(data, '\n', size);
	size_t n = lf == NULL ? size : (size_t)(lf - data);
	size_t len;

	*consumed_r = lf == NULL ? size : n + 1;
	if (ctx->line_len + n > IDLE_LINE_MAX) {
		ctx->line_overflow = true;
		n = IDLE_LINE_MAX - ctx->line_len;
	}
	memcpy(ctx->line + ctx->line_len, data, n);
	ctx->line_len += n;
	if (lf == NULL)
		return IMAP_CMD_MORE;

	len = ctx->line_len;
	if (len > 0 && ctx->line[len - 1] == '\r')
		len--;
	ctx->line[len] = '\0';
	idle_stop(ctx);
	if (ctx->line_overflow || strcasecmp(ctx->line, "DONE") != 0) {
		/* Dovecot's answer to anything but DONE. */
		imap_client_send_tagline(cmd->client, "BAD Expected DONE.");
		return IMAP_CMD_DONE;
	}
	return imap_cmd_sync_reply(cmd, 0, "OK Idle completed.");
}

enum imap_cmd_result cmd_idle(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct idle_context *ctx;
	unsigned int interval = client->set.imap_idle_notify_interval_msecs;

	ctx = arena_new(cmd->arena, struct idle_context, 1);
	ctx->cmd = cmd;
	cmd->context = ctx;
	cmd->input = idle_input;
	cmd->destroy = idle_destroy;

	imap_client_send_line(client, "+ idling");
	/* What happened before IDLE is reported at once. */
	(void)imap_sync(client, IMAP_SYNC_FLAG_SAFE);
	if (client->disconnected)
		return IMAP_CMD_MORE;
	if (client->mailbox != NULL &&
	    mailbox_notify_start(client->mailbox, idle_notify, ctx) < 0) {
		imap_client_log(client, t_printf("IDLE: change notification "
			"failed: %s", mail_user_get_last_error(
				client->mail_user, NULL)));
	}
	if (interval > 0) {
		ctx->to_keepalive = timeout_add(interval, idle_keepalive,
			ctx);
	}
	/* An idle session keeps little in memory. */
	mail_user_release_memory(client->mail_user);
	return IMAP_CMD_MORE;
}
