/*
 * adm-query.h - doveadm's search query language (doveadm-search-query(7))
 * for roostadm's mail commands: parsing the command line's words into a
 * tree, and turning the tree into storage's search criteria for one
 * mailbox (adm-query-eval.c).
 *
 * The language is IMAP SEARCH's keys, case-insensitive, one key word or
 * parameter per command-line argument, plus doveadm's own:
 *
 *   MAILBOX name       the mailbox's name (UTF-8); '*' and '%' are
 *                      wildcards, "INBOX" matches case-insensitively
 *   MAILBOX-GUID guid  the mailbox's GUID
 *   GUID / X-GUID g    the message GUID
 *   SAVEDBEFORE/SAVEDON/SAVEDSINCE date (also X-SAVED...): the save date
 *   ( ... )            a list: "(" and ")" are arguments of their own
 *   a OR b             OR is written between its operands; a list with
 *                      an OR in it is a disjunction of all its keys:
 *                      "a b OR c" is a|b|c, "a OR b c" is an error ("Use
 *                      parenthesis when mixing ANDs and ORs"), as doveadm
 *
 * Dates (BEFORE, ON, SINCE, SENT*, SAVED*) are an IMAP date (1-Feb-2024),
 * YYYY-MM-DD (both by day, as IMAP), a UNIX timestamp, or an interval
 * back from now ("30d", "2 weeks", "1h": s/m/h/d/w with doveadm's unit
 * words); timestamps and intervals compare to the second.  Sizes
 * (LARGER, SMALLER) take doveadm's units (10k, 1 MB, 2G, 1T).
 *
 * Error texts are doveadm 2.3's ("Unknown argument FOO", "Missing ')'",
 * "Invalid search date parameter: x", ...); roostadm prints them as
 * "Fatal: <text>" with exit code 75.
 */
#ifndef ROOSTADM_ADM_QUERY_H
#define ROOSTADM_ADM_QUERY_H

#include <time.h>

#include "imap-seqset.h"
#include "mail-search.h"

struct arena;

enum adm_query_type {
	/* A storage key that needs nothing from the mailbox: value.search
	   (never SEARCH_SEQSET/UIDSET/SUB/OR; its next is NULL). */
	ADM_QUERY_SEARCH,
	/* Sequence set / UID set with "*" kept symbolic: value.seqset
	   ("$" parses as a set that matches nothing, as in doveadm). */
	ADM_QUERY_SEQSET,
	ADM_QUERY_UIDSET,
	/* MAILBOX without wildcards, MAILBOX with '*' or '%': value.str */
	ADM_QUERY_MAILBOX,
	ADM_QUERY_MAILBOX_GLOB,
	/* MAILBOX-GUID: value.str */
	ADM_QUERY_MAILBOX_GUID,
	/* A date given as a timestamp or interval: value.time */
	ADM_QUERY_TIME,
	/* All of value.subargs (a parenthesised list, or the top level) */
	ADM_QUERY_SUB,
	/* Any of value.subargs (at least two) */
	ADM_QUERY_OR,
};

/* Which of the message's dates ADM_QUERY_TIME compares. */
enum adm_query_date {
	ADM_QUERY_DATE_RECEIVED,
	ADM_QUERY_DATE_SENT,
	ADM_QUERY_DATE_SAVED,
};

/* How: before (date < time), on (time <= date < time + 1 day), since
   (date >= time). */
enum adm_query_cmp {
	ADM_QUERY_CMP_BEFORE,
	ADM_QUERY_CMP_ON,
	ADM_QUERY_CMP_SINCE,
};

struct adm_query_arg {
	struct adm_query_arg *next;
	enum adm_query_type type;
	/* NOT */
	bool negate;
	union {
		struct mail_search_arg search;
		struct imap_seqset seqset;
		const char *str;
		struct {
			enum adm_query_date date;
			enum adm_query_cmp cmp;
			time_t time;
		} time;
		struct adm_query_arg *subargs;
	} value;
};

/* Deepest nesting of lists and NOTs accepted. */
#define ADM_QUERY_MAX_DEPTH 100
/* Most ranges in one sequence set. */
#define ADM_QUERY_MAX_SEQ_RANGES 10000

/*
 * Parses the query words args[0..count) into a list of keys (all must
 * match), allocated from arena.  now is the time intervals count back
 * from.  Returns 0 with *args_r, or -1 with doveadm's error text in
 * *error_r (arena memory).  An empty query is an error ("Missing search
 * parameters"; the commands check for it first and print their usage).
 */
int adm_query_parse(const char *const *args, unsigned int count,
	time_t now, struct arena *arena, struct adm_query_arg **args_r,
	const char **error_r);

/*
 * doveadm's date parameter: YYYY-MM-DD or an IMAP date (0 with *by_day_r
 * true and the day's 00:00 UTC in *time_r), a UNIX timestamp or an
 * interval before now (0 with *by_day_r false).  -1 when it is none of
 * them.
 */
int adm_query_parse_date(const char *str, time_t now, time_t *time_r,
	bool *by_day_r);
/* doveadm's size: a number with an optional unit (B, K/KB, M/MB, G/GB,
   T/TB, any case, spaces allowed before it).  0 or -1 (also on
   overflow). */
int adm_query_parse_size(const char *str, uint64_t *size_r);
/* doveadm's interval: a number and a unit (s, m, h, d, w and their
   words: "secs", "minutes", "2 weeks").  0 or -1. */
int adm_query_parse_interval(const char *str, uint32_t *secs_r);

/*
 * Whether vname (of a mailbox whose hierarchy separator is sep) matches
 * a MAILBOX pattern: exactly, or with '*' (anything) and '%' (anything
 * but sep) when glob; a leading "INBOX" compares case-insensitively.
 */
bool adm_query_mailbox_match(const char *pattern, bool glob,
	const char *vname, char sep);

/*
 * doveadm's safety checks for expunge and move.  The first: the query
 * names a mailbox (a MAILBOX or MAILBOX-GUID key that isn't negated) in
 * every branch, walked as doveadm walks it: in argument order, a mailbox
 * key passes the conjunction at once, an OR with a branch lacking one
 * fails it there ("mailbox A ( seen or deleted )" passes, "( seen or
 * deleted ) mailbox A" doesn't) ...
 */
bool adm_query_has_mailbox_everywhere(const struct adm_query_arg *args);
/* ... and every branch has some key besides MAILBOX / MAILBOX-GUID. */
bool adm_query_has_other_everywhere(const struct adm_query_arg *args);

/*
 * The mailbox patterns a listing can be restricted to: the non-negated
 * MAILBOX keys at the top level (outside OR and NOT).  NULL-terminated
 * array from arena, or NULL when every mailbox must be looked at.
 */
const char *const *adm_query_mailbox_patterns(
	const struct adm_query_arg *args, struct arena *arena);

/*
 * ---------------------------------------------------------------------
 * Evaluation (adm-query-eval.c)
 * ---------------------------------------------------------------------
 */

struct mailbox;
struct mail;

/*
 * Whether a message of the mailbox can match at all: 0 when its name
 * and GUID alone rule out every message (MAILBOX, MAILBOX-GUID: the
 * mailbox is skipped), 1 otherwise.  guid is the mailbox GUID ("" if
 * unknown, NULL when not known yet: MAILBOX-GUID keys then don't rule the
 * mailbox out).
 */
int adm_query_mailbox_possible(const struct adm_query_arg *args,
	const char *vname, char sep, const char *guid);

/*
 * The sequence numbers of box's messages matching args (vname, sep and
 * guid describe the mailbox as for adm_query_mailbox_possible()),
 * ascending.  Storage's search does the work (its full-text index for
 * BODY/TEXT); when dates to the second are involved each storage key is
 * searched once and the tree is evaluated here message by message.
 * *seqs_r from arena.  Blocks on disk.  0, or -1 (error on the user).
 */
int adm_query_search(struct mailbox *box, const struct adm_query_arg *args,
	const char *vname, char sep, const char *guid, struct arena *arena,
	uint32_t **seqs_r, unsigned int *count_r);

#endif
