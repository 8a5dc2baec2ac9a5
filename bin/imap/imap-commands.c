/*
 * imap-commands.c - the post-login command table and the dispatcher's
 * state check.
 */
#include "lib.h"
#include "imap-arg.h"
#include "imap-client.h"
#include "imap-commands.h"

#define ANY_STATE (IMAP_CLIENT_STATE_AUTH | IMAP_CLIENT_STATE_SELECTED)

static const struct imap_command_def imap_commands[] = {
	{ "CAPABILITY", cmd_capability, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "ID", cmd_id, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "LOGOUT", cmd_logout, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "NOOP", cmd_noop, ANY_STATE, IMAP_CMD_FLAG_NONE },
	/* The mailbox commands (imap-sync.h). */
	{ "SELECT", cmd_select, ANY_STATE, IMAP_CMD_FLAG_BREAKS_MAILBOX },
	{ "EXAMINE", cmd_examine, ANY_STATE, IMAP_CMD_FLAG_BREAKS_MAILBOX },
	{ "CLOSE", cmd_close, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_MAILBOX },
	{ "UNSELECT", cmd_unselect, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_MAILBOX },
	{ "CHECK", cmd_check, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "EXPUNGE", cmd_expunge, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "UID EXPUNGE", cmd_expunge, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "ENABLE", cmd_enable, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "IDLE", cmd_idle, ANY_STATE, IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "NAMESPACE", cmd_namespace, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "LIST", cmd_list, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "LSUB", cmd_lsub, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "STATUS", cmd_status, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "CREATE", cmd_create, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "DELETE", cmd_delete, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "RENAME", cmd_rename, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "SUBSCRIBE", cmd_subscribe, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "UNSUBSCRIBE", cmd_unsubscribe, ANY_STATE, IMAP_CMD_FLAG_NONE },
	{ "SEARCH", cmd_search, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "SORT", cmd_sort, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "THREAD", cmd_thread, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "UID SEARCH", cmd_search, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "UID SORT", cmd_sort, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "UID THREAD", cmd_thread, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "FETCH", cmd_fetch, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "UID FETCH", cmd_fetch, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "STORE", cmd_store, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "UID STORE", cmd_store, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "COPY", cmd_copy, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS },
	{ "UID COPY", cmd_copy, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_NONE },
	{ "MOVE", cmd_move, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_USES_SEQS | IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "UID MOVE", cmd_move, IMAP_CLIENT_STATE_SELECTED,
	  IMAP_CMD_FLAG_BREAKS_SEQS },
	{ "APPEND", cmd_append, ANY_STATE, IMAP_CMD_FLAG_LITERAL_SIZE },
	/* Runs the "UID <name>" row (cmd_uid). */
	{ "UID", cmd_uid, IMAP_CLIENT_STATE_SELECTED, IMAP_CMD_FLAG_NONE },
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

/*
 * UID FETCH/STORE/COPY/MOVE/SEARCH/SORT/THREAD/EXPUNGE: the rows are
 * named "UID <NAME>"; the handler sees cmd->uid and the arguments after
 * the name.  Dovecot's text for an unknown one: "BAD Error in IMAP command
 * UID FOO: Unknown command.".
 */
enum imap_cmd_result cmd_uid(struct imap_cmd *cmd)
{
	const struct imap_command_def *def;
	const char *name;

	if (IMAP_ARG_IS_EOL(cmd->args)) {
		/* Dovecot reads "UID" alone as a command name it lacks */
		imap_client_send_tagline(cmd->client, "BAD Error in IMAP "
			"command: Invalid command name.");
		return IMAP_CMD_DONE;
	}
	if (!imap_arg_get_atom(cmd->args, &name))
		return IMAP_CMD_BAD_ARGS;
	def = imap_command_find(t_printf("UID %s", name));
	if (def == NULL) {
		imap_client_send_tagline(cmd->client, t_printf("BAD Error in "
			"IMAP command UID %s: Unknown command.", name));
		return IMAP_CMD_DONE;
	}
	cmd->def = def;
	cmd->uid = true;
	cmd->args++;
	/* A BAD_ARGS result names cmd->def, "UID FETCH". */
	return def->func(cmd);
}

enum imap_cmd_result imap_command_run(struct imap_client *client,
	const struct imap_command_def *def, const struct imap_arg *args,
	bool *bad_r)
{
	struct imap_cmd *cmd;
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
	cmd = arena_new(client->cmd_arena, struct imap_cmd, 1);
	cmd->client = client;
	cmd->args = args;
	cmd->arena = client->cmd_arena;
	cmd->def = def;
	ret = def->func(cmd);
	if (ret == IMAP_CMD_BAD_ARGS) {
		*bad_r = true;
		imap_client_send_tagline(client, t_printf("BAD Error in IMAP "
			"command %s: Invalid arguments.", cmd->def->name));
		return IMAP_CMD_DONE;
	}
	if (ret == IMAP_CMD_MORE)
		client->running = cmd;
	else if (cmd->bad)
		*bad_r = true;
	return ret;
}
