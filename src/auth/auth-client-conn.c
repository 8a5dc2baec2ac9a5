/*
 * auth-client-conn.c - the server side of the auth client protocol: the
 * handshake (VERSION, MECH, SPID, CUID, COOKIE, DONE), AUTH/CONT driving a
 * mechanism per request, OK/CONT/FAIL replies (failures delayed by
 * auth_failure_delay), and the successful requests kept for the
 * post-login REQUEST (auth-master-conn.c).
 */
#include "lib.h"
#include "auth-server.h"
#include "buf.h"
#include "conn.h"
#include "ioloop.h"
#include "str.h"
#include "auth-base64.h"
#include "auth.h"
#include "auth-client-parser.h"
#include "auth-fields.h"
#include "auth-request.h"
#include "auth-server-private.h"
#include "auth-settings.h"
#include "mech.h"
#include "password-scheme-private.h"

#define AUTH_CLIENT_OUTPUT_HIGH (256 * 1024)
#define AUTH_CLIENT_OUTPUT_LOW (64 * 1024)

enum client_req_state {
	CLIENT_REQ_STATE_SASL,       /* mechanism exchange in progress */
	CLIENT_REQ_STATE_FAIL_DELAY, /* FAIL waiting for auth_failure_delay */
	CLIENT_REQ_STATE_HANDOFF,    /* OK sent, waiting for REQUEST */
};

struct client_req {
	struct client_req *prev, *next;
	struct auth_client_conn *conn;
	unsigned int id;
	enum client_req_state state;
	struct auth_request *request;
	struct timeout *to;
	char *fail_line;
};

struct auth_client_conn {
	struct auth_client_conn *prev, *next;
	struct auth_server *server;
	struct conn *conn;
	struct buf *test_out;
	unsigned int connect_uid;
	unsigned int pid;
	unsigned char cookie[AUTH_COOKIE_SIZE];
	char cookie_hex[AUTH_COOKIE_HEX_SIZE + 1];
	struct client_req *requests;
	unsigned int pending_count;
	unsigned int handoff_count;
	bool version_received;
	bool handshake_done;
	bool closed;
};

static void client_req_free(struct client_req *req);

static const struct auth_settings *
client_set(const struct auth_client_conn *conn)
{
	return conn->server->auth->set;
}

static void client_send(struct auth_client_conn *conn, const char *line)
{
	if (conn->closed)
		return;
	if (conn->conn == NULL) {
		if (buf_append_str(conn->test_out, line) < 0 ||
		    buf_append_c(conn->test_out, '\n') < 0)
			conn->closed = true;
		return;
	}
	conn_write_str(conn->conn, line);
	conn_write(conn->conn, "\n", 1);
}

static void client_send_reply(struct auth_client_conn *conn, const char *line)
{
	if (client_set(conn)->debug)
		i_debug("client passdb out: %s", line);
	client_send(conn, line);
}

static void client_close(struct auth_client_conn *conn, const char *reason)
{
	if (conn->closed)
		return;
	conn->closed = true;
	if (conn->conn != NULL)
		conn_close(conn->conn, reason, true);
}

unsigned int auth_client_conn_get_pid(const struct auth_client_conn *conn)
{
	return conn->pid;
}

bool auth_client_conn_is_closed(const struct auth_client_conn *conn)
{
	return conn->closed;
}

bool auth_client_conn_cookie_matches(const struct auth_client_conn *conn,
	const char *cookie_hex)
{
	if (strlen(cookie_hex) != AUTH_COOKIE_HEX_SIZE)
		return false;
	return mem_equals_timing_safe(conn->cookie_hex, cookie_hex,
		AUTH_COOKIE_HEX_SIZE);
}

static struct client_req *client_req_find(struct auth_client_conn *conn,
	unsigned int id)
{
	for (struct client_req *req = conn->requests; req != NULL;
	     req = req->next) {
		if (req->id == id)
			return req;
	}
	return NULL;
}

static void client_req_unlink(struct client_req *req)
{
	struct auth_client_conn *conn = req->conn;

	if (req->prev != NULL)
		req->prev->next = req->next;
	else
		conn->requests = req->next;
	if (req->next != NULL)
		req->next->prev = req->prev;
	if (req->state == CLIENT_REQ_STATE_HANDOFF)
		conn->handoff_count--;
	else
		conn->pending_count--;
}

static void client_req_free(struct client_req *req)
{
	client_req_unlink(req);
	if (req->to != NULL)
		timeout_remove(&req->to);
	auth_request_free(&req->request);
	i_free(req->fail_line);
	free(req);
}

struct auth_request *
auth_client_conn_take_handoff(struct auth_client_conn *conn,
	unsigned int auth_id, bool *found_unfinished_r)
{
	struct client_req *req = client_req_find(conn, auth_id);
	struct auth_request *request;

	*found_unfinished_r = false;
	if (req == NULL)
		return NULL;
	if (req->state != CLIENT_REQ_STATE_HANDOFF) {
		*found_unfinished_r = true;
		return NULL;
	}
	request = req->request;
	req->request = NULL;
	client_req_free(req);
	return request;
}

static void client_req_handoff_timeout(void *context)
{
	struct client_req *req = context;

	client_req_free(req);
}

static void client_req_fail_delay_timeout(void *context)
{
	struct client_req *req = context;

	client_send_reply(req->conn, req->fail_line);
	client_req_free(req);
}

static void client_req_sasl_timeout(void *context)
{
	struct client_req *req = context;

	auth_request_log_info(req->request, "auth",
		"Request timed out waiting for client to continue "
		"authentication (%u secs)", AUTH_REQUEST_TIMEOUT_MSECS / 1000);
	client_send_reply(req->conn, t_printf("FAIL\t%u\treason="
		"Authentication request timed out", req->id));
	client_req_free(req);
}

/* "\tkey=value" with value tab-escaped. */
static void line_add_field(struct buf *line, const char *key,
	const char *value)
{
	SCRATCH_BEGIN {
		if (buf_append_c(line, '\t') < 0 ||
		    buf_append_str(line, key) < 0 ||
		    (value != NULL &&
		     (buf_append_c(line, '=') < 0 ||
		      buf_append_str(line, str_tabescape(scratch_arena(),
			      value)) < 0)))
			i_panic("unbounded reply buffer refused data");
	} SCRATCH_END;
}

static void line_add_original_user(struct buf *line,
	const struct auth_request *request)
{
	if (request->original_username != NULL &&
	    (request->user == NULL ||
	     strcmp(request->original_username, request->user) != 0) &&
	    !auth_fields_exists(request->extra_fields, "original_user"))
		line_add_field(line, "original_user",
			request->original_username);
}

static const char *client_build_ok(const struct auth_request *request,
	unsigned int id, const void *data, size_t size)
{
	struct buf line;

	buf_init(&line, scratch_arena(), 128, 0);
	if (buf_printf(&line, "OK\t%u", id) < 0)
		i_panic("unbounded reply buffer refused data");
	line_add_field(&line, "user", request->user);
	if (auth_fields_append(request->extra_fields, &line) < 0)
		i_panic("unbounded reply buffer refused data");
	line_add_original_user(&line, request);
	if (size > 0)
		line_add_field(&line, "resp",
			auth_base64_encode(scratch_arena(), data, size));
	return buf_cstr(&line);
}

static const char *client_build_fail(const struct auth_request *request,
	unsigned int id, bool internal)
{
	struct buf line;
	const char *reason;

	buf_init(&line, scratch_arena(), 128, 0);
	if (buf_printf(&line, "FAIL\t%u", id) < 0)
		i_panic("unbounded reply buffer refused data");
	if (request->user != NULL)
		line_add_field(&line, "user", request->user);
	else if (request->original_username != NULL)
		line_add_field(&line, "user", request->original_username);
	line_add_original_user(&line, request);
	if (request->failure_code != NULL)
		line_add_field(&line, "code", request->failure_code);
	reason = request->failure_reason;
	if (reason != NULL)
		line_add_field(&line, "reason", reason);
	if (internal)
		line_add_field(&line, "temp", NULL);
	return buf_cstr(&line);
}

static void client_request_reply(struct auth_request *request,
	enum auth_request_result result, const void *data, size_t size,
	void *context)
{
	struct client_req *req = context;
	struct auth_client_conn *conn = req->conn;
	unsigned int delay;

	if (req->to != NULL)
		timeout_remove(&req->to);
	switch (result) {
	case AUTH_REQUEST_RESULT_CONTINUE:
		client_send_reply(conn, t_printf("CONT\t%u\t%s", req->id,
			auth_base64_encode(scratch_arena(), data, size)));
		req->to = timeout_add_once(AUTH_REQUEST_TIMEOUT_MSECS,
			client_req_sasl_timeout, req);
		return;
	case AUTH_REQUEST_RESULT_SUCCESS:
		client_send_reply(conn, client_build_ok(request, req->id, data,
			size));
		conn->pending_count--;
		req->state = CLIENT_REQ_STATE_HANDOFF;
		conn->handoff_count++;
		req->to = timeout_add_once(AUTH_HANDOFF_TIMEOUT_MSECS,
			client_req_handoff_timeout, req);
		return;
	case AUTH_REQUEST_RESULT_FAILURE:
	case AUTH_REQUEST_RESULT_INTERNAL_FAILURE:
		break;
	}
	req->fail_line = i_strdup(client_build_fail(request, req->id,
		result == AUTH_REQUEST_RESULT_INTERNAL_FAILURE));
	req->state = CLIENT_REQ_STATE_FAIL_DELAY;
	/* Dovecot's auth_failure_delay: the auth process holds the FAIL
	   back, unless the passdb said nodelay. */
	delay = auth_fields_exists(request->extra_fields, "nodelay") ? 0 :
		client_set(conn)->failure_delay_msecs;
	req->to = timeout_add_once(delay, client_req_fail_delay_timeout, req);
}

/* Drops the oldest waiting hand-off when there are too many. */
static void client_limit_handoffs(struct auth_client_conn *conn)
{
	struct client_req *req, *oldest = NULL;

	if (conn->handoff_count < AUTH_CLIENT_MAX_WAITING_HANDOFFS)
		return;
	for (req = conn->requests; req != NULL; req = req->next) {
		if (req->state == CLIENT_REQ_STATE_HANDOFF)
			oldest = req;
	}
	if (oldest != NULL)
		client_req_free(oldest);
}

static bool client_handle_auth(struct auth_client_conn *conn,
	const struct auth_client_cmd *cmd)
{
	struct auth *auth = conn->server->auth;
	const struct mech_module *mech;
	struct client_req *req;
	const char *error;
	unsigned char *data = NULL;
	size_t size = 0;

	mech = auth_find_mech(auth, cmd->mech);
	if (mech == NULL) {
		i_error("BUG: Authentication client %u requested unsupported "
			"authentication mechanism %s", conn->pid,
			auth_str_sanitize(cmd->mech, 64));
		return false;
	}
	if (client_req_find(conn, cmd->id) != NULL) {
		i_error("BUG: Authentication client %u sent a duplicate ID %u",
			conn->pid, cmd->id);
		return false;
	}
	if (conn->pending_count >= AUTH_CLIENT_MAX_PENDING_REQUESTS) {
		i_error("BUG: Authentication client %u sent too many "
			"requests (over %u pending)", conn->pid,
			AUTH_CLIENT_MAX_PENDING_REQUESTS);
		return false;
	}
	client_limit_handoffs(conn);

	req = i_new(struct client_req, 1);
	req->conn = conn;
	req->id = cmd->id;
	req->state = CLIENT_REQ_STATE_SASL;
	req->request = auth_request_new(auth, mech, client_request_reply, req);
	req->request->id = cmd->id;
	req->next = conn->requests;
	if (conn->requests != NULL)
		conn->requests->prev = req;
	conn->requests = req;
	conn->pending_count++;

	for (unsigned int i = 0; i < cmd->params_count; i++) {
		if (!auth_request_import(req->request, cmd->params[i].key,
			    cmd->params[i].value, &error) && error != NULL) {
			i_error("BUG: Authentication client %u sent broken "
				"AUTH request: %s", conn->pid, error);
			client_req_free(req);
			return false;
		}
	}
	if (req->request->service == NULL) {
		i_error("BUG: Authentication client %u didn't specify service "
			"in request", conn->pid);
		client_req_free(req);
		return false;
	}
	if (cmd->data != NULL &&
	    auth_base64_decode(req->request->arena, cmd->data,
		    strlen(cmd->data), &data, &size) < 0) {
		auth_request_log_info(req->request, AUTH_SUBSYS_MECH,
			"Invalid base64 data in initial response");
		client_send_reply(conn, t_printf("FAIL\t%u\tcode=invalid_base64"
			"\treason=Invalid base64 data in initial response",
			cmd->id));
		client_req_free(req);
		return true;
	}
	req->to = timeout_add_once(AUTH_REQUEST_TIMEOUT_MSECS,
		client_req_sasl_timeout, req);
	mech->auth_initial(req->request, cmd->data == NULL ? NULL : data,
		size);
	if (size > 0)
		explicit_bzero(data, size);
	return true;
}

static bool client_handle_cont(struct auth_client_conn *conn,
	const struct auth_client_cmd *cmd)
{
	struct client_req *req = client_req_find(conn, cmd->id);
	unsigned char *data;
	size_t size;

	if (req == NULL || req->state != CLIENT_REQ_STATE_SASL) {
		client_send_reply(conn, t_printf("FAIL\t%u\treason="
			"Authentication request timed out", cmd->id));
		return true;
	}
	if (auth_base64_decode(req->request->arena, cmd->data,
		    strlen(cmd->data), &data, &size) < 0) {
		auth_request_log_info(req->request, AUTH_SUBSYS_MECH,
			"Invalid base64 data in continued response");
		client_send_reply(conn, t_printf("FAIL\t%u\tcode=invalid_base64"
			"\treason=Invalid base64 data in continued response",
			cmd->id));
		client_req_free(req);
		return true;
	}
	req->request->mech->auth_continue(req->request, data, size);
	explicit_bzero(data, size);
	return true;
}

/* The client gave up on a request (e.g. the IMAP client sent "*"): forget
   it, including a pending delayed FAIL.  Unknown ids are ignored: the
   request may have finished while the CANCEL was on its way. */
static void client_handle_cancel(struct auth_client_conn *conn,
	const struct auth_client_cmd *cmd)
{
	struct client_req *req = client_req_find(conn, cmd->id);

	if (req != NULL)
		client_req_free(req);
}

static bool client_handle_line(struct auth_client_conn *conn,
	const char *line)
{
	struct auth_client_cmd cmd;
	const char *error;

	if (client_set(conn)->debug && conn->handshake_done) {
		i_debug("client in: %s", client_set(conn)->debug_passwords ?
			line : auth_client_line_hide_secrets(line));
	}
	if (auth_client_parse_line(scratch_arena(), line, &cmd,
		    &error) < 0) {
		if (!conn->handshake_done)
			i_error("BUG: Authentication client sent unknown "
				"handshake command: %s",
				auth_str_sanitize(line, 64));
		else
			i_error("BUG: Authentication client %u sent broken "
				"request: %s (%s)", conn->pid, error,
				auth_str_sanitize(
					auth_client_line_hide_secrets(line),
					128));
		return false;
	}
	if (!conn->version_received) {
		if (cmd.type != AUTH_CLIENT_CMD_VERSION) {
			i_error("BUG: Authentication client didn't send "
				"VERSION first");
			return false;
		}
		if (cmd.major != AUTH_CLIENT_PROTOCOL_MAJOR_VERSION) {
			i_error("Authentication client not compatible with this "
				"server (mixed old and new binaries?)");
			return false;
		}
		conn->version_received = true;
		return true;
	}
	if (!conn->handshake_done) {
		if (cmd.type != AUTH_CLIENT_CMD_CPID) {
			i_error("BUG: Authentication client sent unknown "
				"handshake command: %s",
				auth_str_sanitize(line, 64));
			return false;
		}
		if (auth_server_find_client(conn->server, cmd.pid) != NULL) {
			i_error("BUG: Authentication client gave a PID %u of "
				"existing connection", cmd.pid);
			return false;
		}
		conn->pid = cmd.pid;
		conn->handshake_done = true;
		return true;
	}
	switch (cmd.type) {
	case AUTH_CLIENT_CMD_AUTH:
		return client_handle_auth(conn, &cmd);
	case AUTH_CLIENT_CMD_CONT:
		return client_handle_cont(conn, &cmd);
	case AUTH_CLIENT_CMD_CANCEL:
		client_handle_cancel(conn, &cmd);
		return true;
	case AUTH_CLIENT_CMD_VERSION:
	case AUTH_CLIENT_CMD_CPID:
		break;
	}
	i_error("BUG: Authentication client %u sent unknown command: %s",
		conn->pid, auth_str_sanitize(line, 64));
	return false;
}

bool auth_client_conn_input_line(struct auth_client_conn *conn,
	const char *line)
{
	bool ret;

	if (conn->closed)
		return false;
	SCRATCH_BEGIN {
		ret = client_handle_line(conn, line);
	} SCRATCH_END;
	if (!ret)
		client_close(conn, "Protocol error");
	return !conn->closed;
}

static void client_conn_input(struct conn *c, void *context)
{
	struct auth_client_conn *conn = context;
	const char *line;
	size_t len;
	int ret;

	while (!conn->closed &&
	       (ret = conn_read_line(c, &line, &len)) != 0) {
		if (ret < 0) {
			i_error("BUG: Authentication client %u sent too long "
				"line", conn->pid);
			client_close(conn, "Input line too long");
			return;
		}
		if (strlen(line) != len) {
			i_error("BUG: Authentication client %u sent a NUL "
				"byte", conn->pid);
			client_close(conn, "NUL in input");
			return;
		}
		(void)auth_client_conn_input_line(conn, line);
	}
}

static void client_conn_closed(struct conn *c, void *context,
	const char *reason)
{
	struct auth_client_conn *conn = context;

	if (conn->pending_count > 0)
		i_error("auth client %u disconnected with %u pending "
			"requests: %s", conn->pid, conn->pending_count,
			reason);
	auth_client_conn_destroy(&conn);
}

static void client_send_handshake(struct auth_client_conn *conn)
{
	struct auth *auth = conn->server->auth;

	client_send(conn, t_printf("VERSION\t%u\t%u",
		AUTH_CLIENT_PROTOCOL_MAJOR_VERSION,
		AUTH_CLIENT_PROTOCOL_MINOR_VERSION));
	for (unsigned int i = 0; i < auth->mechs.count; i++) {
		const struct mech_module *mech = auth->mechs.v[i];

		client_send(conn, t_printf("MECH\t%s%s%s", mech->name,
			mech->flags[0] == '\0' ? "" : "\t", mech->flags));
	}
	client_send(conn, t_printf("SPID\t%lu",
		(unsigned long)conn->server->pid));
	client_send(conn, t_printf("CUID\t%u", conn->connect_uid));
	client_send(conn, t_printf("COOKIE\t%s", conn->cookie_hex));
	client_send(conn, "DONE");
}

static struct auth_client_conn *
client_conn_new(struct auth_server *server)
{
	struct auth_client_conn *conn = i_new(struct auth_client_conn, 1);

	conn->server = server;
	conn->connect_uid = ++server->connect_uid_counter;
	password_random_bytes(conn->cookie, sizeof(conn->cookie));
	SCRATCH_BEGIN {
		i_strlcpy(conn->cookie_hex, binary_to_hex(scratch_arena(),
			conn->cookie, sizeof(conn->cookie)),
			sizeof(conn->cookie_hex));
	} SCRATCH_END;
	conn->next = server->clients;
	if (server->clients != NULL)
		server->clients->prev = conn;
	server->clients = conn;
	server->client_count++;
	if (server->auth->set->debug)
		i_debug("auth client connected (pid=0)");
	return conn;
}

void auth_client_conn_create(struct auth_server *server, int fd)
{
	static const struct conn_settings set = {
		.input_max = AUTH_CLIENT_MAX_LINE_LENGTH + 2,
		.output_high = AUTH_CLIENT_OUTPUT_HIGH,
		.output_low = AUTH_CLIENT_OUTPUT_LOW,
		.idle_timeout_msecs = 0,
	};
	static const struct conn_callbacks callbacks = {
		.input = client_conn_input,
		.closed = client_conn_closed,
	};
	struct auth_client_conn *conn = client_conn_new(server);

	conn->conn = conn_create(fd, &set, &callbacks, conn);
	SCRATCH_BEGIN {
		client_send_handshake(conn);
	} SCRATCH_END;
}

struct auth_client_conn *auth_client_conn_create_test(
	struct auth_server *server, struct buf *out)
{
	struct auth_client_conn *conn = client_conn_new(server);

	conn->test_out = out;
	SCRATCH_BEGIN {
		client_send_handshake(conn);
	} SCRATCH_END;
	return conn;
}

void auth_client_conn_destroy(struct auth_client_conn **_conn)
{
	struct auth_client_conn *conn = *_conn;
	struct auth_server *server;

	if (conn == NULL)
		return;
	*_conn = NULL;
	server = conn->server;
	while (conn->requests != NULL)
		client_req_free(conn->requests);
	if (conn->prev != NULL)
		conn->prev->next = conn->next;
	else
		server->clients = conn->next;
	if (conn->next != NULL)
		conn->next->prev = conn->prev;
	server->client_count--;
	explicit_bzero(conn->cookie, sizeof(conn->cookie));
	if (conn->conn != NULL) {
		conn_destroy(&conn->conn);
		free(conn);
		auth_server_connection_closed(server);
	} else {
		free(conn);
	}
}

void auth_client_conn_destroy_all(struct auth_server *server)
{
	while (server->clients != NULL) {
		struct auth_client_conn *conn = server->clients;

		auth_client_conn_destroy(&conn);
	}
}

struct auth_client_conn *
auth_server_find_client(struct auth_server *server, unsigned int pid)
{
	for (struct auth_client_conn *conn = server->clients; conn != NULL;
	     conn = conn->next) {
		if (conn->handshake_done && conn->pid == pid && !conn->closed)
			return conn;
	}
	return NULL;
}
