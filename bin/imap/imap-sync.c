/*
 * imap-sync.c - selecting and closing the session's mailbox, ENABLE's
 * feature state, and the sync that turns the view's changes into
 * untagged responses (EXPUNGE/VANISHED, FETCH flag updates, EXISTS,
 * RECENT, HIGHESTMODSEQ) at the end of every command and during IDLE.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-seqset.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-flags.h"
#include "imap-sync.h"

int imap_client_select(struct imap_client *client, const char *vname,
	bool readonly)
{
	struct mailbox_status status;
	struct mailbox *box;
	unsigned int kw_count;

	if (client->mailbox != NULL) {
		imap_client_unselect(client);
		/* RFC 7162 §3.2.11: the implicit close is announced. */
		imap_client_send_line(client,
			"* OK [CLOSED] Previous mailbox closed.");
	}
	if (mailbox_open(client->mail_user, vname,
		    readonly ? MAILBOX_OPEN_READONLY : 0, &box) < 0)
		return -1;
	if (mailbox_get_status(box, STATUS_MESSAGES | STATUS_RECENT |
		    STATUS_UIDVALIDITY | STATUS_HIGHESTMODSEQ, &status) < 0) {
		mailbox_close(&box);
		return -1;
	}
	memset(&client->sync, 0, sizeof(client->sync));
	client->sync.readonly = readonly || mailbox_is_readonly(box);
	client->sync.uidvalidity = status.uidvalidity;
	client->sync.messages_count = status.messages;
	client->sync.recent_count = status.recent;
	client->sync.last_full_modseq = status.highest_modseq;
	(void)mailbox_get_keywords(box, &kw_count);
	client->sync.keywords_count = kw_count;
	client->mailbox = box;
	client->state = IMAP_CLIENT_STATE_SELECTED;
	return 0;
}

void imap_client_unselect(struct imap_client *client)
{
	if (client->mailbox == NULL)
		return;
	mailbox_close(&client->mailbox);
	free(client->sync.searchres);
	memset(&client->sync, 0, sizeof(client->sync));
	client->state = IMAP_CLIENT_STATE_AUTH;
}

bool imap_client_has_enabled(const struct imap_client *client,
	enum imap_feature feature)
{
	return (client->enabled & feature) == feature;
}

bool imap_client_enable(struct imap_client *client, enum imap_feature feature)
{
	struct mailbox_status status;
	unsigned int before = client->enabled;

	if (feature == IMAP_FEATURE_QRESYNC)
		client->enabled |= IMAP_FEATURE_CONDSTORE;
	client->enabled |= feature;
	if ((before & IMAP_FEATURE_CONDSTORE) == 0 &&
	    (client->enabled & IMAP_FEATURE_CONDSTORE) != 0 &&
	    client->mailbox != NULL &&
	    mailbox_get_status(client->mailbox, STATUS_HIGHESTMODSEQ,
		    &status) == 0) {
		/* Dovecot: CONDSTORE enabled while a mailbox is selected
		   tells the client the current HIGHESTMODSEQ. */
		imap_client_send_line(client, t_printf(
			"* OK [HIGHESTMODSEQ %llu] Highest",
			(unsigned long long)status.highest_modseq));
		client->sync.last_full_modseq = status.highest_modseq;
	}
	return (before & feature) != feature;
}

void imap_sync_note_fetch_modseq(struct imap_client *client, uint64_t modseq)
{
	if (modseq > client->sync.highest_fetch_modseq)
		client->sync.highest_fetch_modseq = modseq;
}

/* "* FLAGS (...)" and "* OK [PERMANENTFLAGS (...)] ...": SELECT, and
   whenever the keyword list grows. */
void imap_sync_send_flags(struct imap_client *client)
{
	const char *const *keywords;
	unsigned int count, i;
	struct buf str;
	int r = 0;

	keywords = mailbox_get_keywords(client->mailbox, &count);
	buf_init(&str, scratch_arena(), 256, 0);
	r |= buf_append_str(&str, "* FLAGS (" IMAP_SYSTEM_FLAGS);
	for (i = 0; i < count; i++) {
		r |= buf_append_c(&str, ' ');
		r |= buf_append_str(&str, keywords[i]);
	}
	r |= buf_append_c(&str, ')');
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));

	if (client->sync.readonly) {
		/* Dovecot's text for a read-only mailbox. */
		imap_client_send_line(client, "* OK [PERMANENTFLAGS ()] "
			"Read-only mailbox.");
		return;
	}
	buf_reset(&str);
	r |= buf_append_str(&str, "* OK [PERMANENTFLAGS (" IMAP_SYSTEM_FLAGS);
	for (i = 0; i < count; i++) {
		r |= buf_append_c(&str, ' ');
		r |= buf_append_str(&str, keywords[i]);
	}
	if (mailbox_can_create_keywords(client->mailbox))
		r |= buf_append_str(&str, " \\*");
	r |= buf_append_str(&str, ")] Flags permitted.");
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));
}

/* "* n EXPUNGE" (descending, so every number is valid as sent, as
   Dovecot does) or, with QRESYNC, one "* VANISHED uidset". */
static void sync_send_expunges(struct imap_client *client,
	const struct mailbox_changes *ch)
{
	struct imap_seq_range *uids;
	unsigned int i, count;
	struct buf str;
	int r = 0;

	if (ch->expunges_count == 0)
		return;
	if (!imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC)) {
		for (i = ch->expunges_count; i > 0; i--) {
			/* seq is as after the earlier expunges were
			   removed; the number before any removal is
			   seq + (i - 1). */
			imap_client_send_line(client, t_printf(
				"* %u EXPUNGE", ch->expunges[i - 1].seq +
				(i - 1)));
		}
	} else {
		uids = arena_new(scratch_arena(), struct imap_seq_range,
			ch->expunges_count);
		for (i = 0; i < ch->expunges_count; i++) {
			uids[i].seq1 = ch->expunges[i].uid;
			uids[i].seq2 = ch->expunges[i].uid;
		}
		count = imap_seqset_resolve(uids, ch->expunges_count,
			ch->expunges[ch->expunges_count - 1].uid);
		buf_init(&str, scratch_arena(), 128, 0);
		r |= buf_append_str(&str, "* VANISHED ");
		r |= imap_seqset_write(&str, uids, count);
		i_assert(r == 0);
		imap_client_send_line(client, buf_cstr(&str));
	}
	i_assert(client->sync.messages_count >= ch->expunges_count);
	client->sync.messages_count -= ch->expunges_count;
}

/* "* n FETCH ([UID u ][MODSEQ (m) ]FLAGS (...))" for a message whose
   flags changed elsewhere. */
static void sync_send_flag_changes(struct imap_client *client,
	const struct mailbox_changes *ch, unsigned int flags)
{
	bool condstore = imap_client_has_enabled(client,
		IMAP_FEATURE_CONDSTORE);
	const char *const *keywords;
	unsigned int i, kw_count;
	struct mail *mail;
	uint64_t modseq;
	struct buf str;
	int r = 0;

	if (ch->changed_count == 0)
		return;
	mail = mail_alloc(client->mailbox);
	buf_init(&str, scratch_arena(), 256, 0);
	for (i = 0; i < ch->changed_count; i++) {
		uint32_t seq = ch->changed_seqs[i];

		/* Numbers past what the client was told belong to new
		   messages: their EXISTS and a FETCH come later. */
		if (seq > client->sync.messages_count)
			continue;
		mail_set_seq(mail, seq);
		buf_reset(&str);
		r |= buf_printf(&str, "* %u FETCH (", seq);
		if ((flags & IMAP_SYNC_FLAG_SEND_UID) != 0)
			r |= buf_printf(&str, "UID %u ", mail_get_uid(mail));
		if (condstore && mail_get_modseq(mail, &modseq) == 0) {
			r |= buf_printf(&str, "MODSEQ (%llu) ",
				(unsigned long long)modseq);
			imap_sync_note_fetch_modseq(client, modseq);
		}
		if (mail_get_keywords(mail, &keywords, &kw_count) < 0)
			keywords = NULL;
		r |= buf_append_str(&str, "FLAGS (");
		r |= imap_flags_append(&str, mail_get_flags(mail), keywords);
		r |= buf_append_str(&str, "))");
		i_assert(r == 0);
		imap_client_send_line(client, buf_cstr(&str));
	}
	mail_free(&mail);
}

/* Dovecot's HIGHESTMODSEQ after a sync: the value to send, or 0. */
static uint64_t sync_highestmodseq(struct imap_client *client,
	uint64_t highest_modseq, bool delayed_expunges)
{
	struct imap_sync_state *s = &client->sync;
	uint64_t send_modseq = 0;

	if (delayed_expunges &&
	    s->highest_fetch_modseq > s->last_full_modseq) {
		/* A client updating its HIGHESTMODSEQ from the MODSEQs it
		   saw would lose the held-back expunges: give it the
		   value from before them. */
		send_modseq = s->last_full_modseq;
	} else if (!delayed_expunges &&
		   highest_modseq > s->last_full_modseq &&
		   highest_modseq > s->highest_fetch_modseq) {
		/* VANISHED/EXISTS replies raised it. */
		send_modseq = highest_modseq;
	}
	if (!delayed_expunges)
		s->last_full_modseq = highest_modseq;
	s->highest_fetch_modseq = 0;
	return send_modseq;
}

/* The sync proper; *modseq_r gets the HIGHESTMODSEQ to announce (0 =
   none).  Returns 0, -1 on failure, 1 when the session or the
   selection ended. */
static int sync_run(struct imap_client *client, unsigned int flags,
	uint64_t *modseq_r)
{
	struct mailbox_changes ch;
	unsigned int sflags = 0;
	unsigned int kw_count;
	bool hold_newmail = false;

	*modseq_r = 0;
	if (client->mailbox == NULL)
		return 0;
	if (imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC))
		flags |= IMAP_SYNC_FLAG_SEND_UID;
	if ((flags & IMAP_SYNC_FLAG_FULL) != 0)
		sflags |= MAILBOX_SYNC_FLAG_FULL;
	if ((client->set.workarounds & IMAP_WORKAROUND_DELAY_NEWMAIL) != 0 &&
	    (flags & IMAP_SYNC_FLAG_SAFE) == 0) {
		/* old Outlook Express and OS X Mail: EXISTS, RECENT and
		   expunges only after NOOP, CHECK, EXPUNGE and in IDLE (as
		   Dovecot, the new messages are in the view meanwhile) */
		hold_newmail = true;
		flags |= IMAP_SYNC_FLAG_NO_EXPUNGES;
	}
	if ((flags & IMAP_SYNC_FLAG_NO_EXPUNGES) != 0)
		sflags |= MAILBOX_SYNC_FLAG_NO_EXPUNGES;
	if (mailbox_sync(client->mailbox, sflags, scratch_arena(), &ch) < 0) {
		/* Dovecot's untagged storage error: "* NO [SERVERBUG] ..." */
		imap_client_send_line(client, t_printf("* %s",
			imap_storage_error_tagline(client, 0)));
		return -1;
	}
	if (ch.uidvalidity_changed) {
		/* Most clients would be confused: Dovecot disconnects. */
		imap_client_send_line(client,
			"* BYE Mailbox UIDVALIDITY changed");
		imap_client_disconnect(client, "Mailbox UIDVALIDITY changed");
		return 1;
	}
	if (ch.mailbox_deleted) {
		/* Deleted or renamed by another session: Dovecot's text. */
		imap_client_send_line(client, "* BYE IMAP session state is "
			"inconsistent, please relogin.");
		imap_client_disconnect(client, "IMAP session state is "
			"inconsistent, please relogin.");
		return 1;
	}
	sync_send_expunges(client, &ch);
	(void)mailbox_get_keywords(client->mailbox, &kw_count);
	if (ch.keywords_changed || kw_count != client->sync.keywords_count) {
		client->sync.keywords_count = kw_count;
		imap_sync_send_flags(client);
	}
	sync_send_flag_changes(client, &ch, flags);
	/* with new mail held back the view has it; only telling waits */
	if (!hold_newmail && ch.count != client->sync.messages_count) {
		imap_client_send_line(client, t_printf("* %u EXISTS",
			ch.count));
		client->sync.messages_count = ch.count;
	}
	if (!hold_newmail && ch.recent != client->sync.recent_count) {
		imap_client_send_line(client, t_printf("* %u RECENT",
			ch.recent));
		client->sync.recent_count = ch.recent;
	}
	client->sync.expunges_pending = ch.expunges_delayed;
	/* Dovecot 2.3 announces a raised HIGHESTMODSEQ after a command only
	   to QRESYNC clients (a CONDSTORE client learns it from SELECT,
	   STATUS and the MODSEQs it fetches). */
	if (imap_client_has_enabled(client, IMAP_FEATURE_QRESYNC)) {
		*modseq_r = sync_highestmodseq(client, ch.highest_modseq,
			client->sync.expunges_pending);
	}
	return 0;
}

int imap_sync(struct imap_client *client, unsigned int flags)
{
	uint64_t modseq;
	int ret;

	ret = sync_run(client, flags, &modseq);
	if (ret == 0 && modseq != 0) {
		imap_client_send_line(client, t_printf(
			"* OK [HIGHESTMODSEQ %llu] Highest",
			(unsigned long long)modseq));
	}
	return ret < 0 ? -1 : 0;
}

enum imap_cmd_result imap_cmd_sync_reply(struct imap_cmd *cmd,
	unsigned int flags, const char *tagline)
{
	struct imap_client *client = cmd->client;
	uint64_t modseq;
	int ret;

	if (cmd->uid)
		flags |= IMAP_SYNC_FLAG_SEND_UID;
	ret = sync_run(client, flags, &modseq);
	if (ret > 0 && client->disconnected)
		return IMAP_CMD_DONE;
	if (modseq != 0) {
		if (strncmp(tagline, "OK ", 3) == 0 && tagline[3] != '[') {
			/* Dovecot puts it into the tagged reply. */
			tagline = t_printf("OK [HIGHESTMODSEQ %llu] %s",
				(unsigned long long)modseq, tagline + 3);
		} else {
			imap_client_send_line(client, t_printf(
				"* OK [HIGHESTMODSEQ %llu] Highest",
				(unsigned long long)modseq));
		}
	}
	imap_client_send_tagline(client, tagline);
	return IMAP_CMD_DONE;
}

enum imap_cmd_result imap_cmd_reply(struct imap_cmd *cmd, const char *tagline)
{
	imap_client_send_tagline(cmd->client, tagline);
	return IMAP_CMD_DONE;
}
