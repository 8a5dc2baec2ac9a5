/*
 * message-address.h - RFC 5322 address lists (From, To, Cc, ...) as IMAP
 * ENVELOPE needs them.
 *
 * The result is a linked list of struct message_address in the IMAP
 * ENVELOPE model: a group "name: a, b;" is a start marker (mailbox = the
 * group's display name, domain NULL), its members, and an end marker
 * (mailbox NULL, domain NULL).  Display names are the phrase as written
 * (quoted strings unquoted, RFC 2047 words NOT decoded: ENVELOPE returns
 * them raw); without a phrase, the last comment of the mailbox becomes
 * the name ("user@host (Real Name)").  obs-route ("<@a,@b:user@host>") is
 * kept in route as "@a,@b".
 *
 * Invalid input never fails: with MESSAGE_ADDRESS_PARSE_FLAG_FILL_MISSING
 * (what Dovecot's imap envelope uses) a missing local part becomes
 * "MISSING_MAILBOX", a missing domain "MISSING_DOMAIN", a broken
 * "<...>" gets domain "SYNTAX_ERROR", an unclosed group is closed, and
 * invalid_syntax is set on every address that needed a repair.
 */
#ifndef ROOST_MESSAGE_ADDRESS_H
#define ROOST_MESSAGE_ADDRESS_H

#include "buf.h"

struct message_address {
	struct message_address *next;
	const char *name;    /* display name, NULL if none */
	const char *route;   /* obs-route "@a,@b", NULL if none */
	const char *mailbox; /* local part; group name at a group start */
	const char *domain;  /* NULL in group markers */
	bool invalid_syntax;
};

enum message_address_parse_flags {
	/* MISSING_MAILBOX / MISSING_DOMAIN / SYNTAX_ERROR / INVALID_ROUTE
	   placeholders instead of empty strings */
	MESSAGE_ADDRESS_PARSE_FLAG_FILL_MISSING = 0x01,
	/* local parts may have leading, trailing and repeated dots
	   ("..a..b."), as real mail has */
	MESSAGE_ADDRESS_PARSE_FLAG_NON_STRICT_DOTS = 0x02,
};

/* What IMAP ENVELOPE uses (Dovecot 2.3's imap envelope flags). */
#define MESSAGE_ADDRESS_PARSE_FLAGS_IMAP \
	(MESSAGE_ADDRESS_PARSE_FLAG_FILL_MISSING | \
	 MESSAGE_ADDRESS_PARSE_FLAG_NON_STRICT_DOTS)

/* Most addresses parsed from one field by default. */
#define MESSAGE_ADDRESS_DEFAULT_MAX 1000

/*
 * Parses value[0..size) (raw or unfolded).  Returns the list (NULL if the
 * value holds no address at all), allocated from arena.  At most
 * max_addresses (0 = MESSAGE_ADDRESS_DEFAULT_MAX) are returned.
 */
struct message_address *message_address_parse(struct arena *arena,
	const void *value, size_t size, unsigned int max_addresses,
	enum message_address_parse_flags flags);

/* Whether addr is a group start / end marker. */
static inline bool message_address_is_group_start(
	const struct message_address *addr)
{
	return addr->domain == NULL && addr->mailbox != NULL;
}
static inline bool message_address_is_group_end(
	const struct message_address *addr)
{
	return addr->domain == NULL && addr->mailbox == NULL;
}

/*
 * Writes the list back as RFC 5322 text ("Name <user@host>, group: a@b;"),
 * quoting display names and local parts when needed.  -1 if out is full.
 */
int message_address_write(struct buf *out,
	const struct message_address *addr) ATTR_NODISCARD;

/*
 * "user@domain" of one address (just mailbox if the domain is empty), in
 * arena.  Group markers give "".
 */
const char *message_address_get_addr(struct arena *arena,
	const struct message_address *addr);

/*
 * RFC 5957 display-name of the first address for SORT DISPLAYFROM /
 * DISPLAYTO: the decoded (RFC 2047) display name if any, else
 * "mailbox@domain"; a group gives its name.  "" for an empty list.
 */
const char *message_address_display_name(struct arena *arena,
	const struct message_address *addr);

#endif
