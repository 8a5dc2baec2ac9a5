/*
 * imap-login-cmds.c - the pre-login IMAP commands: CAPABILITY, NOOP,
 * LOGOUT, ID, ENABLE, STARTTLS, LOGIN and AUTHENTICATE, with Dovecot
 * 2.3's exact response texts.
 */
#include "lib.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-id.h"
#include "auth-base64.h"
#include "str.h"
#include "imap-login-client.h"

static int cmd_capability(struct imap_login_client *client,
	const struct imap_arg *args)
{
	(void)args;
	login_client_send_str(&client->common, t_printf("* CAPABILITY %s\r\n",
		imap_login_get_capability(client)));
	imap_login_send_tagged(client, "OK Pre-login capabilities listed, "
		"post-login capabilities have more.");
	return 1;
}

static int cmd_noop(struct imap_login_client *client,
	const struct imap_arg *args)
{
	(void)args;
	imap_login_send_tagged(client, "OK NOOP completed.");
	return 1;
}

static int cmd_logout(struct imap_login_client *client,
	const struct imap_arg *args)
{
	(void)args;
	login_client_send_str(&client->common, "* BYE Logging out\r\n");
	imap_login_send_tagged(client, "OK Logout completed.");
	login_client_destroy(&client->common, "Aborted login by logging out");
	return 1;
}

static int cmd_enable(struct imap_login_client *client,
	const struct imap_arg *args)
{
	(void)args;
	login_client_send_str(&client->common, "* ENABLED\r\n");
	imap_login_send_tagged(client,
		"OK ENABLE ignored in non-authenticated state.");
	return 1;
}

static int cmd_starttls(struct imap_login_client *client,
	const struct imap_arg *args)
{
	(void)args;
	/* TLS is a later step; until then Dovecot's ssl = no answer. */
	imap_login_send_tagged(client, "BAD TLS support isn't enabled.");
	return 1;
}

static int cmd_id(struct imap_login_client *client,
	const struct imap_arg *args)
{
	struct login_client *common = &client->common;
	struct buf str;

	if (imap_id_args_check(args) < 0) {
		imap_login_send_tagged(client, "BAD Invalid ID parameters");
		return 1;
	}
	/* Heap: helpers below may open scratch frames. */
	buf_init(&str, NULL, 128, 8192);
	if (imap_id_args_log(&str,  args,
		    login_client_setting(common, "imap_id_log")) == 0 &&
	    str.used > 0)
		login_client_log(common, t_printf("ID sent: %s", str.data));

	buf_reset(&str);
	if (buf_append_str(&str, "* ID ") < 0 ||
	    imap_id_reply_append(&str,
		    login_client_setting(common, "imap_id_send")) < 0 ||
	    buf_append_str(&str, "\r\n") < 0) {
		i_error("imap_id_send reply too long");
		buf_reset(&str);
		if (buf_append_str(&str, "* ID NIL\r\n") < 0)
			i_panic("buffer too small");
	}
	login_client_send(common, str.data, str.used);
	buf_free(&str);
	imap_login_send_tagged(client, "OK ID completed.");
	return 1;
}

static void client_set_handoff_tag(struct imap_login_client *client)
{
	/* The tag buffer stays unchanged until the next command, and no
	   command is read while the authentication runs. */
	client->common.handoff_tag = client->tag;
}

static int cmd_login(struct imap_login_client *client,
	const struct imap_arg *args)
{
	struct login_client *common = &client->common;
	const char *user, *pass;
	struct buf plain;
	size_t ulen, plen;

	if (!imap_arg_get_astring(&args[0], &user) ||
	    !imap_arg_get_astring(&args[1], &pass) ||
	    !IMAP_ARG_IS_EOL(&args[2]))
		return -1;

	if (login_client_plaintext_disabled(common)) {
		login_client_send_str(common, "* BAD [ALERT] Plaintext "
			"authentication not allowed without SSL/TLS, but your "
			"client did it anyway. If anyone was listening, the "
			"password was exposed.\r\n");
		imap_login_send_tagged(client, "NO [PRIVACYREQUIRED] "
			LOGIN_PLAINTEXT_DISABLED_MSG);
		login_auth_count_failed_attempt(common, user,
			LOGIN_AUTH_FAIL_NONE);
		if (common->set.auth_verbose) {
			login_client_log(common, "Login failed: Plaintext "
				"authentication disabled");
		}
		return 1;
	}

	/* LOGIN is PLAIN with an empty authzid: "\0user\0pass". */
	ulen = strlen(user);
	plen = strlen(pass);
	buf_init(&plain, scratch_arena(), size_add(size_add(ulen, plen), 3),
		0);
	if (buf_append_c(&plain, '\0') < 0 ||
	    buf_append(&plain, user, ulen) < 0 ||
	    buf_append_c(&plain, '\0') < 0 ||
	    buf_append(&plain, pass, plen) < 0)
		i_panic("unbounded buffer failed");
	login_client_set_user(common, user);
	client_set_handoff_tag(client);
	login_auth_begin(common, "PLAIN",
		auth_base64_encode(scratch_arena(), plain.data, plain.used));
	explicit_bzero(plain.data, plain.used);
	return 0;
}

static int cmd_authenticate(struct imap_login_client *client,
	const struct imap_arg *args)
{
	struct login_client *common = &client->common;
	const char *mech, *ir = NULL;
	unsigned char *data;
	size_t size;

	/* RFC 4959: AUTHENTICATE mech [initial-response], "=" = empty.
	   Like Dovecot, arguments after the response are ignored. */
	if (!imap_arg_get_atom(&args[0], &mech) || *mech == '\0')
		return -1;
	if (!IMAP_ARG_IS_EOL(&args[1])) {
		if (!imap_arg_get_astring(&args[1], &ir))
			return -1;
		if (strcmp(ir, "=") == 0)
			ir = "";
		else if (auth_base64_decode(scratch_arena(), ir, strlen(ir),
				 &data, &size) < 0) {
			login_client_set_mech(common, mech);
			common->last_auth_fail = LOGIN_AUTH_FAIL_INVALID_BASE64;
			imap_login_send_tagged(client, "BAD Invalid base64 "
				"data in initial response");
			return 1;
		}
	}
	client_set_handoff_tag(client);
	login_auth_begin(&client->common, mech, ir);
	return 0;
}

static const struct imap_login_command imap_login_commands[] = {
	{ "CAPABILITY", cmd_capability },
	{ "NOOP", cmd_noop },
	{ "LOGOUT", cmd_logout },
	{ "ID", cmd_id },
	{ "ENABLE", cmd_enable },
	{ "STARTTLS", cmd_starttls },
	{ "LOGIN", cmd_login },
	{ "AUTHENTICATE", cmd_authenticate },
};

const struct imap_login_command *imap_login_command_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_login_commands); i++) {
		if (strcasecmp(imap_login_commands[i].name, name) == 0)
			return &imap_login_commands[i];
	}
	return NULL;
}
