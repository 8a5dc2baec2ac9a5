/*
 * cmd-sort.c - SORT and UID SORT (RFC 5256), with SORT=DISPLAY's
 * DISPLAYFROM/DISPLAYTO (RFC 5957) and ESORT's RETURN options (RFC 5267).
 *
 *	SORT [RETURN (<options>)] (<sort criteria>) <charset> <keys>
 */
#include "lib.h"
#include "imap-search.h"
#include "imap-arg.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "mail-search.h"
#include "storage.h"

/* proto's sort criteria are storage's, in the same order. */
_Static_assert((int)IMAP_SORT_ARRIVAL == (int)SORT_ARRIVAL &&
	(int)IMAP_SORT_CC == (int)SORT_CC &&
	(int)IMAP_SORT_DATE == (int)SORT_DATE &&
	(int)IMAP_SORT_FROM == (int)SORT_FROM &&
	(int)IMAP_SORT_SIZE == (int)SORT_SIZE &&
	(int)IMAP_SORT_SUBJECT == (int)SORT_SUBJECT &&
	(int)IMAP_SORT_TO == (int)SORT_TO &&
	(int)IMAP_SORT_DISPLAYFROM == (int)SORT_DISPLAYFROM &&
	(int)IMAP_SORT_DISPLAYTO == (int)SORT_DISPLAYTO,
	"sort criteria differ from enum mail_sort_type");

enum imap_cmd_result cmd_sort(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	const struct imap_arg *args = cmd->args;
	struct imap_search_query q;
	struct imap_sort_key *ikeys;
	struct mail_sort_key *keys;
	unsigned int i, key_count, count;
	uint32_t *seqs;
	const char *error;

	memset(&q, 0, sizeof(q));
	if (imap_search_return_parse(&args, &q.ret, &error) < 0 ||
	    imap_sort_program_parse(args, cmd->arena, &ikeys, &key_count,
				    &error) < 0) {
		imap_search_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	args++;
	if (IMAP_ARG_IS_LIST(args) || !imap_arg_get_astring(args, &q.charset)) {
		imap_search_send_bad(cmd, "Invalid charset argument");
		return IMAP_CMD_DONE;
	}
	args++;
	if (imap_search_query_build(cmd, args, &q) < 0)
		return IMAP_CMD_DONE;

	keys = arena_new(cmd->arena, struct mail_sort_key, key_count);
	for (i = 0; i < key_count; i++) {
		keys[i].type = (enum mail_sort_type)ikeys[i].type;
		keys[i].reverse = ikeys[i].reverse;
	}
	if (mailbox_sort(client->mailbox, keys, key_count, q.args,
			 cmd->arena, &seqs, &count) < 0 ||
	    imap_search_send_result(cmd, &q, "SORT", seqs, count, 0) < 0) {
		if ((q.ret.flags & IMAP_SEARCH_RETURN_SAVE) != 0)
			imap_sync_set_searchres(client, NULL, 0);
		imap_client_send_tagline(client,
			imap_storage_error_tagline(client, false));
		return IMAP_CMD_DONE;
	}
	return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES, "OK Sort completed.");
}
