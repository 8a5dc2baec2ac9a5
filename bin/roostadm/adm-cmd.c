/*
 * adm-cmd.c - command lookup, usage text and dispatch (see adm-cmd.h).
 */
#include "lib.h"
#include "array.h"
#include "buf.h"
#include "adm.h"
#include "adm-cmd.h"

/* doveadm's USAGE_CMDNAME_FMT. */
#define ADM_USAGE_NAME_FMT "  %-12s"
#define ADM_USAGE_HEAD "usage: roostadm [-Dv] [-f <formatter>] "

/* Number of name words of arguments argv that equal name's words, or 0
   if name is not a prefix of argv. */
static unsigned int name_match(const char *name, int argc,
	const char *const argv[])
{
	unsigned int words = 0;

	while (*name != '\0') {
		size_t len = strcspn(name, " ");

		if ((int)words >= argc || strlen(argv[words]) != len ||
		    strncmp(argv[words], name, len) != 0)
			return 0;
		words++;
		name += len;
		if (*name == ' ')
			name++;
	}
	return words;
}

const struct adm_cmd *adm_cmd_find(const struct adm_cmd *table,
	unsigned int count, int argc, const char *const argv[],
	unsigned int *words_r)
{
	const struct adm_cmd *best = NULL;
	unsigned int best_words = 0;

	for (unsigned int i = 0; i < count; i++) {
		unsigned int words = name_match(table[i].name, argc, argv);

		if (words > best_words) {
			best = &table[i];
			best_words = words;
		}
	}
	*words_r = best_words;
	return best;
}

bool adm_cmd_has_subcommands(const struct adm_cmd *table, unsigned int count,
	const char *prefix)
{
	size_t len = strlen(prefix);

	for (unsigned int i = 0; i < count; i++) {
		if (strncmp(table[i].name, prefix, len) == 0 &&
		    table[i].name[len] == ' ')
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints sorted "name\tusage" lines as doveadm does: single-word commands
   with their usage, families as "name sub1|sub2". */
static void write_usage_lines(FILE *out, const char **lines,
	unsigned int count, const char *prefix)
{
	size_t prefix_len = strlen(prefix);
	const char *prev_name = "", *prev_sub = "";

	qsort(lines, count, sizeof(*lines), cmp_str);
	for (unsigned int i = 0; i < count; i++) {
		const char *tab = strchr(lines[i], '\t');
		const char *name =
			t_strndup(lines[i], (size_t)(tab - lines[i]));
		const char *usage = tab + 1;
		const char *space;

		if (prefix_len > 0) {
			if (strncmp(name, prefix, prefix_len) != 0 ||
			    name[prefix_len] != ' ')
				continue;
			name += prefix_len + 1;
		}
		space = strchr(name, ' ');
		if (space == NULL) {
			if (*prev_name != '\0') {
				fputc('\n', out);
				prev_name = "";
			}
			fprintf(out, ADM_USAGE_NAME_FMT " %s\n", name, usage);
		} else {
			const char *family =
				t_strndup(name, (size_t)(space - name));
			const char *sub = t_strndup(space + 1,
				strcspn(space + 1, " "));

			if (strcmp(prev_name, family) != 0) {
				if (*prev_name != '\0')
					fputc('\n', out);
				fprintf(out, ADM_USAGE_NAME_FMT " %s", family,
					sub);
				prev_name = family;
			} else if (strcmp(prev_sub, sub) != 0) {
				fprintf(out, "|%s", sub);
			}
			prev_sub = sub;
		}
	}
	if (*prev_name != '\0')
		fputc('\n', out);
}

void adm_cmd_write_usage(FILE *out, const struct adm_cmd *table,
	unsigned int count, const char *prefix)
{
	SCRATCH_BEGIN {
		const char **lines = t_new(const char *, count);

		fputs(ADM_USAGE_HEAD, out);
		if (*prefix != '\0')
			fprintf(out, "%s ", prefix);
		fputs("<command> [<args>]\n", out);
		for (unsigned int i = 0; i < count; i++) {
			lines[i] = t_printf("%s\t%s", table[i].name,
				table[i].usage);
		}
		write_usage_lines(out, lines, count, prefix);
	} SCRATCH_END;
}

void adm_cmd_write_help(FILE *out, const struct adm_cmd *cmd)
{
	fprintf(out, "roostadm %s %s\n", cmd->name, cmd->usage);
}

static void report_extraneous(const struct adm_args *args,
	unsigned int max_args)
{
	SCRATCH_BEGIN {
		struct buf list;

		/* Command lines are bounded by the kernel; the list is
		   too, to keep the error line sane. */
		buf_init(&list, scratch_arena(), 128, 8192);
		for (unsigned int i = max_args; i < args->arg_count; i++) {
			if ((list.used > 0 && buf_append_c(&list, ' ') < 0) ||
			    buf_append_str(&list, args->args[i]) < 0)
				break;
		}
		i_error("Extraneous arguments found: %s", buf_cstr(&list));
	} SCRATCH_END;
}

int adm_cmd_run(struct adm_context *ctx, const struct adm_cmd *table,
	unsigned int count, int argc, const char *const argv[])
{
	struct adm_cmd_context cctx;
	const struct adm_cmd *cmd;
	unsigned int words;
	const char *error;

	cmd = argc == 0 ? NULL : adm_cmd_find(table, count, argc, argv, &words);
	if (cmd == NULL) {
		(void)fflush(stdout);
		if (argc > 0 && adm_cmd_has_subcommands(table, count, argv[0]))
			adm_cmd_write_usage(stderr, table, count, argv[0]);
		else
			adm_cmd_write_usage(stderr, table, count, "");
		return ADM_EX_USAGE;
	}

	memset(&cctx, 0, sizeof(cctx));
	cctx.adm = ctx;
	cctx.cmd = cmd;
	cctx.arena = arena_create("adm command", 4096);
	/* argv[0] of the option parser is the last name word, which getopt
	   messages show ("errors: invalid option -- 'x'"). */
	if (adm_getopt_parse(cctx.arena, cmd->options,
			argc - (int)words + 1, argv + words - 1, &cctx.args,
			&error) < 0) {
		fprintf(stderr, "%s\n", error);
		adm_set_exit(ctx, ADM_EX_USAGE);
	} else if (cctx.args.arg_count < cmd->min_args) {
		adm_cmd_write_help(stderr, cmd);
		adm_set_exit(ctx, ADM_EX_USAGE);
	} else if (cctx.args.arg_count > cmd->max_args) {
		report_extraneous(&cctx.args, cmd->max_args);
		adm_set_exit(ctx, ADM_EX_USAGE);
	} else {
		cmd->func(&cctx);
	}
	arena_destroy(&cctx.arena);
	return ctx->exit_code;
}
