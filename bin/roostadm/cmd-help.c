/*
 * cmd-help.c - roostadm help [<cmd>]: the usage of all commands, of one
 * command family ("help auth") or of one command ("help auth test").
 *
 * doveadm help with no argument prints the usage and exits 64, and with
 * one runs man(1); roostadm prints the requested usage to stdout and
 * exits 0, and points to roostadm(1) for the details.
 */
#include "lib.h"
#include "adm.h"
#include "adm-commands.h"

void cmd_help(struct adm_cmd_context *cctx)
{
	const struct adm_args *args = &cctx->args;
	const struct adm_cmd *cmd;
	unsigned int words;

	if (args->arg_count == 0) {
		adm_cmd_write_usage(stdout, adm_cmd_table, adm_cmd_table_count,
			"");
		return;
	}
	cmd = adm_cmd_find(adm_cmd_table, adm_cmd_table_count,
		(int)args->arg_count, args->args, &words);
	if (cmd != NULL && words == args->arg_count) {
		adm_cmd_write_help(stdout, cmd);
		return;
	}
	if (args->arg_count == 1 &&
	    adm_cmd_has_subcommands(adm_cmd_table, adm_cmd_table_count,
		    args->args[0])) {
		adm_cmd_write_usage(stdout, adm_cmd_table, adm_cmd_table_count,
			args->args[0]);
		return;
	}
	adm_cmd_write_usage(stderr, adm_cmd_table, adm_cmd_table_count, "");
	adm_set_exit(cctx->adm, ADM_EX_USAGE);
}
