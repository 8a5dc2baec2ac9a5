/*
 * maildir-filename.h - Maildir file names exactly as Dovecot 2.3 reads and
 * writes them: "<base>[,S=<size>][,W=<vsize>][,...][:2,<flags>[,...]]".
 *
 * The part before the info separator ':' is the base name, which never
 * changes for the life of a message and is what dovecot-uidlist records.
 * The info part "2,<flags>" holds the system flags (D F P R S T) and the
 * keyword letters a-z, always in ASCII order when we write them.  Letters we
 * do not know (other upper-case letters, digits, ...) are preserved in place
 * when flags change, and so is a second flag set after another ',' (Dovecot's
 * "non-standard fields").  An experimental ":1,..." info is accepted and
 * carries no flags.  Pure functions, no I/O except maildir_filename_generate
 * (clock, pid, hostname).
 */
#ifndef ROOST_MAILDIR_FILENAME_H
#define ROOST_MAILDIR_FILENAME_H

#include "buf.h"

#define MAILDIR_INFO_SEP ':'
#define MAILDIR_FLAGS_SEP ','
#define MAILDIR_EXTRA_SEP ','
#define MAILDIR_EXTRA_SIZE 'S'
#define MAILDIR_EXTRA_VIRTUAL_SIZE 'W'
#define MAILDIR_KEYWORD_FIRST 'a'
#define MAILDIR_KEYWORD_LAST 'z'
#define MAILDIR_MAX_KEYWORDS 26
/* Longest file name we create or accept (NAME_MAX on Linux). */
#define MAILDIR_FILENAME_MAX_LEN 255

/* System flags stored in the info part.  PASSED ('P') has no IMAP flag. */
enum maildir_flags {
	MAILDIR_FLAG_ANSWERED = 0x01, /* R */
	MAILDIR_FLAG_FLAGGED = 0x02,  /* F */
	MAILDIR_FLAG_DELETED = 0x04,  /* T */
	MAILDIR_FLAG_SEEN = 0x08,     /* S */
	MAILDIR_FLAG_DRAFT = 0x10,    /* D */
	MAILDIR_FLAG_PASSED = 0x20,   /* P */
};
#define MAILDIR_FLAGS_IMAP_MASK                                         \
	(MAILDIR_FLAG_ANSWERED | MAILDIR_FLAG_FLAGGED |                 \
		MAILDIR_FLAG_DELETED | MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT)

/* Keyword letters as a bit mask: bit n is letter 'a'+n. */
#define MAILDIR_KEYWORD_BIT(idx) (1U << (idx))

/* A parsed file name.  The slices point into the string given to
   maildir_filename_parse() and stay valid as long as it does. */
struct maildir_filename {
	/* Everything before the last ':' (the whole name if none). */
	struct slice base;
	/* True when the name has an info part (a ':'). */
	bool has_info;
	/* The info part after ':' ("2,FS"), empty when !has_info. */
	struct slice info;
	/* Flags and keywords from a "2," info; 0 otherwise. */
	enum maildir_flags flags;
	uint32_t keywords;
	/* Letters of the first flag set we don't know, in order. */
	struct slice unknown_flags;
	/* Further flag sets (",..." after the first), with the ','. */
	struct slice extra_flagsets;
	/* ,S=<size> and ,W=<vsize> when present and well-formed. */
	bool have_size, have_vsize;
	uint64_t size, vsize;
};

/*
 * Checks that fname can be a message file name (not empty, not "." or "..",
 * no '/', no CR/LF or other control characters that Dovecot ignores, at most
 * MAILDIR_FILENAME_MAX_LEN bytes) and splits it.  Returns 0, or -1 with a
 * static error_r message.  Never touches the disk.
 */
int maildir_filename_parse(const char *fname, struct maildir_filename *fn_r,
	const char **error_r);

/* True when fname passes the checks of maildir_filename_parse(). */
bool maildir_filename_is_valid(const char *fname);

/*
 * Dovecot's ",<type>=<digits>" lookup: the first ",S=" (type 'S') or ",W="
 * anywhere in the name, followed by digits and then ':', ',' or the end.
 * Returns false when absent, malformed or overflowing 64 bits.
 */
bool maildir_filename_get_size(const char *fname, char type,
	uint64_t *size_r);

/*
 * Returns fname with its info part replaced so that it carries exactly flags
 * and keywords (bit mask of letters a-z), allocated from arena.  As Dovecot:
 * known letters are re-emitted in ASCII order merged with the unknown
 * letters of the old first flag set, which keep their relative order;
 * further flag sets after another ',' are kept verbatim; ":2," is always
 * written, even with no flags.  An existing 'P' is kept even when flags lacks
 * MAILDIR_FLAG_PASSED (it is not an IMAP flag); PASSED adds a missing 'P'.
 */
const char *maildir_filename_set_flags(struct arena *arena, const char *fname,
	enum maildir_flags flags, uint32_t keywords);

/* Writes the flag letters (system flags and keywords, ASCII order) into
   out, e.g. "FRSad".  -1 when out's limit is hit. */
int maildir_flags_append(struct buf *out, enum maildir_flags flags,
	uint32_t keywords) ATTR_NODISCARD;

/* The base name of fname (up to the info separator), from arena. */
const char *maildir_filename_get_base(struct arena *arena, const char *fname);

/* Compare / hash only the base names (the part before ':').  base_cmp
   returns <0, 0, >0 like strcmp. */
int maildir_filename_base_cmp(const char *fname1, const char *fname2);
uint32_t maildir_filename_base_hash(const char *fname);

/*
 * Dovecot's order for assigning UIDs to new files: by the leading decimal
 * timestamp, then by the M<usecs> field of the second dot-separated part
 * when both names have one, then by base name.
 */
int maildir_filename_sort_cmp(const char *fname1, const char *fname2);

/*
 * Returns fname without its extra fields (everything from the first ','
 * of the base name up to the info part), the name Dovecot renames a file to
 * when its S= value turned out to be wrong.  fname itself when it has none.
 */
const char *maildir_filename_strip_extra(struct arena *arena,
	const char *fname);

/*
 * Escapes a host name for use in a file name as the Maildir specification
 * and Dovecot do: '/' becomes "\057" and ':' becomes "\072".
 */
const char *maildir_hostname_escape(struct arena *arena, const char *host);

/* "<secs>.M<usecs>P<pid>.<escaped host>", Dovecot's base name format. */
const char *maildir_filename_format_base(struct arena *arena, time_t secs,
	unsigned int usecs, pid_t pid, const char *hostname);

/*
 * Generates a new unique base name from the current time, our pid and
 * gethostname() (escaped).  Within this process consecutive names are
 * strictly increasing: when the clock has not advanced the microseconds are
 * bumped, as Dovecot does.  Allocated from arena.
 */
const char *maildir_filename_generate(struct arena *arena);

/*
 * Builds "<base>[,S=<size>][,W=<vsize>]" and, when with_info, ":2,<flags>".
 * size/vsize of (uint64_t)-1 are left out.
 */
const char *maildir_filename_build(struct arena *arena, const char *base,
	uint64_t size, uint64_t vsize, bool with_info,
	enum maildir_flags flags, uint32_t keywords);

#endif
