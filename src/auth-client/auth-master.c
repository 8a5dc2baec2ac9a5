/*
 * auth-master.c - the blocking client of the auth master protocol (see
 * auth-master.h).
 */
#include "lib.h"
#include "auth-master.h"
#include "array.h"
#include "str.h"
#include "auth-blocking.h"
#include "auth-protocol.h"
#include "auth-wildcard.h"

struct auth_master_connection {
	char *path;
	unsigned int timeout_msecs;
	struct auth_blocking_conn bc;
	bool connected;
	pid_t server_pid;
	unsigned int next_id;
	char *last_error;
};

struct auth_master_user_list_ctx {
	struct auth_master_connection *conn;
	char *mask;
	unsigned int id;
	bool finished, failed;
	char *user;
};

struct auth_master_connection *
auth_master_init(const char *socket_path, unsigned int timeout_msecs)
{
	struct auth_master_connection *conn =
		i_new(struct auth_master_connection, 1);

	conn->path = i_strdup(socket_path);
	conn->timeout_msecs = timeout_msecs != 0 ? timeout_msecs :
		AUTH_MASTER_DEFAULT_TIMEOUT_MSECS;
	conn->bc.fd = -1;
	return conn;
}

static void auth_master_disconnect(struct auth_master_connection *conn)
{
	if (conn->connected)
		auth_blocking_close(&conn->bc);
	conn->connected = false;
}

void auth_master_deinit(struct auth_master_connection **_conn)
{
	struct auth_master_connection *conn = *_conn;

	if (conn == NULL)
		return;
	*_conn = NULL;
	auth_master_disconnect(conn);
	i_free(conn->path);
	i_free(conn->last_error);
	free(conn);
}

pid_t auth_master_get_server_pid(const struct auth_master_connection *conn)
{
	return conn->server_pid;
}

static int auth_master_connect(struct auth_master_connection *conn,
	const char **error_r)
{
	const char *line;
	bool version_ok = false;

	if (conn->connected)
		return 0;
	if (auth_blocking_connect(&conn->bc, conn->path,
		    AUTH_MASTER_MAX_LINE_LENGTH, error_r) < 0)
		return -1;
	conn->connected = true;
	auth_blocking_set_timeout(&conn->bc, conn->timeout_msecs);
	if (auth_blocking_write(&conn->bc, t_printf("VERSION\t%u\t0\n",
		    AUTH_MASTER_PROTOCOL_MAJOR_VERSION), error_r) < 0)
		goto fail;
	/* VERSION, then SPID. */
	while (auth_blocking_read_line(&conn->bc, &line, error_r) > 0) {
		char **args = str_split(scratch_arena(), line, "\t", false);
		unsigned int major, pid;

		if (strcmp(args[0], "VERSION") == 0 && args[1] != NULL) {
			if (str_to_uint(args[1], &major) < 0 ||
			    major != AUTH_MASTER_PROTOCOL_MAJOR_VERSION) {
				*error_r = "Auth server is not compatible "
					"(protocol version mismatch)";
				goto fail;
			}
			version_ok = true;
		} else if (strcmp(args[0], "SPID") == 0 && args[1] != NULL &&
			   version_ok) {
			if (str_to_uint(args[1], &pid) < 0) {
				*error_r = "Auth server sent invalid SPID";
				goto fail;
			}
			conn->server_pid = (pid_t)pid;
			return 0;
		} else {
			*error_r = t_printf("Auth server sent invalid "
				"handshake: %s", line);
			goto fail;
		}
	}
fail:
	auth_master_disconnect(conn);
	return -1;
}

static void info_append(struct buf *out, const struct auth_user_info *info)
{
	static const struct auth_user_info empty_info;
	struct arena *a = scratch_arena();
	int ret = 0;

	if (info == NULL)
		info = &empty_info;
	ret |= buf_printf(out, "\tservice=%s", str_tabescape(a,
		info->service != NULL ? info->service : ""));
	if (info->local_ip != NULL)
		ret |= buf_printf(out, "\tlip=%s",
			str_tabescape(a, info->local_ip));
	if (info->remote_ip != NULL)
		ret |= buf_printf(out, "\trip=%s",
			str_tabescape(a, info->remote_ip));
	if (info->local_port != 0)
		ret |= buf_printf(out, "\tlport=%u", info->local_port);
	if (info->remote_port != 0)
		ret |= buf_printf(out, "\trport=%u", info->remote_port);
	if (info->session_id != NULL)
		ret |= buf_printf(out, "\tsession=%s",
			str_tabescape(a, info->session_id));
	if (info->debug)
		ret |= buf_append_str(out, "\tdebug");
	if (ret != 0)
		i_panic("unbounded request buffer refused data");
}

/*
 * Sends cmd and reads lines until the reply for id.  Returns the reply's
 * fields (after the id) split and unescaped in arena, with the reply's
 * command in *reply_r; -1 with *error_r on connection trouble.
 */
static int auth_master_run(struct auth_master_connection *conn,
	const char *cmd, unsigned int id, struct arena *arena,
	const char **reply_r, char ***args_r, const char **error_r)
{
	const char *line;
	bool retried = false;

	for (;;) {
		if (auth_master_connect(conn, error_r) < 0)
			return -1;
		auth_blocking_set_timeout(&conn->bc, conn->timeout_msecs);
		if (auth_blocking_write(&conn->bc, cmd, error_r) == 0)
			break;
		/* The server may have closed an idle connection: one
		   reconnect. */
		auth_master_disconnect(conn);
		if (retried)
			return -1;
		retried = true;
	}
	while (auth_blocking_read_line(&conn->bc, &line, error_r) > 0) {
		char **args = str_split(arena, line, "\t", false);
		unsigned int reply_id;

		if (args[0] == NULL || args[1] == NULL ||
		    str_to_uint(args[1], &reply_id) < 0) {
			*error_r = t_printf("Auth server sent invalid line: %s",
				line);
			break;
		}
		if (reply_id != id)
			continue;
		for (unsigned int i = 2; args[i] != NULL; i++)
			args[i] = (char *)str_tabunescape(arena, args[i]);
		*reply_r = args[0];
		*args_r = args + 2;
		return 0;
	}
	auth_master_disconnect(conn);
	return -1;
}

static unsigned int auth_master_next_id(struct auth_master_connection *conn)
{
	if (++conn->next_id == 0)
		conn->next_id = 1;
	return conn->next_id;
}

static const char *fail_reason(char **args)
{
	for (unsigned int i = 0; args[i] != NULL; i++) {
		if (str_begins(args[i], "reason="))
			return args[i] + 7;
	}
	return NULL;
}

int auth_master_user_lookup(struct auth_master_connection *conn,
	const char *user, const struct auth_user_info *info,
	struct arena *arena, const char **username_r,
	const char *const **fields_r, const char **error_r)
{
	unsigned int id = auth_master_next_id(conn);
	const char *reply, *reason;
	char **args;
	struct buf cmd;

	*username_r = NULL;
	*fields_r = NULL;
	buf_init(&cmd, scratch_arena(), 256, 0);
	if (buf_printf(&cmd, "USER\t%u\t%s", id,
		    str_tabescape(scratch_arena(), user)) < 0)
		i_panic("unbounded request buffer refused data");
	info_append(&cmd, info);
	if (buf_append_c(&cmd, '\n') < 0)
		i_panic("unbounded request buffer refused data");
	if (auth_master_run(conn, buf_cstr(&cmd), id, arena, &reply, &args,
		    error_r) < 0)
		return -1;
	if (strcmp(reply, "USER") == 0 && args[0] != NULL) {
		*username_r = args[0];
		*fields_r = (const char *const *)args + 1;
		return 1;
	}
	if (strcmp(reply, "NOTFOUND") == 0)
		return 0;
	reason = fail_reason(args);
	*error_r = reason != NULL ? reason : "userdb lookup failed";
	return -1;
}

int auth_master_pass_lookup(struct auth_master_connection *conn,
	const char *user, const struct auth_user_info *info,
	struct arena *arena, const char *const **fields_r,
	const char **error_r)
{
	unsigned int id = auth_master_next_id(conn);
	const char *reply, *reason;
	char **args;
	struct buf cmd;

	*fields_r = NULL;
	buf_init(&cmd, scratch_arena(), 256, 0);
	if (buf_printf(&cmd, "PASS\t%u\t%s", id,
		    str_tabescape(scratch_arena(), user)) < 0)
		i_panic("unbounded request buffer refused data");
	info_append(&cmd, info);
	if (buf_append_c(&cmd, '\n') < 0)
		i_panic("unbounded request buffer refused data");
	if (auth_master_run(conn, buf_cstr(&cmd), id, arena, &reply, &args,
		    error_r) < 0)
		return -1;
	if (strcmp(reply, "PASS") == 0) {
		*fields_r = (const char *const *)args;
		return 1;
	}
	if (strcmp(reply, "NOTFOUND") == 0)
		return 0;
	reason = fail_reason(args);
	*error_r = reason != NULL ? reason : "passdb lookup failed";
	return -1;
}

int auth_master_request(struct auth_master_connection *conn,
	pid_t client_pid, unsigned int auth_id, const char *cookie,
	pid_t session_pid, struct arena *arena, const char **username_r,
	const char *const **fields_r, const char **error_r)
{
	unsigned int id = auth_master_next_id(conn);
	const char *reply, *cmd;
	char **args;

	*username_r = NULL;
	*fields_r = NULL;
	if (strlen(cookie) != AUTH_COOKIE_HEX_SIZE ||
	    strpbrk(cookie, "\t\r\n") != NULL) {
		*error_r = "Invalid cookie";
		return 0;
	}
	cmd = t_printf("REQUEST\t%u\t%lu\t%u\t%s%s\n", id,
		(unsigned long)client_pid, auth_id, cookie,
		session_pid == 0 ? "" :
		t_printf("\tsession_pid=%lu", (unsigned long)session_pid));
	if (auth_master_run(conn, cmd, id, arena, &reply, &args,
		    error_r) < 0)
		return -1;
	if (strcmp(reply, "USER") == 0 && args[0] != NULL) {
		*username_r = args[0];
		*fields_r = (const char *const *)args + 1;
		return 1;
	}
	if (strcmp(reply, "NOTFOUND") == 0)
		*error_r = "User not found from userdb";
	else
		*error_r = "Auth server rejected the login hand-off";
	return 0;
}

struct auth_master_user_list_ctx *
auth_master_user_list_init(struct auth_master_connection *conn,
	const char *user_mask, const struct auth_user_info *info)
{
	struct auth_master_user_list_ctx *ctx =
		i_new(struct auth_master_user_list_ctx, 1);
	const char *error;
	struct buf cmd;

	ctx->conn = conn;
	ctx->mask = user_mask == NULL ? NULL : i_strdup(user_mask);
	ctx->id = auth_master_next_id(conn);
	buf_init(&cmd, scratch_arena(), 256, 0);
	if (buf_printf(&cmd, "LIST\t%u", ctx->id) < 0 ||
	    (user_mask != NULL && buf_printf(&cmd, "\tuser=%s",
		str_tabescape(scratch_arena(), user_mask)) < 0))
		i_panic("unbounded request buffer refused data");
	if (info != NULL)
		info_append(&cmd, info);
	if (buf_append_c(&cmd, '\n') < 0)
		i_panic("unbounded request buffer refused data");
	if (auth_master_connect(conn, &error) < 0 ||
	    auth_blocking_write(&conn->bc, buf_cstr(&cmd), &error) < 0) {
		i_free(conn->last_error);
		conn->last_error = i_strdup(error);
		auth_master_disconnect(conn);
		ctx->failed = true;
		ctx->finished = true;
	}
	return ctx;
}

const char *auth_master_user_list_next(struct auth_master_user_list_ctx *ctx)
{
	struct auth_master_connection *conn = ctx->conn;
	const char *line, *error;

	i_free(ctx->user);
	while (!ctx->finished) {
		unsigned int id;
		char **args;

		auth_blocking_set_timeout(&conn->bc, conn->timeout_msecs);
		if (auth_blocking_read_line(&conn->bc, &line, &error) < 0) {
			i_free(conn->last_error);
			conn->last_error = i_strdup(error);
			auth_master_disconnect(conn);
			ctx->failed = ctx->finished = true;
			break;
		}
		args = str_split(scratch_arena(), line, "\t", false);
		if (args[0] == NULL || args[1] == NULL ||
		    str_to_uint(args[1], &id) < 0 || id != ctx->id)
			continue;
		if (strcmp(args[0], "DONE") == 0) {
			ctx->finished = true;
			if (args[2] != NULL && strcmp(args[2], "fail") == 0) {
				ctx->failed = true;
				i_free(conn->last_error);
				conn->last_error = i_strdup(
					"User listing returned failure");
			}
			break;
		}
		if (strcmp(args[0], "LIST") != 0 || args[2] == NULL)
			continue;
		SCRATCH_BEGIN {
			const char *user = str_tabunescape(scratch_arena(),
				args[2]);

			if (ctx->mask == NULL ||
			    auth_wildcard_match(ctx->mask, user))
				ctx->user = i_strdup(user);
		} SCRATCH_END;
		if (ctx->user != NULL)
			return ctx->user;
	}
	return NULL;
}

int auth_master_user_list_deinit(struct auth_master_user_list_ctx **_ctx,
	const char **error_r)
{
	struct auth_master_user_list_ctx *ctx = *_ctx;
	int ret;

	*_ctx = NULL;
	/* Drain the rest so the connection stays usable. */
	while (!ctx->finished)
		(void)auth_master_user_list_next(ctx);
	ret = ctx->failed ? -1 : 0;
	if (ret < 0)
		*error_r = ctx->conn->last_error != NULL ?
			ctx->conn->last_error : "User listing failed";
	i_free(ctx->user);
	i_free(ctx->mask);
	free(ctx);
	return ret;
}

bool auth_master_user_mask_match(const char *mask, const char *name)
{
	return auth_wildcard_match(mask, name);
}
