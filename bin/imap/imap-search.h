/*
 * imap-search.h - SEARCH, SORT and THREAD between the wire and storage.
 *
 * src/proto/imap-search-args.h parses the syntax (keys, RETURN options,
 * CHARSET, sort programs) into C values that know nothing of mailboxes;
 * this module turns them into storage's criteria (mail-search.h) for the
 * selected view -- sequence sets resolved against its count, UID "*"
 * against its highest UID, "$" against the session's SEARCHRES result,
 * strings converted from the client's CHARSET to UTF-8 -- and writes the
 * replies: "* SEARCH", "* SORT", "* THREAD" and RFC 4731/5267 "*
 * ESEARCH" with its sequence-set compression, and SEARCHRES's SAVE.
 */
#ifndef ROOST_IMAP_SEARCH_H
#define ROOST_IMAP_SEARCH_H

#include "imap-search-args.h"

struct buf;
struct imap_client;
struct imap_cmd;
struct mail_search_arg;
struct mail_thread_node;
struct mailbox;

/* The parts of a SEARCH/SORT/THREAD command common to all three. */
struct imap_search_query {
	/* RETURN options (SEARCH, SORT); esearch false without RETURN */
	struct imap_search_return ret;
	/* the client's CHARSET; NULL = none given (US-ASCII) */
	const char *charset;
	/* the criteria for storage (a list, all must match) */
	struct mail_search_arg *args;
	/* "$" was used; MODSEQ was used (replies carry MODSEQ) */
	bool uses_searchres;
	bool uses_modseq;
};

/*
 * Parses the search keys args (to their EOL) and builds q->args for the
 * selected mailbox, with q->charset and q->ret already set (RETURN
 * (UPDATE) is refused: CONTEXT=SEARCH is not implemented).  On failure the tagged
 * reply has been sent ("BAD Error in IMAP command X: ...", e.g. "Invalid
 * search key" for a string invalid in the charset, or "NO [BADCHARSET]
 * Unknown charset" as Dovecot) and -1 is returned.  With
 * MODSEQ in the keys, CONDSTORE gets enabled (RFC 7162 §3.1) -- which
 * may send "* OK [HIGHESTMODSEQ n]" -- only once everything parsed.
 * Memory from cmd->arena.
 */
int imap_search_query_build(struct imap_cmd *cmd,
	const struct imap_arg *args, struct imap_search_query *q);

/*
 * The same conversion without a command, for tests and other callers:
 * builds storage criteria from parsed keys for client's selected
 * mailbox.  Returns 0, or -1 with a client-safe *error_r and
 * *badcharset_r set when the charset is unknown ("NO [BADCHARSET]"),
 * unset when a search string is invalid in the charset (BAD "Invalid
 * search key", as Dovecot).
 */
int imap_search_args_to_storage(struct imap_client *client,
	const struct imap_search_arg *iargs, const char *charset,
	struct arena *arena, struct mail_search_arg **args_r,
	bool *badcharset_r, const char **error_r);

/* Sends "BAD Error in IMAP command <NAME>: <error>." for cmd. */
void imap_search_send_bad(struct imap_cmd *cmd, const char *error);

/*
 * Answers a finished SEARCH or SORT whose matches are seqs[0..count)
 * (ascending for SEARCH, in sort order for SORT): "* SEARCH ..." / "*
 * SORT ..." (UIDs for UID commands, with " (MODSEQ n)" when MODSEQ was
 * searched), or with RETURN the "* ESEARCH (TAG ...)" line; saves the
 * result for SEARCHRES on SAVE.  highest_modseq is the highest modseq
 * among all matches (0 when unknown: then it is computed when needed).
 * untagged is "SEARCH" or "SORT".  Returns 0, or -1 when reading a
 * modseq failed (nothing was sent; the caller answers NO).
 */
int imap_search_send_result(struct imap_cmd *cmd,
	const struct imap_search_query *q, const char *untagged,
	const uint32_t *seqs, unsigned int count, uint64_t highest_modseq);

/*
 * Appends ids in the order given, joining runs of consecutive ascending
 * numbers as "a:b" (RFC 5267 §3.3: "5,3:4,2,1"), for ESEARCH ALL and
 * PARTIAL.  Returns 0, or -1 when dest's max was reached.
 */
int imap_search_write_ids(struct buf *dest, const uint32_t *ids,
	unsigned int count) ATTR_NODISCARD;

/*
 * Appends a thread tree as RFC 5256 §4 writes it: "(3 2)(1)", "(2
 * (7)(12)(13))", "((1)(2))" for a missing parent; UIDs of uid_box's
 * view instead of sequence numbers when uid_box is not NULL.  Iterative,
 * so a deep reply chain needs no deep stack (the stack comes from
 * arena).  Returns 0, or -1 when dest's max was reached.
 */
int imap_thread_write(struct buf *dest, const struct mail_thread_node *roots,
	const struct mailbox *uid_box, struct arena *arena) ATTR_NODISCARD;

#endif
