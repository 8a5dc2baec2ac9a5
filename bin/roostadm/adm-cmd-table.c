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
		.name = "force-resync",
		.usage = ADM_MAIL_USAGE "[-f] <mailbox mask>",
		.options = ADM_MAIL_OPTIONS "f",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_force_resync,
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
		.name = "index",
		.usage = ADM_MAIL_USAGE "[-q] [-n <max recent>] <mailbox mask>",
		.options = ADM_MAIL_OPTIONS "qn:",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_index,
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
		.name = "mailbox create",
		.usage = ADM_MAIL_USAGE "[-s] [-g <guid>] <mailbox> [...]",
		.options = ADM_MAIL_OPTIONS "sg:",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_create,
	},
	{
		.name = "mailbox delete",
		.usage = ADM_MAIL_USAGE "[-e] [-r] [-s] [-Z] <mailbox> [...]",
		.options = ADM_MAIL_OPTIONS "ersZ",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_delete,
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
		.name = "mailbox rename",
		.usage = ADM_MAIL_USAGE "[-s] <old name> <new name>",
		.options = ADM_MAIL_OPTIONS "s",
		.min_args = 2,
		.max_args = 2,
		.func = cmd_mailbox_rename,
	},
	{
		.name = "mailbox status",
		.usage = ADM_MAIL_USAGE "<fields> <mailbox> [...]",
		.options = ADM_MAIL_OPTIONS "tf:",
		.min_args = 0,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_status,
	},
	{
		.name = "mailbox subscribe",
		.usage = ADM_MAIL_USAGE "<mailbox> [...]",
		.options = ADM_MAIL_OPTIONS "",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_subscribe,
	},
	{
		.name = "mailbox unsubscribe",
		.usage = ADM_MAIL_USAGE "<mailbox> [...]",
		.options = ADM_MAIL_OPTIONS "",
		.min_args = 1,
		.max_args = ADM_CMD_ARGS_UNLIMITED,
		.func = cmd_mailbox_unsubscribe,
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
		.name = "save",
		.usage = ADM_MAIL_USAGE "[-m mailbox]",
		.options = ADM_MAIL_OPTIONS "m:",
		.min_args = 0,
		.max_args = 0,
		.func = cmd_save,
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
