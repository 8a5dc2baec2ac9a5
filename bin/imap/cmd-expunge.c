/*
 * cmd-expunge.c - EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315
 * UIDPLUS §2.1): remove the \Deleted messages (those within the UID set
 * for UID EXPUNGE) and report each as "* n EXPUNGE" (or VANISHED with
 * QRESYNC) before the tagged OK.  CHECK (RFC 3501 §6.4.1) is here too:
 * a full resync with the store.
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

static enum imap_cmd_result expunge_uids(struct imap_cmd *cmd,
	const struct seq_range *uids, unsigned int uids_count)
{
	struct imap_client *client = cmd->client;
	struct mail_transaction_result result;
	struct mailbox_transaction *t;

	/* An EXAMINEd mailbox has nothing to expunge (Dovecot answers
	   OK). */
	if (!client->sync.readonly) {
		t = mailbox_transaction_begin(client->mailbox);
		mailbox_expunge_deleted(t, uids, uids_count);
		if (mailbox_transaction_commit(&t, cmd->arena, &result) < 0) {
			return imap_cmd_sync_reply(cmd, IMAP_SYNC_FLAG_SAFE,
				imap_storage_error_tagline(client, 0));
		}
		client->counters.expunged += result.expunged_count;
	}
	return imap_cmd_sync_reply(cmd, IMAP_SYNC_FLAG_SAFE,
		"OK Expunge completed.");
}

enum imap_cmd_result cmd_expunge(struct imap_cmd *cmd)
{
	struct seq_range *uids;
	unsigned int count;
	const char *str, *error;

	if (!cmd->uid)
		return expunge_uids(cmd, NULL, 0);
	if (IMAP_ARG_IS_EOL(cmd->args)) {
		imap_client_send_tagline(cmd->client, "BAD Error in IMAP "
			"command UID EXPUNGE: Missing arguments.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_atom(cmd->args, &str) ||
	    imap_seqset_get_uids(cmd->client, str, true, cmd->arena, &uids,
		    &count, &error) < 0) {
		imap_client_send_tagline(cmd->client, "BAD Error in IMAP "
			"command UID EXPUNGE: Invalid uidset.");
		return IMAP_CMD_DONE;
	}
	if (count == 0) {
		/* Nothing in range ("$" with no saved result): an empty
		   filter would mean "every message". */
		return imap_cmd_sync_reply(cmd, IMAP_SYNC_FLAG_SAFE,
			"OK Expunge completed.");
	}
	return expunge_uids(cmd, uids, count);
}

enum imap_cmd_result cmd_check(struct imap_cmd *cmd)
{
	return imap_cmd_sync_reply(cmd,
		IMAP_SYNC_FLAG_FULL | IMAP_SYNC_FLAG_SAFE,
		"OK Check completed.");
}
