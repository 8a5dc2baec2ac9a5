/*
 * cmd-copy.c - COPY, UID COPY (RFC 3501 §6.4.7), MOVE and UID MOVE (RFC
 * 6851), with UIDPLUS's COPYUID (RFC 4315).
 *
 *	COPY <sequence-set> <mailbox>
 *	MOVE <sequence-set> <mailbox>
 *
 * The messages are copied in one transaction of the destination (hard
 * links where the storage can, keeping flags, keywords and INTERNALDATE),
 * committed durably, so either all are copied or none.  COPY answers
 * "OK [COPYUID v src dst] Copy completed."; MOVE sends "* OK [COPYUID
 * ...] Moved UIDs." first, then expunges the sources in one transaction
 * and lets the sync report them ("* n EXPUNGE" or VANISHED), as Dovecot
 * 2.3 does.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-seqset.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-sync.h"

/* "[COPYUID <uidvalidity> <src uids> <dst uids>]" */
static const char *copyuid_code(struct imap_cmd *cmd, uint32_t uidvalidity,
	const uint32_t *src, const uint32_t *dst, unsigned int count)
{
	struct imap_seq_range *src_ranges, *dst_ranges;
	unsigned int i, src_count = 0, dst_count = 0;
	struct buf str;
	int r = 0;

	src_ranges = arena_new(cmd->arena, struct imap_seq_range, count);
	dst_ranges = arena_new(cmd->arena, struct imap_seq_range, count);
	/* consecutive runs only: the two sets must list the UIDs in
	   corresponding order (RFC 4315 §3) */
	for (i = 0; i < count; i++) {
		if (src_count > 0 && src_ranges[src_count - 1].seq2 + 1 ==
		    src[i] && dst_ranges[dst_count - 1].seq2 + 1 == dst[i]) {
			src_ranges[src_count - 1].seq2 = src[i];
			dst_ranges[dst_count - 1].seq2 = dst[i];
			continue;
		}
		src_ranges[src_count].seq1 = src_ranges[src_count].seq2 =
			src[i];
		dst_ranges[dst_count].seq1 = dst_ranges[dst_count].seq2 =
			dst[i];
		src_count++;
		dst_count++;
	}
	buf_init(&str, scratch_arena(), 128, 0);
	r |= buf_printf(&str, "[COPYUID %u ", uidvalidity);
	r |= imap_seqset_write(&str, src_ranges, src_count);
	r |= buf_append_c(&str, ' ');
	r |= imap_seqset_write(&str, dst_ranges, dst_count);
	r |= buf_append_c(&str, ']');
	i_assert(r == 0);
	return buf_cstr(&str);
}

/* Copies seqs into dest.  Returns 0 with the new UIDs, or -1 with a
   tagged NO in *tagline_r. */
static int copy_messages(struct imap_cmd *cmd, struct mailbox *dest,
	const struct seq_range *seqs, unsigned int seqs_count,
	uint32_t *src_uids, struct mail_transaction_result *result,
	const char **tagline_r)
{
	struct imap_client *client = cmd->client;
	struct mailbox_transaction *t;
	enum mail_error error;
	unsigned int i, n = 0;
	struct mail *mail;
	uint32_t seq;
	int ret = 0;

	t = mailbox_transaction_begin(dest);
	mail = mail_alloc(client->mailbox);
	for (i = 0; i < seqs_count && ret == 0; i++) {
		for (seq = seqs[i].seq1;; seq++) {
			mail_set_seq(mail, seq);
			src_uids[n++] = mail_get_uid(mail);
			if (mail_copy(t, mail, NULL) < 0) {
				ret = -1;
				break;
			}
			if (seq == seqs[i].seq2)
				break;
		}
	}
	mail_free(&mail);
	if (ret < 0) {
		mailbox_transaction_rollback(&t);
		(void)mail_user_get_last_error(client->mail_user, &error);
		*tagline_r = error == MAIL_ERROR_EXPUNGED ?
			"NO [EXPUNGEISSUED] Some of the requested messages no "
			"longer exist." :
			imap_storage_error_tagline(client, 0);
		return -1;
	}
	if (mailbox_transaction_commit(&t, cmd->arena, result) < 0) {
		*tagline_r = imap_storage_error_tagline(client, 0);
		return -1;
	}
	if (result->saved_count != n) {
		i_error("%s: copied %u messages, got %u UIDs",
			mailbox_get_vname(dest), n, result->saved_count);
		*tagline_r = "NO [SERVERBUG] Internal error occurred. Refer "
			"to server log for more information.";
		return -1;
	}
	return 0;
}

/* MOVE's second half: expunge the copied messages from the source. */
static int move_expunge(struct imap_cmd *cmd, const struct seq_range *seqs,
	unsigned int seqs_count)
{
	struct mailbox_transaction *t;
	unsigned int i;
	uint32_t seq;

	t = mailbox_transaction_begin(cmd->client->mailbox);
	for (i = 0; i < seqs_count; i++) {
		for (seq = seqs[i].seq1;; seq++) {
			mail_expunge(t, seq);
			if (seq == seqs[i].seq2)
				break;
		}
	}
	return mailbox_transaction_commit(&t, NULL, NULL);
}

static enum imap_cmd_result copy_or_move(struct imap_cmd *cmd, bool move)
{
	struct imap_client *client = cmd->client;
	unsigned int sync_flags = cmd->uid || move ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES;
	struct mail_transaction_result result;
	const char *set, *name, *vname, *error, *code;
	struct seq_range *seqs;
	unsigned int count, i, n;
	struct mailbox *dest;
	uint32_t *src_uids;

	if (!imap_arg_get_atom(&cmd->args[0], &set) ||
	    !imap_arg_get_astring(&cmd->args[1], &name)) {
		if (IMAP_ARG_IS_EOL(&cmd->args[0]) ||
		    IMAP_ARG_IS_EOL(&cmd->args[1])) {
			cmd->bad = true;
			imap_client_send_tagline(client, t_printf(
				"BAD Error in IMAP command %s: Missing "
				"arguments.", cmd->def->name));
			return IMAP_CMD_DONE;
		}
		return IMAP_CMD_BAD_ARGS;
	}
	if (imap_seqset_get_seqs(client, set, cmd->uid, cmd->arena, &seqs,
		    &count, &error) < 0) {
		cmd->bad = true;
		imap_client_send_tagline(client, t_printf(
			"BAD Error in IMAP command %s: %s", cmd->def->name,
			error));
		return IMAP_CMD_DONE;
	}
	if (count == 0) {
		return imap_cmd_sync_reply(cmd, sync_flags,
			"OK No messages found.");
	}
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0)
		return imap_cmd_sync_reply(cmd, sync_flags, error);
	if (move && client->sync.readonly) {
		/* the sources can't be expunged through this view */
		return imap_cmd_sync_reply(cmd, sync_flags,
			"NO [CANNOT] Mailbox is read-only.");
	}
	if (mailbox_open(client->mail_user, vname, MAILBOX_OPEN_SAVEONLY,
		    &dest) < 0) {
		enum mail_error mail_error;
		const char *tagline;

		(void)mail_user_get_last_error(client->mail_user, &mail_error);
		tagline = imap_storage_error_tagline(client,
			IMAP_STORAGE_ERROR_TRYCREATE);
		/* an impossible name is [CANNOT], not [TRYCREATE] */
		if (mail_error == MAIL_ERROR_NOTFOUND &&
		    mailbox_name_verify(client->mail_user, vname) < 0)
			tagline = imap_storage_error_tagline(client, 0);
		return imap_cmd_sync_reply(cmd, sync_flags, tagline);
	}

	n = 0;
	for (i = 0; i < count; i++)
		n += seqs[i].seq2 - seqs[i].seq1 + 1;
	src_uids = arena_new(cmd->arena, uint32_t, n);
	if (copy_messages(cmd, dest, seqs, count, src_uids, &result,
		    &error) < 0) {
		mailbox_close(&dest);
		return imap_cmd_sync_reply(cmd, sync_flags, error);
	}
	if (result.uidvalidity == 0) {
		struct mailbox_status status;

		/* a mailbox the commit created doesn't know it yet */
		if (mailbox_get_status_by_name(client->mail_user, vname,
			    STATUS_UIDVALIDITY, &status) == 0)
			result.uidvalidity = status.uidvalidity;
	}
	if ((mailbox_get_special_use_flags(dest) &
	     MAILBOX_SPECIALUSE_TRASH) != 0)
		client->counters.trashed += n;
	mailbox_close(&dest);
	code = copyuid_code(cmd, result.uidvalidity, src_uids,
		result.saved_uids, n);
	if (!move) {
		return imap_cmd_sync_reply(cmd, sync_flags,
			t_printf("OK %s Copy completed.", code));
	}

	/* RFC 6851 §4.3: COPYUID in an untagged OK before the expunges */
	imap_client_send_line(client, t_printf("* OK %s Moved UIDs.", code));
	if (move_expunge(cmd, seqs, count) < 0) {
		return imap_cmd_sync_reply(cmd, sync_flags,
			imap_storage_error_tagline(client, 0));
	}
	return imap_cmd_sync_reply(cmd, sync_flags, "OK Move completed.");
}

enum imap_cmd_result cmd_copy(struct imap_cmd *cmd)
{
	return copy_or_move(cmd, false);
}

enum imap_cmd_result cmd_move(struct imap_cmd *cmd)
{
	return copy_or_move(cmd, true);
}
