/*
 * cmd-delete.c - DELETE (RFC 3501 §6.3.4).  Deleting the selected
 * mailbox is allowed; the next sync then ends the session as Dovecot
 * does ("* BYE Selected mailbox was deleted, have to disconnect.").
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

#include <strings.h>

enum imap_cmd_result cmd_delete(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	const char *name, *vname, *error;

	if (IMAP_ARG_IS_EOL(cmd->args)) {
		imap_client_send_tagline(client, "BAD Error in IMAP command "
			"DELETE: Missing arguments.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_astring(cmd->args, &name))
		return IMAP_CMD_BAD_ARGS;
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0) {
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	if (strcasecmp(vname, "INBOX") == 0) {
		/* Dovecot's text, without a response code. */
		imap_client_send_tagline(client, "NO INBOX can't be deleted.");
		return IMAP_CMD_DONE;
	}
	if (mailbox_delete(client->mail_user, vname) < 0) {
		return imap_cmd_reply(cmd, imap_storage_error_tagline(
			client, IMAP_STORAGE_ERROR_NONEXISTENT));
	}
	return imap_cmd_reply(cmd, "OK Delete completed.");
}
