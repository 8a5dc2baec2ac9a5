/*
 * imap-search-args.h - the arguments of SEARCH, SORT and THREAD as C
 * values.
 *
 * RFC 3501 §6.4.4 search keys (with CONDSTORE's MODSEQ, RFC 7162; WITHIN's
 * OLDER/YOUNGER, RFC 5032; SAVEDATE's SAVEDBEFORE/SAVEDON/SAVEDSINCE and
 * SAVEDATESUPPORTED, RFC 8514; SEARCHRES's "$", RFC 5182), the RETURN
 * options of ESEARCH/ESORT/CONTEXT (RFC 4731, 5182, 5267), SORT's sort
 * program (RFC 5256, 5957) and THREAD's algorithm names.  This is syntax
 * only: strings stay in the client's charset (the caller converts them
 * with the CHARSET it got), sequence sets keep "*" and "$" symbolic, and
 * dates are the UTC midnight of the day the client wrote.  bin/imap turns
 * the tree into storage's criteria.
 *
 * Error texts are Dovecot 2.3's, so the caller answers
 * "BAD Error in IMAP command SEARCH: <error>".
 */
#ifndef ROOST_IMAP_SEARCH_ARGS_H
#define ROOST_IMAP_SEARCH_ARGS_H

#include <time.h>

#include "imap-seqset.h"

struct arena;
struct imap_arg;

enum imap_search_key {
	/* ALL (and SAVEDATESUPPORTED, which every mailbox supports) */
	IMAP_SEARCH_ALL,
	/* a sequence set: value.seqset ("$" when value.seqset.searchres) */
	IMAP_SEARCH_SEQSET,
	/* UID <sequence set>: value.seqset */
	IMAP_SEARCH_UIDSET,
	/* the system flags value.flags are all set (UNxxx are negated) */
	IMAP_SEARCH_FLAGS,
	/* KEYWORD value.str (UNKEYWORD is negated) */
	IMAP_SEARCH_KEYWORD,
	/* value.date: INTERNALDATE, Date: header, SAVEDATE by day */
	IMAP_SEARCH_BEFORE,
	IMAP_SEARCH_ON,
	IMAP_SEARCH_SINCE,
	IMAP_SEARCH_SENTBEFORE,
	IMAP_SEARCH_SENTON,
	IMAP_SEARCH_SENTSINCE,
	IMAP_SEARCH_SAVEDBEFORE,
	IMAP_SEARCH_SAVEDON,
	IMAP_SEARCH_SAVEDSINCE,
	/* WITHIN: value.interval seconds */
	IMAP_SEARCH_OLDER,
	IMAP_SEARCH_YOUNGER,
	/* value.size */
	IMAP_SEARCH_SMALLER,
	IMAP_SEARCH_LARGER,
	/* HEADER value.hdr.field value.hdr.value */
	IMAP_SEARCH_HEADER,
	/* value.str */
	IMAP_SEARCH_FROM,
	IMAP_SEARCH_TO,
	IMAP_SEARCH_CC,
	IMAP_SEARCH_BCC,
	IMAP_SEARCH_SUBJECT,
	IMAP_SEARCH_BODY,
	IMAP_SEARCH_TEXT,
	/* MODSEQ: value.modseq */
	IMAP_SEARCH_MODSEQ,
	/* a parenthesised list: value.subargs, all must match */
	IMAP_SEARCH_SUB,
	/* OR: value.subargs, exactly two, either must match */
	IMAP_SEARCH_OR,
};

/* System flags, with the values of storage's enum mail_flags. */
enum imap_search_flags {
	IMAP_SEARCH_FLAG_ANSWERED = 0x01,
	IMAP_SEARCH_FLAG_FLAGGED = 0x02,
	IMAP_SEARCH_FLAG_DELETED = 0x04,
	IMAP_SEARCH_FLAG_SEEN = 0x08,
	IMAP_SEARCH_FLAG_DRAFT = 0x10,
	IMAP_SEARCH_FLAG_RECENT = 0x20,
};

/* MODSEQ's <entry-type-req> (RFC 7162 §3.1.5). */
enum imap_search_modseq_type {
	IMAP_SEARCH_MODSEQ_TYPE_ANY = 0, /* no entry name given */
	IMAP_SEARCH_MODSEQ_TYPE_PRIVATE,
	IMAP_SEARCH_MODSEQ_TYPE_SHARED,
	IMAP_SEARCH_MODSEQ_TYPE_ALL,
};

struct imap_search_arg {
	struct imap_search_arg *next;
	enum imap_search_key type;
	/* NOT */
	bool negate;
	union {
		struct imap_seqset seqset;
		enum imap_search_flags flags;
		const char *str;
		time_t date;
		uint32_t interval;
		uint64_t size;
		struct {
			const char *field;
			const char *value;
		} hdr;
		struct {
			uint64_t modseq;
			/* "/flags/<flag>" or NULL */
			const char *entry_name;
			enum imap_search_modseq_type entry_type;
		} modseq;
		struct imap_search_arg *subargs;
	} value;
};

/* Deepest nesting of parenthesised lists, NOT and OR accepted. */
#define IMAP_SEARCH_MAX_DEPTH 1000

/*
 * Parses search keys (args up to their EOL; all must match) into a list
 * of nodes allocated from arena.  Key names are case-insensitive; a key
 * must be an atom (a string is "Unexpected string as search key: X").
 * Returns 0 with *args_r (never NULL: an empty args is an error, "Missing
 * search parameters"), or -1 with a client-safe *error_r.  Sets
 * *uses_searchres_r (may be NULL) when "$" appears and *uses_modseq_r
 * (may be NULL) when MODSEQ does.
 */
int imap_search_args_parse(const struct imap_arg *args, struct arena *arena,
	struct imap_search_arg **args_r, bool *uses_searchres_r,
	bool *uses_modseq_r, const char **error_r);

/*
 * IMAP date "1-Feb-1994" as SEARCH takes it (Dovecot's leniency: one
 * leading space, a day of one or two digits that may overflow the month,
 * "31-Feb-2020" being 2-Mar-2020).  Returns 0 and the day's 00:00:00 UTC
 * in *date_r, or -1.
 */
int imap_search_date_parse(const char *str, time_t *date_r);

/*
 * ---------------------------------------------------------------------
 * RETURN options (ESEARCH RFC 4731, SEARCHRES RFC 5182, CONTEXT RFC 5267)
 * ---------------------------------------------------------------------
 */

enum imap_search_return_flags {
	IMAP_SEARCH_RETURN_MIN = 0x01,
	IMAP_SEARCH_RETURN_MAX = 0x02,
	IMAP_SEARCH_RETURN_ALL = 0x04,
	IMAP_SEARCH_RETURN_COUNT = 0x08,
	IMAP_SEARCH_RETURN_SAVE = 0x10,
	IMAP_SEARCH_RETURN_UPDATE = 0x20,
	IMAP_SEARCH_RETURN_PARTIAL = 0x40,
	IMAP_SEARCH_RETURN_CONTEXT = 0x80,
};

struct imap_search_return {
	/* RETURN was given: the reply is ESEARCH (unless only SAVE). */
	bool esearch;
	enum imap_search_return_flags flags;
	/* PARTIAL low:high, 1 <= partial_low <= partial_high */
	uint32_t partial_low, partial_high;
};

/*
 * If *args starts with RETURN followed by a list, parses the options and
 * moves *args past them; otherwise leaves *args and sets ret_r->esearch
 * false.  RETURN () means ALL; so do options that ask for no result (only
 * CONTEXT).  Returns 0, or -1 with Dovecot's text ("Unknown SEARCH return
 * option", "PARTIAL range broken", ...).
 */
int imap_search_return_parse(const struct imap_arg **args,
	struct imap_search_return *ret_r, const char **error_r);

/* Whether an ESEARCH line is sent (RETURN given, and not only SAVE). */
bool imap_search_return_wants_esearch(const struct imap_search_return *ret);

/*
 * "CHARSET <astring>" (SEARCH): when *args starts with the atom CHARSET,
 * takes the charset name and moves *args past it.  *charset_r is NULL
 * when no CHARSET was given.  -1 "Invalid charset argument".
 */
int imap_search_charset_parse(const struct imap_arg **args,
	const char **charset_r, const char **error_r);

/*
 * ---------------------------------------------------------------------
 * SORT (RFC 5256, SORT=DISPLAY RFC 5957) and THREAD
 * ---------------------------------------------------------------------
 */

enum imap_sort_type {
	IMAP_SORT_ARRIVAL,
	IMAP_SORT_CC,
	IMAP_SORT_DATE,
	IMAP_SORT_FROM,
	IMAP_SORT_SIZE,
	IMAP_SORT_SUBJECT,
	IMAP_SORT_TO,
	IMAP_SORT_DISPLAYFROM,
	IMAP_SORT_DISPLAYTO,
};

struct imap_sort_key {
	enum imap_sort_type type;
	bool reverse;
};

/* More criteria than this in one sort program is an error. */
#define IMAP_SORT_MAX_KEYS 32

/*
 * Parses a sort program: arg must be a list ("Invalid sort argument"),
 * not empty ("Empty sort program"), of known criteria ("Unknown sort
 * argument: X"), REVERSE before a criterion ("Sort list ends with
 * REVERSE"; REVERSE REVERSE cancels out, as Dovecot).  keys_r gets
 * *count_r keys from arena.  0 or -1.
 */
int imap_sort_program_parse(const struct imap_arg *arg, struct arena *arena,
	struct imap_sort_key **keys_r, unsigned int *count_r,
	const char **error_r);

enum imap_thread_type {
	IMAP_THREAD_ORDEREDSUBJECT,
	IMAP_THREAD_REFERENCES,
	IMAP_THREAD_REFS,
};

/* A thread algorithm name (case-insensitive).  0 or -1. */
int imap_thread_type_parse(const char *name, enum imap_thread_type *type_r);

#endif
