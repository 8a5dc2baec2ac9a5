/*
 * test-login.c - unit tests for the pure parts of the login machinery:
 * Dovecot's login log line formatting, session ids and the hand-off
 * frames (byte by byte, truncated and oversized input).
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"
#include "str.h"
#include "auth-base64.h"
#include "login-common.h"
#include "login-handoff.h"
#include "login-log.h"
#include "login-session-id.h"
#include "test-common.h"

#define DEFAULT_ELEMENTS \
	"user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{session}>"

static const char *expand_line(const struct login_log_vars *vars,
	const char *elements, const char *format, const char *msg)
{
	const struct var_expand_table *tab;
	struct buf el, line;
	const char *error, *ret;

	tab = login_log_var_table(scratch_arena(), vars);
	buf_init(&el, NULL, 64, 4096);
	buf_init(&line, NULL, 64, 4096);
	if (login_log_expand_elements(&el, elements, tab, &error) < 0)
		ret = t_printf("ERROR: %s", error);
	else if (login_log_expand_line(&line, format, msg, buf_cstr(&el),
		    &error) < 0)
		ret = t_printf("ERROR: %s", error);
	else
		ret = t_strdup(buf_cstr(&line));
	buf_free(&el);
	buf_free(&line);
	return ret;
}

static void test_login_log_format(void)
{
	struct login_log_vars vars;

	test_begin("login log format");
	SCRATCH_BEGIN {
		memset(&vars, 0, sizeof(vars));
		vars.user = "joe";
		vars.mech = "PLAIN";
		vars.remote_ip = "127.0.0.1";
		vars.local_ip = "127.0.0.1";
		vars.mail_pid = "1234";
		vars.secured = "secured";
		vars.session = "L6iFUYp2sO5/AAAB";
		test_assert_strcmp(expand_line(&vars, DEFAULT_ELEMENTS,
			"%$: %s", "Login"),
			"Login: user=<joe>, method=PLAIN, rip=127.0.0.1, "
			"lip=127.0.0.1, mpid=1234, secured, "
			"session=<L6iFUYp2sO5/AAAB>");

		/* Empty elements are dropped, but user=<> stays. */
		memset(&vars, 0, sizeof(vars));
		vars.remote_ip = "192.0.2.7";
		vars.local_ip = "192.0.2.1";
		vars.session = "abc";
		test_assert_strcmp(expand_line(&vars, DEFAULT_ELEMENTS,
			"%$: %s",
			"Disconnected: Connection closed "
			"(no auth attempts in 0 secs)"),
			"Disconnected: Connection closed (no auth attempts "
			"in 0 secs): user=<>, rip=192.0.2.7, lip=192.0.2.1, "
			"session=<abc>");

		/* %n and %d split the user; a custom format. */
		memset(&vars, 0, sizeof(vars));
		vars.user = "joe@example.com";
		vars.remote_ip = "::1";
		test_assert_strcmp(expand_line(&vars,
			"name=%n dom=%d x=%{session} rip=%r", "[%s] %$", "Hi"),
			"[name=joe, dom=example.com, rip=::1] Hi");
		/* As in Dovecot, an element without (non-empty) variables
		   is dropped; one naming the user is always kept. */
		test_assert_strcmp(expand_line(&vars, "fixed %m", "%s", "x"),
			"");
		test_assert_strcmp(expand_line(&vars, "fixed %u", "%s", "x"),
			"joe@example.com");
		/* Unknown variables are an error. */
		test_assert(str_begins(expand_line(&vars, "a=%{nosuch}",
			"%s", "x"), "ERROR"));
		/* A % in the message is not expanded. */
		test_assert_strcmp(expand_line(&vars, "user=<%u>", "%$: %s",
			"100%u"), "100%u: user=<joe@example.com>");
	} SCRATCH_END;
	test_end();
}

static void test_login_session_id(void)
{
	struct ip_addr ip;
	unsigned char *raw;
	size_t size;
	const char *id;

	test_begin("login session id");
	SCRATCH_BEGIN {
		test_assert(net_addr2ip("127.0.0.1", &ip) == 0);
		id = login_session_id_build(scratch_arena(), &ip, 34286,
			0x6103dd4f6693ULL);
		/* Dovecot's layout: 48-bit LE usecs, LE port, address. */
		test_assert_strcmp(id, "k2ZP3QNh7oV/AAAB");
		test_assert(auth_base64_decode(scratch_arena(), id,
			strlen(id), &raw, &size) == 0);
		test_assert(size == 12);
		test_assert(raw[6] == (34286 & 0xff) && raw[7] == 34286 >> 8);
		test_assert(raw[8] == 127 && raw[11] == 1);

		test_assert(net_addr2ip("::1", &ip) == 0);
		id = login_session_id_build(scratch_arena(), &ip, 1, 1);
		test_assert(strlen(id) == 32);
		id = login_session_id_new(scratch_arena(), &ip, 1);
		test_assert(strlen(id) == 32);
	} SCRATCH_END;
	test_end();
}

static void fill_request(struct login_handoff_request *req)
{
	memset(req, 0, sizeof(*req));
	req->auth_pid = 4242;
	req->auth_id = 7;
	req->cookie = "0123456789abcdef0123456789abcdef";
	req->fd_inode = 123456789012ULL;
	(void)net_addr2ip("192.0.2.1", &req->local_ip);
	(void)net_addr2ip("2001:db8::7", &req->remote_ip);
	req->local_port = 143;
	req->remote_port = 50123;
	req->flags = LOGIN_HANDOFF_FLAG_SECURED;
	req->session_id = "L6iFUYp2sO5/AAAB";
	req->tag = "a001";
	req->client_input = (const unsigned char *)"b NOOP\r\n";
	req->client_input_size = 8;
}

static void test_login_handoff_request(void)
{
	struct login_handoff_request req, out;
	struct arena *arena = arena_create("test", 1024);
	struct buf frame;
	const char *error;
	size_t i;

	test_begin("login hand-off request");
	fill_request(&req);
	buf_init(&frame, arena, 256, IPC_FRAME_MAX);
	test_assert(login_handoff_request_encode(&frame, &req, &error) == 0);
	test_assert(login_handoff_request_decode(frame.data, frame.used,
		arena, &out, &error) == 0);
	test_assert(out.auth_pid == 4242 && out.auth_id == 7);
	test_assert_strcmp(out.cookie, req.cookie);
	test_assert(out.fd_inode == 123456789012ULL);
	test_assert(net_ip_equals(&out.local_ip, &req.local_ip));
	test_assert(net_ip_equals(&out.remote_ip, &req.remote_ip));
	test_assert(out.local_port == 143 && out.remote_port == 50123);
	test_assert(out.flags == LOGIN_HANDOFF_FLAG_SECURED);
	test_assert_strcmp(out.session_id, req.session_id);
	test_assert_strcmp(out.tag, "a001");
	test_assert(out.client_input_size == 8 &&
		memcmp(out.client_input, "b NOOP\r\n", 8) == 0);

	/* Every truncation fails; so does one extra byte. */
	for (i = 0; i < frame.used; i++) {
		test_assert(login_handoff_request_decode(frame.data, i, arena,
			&out, &error) < 0);
	}
	test_assert(buf_append_c(&frame, 'x') == 0);
	test_assert(login_handoff_request_decode(frame.data, frame.used,
		arena, &out, &error) < 0);

	/* Flipping any payload byte to 0xff never crashes; length fields
	   become invalid and are rejected. */
	buf_truncate(&frame, frame.used - 1);
	for (i = IPC_HEADER_SIZE; i < frame.used; i++) {
		char saved = frame.data[i];

		frame.data[i] = (char)0xff;
		(void)login_handoff_request_decode(frame.data, frame.used,
			arena, &out, &error);
		frame.data[i] = saved;
	}

	/* Encoder limits. */
	buf_reset(&frame);
	req.cookie = "0123";
	test_assert(login_handoff_request_encode(&frame, &req, &error) < 0);
	fill_request(&req);
	req.tag = "a b";
	test_assert(login_handoff_request_encode(&frame, &req, &error) < 0);
	fill_request(&req);
	req.tag = "a\r\n* BYE";
	test_assert(login_handoff_request_encode(&frame, &req, &error) < 0);
	fill_request(&req);
	req.client_input_size = LOGIN_HANDOFF_MAX_CLIENT_INPUT + 1;
	test_assert(login_handoff_request_encode(&frame, &req, &error) < 0);
	test_assert(frame.used == 0);
	fill_request(&req);
	req.tag = "";
	test_assert(login_handoff_request_encode(&frame, &req, &error) == 0);

	/* A reply frame is not a request. */
	buf_reset(&frame);
	{
		struct login_handoff_reply reply = { 0, 99 };

		test_assert(login_handoff_reply_encode(&frame, &reply) == 0);
	}
	test_assert(login_handoff_request_decode(frame.data, frame.used,
		arena, &out, &error) < 0);
	arena_destroy(&arena);
	test_end();
}

static void test_login_handoff_reply(void)
{
	struct login_handoff_reply reply, out;
	struct buf frame;
	const char *error;
	size_t i;

	test_begin("login hand-off reply");
	buf_init(&frame, NULL, 64, 1024);
	reply.status = LOGIN_HANDOFF_STATUS_OK;
	reply.mail_pid = 31337;
	test_assert(login_handoff_reply_encode(&frame, &reply) == 0);
	test_assert(frame.used == IPC_HEADER_SIZE + 12);
	test_assert(login_handoff_reply_decode(frame.data, frame.used, &out,
		&error) == 0);
	test_assert(out.status == LOGIN_HANDOFF_STATUS_OK &&
		out.mail_pid == 31337);
	for (i = 0; i < frame.used; i++) {
		test_assert(login_handoff_reply_decode(frame.data, i, &out,
			&error) < 0);
	}
	/* OK with pid 0 is invalid; unknown status is invalid. */
	buf_reset(&frame);
	reply.mail_pid = 0;
	test_assert(login_handoff_reply_encode(&frame, &reply) == 0);
	test_assert(login_handoff_reply_decode(frame.data, frame.used, &out,
		&error) < 0);
	buf_reset(&frame);
	reply.status = 7;
	reply.mail_pid = 1;
	test_assert(login_handoff_reply_encode(&frame, &reply) == 0);
	test_assert(login_handoff_reply_decode(frame.data, frame.used, &out,
		&error) < 0);
	buf_reset(&frame);
	reply.status = LOGIN_HANDOFF_STATUS_INTERNAL_ERROR;
	reply.mail_pid = 0;
	test_assert(login_handoff_reply_encode(&frame, &reply) == 0);
	test_assert(login_handoff_reply_decode(frame.data, frame.used, &out,
		&error) == 0);
	test_assert(out.status == LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
	buf_free(&frame);
	test_end();
}

static void test_login_disconnect_extra(void)
{
	struct login_client c;
	const time_t t0 = 1000000;

	test_begin("login disconnect reasons");
	SCRATCH_BEGIN {
		memset(&c, 0, sizeof(c));
		c.created = t0;
		c.notified_auth_ready = true;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(no auth attempts in 3 secs)");
		c.notified_auth_ready = false;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 1),
			"(disconnected before auth was ready, waited 1 secs)");
		c.notified_auth_ready = true;

		c.auth_attempts = 1;
		c.auth_first_started = t0 + 1;
		c.auth_waiting_log = true;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(client didn't finish SASL auth, waited 2 secs)");
		c.auth_waiting_log = false;
		c.authenticating = true;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(disconnected while finishing login, waited 2 secs)");
		c.authenticating = false;
		c.auth_try_aborted = true;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(aborted authentication)");
		c.auth_attempts = 4;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 20),
			"(auth failed, 4 attempts in 19 secs)");

		/* The last failure code wins over the counters. */
		c.last_auth_fail = LOGIN_AUTH_FAIL_MECH_INVALID;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(tried to use unsupported auth mechanism)");
		c.last_auth_fail = LOGIN_AUTH_FAIL_MECH_SSL_REQUIRED;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(tried to use disallowed plaintext auth)");
		c.last_auth_fail = LOGIN_AUTH_FAIL_INVALID_BASE64;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(sent invalid base64 in response)");
		c.last_auth_fail = LOGIN_AUTH_FAIL_TEMPFAIL;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(auth service reported temporary failure)");
		c.last_auth_fail = LOGIN_AUTH_FAIL_AUTHZFAILED;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(authorization failed, 4 attempts in 2 secs)");
		/* A successful auth whose hand-off failed. */
		c.auth_successes = 1;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(internal failure, 1 successful auths)");
		c.auth_process_comm_fail = true;
		test_assert_strcmp(login_disconnect_extra_at(&c, t0 + 3),
			"(auth process communication failure)");
	} SCRATCH_END;
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_login_log_format,
		test_login_session_id,
		test_login_handoff_request,
		test_login_handoff_reply,
		test_login_disconnect_extra,
		NULL
	};

	return test_run(tests);
}
