/*
 * cmd-noop.c - NOOP (RFC 3501 §6.1.2).  With a mailbox selected (next
 * issue) this is where pending changes are reported.
 */
#include "lib.h"
#include "imap-client.h"
#include "imap-commands.h"

enum imap_cmd_result cmd_noop(struct imap_cmd *cmd)
{
	imap_client_send_tagline(cmd->client, "OK NOOP completed.");
	return IMAP_CMD_DONE;
}
