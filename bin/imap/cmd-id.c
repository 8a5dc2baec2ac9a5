/*
 * cmd-id.c - ID (RFC 2971): logs the client's fields per imap_id_log and
 * answers with imap_id_send's fields.
 */
#include "lib.h"
#include "buf.h"
#include "imap-id.h"
#include "imap-client.h"
#include "imap-commands.h"

enum imap_cmd_result cmd_id(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct buf str;

	/* Post-login Dovecot does not reject malformed parameters; only
	   well-formed pairs are logged. */
	buf_init(&str, cmd->arena, 128, 8192);
	if (imap_id_args_log(&str, cmd->args, client->set.imap_id_log) == 0 &&
	    str.used > 0)
		imap_client_log(client, t_printf("ID sent: %s", str.data));

	buf_reset(&str);
	if (buf_append_str(&str, "* ID ") < 0 ||
	    imap_id_reply_append(&str, client->set.imap_id_send) < 0) {
		buf_reset(&str);
		if (buf_append_str(&str, "* ID NIL") < 0)
			i_panic("buffer too small");
	}
	imap_client_send_line(client, buf_cstr(&str));
	imap_client_send_tagline(client, "OK ID completed.");
	return IMAP_CMD_DONE;
}
