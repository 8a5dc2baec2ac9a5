/*
 * adm-getopt.h - command-line option parsing for roostadm.
 *
 * The syntax is getopt(3)'s short options ("a:x:u": -a takes an argument,
 * -u does not; "-pfoo", "-p foo" and grouped "-lv" all work), with GNU
 * getopt's argument permutation: options may follow positional arguments
 * unless the option string starts with '+' (then the first positional
 * argument ends the options, as for roostadm's global options, so that
 * "roostadm user -u x" does not read -u as a global option).  "--" always
 * ends the options.  Error messages are GNU getopt's, which doveadm
 * prints: "pw: invalid option -- 'x'".
 *
 * Unlike getopt(3) the parser has no global state and never writes to
 * argv, so it can be unit-tested and used more than once per process.
 */
#ifndef ROOSTADM_ADM_GETOPT_H
#define ROOSTADM_ADM_GETOPT_H

struct arena;

struct adm_opt {
	/* The option letter. */
	char opt;
	/* Its argument, or NULL for an option without one. */
	const char *arg;
};

struct adm_args {
	/* Options in command-line order. */
	const struct adm_opt *opts;
	unsigned int opt_count;
	/* Positional arguments in order, NULL-terminated. */
	const char *const *args;
	unsigned int arg_count;
};

/*
 * Parses argv[1..argc-1] against optstring; argv[0] names the command in
 * error messages.  Returns 0 and fills *args_r (arrays allocated from
 * arena, strings pointing into argv), or -1 with *error_r allocated from
 * arena: "NAME: invalid option -- 'x'" or "NAME: option requires an
 * argument -- 'p'".
 */
int adm_getopt_parse(struct arena *arena, const char *optstring, int argc,
	const char *const argv[], struct adm_args *args_r,
	const char **error_r);

/* True if option c was given at least once. */
bool adm_args_has(const struct adm_args *args, char c);
/* The argument of the last occurrence of option c, or NULL. */
const char *adm_args_get(const struct adm_args *args, char c);
/*
 * The arguments of every occurrence of option c (for repeatable options
 * like -x), NULL-terminated, allocated from arena; never NULL.
 */
const char *const *adm_args_get_all(const struct adm_args *args, char c,
	struct arena *arena);

#endif
