/*
 * auth-master-conn.c - the server side of the auth master protocol
 * (auth-master and auth-userdb sockets): USER (userdb lookup), PASS
 * (passdb lookup without a password), LIST (user iteration) and, on
 * auth-master only, REQUEST (the post-login check of a login process's
 * hand-off: client pid + auth id + connection cookie).
 */
#include "lib.h"
#include "auth-server.h"
#include "buf.h"
#include "conn.h"
#include "ioloop.h"
#include "net.h"
#include "str.h"
#include "auth.h"
#include "auth-fields.h"
#include "auth-request.h"
#include "auth-server-private.h"
#include "auth-settings.h"
#include "mech.h"
#include "userdb.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define AUTH_MASTER_OUTPUT_HIGH (1024 * 1024)
#define AUTH_MASTER_OUTPUT_LOW (256 * 1024)

struct auth_master_conn {
	struct auth_master_conn *prev, *next;
	struct auth_server *server;
	struct conn *conn;
	bool userdb_only;
	/* The peer may look up only users with its own uid, and no PASS
	   lookups or listing: it is neither root nor the socket's owner or
	   group, and the socket is not mode 0777 (as Dovecot). */
	bool restricted;
	uid_t peer_uid;
	/* For the messages: the socket path (heap) and its mode. */
	char *socket_path;
	unsigned int socket_mode;
	bool version_received;
	bool closed;
	uint64_t created_msecs, handshake_msecs;
};

static const struct auth_settings *
master_set(const struct auth_master_conn *conn)
{
	return conn->server->auth->set;
}

static void master_send(struct auth_master_conn *conn, const char *prefix,
	const char *line)
{
	if (conn->closed)
		return;
	if (prefix != NULL && master_set(conn)->debug)
		i_debug("%s: %s", prefix, line);
	conn_write_str(conn->conn, line);
	conn_write(conn->conn, "\n", 1);
}

static void master_error(struct auth_master_conn *conn, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
static void master_error(struct auth_master_conn *conn, const char *fmt, ...)
{
	uint64_t now = ioloop_now_msecs();
	va_list args;

	va_start(args, fmt);
	SCRATCH_BEGIN {
		const char *msg = arena_vprintf(scratch_arena(), fmt, args);

		if (conn->version_received)
			i_error("auth-master client: %s (created %llu msecs "
				"ago, handshake %llu msecs ago)", msg,
				(unsigned long long)(now -
						     conn->created_msecs),
				(unsigned long long)(now -
						     conn->handshake_msecs));
		else
			i_error("auth-master client: %s (created %llu msecs "
				"ago)", msg, (unsigned long long)(now -
					conn->created_msecs));
	} SCRATCH_END;
	va_end(args);
}

static void master_close(struct auth_master_conn *conn, const char *reason)
{
	if (conn->closed)
		return;
	conn->closed = true;
	conn_close(conn->conn, reason, true);
}

/* Builds a request from "<id>\t<user>\t<params...>" (args after the
   command).  Returns NULL after logging a broken line. */
static struct auth_request *
master_request_new(struct auth_master_conn *conn, const char *cmd,
	char **args, unsigned int *id_r)
{
	struct auth_request *request;
	const char *error;

	if (args[0] == NULL || args[1] == NULL ||
	    str_to_uint(args[0], id_r) < 0) {
		master_error(conn, "BUG: Master sent broken %s", cmd);
		return NULL;
	}
	request = auth_request_new(conn->server->auth, NULL, NULL, NULL);
	request->id = *id_r;
	for (unsigned int i = 2; args[i] != NULL; i++) {
		char *eq = strchr(args[i], '=');
		const char *value = "";

		if (eq != NULL) {
			*eq = '\0';
			value = str_tabunescape(request->arena, eq + 1);
		}
		if (!auth_request_import(request, args[i], value, &error) &&
		    error != NULL) {
			master_error(conn, "BUG: Master sent broken %s: %s",
				cmd, error);
			auth_request_free(&request);
			return NULL;
		}
	}
	if (request->service == NULL) {
		master_error(conn, "BUG: Master sent %s request without "
			"service", cmd);
		auth_request_free(&request);
		return NULL;
	}
	return request;
}

struct master_lookup_ctx {
	struct auth_master_conn *conn;
	const char *out_prefix;
	bool request_reply; /* REQUEST: add auth_mech= */
};

static const char *userdb_reply_line(struct auth_request *request,
	enum userdb_result result, bool request_reply)
{
	struct buf line;

	buf_init(&line, scratch_arena(), 256, 0);
	switch (result) {
	case USERDB_RESULT_INTERNAL_FAILURE:
		return t_printf("FAIL\t%u", request->id);
	case USERDB_RESULT_USER_UNKNOWN:
		return t_printf("NOTFOUND\t%u", request->id);
	case USERDB_RESULT_OK:
		break;
	}
	if (buf_printf(&line, "USER\t%u\t%s", request->id,
		    str_tabescape(scratch_arena(), request->user)) < 0 ||
	    auth_fields_append(request->userdb_fields, &line) < 0 ||
	    (request_reply && request->mech != NULL &&
	     buf_printf(&line, "\tauth_mech=%s", request->mech->name) < 0))
		i_panic("unbounded reply buffer refused data");
	return buf_cstr(&line);
}

/* NULL if the restricted peer may see this user, else why not. */
static const char *master_restricted_user_error(struct auth_master_conn *conn,
	struct auth_request *request)
{
	const char *uid_str = auth_fields_get(request->userdb_fields, "uid");
	uid_t uid;

	if (uid_str == NULL) {
		return t_printf("userdb reply doesn't contain uid (to bypass "
			"this check, set: service auth { unix_listener %s { "
			"mode=0777 } })", conn->socket_path);
	}
	if (userdb_parse_uid(uid_str, &uid) < 0 || uid != conn->peer_uid) {
		return t_printf("userdb uid (%s) doesn't match peer uid (%ld)",
			uid_str, (long)conn->peer_uid);
	}
	return NULL;
}

static void master_userdb_callback(enum userdb_result result,
	struct auth_request *request)
{
	struct master_lookup_ctx *ctx = request->reply_context;
	const char *error;

	if (result == USERDB_RESULT_OK && ctx->conn->restricted &&
	    (error = master_restricted_user_error(ctx->conn,
						  request)) != NULL) {
		i_error("client doesn't have lookup permissions for this "
			"user: %s", error);
		result = USERDB_RESULT_INTERNAL_FAILURE;
	}
	master_send(ctx->conn, ctx->out_prefix,
		userdb_reply_line(request, result, ctx->request_reply));
}

/* "PATH mode=0666, but not owned by UID 65534(nobody)" */
static const char *master_permission_detail(struct auth_master_conn *conn)
{
	struct passwd pw, *result;
	char buf[1024];
	const char *name = "";

	if (getpwuid_r(conn->peer_uid, &pw, buf, sizeof(buf),
		       &result) == 0 && result != NULL)
		name = t_printf("(%s)", pw.pw_name);
	return t_printf("%s mode=0%o, but not owned by UID %ld%s",
		conn->socket_path, conn->socket_mode, (long)conn->peer_uid,
		name);
}

static void master_lookup_user(struct auth_master_conn *conn,
	struct auth_request *request, const char *out_prefix,
	bool request_reply)
{
	struct master_lookup_ctx ctx = { conn, out_prefix, request_reply };

	/* Lookups are synchronous: the context lives on this stack. */
	request->reply_context = &ctx;
	auth_request_lookup_user(request, master_userdb_callback);
	request->reply_context = NULL;
}

static bool master_input_user(struct auth_master_conn *conn, char **args)
{
	struct auth_request *request;
	const char *error;
	unsigned int id;

	request = master_request_new(conn, "USER", args, &id);
	if (request == NULL)
		return false;
	if (!auth_request_set_username(request, args[1], &error)) {
		auth_request_log_info(request, "userdb", "%s", error);
		master_send(conn, "userdb out", t_printf("NOTFOUND\t%u", id));
	} else {
		master_lookup_user(conn, request, "userdb out", false);
	}
	auth_request_free(&request);
	return true;
}

static void master_pass_callback(enum passdb_result result,
	struct auth_request *request)
{
	struct master_lookup_ctx *ctx = request->reply_context;
	struct buf line;

	buf_init(&line, scratch_arena(), 256, 0);
	switch (result) {
	case PASSDB_RESULT_OK:
		if (buf_printf(&line, "PASS\t%u\tuser=%s", request->id,
			    str_tabescape(scratch_arena(), request->user)) < 0 ||
		    auth_fields_append(request->extra_fields, &line) < 0)
			i_panic("unbounded reply buffer refused data");
		break;
	case PASSDB_RESULT_USER_UNKNOWN:
		if (buf_printf(&line, "NOTFOUND\t%u", request->id) < 0)
			i_panic("unbounded reply buffer refused data");
		break;
	default:
		if (buf_printf(&line, "FAIL\t%u", request->id) < 0)
			i_panic("unbounded reply buffer refused data");
		break;
	}
	master_send(ctx->conn, "passdb out", buf_cstr(&line));
}

static bool master_input_pass(struct auth_master_conn *conn, char **args)
{
	struct master_lookup_ctx ctx = { conn, "passdb out", false };
	struct auth_request *request;
	const char *error;
	unsigned int id;

	request = master_request_new(conn, "PASS", args, &id);
	if (request == NULL)
		return false;
	if (conn->restricted) {
		i_error("Auth client doesn't have permissions to do a PASS "
			"lookup: %s", master_permission_detail(conn));
		master_send(conn, "passdb out", t_printf("FAIL\t%u", id));
	} else if (!auth_request_set_username(request, args[1], &error)) {
		auth_request_log_info(request, "passdb", "%s", error);
		master_send(conn, "passdb out", t_printf("NOTFOUND\t%u", id));
	} else {
		request->reply_context = &ctx;
		auth_request_lookup_pass(request, master_pass_callback);
		request->reply_context = NULL;
	}
	auth_request_free(&request);
	return true;
}

struct list_ctx {
	struct auth_master_conn *conn;
	unsigned int id;
};

static void master_list_callback(const char *user, void *context)
{
	struct list_ctx *ctx = context;

	SCRATCH_BEGIN {
		master_send(ctx->conn, NULL, t_printf("LIST\t%u\t%s", ctx->id,
			str_tabescape(scratch_arena(), user)));
	} SCRATCH_END;
}

static bool master_input_list(struct auth_master_conn *conn, char **args)
{
	struct auth *auth = conn->server->auth;
	struct list_ctx ctx = { conn, 0 };
	bool failed = false;

	if (args[0] == NULL || str_to_uint(args[0], &ctx.id) < 0) {
		master_error(conn, "BUG: Master sent broken LIST");
		return false;
	}
	if (conn->restricted) {
		master_error(conn, "Auth client doesn't have permissions to "
			"list users: %s", master_permission_detail(conn));
		master_send(conn, NULL, t_printf("DONE\t%u\tfail", ctx.id));
		return true;
	}
	/* user=<mask> is left to the client to apply, as Dovecot's
	   iterating drivers ignore it too. */
	for (unsigned int i = 0; i < auth->userdbs.count; i++) {
		struct userdb_module *userdb = auth->userdbs.v[i];

		if (userdb->ops->iterate == NULL)
			continue;
		if (userdb->ops->iterate(userdb, master_list_callback,
			    &ctx) < 0)
			failed = true;
	}
	master_send(conn, NULL, t_printf("DONE\t%u\t%s", ctx.id,
		failed ? "fail" : ""));
	return true;
}

static bool master_input_request(struct auth_master_conn *conn, char **args)
{
	struct auth_client_conn *client;
	struct auth_request *request;
	unsigned int id, client_pid, auth_id, session_pid = 0;
	bool unfinished;

	if (str_array_length(args) < 4 || str_to_uint(args[0], &id) < 0 ||
	    str_to_uint(args[1], &client_pid) < 0 ||
	    str_to_uint(args[2], &auth_id) < 0) {
		master_error(conn, "BUG: Master sent broken REQUEST");
		return false;
	}
	for (unsigned int i = 4; args[i] != NULL; i++) {
		if (str_begins(args[i], "session_pid=") &&
		    str_to_uint(args[i] + 12, &session_pid) < 0) {
			master_error(conn, "BUG: Master sent broken "
				"session_pid");
			return false;
		}
	}
	client = auth_server_find_client(conn->server, client_pid);
	if (client == NULL) {
		master_error(conn, "Master requested auth for nonexistent "
			"client %u", client_pid);
		master_send(conn, "master userdb out",
			t_printf("FAIL\t%u", id));
		return true;
	}
	if (!auth_client_conn_cookie_matches(client, args[3])) {
		master_error(conn, "Master requested auth for client %u with "
			"invalid cookie", client_pid);
		master_send(conn, "master userdb out",
			t_printf("FAIL\t%u", id));
		return true;
	}
	request = auth_client_conn_take_handoff(client, auth_id, &unfinished);
	if (request == NULL) {
		master_error(conn, unfinished ?
			"Master requested unfinished authentication request "
			"%u.%u" : "Master request %u.%u not found",
			client_pid, auth_id);
		master_send(conn, "master userdb out",
			t_printf("FAIL\t%u", id));
		return true;
	}
	if (session_pid != 0) {
		pid_t peer_pid;
		uid_t peer_uid;
		gid_t peer_gid;

		if (net_getunixcred(conn_fd(conn->conn), &peer_pid, &peer_uid,
			    &peer_gid) < 0 ||
		    (unsigned int)peer_pid != session_pid) {
			master_error(conn, "Session pid %u provided by master "
				"for request %u.%u did not match peer "
				"credentials (pid=%ld, uid=%ld)", session_pid,
				client_pid, auth_id, (long)peer_pid,
				(long)peer_uid);
			master_send(conn, "master userdb out",
				t_printf("FAIL\t%u", id));
			auth_request_free(&request);
			return true;
		}
	}
	request->id = id;
	master_lookup_user(conn, request, "master userdb out", true);
	auth_request_free(&request);
	return true;
}

static bool master_handle_line(struct auth_master_conn *conn, char *line)
{
	char **args;

	if (master_set(conn)->debug)
		i_debug("master in: %s", line);
	args = str_split(scratch_arena(), line, "\t", false);
	if (!conn->version_received) {
		unsigned int major;

		if (strcmp(args[0], "VERSION") != 0 || args[1] == NULL ||
		    str_to_uint(args[1], &major) < 0) {
			master_error(conn, "BUG: Master didn't send VERSION");
			return false;
		}
		if (major != AUTH_MASTER_PROTOCOL_MAJOR_VERSION) {
			master_error(conn, "Master not compatible with this "
				"server (mixed old and new binaries?)");
			return false;
		}
		conn->version_received = true;
		conn->handshake_msecs = ioloop_now_msecs();
		return true;
	}
	if (strcmp(args[0], "USER") == 0)
		return master_input_user(conn, args + 1);
	if (strcmp(args[0], "PASS") == 0)
		return master_input_pass(conn, args + 1);
	if (strcmp(args[0], "LIST") == 0)
		return master_input_list(conn, args + 1);
	if (strcmp(args[0], "REQUEST") == 0 && !conn->userdb_only)
		return master_input_request(conn, args + 1);
	master_error(conn, "BUG: Unknown command in %s socket: %s",
		conn->userdb_only ? "userdb" : "master",
		auth_str_sanitize(line, 80));
	return false;
}

static void master_conn_input(struct conn *c, void *context)
{
	struct auth_master_conn *conn = context;
	const char *line;
	size_t len;
	int ret;

	while (!conn->closed &&
	       (ret = conn_read_line(c, &line, &len)) != 0) {
		bool ok;

		if (ret < 0 || strlen(line) != len) {
			master_error(conn, "BUG: Master sent %s",
				ret < 0 ? "too long line" : "a NUL byte");
			master_close(conn, "Protocol error");
			return;
		}
		SCRATCH_BEGIN {
			ok = master_handle_line(conn,
				t_strndup(line, len));
		} SCRATCH_END;
		if (!ok)
			master_close(conn, "Protocol error");
	}
}

static void master_conn_destroy(struct auth_master_conn *conn)
{
	struct auth_server *server = conn->server;

	if (conn->prev != NULL)
		conn->prev->next = conn->next;
	else
		server->masters = conn->next;
	if (conn->next != NULL)
		conn->next->prev = conn->prev;
	server->master_count--;
	conn_destroy(&conn->conn);
	free(conn->socket_path);
	free(conn);
	auth_server_connection_closed(server);
}

static void master_conn_closed(struct conn *c, void *context,
	const char *reason)
{
	master_conn_destroy(context);
}

/*
 * Dovecot's rule for auth-master and auth-userdb clients: root, the
 * socket's owner, a peer whose (primary) gid is the socket's group, and
 * anyone when the socket is mode 0777 may do everything; any other peer
 * (a local user reaching a 0666 auth-userdb) may look up only users whose
 * userdb uid is its own.
 */
static void master_check_permissions(struct auth_master_conn *conn, int fd)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	struct stat st;
	pid_t pid;
	gid_t gid;

	if (net_getunixcred(fd, &pid, &conn->peer_uid, &gid) < 0 ||
	    conn->peer_uid == 0)
		return;
	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
	    sa.sun_family != AF_UNIX || sa.sun_path[0] == '\0') {
		/* no path to judge by: only root and ourselves */
		conn->socket_path = i_strdup("(unknown socket)");
		conn->restricted = conn->peer_uid != geteuid();
		return;
	}
	sa.sun_path[sizeof(sa.sun_path) - 1] = '\0';
	conn->socket_path = i_strdup(sa.sun_path);
	if (stat(sa.sun_path, &st) < 0) {
		conn->restricted = conn->peer_uid != geteuid();
		return;
	}
	conn->socket_mode = st.st_mode & 0777;
	conn->restricted = conn->socket_mode != 0777 &&
		conn->peer_uid != st.st_uid && gid != st.st_gid;
}

void auth_master_conn_create(struct auth_server *server, int fd,
	bool userdb_only)
{
	static const struct conn_settings set = {
		.input_max = AUTH_MASTER_MAX_LINE_LENGTH + 2,
		.output_high = AUTH_MASTER_OUTPUT_HIGH,
		.output_low = AUTH_MASTER_OUTPUT_LOW,
		.idle_timeout_msecs = 0,
	};
	static const struct conn_callbacks callbacks = {
		.input = master_conn_input,
		.closed = master_conn_closed,
	};
	struct auth_master_conn *conn = i_new(struct auth_master_conn, 1);

	conn->server = server;
	conn->userdb_only = userdb_only;
	conn->created_msecs = ioloop_now_msecs();
	conn->next = server->masters;
	if (server->masters != NULL)
		server->masters->prev = conn;
	server->masters = conn;
	server->master_count++;
	master_check_permissions(conn, fd);
	conn->conn = conn_create(fd, &set, &callbacks, conn);
	SCRATCH_BEGIN {
		master_send(conn, NULL, t_printf("VERSION\t%u\t%u",
			AUTH_MASTER_PROTOCOL_MAJOR_VERSION,
			AUTH_MASTER_PROTOCOL_MINOR_VERSION));
		master_send(conn, NULL, t_printf("SPID\t%lu",
			(unsigned long)server->pid));
	} SCRATCH_END;
}

void auth_master_conn_destroy_all(struct auth_server *server)
{
	while (server->masters != NULL)
		master_conn_destroy(server->masters);
}
