/*
 * auth-client-parser.h - strict parsing of the lines a login process (or
 * Postfix) sends on the auth client socket: VERSION, CPID, AUTH and CONT
 * (docs/ipc/auth.md).  Pure functions: no I/O, so the fuzz target and the
 * byte-by-byte tests reach them directly.
 */
#ifndef ROOST_AUTH_CLIENT_PARSER_H
#define ROOST_AUTH_CLIENT_PARSER_H

struct arena;

enum auth_client_cmd_type {
	AUTH_CLIENT_CMD_VERSION,
	AUTH_CLIENT_CMD_CPID,
	AUTH_CLIENT_CMD_AUTH,
	AUTH_CLIENT_CMD_CONT,
	/* CANCEL <id>: the client gave up on a request (no reply). */
	AUTH_CLIENT_CMD_CANCEL,
};

struct auth_client_param {
	const char *key;
	const char *value; /* "" for a bare flag like "secured" */
};

struct auth_client_cmd {
	enum auth_client_cmd_type type;
	/* VERSION */
	unsigned int major, minor;
	/* CPID */
	unsigned int pid;
	/* AUTH, CONT and CANCEL */
	unsigned int id;
	/* AUTH */
	const char *mech;
	/* Parameters in order, unescaped, without resp=. */
	const struct auth_client_param *params;
	unsigned int params_count;
	/* resp= (AUTH, must be last) or the CONT data: base64 text, NULL
	   when AUTH has no resp=. */
	const char *data;
};

/*
 * Parses one line (without the LF).  Returns 0 with *cmd_r (strings in
 * arena), or -1 with *error_r naming the problem ("Unknown command",
 * "Invalid id", "Missing mechanism", ...).  Ids must be non-zero decimal
 * numbers, the mechanism a token of at most AUTH_MECH_NAME_MAX_LENGTH
 * characters, and resp= the last parameter.
 */
int auth_client_parse_line(struct arena *arena, const char *line,
	struct auth_client_cmd *cmd_r, const char **error_r);

/* The line with resp= values and CONT data replaced by "<hidden>", for
   auth_debug logs (scratch memory). */
const char *auth_client_line_hide_secrets(const char *line);

#endif
