/*
 * adm-getopt.c - reentrant short-option parser with GNU permutation (see
 * adm-getopt.h for the syntax it accepts).
 */
#include "lib.h"
#include "array.h"
#include "adm-getopt.h"

/* Returns 1 if c takes an argument, 0 if not, -1 if it is unknown. */
static int opt_kind(const char *optstring, char c)
{
	const char *p;

	if (c == ':' || c == '+' || c == '\0')
		return -1;
	p = strchr(optstring, c);
	if (p == NULL)
		return -1;
	return p[1] == ':' ? 1 : 0;
}

int adm_getopt_parse(struct arena *arena, const char *optstring, int argc,
	const char *const argv[], struct adm_args *args_r,
	const char **error_r)
{
	ARRAY(struct adm_opt) opts;
	ARRAY(const char *) positional;
	const char *name = argc > 0 && argv[0] != NULL ? argv[0] : "";
	bool stop_at_first = optstring[0] == '+';
	bool options_done = false;
	int i;

	array_init(&opts, arena, 8);
	array_init(&positional, arena, 8);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (options_done || arg[0] != '-' || arg[1] == '\0') {
			/* A positional argument ("-" alone is one too). */
			array_push(&positional, arg);
			if (stop_at_first)
				options_done = true;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		for (const char *p = arg + 1; *p != '\0'; p++) {
			struct adm_opt opt = { .opt = *p, .arg = NULL };
			int kind = opt_kind(optstring, *p);

			if (kind < 0) {
				*error_r = arena_printf(arena,
					"%s: invalid option -- '%c'", name,
					*p);
				return -1;
			}
			if (kind == 1) {
				if (p[1] != '\0') {
					opt.arg = p + 1;
				} else if (i + 1 < argc) {
					opt.arg = argv[++i];
				} else {
					*error_r = arena_printf(arena,
						"%s: option requires an "
						"argument -- '%c'", name, *p);
					return -1;
				}
				array_push(&opts, opt);
				break;
			}
			array_push(&opts, opt);
		}
	}
	args_r->opt_count = opts.count;
	args_r->opts = opts.v;
	args_r->arg_count = positional.count;
	array_push(&positional, NULL);
	args_r->args = positional.v;
	return 0;
}

bool adm_args_has(const struct adm_args *args, char c)
{
	for (unsigned int i = 0; i < args->opt_count; i++) {
		if (args->opts[i].opt == c)
			return true;
	}
	return false;
}

const char *adm_args_get(const struct adm_args *args, char c)
{
	const char *value = NULL;

	for (unsigned int i = 0; i < args->opt_count; i++) {
		if (args->opts[i].opt == c)
			value = args->opts[i].arg;
	}
	return value;
}

const char *const *adm_args_get_all(const struct adm_args *args, char c,
	struct arena *arena)
{
	ARRAY(const char *) values;

	array_init(&values, arena, 4);
	for (unsigned int i = 0; i < args->opt_count; i++) {
		if (args->opts[i].opt == c && args->opts[i].arg != NULL)
			array_push(&values, args->opts[i].arg);
	}
	array_push(&values, NULL);
	return values.v;
}
