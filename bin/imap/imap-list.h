/*
 * imap-list.h - LIST pattern matching (RFC 3501 §6.3.8) as Dovecot 2.3
 * does it, for LIST/LSUB's RECURSIVEMATCH rule and INBOX patterns.
 */
#ifndef ROOST_IMAP_LIST_H
#define ROOST_IMAP_LIST_H

/* True if name matches pattern: '*' matches anything, '%' anything but
   sep; other characters match themselves (case-sensitively).  No I/O. */
bool imap_list_match(const char *pattern, const char *name, char sep);

/*
 * Dovecot's rule for patterns that may name INBOX in another case: the
 * characters before the first '*', '%' or separator follow "INBOX"
 * ignoring case ("in*", "Inbox/%", "I%B%X", "inbox").  No I/O.
 */
bool imap_list_pattern_is_inboxcase(const char *pattern, char sep);

#endif
