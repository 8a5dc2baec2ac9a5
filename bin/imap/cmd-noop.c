/*
 * cmd-noop.c - NOOP (RFC 3501 §6.1.2): with a mailbox selected, the
 * pending changes are reported (imap-sync.h).
 */
#include "lib.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

enum imap_cmd_result cmd_noop(struct imap_cmd *cmd)
{
	return imap_cmd_sync_reply(cmd, IMAP_SYNC_FLAG_SAFE,
		"OK NOOP completed.");
}
