/*
 * test-adm-args.c - unit tests of roostadm's command line: the option
 * parser, -o overrides, -x auth info, the real command table's usage text
 * (compared with doveadm 2.3.19's, captured from Debian's dovecot-core)
 * and the dispatcher's usage errors and exit codes.
 *
 * The command handlers are replaced here by recorders, so the table and
 * the dispatcher run without a server.
 */
#include "lib.h"
#include "adm.h"
#include "adm-auth-info.h"
#include "adm-commands.h"
#include "adm-getopt.h"
#include "test-common.h"

#include <fcntl.h>

/* The handler recorder. */
static const char *last_handler;
static struct adm_args last_args;
static struct arena *last_arena;

static void record(struct adm_cmd_context *cctx, const char *name)
{
	last_handler = name;
	last_args = cctx->args;
	/* Copy the argument array: the command arena dies after the call. */
	last_args.opts = arena_alloc(last_arena,
		size_mul(sizeof(*last_args.opts), last_args.opt_count + 1));
	memcpy((void *)last_args.opts, cctx->args.opts,
		sizeof(*last_args.opts) * last_args.opt_count);
	last_args.args = arena_alloc(last_arena,
		size_mul(sizeof(*last_args.args), last_args.arg_count + 1));
	memcpy((void *)last_args.args, cctx->args.args,
		sizeof(*last_args.args) * (last_args.arg_count + 1));
}

void cmd_help(struct adm_cmd_context *cctx)
{
	record(cctx, "help");
}
void cmd_auth_test(struct adm_cmd_context *cctx)
{
	record(cctx, "auth test");
	if (strcmp(cctx->args.args[0], "baduser") == 0)
		adm_set_exit(cctx->adm, ADM_EX_NOPERM);
}
void cmd_auth_lookup(struct adm_cmd_context *cctx)
{
	record(cctx, "auth lookup");
}
void cmd_user(struct adm_cmd_context *cctx)
{
	record(cctx, "user");
}
void cmd_pw(struct adm_cmd_context *cctx)
{
	record(cctx, "pw");
}
void cmd_reload(struct adm_cmd_context *cctx)
{
	record(cctx, "reload");
}
void cmd_stop(struct adm_cmd_context *cctx)
{
	record(cctx, "stop");
}
void cmd_log_errors(struct adm_cmd_context *cctx)
{
	record(cctx, "log errors");
}
void cmd_mailbox_list(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox list");
}
void cmd_mailbox_create(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox create");
}
void cmd_mailbox_delete(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox delete");
}
void cmd_mailbox_rename(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox rename");
}
void cmd_mailbox_subscribe(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox subscribe");
}
void cmd_mailbox_unsubscribe(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox unsubscribe");
}
void cmd_mailbox_status(struct adm_cmd_context *cctx)
{
	record(cctx, "mailbox status");
}
void cmd_force_resync(struct adm_cmd_context *cctx)
{
	record(cctx, "force-resync");
}
void cmd_index(struct adm_cmd_context *cctx)
{
	record(cctx, "index");
}
void cmd_save(struct adm_cmd_context *cctx)
{
	record(cctx, "save");
}
void cmd_search(struct adm_cmd_context *cctx)
{
	record(cctx, "search");
}
void cmd_fetch(struct adm_cmd_context *cctx)
{
	record(cctx, "fetch");
}
void cmd_expunge(struct adm_cmd_context *cctx)
{
	record(cctx, "expunge");
}
void cmd_flags_add(struct adm_cmd_context *cctx)
{
	record(cctx, "flags add");
}
void cmd_flags_remove(struct adm_cmd_context *cctx)
{
	record(cctx, "flags remove");
}
void cmd_flags_replace(struct adm_cmd_context *cctx)
{
	record(cctx, "flags replace");
}
void cmd_copy(struct adm_cmd_context *cctx)
{
	record(cctx, "copy");
}
void cmd_move(struct adm_cmd_context *cctx)
{
	record(cctx, "move");
}

static int parse(const char *optstring, const char *const *argv,
	struct adm_args *args_r, const char **error_r)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return adm_getopt_parse(last_arena, optstring, argc, argv, args_r,
		error_r);
}

static void test_getopt_basic(void)
{
	static const char *const argv[] = {
		"user", "-a", "/run/sock", "-xservice=imap", "-u", "alice",
		"-x", "rip=1.2.3.4", "bob", "-f", "home", NULL
	};
	struct adm_args args;
	const char *error, *const *xs;

	test_begin("getopt: attached/separate arguments, permutation");
	test_assert(parse("a:x:f:e:u", argv, &args, &error) == 0);
	test_assert(args.opt_count == 5);
	test_assert(args.arg_count == 2);
	test_assert_strcmp(args.args[0], "alice");
	test_assert_strcmp(args.args[1], "bob");
	test_assert(args.args[2] == NULL);
	test_assert_strcmp(adm_args_get(&args, 'a'), "/run/sock");
	test_assert_strcmp(adm_args_get(&args, 'f'), "home");
	test_assert(adm_args_has(&args, 'u'));
	test_assert(!adm_args_has(&args, 'e'));
	test_assert(adm_args_get(&args, 'e') == NULL);
	xs = adm_args_get_all(&args, 'x', last_arena);
	test_assert_strcmp(xs[0], "service=imap");
	test_assert_strcmp(xs[1], "rip=1.2.3.4");
	test_assert(xs[2] == NULL);
	test_end();
}

static void test_getopt_groups(void)
{
	static const char *const argv1[] = { "pw", "-lVp", "secret", NULL };
	static const char *const argv2[] = { "pw", "-Vpsecret", "-s", "x",
		"-s", "sha256", NULL };
	static const char *const argv3[] = { "user", "--", "-u", "-", NULL };
	struct adm_args args;
	const char *error;

	test_begin("getopt: grouped flags, last value wins, --");
	test_assert(parse("lp:r:s:t:u:V", argv1, &args, &error) == 0);
	test_assert(adm_args_has(&args, 'l') && adm_args_has(&args, 'V'));
	test_assert_strcmp(adm_args_get(&args, 'p'), "secret");
	test_assert(args.arg_count == 0);

	test_assert(parse("lp:r:s:t:u:V", argv2, &args, &error) == 0);
	test_assert_strcmp(adm_args_get(&args, 'p'), "secret");
	test_assert_strcmp(adm_args_get(&args, 's'), "sha256");

	test_assert(parse("a:x:f:e:u", argv3, &args, &error) == 0);
	test_assert(args.opt_count == 0);
	test_assert(args.arg_count == 2);
	test_assert_strcmp(args.args[0], "-u");
	test_assert_strcmp(args.args[1], "-");
	test_end();
}

static void test_getopt_errors(void)
{
	static const char *const bad_opt[] = { "pw", "-x", NULL };
	static const char *const missing[] = { "pw", "-s", "x", "-p", NULL };
	static const char *const colon[] = { "pw", "-:", NULL };
	struct adm_args args;
	const char *error;

	test_begin("getopt: GNU error messages");
	test_assert(parse("lp:r:s:t:u:V", bad_opt, &args, &error) < 0);
	test_assert_strcmp(error, "pw: invalid option -- 'x'");
	test_assert(parse("lp:r:s:t:u:V", missing, &args, &error) < 0);
	test_assert_strcmp(error, "pw: option requires an argument -- 'p'");
	test_assert(parse("lp:r:s:t:u:V", colon, &args, &error) < 0);
	test_assert_strcmp(error, "pw: invalid option -- ':'");
	test_end();
}

static void test_getopt_stop_at_first(void)
{
	static const char *const argv[] = { "roostadm", "-D", "-c", "/x.conf",
		"-f", "json", "user", "-u", "alice", NULL };
	struct adm_args args;
	const char *error;

	test_begin("getopt: '+' stops at the command");
	test_assert(parse("+Dc:f:ho:v", argv, &args, &error) == 0);
	test_assert(args.opt_count == 3);
	test_assert_strcmp(adm_args_get(&args, 'c'), "/x.conf");
	test_assert(args.arg_count == 3);
	test_assert_strcmp(args.args[0], "user");
	test_assert_strcmp(args.args[1], "-u");
	test_assert_strcmp(args.args[2], "alice");
	test_end();
}

static void test_overrides(void)
{
	struct adm_context ctx;
	const char *error;

	test_begin("-o setting=value");
	adm_context_init(&ctx, last_arena);
	test_assert(adm_add_override(&ctx, "base_dir=/tmp/a", &error) == 0);
	test_assert(adm_add_override(&ctx, "base_dir=/tmp/b=c", &error) == 0);
	test_assert(adm_add_override(&ctx, "mail_home=", &error) == 0);
	test_assert(adm_add_override(&ctx, "base_dir", &error) < 0);
	test_assert_strcmp(error, "Invalid -o parameter base_dir: "
		"Missing '='");
	test_assert(adm_add_override(&ctx, "=x", &error) < 0);
	test_assert(ctx.overrides.count == 3);
	/* The last one wins and the value keeps its '='. */
	test_assert_strcmp(adm_setting(&ctx, "base_dir"), "/tmp/b=c");
	test_assert_strcmp(adm_setting(&ctx, "mail_home"), "");
	test_assert_strcmp(adm_base_path(&ctx, "auth-userdb"),
		"/tmp/b=c/auth-userdb");
	test_assert_strcmp(adm_base_path(&ctx, "/abs/sock"), "/abs/sock");
	/* Nothing here needed the configuration file. */
	test_assert(ctx.config == NULL);
	adm_context_deinit(&ctx);
	test_end();
}

static void test_auth_info(void)
{
	static const char *const good[] = { "service=imap", "lip=127.0.0.1",
		"rip=::1", "lport=143", "rport=54321", "session=abc",
		"local_name=mail.example.com", "real_rip=10.0.0.1",
		"forward_x=y", NULL };
	static const char *const none[] = { NULL };
	static const char *const bad[][2] = {
		{ "rip=1.2.3", NULL }, { "lip=x", NULL },
		{ "lport=0", NULL }, { "rport=65536", NULL },
		{ "lport=12a", NULL }, { "service", NULL },
	};
	static const char *const bad_errors[] = {
		"rip: Invalid ip", "lip: Invalid ip",
		"lport: Invalid port number", "rport: Invalid port number",
		"lport: Invalid port number", "Invalid auth info: service",
	};
	struct adm_auth_info info;
	const char *error;

	test_begin("-x auth info");
	test_assert(adm_auth_info_parse(last_arena, none, &info, &error) == 0);
	test_assert_strcmp(info.service, "doveadm");
	test_assert(info.remote_ip == NULL && info.local_port == 0);
	test_assert(info.extra_count == 0 && info.extra[0] == NULL);

	test_assert(adm_auth_info_parse(last_arena, good, &info, &error) == 0);
	test_assert_strcmp(info.service, "imap");
	test_assert_strcmp(info.local_ip, "127.0.0.1");
	test_assert_strcmp(info.remote_ip, "::1");
	test_assert(info.local_port == 143 && info.remote_port == 54321);
	test_assert_strcmp(info.session_id, "abc");
	test_assert_strcmp(info.local_name, "mail.example.com");
	test_assert(info.extra_count == 2);
	test_assert_strcmp(info.extra[0], "real_rip=10.0.0.1");
	test_assert_strcmp(info.extra[1], "forward_x=y");
	test_assert(info.extra[2] == NULL);

	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++) {
		test_assert(adm_auth_info_parse(last_arena, bad[i], &info,
			&error) < 0);
		test_assert_strcmp(error, bad_errors[i]);
	}
	test_end();
}

/* doveadm 2.3.19's "doveadm" usage, restricted to roostadm's commands
   (the lines below are doveadm's, byte for byte). */
static const char usage_all[] =
	"usage: roostadm [-Dv] [-f <formatter>] <command> [<args>]\n"
	"  auth         lookup|test\n"
	"  copy         [-u <user>|-A] [-S <socket_path>] <destination> "
	"[user <source user>] <search query>\n"
	"  expunge      [-u <user>|-A] [-S <socket_path>] [-m] "
	"<search query>\n"
	"  fetch        [-u <user>|-A] [-S <socket_path>] <fields> "
	"<search query>\n"
	"  flags        add|remove|replace\n"
	"  force-resync [-u <user>|-A] [-S <socket_path>] [-f] "
	"<mailbox mask>\n"
	"  help         [<cmd>]\n"
	"  index        [-u <user>|-A] [-S <socket_path>] [-q] "
	"[-n <max recent>] <mailbox mask>\n"
	"  log          errors\n"
	"  mailbox      create|delete|list|rename|status|subscribe|"
	"unsubscribe\n"
	"  move         [-u <user>|-A] [-S <socket_path>] <destination> "
	"[user <source user>] <search query>\n"
	"  pw           [-l] [-p plaintext] [-r rounds] [-s scheme] "
	"[-t hash] [-u user] [-V]\n"
	"  reload       \n"
	"  save         [-u <user>|-A] [-S <socket_path>] [-m mailbox]\n"
	"  search       [-u <user>|-A] [-S <socket_path>] <search query>\n"
	"  stop         \n"
	"  user         [-a <userdb socket path>] [-x <auth info>] "
	"[-f field] [-e <value>] [-u] <user mask> [<user mask> [...]]\n";
static const char usage_auth[] =
	"usage: roostadm [-Dv] [-f <formatter>] auth <command> [<args>]\n"
	"  lookup       [-a <userdb socket path>] [-x <auth info>] "
	"[-f field] <user> [<user> [...]]\n"
	"  test         [-a <auth socket path>] [-x <auth info>] "
	"[-M <master user>] <user> [<password>]\n";
static const char usage_mailbox[] =
	"usage: roostadm [-Dv] [-f <formatter>] mailbox <command> [<args>]\n"
	"  create       [-u <user>|-A] [-S <socket_path>] [-s] [-g <guid>] "
	"<mailbox> [...]\n"
	"  delete       [-u <user>|-A] [-S <socket_path>] [-e] [-r] [-s] [-Z] "
	"<mailbox> [...]\n"
	"  list         [-u <user>|-A] [-S <socket_path>] [-7|-8] [-s] "
	"[<mailbox mask> [...]]\n"
	"  rename       [-u <user>|-A] [-S <socket_path>] [-s] <old name> "
	"<new name>\n"
	"  status       [-u <user>|-A] [-S <socket_path>] <fields> <mailbox> "
	"[...]\n"
	"  subscribe    [-u <user>|-A] [-S <socket_path>] <mailbox> [...]\n"
	"  unsubscribe  [-u <user>|-A] [-S <socket_path>] <mailbox> [...]\n";
static const char usage_log[] =
	"usage: roostadm [-Dv] [-f <formatter>] log <command> [<args>]\n"
	"  errors       [-s <min_timestamp>]\n";

static const char *usage_text(const char *prefix)
{
	char *data = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&data, &size);
	const char *text;

	adm_cmd_write_usage(f, adm_cmd_table, adm_cmd_table_count, prefix);
	fclose(f);
	text = arena_strdup(last_arena, data);
	free(data);
	return text;
}

static void test_usage_text(void)
{
	test_begin("usage text (doveadm's layout)");
	test_assert_strcmp(usage_text(""), usage_all);
	test_assert_strcmp(usage_text("auth"), usage_auth);
	test_assert_strcmp(usage_text("log"), usage_log);
	test_assert_strcmp(usage_text("mailbox"), usage_mailbox);
	test_end();
}

/* Runs the dispatcher with stderr captured; returns the exit code. */
static int run_captured(const char *const *argv, const char **stderr_r)
{
	const char *path = t_printf("%s/stderr", test_tmpdir());
	struct adm_context ctx;
	char buf[4096];
	int argc = 0, fd, saved, ret;
	ssize_t n;

	while (argv[argc] != NULL)
		argc++;
	adm_context_init(&ctx, last_arena);
	last_handler = NULL;
	(void)fflush(stderr);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	saved = dup(STDERR_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	ret = adm_cmd_run(&ctx, adm_cmd_table, adm_cmd_table_count, argc,
		argv);
	(void)fflush(stderr);
	(void)dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	*stderr_r = arena_strdup(last_arena, buf);
	adm_context_deinit(&ctx);
	return ret;
}

static void test_dispatch(void)
{
	static const char *const auth_test[] = { "auth", "test", "alice",
		"-x", "service=imap", "secret", NULL };
	static const char *const auth_fail[] = { "auth", "test", "baduser",
		"pw", NULL };
	static const char *const log_errors[] = { "log", "errors", "-s",
		"100", NULL };
	static const char *const pw[] = { "pw", "-s", "sha256", "-p", "x",
		NULL };
	static const char *const help_auth[] = { "help", "auth", NULL };
	const char *err;

	test_begin("dispatch: command words, options, arguments");
	test_assert(run_captured(auth_test, &err) == 0);
	test_assert_strcmp(last_handler, "auth test");
	test_assert(last_args.arg_count == 2);
	test_assert_strcmp(last_args.args[0], "alice");
	test_assert_strcmp(last_args.args[1], "secret");
	test_assert_strcmp(adm_args_get(&last_args, 'x'), "service=imap");
	test_assert_strcmp(err, "");

	test_assert(run_captured(auth_fail, &err) == ADM_EX_NOPERM);
	test_assert_strcmp(last_handler, "auth test");

	test_assert(run_captured(log_errors, &err) == 0);
	test_assert_strcmp(last_handler, "log errors");
	test_assert_strcmp(adm_args_get(&last_args, 's'), "100");

	test_assert(run_captured(pw, &err) == 0);
	test_assert_strcmp(last_handler, "pw");

	test_assert(run_captured(help_auth, &err) == 0);
	test_assert_strcmp(last_handler, "help");
	test_assert_strcmp(last_args.args[0], "auth");
	test_end();
}

static void test_dispatch_errors(void)
{
	static const char *const none[] = { NULL };
	static const char *const unknown[] = { "frobnicate", "x", NULL };
	static const char *const family[] = { "auth", NULL };
	static const char *const family_bad[] = { "auth", "nope", NULL };
	static const char *const bad_opt[] = { "log", "errors", "-x", NULL };
	static const char *const missing_arg[] = { "auth", "test", NULL };
	static const char *const missing_optarg[] = { "pw", "-p", NULL };
	static const char *const extra[] = { "reload", "a", "b", NULL };
	static const char *const extra_pw[] = { "pw", "-p", "x", "y", NULL };
	static const char *const extra_test[] = { "auth", "test", "u", "p",
		"q", NULL };
	const char *err;

	test_begin("dispatch: doveadm's usage errors, exit 64");
	test_assert(run_captured(none, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, usage_all);
	test_assert(run_captured(unknown, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, usage_all);
	test_assert(last_handler == NULL);
	test_assert(run_captured(family, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, usage_auth);
	test_assert(run_captured(family_bad, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, usage_auth);
	test_assert(run_captured(bad_opt, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, "errors: invalid option -- 'x'\n");
	test_assert(run_captured(missing_arg, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, "roostadm auth test [-a <auth socket path>] "
		"[-x <auth info>] [-M <master user>] <user> [<password>]\n");
	test_assert(run_captured(missing_optarg, &err) == ADM_EX_USAGE);
	test_assert_strcmp(err, "pw: option requires an argument -- 'p'\n");
	test_assert(run_captured(extra, &err) == ADM_EX_USAGE);
	test_assert(strstr(err, "Error: Extraneous arguments found: a b\n")
		!= NULL);
	test_assert(run_captured(extra_pw, &err) == ADM_EX_USAGE);
	test_assert(strstr(err, "Error: Extraneous arguments found: y\n")
		!= NULL);
	test_assert(run_captured(extra_test, &err) == ADM_EX_USAGE);
	test_assert(strstr(err, "Error: Extraneous arguments found: q\n")
		!= NULL);
	test_assert(last_handler == NULL);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_getopt_basic,
		test_getopt_groups,
		test_getopt_errors,
		test_getopt_stop_at_first,
		test_overrides,
		test_auth_info,
		test_usage_text,
		test_dispatch,
		test_dispatch_errors,
		NULL
	};
	int ret;

	log_init(LOG_MODE_STDERR, "");
	log_set_timestamp_format("");
	last_arena = arena_create("test", 4096);
	ret = test_run(tests);
	arena_destroy(&last_arena);
	return ret;
}
