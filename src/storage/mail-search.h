/*
 * mail-search.h - SEARCH, SORT and THREAD over a mailbox view.
 *
 * The protocol layer parses its syntax into a tree of struct
 * mail_search_arg (C values only: dates as time_t, strings in UTF-8 after
 * CHARSET conversion) and storage evaluates it.  Cheap keys (flags,
 * sequence and UID sets) are answered from the view, sizes, dates,
 * keywords and modseqs from the index, the common header fields from
 * the index's header cache, BODY and TEXT from the FTS5 full-text index
 * (messages not yet indexed are indexed on the way), everything else by
 * reading the messages.  Text matching is substring matching on decoded
 * (MIME transfer encoding, RFC 2047, charset) and case-folded text, as
 * Dovecot's.
 */
#ifndef ROOST_MAIL_SEARCH_H
#define ROOST_MAIL_SEARCH_H

#include "storage.h"

enum mail_search_key {
	/* Always true (ALL). */
	SEARCH_ALL,
	/* Sequence set / UID set: value.set (sorted ranges; for UIDs "*"
	   already resolved by the caller with mailbox_get_last_uid()). */
	SEARCH_SEQSET,
	SEARCH_UIDSET,
	/* All of value.flags are set (ANSWERED, DELETED, DRAFT, FLAGGED,
	   SEEN, RECENT; UNxxx is a negated SEARCH_FLAGS; NEW is RECENT and
	   not SEEN; OLD is not RECENT). */
	SEARCH_FLAGS,
	/* The keyword value.str is set (KEYWORD; UNKEYWORD negated). */
	SEARCH_KEYWORD,
	/* INTERNALDATE by day: value.date is the day's 00:00 UTC as given
	   by the client (the time of day and zone are ignored, the message's
	   day is taken in the server's local time zone, as Dovecot). */
	SEARCH_BEFORE,
	SEARCH_ON,
	SEARCH_SINCE,
	/* Date: header by day (value.date as above; the message's day is
	   the one written in its Date: header). */
	SEARCH_SENTBEFORE,
	SEARCH_SENTON,
	SEARCH_SENTSINCE,
	/* SAVEDATE by day (RFC 8514). */
	SEARCH_SAVEDBEFORE,
	SEARCH_SAVEDON,
	SEARCH_SAVEDSINCE,
	/* WITHIN (RFC 5032): INTERNALDATE older / younger than
	   value.interval seconds from now. */
	SEARCH_OLDER,
	SEARCH_YOUNGER,
	/* RFC822.SIZE smaller / larger than value.size. */
	SEARCH_SMALLER,
	SEARCH_LARGER,
	/* HEADER value.hdr.field value.hdr.value: the field exists and its
	   decoded value contains the string ("" = the field exists). */
	SEARCH_HEADER,
	/* FROM/TO/CC/BCC: the address field's decoded display names and
	   addresses contain value.str. */
	SEARCH_FROM,
	SEARCH_TO,
	SEARCH_CC,
	SEARCH_BCC,
	/* SUBJECT: the decoded Subject contains value.str. */
	SEARCH_SUBJECT,
	/* BODY: the decoded text of the body parts contains value.str;
	   TEXT: the header or the body does. */
	SEARCH_BODY,
	SEARCH_TEXT,
	/* MODSEQ (RFC 7162): the message's modseq is >= value.modseq
	   (entry names are ignored: modseqs are per message). */
	SEARCH_MODSEQ,
	/* All of value.subargs (parenthesised list). */
	SEARCH_SUB,
	/* Any of value.subargs (OR a b: two subargs). */
	SEARCH_OR,
	/* The message GUID is value.str (roostadm search guid). */
	SEARCH_GUID,
};

struct mail_search_arg {
	struct mail_search_arg *next;
	enum mail_search_key type;
	/* NOT */
	bool negate;
	union {
		struct {
			const struct seq_range *ranges;
			unsigned int count;
		} set;
		enum mail_flags flags;
		const char *str;
		time_t date;
		uint32_t interval;
		uint64_t size;
		uint64_t modseq;
		struct {
			const char *field;
			const char *value;
		} hdr;
		struct mail_search_arg *subargs;
	} value;
};

struct mail_search_result {
	/* Matching sequence numbers, ascending (from the caller's arena). */
	uint32_t *seqs;
	unsigned int count;
	/* Highest modseq among the matches (CONDSTORE: SEARCH with MODSEQ
	   answers "(MODSEQ n)"); 0 when none matched. */
	uint64_t highest_modseq;
};

/*
 * Evaluates args (a list: all must match) over every message of the view.
 * Messages expunged meanwhile never match.  Arrays from arena.  0, or -1
 * (error on the user; MAIL_ERROR_PARAMS for an invalid tree, e.g. OR
 * without two subargs).
 */
int mailbox_search(struct mailbox *box, const struct mail_search_arg *args,
	struct arena *arena, struct mail_search_result *result_r);

/*
 * Whether one message (handle already set) matches; 1 yes, 0 no, -1
 * error.  For callers filtering their own sets (roostadm).
 */
int mail_search_match(struct mail *mail, const struct mail_search_arg *args);

/*
 * ---------------------------------------------------------------------
 * SORT (RFC 5256, RFC 5957)
 * ---------------------------------------------------------------------
 */

enum mail_sort_type {
	SORT_ARRIVAL,
	SORT_CC,
	SORT_DATE,
	SORT_FROM,
	SORT_SIZE,
	SORT_SUBJECT,
	SORT_TO,
	SORT_DISPLAYFROM,
	SORT_DISPLAYTO,
};

struct mail_sort_key {
	enum mail_sort_type type;
	bool reverse;
};

/*
 * Sorts the messages matching args by keys[0..count); ties are broken by
 * sequence number (RFC 5256 §3).  Strings compare as Dovecot's
 * i;unicode-casemap (title case, decomposed: mail-titlecase.h) on the
 * decoded values: the base subject for SUBJECT, the first address's
 * mailbox for FROM/TO/CC (a group's name when the field starts with a
 * group), the display name (falling back to the address) for
 * DISPLAYFROM/DISPLAYTO.  DATE without a usable
 * Date: header uses INTERNALDATE.  *seqs_r from arena.  0 or -1.
 */
int mailbox_sort(struct mailbox *box, const struct mail_sort_key *keys,
	unsigned int count, const struct mail_search_arg *args,
	struct arena *arena, uint32_t **seqs_r, unsigned int *seqs_count_r);

/*
 * ---------------------------------------------------------------------
 * THREAD (RFC 5256, RFC 5256 REFS draft as Dovecot)
 * ---------------------------------------------------------------------
 */

enum mail_thread_type {
	THREAD_ORDEREDSUBJECT,
	THREAD_REFERENCES,
	THREAD_REFS,
};

/* A thread tree node.  seq 0 is a placeholder for a missing parent
   (IMAP writes its children in parentheses without a number). */
struct mail_thread_node {
	uint32_t seq;
	struct mail_thread_node *first_child;
	struct mail_thread_node *next_sibling;
};

/*
 * Threads the messages matching args.  *roots_r is the first root;
 * roots are linked with next_sibling, in the algorithm's order; nodes
 * from arena.  NULL when nothing matched.  0 or -1.
 */
int mailbox_thread(struct mailbox *box, enum mail_thread_type type,
	const struct mail_search_arg *args, struct arena *arena,
	struct mail_thread_node **roots_r);

#endif
