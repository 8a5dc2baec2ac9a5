/*
 * cmd-search.c - SEARCH and UID SEARCH (RFC 3501 §6.4.4) with ESEARCH's
 * RETURN options (RFC 4731), SEARCHRES (RFC 5182), CONDSTORE's MODSEQ
 * (RFC 7162) and WITHIN (RFC 5032).
 *
 *	SEARCH [RETURN (<options>)] [CHARSET <charset>] <keys>
 */
#include "lib.h"
#include "imap-search.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "mail-search.h"
#include "storage.h"

enum imap_cmd_result cmd_search(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	const struct imap_arg *args = cmd->args;
	struct imap_search_query q;
	struct mail_search_result result;
	const char *error;

	memset(&q, 0, sizeof(q));
	if (imap_search_return_parse(&args, &q.ret, &error) < 0 ||
	    imap_search_charset_parse(&args, &q.charset, &error) < 0) {
		imap_search_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	if (imap_search_query_build(cmd, args, &q) < 0)
		return IMAP_CMD_DONE;

	if (mailbox_search(client->mailbox, q.args, cmd->arena,
			   &result) < 0 ||
	    imap_search_send_result(cmd, &q, "SEARCH", result.seqs,
				    result.count, result.highest_modseq) < 0) {
		/* RFC 5182 §2.1: a failed SEARCH ... SAVE empties "$" */
		if ((q.ret.flags & IMAP_SEARCH_RETURN_SAVE) != 0)
			imap_sync_set_searchres(client, NULL, 0);
		imap_client_send_tagline(client,
			imap_storage_error_tagline(client, false));
		return IMAP_CMD_DONE;
	}
	/* RFC 3501 §7.4.1: no EXPUNGE during SEARCH (UID SEARCH may) */
	return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES, "OK Search completed.");
}
