/*
 * auth-client.c - the asynchronous login-side client of the auth client
 * protocol (see auth-client.h).
 */
#include "lib.h"
#include "auth-client.h"
#include "array.h"
#include "buf.h"
#include "conn.h"
#include "ioloop.h"
#include "net.h"
#include "str.h"
#include "auth-protocol.h"

#define AUTH_CLIENT_RECONNECT_MIN_MSECS 100
#define AUTH_CLIENT_RECONNECT_MAX_MSECS 5000
/* A handshake that does not finish in this time is a failed connect. */
#define AUTH_CLIENT_HANDSHAKE_TIMEOUT_MSECS 30000

struct auth_client_request {
	struct auth_client_request *prev, *next;
	struct auth_client *client;
	unsigned int id;
	char *auth_line;  /* the AUTH line, until sent */
	bool fail_pending; /* to be failed from the loop */
	auth_client_request_callback_t *callback;
	void *context;
	pid_t server_pid;
	char cookie[AUTH_COOKIE_HEX_SIZE + 1];
};

struct auth_client {
	char *path;
	pid_t client_pid;
	struct conn *conn;
	bool handshake_done;
	bool version_ok;
	ARRAY(struct auth_mech_desc) mechs;
	pid_t server_pid;
	unsigned int connect_uid;
	char cookie[AUTH_COOKIE_HEX_SIZE + 1];

	struct auth_client_request *requests;
	unsigned int request_count;
	unsigned int next_id;

	struct timeout *to_reconnect;
	struct timeout *to_handshake;
	struct timeout *to_fail_unsent;
	unsigned int backoff_msecs;
	auth_client_connect_callback_t *connect_callback;
	void *connect_context;
};

static void auth_client_connect(struct auth_client *client);

static void mechs_clear(struct auth_client *client)
{
	for (unsigned int i = 0; i < client->mechs.count; i++)
		free((char *)client->mechs.v[i].name);
	array_clear(&client->mechs);
}

static void request_unlink(struct auth_client_request *req)
{
	struct auth_client *client = req->client;

	if (req->prev != NULL)
		req->prev->next = req->next;
	else
		client->requests = req->next;
	if (req->next != NULL)
		req->next->prev = req->prev;
	client->request_count--;
}

static void request_free(struct auth_client_request *req)
{
	request_unlink(req);
	if (req->auth_line != NULL) {
		explicit_bzero(req->auth_line, strlen(req->auth_line));
		i_free(req->auth_line);
	}
	free(req);
}

/* Finishes req with a final status: callback, then free. */
static void request_finish(struct auth_client_request *req,
	enum auth_client_status status, const char *data,
	const char *const *args)
{
	request_unlink(req);
	req->next = req->prev = NULL;
	req->callback(req, status, data, args, req->context);
	if (req->auth_line != NULL) {
		explicit_bzero(req->auth_line, strlen(req->auth_line));
		i_free(req->auth_line);
	}
	free(req);
}

static void request_internal_fail(struct auth_client_request *req,
	const char *reason)
{
	const char *args[2] = { NULL, NULL };

	SCRATCH_BEGIN {
		args[0] = t_printf("reason=%s", reason);
		request_finish(req, AUTH_CLIENT_STATUS_INTERNAL_FAIL, NULL,
			args);
	} SCRATCH_END;
}

/* Fails every request (callbacks may abort others meanwhile). */
static void fail_requests(struct auth_client *client, const char *reason)
{
	while (client->requests != NULL)
		request_internal_fail(client->requests, reason);
}

static void auth_client_fail_unsent_timeout(void *context)
{
	struct auth_client *client = context;

	struct auth_client_request *req, *next;

	timeout_remove(&client->to_fail_unsent);
	for (req = client->requests; req != NULL; req = next) {
		next = req->next;
		if (!req->fail_pending)
			continue;
		request_internal_fail(req, "Authentication server "
			"unavailable");
		/* The callback may have changed the list: restart. */
		next = client->requests;
	}
}

static void auth_client_schedule_reconnect(struct auth_client *client)
{
	if (client->to_reconnect != NULL)
		return;
	if (client->backoff_msecs == 0)
		client->backoff_msecs = AUTH_CLIENT_RECONNECT_MIN_MSECS;
	else if (client->backoff_msecs < AUTH_CLIENT_RECONNECT_MAX_MSECS)
		client->backoff_msecs = I_MIN(client->backoff_msecs * 2,
			AUTH_CLIENT_RECONNECT_MAX_MSECS);
	client->to_reconnect = timeout_add_once(client->backoff_msecs,
		(io_callback_t *)auth_client_connect, client);
}

static void auth_client_disconnect(struct auth_client *client,
	const char *reason)
{
	bool was_connected = client->handshake_done;

	if (client->to_handshake != NULL)
		timeout_remove(&client->to_handshake);
	if (client->conn != NULL)
		conn_destroy(&client->conn);
	client->handshake_done = false;
	client->version_ok = false;
	client->server_pid = 0;
	client->connect_uid = 0;
	client->cookie[0] = '\0';
	mechs_clear(client);
	fail_requests(client, reason);
	if (was_connected && client->connect_callback != NULL)
		client->connect_callback(client, false,
			client->connect_context);
}

static void send_line(struct auth_client *client, const char *line)
{
	conn_write_str(client->conn, line);
}

static void send_pending(struct auth_client *client)
{
	for (struct auth_client_request *req = client->requests; req != NULL;
	     req = req->next) {
		if (req->auth_line == NULL || req->fail_pending)
			continue;
		send_line(client, req->auth_line);
		explicit_bzero(req->auth_line, strlen(req->auth_line));
		i_free(req->auth_line);
		req->server_pid = client->server_pid;
		memcpy(req->cookie, client->cookie, sizeof(req->cookie));
	}
}

static enum auth_mech_flags mech_flags_parse(char **args)
{
	static const struct {
		const char *name;
		enum auth_mech_flags flag;
	} names[] = {
		{ "anonymous", AUTH_MECH_FLAG_ANONYMOUS },
		{ "plaintext", AUTH_MECH_FLAG_PLAINTEXT },
		{ "dictionary", AUTH_MECH_FLAG_DICTIONARY },
		{ "active", AUTH_MECH_FLAG_ACTIVE },
		{ "forward-secrecy", AUTH_MECH_FLAG_FORWARD_SECRECY },
		{ "mutual-auth", AUTH_MECH_FLAG_MUTUAL_AUTH },
		{ "private", AUTH_MECH_FLAG_PRIVATE },
	};
	enum auth_mech_flags flags = 0;

	for (unsigned int i = 0; args[i] != NULL; i++) {
		for (unsigned int j = 0; j < N_ELEMENTS(names); j++) {
			if (strcmp(args[i], names[j].name) == 0)
				flags |= names[j].flag;
		}
	}
	return flags;
}

/* Handshake line.  Returns false on a protocol error. */
static bool handle_handshake_line(struct auth_client *client, char **args)
{
	unsigned int num;

	if (strcmp(args[0], "VERSION") == 0) {
		if (args[1] == NULL || str_to_uint(args[1], &num) < 0 ||
		    num != AUTH_CLIENT_PROTOCOL_MAJOR_VERSION) {
			i_error("Authentication server not compatible with "
				"this client (mixed old and new binaries?)");
			return false;
		}
		client->version_ok = true;
		return true;
	}
	if (!client->version_ok) {
		i_error("Authentication server didn't send VERSION first");
		return false;
	}
	if (strcmp(args[0], "MECH") == 0 && args[1] != NULL) {
		struct auth_mech_desc *desc;

		if (client->mechs.count >= 64 ||
		    strlen(args[1]) > AUTH_MECH_NAME_MAX_LENGTH)
			return false;
		desc = array_append_space(&client->mechs);
		desc->name = i_strdup(t_str_ucase(args[1]));
		desc->flags = mech_flags_parse(args + 2);
	} else if (strcmp(args[0], "SPID") == 0 && args[1] != NULL) {
		if (str_to_uint(args[1], &num) < 0)
			return false;
		client->server_pid = (pid_t)num;
	} else if (strcmp(args[0], "CUID") == 0 && args[1] != NULL) {
		if (str_to_uint(args[1], &client->connect_uid) < 0)
			return false;
	} else if (strcmp(args[0], "COOKIE") == 0 && args[1] != NULL) {
		if (strlen(args[1]) != AUTH_COOKIE_HEX_SIZE)
			return false;
		memcpy(client->cookie, args[1], sizeof(client->cookie));
	} else if (strcmp(args[0], "DONE") == 0) {
		if (client->server_pid == 0 || client->cookie[0] == '\0') {
			i_error("Authentication server sent incomplete "
				"handshake");
			return false;
		}
		client->handshake_done = true;
		client->backoff_msecs = 0;
		if (client->to_handshake != NULL)
			timeout_remove(&client->to_handshake);
		send_pending(client);
		if (client->connect_callback != NULL)
			client->connect_callback(client, true,
				client->connect_context);
	}
	/* Unknown handshake lines are ignored for forward
	   compatibility. */
	return true;
}

static struct auth_client_request *find_request(struct auth_client *client,
	unsigned int id)
{
	for (struct auth_client_request *req = client->requests; req != NULL;
	     req = req->next) {
		if (req->id == id && req->auth_line == NULL)
			return req;
	}
	return NULL;
}

static bool handle_reply_line(struct auth_client *client, char **args)
{
	struct auth_client_request *req;
	const char *resp = NULL;
	unsigned int id;

	if (args[1] == NULL || str_to_uint(args[1], &id) < 0) {
		i_error("Authentication server sent invalid line: %s",
			args[0]);
		return false;
	}
	req = find_request(client, id);
	if (req == NULL) {
		/* Aborted meanwhile: ignore the late reply. */
		return true;
	}
	for (unsigned int i = 2; args[i] != NULL; i++) {
		args[i] = (char *)str_tabunescape(scratch_arena(), args[i]);
		if (str_begins(args[i], "resp="))
			resp = args[i] + 5;
	}
	if (strcmp(args[0], "CONT") == 0) {
		static const char *const no_args[] = { NULL };

		req->callback(req, AUTH_CLIENT_STATUS_CONTINUE,
			args[2] != NULL ? args[2] : "", no_args, req->context);
	} else if (strcmp(args[0], "OK") == 0) {
		request_finish(req, AUTH_CLIENT_STATUS_OK, resp,
			(const char *const *)args + 2);
	} else if (strcmp(args[0], "FAIL") == 0) {
		request_finish(req, AUTH_CLIENT_STATUS_FAIL, NULL,
			(const char *const *)args + 2);
	} else {
		i_error("Authentication server sent unknown reply: %s",
			args[0]);
		return false;
	}
	return true;
}

static void client_input(struct conn *conn, void *context)
{
	struct auth_client *client = context;
	const char *line;
	size_t len;
	int ret;

	while (client->conn != NULL &&
	       (ret = conn_read_line(conn, &line, &len)) != 0) {
		bool ok;

		if (ret < 0) {
			i_error("Authentication server sent too long line");
			auth_client_disconnect(client, "Protocol error");
			auth_client_schedule_reconnect(client);
			return;
		}
		SCRATCH_BEGIN {
			char **args = str_split(scratch_arena(), line, "\t",
				false);

			if (args[0] == NULL)
				ok = false;
			else if (!client->handshake_done)
				ok = handle_handshake_line(client, args);
			else
				ok = handle_reply_line(client, args);
		} SCRATCH_END;
		if (!ok) {
			auth_client_disconnect(client, "Protocol error");
			auth_client_schedule_reconnect(client);
			return;
		}
	}
}

static void client_closed(struct conn *conn, void *context,
	const char *reason)
{
	struct auth_client *client = context;

	i_error("Disconnected from auth server: %s", reason);
	auth_client_disconnect(client, "Disconnected from auth server");
	auth_client_schedule_reconnect(client);
}

static void auth_client_handshake_timeout(void *context)
{
	struct auth_client *client = context;

	i_error("Timeout waiting for handshake from auth server (%s)",
		client->path);
	auth_client_disconnect(client, "Auth server handshake timed out");
	auth_client_schedule_reconnect(client);
}

static void auth_client_connect(struct auth_client *client)
{
	static const struct conn_settings set = {
		.input_max = AUTH_CLIENT_MAX_LINE_LENGTH + 2,
		.output_high = 1024 * 1024,
		.output_low = 256 * 1024,
	};
	static const struct conn_callbacks callbacks = {
		.input = client_input,
		.closed = client_closed,
	};
	int fd;

	if (client->to_reconnect != NULL)
		timeout_remove(&client->to_reconnect);
	fd = net_connect_unix(client->path);
	if (fd < 0) {
		i_error("net_connect_unix(%s) failed: %s", client->path,
			strerror(errno));
		fail_requests(client, "Authentication server unavailable");
		auth_client_schedule_reconnect(client);
		return;
	}
	client->conn = conn_create(fd, &set, &callbacks, client);
	client->to_handshake = timeout_add_once(
		AUTH_CLIENT_HANDSHAKE_TIMEOUT_MSECS,
		auth_client_handshake_timeout, client);
	SCRATCH_BEGIN {
		send_line(client, t_printf("VERSION\t%u\t%u\nCPID\t%lu\n",
			AUTH_CLIENT_PROTOCOL_MAJOR_VERSION,
			AUTH_CLIENT_PROTOCOL_MINOR_VERSION,
			(unsigned long)client->client_pid));
	} SCRATCH_END;
}

struct auth_client *auth_client_create(const char *socket_path,
	pid_t client_pid)
{
	struct auth_client *client = i_new(struct auth_client, 1);

	client->path = i_strdup(socket_path);
	client->client_pid = client_pid;
	array_init(&client->mechs, NULL, 8);
	auth_client_connect(client);
	return client;
}

void auth_client_destroy(struct auth_client **_client)
{
	struct auth_client *client = *_client;

	if (client == NULL)
		return;
	*_client = NULL;
	client->connect_callback = NULL;
	if (client->to_reconnect != NULL)
		timeout_remove(&client->to_reconnect);
	if (client->to_fail_unsent != NULL)
		timeout_remove(&client->to_fail_unsent);
	auth_client_disconnect(client, "Auth client destroyed");
	array_free(&client->mechs);
	i_free(client->path);
	free(client);
}

void auth_client_set_connect_notify(struct auth_client *client,
	auth_client_connect_callback_t *callback, void *context)
{
	client->connect_callback = callback;
	client->connect_context = context;
}

bool auth_client_is_connected(const struct auth_client *client)
{
	return client->handshake_done;
}

const struct auth_mech_desc *
auth_client_get_available_mechs(const struct auth_client *client,
	unsigned int *count_r)
{
	*count_r = client->mechs.count;
	return client->mechs.v;
}

const struct auth_mech_desc *
auth_client_find_mech(const struct auth_client *client, const char *name)
{
	for (unsigned int i = 0; i < client->mechs.count; i++) {
		if (strcasecmp(client->mechs.v[i].name, name) == 0)
			return &client->mechs.v[i];
	}
	return NULL;
}

pid_t auth_client_get_server_pid(const struct auth_client *client)
{
	return client->handshake_done ? client->server_pid : 0;
}

unsigned int auth_client_get_connect_id(const struct auth_client *client)
{
	return client->handshake_done ? client->connect_uid : 0;
}

const char *auth_client_get_cookie(const struct auth_client *client)
{
	return client->handshake_done ? client->cookie : NULL;
}

unsigned int auth_client_pending_count(const struct auth_client *client)
{
	return client->request_count;
}

static int add_param(struct buf *line, const char *key, const char *value)
{
	if (buf_append_c(line, '\t') < 0 || buf_append_str(line, key) < 0)
		return -1;
	if (value == NULL)
		return 0;
	if (buf_append_c(line, '=') < 0)
		return -1;
	return buf_append_str(line, str_tabescape(scratch_arena(), value));
}

static const char *build_auth_line(unsigned int id,
	const struct auth_client_request_info *info)
{
	struct buf line;
	int ret = 0;

	buf_init(&line, scratch_arena(), 256, AUTH_CLIENT_MAX_LINE_LENGTH);
	ret |= buf_printf(&line, "AUTH\t%u\t%s", id, info->mech);
	ret |= add_param(&line, "service", info->service);
	if (info->local_ip != NULL)
		ret |= add_param(&line, "lip", info->local_ip);
	if (info->remote_ip != NULL)
		ret |= add_param(&line, "rip", info->remote_ip);
	if (info->local_port != 0)
		ret |= add_param(&line, "lport",
			t_printf("%u", info->local_port));
	if (info->remote_port != 0)
		ret |= add_param(&line, "rport",
			t_printf("%u", info->remote_port));
	if (info->local_name != NULL)
		ret |= add_param(&line, "local_name", info->local_name);
	if (info->session_id != NULL)
		ret |= add_param(&line, "session", info->session_id);
	if (info->secured)
		ret |= add_param(&line, "secured", NULL);
	if (info->valid_client_cert)
		ret |= add_param(&line, "valid-client-cert", NULL);
	if (info->no_penalty)
		ret |= add_param(&line, "no-penalty", NULL);
	if (info->debug)
		ret |= add_param(&line, "debug", NULL);
	for (unsigned int i = 0; info->extra_params != NULL &&
	     info->extra_params[i] != NULL; i++) {
		ret |= buf_append_c(&line, '\t');
		ret |= buf_append_str(&line, str_tabescape(scratch_arena(),
			info->extra_params[i]));
	}
	if (info->initial_resp_base64 != NULL)
		ret |= add_param(&line, "resp", info->initial_resp_base64);
	ret |= buf_append_c(&line, '\n');
	return ret != 0 ? NULL : buf_cstr(&line);
}

struct auth_client_request *
auth_client_request_new(struct auth_client *client,
	const struct auth_client_request_info *info,
	auth_client_request_callback_t *callback, void *context)
{
	struct auth_client_request *req = i_new(struct auth_client_request, 1);
	const char *line;

	req->client = client;
	req->callback = callback;
	req->context = context;
	if (++client->next_id == 0)
		client->next_id = 1;
	req->id = client->next_id;
	req->next = client->requests;
	if (client->requests != NULL)
		client->requests->prev = req;
	client->requests = req;
	client->request_count++;

	SCRATCH_BEGIN {
		line = build_auth_line(req->id, info);
		if (line != NULL)
			req->auth_line = i_strdup(line);
	} SCRATCH_END;
	if (req->auth_line == NULL) {
		/* Too long: fail from the loop like other failures. */
		req->auth_line = i_strdup("");
		req->fail_pending = true;
	} else if (client->handshake_done) {
		send_line(client, req->auth_line);
		explicit_bzero(req->auth_line, strlen(req->auth_line));
		i_free(req->auth_line);
		req->server_pid = client->server_pid;
		memcpy(req->cookie, client->cookie, sizeof(req->cookie));
		return req;
	} else if (client->conn != NULL) {
		/* The handshake is in progress: sent when it completes. */
		return req;
	}
	req->fail_pending = true;
	if (client->to_fail_unsent == NULL)
		client->to_fail_unsent = timeout_add_once(0,
			auth_client_fail_unsent_timeout, client);
	return req;
}

void auth_client_request_continue(struct auth_client_request *request,
	const char *data_base64)
{
	struct auth_client *client = request->client;

	if (client->conn == NULL || !client->handshake_done ||
	    request->auth_line != NULL)
		return;
	SCRATCH_BEGIN {
		send_line(client, t_printf("CONT\t%u\t%s\n", request->id,
			data_base64));
	} SCRATCH_END;
}

void auth_client_request_abort(struct auth_client_request **_request)
{
	struct auth_client_request *request = *_request;

	if (request == NULL)
		return;
	*_request = NULL;
	/* Tell the server, as Dovecot's login processes do, so it doesn't
	   keep (and later log) a request nobody waits for. */
	if (request->auth_line == NULL && !request->fail_pending &&
	    request->client->conn != NULL && request->client->handshake_done) {
		SCRATCH_BEGIN {
			send_line(request->client,
				t_printf("CANCEL\t%u\n", request->id));
		} SCRATCH_END;
	}
	request_free(request);
}

unsigned int auth_client_request_get_id(const struct auth_client_request *r)
{
	return r->id;
}

pid_t auth_client_request_get_server_pid(
	const struct auth_client_request *request)
{
	return request->server_pid;
}

const char *
auth_client_request_get_cookie(const struct auth_client_request *request)
{
	return request->cookie;
}
