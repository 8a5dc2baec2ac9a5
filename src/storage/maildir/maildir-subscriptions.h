/*
 * maildir-subscriptions.h - the "subscriptions" file in the Maildir root,
 * read and written as Dovecot 2.3's subscription-file.c does.
 *
 * Version 1: one mailbox name per line, written with the list's hierarchy
 * separator.  Version 2 starts with "V\t2\n\n" and stores each name's
 * levels joined by TAB, each level tab-escaped (\001 -> \0011, \t -> \001t,
 * \r -> \001r, \n -> \001n), so the separator can change.  As Dovecot
 * 2.3.19 does, a new file is written in version 2 and an existing version 1
 * file stays version 1.  Updates go through subscriptions.lock (stale after 30 s,
 * waited for up to 120 s), which is then renamed over the file.
 */
#ifndef ROOST_MAILDIR_SUBSCRIPTIONS_H
#define ROOST_MAILDIR_SUBSCRIPTIONS_H

#define MAILDIR_SUBSCRIPTIONS_NAME "subscriptions"
#define MAILDIR_SUBSCRIPTIONS_MAX_SIZE (4 * 1024 * 1024)
#define MAILDIR_SUBSCRIPTIONS_LOCK_TIMEOUT 120
#define MAILDIR_SUBSCRIPTIONS_STALE_TIMEOUT 30

/*
 * Parses a file image into names (with separator sep for version 2
 * files), from arena, in file order; empty lines are skipped and names
 * equal to INBOX in any case are returned as "INBOX".  Never fails.
 */
void maildir_subscriptions_parse(struct arena *arena, const char *data,
	size_t size, char sep, const char ***names_r, unsigned int *count_r);

/*
 * Reads path (missing = no subscriptions).  0, or -1 with error_r.
 */
int maildir_subscriptions_read(const char *path, char sep,
	struct arena *arena, const char ***names_r, unsigned int *count_r,
	const char **error_r);

/*
 * Subscribes (set) or unsubscribes name (with separator sep).  Returns 1
 * when the file changed, 0 when it already was so, -1 with error_r (name
 * empty or containing CR/LF, lock timeout "Timeout waiting for subscription
 * file lock", I/O).  mode is the file mode for a new file (umask not
 * applied).  fsync when do_fsync.
 */
int maildir_subscriptions_set(const char *path, char sep, const char *name,
	bool set, mode_t mode, bool do_fsync, const char **error_r);

#endif
