/*
 * imap-capability.c - the capability table and the list builders.
 */
#include "lib.h"
#include "buf.h"
#include "imap-capability.h"

#define PRE IMAP_CAP_FLAG_PRELOGIN
#define POST IMAP_CAP_FLAG_POSTLOGIN

/* Dovecot 2.3.19's CAPABILITY_STRING order.  LITERAL+/- is appended by
   the builders (it follows imap_literal_minus). */
const struct imap_capability_def imap_capability_defs[] = {
	{ "IMAP4rev1", PRE | POST, true },
	{ "SASL-IR", PRE | POST, true },
	{ "LOGIN-REFERRALS", PRE | POST, true },
	{ "ID", PRE | POST, true },
	{ "ENABLE", PRE | POST, true },
	{ "IDLE", PRE | POST, true },
	{ "SORT", POST, true },
	{ "SORT=DISPLAY", POST, true },
	{ "THREAD=REFERENCES", POST, true },
	{ "THREAD=REFS", POST, true },
	{ "THREAD=ORDEREDSUBJECT", POST, true },
	{ "MULTIAPPEND", POST, true },
	{ "URL-PARTIAL", POST, true },
	{ "CATENATE", POST, true },
	{ "UNSELECT", POST, true },
	{ "CHILDREN", POST, true },
	{ "NAMESPACE", POST, true },
	{ "UIDPLUS", POST, true },
	{ "LIST-EXTENDED", POST, true },
	{ "I18NLEVEL=1", POST, false },
	{ "CONDSTORE", POST, true },
	{ "QRESYNC", POST, true },
	{ "ESEARCH", POST, true },
	{ "ESORT", POST, true },
	{ "SEARCHRES", POST, true },
	{ "WITHIN", POST, true },
	{ "CONTEXT=SEARCH", POST, false },
	{ "LIST-STATUS", POST, true },
	{ "BINARY", POST, true },
	{ "MOVE", POST, true },
	{ "SNIPPET=FUZZY", POST, false },
	{ "PREVIEW=FUZZY", POST, false },
	{ "PREVIEW", POST, false },
	{ "STATUS=SIZE", POST, true },
	{ "SAVEDATE", POST, true },
	{ NULL, 0, false },
};

static int append_list(struct buf *dest, const char *imap_capability,
	bool literal_minus, enum imap_capability_flags flag)
{
	const struct imap_capability_def *def;
	bool first = true;

	if (*imap_capability != '\0' && *imap_capability != '+')
		return buf_append_str(dest, imap_capability);

	for (def = imap_capability_defs; def->name != NULL; def++) {
		if ((def->flags & flag) == 0 || !def->implemented)
			continue;
		if ((!first && buf_append_c(dest, ' ') < 0) ||
		    buf_append_str(dest, def->name) < 0)
			return -1;
		first = false;
	}
	if (*imap_capability == '+' && imap_capability[1] != '\0') {
		if (buf_append_c(dest, ' ') < 0 ||
		    buf_append_str(dest, imap_capability + 1) < 0)
			return -1;
	}
	return buf_append_str(dest, literal_minus ? " LITERAL-" : " LITERAL+");
}

int imap_capability_append_prelogin(struct buf *dest,
	const char *imap_capability, bool literal_minus)
{
	return append_list(dest, imap_capability, literal_minus,
		IMAP_CAP_FLAG_PRELOGIN);
}

int imap_capability_append_postlogin(struct buf *dest,
	const char *imap_capability, bool literal_minus)
{
	return append_list(dest, imap_capability, literal_minus,
		IMAP_CAP_FLAG_POSTLOGIN);
}
