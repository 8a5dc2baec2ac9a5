/*
 * adm-auth-info.c - parsing of the -x key=value lookup context (see
 * adm-auth-info.h).
 */
#include "lib.h"
#include "net.h"
#include "str.h"
#include "auth-master.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-auth-info.h"

static int parse_ip(struct arena *arena, const char *key, const char *value,
	const char **ip_r, const char **error_r)
{
	struct ip_addr ip;

	if (net_addr2ip(value, &ip) < 0) {
		*error_r = arena_printf(arena, "%s: Invalid ip", key);
		return -1;
	}
	*ip_r = arena_strdup(arena, net_ip2str(&ip));
	return 0;
}

static int parse_port(struct arena *arena, const char *key,
	const char *value, unsigned int *port_r, const char **error_r)
{
	unsigned int port;

	if (str_to_uint(value, &port) < 0 || port == 0 || port > 65535) {
		*error_r = arena_printf(arena, "%s: Invalid port number", key);
		return -1;
	}
	*port_r = port;
	return 0;
}

int adm_auth_info_parse(struct arena *arena, const char *const *xargs,
	struct adm_auth_info *info_r, const char **error_r)
{
	ARRAY(const char *) extra;

	memset(info_r, 0, sizeof(*info_r));
	info_r->service = "doveadm";
	array_init(&extra, arena, 4);
	for (unsigned int i = 0; xargs[i] != NULL; i++) {
		const char *arg = xargs[i];
		const char *eq = strchr(arg, '=');
		const char *key, *value;
		int ret = 0;

		if (eq == NULL || eq == arg) {
			*error_r = arena_printf(arena,
				"Invalid auth info: %s", arg);
			return -1;
		}
		key = arena_strndup(arena, arg, (size_t)(eq - arg));
		value = eq + 1;
		if (strcmp(key, "service") == 0)
			info_r->service = value;
		else if (strcmp(key, "session") == 0)
			info_r->session_id = value;
		else if (strcmp(key, "local_name") == 0)
			info_r->local_name = value;
		else if (strcmp(key, "lip") == 0)
			ret = parse_ip(arena, key, value, &info_r->local_ip,
				error_r);
		else if (strcmp(key, "rip") == 0)
			ret = parse_ip(arena, key, value, &info_r->remote_ip,
				error_r);
		else if (strcmp(key, "lport") == 0)
			ret = parse_port(arena, key, value,
				&info_r->local_port, error_r);
		else if (strcmp(key, "rport") == 0)
			ret = parse_port(arena, key, value,
				&info_r->remote_port, error_r);
		else
			array_push(&extra, arg);
		if (ret < 0)
			return -1;
	}
	info_r->extra_count = extra.count;
	array_push(&extra, NULL);
	info_r->extra = extra.v;
	return 0;
}

void adm_cmd_auth_info(struct adm_cmd_context *cctx,
	struct adm_auth_info *info_r)
{
	const char *const *xargs =
		adm_args_get_all(&cctx->args, 'x', cctx->arena);
	const char *error;

	if (adm_auth_info_parse(cctx->arena, xargs, info_r, &error) < 0)
		adm_fatal("%s", error);
}

void adm_cmd_user_info(struct adm_cmd_context *cctx,
	const struct adm_auth_info *info, struct auth_user_info *user_info_r)
{
	if (info->extra_count > 0)
		adm_fatal("Unsupported auth info for a userdb/passdb "
			"lookup: %s", info->extra[0]);
	memset(user_info_r, 0, sizeof(*user_info_r));
	user_info_r->service = info->service;
	user_info_r->local_ip = info->local_ip;
	user_info_r->remote_ip = info->remote_ip;
	user_info_r->local_port = info->local_port;
	user_info_r->remote_port = info->remote_port;
	user_info_r->session_id = info->session_id;
	user_info_r->debug = cctx->adm->debug;
}
