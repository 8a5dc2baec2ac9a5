/*
 * cmd-select.c - SELECT and EXAMINE (RFC 3501 §6.3.1-2) with the
 * CONDSTORE and QRESYNC parameters (RFC 7162 §3.1.8, §3.2.5): the
 * untagged data describing the mailbox, and for QRESYNC the VANISHED
 * (EARLIER) and FETCH replies that resynchronise a client's cache.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "str.h"
#include "imap-arg.h"
#include "imap-seqset.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-flags.h"
#include "imap-sync.h"

#include <strings.h>

struct select_qresync {
	bool set;
	uint32_t uidvalidity;
	uint64_t modseq;
	/* known-uids, resolved; NULL = every UID */
	struct seq_range *known_uids;
	unsigned int known_uids_count;
	/* The sequence match data as (seq, uid) samples in increasing
	   order (RFC 7162 §3.2.5.2). */
	uint32_t *sample_seqs, *sample_uids;
	unsigned int samples_count;
};

/* Parses a set without "*" into resolved ranges (arena).  0 or -1. */
static int parse_nostar_set(const struct imap_arg *arg, struct arena *arena,
	struct imap_seq_range **ranges_r, unsigned int *count_r)
{
	struct imap_seqset set;
	const char *str, *error;

	if (!imap_arg_get_atom(arg, &str) ||
	    imap_seqset_parse(str, IMAP_SEQSET_FLAG_NO_STAR, 1024 * 1024,
		    arena, &set, &error) < 0)
		return -1;
	*ranges_r = set.ranges;
	*count_r = imap_seqset_resolve(set.ranges, set.count, 0);
	return 0;
}

/* Walks the values of resolved ranges in order. */
struct range_walk {
	const struct imap_seq_range *r;
	unsigned int count, i;
	/* values of r[i] already passed */
	uint64_t offset;
};

/* Skips n values, then returns the next one in *value_r (consumed);
   false past the end. */
static bool range_walk_next(struct range_walk *w, uint64_t skip,
	uint32_t *value_r)
{
	while (w->i < w->count) {
		uint64_t size = (uint64_t)w->r[w->i].seq2 - w->r[w->i].seq1 + 1;

		if (w->offset + skip < size) {
			w->offset += skip;
			*value_r = w->r[w->i].seq1 + (uint32_t)w->offset;
			w->offset++;
			return true;
		}
		skip -= size - w->offset;
		w->i++;
		w->offset = 0;
	}
	return false;
}

/*
 * (known-sequence-set known-uid-set): every UID range n:m gives the
 * samples n and m, matched with the sequence set's values in order;
 * the two sets must have the same number of values (Dovecot's rule).
 */
static int parse_qresync_samples(struct select_qresync *q,
	const struct imap_arg *args, struct arena *arena,
	const char **error_r)
{
	struct imap_seq_range *seqs, *uids;
	unsigned int seq_count, uid_count, i, n = 0;
	struct range_walk walk;
	uint32_t seq;

	if (parse_nostar_set(&args[0], arena, &seqs, &seq_count) < 0) {
		*error_r = "Invalid QRESYNC known-sequence-set";
		return -1;
	}
	if (parse_nostar_set(&args[1], arena, &uids, &uid_count) < 0) {
		*error_r = "Invalid QRESYNC known-uid-set";
		return -1;
	}
	memset(&walk, 0, sizeof(walk));
	walk.r = seqs;
	walk.count = seq_count;
	q->sample_seqs = arena_new(arena, uint32_t, 2 * (size_t)uid_count);
	q->sample_uids = arena_new(arena, uint32_t, 2 * (size_t)uid_count);
	for (i = 0; i < uid_count; i++) {
		uint64_t gap = (uint64_t)uids[i].seq2 - uids[i].seq1;

		/* n:m gives the samples n and m, matched with the
		   sequence set's values in order. */
		if (!range_walk_next(&walk, 0, &seq)) {
			*error_r = "Invalid QRESYNC sets";
			return -1;
		}
		q->sample_seqs[n] = seq;
		q->sample_uids[n++] = uids[i].seq1;
		if (gap > 0) {
			if (!range_walk_next(&walk, gap - 1, &seq)) {
				*error_r = "Invalid QRESYNC sets";
				return -1;
			}
			q->sample_seqs[n] = seq;
			q->sample_uids[n++] = uids[i].seq2;
		}
	}
	/* Both sets must hold the same number of values. */
	if (range_walk_next(&walk, 0, &seq)) {
		*error_r = "Invalid QRESYNC sets";
		return -1;
	}
	if (!IMAP_ARG_IS_EOL(&args[2])) {
		*error_r = "Too many parameters to QRESYNC known set";
		return -1;
	}
	q->samples_count = n;
	return 0;
}

/* QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]]) */
static int parse_qresync(struct imap_client *client, struct select_qresync *q,
	const struct imap_arg *arg, struct arena *arena, const char **error_r)
{
	const struct imap_arg *args, *list;
	struct imap_seq_range *uids;
	unsigned int count, i;
	const char *str;

	if (!imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC)) {
		*error_r = "QRESYNC not enabled";
		return -1;
	}
	if (!imap_arg_get_list(arg, &args)) {
		*error_r = "QRESYNC parameters missing";
		return -1;
	}
	if (!imap_arg_get_atom(&args[0], &str) ||
	    str_to_uint32(str, &q->uidvalidity) < 0 ||
	    !imap_arg_get_atom(&args[1], &str) ||
	    str_to_uint64(str, &q->modseq) < 0) {
		*error_r = "Invalid QRESYNC parameters";
		return -1;
	}
	args += 2;
	if (IMAP_ARG_IS_ATOM(args)) {
		if (parse_nostar_set(args, arena, &uids, &count) < 0) {
			*error_r = "Invalid QRESYNC known-uids";
			return -1;
		}
		q->known_uids = arena_new(arena, struct seq_range, count + 1);
		for (i = 0; i < count; i++) {
			q->known_uids[i].seq1 = uids[i].seq1;
			q->known_uids[i].seq2 = uids[i].seq2;
		}
		q->known_uids_count = count;
		args++;
	}
	if (imap_arg_get_list(args, &list)) {
		if (parse_qresync_samples(q, list, arena, error_r) < 0)
			return -1;
		args++;
	}
	if (!IMAP_ARG_IS_EOL(args)) {
		*error_r = "Invalid QRESYNC parameters";
		return -1;
	}
	q->set = true;
	return 0;
}

static int parse_options(struct imap_client *client,
	const struct imap_arg *args, struct arena *arena, bool *condstore_r,
	struct select_qresync *q, const char **error_r)
{
	const char *name;

	while (!IMAP_ARG_IS_EOL(args)) {
		if (!imap_arg_get_atom(args, &name)) {
			*error_r = "SELECT options contain non-atoms.";
			return -1;
		}
		args++;
		if (strcasecmp(name, "CONDSTORE") == 0)
			*condstore_r = true;
		else if (strcasecmp(name, "QRESYNC") == 0) {
			if (parse_qresync(client, q, args, arena, error_r) < 0)
				return -1;
			args++;
		} else {
			/* Dovecot 2.3's text. */
			*error_r = "Unknown FETCH modifier";
			return -1;
		}
	}
	return 0;
}

/* The UIDs whose expunges a QRESYNC client must hear about: known-uids
   (default 1:*), less those below the last matching sample. */
static void qresync_uid_filter(struct imap_client *client,
	const struct select_qresync *q, struct arena *arena,
	struct seq_range **uids_r, unsigned int *count_r)
{
	struct mailbox *box = client->mailbox;
	uint32_t min_uid = 1, count = mailbox_get_count(box);
	struct mailbox_status status;
	struct seq_range *uids;
	unsigned int i, n = 0;

	/* RFC 7162 §3.2.5.2: while the client's sequence numbers still map
	   to the same UIDs, nothing below them was expunged. */
	for (i = 0; i < q->samples_count; i++) {
		if (q->sample_seqs[i] > count ||
		    mailbox_get_uid(box, q->sample_seqs[i]) !=
			    q->sample_uids[i])
			break;
		min_uid = q->sample_uids[i] + 1;
	}
	if (q->known_uids == NULL) {
		/* Every UID given out so far. */
		if (mailbox_get_status(box, STATUS_UIDNEXT, &status) < 0)
			status.uidnext = mailbox_get_last_uid(box) + 1;
		uids = arena_new(arena, struct seq_range, 1);
		uids[0].seq1 = min_uid;
		uids[0].seq2 = status.uidnext - 1;
		*uids_r = uids;
		*count_r = min_uid == 0 || status.uidnext <= min_uid ? 0 : 1;
		return;
	}
	uids = arena_new(arena, struct seq_range, q->known_uids_count + 1);
	for (i = 0; i < q->known_uids_count; i++) {
		if (q->known_uids[i].seq2 < min_uid)
			continue;
		uids[n] = q->known_uids[i];
		if (uids[n].seq1 < min_uid)
			uids[n].seq1 = min_uid;
		n++;
	}
	*uids_r = uids;
	*count_r = n;
}

/* RFC 7162 §3.2.5: "* VANISHED (EARLIER) uids" and a FETCH of every
   message changed since the client's modseq. */
static int send_qresync(struct imap_client *client,
	const struct select_qresync *q, struct arena *arena)
{
	struct mailbox *box = client->mailbox;
	struct seq_range *filter, *expunged;
	unsigned int filter_count, expunged_count, changed_count, i;
	struct imap_seq_range *ranges;
	const char *const *keywords;
	unsigned int kw_count;
	uint32_t *changed, seq;
	struct mail *mail;
	uint64_t modseq;
	struct buf str;
	int r = 0;

	qresync_uid_filter(client, q, arena, &filter, &filter_count);
	expunged_count = 0;
	if (filter_count > 0 &&
	    mailbox_get_expunged_uids(box, q->modseq, filter, filter_count,
		    arena, &expunged, &expunged_count) < 0)
		return -1;
	if (expunged_count > 0) {
		ranges = arena_new(arena, struct imap_seq_range,
			expunged_count);
		for (i = 0; i < expunged_count; i++) {
			ranges[i].seq1 = expunged[i].seq1;
			ranges[i].seq2 = expunged[i].seq2;
		}
		buf_init(&str, arena, 128, 0);
		r |= buf_append_str(&str, "* VANISHED (EARLIER) ");
		r |= imap_seqset_write(&str, ranges, expunged_count);
		i_assert(r == 0);
		imap_client_send_line(client, buf_cstr(&str));
	}

	if (mailbox_get_changed_uids(box, q->modseq, arena, &changed,
		    &changed_count) < 0)
		return -1;
	mail = mail_alloc(box);
	buf_init(&str, arena, 256, 0);
	for (i = 0; i < changed_count; i++) {
		if (q->known_uids != NULL &&
		    !seq_range_contains(q->known_uids, q->known_uids_count,
			    changed[i]))
			continue;
		seq = mailbox_lookup_uid(box, changed[i]);
		if (seq == 0)
			continue;
		mail_set_seq(mail, seq);
		if (mail_get_keywords(mail, &keywords, &kw_count) < 0)
			keywords = NULL;
		if (mail_get_modseq(mail, &modseq) < 0)
			modseq = 0;
		buf_reset(&str);
		r |= buf_printf(&str, "* %u FETCH (UID %u FLAGS (", seq,
			changed[i]);
		r |= imap_flags_append(&str, mail_get_flags(mail), keywords);
		r |= buf_printf(&str, ") MODSEQ (%llu))",
			(unsigned long long)modseq);
		i_assert(r == 0);
		imap_client_send_line(client, buf_cstr(&str));
	}
	mail_free(&mail);
	return 0;
}

static void send_select_data(struct imap_client *client)
{
	struct mailbox_status status;

	if (mailbox_get_status(client->mailbox, STATUS_MESSAGES |
		    STATUS_RECENT | STATUS_UIDNEXT | STATUS_UIDVALIDITY |
		    STATUS_FIRST_UNSEEN_SEQ | STATUS_HIGHESTMODSEQ,
		    &status) < 0)
		memset(&status, 0, sizeof(status));
	imap_sync_send_flags(client);
	imap_client_send_line(client, t_printf("* %u EXISTS",
		status.messages));
	imap_client_send_line(client, t_printf("* %u RECENT",
		status.recent));
	if (status.first_unseen_seq != 0) {
		imap_client_send_line(client, t_printf(
			"* OK [UNSEEN %u] First unseen.",
			status.first_unseen_seq));
	}
	imap_client_send_line(client, t_printf(
		"* OK [UIDVALIDITY %u] UIDs valid", status.uidvalidity));
	imap_client_send_line(client, t_printf(
		"* OK [UIDNEXT %u] Predicted next UID", status.uidnext));
	/* RFC 7162 §3.1.2.1: a server that keeps modseqs persistently
	   MUST send it with every SELECT; Dovecot does once the mailbox
	   tracks them, Roost's index always does. */
	imap_client_send_line(client, t_printf(
		"* OK [HIGHESTMODSEQ %llu] Highest",
		(unsigned long long)status.highest_modseq));
}

static enum imap_cmd_result cmd_select_full(struct imap_cmd *cmd,
	bool readonly)
{
	struct imap_client *client = cmd->client;
	struct select_qresync qresync;
	const struct imap_arg *options;
	const char *name, *vname, *error;
	bool condstore = false;

	if (!imap_arg_get_astring(&cmd->args[0], &name))
		return IMAP_CMD_BAD_ARGS;
	if (imap_mailbox_name_decode(client, name, cmd->arena, &vname,
		    &error) < 0) {
		if (client->mailbox != NULL) {
			imap_client_unselect(client);
			imap_client_send_line(client,
				"* OK [CLOSED] Previous mailbox closed.");
		}
		imap_client_send_tagline(client, error);
		return IMAP_CMD_DONE;
	}
	memset(&qresync, 0, sizeof(qresync));
	if (imap_arg_get_list(&cmd->args[1], &options) &&
	    parse_options(client, options, cmd->arena, &condstore, &qresync,
		    &error) < 0) {
		/* Dovecot closes the old mailbox anyway: the client must
		   not stay in it after a failed SELECT. */
		if (client->mailbox != NULL) {
			imap_client_unselect(client);
			imap_client_send_line(client,
				"* OK [CLOSED] Previous mailbox closed.");
		}
		imap_client_send_tagline(client, t_printf("BAD Error in IMAP "
			"command %s: %s", cmd->def->name, error));
		return IMAP_CMD_DONE;
	}
	if (client->mailbox != NULL) {
		imap_client_unselect(client);
		imap_client_send_line(client,
			"* OK [CLOSED] Previous mailbox closed.");
	}
	/* Enabled with no mailbox open, so no HIGHESTMODSEQ of the old
	   one is sent. */
	if (condstore)
		(void)imap_client_enable(client, IMAP_FEATURE_CONDSTORE);
	if (imap_client_select(client, vname, readonly) < 0) {
		imap_client_send_tagline(client,
			imap_storage_error_tagline(client, 0));
		return IMAP_CMD_DONE;
	}
	send_select_data(client);
	if (qresync.set && qresync.uidvalidity == client->sync.uidvalidity &&
	    send_qresync(client, &qresync, cmd->arena) < 0) {
		imap_client_send_line(client, t_printf("* %s",
			imap_storage_error_tagline(client, 0)));
	}
	imap_client_send_tagline(client, client->sync.readonly ?
		(readonly ? "OK [READ-ONLY] Examine completed." :
			    "OK [READ-ONLY] Select completed.") :
		"OK [READ-WRITE] Select completed.");
	return IMAP_CMD_DONE;
}

enum imap_cmd_result cmd_select(struct imap_cmd *cmd)
{
	return cmd_select_full(cmd, false);
}

enum imap_cmd_result cmd_examine(struct imap_cmd *cmd)
{
	return cmd_select_full(cmd, true);
}
