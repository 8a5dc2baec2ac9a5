/*
 * imap-seqset.h - IMAP sequence sets: "1:*,3,5:7" and SEARCHRES "$".
 *
 * RFC 9051 §9: sequence-set = (seq-number / seq-range) ["," sequence-set],
 * seq-number = nz-number / "*", seq-range = seq-number ":" seq-number; and
 * RFC 5182 (SEARCHRES) allows "$" for the saved search result.  The same
 * syntax carries message sequence numbers and UIDs; what "*" means (the
 * number of messages, the highest UID) is known only to the mailbox code,
 * so parsing keeps it symbolic and imap_seqset_resolve() substitutes it.
 */
#ifndef ROOST_IMAP_SEQSET_H
#define ROOST_IMAP_SEQSET_H

struct arena;
struct buf;

/* "*" in a parsed range (0 is never a valid nz-number). */
#define IMAP_SEQ_STAR 0U

struct imap_seq_range {
	/* As written: either may be IMAP_SEQ_STAR, seq1 may exceed seq2. */
	uint32_t seq1, seq2;
};

enum imap_seqset_flags {
	/* Accept "$" (the whole set; RFC 5182 SEARCHRES). */
	IMAP_SEQSET_FLAG_ALLOW_SEARCHRES = 0x01,
	/* Reject "*" (uid-set in COPYUID/APPENDUID, RFC 4315). */
	IMAP_SEQSET_FLAG_NO_STAR = 0x02,
};

struct imap_seqset {
	/* The set was "$": no ranges, the caller uses its saved result. */
	bool searchres;
	struct imap_seq_range *ranges; /* in input order, not merged */
	unsigned int count;
};

/*
 * Parses str into set (ranges allocated from arena).  At most max_ranges
 * comma-separated elements are accepted.  Returns 0, or -1 with a client-
 * safe *error_r ("Invalid messageset" style texts) and set untouched.
 */
int imap_seqset_parse(const char *str, enum imap_seqset_flags flags,
	unsigned int max_ranges, struct arena *arena, struct imap_seqset *set_r,
	const char **error_r);

/*
 * Turns parsed ranges into a canonical form in place: "*" becomes
 * star_value (the message count or highest UID), each range is ordered
 * (seq1 <= seq2), and the ranges are sorted and merged (adjacent ranges
 * too).  When star_value is 0 (empty mailbox) a range that was "*:*"
 * disappears and a "*" bound becomes 1, so "5:*" covers 1..5 and matches
 * nothing in an empty mailbox.  Returns the new count.
 */
unsigned int imap_seqset_resolve(struct imap_seq_range *ranges,
	unsigned int count, uint32_t star_value);

/* True if seq is inside one of count resolved (sorted) ranges. */
bool imap_seqset_contains(const struct imap_seq_range *ranges,
	unsigned int count, uint32_t seq);

/*
 * Appends resolved ranges in compact IMAP form ("1:3,7,9:12") to dest,
 * for responses such as COPYUID and ESEARCH.  Returns 0, or -1 if dest's
 * max was reached.
 */
int imap_seqset_write(struct buf *dest, const struct imap_seq_range *ranges,
	unsigned int count) ATTR_NODISCARD;

#endif
