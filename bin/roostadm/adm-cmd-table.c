/*
 * adm-cmd-table.c - roostadm's commands: one row each (name words, usage
 * as doveadm 2.3 prints it, option letters, positional argument bounds,
 * handler).  Adding a command is adding a row and its handler.
 */
#include "lib.h"
#include "adm-commands.h"

const struct adm_cmd adm_cmd_table[] = {
	{
		.name = "auth lookup",
		.usage = "[-a <userdb socket path>] [-x <auth info>] "
			 "[-f field] <user> [<user> [...]]",
		.options = "a:x:f:",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_auth_lookup,
	},
	{
		.name = "auth test",
		.usage = "[-a <auth socket path>] [-x <auth info>] "
			 "[-M <master user>] <user> [<password>]",
		.options = "a:x:M:",
		.min_args = 1,
		.max_args = 2,
		.func = cmd_auth_test,
	},
	{
		.name = "help",
		.usage = "[<cmd>]",
		.options = "",
		.min_args = 0,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_help,
	},
	{
		.name = "log errors",
		.usage = "[-s <min_timestamp>]",
		.options = "s:",
		.min_args = 0,
		.max_args = 0,
		.func = cmd_log_errors,
	},
	{
		.name = "mailbox list",
		.usage = ADM_MAIL_USAGE "[-7|-8] [-s] [<mailbox mask> [...]]",
		.options = ADM_MAIL_OPTIONS "78s",
		.min_args = 0,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_list,
	},
	{
		.name = "pw",
		.usage = "[-l] [-p plaintext] [-r rounds] [-s scheme] "
			 "[-t hash] [-u user] [-V]",
		.options = "lp:r:s:t:u:V",
		.min_args = 0,
		.max_args = 0,
		.func = cmd_pw,
	},
	{
		.name = "reload",
		.usage = "",
		.options = "",
		.min_args = 0,
		.max_args = 0,
		.func = cmd_reload,
	},
	{
		.name = "stop",
		.usage = "",
		.options = "",
		.min_args = 0,
		.max_args = 0,
		.func = cmd_stop,
	},
	{
		.name = "user",
		.usage = "[-a <userdb socket path>] [-x <auth info>] "
			 "[-f field] [-e <value>] [-u] <user mask> "
			 "[<user mask> [...]]",
		.options = "a:x:f:e:u",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_user,
	},
};
const unsigned int adm_cmd_table_count = N_ELEMENTS(adm_cmd_table);
