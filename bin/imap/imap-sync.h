/*
 * imap-sync.h - the session's selected mailbox and the untagged updates
 * that keep the client's idea of it current.
 *
 * The model (RFC 3501 §5.2, §7.4.1; RFC 7162 CONDSTORE/QRESYNC):
 *
 *  - client->mail_user is created at login from the userdb fields (home,
 *    mail) and lives as long as the session.
 *  - client->mailbox is the selected mailbox's view (storage.h), set by
 *    imap_client_select() (SELECT/EXAMINE) and cleared by
 *    imap_client_unselect() (CLOSE, UNSELECT, a failed SELECT, logout).
 *    Sequence numbers in commands are those of this view; the view
 *    changes only when imap_sync() runs, so a command sees a stable
 *    numbering from start to end.
 *  - Every command that may run with a mailbox selected ends with
 *    imap_cmd_sync_reply(): it syncs the view and sends what changed
 *    ("* n EXPUNGE" or "* VANISHED", "* n FETCH (FLAGS ...)", "* n
 *    EXISTS", "* n RECENT", "* OK [HIGHESTMODSEQ n]") before the tagged
 *    reply.  In the authenticated state it only sends the tagged reply.
 *  - RFC 3501 §7.4.1: no EXPUNGE may be sent while answering FETCH, STORE
 *    or SEARCH (their non-UID forms: a client may be pipelining commands
 *    that use the numbers it has).  Those commands pass
 *    IMAP_SYNC_FLAG_NO_EXPUNGES; the expunged messages then stay in the
 *    view (their data reads fail with MAIL_ERROR_EXPUNGED, FETCH answers
 *    as Dovecot does) and are reported at the next sync without the
 *    flag.  Because the dispatcher runs one command at a time, the RFC
 *    3501 §5.5 ambiguity rules reduce to this; the table's USES_SEQS /
 *    BREAKS_SEQS flags document the commands for a future parallel
 *    dispatcher.
 *  - ENABLEd extensions (RFC 5161) are bits in client->enabled;
 *    imap_client_enable() turns one on (CONDSTORE is also enabled
 *    implicitly by SELECT (CONDSTORE), FETCH MODSEQ, SEARCH MODSEQ, STORE
 *    UNCHANGEDSINCE, STATUS HIGHESTMODSEQ: RFC 7162 §3.1).
 */
#ifndef ROOST_IMAP_SYNC_H
#define ROOST_IMAP_SYNC_H

#include "imap-commands.h"

struct arena;
struct buf;
struct config;
struct config_filter;
struct imap_client;
struct mail_user;
struct seq_range;

/* Extensions a client can ENABLE (RFC 5161); bits of client->enabled. */
enum imap_feature {
	IMAP_FEATURE_CONDSTORE = 0x01,
	/* implies CONDSTORE */
	IMAP_FEATURE_QRESYNC = 0x02,
	/* (UTF8=ACCEPT, RFC 6855, is not offered: Dovecot 2.3 has it
	   neither.) */
};

/* Per-selection state kept by imap-sync.c (client->sync). */
struct imap_sync_state {
	/* EXAMINE (or a mailbox the user can't write to). */
	bool readonly;
	uint32_t uidvalidity;
	/* What the client was told: EXISTS and RECENT. */
	uint32_t messages_count;
	uint32_t recent_count;
	/* The HIGHESTMODSEQ the client last learned with every expunge
	   reported (Dovecot's sync_last_full_modseq): while expunges are
	   held back the client is told no higher one. */
	uint64_t last_full_modseq;
	/* Highest MODSEQ sent in a FETCH response of the current command
	   (FETCH/STORE set it: imap_sync_note_fetch_modseq()). */
	uint64_t highest_fetch_modseq;
	/* Expunges are being held back (a NO_EXPUNGES sync saw some). */
	bool expunges_pending;
	/* The keyword list the client was sent in FLAGS, to notice
	   changes: its count. */
	unsigned int keywords_count;
	/* RFC 5182 SEARCHRES: the UIDs of the last SEARCH ... SAVE, sorted
	   ranges (heap, owned here; freed on unselect).  NULL and 0 when
	   nothing was saved ("$" is then empty). */
	struct seq_range *searchres;
	unsigned int searchres_count;
};

/*
 * Session counters for imap_logout_format (Dovecot 2.3's %{deleted},
 * %{expunged}, ...).  Each command updates its own: FETCH the fetch_*,
 * STORE deleted (messages given \Deleted), COPY/MOVE trashed (messages
 * copied into a \Trash special-use mailbox), EXPUNGE/CLOSE/UID EXPUNGE
 * expunged, APPEND appended, logout autoexpunged.
 */
struct imap_client_counters {
	uint64_t fetch_hdr_count, fetch_hdr_bytes;
	uint64_t fetch_body_count, fetch_body_bytes;
	uint64_t deleted, expunged, trashed, autoexpunged, appended;
};

enum imap_sync_flags {
	/* RFC 3501 §7.4.1: don't report expunges now (non-UID FETCH,
	   STORE, SEARCH). */
	IMAP_SYNC_FLAG_NO_EXPUNGES = 0x01,
	/* Put "UID n" in the FETCH flag updates (UID commands; always
	   with QRESYNC, RFC 7162 §3.2.4). */
	IMAP_SYNC_FLAG_SEND_UID = 0x02,
	/* Rescan the store even if it looks unchanged (CHECK). */
	IMAP_SYNC_FLAG_FULL = 0x04,
	/* NOOP, CHECK, EXPUNGE and IDLE: new mail and expunges are reported
	   also with imap_client_workarounds = delay-newmail (other commands
	   then hold them back). */
	IMAP_SYNC_FLAG_SAFE = 0x08,
};

/*
 * Creates the logged-in user's storage (config must outlive it):
 * username, the userdb's fields
 * (home=, mail=; NULL-terminated "key=value" strings), the session's
 * config filter.  Called by the hand-off after the uid/gid switch and
 * before the session answers OK (a failure is then an internal error at
 * login, as in Dovecot).  Nothing on disk is touched; the namespaces'
 * mailbox { auto = create|subscribe } mailboxes appear on first access
 * (LIST, SELECT, STATUS), as in Dovecot 2.3.  Returns 0 and *user_r, or
 * -1 with a message for the log in *error_r.
 */
int imap_mail_user_create(const struct config *config, const char *username,
	const char *const *userdb_fields, const struct config_filter *filter,
	const char *session_id, struct mail_user **user_r,
	const char **error_r);

/*
 * Selects vname (UTF-8) with SELECT/EXAMINE semantics: closes any
 * selected mailbox first (sending "* OK [CLOSED]" when one was selected,
 * RFC 7162 §3.2.11), opens the view and records the state.  Sends no
 * other untagged data (the command does).  0, or -1 with the storage
 * error on client->mail_user (the client is then in the authenticated
 * state).
 */
int imap_client_select(struct imap_client *client, const char *vname,
	bool readonly);
/* Closes the selected mailbox (nothing is expunged) and returns to the
   authenticated state.  Nothing is sent.  No-op without a selection. */
void imap_client_unselect(struct imap_client *client);

/*
 * Turns on extension feature (and CONDSTORE with QRESYNC).  When
 * CONDSTORE becomes enabled with a mailbox selected, sends "* OK
 * [HIGHESTMODSEQ n] Highest" as Dovecot does.  Returns true when the
 * feature was newly enabled (ENABLE lists only those).
 */
bool imap_client_enable(struct imap_client *client, enum imap_feature feature);
/* Whether a feature is enabled. */
bool imap_client_has_enabled(const struct imap_client *client,
	enum imap_feature feature);

/* Sends "* FLAGS (...)" and "* OK [PERMANENTFLAGS (...)] ..." for the
   selected mailbox (SELECT; again whenever its keywords change). */
void imap_sync_send_flags(struct imap_client *client);

/*
 * Syncs the selected mailbox and sends the untagged updates (see the
 * file comment).  flags: enum imap_sync_flags.  May end the session
 * (BYE) when the mailbox's UIDVALIDITY changed, or end the selection
 * when the mailbox was deleted.  Returns 0, or -1 when syncing failed
 * (the error was logged; the view is unchanged and nothing was sent).
 * Without a selected mailbox: 0, nothing sent.
 */
int imap_sync(struct imap_client *client, unsigned int flags);

/*
 * The end of every command: imap_sync(), then the tagged reply
 * "<tag> <tagline>" (tagline as for imap_client_send_tagline(), e.g.
 * "OK Fetch completed.").  With CONDSTORE enabled, a new HIGHESTMODSEQ
 * goes into an "OK" tagline without a response code ("OK [HIGHESTMODSEQ
 * n] Fetch completed."), else into "* OK [HIGHESTMODSEQ n] Highest", as
 * Dovecot does.  Adds IMAP_SYNC_FLAG_SEND_UID for UID commands
 * (cmd->uid) and with QRESYNC.  Returns IMAP_CMD_DONE (for "return
 * imap_cmd_sync_reply(...)").
 */
enum imap_cmd_result imap_cmd_sync_reply(struct imap_cmd *cmd,
	unsigned int flags, const char *tagline);

/* Sends the tagged reply without syncing (commands that Dovecot doesn't
   sync after: LIST, CREATE, ...).  Returns IMAP_CMD_DONE. */
enum imap_cmd_result imap_cmd_reply(struct imap_cmd *cmd,
	const char *tagline);

/*
 * FETCH/STORE: the MODSEQ of a message just sent in a FETCH response, so
 * the HIGHESTMODSEQ sent at the end of the command stays consistent
 * (Dovecot's highest_fetch_modseq).
 */
void imap_sync_note_fetch_modseq(struct imap_client *client,
	uint64_t modseq);

/*
 * Turns a sequence-set argument into sorted ranges of sequence numbers
 * of the selected view: message numbers, or UIDs when uid (UID commands;
 * UIDs without a message are skipped, RFC 3501 §6.4.8; "*" is the
 * highest UID, so "n:*" always matches the last message).  "$" (RFC
 * 5182) is the saved SEARCHRES result.  For message numbers, "*" is the
 * last message and a number beyond the count, or any set in an empty
 * mailbox, is an error (Dovecot's "BAD Error in IMAP command X: Invalid
 * messageset").  *seqs_r is allocated from arena; *count_r may be 0
 * (nothing matched: not an error).
 * Returns 0, or -1 with a client-safe *error_r for a BAD reply.
 */
int imap_seqset_get_seqs(struct imap_client *client, const char *str,
	bool uid, struct arena *arena, struct seq_range **seqs_r,
	unsigned int *count_r, const char **error_r);
/*
 * The same for UID ranges (UID EXPUNGE, QRESYNC known-uids, SEARCH UID):
 * the set resolved with "*" = the highest UID (or the message count when
 * !uid, then turned into UIDs), as sorted ranges of UIDs; UIDs need not
 * exist.  0 or -1 with *error_r.
 */
int imap_seqset_get_uids(struct imap_client *client, const char *str,
	bool uid, struct arena *arena, struct seq_range **uids_r,
	unsigned int *count_r, const char **error_r);
/* Saves UID ranges as the SEARCHRES result (copied). */
void imap_sync_set_searchres(struct imap_client *client,
	const struct seq_range *uids, unsigned int count);

/*
 * Mailbox names on the wire: decodes a client's name (modified UTF-7,
 * RFC 3501 §5.1.3) to the UTF-8 vname storage uses, and
 * checks that a namespace holds it.  Returns 0, or -1 with the whole
 * tagged reply in *error_r, as Dovecot 2.3 words it ("NO Mailbox name is
 * not valid mUTF-7", "NO Client tried to access nonexistent namespace.
 * (Mailbox name should probably be prefixed with: INBOX.)").  Storage
 * matches "INBOX" in any case.
 */
int imap_mailbox_name_decode(struct imap_client *client, const char *name,
	struct arena *arena, const char **vname_r, const char **error_r);
/* Whether two vnames name the same mailbox ("INBOX" in any case). */
bool imap_mailbox_name_equals(const char *vname1, const char *vname2);
/* Appends vname in modified UTF-7 as an IMAP astring (an atom when
   possible, else quoted or a literal), as LIST and STATUS do.  0, or -1
   when dest's max was reached. */
int imap_mailbox_name_append(struct imap_client *client, struct buf *dest,
	const char *vname) ATTR_NODISCARD;
/* The same, always as a quoted string (NAMESPACE prefixes). */
int imap_mailbox_name_append_quoted(struct imap_client *client,
	struct buf *dest, const char *vname) ATTR_NODISCARD;

enum imap_storage_error_flags {
	/* A missing mailbox is [TRYCREATE] (APPEND, COPY, MOVE). */
	IMAP_STORAGE_ERROR_TRYCREATE = 0x01,
	/* A missing mailbox is [NONEXISTENT] (DELETE, RENAME; Dovecot 2.3
	   sends no code for SELECT, STATUS, SUBSCRIBE). */
	IMAP_STORAGE_ERROR_NONEXISTENT = 0x02,
};
/*
 * The tagged NO for a storage failure: "NO [CODE] text" from
 * mail_user_get_last_error(), as Dovecot 2.3 words it; flags: enum
 * imap_storage_error_flags.  Scratch memory.
 */
const char *imap_storage_error_tagline(struct imap_client *client,
	unsigned int flags);

#endif
