/*
 * adm-cmd.h - roostadm's command table and dispatcher.
 *
 * A command is one row: its name words ("auth test"), its usage text as
 * doveadm prints it, its option letters (getopt syntax, see
 * adm-getopt.h), how many positional arguments it takes, and its handler.
 * The dispatcher finds the row whose name matches the most leading
 * words of the command line, parses the options, checks the argument
 * count and calls the handler; every usage error is reported the way
 * doveadm 2.3 reports it, with exit code 64 (EX_USAGE):
 *
 *   unknown command        the full usage text on stderr
 *   "auth" alone           "usage: roostadm [-Dv] [-f <formatter>] auth
 *                           <command> [<args>]" and the auth subcommands
 *   bad option             "test: invalid option -- 'q'"
 *   missing argument       "roostadm auth test [-a <auth socket path>] ..."
 *   too many arguments     "Error: Extraneous arguments found: a b"
 */
#ifndef ROOSTADM_ADM_CMD_H
#define ROOSTADM_ADM_CMD_H

#include <stdio.h>
#include "adm-getopt.h"

struct adm_context;
struct adm_cmd;

/* What a handler gets. */
struct adm_cmd_context {
	struct adm_context *adm;
	const struct adm_cmd *cmd;
	/* The parsed options and positional arguments. */
	struct adm_args args;
	/* Memory for the command's lifetime (freed after the handler). */
	struct arena *arena;
};

/*
 * Runs the command.  The result is reported through
 * adm_set_exit(cctx->adm, code); a handler that returns without setting
 * one succeeded.
 */
typedef void adm_cmd_func_t(struct adm_cmd_context *cctx);

#define ADM_CMD_ARGS_UNLIMITED UINT_MAX

struct adm_cmd {
	/* Name words separated by single spaces: "log errors". */
	const char *name;
	/* The usage after the name, "" for none. */
	const char *usage;
	/* getopt option letters, "" for none. */
	const char *options;
	/* Positional argument count bounds. */
	unsigned int min_args, max_args;
	adm_cmd_func_t *func;
};

/* The table (adm-cmd-table.c), sorted by name. */
extern const struct adm_cmd adm_cmd_table[];
extern const unsigned int adm_cmd_table_count;

/*
 * Finds the command for argv (argv[0] is the first command word): the
 * row whose name words equal the longest run of leading arguments.
 * Returns it with *words_r set to the number of words used, or NULL.
 */
const struct adm_cmd *adm_cmd_find(const struct adm_cmd *table,
	unsigned int count, int argc, const char *const argv[],
	unsigned int *words_r);

/* True if some command's name starts with the words of prefix ("auth"). */
bool adm_cmd_has_subcommands(const struct adm_cmd *table, unsigned int count,
	const char *prefix);

/*
 * Writes the usage text: "usage: roostadm [-Dv] [-f <formatter>]
 * [PREFIX ]<command> [<args>]" and one "  %-12s %s" line per command (or,
 * with prefix, per subcommand of prefix), commands that have subcommands
 * folded into one line listing them ("  auth         lookup|test").
 * prefix "" means all commands.
 */
void adm_cmd_write_usage(FILE *out, const struct adm_cmd *table,
	unsigned int count, const char *prefix);
/* Writes "roostadm NAME USAGE\n". */
void adm_cmd_write_help(FILE *out, const struct adm_cmd *cmd);

/*
 * Dispatches argv (argv[0] = first command word, argc may be 0) against
 * the table and runs the command.  Returns the process exit code.
 */
int adm_cmd_run(struct adm_context *ctx, const struct adm_cmd *table,
	unsigned int count, int argc, const char *const argv[]);

#endif
