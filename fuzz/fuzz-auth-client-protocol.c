/*
 * fuzz-auth-client-protocol.c - libFuzzer target for the server side of
 * the auth client protocol: every input line goes through the line
 * parser (auth-client-parser.c) and through a whole socketless server
 * connection (handshake state, AUTH/CONT, mechanisms PLAIN and LOGIN,
 * a static passdb and userdb, reply building), which must never crash
 * and must close the connection on malformed input.
 */
#include "lib.h"
#include "buf.h"
#include "ioloop.h"
#include "auth.h"
#include "auth-client-parser.h"
#include "auth-server.h"
#include "auth-settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct auth_server *server;

static void fuzz_init(void)
{
	struct arena *arena = arena_create("fuzz", 1024);
	struct auth_settings *set = auth_settings_create_default(arena);
	struct auth_passdb_settings *p;
	struct auth_userdb_settings *u;
	struct auth *auth;
	const char *error;

	log_init(LOG_MODE_STDERR, "auth: ");
	(void)ioloop_create();
	set->mechanisms = "plain login";
	set->failure_delay_msecs = 0;
	p = array_append_space(&set->passdbs);
	auth_passdb_settings_init(p);
	p->driver = "static";
	p->args = "password=pass";
	u = array_append_space(&set->userdbs);
	auth_userdb_settings_init(u);
	u->driver = "static";
	u->args = "uid=1000 gid=1000 home=/home/%u";
	if (auth_create(set, &auth, &error) < 0)
		i_fatal("%s", error);
	server = auth_server_create(auth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_client_conn *conn;
	struct buf out;
	size_t pos = 0;

	if (server == NULL)
		fuzz_init();
	buf_init(&out, NULL, 1024, 4 * 1024 * 1024);
	conn = auth_client_conn_create_test(server, &out);
	while (pos < size && !auth_client_conn_is_closed(conn)) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl == NULL ? size - pos :
			(size_t)(nl - (data + pos));

		SCRATCH_BEGIN {
			const char *line = t_strndup(data + pos, len);
			struct auth_client_cmd cmd;
			const char *error;

			(void)auth_client_parse_line(scratch_arena(), line,
				&cmd, &error);
			if (strlen(line) == len)
				(void)auth_client_conn_input_line(conn, line);
		} SCRATCH_END;
		pos += len + 1;
	}
	auth_client_conn_destroy(&conn);
	buf_free(&out);
	return 0;
}
