/*
 * cmd-namespace.c - NAMESPACE (RFC 2342): the user's personal, other
 * users' (shared) and public namespaces with their prefixes and
 * separators, in configuration order; hidden ones are left out.
 */
#include "lib.h"
#include "buf.h"
#include "imap-quote.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

/* Appends one namespace group: NIL or (("prefix" "sep")...). */
static int append_group(struct imap_client *client, struct buf *dest,
	enum mail_namespace_type type)
{
	struct mail_namespace *const *namespaces;
	unsigned int i, count;
	char sep[2] = { '\0', '\0' };
	bool any = false;
	int r = 0;

	namespaces = mail_user_get_namespaces(client->mail_user, &count);
	for (i = 0; i < count; i++) {
		const struct mail_namespace *ns = namespaces[i];

		if (ns->type != type || ns->hidden)
			continue;
		r |= buf_append_str(dest, any ? "(" : "((");
		r |= imap_mailbox_name_append_quoted(client, dest,
			ns->prefix);
		r |= buf_append_c(dest, ' ');
		if (ns->sep == '\0')
			r |= buf_append_str(dest, "NIL");
		else {
			sep[0] = ns->sep;
			r |= imap_append_quoted(dest, sep, false);
		}
		r |= buf_append_c(dest, ')');
		any = true;
	}
	r |= buf_append_str(dest, any ? ")" : "NIL");
	return r;
}

enum imap_cmd_result cmd_namespace(struct imap_cmd *cmd)
{
	struct buf reply;
	int r = 0;

	buf_init(&reply, cmd->arena, 128, 0);
	r |= buf_append_str(&reply, "* NAMESPACE ");
	r |= append_group(cmd->client, &reply, MAIL_NAMESPACE_TYPE_PRIVATE);
	r |= buf_append_c(&reply, ' ');
	r |= append_group(cmd->client, &reply, MAIL_NAMESPACE_TYPE_SHARED);
	r |= buf_append_c(&reply, ' ');
	r |= append_group(cmd->client, &reply, MAIL_NAMESPACE_TYPE_PUBLIC);
	i_assert(r == 0);
	imap_client_send_line(cmd->client, buf_cstr(&reply));
	imap_client_send_tagline(cmd->client, "OK Namespace completed.");
	return IMAP_CMD_DONE;
}
