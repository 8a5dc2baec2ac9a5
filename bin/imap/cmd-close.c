/*
 * cmd-close.c - CLOSE (RFC 3501 §6.4.2): expunge the \Deleted messages
 * of a read-write mailbox without any EXPUNGE responses, and return to
 * the authenticated state.  Also UNSELECT (RFC 3691): the same without
 * expunging.
 */
#include "lib.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

enum imap_cmd_result cmd_close(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct mail_transaction_result result;
	struct mailbox_transaction *t;

	if (!client->sync.readonly) {
		t = mailbox_transaction_begin(client->mailbox);
		mailbox_expunge_deleted(t, NULL, 0);
		if (mailbox_transaction_commit(&t, cmd->arena, &result) < 0) {
			/* Dovecot reports it untagged and closes anyway. */
			imap_client_send_line(client, t_printf("* %s",
				imap_storage_error_tagline(client, 0)));
		} else {
			client->counters.expunged += result.expunged_count;
		}
	}
	imap_client_unselect(client);
	imap_client_send_tagline(client, "OK Close completed.");
	return IMAP_CMD_DONE;
}

enum imap_cmd_result cmd_unselect(struct imap_cmd *cmd)
{
	imap_client_unselect(cmd->client);
	imap_client_send_tagline(cmd->client, "OK Unselect completed.");
	return IMAP_CMD_DONE;
}
