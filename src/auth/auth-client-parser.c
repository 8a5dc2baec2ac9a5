/*
 * auth-client-parser.c - the client protocol's line parser.
 */
#include "lib.h"
#include "auth-client-parser.h"
#include "str.h"
#include "auth-protocol.h"

#define AUTH_CLIENT_MAX_PARAMS 64

static int parse_id(const char *str, unsigned int *id_r)
{
	return str_to_uint(str, id_r) == 0 && *id_r != 0 ? 0 : -1;
}

static bool mech_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > AUTH_MECH_NAME_MAX_LENGTH)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static int parse_auth(struct arena *arena, char **args, unsigned int count,
	struct auth_client_cmd *cmd, const char **error_r)
{
	struct auth_client_param *params;
	unsigned int i, n = 0;

	if (count < 3) {
		*error_r = "Missing mechanism";
		return -1;
	}
	if (parse_id(args[1], &cmd->id) < 0) {
		*error_r = "Invalid id";
		return -1;
	}
	if (!mech_name_is_valid(args[2])) {
		*error_r = "Invalid mechanism name";
		return -1;
	}
	cmd->mech = args[2];
	if (count - 3 > AUTH_CLIENT_MAX_PARAMS) {
		*error_r = "Too many parameters";
		return -1;
	}
	params = arena_new(arena, struct auth_client_param, count - 3 + 1);
	for (i = 3; i < count; i++) {
		char *eq = strchr(args[i], '=');

		if (args[i][0] == '\0' || args[i][0] == '=') {
			*error_r = "Empty parameter name";
			return -1;
		}
		if (eq != NULL)
			*eq++ = '\0';
		if (strcmp(args[i], "resp") == 0) {
			if (i + 1 != count) {
				*error_r = "resp= must be the last parameter";
				return -1;
			}
			cmd->data = eq == NULL ? "" : eq;
			break;
		}
		params[n].key = args[i];
		params[n].value = eq == NULL ? "" :
			str_tabunescape(arena, eq);
		n++;
	}
	cmd->params = params;
	cmd->params_count = n;
	return 0;
}

int auth_client_parse_line(struct arena *arena, const char *line,
	struct auth_client_cmd *cmd_r, const char **error_r)
{
	char **args;
	unsigned int count;

	memset(cmd_r, 0, sizeof(*cmd_r));
	if (strlen(line) > AUTH_CLIENT_MAX_LINE_LENGTH) {
		*error_r = "Line too long";
		return -1;
	}
	args = str_split(arena, line, "\t", false);
	count = str_array_length(args);
	if (count == 0 || args[0][0] == '\0') {
		*error_r = "Empty line";
		return -1;
	}
	if (strcmp(args[0], "VERSION") == 0) {
		cmd_r->type = AUTH_CLIENT_CMD_VERSION;
		if (count < 3 || str_to_uint(args[1], &cmd_r->major) < 0 ||
		    str_to_uint(args[2], &cmd_r->minor) < 0) {
			*error_r = "Invalid VERSION";
			return -1;
		}
		return 0;
	}
	if (strcmp(args[0], "CPID") == 0) {
		cmd_r->type = AUTH_CLIENT_CMD_CPID;
		if (count != 2 || parse_id(args[1], &cmd_r->pid) < 0) {
			*error_r = "Invalid CPID";
			return -1;
		}
		return 0;
	}
	if (strcmp(args[0], "AUTH") == 0) {
		cmd_r->type = AUTH_CLIENT_CMD_AUTH;
		return parse_auth(arena, args, count, cmd_r, error_r);
	}
	if (strcmp(args[0], "CONT") == 0) {
		cmd_r->type = AUTH_CLIENT_CMD_CONT;
		if (count != 3 || parse_id(args[1], &cmd_r->id) < 0) {
			*error_r = "Invalid CONT";
			return -1;
		}
		cmd_r->data = args[2];
		return 0;
	}
	if (strcmp(args[0], "CANCEL") == 0) {
		cmd_r->type = AUTH_CLIENT_CMD_CANCEL;
		if (count != 2 || parse_id(args[1], &cmd_r->id) < 0) {
			*error_r = "Invalid CANCEL";
			return -1;
		}
		return 0;
	}
	*error_r = "Unknown command";
	return -1;
}

const char *auth_client_line_hide_secrets(const char *line)
{
	const char *p;

	if (str_begins(line, "CONT"))
		return "CONT<hidden>";
	if (!str_begins(line, "AUTH\t"))
		return line;
	p = strstr(line, "\tresp=");
	if (p == NULL)
		return line;
	return t_printf("%.*s\tresp=<hidden>", (int)(p - line), line);
}
