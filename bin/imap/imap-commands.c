/*
 * imap-commands.c - the post-login command table and the dispatcher's
 * state check.
 */
#include "lib.h"
#include "imap-client.h"
#include "imap-commands.h"

#define ANY_STATE (IMAP_CLIENT_STATE_AUTH | IMAP_CLIENT_STATE_SELECTED)

static const struct imap_command_def imap_commands[] = {
	{ "CAPABILITY", cmd_capability, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "ID", cmd_id, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "LOGOUT", cmd_logout, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "NOOP", cmd_noop, ANY_STATE, IMAP_CMD_FLAG_NONE },
};

const struct imap_command_def *imap_command_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_commands); i++) {
		if (strcasecmp(imap_commands[i].name, name) == 0)
			return &imap_commands[i];
	}
	return NULL;
}

unsigned int imap_commands_count(void)
{
	return N_ELEMENTS(imap_commands);
}

const struct imap_command_def *imap_command_get(unsigned int idx)
{
	i_assert(idx < N_ELEMENTS(imap_commands));
	return &imap_commands[idx];
}

enum imap_cmd_result imap_command_run(struct imap_client *client,
	const struct imap_command_def *def, const struct imap_arg *args,
	bool *bad_r)
{
	struct imap_cmd cmd;
	enum imap_cmd_result ret;

	*bad_r = false;
	if ((def->states & client->state) == 0) {
		*bad_r = true;
		/* Dovecot's text for a mailbox command without SELECT. */
		imap_client_send_tagline(client,
			(client->state & IMAP_CLIENT_STATE_AUTH) != 0 ?
			"BAD No mailbox selected." :
			t_printf("BAD Error in IMAP command %s: Command not "
				"allowed now.", def->name));
		return IMAP_CMD_DONE;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.client = client;
	cmd.args = args;
	cmd.arena = client->cmd_arena;
	ret = def->func(&cmd);
	if (ret == IMAP_CMD_BAD_ARGS) {
		*bad_r = true;
		imap_client_send_tagline(client, t_printf("BAD Error in IMAP "
			"command %s: Invalid arguments.", def->name));
		return IMAP_CMD_DONE;
	}
	return ret;
}
