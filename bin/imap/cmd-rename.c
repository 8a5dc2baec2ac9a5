/*
 * cmd-rename.c - RENAME (RFC 3501 §6.3.5): a mailbox with its children;
 * renaming INBOX moves its messages (storage does that).  A mailbox
 * can't be renamed under itself (Dovecot's rule).
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

enum imap_cmd_result cmd_rename(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	const char *name1, *name2, *old_vname, *new_vname, *error;
	struct mail_namespace *ns1, *ns2;
	size_t len;

	if (IMAP_ARG_IS_EOL(&cmd->args[0]) || IMAP_ARG_IS_EOL(&cmd->args[1])) {
		imap_client_send_tagline(client, "BAD Error in IMAP command "
			"RENAME: Missing arguments.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_astring(&cmd->args[0], &name1) ||
	    !imap_arg_get_astring(&cmd->args[1], &name2))
		return IMAP_CMD_BAD_ARGS;
	if (imap_mailbox_name_decode(client, name1, cmd->arena, &old_vname,
		    &error) < 0 ||
	    imap_mailbox_name_decode(client, name2, cmd->arena, &new_vname,
		    &error) < 0) {
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	ns1 = mail_namespace_find(client->mail_user, old_vname);
	ns2 = mail_namespace_find(client->mail_user, new_vname);
	len = strlen(old_vname);
	if (ns1 == ns2 && ns1 != NULL &&
	    strncmp(old_vname, new_vname, len) == 0 &&
	    new_vname[len] == ns1->sep) {
		imap_client_send_tagline(client,
			"NO Can't rename mailbox under its own child.");
		return IMAP_CMD_DONE;
	}
	if (mailbox_rename(client->mail_user, old_vname, new_vname) < 0) {
		return imap_cmd_reply(cmd, imap_storage_error_tagline(
			client, IMAP_STORAGE_ERROR_NONEXISTENT));
	}
	return imap_cmd_reply(cmd, "OK Rename completed.");
}
