/*
 * imap-client.c - the logged-in IMAP session: input loop over the
 * incremental parser, per-command arena, Dovecot's tagged-reply timing,
 * byte counters, the idle timeout and the logout log line.
 */
#include "lib.h"
#include "buf.h"
#include "conn.h"
#include "ioloop.h"
#include "var-expand.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "master-service.h"
#include "imap-capability.h"
#include "imap-commands.h"
#include "imap-process.h"
#include "imap-client.h"
#include "storage.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>

static struct imap_client *imap_clients;
static unsigned int imap_clients_n;

static void client_conn_input(struct conn *conn, void *context);
static void client_conn_drained(struct conn *conn, void *context);
static void client_conn_closed(struct conn *conn, void *context,
	const char *reason);

static const struct conn_callbacks client_conn_callbacks = {
	.input = client_conn_input,
	.output_drained = client_conn_drained,
	.closed = client_conn_closed,
};

uint64_t imap_now_usecs(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		i_panic("clock_gettime() failed: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* Log lines of this session carry its prefix; the process prefix is
   restored afterwards (one process may serve several sessions). */
void imap_client_log(struct imap_client *client, const char *msg)
{
	log_message_prefix(LOG_LEVEL_INFO, client->log_prefix, "%s", msg);
}

static void client_update_proctitle(struct imap_client *client)
{
	if (!client->set.verbose_proctitle)
		return;
	if (imap_clients_n > 1) {
		master_service_set_proctitle(imap_process->service,
			"[%u connections]", imap_clients_n);
		return;
	}
	master_service_set_proctitle(imap_process->service, "[%s %s%s%s]",
		client->user, net_ip2str(&client->remote_ip),
		client->cmd_name == NULL ? "" : " ",
		client->cmd_name == NULL ? "" : client->cmd_name);
}

const char *imap_client_get_capability(struct imap_client *client)
{
	struct buf str;

	buf_init(&str, scratch_arena(), 512, 0);
	if (imap_capability_append_postlogin(&str, client->set.imap_capability,
		    client->set.imap_literal_minus) < 0)
		i_panic("unbounded buffer failed");
	/* Dovecot 2.3 adds SPECIAL-USE when a mailbox has special_use,
	   unless imap_capability replaces the list. */
	if (client->set.special_use_mailboxes &&
	    (client->set.imap_capability[0] == '\0' ||
	     client->set.imap_capability[0] == '+') &&
	    buf_append_str(&str, " SPECIAL-USE") < 0)
		i_panic("unbounded buffer failed");
	return buf_cstr(&str);
}

void imap_client_send_line(struct imap_client *client, const char *line)
{
	size_t len = strlen(line);

	if (client->disconnected && client->state != IMAP_CLIENT_STATE_LOGOUT)
		return;
	conn_write(client->conn, line, len);
	conn_write(client->conn, "\r\n", 2);
	client->bytes_out += len + 2;
}

void imap_client_send_tagline(struct imap_client *client, const char *text)
{
	uint64_t usecs = imap_now_usecs() - client->cmd_start_usecs;
	uint64_t msecs = (usecs + 999) / 1000;
	size_t len = strlen(text);
	const char *line;

	/* Dovecot 2.3: "OK NOOP completed (0.001 + 0.000 secs)." -- the
	   running time, then the time spent waiting for locks. */
	if (len > 0 && text[len - 1] == '.')
		len--;
	line = t_printf("%s %.*s (%u.%03u + 0.000 secs).",
		client->tag == NULL ? "*" : client->tag, (int)len, text,
		(unsigned int)(msecs / 1000), (unsigned int)(msecs % 1000));
	imap_client_send_line(client, line);
}

static const char *u64_str(uint64_t n)
{
	return t_printf("%llu", (unsigned long long)n);
}

int imap_client_logout_stats(struct imap_client *client, struct buf *dest,
	const char **error_r)
{
	const char *in = t_printf("%llu", (unsigned long long)client->bytes_in);
	const char *out =
		t_printf("%llu", (unsigned long long)client->bytes_out);
	const struct imap_client_counters *c = &client->counters;
	const struct var_expand_table tab[] = {
		{ 'i', in, "input" },
		{ 'o', out, "output" },
		{ '\0', client->session_id, "session" },
		{ '\0', u64_str(c->fetch_hdr_count), "fetch_hdr_count" },
		{ '\0', u64_str(c->fetch_hdr_bytes), "fetch_hdr_bytes" },
		{ '\0', u64_str(c->fetch_body_count), "fetch_body_count" },
		{ '\0', u64_str(c->fetch_body_bytes), "fetch_body_bytes" },
		{ '\0', u64_str(c->deleted), "deleted" },
		{ '\0', u64_str(c->expunged), "expunged" },
		{ '\0', u64_str(c->trashed), "trashed" },
		{ '\0', u64_str(c->autoexpunged), "autoexpunged" },
		{ '\0', u64_str(c->appended), "appended" },
		{ '\0', NULL, NULL },
	};

	return var_expand(dest, client->set.imap_logout_format, tab, error_r);
}

static void client_log_disconnect(struct imap_client *client,
	const char *reason)
{
	struct buf stats;
	const char *error;

	/* Heap: var_expand() opens scratch frames. */
	buf_init(&stats, NULL, 256, 8192);
	if (imap_client_logout_stats(client, &stats, &error) < 0) {
		log_message_prefix(LOG_LEVEL_ERROR, client->log_prefix,
			"Failed to expand imap_logout_format=%s: %s",
			client->set.imap_logout_format, error);
	}
	imap_client_log(client, t_printf("Disconnected: %s %s", reason,
		buf_cstr(&stats)));
	buf_free(&stats);
}

static void client_free(struct imap_client *client)
{
	if (client->prev != NULL)
		client->prev->next = client->next;
	else
		imap_clients = client->next;
	if (client->next != NULL)
		client->next->prev = client->prev;
	imap_clients_n--;

	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	if (client->running != NULL && client->running->destroy != NULL)
		client->running->destroy(client->running);
	client->running = NULL;
	imap_client_unselect(client);
	mail_user_destroy(&client->mail_user);
	if (client->parser != NULL)
		imap_parser_destroy(&client->parser);
	if (client->conn != NULL)
		conn_destroy(&client->conn);
	arena_destroy(&client->cmd_arena);
	arena_destroy(&client->arena);
	master_service_client_connection_destroyed(imap_process->service);
	if (imap_process->shutting_down && imap_clients_n == 0)
		master_service_stop(imap_process->service);
}

void imap_client_disconnect(struct imap_client *client, const char *reason)
{
	if (client->disconnected)
		return;
	SCRATCH_BEGIN {
		client_log_disconnect(client, reason);
	} SCRATCH_END;
	client->disconnected = true;
	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	/* closed() runs from the loop after the flush and frees. */
	if (!conn_is_closed(client->conn))
		conn_close(client->conn, reason, true);
}

static void client_idle_timeout(void *context)
{
	struct imap_client *client = context;

	imap_client_send_line(client, "* BYE Disconnected for inactivity.");
	SCRATCH_BEGIN {
		imap_client_disconnect(client, t_printf(
			"Inactivity - no input for %u secs",
			IMAP_CLIENT_IDLE_TIMEOUT_MSECS / 1000));
	} SCRATCH_END;
}

static const char *client_commands_status(struct imap_client *client)
{
	uint64_t usecs;

	if (client->last_cmd_name[0] == '\0')
		return "No commands sent";
	usecs = imap_now_usecs() - client->last_cmd_end_usecs;
	return t_printf("%s finished %u.%03u secs ago", client->last_cmd_name,
		(unsigned int)(usecs / 1000000),
		(unsigned int)((usecs / 1000) % 1000));
}

static void client_conn_closed(struct conn *conn, void *context,
	const char *reason)
{
	struct imap_client *client = context;

	(void)conn;
	if (!client->disconnected) {
		SCRATCH_BEGIN {
			if (strcmp(reason, "EOF") == 0 ||
			    strcmp(reason, "Connection reset by peer") == 0 ||
			    strcmp(reason, "Broken pipe") == 0) {
				reason = t_printf("Connection closed (%s)",
					client_commands_status(client));
			}
			client_log_disconnect(client, reason);
		} SCRATCH_END;
		client->disconnected = true;
	}
	client_free(client);
}

/* Counts an invalid command; returns false if the client was
   disconnected for too many. */
static bool client_bad_command(struct imap_client *client)
{
	if (++client->bad_counter < IMAP_CLIENT_MAX_BAD_COMMANDS)
		return true;
	imap_client_send_line(client, "* BYE Too many invalid IMAP commands.");
	imap_client_disconnect(client, "Too many invalid IMAP commands.");
	return false;
}

static void client_command_finished(struct imap_client *client)
{
	if (client->cmd != NULL) {
		(void)i_strlcpy(client->last_cmd_name, client->cmd->name,
			sizeof(client->last_cmd_name));
		client->last_cmd_end_usecs = imap_now_usecs();
	}
	client->cmd = NULL;
	client->cmd_name = NULL;
	client->tag = NULL;
	imap_parser_reset(client->parser);
	arena_reset(client->cmd_arena);
	client->input_state = IMAP_INPUT_TAG;
}

/* The running command returned IMAP_CMD_DONE. */
static void client_running_finished(struct imap_client *client)
{
	client->running = NULL;
	client->bad_counter = 0;
	client_command_finished(client);
	client_update_proctitle(client);
}

static void client_parser_fatal(struct imap_client *client)
{
	const char *msg = imap_parser_get_error(client->parser, NULL);

	if (msg == NULL)
		msg = "Too long argument.";
	imap_client_send_line(client, t_printf("* BYE %s", msg));
	imap_client_disconnect(client, msg);
}

/* Runs one step of the command state machine.  Returns 1 to go on,
   0 to wait for input or output. */
static int client_step(struct imap_client *client, const unsigned char *data,
	size_t size, size_t *consumed_r)
{
	const struct imap_arg *args;
	const char *tag, *name;
	enum imap_cmd_result result;
	bool fatal, bad;
	int ret;

	*consumed_r = 0;
	switch (client->input_state) {
	case IMAP_INPUT_TAG:
		ret = imap_parser_read_tag(client->parser, data, size,
			consumed_r, &tag);
		client->bytes_in += *consumed_r;
		if (ret == 0)
			return 0;
		client->cmd_start_usecs = imap_now_usecs();
		if (ret < 0) {
			(void)imap_parser_get_error(client->parser, &fatal);
			if (fatal) {
				client_parser_fatal(client);
				return 0;
			}
			client->tag = NULL;
			imap_client_send_tagline(client,
				"BAD Error in IMAP tag: Invalid tag.");
			client->input_state = IMAP_INPUT_SKIP;
			return client_bad_command(client) ? 1 : 0;
		}
		client->tag = tag;
		client->input_state = IMAP_INPUT_NAME;
		return 1;
	case IMAP_INPUT_NAME:
		ret = imap_parser_read_command_name(client->parser, data, size,
			consumed_r, &name);
		client->bytes_in += *consumed_r;
		if (ret == 0)
			return 0;
		if (ret < 0) {
			(void)imap_parser_get_error(client->parser, &fatal);
			if (fatal) {
				client_parser_fatal(client);
				return 0;
			}
			imap_client_send_tagline(client, "BAD Error in IMAP "
				"command: Invalid command name.");
			client->input_state = IMAP_INPUT_SKIP;
			return client_bad_command(client) ? 1 : 0;
		}
		client->cmd_name = name;
		client->cmd = imap_command_find(name);
		if (client->cmd == NULL) {
			imap_client_send_tagline(client, t_printf(
				"BAD Error in IMAP command %s: Unknown "
				"command.", name));
			client->input_state = IMAP_INPUT_SKIP;
			return client_bad_command(client) ? 1 : 0;
		}
		client->input_state = IMAP_INPUT_ARGS;
		client_update_proctitle(client);
		return 1;
	case IMAP_INPUT_ARGS:
		ret = imap_parser_read_args(client->parser, data, size,
			consumed_r, 0, (client->cmd->flags &
			IMAP_CMD_FLAG_LITERAL_SIZE) == 0 ? 0 :
			IMAP_PARSER_FLAG_LITERAL_SIZE |
			IMAP_PARSER_FLAG_LITERAL8, &args);
		client->bytes_in += *consumed_r;
		if (ret == 0)
			return 0;
		if (ret == IMAP_PARSER_LITERAL_CONT) {
			imap_client_send_line(client, "+ OK");
			return 1;
		}
		if (ret < 0) {
			const char *msg =
				imap_parser_get_error(client->parser, &fatal);

			if (fatal) {
				client_parser_fatal(client);
				return 0;
			}
			imap_client_send_tagline(client, t_printf(
				"BAD Error in IMAP command %s: %s",
				client->cmd->name, msg));
			client->cmd = NULL;
			client->input_state = IMAP_INPUT_SKIP;
			return client_bad_command(client) ? 1 : 0;
		}
		client->last_eol_len = *consumed_r >= 2 &&
			data[*consumed_r - 2] == '\r' ? 2 : 1;
		result = imap_command_run(client, client->cmd, args, &bad);
		if (result == IMAP_CMD_MORE) {
			/* Resumed by input (running->input) or when the
			   output drains (running->output). */
			client->input_state = IMAP_INPUT_RUNNING;
			return client->running->input != NULL ? 1 : 0;
		}
		if (bad && !client_bad_command(client))
			return 0;
		if (!bad)
			client->bad_counter = 0;
		client_command_finished(client);
		client_update_proctitle(client);
		return client->disconnected ? 0 : 1;
	case IMAP_INPUT_RUNNING:
		if (client->running->input == NULL)
			return 0;
		result = client->running->input(client->running, data, size,
			consumed_r);
		client->bytes_in += *consumed_r;
		if (result == IMAP_CMD_MORE)
			return *consumed_r > 0 ? 1 : 0;
		client_running_finished(client);
		return client->disconnected ? 0 : 1;
	case IMAP_INPUT_SKIP:
		ret = imap_parser_skip_line(client->parser, data, size,
			consumed_r);
		client->bytes_in += *consumed_r;
		if (ret == 0)
			return 0;
		if (ret < 0) {
			client_parser_fatal(client);
			return 0;
		}
		client->cmd = NULL;
		client_command_finished(client);
		return 1;
	}
	i_panic("unknown input state");
}

/* Feeds data (from the socket or the hand-off) to the state machine;
   returns the bytes consumed. */
static size_t client_feed(struct imap_client *client,
	const unsigned char *data, size_t size)
{
	size_t pos = 0, consumed;
	int ret;

	while (pos < size && !client->disconnected) {
		if (conn_output_is_full(client->conn))
			break;
		SCRATCH_BEGIN {
			ret = client_step(client, data + pos, size - pos,
				&consumed);
		} SCRATCH_END;
		pos += consumed;
		if (ret == 0 && (consumed == 0 || pos == size))
			break;
	}
	return pos;
}

static void client_conn_input(struct conn *conn, void *context)
{
	struct imap_client *client = context;
	const unsigned char *data;
	size_t size, consumed;

	if (client->disconnected || client->input_handling)
		return;
	client->input_handling = true;
	if (client->to_idle != NULL)
		timeout_reset(client->to_idle);
	while (!client->disconnected) {
		data = conn_input_peek(conn, &size);
		if (size == 0)
			break;
		consumed = client_feed(client, data, size);
		if (consumed == 0)
			break;
		conn_input_consume(conn, consumed);
	}
	client->input_handling = false;
}

static void client_conn_drained(struct conn *conn, void *context)
{
	struct imap_client *client = context;
	enum imap_cmd_result result;

	if (client->disconnected)
		return;
	if (client->input_state == IMAP_INPUT_RUNNING) {
		if (client->running->output == NULL)
			return;
		SCRATCH_BEGIN {
			result = client->running->output(client->running);
			if (result != IMAP_CMD_MORE)
				client_running_finished(client);
		} SCRATCH_END;
		if (result == IMAP_CMD_MORE || client->disconnected)
			return;
	}
	/* Output fell below the limit: go on with pipelined input. */
	if (conn_input_size(conn) > 0)
		client_conn_input(conn, context);
}

struct imap_client *imap_client_create(const struct imap_client_params *params,
	const struct imap_client_settings *set)
{
	struct imap_parser_settings parser_set;
	struct conn_settings conn_set;
	struct imap_client *client;
	struct arena *arena;
	size_t consumed;

	arena = arena_create("imap client", 2048);
	client = arena_new(arena, struct imap_client, 1);
	client->arena = arena;
	client->cmd_arena = arena_create("imap command", 1024);
	client->set = *set;
	client->user = arena_strdup(arena, params->user);
	client->session_id = arena_strdup(arena, params->session_id);
	client->log_prefix = arena_printf(arena, "imap(%s)<%ld><%s>: ",
		params->user, (long)getpid(), params->session_id);
	client->local_ip = params->local_ip;
	client->remote_ip = params->remote_ip;
	client->local_port = params->local_port;
	client->remote_port = params->remote_port;
	client->secured = params->secured;
	client->state = IMAP_CLIENT_STATE_AUTH;
	client->mail_user = params->mail_user;

	memset(&parser_set, 0, sizeof(parser_set));
	parser_set.max_line_length = set->imap_max_line_length;
	parser_set.max_literal_size = set->imap_max_line_length;
	parser_set.max_list_depth = 32;
	parser_set.literal_minus_only = set->imap_literal_minus;
	client->parser = imap_parser_create(&parser_set);

	memset(&conn_set, 0, sizeof(conn_set));
	/* The parser keeps partial lines itself; the conn only needs a
	   window of input. */
	conn_set.input_max = 8192;
	conn_set.output_high = 64 * 1024;
	/* A reply goes out when it is written: with Nagle's algorithm the
	   tail of a reply waits for the client's delayed ACK (40 ms).  Not a
	   TCP socket (tests): nothing to do. */
	(void)setsockopt(params->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
		sizeof(int));
	client->conn = conn_create(params->fd, &conn_set,
		&client_conn_callbacks, client);
	client->to_idle = timeout_add(IMAP_CLIENT_IDLE_TIMEOUT_MSECS,
		client_idle_timeout, client);

	client->next = imap_clients;
	if (imap_clients != NULL)
		imap_clients->prev = client;
	imap_clients = client;
	imap_clients_n++;
	/* The master names a crashed process by its latest session, as
	   Dovecot does ("imap(joe)<pid><session>: Fatal: master: ..."). */
	master_service_set_log_prefix(imap_process->service,
		client->log_prefix);

	SCRATCH_BEGIN {
		if (params->tag != NULL && *params->tag != '\0') {
			imap_client_send_line(client, t_printf(
				"%s OK [CAPABILITY %s] Logged in",
				params->tag,
				imap_client_get_capability(client)));
		}
	} SCRATCH_END;
	client_update_proctitle(client);

	if (params->client_input_size > 0) {
		consumed = client_feed(client, params->client_input,
			params->client_input_size);
		if (consumed < params->client_input_size &&
		    !client->disconnected) {
			/* Only output back-pressure stops the feed early; a
			   login never hands over that much input. */
			imap_client_send_line(client,
				"* BYE Too much pipelined input at login.");
			imap_client_disconnect(client,
				"Too much pipelined input at login");
		}
	}
	return client;
}

void imap_clients_free_all(void)
{
	while (imap_clients != NULL)
		client_free(imap_clients);
}

unsigned int imap_clients_count(void)
{
	return imap_clients_n;
}

void imap_clients_destroy_all(const char *bye_text, const char *reason)
{
	struct imap_client *client, *next;

	for (client = imap_clients; client != NULL; client = next) {
		next = client->next;
		if (client->disconnected)
			continue;
		imap_client_send_line(client, t_printf("* BYE %s", bye_text));
		imap_client_disconnect(client, reason);
	}
}
