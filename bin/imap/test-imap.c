/*
 * test-imap.c - unit tests for the imap process's pure parts: the
 * command table and dispatcher (states, bad arguments, unknown names),
 * the capability lists, and ID parsing, logging and replies.  The
 * session's I/O functions are replaced by recording doubles below.
 */
#include "lib.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "imap-capability.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-id.h"
#include "str.h"
#include "test-common.h"

static struct buf sent;
static const char *disconnect_reason;

void imap_client_send_line(struct imap_client *client, const char *line)
{
	(void)client;
	if (buf_append_str(&sent, line) < 0 || buf_append_str(&sent, "\n") < 0)
		i_panic("test buffer full");
}

void imap_client_send_tagline(struct imap_client *client, const char *text)
{
	imap_client_send_line(client, t_printf("%s %s", client->tag, text));
}

void imap_client_log(struct imap_client *client, const char *msg)
{
	imap_client_send_line(client, t_printf("LOG %s", msg));
}

void imap_client_disconnect(struct imap_client *client, const char *reason)
{
	client->disconnected = true;
	disconnect_reason = reason;
}

const char *imap_client_get_capability(struct imap_client *client)
{
	struct buf str;

	buf_init(&str, scratch_arena(), 256, 0);
	if (imap_capability_append_postlogin(&str,
		    client->set.imap_capability,
		    client->set.imap_literal_minus) < 0)
		i_panic("buffer");
	return buf_cstr(&str);
}

/* Parses one complete command line and returns its arguments. */
static const struct imap_arg *parse_line(struct imap_parser *parser,
	const char *line, const char **name_r)
{
	const struct imap_arg *args;
	const char *tag;
	size_t len = strlen(line), pos = 0, consumed;

	imap_parser_reset(parser);
	if (imap_parser_read_tag(parser, (const void *)line, len, &consumed,
		    &tag) != 1)
		return NULL;
	pos += consumed;
	if (imap_parser_read_command_name(parser, (const void *)(line + pos),
		    len - pos, &consumed, name_r) != 1)
		return NULL;
	pos += consumed;
	if (imap_parser_read_args(parser, (const void *)(line + pos),
		    len - pos, &consumed, 0, 0, &args) != 1)
		return NULL;
	return args;
}

static struct imap_parser *new_parser(void)
{
	struct imap_parser_settings set;

	memset(&set, 0, sizeof(set));
	set.max_line_length = 65536;
	set.max_literal_size = 65536;
	set.max_list_depth = 4;
	return imap_parser_create(&set);
}

static const char *cap(bool pre, const char *setting, bool minus);

static const char *run(struct imap_client *client, struct imap_parser *p,
	const char *line, bool *bad_r)
{
	const struct imap_command_def *def;
	const struct imap_arg *args;
	const char *name;

	buf_reset(&sent);
	args = parse_line(p, line, &name);
	if (args == NULL)
		return "PARSE ERROR";
	def = imap_command_find(name);
	if (def == NULL)
		return "UNKNOWN";
	(void)imap_command_run(client, def, args, bad_r);
	return buf_cstr(&sent);
}

static unsigned int dummy_calls;

static enum imap_cmd_result cmd_dummy(struct imap_cmd *cmd)
{
	dummy_calls++;
	if (IMAP_ARG_IS_EOL(&cmd->args[0]))
		return IMAP_CMD_BAD_ARGS;
	imap_client_send_tagline(cmd->client, "OK Dummy completed.");
	return IMAP_CMD_DONE;
}

static void test_imap_command_states(void)
{
	static const struct imap_command_def selected_only = {
		"DUMMY", cmd_dummy, IMAP_CLIENT_STATE_SELECTED,
		IMAP_CMD_FLAG_USES_SEQS
	};
	struct imap_client client;
	struct imap_parser *p = new_parser();
	const struct imap_arg *args;
	const char *name;
	bool bad;

	test_begin("imap command states");
	buf_init(&sent, NULL, 1024, 65536);
	memset(&client, 0, sizeof(client));
	client.tag = "t";
	client.cmd_arena = arena_create("cmd", 256);

	/* Not selected: the handler never runs. */
	client.state = IMAP_CLIENT_STATE_AUTH;
	args = parse_line(p, "t DUMMY 1\r\n", &name);
	(void)imap_command_run(&client, &selected_only, args, &bad);
	test_assert(bad && dummy_calls == 0);
	test_assert_strcmp(buf_cstr(&sent), "t BAD No mailbox selected.\n");

	/* Selected: it runs; bad arguments get Dovecot's BAD. */
	client.state = IMAP_CLIENT_STATE_SELECTED;
	buf_reset(&sent);
	(void)imap_command_run(&client, &selected_only, args, &bad);
	test_assert(!bad && dummy_calls == 1);
	test_assert_strcmp(buf_cstr(&sent), "t OK Dummy completed.\n");
	buf_reset(&sent);
	args = parse_line(p, "t DUMMY\r\n", &name);
	(void)imap_command_run(&client, &selected_only, args, &bad);
	test_assert(bad && dummy_calls == 2);
	test_assert_strcmp(buf_cstr(&sent), "t BAD Error in IMAP command "
		"DUMMY: Invalid arguments.\n");

	imap_parser_destroy(&p);
	arena_destroy(&client.cmd_arena);
	buf_free(&sent);
	test_end();
}

static void test_imap_command_table(void)
{
	struct imap_client client;
	struct imap_parser *p = new_parser();
	unsigned int i;
	bool bad;

	test_begin("imap command table");
	buf_init(&sent, NULL, 1024, 65536);
	memset(&client, 0, sizeof(client));
	client.tag = "a1";
	client.state = IMAP_CLIENT_STATE_AUTH;
	client.cmd_arena = arena_create("cmd", 256);
	client.set.imap_capability = "";
	client.set.imap_id_send = "name *";
	client.set.imap_id_log = "*";

	/* Every row: a handler, a state, and a unique upper-case name. */
	for (i = 0; i < imap_commands_count(); i++) {
		const struct imap_command_def *def = imap_command_get(i);

		test_assert(def->func != NULL && def->states != 0);
		test_assert(imap_command_find(def->name) == def);
		test_assert(strcmp(t_str_ucase(def->name), def->name) == 0);
	}
	test_assert(imap_command_find("noop") == imap_command_find("NOOP"));
	test_assert(imap_command_find("LOGIN") == NULL);
	test_assert(imap_command_find("AUTHENTICATE") == NULL);
	test_assert(imap_command_find("XYZZY") == NULL);

	test_assert_strcmp(run(&client, p, "a1 NOOP\r\n", &bad),
		"a1 OK NOOP completed.\n");
	test_assert(!bad);
	/* CAPABILITY answers the post-login list of the capability table. */
	test_assert_strcmp(run(&client, p, "a1 CAPABILITY\r\n", &bad),
		t_printf("* CAPABILITY %s\na1 OK Capability completed.\n",
			cap(false, "", false)));
	test_assert_strcmp(run(&client, p,
		"a1 ID (\"name\" \"x\" \"version\" NIL)\r\n", &bad),
		"LOG ID sent: name=x, version=NIL\n"
		"* ID (\"name\" \"Roost\")\n"
		"a1 OK ID completed.\n");

	/* A command in a state it is not allowed in. */
	client.state = IMAP_CLIENT_STATE_LOGOUT;
	test_assert_strcmp(run(&client, p, "a1 NOOP\r\n", &bad),
		"a1 BAD Error in IMAP command NOOP: Command not allowed "
		"now.\n");
	test_assert(bad);
	client.state = IMAP_CLIENT_STATE_AUTH;

	test_assert(!client.disconnected);
	client.last_eol_len = 2;
	client.bytes_in = 10;
	test_assert_strcmp(run(&client, p, "a1 LOGOUT\r\n", &bad),
		"* BYE Logging out\na1 OK Logout completed.\n");
	test_assert(client.disconnected);
	test_assert_strcmp(disconnect_reason, "Logged out");
	test_assert(client.bytes_in == 8);
	test_assert(client.state == IMAP_CLIENT_STATE_LOGOUT);

	imap_parser_destroy(&p);
	arena_destroy(&client.cmd_arena);
	buf_free(&sent);
	test_end();
}

static const char *cap(bool pre, const char *setting, bool minus)
{
	struct buf str;

	buf_init(&str, scratch_arena(), 64, 4096);
	if ((pre ? imap_capability_append_prelogin(&str, setting, minus) :
		   imap_capability_append_postlogin(&str, setting, minus)) < 0)
		return "ERROR";
	return buf_cstr(&str);
}

static void test_imap_capability(void)
{
	const struct imap_capability_def *def;
	struct buf tiny;

	test_begin("imap capability lists");
	SCRATCH_BEGIN {
		const char *pre = cap(true, "", false);
		const char *post = cap(false, "", false);
		size_t base_len = strlen(post) - strlen(" LITERAL+");

		/* The lists grow as commands land: check their shape, not
		   their full text.  Pre-login is a subset without the
		   mailbox extensions; LITERAL+ (or LITERAL-) comes last and
		   imap_capability's "+" items go right before it. */
		test_assert(str_begins(pre,
			"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID"));
		test_assert(str_ends(pre, " LITERAL+"));
		test_assert(strstr(pre, " SORT") == NULL);
		test_assert(str_begins(post,
			"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID"));
		test_assert(str_ends(post, " LITERAL+"));
		test_assert(strlen(post) >= strlen(pre));
		test_assert_strcmp(cap(false, "", true),
			t_printf("%.*s LITERAL-", (int)base_len, post));
		test_assert_strcmp(cap(false, "+XFOO XBAR", false),
			t_printf("%.*s XFOO XBAR LITERAL+", (int)base_len,
				post));
		/* An explicit list replaces everything, LITERAL+ too. */
		test_assert_strcmp(cap(true, "IMAP4rev1 FOO", false),
			"IMAP4rev1 FOO");
		buf_init(&tiny, scratch_arena(), 8, 10);
		test_assert(imap_capability_append_postlogin(&tiny, "",
			false) < 0);
	} SCRATCH_END;
	/* Only implemented rows are ever advertised. */
	for (def = imap_capability_defs; def->name != NULL; def++) {
		SCRATCH_BEGIN {
			const char *list = t_printf(" %s ", cap(false, "",
				false));

			test_assert((strstr(list, t_printf(" %s ", def->name))
				!= NULL) == def->implemented);
		} SCRATCH_END;
	}
	test_end();
}

static const char *id_reply(const char *setting)
{
	struct buf str;

	buf_init(&str, scratch_arena(), 64, 4096);
	if (imap_id_reply_append(&str, setting) < 0)
		return "ERROR";
	return buf_cstr(&str);
}

static int id_check(struct imap_parser *p, const char *line)
{
	const struct imap_arg *args;
	const char *name;

	args = parse_line(p, line, &name);
	return args == NULL ? -2 : imap_id_args_check(args);
}

static void test_imap_id(void)
{
	struct imap_parser *p = new_parser();
	const struct imap_arg *args;
	const char *name;
	struct buf str;

	test_begin("imap ID");
	SCRATCH_BEGIN {
		test_assert_strcmp(id_reply(""), "NIL");
		test_assert_strcmp(id_reply("name *"), "(\"name\" \"Roost\")");
		test_assert_strcmp(id_reply("name * support-url "
			"\"http://x y\" nosuch *"),
			"(\"name\" \"Roost\" \"support-url\" \"http://x y\" "
			"\"nosuch\" NIL)");
		test_assert(str_begins(id_reply("version *"),
			"(\"version\" \""));

		test_assert(id_check(p, "a ID NIL\r\n") == 0);
		test_assert(id_check(p, "a ID ()\r\n") == 0);
		test_assert(id_check(p, "a ID (\"name\")\r\n") == 0);
		test_assert(id_check(p, "a ID (\"a\" \"b\" \"c\" NIL)\r\n")
			== 0);
		test_assert(id_check(p, "a ID (name foo)\r\n") == -1);
		test_assert(id_check(p, "a ID (\"a\" (\"b\"))\r\n") == -1);
		test_assert(id_check(p, "a ID\r\n") == 0);
		test_assert(id_check(p, "a ID NIL NIL\r\n") == 0);
		test_assert(id_check(p, "a ID (\"a\" \"b\") x\r\n") == 0);
		test_assert(id_check(p, "a ID foo\r\n") == -1);
		test_assert(id_check(p, "a ID \"foo\"\r\n") == -1);

		buf_init(&str, scratch_arena(), 64, 4096);
		args = parse_line(p, "a ID (\"name\" \"x\" \"os\" \"y\" "
			"\"version\" NIL)\r\n", &name);
		test_assert(imap_id_args_log(&str, args, "name version") == 0);
		test_assert_strcmp(buf_cstr(&str), "name=x, version=NIL");
		buf_reset(&str);
		test_assert(imap_id_args_log(&str, args, "") == 0);
		test_assert(str.used == 0);
	} SCRATCH_END;
	imap_parser_destroy(&p);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_imap_command_table,
		test_imap_command_states,
		test_imap_capability,
		test_imap_id,
		NULL
	};

	return test_run(tests);
}
