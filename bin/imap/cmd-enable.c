/*
 * cmd-enable.c - ENABLE (RFC 5161) of CONDSTORE and QRESYNC (RFC 7162
 * §3.1, §3.2.3).  As in Dovecot 2.3, "* ENABLED" lists every known
 * extension that was asked for (already enabled ones too) and is left
 * out when there is none; unknown names are ignored.
 */
#include "lib.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

#include <strings.h>

static const struct {
	const char *name;
	enum imap_feature feature;
} enable_features[] = {
	{ "CONDSTORE", IMAP_FEATURE_CONDSTORE },
	{ "QRESYNC", IMAP_FEATURE_QRESYNC },
};

enum imap_cmd_result cmd_enable(struct imap_cmd *cmd)
{
	const struct imap_arg *args = cmd->args;
	unsigned int i, enabled = 0;
	const char *name;
	struct buf reply;
	int r = 0;

	/* Every argument is an atom, or the command is bad. */
	for (args = cmd->args; !IMAP_ARG_IS_EOL(args); args++) {
		if (!imap_arg_get_atom(args, &name))
			return IMAP_CMD_BAD_ARGS;
	}
	buf_init(&reply, cmd->arena, 64, 0);
	r |= buf_append_str(&reply, "* ENABLED");
	for (args = cmd->args; !IMAP_ARG_IS_EOL(args); args++) {
		(void)imap_arg_get_atom(args, &name);
		for (i = 0; i < N_ELEMENTS(enable_features); i++) {
			if (strcasecmp(name, enable_features[i].name) != 0)
				continue;
			(void)imap_client_enable(cmd->client,
				enable_features[i].feature);
			r |= buf_append_c(&reply, ' ');
			r |= buf_append_str(&reply, enable_features[i].name);
			enabled++;
		}
	}
	i_assert(r == 0);
	if (enabled > 0)
		imap_client_send_line(cmd->client, buf_cstr(&reply));
	imap_client_send_tagline(cmd->client, "OK Enabled.");
	return IMAP_CMD_DONE;
}
