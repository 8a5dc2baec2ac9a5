/*
 * cmd-logout.c - LOGOUT (RFC 3501 §6.1.3).
 */
#include "lib.h"
#include "imap-client.h"
#include "imap-commands.h"

enum imap_cmd_result cmd_logout(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;

	client->state = IMAP_CLIENT_STATE_LOGOUT;
	/* Dovecot's in= counter stops before LOGOUT's line ending. */
	if (client->bytes_in >= client->last_eol_len)
		client->bytes_in -= client->last_eol_len;
	imap_client_send_line(client, "* BYE Logging out");
	imap_client_send_tagline(client, "OK Logout completed.");
	imap_client_disconnect(client, "Logged out");
	return IMAP_CMD_DONE;
}
