/*
 * imap-envelope.c - IMAP ENVELOPE from a header block, as Dovecot 2.3
 * writes it (see imap-envelope.h).
 */
#include "lib.h"
#include "imap-envelope.h"
#include "mail-quote.h"
#include "mail-utf8.h"
#include "message-address.h"
#include "message-header.h"

#include <strings.h>

enum envelope_field {
	ENV_DATE, ENV_SUBJECT, ENV_FROM, ENV_SENDER, ENV_REPLY_TO, ENV_TO,
	ENV_CC, ENV_BCC, ENV_IN_REPLY_TO, ENV_MESSAGE_ID,
	ENV_COUNT
};

static const char *const envelope_names[ENV_COUNT] = {
	"Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"In-Reply-To", "Message-ID",
};

/*
 * The value with all leading white space of its first line skipped, unless
 * that line is only white space (then only the one byte the iterator
 * already skipped), as Dovecot's envelope parser; folds are kept.
 */
static struct slice envelope_raw_value(struct slice value)
{
	const char *p = value.ptr, *end = p + value.len, *q = p;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < end && *q != '\r' && *q != '\n')
		p = q;
	return (struct slice){ p, (size_t)(end - p) };
}

/* The value as a string, NULs replaced by U+FFFD. */
static const char *envelope_value(struct arena *arena, struct slice value)
{
	const char *p = value.ptr, *end = p + value.len;
	struct buf out;

	if (memchr(p, '\0', end - p) == NULL)
		return arena_strndup(arena, p, end - p);
	buf_init(&out, arena, (end - p) + 8, 0);
	for (; p < end; p++) {
		int ret = *p == '\0' ?
			buf_append_str(&out, UNICODE_REPLACEMENT_CHAR_UTF8) :
			buf_append_c(&out, *p);
		if (ret < 0)
			i_panic("unbounded buffer overflowed");
	}
	return arena_strndup(arena, out.data, out.used);
}

struct message_envelope *message_envelope_parse(struct arena *arena,
	const void *hdr, size_t size)
{
	struct message_envelope *env;
	struct message_header_iter iter;
	struct message_header_field field;
	unsigned int i;

	env = arena_new(arena, struct message_envelope, 1);
	message_header_iter_init(&iter, hdr, size);
	while (message_header_iter_next(&iter, &field)) {
		if (field.no_colon || field.name.len < 2 ||
		    field.name.len > 11)
			continue;
		for (i = 0; i < ENV_COUNT; i++) {
			if (message_header_name_equals(field.name,
				envelope_names[i]))
				break;
		}
		if (i == ENV_COUNT)
			continue;

		struct slice raw = envelope_raw_value(field.value);
		const char *value = NULL;
		struct message_address **addr_p = NULL;

		if (i == ENV_DATE || i == ENV_SUBJECT ||
		    i == ENV_IN_REPLY_TO || i == ENV_MESSAGE_ID)
			value = envelope_value(arena, raw);

		switch ((enum envelope_field)i) {
		case ENV_DATE:
			env->date = value;
			break;
		case ENV_SUBJECT:
			env->subject = value;
			break;
		case ENV_IN_REPLY_TO:
			env->in_reply_to = value;
			break;
		case ENV_MESSAGE_ID:
			env->message_id = value;
			break;
		case ENV_FROM:
			addr_p = &env->from;
			break;
		case ENV_SENDER:
			addr_p = &env->sender;
			break;
		case ENV_REPLY_TO:
			addr_p = &env->reply_to;
			break;
		case ENV_TO:
			addr_p = &env->to;
			break;
		case ENV_CC:
			addr_p = &env->cc;
			break;
		case ENV_BCC:
			addr_p = &env->bcc;
			break;
		case ENV_COUNT:
			i_panic("impossible envelope field");
		}
		if (addr_p != NULL) {
			/* (the raw value: a NUL ends an atom, as in
			   Dovecot).  A last continuation line holding a
			   single white-space byte is not part of an
			   address field for Dovecot 2.3 (it matters only
			   inside an unterminated comment, whose text is
			   kept up to its last line break) */
			if (raw.len >= 2 && raw.ptr[raw.len - 2] == '\n' &&
			    (raw.ptr[raw.len - 1] == ' ' ||
			     raw.ptr[raw.len - 1] == '\t')) {
				raw.len -= 2;
				if (raw.len > 0 && raw.ptr[raw.len - 1] == '\r')
					raw.len--;
			}
			struct message_address *list =
				message_address_parse(arena, raw.ptr, raw.len,
					0, MESSAGE_ADDRESS_PARSE_FLAGS_IMAP);

			/* repeated address fields add to the list */
			while (*addr_p != NULL)
				addr_p = &(*addr_p)->next;
			*addr_p = list;
		}
	}
	return env;
}

int imap_envelope_write_address(struct buf *out,
	const struct message_address *addr)
{
	if (addr == NULL)
		return buf_append_str(out, "NIL");
	if (buf_append_c(out, '(') < 0)
		return -1;
	for (; addr != NULL; addr = addr->next) {
		if (buf_append_c(out, '(') < 0 ||
		    imap_mail_append_string_for_humans(out, addr->name) < 0 ||
		    buf_append_c(out, ' ') < 0 ||
		    imap_mail_append_nstring_nolf(out, addr->route) < 0 ||
		    buf_append_c(out, ' ') < 0 ||
		    imap_mail_append_nstring_nolf(out, addr->mailbox) < 0 ||
		    buf_append_c(out, ' ') < 0 ||
		    imap_mail_append_nstring_nolf(out, addr->domain) < 0 ||
		    buf_append_c(out, ')') < 0)
			return -1;
	}
	return buf_append_c(out, ')');
}

int imap_envelope_write(struct buf *out, const struct message_envelope *env)
{
	const struct message_address *sender, *reply_to;

	sender = env->sender != NULL ? env->sender : env->from;
	reply_to = env->reply_to != NULL ? env->reply_to : env->from;
	if (buf_append_c(out, '(') < 0 ||
	    imap_mail_append_nstring_nolf(out, env->date) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_string_for_humans(out, env->subject) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, env->from) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, sender) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, reply_to) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, env->to) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, env->cc) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_envelope_write_address(out, env->bcc) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, env->in_reply_to) < 0 ||
	    buf_append_c(out, ' ') < 0 ||
	    imap_mail_append_nstring_nolf(out, env->message_id) < 0)
		return -1;
	return buf_append_c(out, ')');
}
