/*
 * cmd-capability.c - CAPABILITY (RFC 3501 §6.1.1).
 */
#include "lib.h"
#include "imap-client.h"
#include "imap-commands.h"

enum imap_cmd_result cmd_capability(struct imap_cmd *cmd)
{
	/* Extra arguments are ignored, as Dovecot does. */
	imap_client_send_line(cmd->client, t_printf("* CAPABILITY %s",
		imap_client_get_capability(cmd->client)));
	imap_client_send_tagline(cmd->client, "OK Capability completed.");
	return IMAP_CMD_DONE;
}
