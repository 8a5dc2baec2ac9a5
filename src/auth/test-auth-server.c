/*
 * test-auth-server.c - the auth server against its own client libraries
 * over real UNIX sockets in a temp dir: a forked child runs the server's
 * ioloop; the parent drives the async login-side client (auth-client.h)
 * from its own ioloop and the blocking post-login client (auth-master.h),
 * including the cookie-checked REQUEST hand-off.  Also: the handshake and
 * error handling through a socketless test connection, passwd-file
 * parsing and re-reading, chain rules, byte-by-byte input.
 */
#include "lib.h"
#include "buf.h"
#include "ioloop.h"
#include "net.h"
#include "str.h"
#include "file.h"
#include "auth.h"
#include "auth-base64.h"
#include "auth-client.h"
#include "auth-master.h"
#include "auth-server.h"
#include "auth-settings.h"
#include "db-passwd-file.h"
#include "test-common.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *users_path, *client_path, *master_path, *userdb_path;

static void write_users(const char *extra)
{
	const char *error;
	const char *data = t_printf(
		"# comment line\n"
		"\n"
		"test:{PLAIN}pass:1000:1000::/home/test::userdb_mail=maildir:~/Maildir nodelay\n"
		"bob@example.com:{SHA256.HEX}c5ce6dc1916d8b83c6bf944201c0ce3f0acf0e91d97ec09cd51635698d1661d0:1001:1001:Bob:/home/bob:/bin/sh:userdb_quota_rule=*:storage=1G\n"
		"badline:{PLAIN}x:notanumber\n"
		"nopw::1002:1002::/home/nopw::nopassword\n"
		"%s", extra);

	test_assert(file_write_atomic(users_path, data, strlen(data), 0600,
			    false, &error) == 0);
}

static struct auth_settings *make_settings(struct arena *arena)
{
	struct auth_settings *set = auth_settings_create_default(arena);
	struct auth_passdb_settings *p;
	struct auth_userdb_settings *u;
	const char *error;

	set->mechanisms = "plain login";
	set->failure_delay_msecs = 0;
	p = array_append_space(&set->passdbs);
	auth_passdb_settings_init(p);
	p->driver = "static";
	p->args = "password=denied";
	p->deny = true;
	p->username_filter = "denied*";
	p = array_append_space(&set->passdbs);
	auth_passdb_settings_init(p);
	p->driver = "passwd-file";
	p->args = arena_printf(arena, "scheme=PLAIN %s", users_path);
	p = array_append_space(&set->passdbs);
	auth_passdb_settings_init(p);
	p->driver = "static";
	p->args = "password=static%n";
	p->username_filter = "*@static.test";
	u = array_append_space(&set->userdbs);
	auth_userdb_settings_init(u);
	u->driver = "passwd-file";
	u->args = users_path;
	u = array_append_space(&set->userdbs);
	auth_userdb_settings_init(u);
	u->driver = "static";
	u->args = "uid=2000 gid=2000 home=/var/vmail/%d/%n";
	test_assert(auth_settings_finish(set, &error) == 0);
	return set;
}

/* --- socketless protocol tests --- */

static void test_handshake_and_errors(void)
{
	struct arena *arena = arena_create("test", 1024);
	struct auth_settings *set = make_settings(arena);
	struct auth_server *server;
	struct auth_client_conn *conn;
	struct ioloop *ioloop = ioloop_create();
	struct auth *auth;
	struct buf out;
	const char *error;

	test_begin("auth server: handshake and malformed input");
	test_assert(auth_create(set, &auth, &error) == 0);
	server = auth_server_create(auth);
	buf_init(&out, NULL, 1024, 1024 * 1024);

	conn = auth_client_conn_create_test(server, &out);
	test_assert(str_begins(buf_cstr(&out), "VERSION\t1\t2\n"
		"MECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t"));
	test_assert(strstr(buf_cstr(&out), "\nCUID\t1\nCOOKIE\t") != NULL);
	test_assert(str_ends(buf_cstr(&out), "\nDONE\n"));
	/* AUTH before the handshake is a protocol error. */
	test_assert(!auth_client_conn_input_line(conn,
		"AUTH\t1\tPLAIN\tservice=imap"));
	auth_client_conn_destroy(&conn);

	static const char *const bad_lines[] = {
		"AUTH\t1\tFOO\tservice=imap",           /* unknown mech */
		"AUTH\t1\tPLAIN",                       /* no service */
		"AUTH\t0\tPLAIN\tservice=imap",         /* id 0 */
		"AUTH\tx\tPLAIN\tservice=imap",
		"AUTH\t1\tPLAIN\tresp=AA\tservice=imap",/* resp not last */
		"AUTH\t1\tPLAIN\tservice=imap\tlport=99999",
		"BOGUS\t1",
		"CANCEL\tx",
		"CANCEL",
		"",
		"VERSION\t1\t2",
	};
	for (unsigned int i = 0; i < N_ELEMENTS(bad_lines); i++) {
		buf_reset(&out);
		conn = auth_client_conn_create_test(server, &out);
		test_assert(auth_client_conn_input_line(conn,
			"VERSION\t1\t2"));
		test_assert(auth_client_conn_input_line(conn,
			t_printf("CPID\t%u", 100 + i)));
		test_assert(!auth_client_conn_input_line(conn, bad_lines[i]));
		test_assert(auth_client_conn_is_closed(conn));
		auth_client_conn_destroy(&conn);
	}
	/* Incompatible major version. */
	conn = auth_client_conn_create_test(server, &out);
	test_assert(!auth_client_conn_input_line(conn, "VERSION\t2\t0"));
	auth_client_conn_destroy(&conn);

	/* Requests answered at once: OK, invalid base64, CONT unknown id,
	   PLAIN continuation, duplicate id closes. */
	buf_reset(&out);
	conn = auth_client_conn_create_test(server, &out);
	test_assert(auth_client_conn_input_line(conn, "VERSION\t1\t2"));
	test_assert(auth_client_conn_input_line(conn, "CPID\t42"));
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn,
		"AUTH\t1\tPLAIN\tservice=imap\trip=10.0.0.1\tresp=AHRlc3QAcGFzcw=="));
	test_assert_strcmp(buf_cstr(&out), "OK\t1\tuser=test\tnodelay\n");
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn,
		"AUTH\t2\tPLAIN\tservice=imap\tresp=!!!"));
	test_assert_strcmp(buf_cstr(&out), "FAIL\t2\tcode=invalid_base64\t"
		"reason=Invalid base64 data in initial response\n");
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn, "CONT\t99\tAAAA"));
	test_assert_strcmp(buf_cstr(&out),
		"FAIL\t99\treason=Authentication request timed out\n");
	/* CANCEL forgets a request in progress (no reply); a later CONT for
	   it finds nothing.  Cancelling an unknown id is harmless. */
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn,
		"AUTH\t7\tPLAIN\tservice=imap"));
	test_assert_strcmp(buf_cstr(&out), "CONT\t7\t\n");
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn, "CANCEL\t7"));
	test_assert(auth_client_conn_input_line(conn, "CANCEL\t70"));
	test_assert_strcmp(buf_cstr(&out), "");
	test_assert(auth_client_conn_input_line(conn, "CONT\t7\tAAAA"));
	test_assert_strcmp(buf_cstr(&out),
		"FAIL\t7\treason=Authentication request timed out\n");
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn,
		"AUTH\t3\tPLAIN\tservice=imap"));
	test_assert_strcmp(buf_cstr(&out), "CONT\t3\t\n");
	buf_reset(&out);
	test_assert(auth_client_conn_input_line(conn,
		"CONT\t3\tAEJPQkBFWEFNUExFLkNPTQB0ZXN0IHB3"));
	/* %Lu lowercased BOB@EXAMPLE.COM; SHA256.HEX verified. */
	test_assert_strcmp(buf_cstr(&out),
		"OK\t3\tuser=bob@example.com\toriginal_user=BOB@EXAMPLE.COM\n");
	test_assert(!auth_client_conn_input_line(conn,
		"AUTH\t1\tPLAIN\tservice=imap"));
	auth_client_conn_destroy(&conn);

	buf_free(&out);
	auth_server_destroy(&server);
	auth_destroy(&auth);
	ioloop_destroy(&ioloop);
	arena_destroy(&arena);
	test_end();
}

/* --- the forked server --- */

struct listener {
	int fd;
	enum auth_socket_type type;
	struct auth_server *server;
};

static void listener_accept(void *context)
{
	struct listener *l = context;
	int fd = net_accept(l->fd, NULL, NULL);

	if (fd >= 0)
		auth_server_add_connection(l->server, fd, l->type);
}

static void server_sigterm(int signo, void *context)
{
	ioloop_stop(context);
}

static pid_t start_server(void)
{
	struct listener listeners[3];
	const char *paths[3] = { client_path, master_path, userdb_path };
	pid_t pid;
	int ready[2];
	char c;

	test_assert(pipe(ready) == 0);
	pid = fork();
	if (pid != 0) {
		(void)close(ready[1]);
		test_assert(read(ready[0], &c, 1) == 1);
		(void)close(ready[0]);
		return pid;
	}
	struct arena *arena = arena_create("server", 1024);
	struct auth_settings *set = make_settings(arena);
	struct ioloop *ioloop = ioloop_create();
	struct auth *auth;
	struct auth_server *server;
	struct io *ios[3];
	const char *error;

	set->failure_delay_msecs = 200;
	if (auth_create(set, &auth, &error) < 0)
		i_fatal("auth_create: %s", error);
	server = auth_server_create(auth);
	for (unsigned int i = 0; i < 3; i++) {
		listeners[i].fd = net_listen_unix(paths[i], 0600, (uid_t)-1,
			(gid_t)-1, 16, &error);
		if (listeners[i].fd < 0)
			i_fatal("listen: %s", error);
		listeners[i].type = auth_socket_type_from_name(paths[i]);
		listeners[i].server = server;
		ios[i] = io_add(listeners[i].fd, IO_READ, listener_accept,
			&listeners[i]);
	}
	signal_handler_add(SIGTERM, server_sigterm, ioloop);
	if (write(ready[1], "x", 1) != 1)
		_exit(1);
	ioloop_run(ioloop);
	for (unsigned int i = 0; i < 3; i++)
		io_remove(&ios[i]);
	auth_server_destroy(&server);
	auth_destroy(&auth);
	ioloop_destroy(&ioloop);
	_exit(0);
}

static void stop_server(pid_t pid)
{
	int status;

	test_assert(kill(pid, SIGTERM) == 0);
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* --- async client --- */

struct reply {
	bool done;
	enum auth_client_status status;
	char *data;
	char *args;
	unsigned int auth_id;
	char cookie[33];
	pid_t server_pid;
	struct ioloop *ioloop;
	const char *cont_answer;
};

static void reply_callback(struct auth_client_request *request,
	enum auth_client_status status, const char *data_base64,
	const char *const *args, void *context)
{
	struct reply *r = context;
	struct buf b;

	if (status == AUTH_CLIENT_STATUS_CONTINUE) {
		i_free(r->data);
		r->data = i_strdup(data_base64);
		if (r->cont_answer != NULL) {
			auth_client_request_continue(request, r->cont_answer);
			r->cont_answer = NULL;
		} else {
			ioloop_stop(r->ioloop);
		}
		return;
	}
	buf_init(&b, NULL, 64, 0);
	for (unsigned int i = 0; args[i] != NULL; i++) {
		if (i > 0 && buf_append_c(&b, ' ') < 0)
			break;
		if (buf_append_str(&b, args[i]) < 0)
			break;
	}
	i_free(r->args);
	r->args = i_strdup(buf_cstr(&b));
	buf_free(&b);
	if (data_base64 != NULL) {
		i_free(r->data);
		r->data = i_strdup(data_base64);
	}
	r->status = status;
	r->done = true;
	r->auth_id = auth_client_request_get_id(request);
	i_strlcpy(r->cookie, auth_client_request_get_cookie(request),
		sizeof(r->cookie));
	r->server_pid = auth_client_request_get_server_pid(request);
	ioloop_stop(r->ioloop);
}

/* Frees what the previous request left in r and clears it for reuse. */
static void reply_reset(struct reply *r)
{
	i_free(r->data);
	i_free(r->args);
	memset(r, 0, sizeof(*r));
}

static void loop_timeout(void *context)
{
	ioloop_stop(context);
}

static void run_until_done(struct ioloop *ioloop, struct reply *r)
{
	struct timeout *to = timeout_add_once(5000, loop_timeout, ioloop);

	while (!r->done) {
		ioloop_run(ioloop);
		if (!r->done)
			break;
	}
	timeout_remove(&to);
}

static void connected_cb(struct auth_client *client, bool connected,
	void *context)
{
	if (connected)
		ioloop_stop(context);
}

static void test_clients(void)
{
	struct ioloop *ioloop;
	struct auth_client *client;
	struct auth_client_request_info info;
	struct auth_master_connection *mconn;
	struct auth_master_user_list_ctx *lctx;
	struct reply r;
	struct timeout *to;
	struct arena *arena = arena_create("test", 1024);
	const char *username, *const *fields, *error, *user;
	unsigned int count, n;
	const struct auth_mech_desc *mechs;
	pid_t pid;
	uint64_t start;

	test_begin("auth clients against the server over UNIX sockets");
	pid = start_server();
	ioloop = ioloop_create();
	/* Not our pid: auth_client_test_plain() below sends getpid() and
	   the server refuses a second connection with the same CPID. */
	client = auth_client_create(client_path, getpid() + 1000000);
	auth_client_set_connect_notify(client, connected_cb, ioloop);
	to = timeout_add_once(5000, loop_timeout, ioloop);
	ioloop_run(ioloop);
	timeout_remove(&to);
	test_assert(auth_client_is_connected(client));
	mechs = auth_client_get_available_mechs(client, &count);
	test_assert(count == 2 && strcmp(mechs[0].name, "PLAIN") == 0 &&
		mechs[0].flags == AUTH_MECH_FLAG_PLAINTEXT);
	test_assert(auth_client_find_mech(client, "login") != NULL);
	test_assert(auth_client_get_server_pid(client) == pid);
	test_assert(strlen(auth_client_get_cookie(client)) == 32);

	/* PLAIN with an initial response: OK. */
	memset(&info, 0, sizeof(info));
	info.mech = "PLAIN";
	info.service = "imap";
	info.remote_ip = "10.1.2.3";
	info.local_ip = "10.1.2.4";
	info.remote_port = 5555;
	info.local_port = 143;
	info.session_id = "sess1";
	info.initial_resp_base64 = "AHRlc3QAcGFzcw==";
	memset(&r, 0, sizeof(r));
	r.ioloop = ioloop;
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_OK);
	test_assert_strcmp(r.args, "user=test nodelay");

	/* The post-login hand-off: REQUEST with the right cookie works
	   once; a wrong cookie or a second try fails. */
	mconn = auth_master_init(master_path, 5000);
	test_assert(auth_master_request(mconn, getpid() + 1000000, r.auth_id,
		"00000000000000000000000000000000", 0, arena, &username,
		&fields, &error) == 0);
	test_assert(auth_master_request(mconn, getpid() + 1000000, r.auth_id,
		r.cookie, 0, arena, &username, &fields, &error) == 1);
	test_assert_strcmp(username, "test");
	test_assert(fields != NULL && str_array_length((char **)fields) == 5);
	if (fields != NULL && str_array_length((char **)fields) == 5) {
		test_assert_strcmp(fields[0], "mail=maildir:~/Maildir");
		test_assert_strcmp(fields[1], "uid=1000");
		test_assert_strcmp(fields[3], "home=/home/test");
		test_assert_strcmp(fields[4], "auth_mech=PLAIN");
	}
	test_assert(auth_master_request(mconn, getpid() + 1000000, r.auth_id,
		r.cookie, 0, arena, &username, &fields, &error) == 0);
	test_assert(auth_master_get_server_pid(mconn) == pid);

	/* Wrong password: FAIL after auth_failure_delay (200 ms). */
	info.initial_resp_base64 = "AHRlc3QAd3Jvbmc=";
	reply_reset(&r);
	r.ioloop = ioloop;
	start = ioloop_now_msecs();
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_FAIL);
	test_assert_strcmp(r.args, "user=test");
	test_assert(ioloop_now_msecs() - start >= 190);

	/* LOGIN: "Username:" then "Password:". */
	info.mech = "LOGIN";
	info.initial_resp_base64 = NULL;
	reply_reset(&r);
	r.ioloop = ioloop;
	r.cont_answer = "Ym9iQGV4YW1wbGUuY29t";
	{
		struct auth_client_request *req = auth_client_request_new(
			client, &info, reply_callback, &r);
		struct timeout *to2 = timeout_add_once(5000, loop_timeout,
			ioloop);

		ioloop_run(ioloop); /* until the second CONT */
		test_assert(!r.done);
		test_assert_strcmp(r.data, "UGFzc3dvcmQ6");
		auth_client_request_continue(req, "dGVzdCBwdw==");
		ioloop_run(ioloop);
		timeout_remove(&to2);
	}
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_OK);
	test_assert_strcmp(r.args, "user=bob@example.com");

	/* A static passdb for one domain, static userdb fallback. */
	info.mech = "PLAIN";
	info.initial_resp_base64 = auth_base64_encode(arena,
		"\0x@static.test\0staticx", 22);
	reply_reset(&r);
	r.ioloop = ioloop;
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_OK);
	test_assert(auth_master_request(mconn, getpid() + 1000000, r.auth_id,
		r.cookie, 0, arena, &username, &fields, &error) == 1);
	test_assert(fields != NULL &&
		str_array_length((char **)fields) >= 3);
	if (fields != NULL && str_array_length((char **)fields) >= 3)
		test_assert_strcmp(fields[2], "home=/var/vmail/static.test/x");

	/* The deny passdb refuses a user that would otherwise pass. */
	info.initial_resp_base64 = auth_base64_encode(arena,
		"\0denied@static.test\0staticdenied", 32);
	reply_reset(&r);
	r.ioloop = ioloop;
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_FAIL);

	/* nopassword accepts anything. */
	info.initial_resp_base64 = auth_base64_encode(arena,
		"\0nopw\0whatever", 14);
	reply_reset(&r);
	r.ioloop = ioloop;
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_OK);

	/* userdb and passdb lookups, LIST. */
	test_assert(auth_master_user_lookup(mconn, "bob@example.com",
		&(struct auth_user_info){ .service = "lmtp" }, arena,
		&username, &fields, &error) == 1);
	test_assert(fields != NULL &&
		str_array_length((char **)fields) == 4);
	if (fields != NULL && str_array_length((char **)fields) == 4) {
		test_assert_strcmp(fields[0], "uid=1001");
		test_assert_strcmp(fields[3], "quota_rule=*:storage=1G");
	}
	test_assert(auth_master_user_lookup(mconn, "nobody@nowhere",
		&(struct auth_user_info){ .service = "lmtp" }, arena,
		&username, &fields, &error) == 0);
	test_assert(auth_master_pass_lookup(mconn, "test",
		&(struct auth_user_info){ .service = "doveadm" }, arena,
		&fields, &error) == 1);
	test_assert(fields != NULL && fields[0] != NULL);
	if (fields != NULL && fields[0] != NULL)
		test_assert_strcmp(fields[0], "user=test");
	test_assert(auth_master_pass_lookup(mconn, "nobody",
		&(struct auth_user_info){ .service = "doveadm" }, arena,
		&fields, &error) == 0);
	lctx = auth_master_user_list_init(mconn, "*o*", NULL);
	n = 0;
	while ((user = auth_master_user_list_next(lctx)) != NULL)
		n++;
	test_assert(auth_master_user_list_deinit(&lctx, &error) == 0);
	test_assert(n == 2); /* bob@example.com, nopw */
	auth_master_deinit(&mconn);

	/* auth-userdb may not REQUEST. */
	mconn = auth_master_init(userdb_path, 5000);
	test_assert(auth_master_request(mconn, getpid() + 1000000, 1, r.cookie, 0,
		arena, &username, &fields, &error) == -1);
	test_assert(auth_master_user_lookup(mconn, "test", NULL, arena,
		&username, &fields, &error) == 1);
	auth_master_deinit(&mconn);

	/* The blocking PLAIN helper (roostadm auth test). */
	memset(&info, 0, sizeof(info));
	info.service = "doveadm";
	test_assert(auth_client_test_plain(client_path, &info, "test", NULL,
		"pass", 5000, arena, &fields, &error) == 1);
	test_assert(fields != NULL && fields[0] != NULL &&
		strcmp(fields[0], "user=test") == 0);

	/* passwd-file changes are noticed without a restart. */
	write_users("newuser:{PLAIN}newpass::::::\n");
	test_assert(auth_client_test_plain(client_path, &info, "newuser",
		NULL, "newpass", 5000, arena, &fields, &error) == 1);

	/* Auth goes away: pending and new requests fail temporarily. */
	stop_server(pid);
	info.mech = "PLAIN";
	info.initial_resp_base64 = "AHRlc3QAcGFzcw==";
	reply_reset(&r);
	r.ioloop = ioloop;
	{
		struct timeout *to2 = timeout_add_once(200, loop_timeout,
			ioloop);

		ioloop_run(ioloop); /* notice the disconnect */
		timeout_remove(&to2);
	}
	(void)auth_client_request_new(client, &info, reply_callback, &r);
	run_until_done(ioloop, &r);
	test_assert(r.done && r.status == AUTH_CLIENT_STATUS_INTERNAL_FAIL);
	test_assert(!auth_client_is_connected(client));

	i_free(r.data);
	i_free(r.args);
	auth_client_destroy(&client);
	ioloop_destroy(&ioloop);
	arena_destroy(&arena);
	test_end();
}

/* Byte-by-byte: the server must wait for the LF and then parse. */
static void test_byte_by_byte(void)
{
	const char *input = "VERSION\t1\t2\nCPID\t777\n"
		"AUTH\t5\tPLAIN\tservice=imap\tresp=AHRlc3QAcGFzcw==\n";
	char buf[4096];
	size_t used = 0;
	pid_t pid;
	int fd;

	test_begin("auth server: input one byte at a time");
	pid = start_server();
	fd = net_connect_unix(client_path);
	test_assert(fd >= 0);
	for (size_t i = 0; input[i] != '\0'; i++) {
		test_assert(write(fd, input + i, 1) == 1);
		if (i % 7 == 0)
			usleep(1000);
	}
	while (used < sizeof(buf) - 1 && strstr(buf, "OK\t5\t") == NULL) {
		ssize_t ret = read(fd, buf + used, sizeof(buf) - 1 - used);

		if (ret <= 0)
			break;
		used += (size_t)ret;
		buf[used] = '\0';
	}
	test_assert(strstr(buf, "\nOK\t5\tuser=test\tnodelay\n") != NULL);
	(void)close(fd);
	stop_server(pid);
	test_end();
}

static unsigned int parsed_users, parse_errors;

static void count_user(const struct passwd_user *user, void *context)
{
	parsed_users++;
}

static void count_error(unsigned int line, const char *error, void *context)
{
	parse_errors++;
}

static void test_passwd_file_parse(void)
{
	const char *data =
		"a:{PLAIN}x\n"
		"b:{PLAIN}y:1:2:gecos:/home/b:/bin/sh:k=v x=a:b flag\n"
		"# comment\n"
		":skipped\n"
		"c:{PLAIN}z:0\n"
		"d:\r\n"
		"e";
	struct arena *arena = arena_create("test", 1024);

	test_begin("passwd-file parsing");
	parsed_users = parse_errors = 0;
	db_passwd_file_parse("test", data, strlen(data), arena, count_user,
		count_error, NULL);
	test_assert(parsed_users == 4); /* a b d e */
	test_assert(parse_errors == 1); /* uid 0 */
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_passwd_file_parse,
		test_handshake_and_errors,
		test_clients,
		test_byte_by_byte,
		NULL
	};
	const char *dir = test_tmpdir();

	setvbuf(stdout, NULL, _IOLBF, 0);

	log_init(LOG_MODE_STDERR, "auth: ");
	signal_ignore(SIGPIPE);
	users_path = i_strdup_printf("%s/users", dir);
	client_path = i_strdup_printf("%s/auth-client", dir);
	master_path = i_strdup_printf("%s/auth-master", dir);
	userdb_path = i_strdup_printf("%s/auth-userdb", dir);
	write_users("");
	return test_run(tests);
}
