/*
 * cmd-thread.c - THREAD and UID THREAD (RFC 5256: ORDEREDSUBJECT,
 * REFERENCES; and REFS as Dovecot).
 *
 *	THREAD <algorithm> <charset> <keys>
 */
#include "lib.h"
#include "imap-search.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "mail-search.h"
#include "storage.h"

_Static_assert((int)IMAP_THREAD_ORDEREDSUBJECT ==
	(int)THREAD_ORDEREDSUBJECT &&
	(int)IMAP_THREAD_REFERENCES == (int)THREAD_REFERENCES &&
	(int)IMAP_THREAD_REFS == (int)THREAD_REFS,
	"thread algorithms differ from enum mail_thread_type");

/* A node writes at most "(", 10 digits, " " and ")".  Placeholders
   (missing parents) write no number, and add parentheses only when they
   have several children, so there are fewer of those than messages:
   two nodes' worth per message is a safe bound. */
#define THREAD_BYTES_PER_MSG 32

enum imap_cmd_result cmd_thread(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	const struct imap_arg *args = cmd->args;
	struct imap_search_query q;
	struct mail_thread_node *roots;
	enum imap_thread_type type;
	const char *name;
	struct buf out;

	memset(&q, 0, sizeof(q));
	if (!imap_arg_get_astring(&args[0], &name) ||
	    !imap_arg_get_astring(&args[1], &q.charset) ||
	    IMAP_ARG_IS_LIST(&args[0]) || IMAP_ARG_IS_LIST(&args[1]))
		return IMAP_CMD_BAD_ARGS;
	if (imap_thread_type_parse(name, &type) < 0) {
		imap_search_send_bad(cmd, "Unknown thread algorithm");
		return IMAP_CMD_DONE;
	}
	if (imap_search_query_build(cmd, args + 2, &q) < 0)
		return IMAP_CMD_DONE;

	if (mailbox_thread(client->mailbox, (enum mail_thread_type)type,
			   q.args, cmd->arena, &roots) < 0) {
		imap_client_send_tagline(client,
			imap_storage_error_tagline(client, false));
		return IMAP_CMD_DONE;
	}
	/* Dovecot writes "* THREAD " even when nothing matched */
	buf_init(&out, cmd->arena, 256, size_mul(mailbox_get_count(
		client->mailbox) + 1, THREAD_BYTES_PER_MSG) + 16);
	if (buf_append_str(&out, "* THREAD ") < 0 ||
	    imap_thread_write(&out, roots, cmd->uid ? client->mailbox : NULL,
			      cmd->arena) < 0)
		i_panic("THREAD reply exceeded its computed bound");
	imap_client_send_line(client, buf_cstr(&out));
	return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES, "OK Thread completed.");
}
