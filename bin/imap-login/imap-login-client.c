/*
 * imap-login-client.c - the IMAP hooks of imap-login: greeting, the
 * command loop over the incremental IMAP parser, SASL continuation lines,
 * and Dovecot's replies for authentication results and disconnects.
 */
#include "lib.h"
#include "buf.h"
#include "conn.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "imap-capability.h"
#include "imap-login-client.h"

#define ERR_IN_COMMAND "Error in IMAP command received by server."

static struct login_client *imap_client_alloc(struct arena *arena)
{
	struct imap_login_client *client;

	client = arena_new(arena, struct imap_login_client, 1);
	return &client->common;
}

static void imap_client_create(struct login_client *common)
{
	struct imap_login_client *client = (struct imap_login_client *)common;
	struct imap_parser_settings set;

	client->literal_minus =
		login_client_setting_bool(common, "imap_literal_minus");
	memset(&set, 0, sizeof(set));
	/* The parser consumes the line as it arrives, so the connection's
	   input buffer (LOGIN_MAX_INBUF_SIZE) doesn't bound a line.  Most
	   pre-login lines are short, but ID may legally carry 30 pairs of
	   1024-byte values (RFC 2971), which Dovecot accepts: allow that
	   much and no more before login. */
	set.max_line_length = IMAP_LOGIN_MAX_LINE_LENGTH;
	set.max_literal_size = IMAP_LOGIN_MAX_LITERAL_SIZE;
	set.max_list_depth = 1;
	set.literal_minus_only = client->literal_minus;
	client->parser = imap_parser_create(&set);
	client->state = IMAP_LOGIN_STATE_TAG;
}

static void imap_client_destroy(struct login_client *common)
{
	struct imap_login_client *client = (struct imap_login_client *)common;

	if (client->parser != NULL)
		imap_parser_destroy(&client->parser);
}

const char *imap_login_get_capability(struct imap_login_client *client)
{
	struct login_client *common = &client->common;
	struct buf str;

	buf_init(&str, scratch_arena(), 256, 0);
	if (imap_capability_append_prelogin(&str,
		    login_client_setting(common, "imap_capability"),
		    client->literal_minus) < 0)
		i_panic("unbounded buffer failed");
	/* STARTTLS is advertised once TLS is implemented. */
	if (login_client_plaintext_disabled(common) ||
	    !login_client_mech_available(common, "PLAIN")) {
		if (buf_append_str(&str, " LOGINDISABLED") < 0)
			i_panic("unbounded buffer failed");
	}
	if (buf_append_str(&str,
		    login_client_get_auth_capabilities(common)) < 0)
		i_panic("unbounded buffer failed");
	return buf_cstr(&str);
}

static void imap_send_greeting(struct login_client *common)
{
	struct imap_login_client *client = (struct imap_login_client *)common;

	SCRATCH_BEGIN {
		login_client_send_str(common, t_printf(
			"* OK [CAPABILITY %s] %s\r\n",
			imap_login_get_capability(client),
			common->set.login_greeting));
	} SCRATCH_END;
}

void imap_login_send_tagged(struct imap_login_client *client,
	const char *text)
{
	SCRATCH_BEGIN {
		login_client_send_str(&client->common,
			t_printf("%s %s\r\n", client->tag, text));
	} SCRATCH_END;
}

/* Counts an invalid command; the third one ends the connection.
   Returns false when the client was disconnected. */
static bool imap_client_bad(struct imap_login_client *client,
	const char *untagged_or_tagged_text, bool tagged)
{
	if (++client->common.bad_counter >= IMAP_LOGIN_MAX_BAD_COMMANDS) {
		login_client_send_str(&client->common,
			"* BYE Too many invalid IMAP commands.\r\n");
		login_client_destroy(&client->common,
			"Too many invalid commands");
		return false;
	}
	if (tagged) {
		imap_login_send_tagged(client, t_printf("BAD %s",
			untagged_or_tagged_text));
	} else {
		login_client_send_str(&client->common, t_printf("* BAD %s\r\n",
			untagged_or_tagged_text));
	}
	return true;
}

static void imap_client_parser_fatal(struct imap_login_client *client)
{
	enum imap_parser_error code =
		imap_parser_get_error_code(client->parser);

	if (code == IMAP_PARSER_ERROR_LITERAL_TOO_BIG) {
		login_client_send_str(&client->common,
			"* BYE Literal size too large\r\n");
		login_client_destroy(&client->common,
			"Literal size too large");
	} else {
		login_client_send_str(&client->common,
			"* BYE Input buffer full, aborting\r\n");
		login_client_destroy(&client->common, "Input buffer full");
	}
}

static void imap_client_command_done(struct imap_login_client *client)
{
	imap_parser_reset(client->parser);
	client->state = IMAP_LOGIN_STATE_TAG;
	client->cmd = NULL;
}

/*
 * Runs one step of the command state machine over data.  Returns 1 to
 * continue, 0 when more input is needed (all consumed) or the client
 * can't read now.
 */
static int imap_client_step(struct imap_login_client *client,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	const struct imap_arg *args;
	const char *tag, *name;
	bool fatal;
	int ret;

	*consumed_r = 0;
	switch (client->state) {
	case IMAP_LOGIN_STATE_TAG:
		ret = imap_parser_read_tag(client->parser, data, size,
			consumed_r, &tag);
		if (ret == 0)
			return 0;
		if (ret < 0 || strlen(tag) > LOGIN_HANDOFF_MAX_TAG_LEN) {
			(void)imap_parser_get_error(client->parser, &fatal);
			if (fatal) {
				imap_client_parser_fatal(client);
				return 0;
			}
			client->tag[0] = '\0';
			client->state = IMAP_LOGIN_STATE_SKIP;
			SCRATCH_BEGIN {
				ret = imap_client_bad(client, ERR_IN_COMMAND,
					false) ? 1 : 0;
			} SCRATCH_END;
			return ret;
		}
		(void)i_strlcpy(client->tag, tag, sizeof(client->tag));
		client->state = IMAP_LOGIN_STATE_NAME;
		return 1;
	case IMAP_LOGIN_STATE_NAME:
		ret = imap_parser_read_command_name(client->parser, data, size,
			consumed_r, &name);
		if (ret == 0)
			return 0;
		client->cmd = ret < 0 ? NULL : imap_login_command_find(name);
		if (client->cmd == NULL) {
			(void)imap_parser_get_error(client->parser, &fatal);
			if (ret < 0 && fatal) {
				imap_client_parser_fatal(client);
				return 0;
			}
			client->state = IMAP_LOGIN_STATE_SKIP;
			SCRATCH_BEGIN {
				ret = imap_client_bad(client, ERR_IN_COMMAND,
					true) ? 1 : 0;
			} SCRATCH_END;
			return ret;
		}
		client->state = IMAP_LOGIN_STATE_ARGS;
		return 1;
	case IMAP_LOGIN_STATE_ARGS:
		ret = imap_parser_read_args(client->parser, data, size,
			consumed_r, 0, 0, &args);
		if (ret == 0)
			return 0;
		if (ret == IMAP_PARSER_LITERAL_CONT) {
			login_client_send_str(&client->common, "+ OK\r\n");
			return 1;
		}
		if (ret < 0) {
			(void)imap_parser_get_error(client->parser, &fatal);
			if (fatal ||
			    imap_parser_get_error_code(client->parser) ==
			    IMAP_PARSER_ERROR_LITERAL_TOO_BIG) {
				imap_client_parser_fatal(client);
				return 0;
			}
			client->state = IMAP_LOGIN_STATE_SKIP;
			SCRATCH_BEGIN {
				ret = imap_client_bad(client, ERR_IN_COMMAND,
					true) ? 1 : 0;
			} SCRATCH_END;
			return ret;
		}
		SCRATCH_BEGIN {
			ret = client->cmd->func(client, args);
			if (ret < 0) {
				imap_client_command_done(client);
				ret = imap_client_bad(client, ERR_IN_COMMAND,
					true) ? 1 : 0;
			} else {
				imap_client_command_done(client);
				ret = 1;
			}
		} SCRATCH_END;
		return ret;
	case IMAP_LOGIN_STATE_SKIP:
		ret = imap_parser_skip_line(client->parser, data, size,
			consumed_r);
		if (ret == 0)
			return 0;
		if (ret < 0) {
			imap_client_parser_fatal(client);
			return 0;
		}
		imap_client_command_done(client);
		return 1;
	}
	i_panic("unknown input state");
}

static void imap_client_input(struct login_client *common)
{
	struct imap_login_client *client = (struct imap_login_client *)common;
	const unsigned char *data;
	const char *line;
	size_t size, consumed;
	int ret;

	while (login_client_can_read(common) || common->auth_waiting) {
		if (common->destroyed || common->conn == NULL)
			break;
		if (common->auth_waiting) {
			ret = conn_read_line(common->conn, &line, NULL);
			if (ret == 0)
				break;
			if (ret < 0) {
				login_client_send_str(common, "* BYE Input "
					"buffer full, aborting\r\n");
				login_client_destroy(common,
					"Input buffer full");
				break;
			}
			login_auth_continue(common, line);
			continue;
		}
		data = conn_input_peek(common->conn, &size);
		if (size == 0)
			break;
		ret = imap_client_step(client, data, size, &consumed);
		if (!common->destroyed && common->conn != NULL && consumed > 0)
			conn_input_consume(common->conn, consumed);
		if (ret == 0 && consumed == size)
			break;
		if (ret == 0 && (common->destroyed ||
				 !login_client_can_read(common)))
			break;
	}
}

static void imap_auth_send_challenge(struct login_client *common,
	const char *data_base64)
{
	SCRATCH_BEGIN {
		login_client_send_str(common, t_printf("+ %s\r\n",
			data_base64));
	} SCRATCH_END;
}

static void imap_auth_result(struct login_client *common,
	enum login_auth_result result, const char *text)
{
	struct imap_login_client *client = (struct imap_login_client *)common;
	const char *reply;

	SCRATCH_BEGIN {
		switch (result) {
		case LOGIN_AUTH_RESULT_SUCCESS:
			reply = NULL;
			break;
		case LOGIN_AUTH_RESULT_AUTHFAILED:
			reply = t_printf("NO [AUTHENTICATIONFAILED] %s", text);
			break;
		case LOGIN_AUTH_RESULT_AUTHFAILED_REASON:
		case LOGIN_AUTH_RESULT_MECH_INVALID:
		case LOGIN_AUTH_RESULT_INVALID_BASE64:
			reply = text[0] == '[' ? t_printf("NO %s", text) :
				t_printf("NO [ALERT] %s", text);
			break;
		case LOGIN_AUTH_RESULT_AUTHZFAILED:
			reply = t_printf("NO [AUTHORIZATIONFAILED] %s", text);
			break;
		case LOGIN_AUTH_RESULT_TEMPFAIL:
			reply = t_printf("NO [UNAVAILABLE] %s", text);
			break;
		case LOGIN_AUTH_RESULT_PASS_EXPIRED:
			reply = t_printf("NO [EXPIRED] %s", text);
			break;
		case LOGIN_AUTH_RESULT_MECH_SSL_REQUIRED:
			reply = t_printf("NO [PRIVACYREQUIRED] %s", text);
			break;
		case LOGIN_AUTH_RESULT_ABORTED:
			reply = t_printf("BAD %s", text);
			break;
		default:
			reply = t_printf("NO %s", text);
			break;
		}
		if (reply != NULL)
			imap_login_send_tagged(client, reply);
	} SCRATCH_END;
}

static void imap_send_status(struct login_client *common, const char *text)
{
	SCRATCH_BEGIN {
		login_client_send_str(common, t_printf("* OK %s\r\n", text));
	} SCRATCH_END;
}

static void imap_notify_disconnect(struct login_client *common,
	enum login_disconnect_reason reason, const char *text)
{
	(void)reason;
	SCRATCH_BEGIN {
		login_client_send_str(common, t_printf("* BYE %s\r\n", text));
	} SCRATCH_END;
}

const struct login_binary imap_login_binary = {
	.process_name = "imap-login",
	.protocol = "imap",
	.client_alloc = imap_client_alloc,
	.client_create = imap_client_create,
	.client_destroy = imap_client_destroy,
	.send_greeting = imap_send_greeting,
	.input = imap_client_input,
	.auth_send_challenge = imap_auth_send_challenge,
	.auth_result = imap_auth_result,
	.send_status = imap_send_status,
	.notify_disconnect = imap_notify_disconnect,
};
