/*
 * cmd-subscribe.c - SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6-7).  As
 * in Dovecot 2.3, only an existing mailbox (or hierarchy level) can be
 * subscribed; any name can be unsubscribed.
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

static enum imap_cmd_result cmd_subscribe_full(struct imap_cmd *cmd,
	bool subscribe)
{
	struct imap_client *client = cmd->client;
	enum mailbox_existence existence;
	const char *name, *vname, *error;

	if (IMAP_ARG_IS_EOL(cmd->args)) {
		imap_client_send_tagline(client, t_printf("BAD Error in IMAP "
			"command %s: Missing arguments.", cmd->def->name));
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_astring(cmd->args, &name))
		return IMAP_CMD_BAD_ARGS;
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0) {
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	if (subscribe) {
		if (mailbox_exists(client->mail_user, vname, &existence) < 0) {
			return imap_cmd_reply(cmd,
				imap_storage_error_tagline(client, 0));
		}
		if (existence == MAILBOX_EXISTENCE_NONE) {
			imap_client_send_tagline(client, t_printf(
				"NO Mailbox doesn't exist: %s", vname));
			return IMAP_CMD_DONE;
		}
	}
	if (mailbox_set_subscribed(client->mail_user, vname, subscribe) < 0) {
		return imap_cmd_reply(cmd,
				imap_storage_error_tagline(client, 0));
	}
	return imap_cmd_reply(cmd, subscribe ?
		"OK Subscribe completed." : "OK Unsubscribe completed.");
}

enum imap_cmd_result cmd_subscribe(struct imap_cmd *cmd)
{
	return cmd_subscribe_full(cmd, true);
}

enum imap_cmd_result cmd_unsubscribe(struct imap_cmd *cmd)
{
	return cmd_subscribe_full(cmd, false);
}
