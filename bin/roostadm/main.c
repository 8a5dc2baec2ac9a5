/*
 * main.c - roostadm, Roost's administration tool (doveadm's equivalent):
 *
 *   roostadm [-Dhv] [-c config] [-f formatter] [-o setting=value] COMMAND
 *
 * Parses the global options, then hands the command words to the command
 * table (adm-cmd-table.c).  The configuration is read only by commands
 * that need it.  See docs/roostadm.md and roostadm(1).
 */
#include "lib.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-getopt.h"
#include "adm-print.h"

#define ADM_GLOBAL_OPTIONS "+Dc:f:ho:v"

int main(int argc, char *argv[])
{
	struct arena *arena = arena_create("roostadm", 4096);
	struct adm_context ctx;
	struct adm_args args;
	const char *error;
	int ret;

	log_init(LOG_MODE_STDERR, "");
	/* Like doveadm, messages on stderr carry no timestamp. */
	log_set_timestamp_format("");
	adm_context_init(&ctx, arena);

	/* Option errors name the program "roostadm" whatever the path. */
	argv[0] = (char *)"roostadm";
	if (adm_getopt_parse(arena, ADM_GLOBAL_OPTIONS, argc,
		    (const char *const *)argv, &args, &error) < 0) {
		fprintf(stderr, "%s\n", error);
		return ADM_EX_USAGE;
	}
	for (unsigned int i = 0; i < args.opt_count; i++) {
		const struct adm_opt *opt = &args.opts[i];

		switch (opt->opt) {
		case 'D':
			ctx.debug = true;
			ctx.verbose = true;
			log_set_debug(true);
			break;
		case 'c':
			ctx.config_path = opt->arg;
			break;
		case 'f':
			if (!adm_print_formatter_exists(opt->arg))
				adm_fatal("Unknown print formatter: %s",
					opt->arg);
			ctx.formatter = opt->arg;
			break;
		case 'h':
			ctx.hide_titles = true;
			break;
		case 'o':
			if (adm_add_override(&ctx, opt->arg, &error) < 0)
				adm_fatal("%s", error);
			break;
		case 'v':
			ctx.verbose = true;
			break;
		default:
			i_panic("option -%c in " ADM_GLOBAL_OPTIONS
				" is not handled", opt->opt);
		}
	}

	ret = adm_cmd_run(&ctx, adm_cmd_table, adm_cmd_table_count,
		(int)args.arg_count, args.args);
	if (fflush(stdout) != 0 && ret == 0)
		ret = ADM_EX_TEMPFAIL;
	adm_context_deinit(&ctx);
	arena_destroy(&arena);
	return ret;
}
