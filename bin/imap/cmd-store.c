/*
 * cmd-store.c - STORE and UID STORE (RFC 3501 §6.4.6) with CONDSTORE's
 * UNCHANGEDSINCE modifier and [MODIFIED] (RFC 7162 §3.1.3).
 *
 *	STORE <sequence-set> [(UNCHANGEDSINCE <modseq>)]
 *		[+|-]FLAGS[.SILENT] <flag-list or flags>
 *
 * All changes go through one transaction.  Messages whose flags changed
 * are answered with "* n FETCH ([UID u ][MODSEQ (m) ]FLAGS (...))" (with
 * .SILENT only the MODSEQ, when CONDSTORE is on), after "* FLAGS" and
 * "* OK [PERMANENTFLAGS ...]" when new keywords were created, as Dovecot
 * 2.3 does.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-seqset.h"
#include "str.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-flags.h"
#include "imap-sync.h"

#include <strings.h>

struct store_request {
	struct mail_flag_update update;
	/* UNCHANGEDSINCE was given (0 is valid: every message fails) */
	bool unchanged_set;
	bool silent;
};

static void store_send_bad(struct imap_cmd *cmd, const char *error)
{
	cmd->bad = true;
	imap_client_send_tagline(cmd->client, t_printf(
		"BAD Error in IMAP command %s: %s", cmd->def->name, error));
}

/* "[+|-]FLAGS[.SILENT]" */
static bool store_parse_type(const char *str, struct store_request *req)
{
	if (*str == '+') {
		req->update.type = MAIL_MODIFY_ADD;
		str++;
	} else if (*str == '-') {
		req->update.type = MAIL_MODIFY_REMOVE;
		str++;
	} else {
		req->update.type = MAIL_MODIFY_REPLACE;
	}
	if (strcasecmp(str, "FLAGS") == 0)
		return true;
	if (strcasecmp(str, "FLAGS.SILENT") == 0) {
		req->silent = true;
		return true;
	}
	return false;
}

/* The arguments after the sequence set.  0, or -1 with *error_r for a
   BAD reply. */
static int store_parse_args(struct imap_cmd *cmd, const struct imap_arg *args,
	struct store_request *req, const char **error_r)
{
	const struct imap_arg *list, *flags_args;
	const char *str, *value;
	unsigned int flags;

	if (imap_arg_get_list(args, &list)) {
		/* modifiers */
		while (!IMAP_ARG_IS_EOL(list)) {
			/* as Dovecot: atom pairs, checked one pair at a
			   time (an UNCHANGEDSINCE before a broken pair has
			   already enabled CONDSTORE) */
			if (!imap_arg_get_atom(list, &str) ||
			    IMAP_ARG_IS_EOL(&list[1]) ||
			    !imap_arg_get_atom(&list[1], &value)) {
				*error_r = "Invalid STORE modifiers.";
				return -1;
			}
			if (strcasecmp(str, "UNCHANGEDSINCE") != 0) {
				*error_r = "Unknown STORE modifier";
				return -1;
			}
			if (str_to_uint64(value,
				    &req->update.unchanged_since) < 0) {
				*error_r = "Invalid modseq";
				return -1;
			}
			req->unchanged_set = true;
			/* RFC 7162 §3.1: UNCHANGEDSINCE enables CONDSTORE */
			(void)imap_client_enable(cmd->client,
				IMAP_FEATURE_CONDSTORE);
			list += 2;
		}
		args++;
	}
	if (!imap_arg_get_atom(args, &str) || !store_parse_type(str, req)) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	args++;
	/* a flag list, or flags as separate atoms */
	if (imap_arg_get_list(args, &flags_args)) {
		if (!IMAP_ARG_IS_EOL(&args[1])) {
			*error_r = "Invalid arguments.";
			return -1;
		}
	} else {
		flags_args = args;
	}
	if (imap_flags_parse(flags_args, cmd->arena, &flags,
		    &req->update.keywords, error_r) < 0)
		return -1;
	req->update.flags = flags;
	return 0;
}

/* "* n FETCH (...)" for a message this STORE changed. */
static void store_send_fetch(struct imap_cmd *cmd, struct mail *mail,
	uint32_t seq, uint64_t modseq, bool silent)
{
	struct imap_client *client = cmd->client;
	bool condstore = imap_client_has_enabled(client,
		IMAP_FEATURE_CONDSTORE);
	const char *const *keywords;
	unsigned int count;
	struct buf str;
	int r = 0;

	if (silent && !condstore)
		return;
	mail_set_seq(mail, seq);
	buf_init(&str, scratch_arena(), 256, 0);
	r |= buf_printf(&str, "* %u FETCH (", seq);
	if (cmd->uid || imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC))
		r |= buf_printf(&str, "UID %u ", mail_get_uid(mail));
	if (condstore) {
		r |= buf_printf(&str, "MODSEQ (%llu)",
			(unsigned long long)modseq);
		imap_sync_note_fetch_modseq(client, modseq);
	}
	if (!silent) {
		if (mail_get_keywords(mail, &keywords, &count) < 0)
			keywords = NULL;
		r |= buf_append_str(&str, condstore ? " FLAGS (" : "FLAGS (");
		r |= imap_flags_append(&str, mail_get_flags(mail), keywords);
		r |= buf_append_c(&str, ')');
	}
	r |= buf_append_c(&str, ')');
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));
}

/* Adds n to the MODIFIED set. */
static void modified_add(struct imap_cmd *cmd, struct imap_seq_range **set,
	unsigned int *count, unsigned int *alloc, uint32_t n)
{
	if (*count > 0 && (*set)[*count - 1].seq2 + 1 == n) {
		(*set)[*count - 1].seq2 = n;
		return;
	}
	if (*count == *alloc) {
		unsigned int new_alloc = *alloc == 0 ? 16 : *alloc * 2;

		*set = arena_realloc(cmd->arena, *set,
			size_mul(*alloc, sizeof(**set)),
			size_mul(new_alloc, sizeof(**set)));
		*alloc = new_alloc;
	}
	(*set)[*count].seq1 = n;
	(*set)[*count].seq2 = n;
	(*count)++;
}

enum imap_cmd_result cmd_store(struct imap_cmd *cmd)
{
	struct imap_client *client = cmd->client;
	struct mail_transaction_result result;
	struct imap_seq_range *modified = NULL;
	unsigned int seqs_count, i, n, modified_count = 0, modified_alloc = 0;
	unsigned int kw_before, kw_after;
	struct mailbox_transaction *t;
	struct store_request req;
	struct seq_range *seqs;
	const char *set, *error;
	uint32_t seq, *called;
	struct mail *mail;
	struct buf str;

	if (!imap_arg_get_atom(&cmd->args[0], &set))
		return IMAP_CMD_BAD_ARGS;
	if (imap_seqset_get_seqs(client, set, cmd->uid, cmd->arena, &seqs,
		    &seqs_count, &error) < 0) {
		store_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	memset(&req, 0, sizeof(req));
	if (store_parse_args(cmd, &cmd->args[1], &req, &error) < 0) {
		store_send_bad(cmd, error);
		return IMAP_CMD_DONE;
	}
	if (client->sync.readonly && req.unchanged_set) {
		/* Dovecot's reply: a conditional STORE fails outright */
		return imap_cmd_reply(cmd,
			"NO CONDSTORE failed: Mailbox is read-only.");
	}
	if (client->sync.readonly) {
		return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
			IMAP_SYNC_FLAG_NO_EXPUNGES,
			"OK Store ignored with read-only mailbox.");
	}

	(void)mailbox_get_keywords(client->mailbox, &kw_before);
	t = mailbox_transaction_begin(client->mailbox);
	n = 0;
	for (i = 0; i < seqs_count; i++)
		n += seqs[i].seq2 - seqs[i].seq1 + 1;
	called = arena_new(cmd->arena, uint32_t, n);
	n = 0;
	for (i = 0; i < seqs_count; i++) {
		for (seq = seqs[i].seq1;; seq++) {
			if (req.unchanged_set &&
			    req.update.unchanged_since == 0) {
				/* every message has a modseq above 0 */
				modified_add(cmd, &modified, &modified_count,
					&modified_alloc, cmd->uid ?
					mailbox_get_uid(client->mailbox, seq) :
					seq);
			} else if (mail_update_flags(t, seq,
					&req.update) < 0) {
				mailbox_transaction_rollback(&t);
				imap_client_send_tagline(client,
					imap_storage_error_tagline(client, 0));
				return IMAP_CMD_DONE;
			} else {
				called[n++] = seq;
			}
			if (seq == seqs[i].seq2)
				break;
		}
	}
	if (mailbox_transaction_commit(&t, cmd->arena, &result) < 0) {
		return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
			IMAP_SYNC_FLAG_NO_EXPUNGES,
			imap_storage_error_tagline(client, 0));
	}
	(void)mailbox_get_keywords(client->mailbox, &kw_after);
	if (kw_after != kw_before) {
		/* new keywords: the client learns them before it sees them
		   in FETCH responses */
		client->sync.keywords_count = kw_after;
		imap_sync_send_flags(client);
	}

	mail = mail_alloc(client->mailbox);
	for (i = 0; i < result.updates_count && i < n; i++) {
		switch (result.updates[i].result) {
		case MAIL_UPDATE_CHANGED:
			store_send_fetch(cmd, mail, called[i], result.modseq,
				req.silent);
			if ((req.update.flags & MAIL_DELETED) != 0 &&
			    req.update.type != MAIL_MODIFY_REMOVE)
				client->counters.deleted++;
			break;
		case MAIL_UPDATE_MODIFIED:
			modified_add(cmd, &modified, &modified_count,
				&modified_alloc, cmd->uid ?
				result.updates[i].uid : called[i]);
			break;
		case MAIL_UPDATE_UNCHANGED:
		case MAIL_UPDATE_EXPUNGED:
			break;
		}
	}
	mail_free(&mail);

	if (modified_count > 0) {
		buf_init(&str, scratch_arena(), 128, 0);
		if (buf_append_str(&str, "OK [MODIFIED ") < 0 ||
		    imap_seqset_write(&str, modified, modified_count) < 0 ||
		    buf_append_str(&str, "] Conditional store failed.") < 0)
			i_panic("unbounded buffer failed");
		return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
			IMAP_SYNC_FLAG_NO_EXPUNGES, buf_cstr(&str));
	}
	/* RFC 3501 §7.4.1: no EXPUNGE during STORE (UID STORE may) */
	return imap_cmd_sync_reply(cmd, cmd->uid ? 0 :
		IMAP_SYNC_FLAG_NO_EXPUNGES, "OK Store completed.");
}
