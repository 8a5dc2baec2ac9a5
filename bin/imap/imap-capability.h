/*
 * imap-capability.h - the IMAP capability lists, built from one table
 * (imap-capability.c) so that adding a command adds one row here too.
 *
 * Both imap-login (pre-login banner) and imap (post-login list) use it,
 * with Dovecot 2.3's imap_capability semantics: "" = the built-in list,
 * "+EXTRA ..." = the built-in list plus EXTRA, anything else replaces the
 * list (and then LITERAL+/LITERAL- is not added automatically).
 */
#ifndef ROOST_IMAP_CAPABILITY_H
#define ROOST_IMAP_CAPABILITY_H

struct buf;

enum imap_capability_flags {
	/* Part of Dovecot's pre-login banner ("IMAP4rev1 SASL-IR
	   LOGIN-REFERRALS ID ENABLE IDLE"). */
	IMAP_CAP_FLAG_PRELOGIN = 0x01,
	/* Advertised after login. */
	IMAP_CAP_FLAG_POSTLOGIN = 0x02,
};

struct imap_capability_def {
	const char *name;
	enum imap_capability_flags flags;
	/* Roost implements it: only implemented capabilities are
	   advertised.  Flip this when the command lands. */
	bool implemented;
};

/* The table, in Dovecot's order; terminated by a NULL name. */
extern const struct imap_capability_def imap_capability_defs[];

/*
 * Appends the pre-login list's fixed part: the implemented banner
 * capabilities, or imap_capability's value, plus LITERAL+ (LITERAL- when
 * literal_minus) unless imap_capability is explicit.  STARTTLS,
 * LOGINDISABLED and AUTH= are the login process's job.  0 or -1 (dest's
 * max).
 */
int imap_capability_append_prelogin(struct buf *dest,
	const char *imap_capability, bool literal_minus) ATTR_NODISCARD;
/* The same for the post-login list (the CAPABILITY command and the
   "OK [CAPABILITY ...] Logged in" reply). */
int imap_capability_append_postlogin(struct buf *dest,
	const char *imap_capability, bool literal_minus) ATTR_NODISCARD;

#endif
