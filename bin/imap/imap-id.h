/*
 * imap-id.h - the ID command (RFC 2971) for imap-login and imap: checking
 * the client's parameters, the log line of imap_id_log, and the reply
 * built from imap_id_send.
 */
#ifndef ROOST_IMAP_ID_H
#define ROOST_IMAP_ID_H

struct buf;
struct imap_arg;

/*
 * Checks ID's arguments as Dovecot 2.3's imap-login does: none, NIL, or a
 * list of (string, nstring) pairs (an odd trailing key, more than RFC
 * 2971's 30 pairs and arguments after the list are tolerated).  Returns
 * 0, or -1 for "BAD Invalid ID parameters".
 */
int imap_id_args_check(const struct imap_arg *args);
/*
 * Appends "key=value, key=value" for the fields named by imap_id_log
 * (space-separated keys, "*" = all; values NIL as "NIL") to dest.
 * Appends nothing when none match.  0 or -1 (dest's max).
 */
int imap_id_args_log(struct buf *dest, const struct imap_arg *args,
	const char *imap_id_log) ATTR_NODISCARD;
/*
 * Appends the reply's parameter list for imap_id_send ("name *" style
 * key/value pairs, values quoted or atoms, "*" = Roost's own value:
 * name, version, os, os-version; unknown "*" = NIL) to dest: "(...)" or
 * "NIL" when the setting is empty.  0 or -1 (dest's max).  Allocates
 * temporaries from the scratch arena (dest must not be scratch memory).
 */
int imap_id_reply_append(struct buf *dest, const char *imap_id_send)
	ATTR_NODISCARD;

#endif
