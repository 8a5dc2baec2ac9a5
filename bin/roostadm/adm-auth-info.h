/*
 * adm-auth-info.h - the "-x <auth info>" arguments of roostadm auth test,
 * auth lookup and user: "service=imap", "rip=1.2.3.4", "lport=143", ...
 * describing the (pretend) client of the lookup, as doveadm accepts them.
 *
 * Known keys: service session local_name lip rip lport rport.  Any other
 * key=value (real_lip=, forward_*=, ...) is kept verbatim as an extra
 * field; auth test sends those along, the lookups over auth-userdb have
 * no way to and reject them.
 */
#ifndef ROOSTADM_ADM_AUTH_INFO_H
#define ROOSTADM_ADM_AUTH_INFO_H

#include "array.h"

struct arena;
struct adm_cmd_context;
struct auth_user_info;

struct adm_auth_info {
	/* service=, "doveadm" unless given. */
	const char *service;
	const char *session_id;
	const char *local_name;
	/* Validated IP addresses in text form, NULL when not given. */
	const char *local_ip, *remote_ip;
	/* 0 when not given. */
	unsigned int local_port, remote_port;
	/* Other "key=value" arguments in order, NULL-terminated. */
	const char *const *extra;
	unsigned int extra_count;
};

/*
 * Parses the -x arguments (NULL-terminated).  Returns 0, or -1 with
 * *error_r as doveadm words it ("rip: Invalid ip", "lport: Invalid port
 * number", "Invalid auth info: foo" for an argument without '=').
 * Strings point into xargs or arena.
 */
int adm_auth_info_parse(struct arena *arena, const char *const *xargs,
	struct adm_auth_info *info_r, const char **error_r);

/*
 * The command's -x arguments parsed into info_r; an invalid one is fatal
 * (exit 75), as in doveadm.
 */
void adm_cmd_auth_info(struct adm_cmd_context *cctx,
	struct adm_auth_info *info_r);
/*
 * The lookup context for auth-master requests (USER, PASS, LIST), with
 * "debug" set by roostadm -D.  Extra keys cannot be sent there: one is
 * fatal ("Unsupported auth info for a userdb/passdb lookup: KEY=VALUE").
 */
void adm_cmd_user_info(struct adm_cmd_context *cctx,
	const struct adm_auth_info *info, struct auth_user_info *user_info_r);

#endif
