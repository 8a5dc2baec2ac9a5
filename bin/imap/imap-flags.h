/*
 * imap-flags.h - message flags on the wire: writing "\Seen $Label" lists
 * (FETCH FLAGS, the FLAGS response) and reading flag lists (STORE,
 * APPEND).
 */
#ifndef ROOST_IMAP_FLAGS_H
#define ROOST_IMAP_FLAGS_H

struct arena;
struct buf;
struct imap_arg;

/* The system flags a mailbox always has, in Dovecot's FLAGS order. */
#define IMAP_SYSTEM_FLAGS "\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/*
 * Appends flags (enum mail_flags, \Recent included when set) and then
 * keywords (NULL-terminated, may be NULL) separated by spaces, in
 * Dovecot's order: \Answered \Flagged \Deleted \Seen \Draft \Recent.
 * 0, or -1 when dest's max was reached.
 */
int imap_flags_append(struct buf *dest, unsigned int flags,
	const char *const *keywords) ATTR_NODISCARD;

/*
 * Reads a flag list's elements (the args of "(\Seen foo)", or a single
 * flag atom, EOL-terminated): system flags (case-insensitive) into
 * *flags_r (enum mail_flags; \Recent is refused, as in Dovecot: it can't
 * be stored), keywords into *keywords_r (NULL-terminated, from arena,
 * duplicates removed; NULL when none).  Keywords are only checked for
 * being atoms here; storage checks their length.  Returns 0, or -1 with
 * a client-safe *error_r ("Invalid system flag \\Foo", "Invalid
 * arguments").
 */
int imap_flags_parse(const struct imap_arg *args, struct arena *arena,
	unsigned int *flags_r, const char *const **keywords_r,
	const char **error_r);

#endif
