/*
 * imap-url.h - IMAP URLs (RFC 5092) in the relative forms CATENATE
 * (RFC 4469) takes: "/<mailbox>[;UIDVALIDITY=<n>]/;UID=<n>
 * [/;SECTION=<section>][/;PARTIAL=<offset>[.<length>]]" naming a message
 * (or part of it) of the same user, and ";UID=<n>..." relative to the
 * selected mailbox.
 *
 * Parameter names are case-insensitive; the mailbox name and the section
 * are percent-decoded (the mailbox to UTF-8, as RFC 5092 §6 encodes it).
 * Absolute URLs ("imap://...", "//host/...") are refused, as Dovecot 2.3
 * refuses them in CATENATE; so are URLAUTH and search URLs.  Error texts
 * are Dovecot's, to follow "Invalid IMAP URL: ".
 */
#ifndef ROOST_IMAP_URL_H
#define ROOST_IMAP_URL_H

struct arena;

struct imap_url {
	/* UTF-8 mailbox name; NULL for a URL relative to the selected
	   mailbox (";UID=...") */
	const char *mailbox;
	/* 0 when not given */
	uint32_t uidvalidity;
	/* the message; never 0 after a successful parse */
	uint32_t uid;
	/* decoded section ("1.2.MIME", "HEADER.FIELDS (FROM)"), NULL for
	   the whole message */
	const char *section;
	bool have_partial;
	uint64_t partial_offset;
	/* 0 = to the end (a size of 0 is invalid) */
	uint64_t partial_size;
};

/*
 * Parses a relative message URL.  Returns 0 and fills *url_r (strings
 * from arena), or -1 with a client-safe *error_r (static or arena).
 */
int imap_url_parse_relative(const char *url, struct arena *arena,
	struct imap_url *url_r, const char **error_r);

#endif
