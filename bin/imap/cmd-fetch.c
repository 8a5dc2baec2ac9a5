/*
 * cmd-fetch.c - FETCH and UID FETCH (RFC 3501 §6.4.5), with CONDSTORE's
 * CHANGEDSINCE and QRESYNC's VANISHED modifiers (RFC 7162 §3.1.4,
 * §3.2.6).
 *
 *	FETCH <sequence-set> <items> [(<modifiers>)]
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-fetch-args.h"
#include "imap-seqset.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "imap-fetch.h"

static void fetch_send_bad(struct imap_cmd *cmd, const char *error)
{
	cmd->bad = true;
	imap_client_send_tagline(cmd->client, t_printf(
		"BAD Error in IMAP command %s: %s", cmd->def->name, error));
}

/* RFC 7162 §3.2.6: "* VANISHED (EARLIER) <uids>" for the UIDs of the set
   expunged since the CHANGEDSINCE modseq, before the FETCH responses. */
static int fetch_send_vanished(struct imap_cmd *cmd, const char *set,
	uint64_t modseq, const char **error_r)
{
	struct imap_client *client = cmd->client;
	struct seq_range *uids, *expunged;
	struct imap_seq_range *ranges;
	unsigned int count, exp_count, i;
	struct buf str;

	if (imap_seqset_get_uids(client, set, true, cmd->arena, &uids,
		    &count, error_r) < 0)
		return -1;
	if (count == 0)
		return 0;
	if (mailbox_get_expunged_uids(client->mailbox, modseq, uids, count,
		    cmd->arena, &expunged, &exp_count) < 0)
		return 0;
	if (exp_count == 0)
		return 0;
	ranges = arena_new(cmd->arena, struct imap_seq_range, exp_count);
	for (i = 0; i < exp_count; i++) {
		ranges[i].seq1 = expunged[i].seq1;
		ranges[i].seq2 = expunged[i].seq2;
	}
	buf_init(&str, scratch_arena(), 128, 0);
	if (buf_append_str(&str, "* VANISHED (EARLIER) ") < 0 ||
	    imap_seqset_write(&str, ranges, exp_count) < 0)
		i_panic("unbounded buffer failed");
	imap_client_send_line(client, buf_cstr(&str));
	return 0;
}

enum imap_cmd_result cmd_fetch(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	enum imap_fetch_args_flags flags = 0;
	struct imap_fetch_args *args;
	struct seq_range *seqs;
	unsigned int count;
	const char *set, *error;

	if (!imap_arg_get_atom(&cmd->args[0], &set) ||
	    IMAP_ARG_IS_EOL(&cmd->args[1]))
		return IMAP_CMD_BAD_ARGS;
	if (imap_seqset_get_seqs(client, set, cmd->uid, cmd->arena, &seqs,
		    &count, &error) < 0) {
		fetch_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	if (cmd->uid)
		flags |= IMAP_FETCH_ARGS_FLAG_UID;
	if (imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC))
		flags |= IMAP_FETCH_ARGS_FLAG_QRESYNC;
	args = arena_new(cmd->arena, struct imap_fetch_args, 1);
	if (imap_fetch_args_parse(&cmd->args[1], flags, cmd->arena, args,
		    &error) < 0) {
		fetch_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	/* RFC 7162 §3.1: MODSEQ and CHANGEDSINCE enable CONDSTORE */
	if (args->modseq)
		(void)imap_client_enable(client, IMAP_FEATURE_CONDSTORE);
	if (args->vanished &&
	    fetch_send_vanished(cmd, set, args->changedsince, &error) < 0) {
		fetch_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	return imap_fetch_start(cmd, args, seqs, count);
}
