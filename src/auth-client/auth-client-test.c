/*
 * auth-client-test.c - auth_client_test_plain(): a blocking one-shot
 * PLAIN authentication over the client protocol, for roostadm auth test.
 */
#include "lib.h"
#include "auth-client.h"
#include "array.h"
#include "str.h"
#include "auth-base64.h"
#include "auth-blocking.h"
#include "auth-protocol.h"

static const char *build_auth(const struct auth_client_request_info *info,
	const char *resp)
{
	struct buf line;
	int ret = 0;

	buf_init(&line, scratch_arena(), 256, AUTH_CLIENT_MAX_LINE_LENGTH);
	ret |= buf_printf(&line, "AUTH\t1\tPLAIN\tservice=%s",
		str_tabescape(scratch_arena(), info->service != NULL ?
			      info->service : "doveadm"));
	if (info->local_ip != NULL)
		ret |= buf_printf(&line, "\tlip=%s",
			str_tabescape(scratch_arena(), info->local_ip));
	if (info->remote_ip != NULL)
		ret |= buf_printf(&line, "\trip=%s",
			str_tabescape(scratch_arena(), info->remote_ip));
	if (info->local_port != 0)
		ret |= buf_printf(&line, "\tlport=%u", info->local_port);
	if (info->remote_port != 0)
		ret |= buf_printf(&line, "\trport=%u", info->remote_port);
	if (info->session_id != NULL)
		ret |= buf_printf(&line, "\tsession=%s",
			str_tabescape(scratch_arena(), info->session_id));
	if (info->secured)
		ret |= buf_append_str(&line, "\tsecured");
	if (info->debug)
		ret |= buf_append_str(&line, "\tdebug");
	ret |= buf_printf(&line, "\tresp=%s\n", resp);
	return ret != 0 ? NULL : buf_cstr(&line);
}

int auth_client_test_plain(const char *socket_path,
	const struct auth_client_request_info *info, const char *user,
	const char *master_user, const char *password,
	unsigned int timeout_msecs, struct arena *arena,
	const char *const **fields_r, const char **error_r)
{
	struct auth_blocking_conn bc;
	const char *line, *authzid, *authcid, *resp, *auth_line;
	unsigned char *plain;
	size_t zlen, clen, plen, size;
	int ret = -1;

	*fields_r = NULL;
	/* PLAIN: authzid NUL authcid NUL password.  With a master user the
	   target user is the authorization identity. */
	authzid = master_user != NULL ? user : "";
	authcid = master_user != NULL ? master_user : user;
	zlen = strlen(authzid);
	clen = strlen(authcid);
	plen = strlen(password);
	size = size_add(size_add(zlen, clen), plen + 2);
	plain = t_malloc(size);
	memcpy(plain, authzid, zlen);
	memcpy(plain + zlen + 1, authcid, clen);
	memcpy(plain + zlen + 1 + clen + 1, password, plen);
	resp = auth_base64_encode(scratch_arena(), plain, size);
	explicit_bzero(plain, size);
	auth_line = build_auth(info, resp);
	if (auth_line == NULL) {
		*error_r = "Request too long";
		return -1;
	}

	if (auth_blocking_connect(&bc, socket_path,
		    AUTH_CLIENT_MAX_LINE_LENGTH, error_r) < 0)
		return -1;
	auth_blocking_set_timeout(&bc, timeout_msecs);
	if (auth_blocking_write(&bc, t_printf("VERSION\t%u\t%u\nCPID\t%lu\n",
		    AUTH_CLIENT_PROTOCOL_MAJOR_VERSION,
		    AUTH_CLIENT_PROTOCOL_MINOR_VERSION,
		    (unsigned long)getpid()), error_r) < 0)
		goto out;
	for (;;) {
		if (auth_blocking_read_line(&bc, &line, error_r) < 0)
			goto out;
		if (str_begins(line, "VERSION\t") &&
		    !str_begins(line, "VERSION\t1\t")) {
			*error_r = "Auth server protocol version mismatch";
			goto out;
		}
		if (strcmp(line, "DONE") == 0)
			break;
	}
	if (auth_blocking_write(&bc, auth_line, error_r) < 0)
		goto out;
	for (;;) {
		char **args;

		if (auth_blocking_read_line(&bc, &line, error_r) < 0)
			goto out;
		args = str_split(arena, line, "\t", false);
		if (args[0] == NULL || args[1] == NULL ||
		    strcmp(args[1], "1") != 0)
			continue;
		for (unsigned int i = 2; args[i] != NULL; i++)
			args[i] = (char *)str_tabunescape(arena, args[i]);
		*fields_r = (const char *const *)args + 2;
		if (strcmp(args[0], "OK") == 0) {
			ret = 1;
		} else if (strcmp(args[0], "FAIL") == 0) {
			ret = 0;
		} else {
			*error_r = t_printf("Unexpected reply: %s", args[0]);
		}
		break;
	}
out:
	auth_blocking_close(&bc);
	return ret;
}
