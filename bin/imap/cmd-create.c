/*
 * cmd-create.c - CREATE (RFC 3501 §6.3.3): missing parents are created
 * too, and a name ending with the hierarchy separator asks for a level
 * that will hold children.  Like Dovecot 2.3, parameters after the name
 * (RFC 6154 CREATE-SPECIAL-USE's "(USE (...))") are not interpreted and
 * CREATE-SPECIAL-USE is not advertised.
 */
#include "lib.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

enum imap_cmd_result cmd_create(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct mail_namespace *ns;
	const char *name, *vname, *error;
	bool directory = false;
	size_t len;

	if (IMAP_ARG_IS_EOL(cmd->args)) {
		imap_client_send_tagline(client, "BAD Error in IMAP command "
			"CREATE: Missing arguments.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_astring(cmd->args, &name))
		return IMAP_CMD_BAD_ARGS;
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0) {
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	ns = mail_namespace_find(client->mail_user, vname);
	len = strlen(vname);
	if (ns != NULL && len > 0 && vname[len - 1] == ns->sep) {
		/* RFC 3501: the client tells it wants to create names
		   under this one. */
		directory = true;
		vname = t_strndup(vname, len - 1);
	}
	if (mailbox_create(client->mail_user, vname, directory) < 0) {
		return imap_cmd_reply(cmd,
				imap_storage_error_tagline(client, 0));
	}
	return imap_cmd_reply(cmd, "OK Create completed.");
}
