/*
 * mail-quote.h - IMAP string output for ENVELOPE and BODYSTRUCTURE, as
 * Dovecot 2.3 writes it.  (src/mail does not depend on src/proto, so it
 * has its own small quoting functions.)
 *
 * A string is sent quoted ("..." with \" and \\ escaped) when it has no
 * CR, LF, NUL or 8-bit byte, else as a literal {n}\r\n... .  NIL for a
 * NULL nstring.
 */
#ifndef ROOST_MAIL_QUOTE_H
#define ROOST_MAIL_QUOTE_H

#include "buf.h"

/* Appends s[0..len) as an IMAP string.  -1 if out is full. */
int imap_mail_append_string(struct buf *out, const char *s, size_t len)
	ATTR_NODISCARD;
/* Appends s as an IMAP nstring (NIL for NULL). */
int imap_mail_append_nstring(struct buf *out, const char *s) ATTR_NODISCARD;
/*
 * Appends s as an nstring with CR and LF removed first (unfolding: the
 * white space after them stays), as ENVELOPE does for dates, addresses
 * and message ids.
 */
int imap_mail_append_nstring_nolf(struct buf *out, const char *s)
	ATTR_NODISCARD;
/*
 * Appends s "for humans" (ENVELOPE subject and display names): CR and LF
 * removed, tabs turned into spaces, runs of white space folded to one
 * space, leading/trailing white space trimmed; NIL for NULL, "" if nothing
 * is left.
 */
int imap_mail_append_string_for_humans(struct buf *out, const char *s)
	ATTR_NODISCARD;

#endif
