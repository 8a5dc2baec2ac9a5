/*
 * cmd-status.c - STATUS (RFC 3501 §6.3.10) with HIGHESTMODSEQ (RFC 7162,
 * which enables CONDSTORE) and SIZE (RFC 8438).
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-status.h"
#include "imap-sync.h"

enum imap_cmd_result cmd_status(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct imap_status_items items;
	const struct imap_arg *list;
	const char *name, *vname, *error;

	if (IMAP_ARG_IS_EOL(&cmd->args[0]) || IMAP_ARG_IS_EOL(&cmd->args[1])) {
		imap_client_send_tagline(client, "BAD Error in IMAP command "
			"STATUS: Missing arguments.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_astring(&cmd->args[0], &name) ||
	    !imap_arg_get_list(&cmd->args[1], &list))
		return IMAP_CMD_BAD_ARGS;
	if (imap_status_parse_items(list, &items, &error) < 0) {
		imap_client_send_tagline(client, t_printf("BAD Error in IMAP "
			"command STATUS: %s", error));
		return IMAP_CMD_DONE;
	}
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0) {
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	if ((items.items & STATUS_HIGHESTMODSEQ) != 0)
		(void)imap_client_enable(client, IMAP_FEATURE_CONDSTORE);
	if (imap_status_send_mailbox_as(client, vname, name, &items) < 0) {
		imap_client_send_tagline(client,
			imap_storage_error_tagline(client, 0));
		return IMAP_CMD_DONE;
	}
	/* STATUS of the selected mailbox syncs it too, as Dovecot does. */
	if (client->mailbox != NULL &&
	    imap_mailbox_name_equals(mailbox_get_vname(client->mailbox),
		    vname)) {
		/* RFC 3501 §6.3.10: a client SHOULD NOT do this. */
		return imap_cmd_sync_reply(cmd, 0, "OK [CLIENTBUG] Status on "
			"selected mailbox completed.");
	}
	imap_client_send_tagline(client, "OK Status completed.");
	return IMAP_CMD_DONE;
}
