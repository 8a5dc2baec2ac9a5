/*
 * imap-fetch.h - running a FETCH: one "* n FETCH (...)" response per
 * message of a sequence set, written as the connection drains.
 *
 * The engine executes a plan from imap-fetch-args.h over sorted sequence
 * ranges of the selected view:
 *  - small items first, then ENVELOPE/BODY/BODYSTRUCTURE and body
 *    sections, each literal streamed in chunks; whenever more than
 *    IMAP_FETCH_OUTPUT_MAX bytes are queued the command yields
 *    (IMAP_CMD_MORE) and resumes from the output callback, so a client
 *    that doesn't read costs a bounded amount of memory however large the
 *    reply;
 *  - the implicit \Seen of non-PEEK body items (RFC 3501 §6.4.5) is
 *    recorded in one transaction committed at the end; a message that
 *    gets it shows FLAGS with \Seen in its response (Dovecot adds FLAGS
 *    when it wasn't asked for), and with CONDSTORE a "* n FETCH (MODSEQ
 *    (m))" follows the commit;
 *  - a message expunged meanwhile answers NIL for what can't be read and
 *    the command ends "OK [EXPUNGEISSUED] Some messages were already
 *    expunged."; other failures end the command at that message with NO,
 *    as Dovecot does.
 */
#ifndef ROOST_IMAP_FETCH_H
#define ROOST_IMAP_FETCH_H

#include "imap-commands.h"

struct imap_fetch_args;
struct seq_range;

/* Queued output above which FETCH waits for the client to read. */
#define IMAP_FETCH_OUTPUT_MAX (256 * 1024)

/*
 * Starts answering cmd (FETCH or UID FETCH) for the messages in seqs
 * (sorted sequence ranges of the selected view; the arrays must live in
 * cmd->arena) with args.  Sends everything up to the tagged reply, or as
 * much as fits and returns IMAP_CMD_MORE with cmd->output/destroy set.
 */
enum imap_cmd_result imap_fetch_start(struct imap_cmd *cmd,
	const struct imap_fetch_args *args, const struct seq_range *seqs,
	unsigned int seqs_count);

#endif
