/*
 * cmd-delete.c - DELETE (RFC 3501 §6.3.4).  Deleting the selected
 * mailbox is allowed and ends the session after the reply, as Dovecot
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
	bool selected;

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
	selected = client->mailbox != NULL &&
		imap_mailbox_name_equals(mailbox_get_vname(client->mailbox),
			vname);
	if (selected) {
		/* Dovecot closes it first, and ends the session after the
		   reply. */
		imap_client_unselect(client);
	}
	if (mailbox_delete(client->mail_user, vname) < 0) {
		imap_client_send_tagline(client, imap_storage_error_tagline(
			client, IMAP_STORAGE_ERROR_NONEXISTENT));
	} else {
		imap_client_send_tagline(client, "OK Delete completed.");
	}
	if (selected) {
		imap_client_send_line(client, "* BYE Selected mailbox was "
			"deleted, have to disconnect.");
		imap_client_disconnect(client, "Selected mailbox was deleted, "
			"have to disconnect.");
	}
	return IMAP_CMD_DONE;
}
