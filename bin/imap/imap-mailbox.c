/*
 * imap-mailbox.c - glue between the IMAP wire and storage for the
 * selected-mailbox API (imap-sync.h): the user's storage at login,
 * mailbox names (modified UTF-7 / UTF-8), sequence sets resolved against
 * the view, and storage errors as tagged replies.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-quote.h"
#include "imap-seqset.h"
#include "imap-utf7.h"
#include "storage.h"
#include "mail-service.h"
#include "imap-client.h"
#include "imap-sync.h"

#include <strings.h>

/* A sequence set can't have more elements than a line has bytes. */
#define IMAP_SEQSET_MAX_RANGES (1024 * 1024)

int imap_mail_user_create(const struct config *config, const char *username,
	const char *const *userdb_fields, const struct config_filter *filter,
	const char *session_id, struct mail_user **user_r,
	const char **error_r)
{
	return mail_service_user_create(config, username, userdb_fields,
		"imap", filter, session_id, user_r, error_r);
}

int imap_mailbox_name_decode(struct imap_client *client, const char *name,
	struct arena *arena, const char **vname_r, const char **error_r)
{
	const struct mail_namespace *ns;
	struct buf utf8;

	buf_init(&utf8, arena, strlen(name) + 1, 0);
	if (imap_utf7_to_utf8(name, &utf8) < 0) {
		/* Dovecot 2.3's text. */
		*error_r = "NO Mailbox name is not valid mUTF-7";
		return -1;
	}
	*vname_r = buf_cstr(&utf8);
	ns = mail_namespace_find(client->mail_user, *vname_r);
	if (ns == NULL) {
		ns = mail_namespace_find_inbox(client->mail_user);
		*error_r = t_printf("NO Client tried to access nonexistent "
			"namespace. (Mailbox name should probably be prefixed "
			"with: %s)", ns == NULL ? "" : ns->prefix);
		return -1;
	}
	if ((client->set.workarounds &
	     IMAP_WORKAROUND_TB_EXTRA_MAILBOX_SEP) != 0 &&
	    utf8.used > 1 && (*vname_r)[utf8.used - 1] == ns->sep) {
		/* one trailing separator is Thunderbird's, not the user's */
		buf_truncate(&utf8, utf8.used - 1);
		*vname_r = buf_cstr(&utf8);
	}
	return 0;
}

enum imap_client_workarounds imap_client_workarounds_parse(const char *str)
{
	static const struct {
		const char *name;
		enum imap_client_workarounds flag;
	} names[] = {
		{ "delay-newmail", IMAP_WORKAROUND_DELAY_NEWMAIL },
		{ "tb-extra-mailbox-sep",
		  IMAP_WORKAROUND_TB_EXTRA_MAILBOX_SEP },
		{ "tb-lsub-flags", IMAP_WORKAROUND_TB_LSUB_FLAGS },
	};
	enum imap_client_workarounds flags = 0;
	size_t len;

	for (const char *p = str; *p != '\0'; p += len) {
		p += strspn(p, " ,\t");
		len = strcspn(p, " ,\t");
		for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
			if (strlen(names[i].name) == len &&
			    strncmp(names[i].name, p, len) == 0)
				flags |= names[i].flag;
		}
	}
	return flags;
}

bool imap_mailbox_name_equals(const char *vname1, const char *vname2)
{
	if (strcasecmp(vname1, "INBOX") == 0 &&
	    strcasecmp(vname2, "INBOX") == 0)
		return true;
	return strcmp(vname1, vname2) == 0;
}

/* vname in modified UTF-7 (scratch memory). */
static const char *mailbox_name_to_utf7(const char *vname)
{
	struct buf utf7;

	buf_init(&utf7, scratch_arena(), strlen(vname) * 2 + 8, 0);
	if (imap_utf8_to_utf7(vname, &utf7) < 0) {
		/* Storage keeps valid UTF-8; a name that is not is sent
		   as it is rather than not at all. */
		return vname;
	}
	return buf_cstr(&utf7);
}

int imap_mailbox_name_append(struct imap_client *client, struct buf *dest,
	const char *vname)
{
	(void)client;
	return imap_append_astring(dest, mailbox_name_to_utf7(vname));
}

int imap_mailbox_name_append_quoted(struct imap_client *client,
	struct buf *dest, const char *vname)
{
	(void)client;
	return imap_append_quoted(dest, mailbox_name_to_utf7(vname), false);
}

const char *imap_storage_error_tagline(struct imap_client *client,
	unsigned int flags)
{
	enum mail_error error;
	const char *text, *code = NULL;

	text = mail_user_get_last_error(client->mail_user, &error);
	if (*text == '\0')
		text = "Internal error occurred. Refer to server log for more "
			"information.";
	switch (error) {
	case MAIL_ERROR_NONE:
		break;
	case MAIL_ERROR_TEMP:
		code = "SERVERBUG";
		break;
	case MAIL_ERROR_NOTPOSSIBLE:
	case MAIL_ERROR_PARAMS:
		code = "CANNOT";
		break;
	case MAIL_ERROR_PERM:
		code = "NOPERM";
		break;
	case MAIL_ERROR_NOQUOTA:
		code = "OVERQUOTA";
		break;
	case MAIL_ERROR_NOTFOUND:
		if ((flags & IMAP_STORAGE_ERROR_TRYCREATE) != 0)
			code = "TRYCREATE";
		else if ((flags & IMAP_STORAGE_ERROR_NONEXISTENT) != 0)
			code = "NONEXISTENT";
		break;
	case MAIL_ERROR_EXISTS:
		code = "ALREADYEXISTS";
		break;
	case MAIL_ERROR_EXPUNGED:
		code = "EXPUNGEISSUED";
		break;
	case MAIL_ERROR_INUSE:
		code = "INUSE";
		break;
	case MAIL_ERROR_LIMIT:
		code = "LIMIT";
		break;
	}
	if (code == NULL || text[0] == '[')
		return t_printf("NO %s", text);
	return t_printf("NO [%s] %s", code, text);
}

/* Parses and resolves str with "*" = star; "$" gives the SEARCHRES
   UIDs (*is_uids_r set).  0 or -1. */
static int seqset_resolve(struct imap_client *client, const char *str,
	uint32_t star, struct arena *arena, struct seq_range **ranges_r,
	unsigned int *count_r, bool *searchres_r, const char **error_r)
{
	struct imap_seqset set;
	struct seq_range *ranges;
	unsigned int i, count;

	*searchres_r = false;
	if (imap_seqset_parse(str, IMAP_SEQSET_FLAG_ALLOW_SEARCHRES,
		    IMAP_SEQSET_MAX_RANGES, arena, &set, error_r) < 0)
		return -1;
	if (set.searchres) {
		*searchres_r = true;
		count = client->sync.searchres_count;
		ranges = arena_new(arena, struct seq_range, count + 1);
		if (count > 0) {
			memcpy(ranges, client->sync.searchres,
				size_mul(count, sizeof(*ranges)));
		}
		*ranges_r = ranges;
		*count_r = count;
		return 0;
	}
	count = imap_seqset_resolve(set.ranges, set.count, star);
	ranges = arena_new(arena, struct seq_range, count + 1);
	for (i = 0; i < count; i++) {
		ranges[i].seq1 = set.ranges[i].seq1;
		ranges[i].seq2 = set.ranges[i].seq2;
	}
	*ranges_r = ranges;
	*count_r = count;
	return 0;
}

int imap_seqset_get_seqs(struct imap_client *client, const char *str,
	bool uid, struct arena *arena, struct seq_range **seqs_r,
	unsigned int *count_r, const char **error_r)
{
	struct mailbox *box = client->mailbox;
	struct seq_range *ranges;
	unsigned int count;
	uint32_t msgs;
	bool searchres;

	i_assert(box != NULL);
	msgs = mailbox_get_count(box);
	if (seqset_resolve(client, str, uid ? mailbox_get_last_uid(box) : msgs,
		    arena, &ranges, &count, &searchres, error_r) < 0)
		return -1;
	if (uid || searchres) {
		*count_r = mailbox_uids_to_seqs(box, ranges, count, arena,
			seqs_r);
		return 0;
	}
	/* RFC 3501 §9 seq-number: a number beyond the last message is
	   invalid (Dovecot: "Invalid messageset"), as is any set in an
	   empty mailbox ("*" too). */
	if (msgs == 0 || count == 0 || ranges[count - 1].seq2 > msgs) {
		*error_r = "Invalid messageset";
		return -1;
	}
	*seqs_r = ranges;
	*count_r = count;
	return 0;
}

int imap_seqset_get_uids(struct imap_client *client, const char *str,
	bool uid, struct arena *arena, struct seq_range **uids_r,
	unsigned int *count_r, const char **error_r)
{
	struct mailbox *box = client->mailbox;
	struct seq_range *seqs, *uids;
	unsigned int i, count, n = 0;
	uint32_t seq, u;
	bool searchres;

	i_assert(box != NULL);
	if (uid) {
		return seqset_resolve(client, str, mailbox_get_last_uid(box),
			arena, uids_r, count_r, &searchres, error_r);
	}
	if (imap_seqset_get_seqs(client, str, false, arena, &seqs, &count,
		    error_r) < 0)
		return -1;
	/* Consecutive messages usually have consecutive UIDs: merge. */
	for (i = 0; i < count; i++)
		n += seqs[i].seq2 - seqs[i].seq1 + 1;
	uids = arena_new(arena, struct seq_range, n + 1);
	n = 0;
	for (i = 0; i < count; i++) {
		for (seq = seqs[i].seq1; seq <= seqs[i].seq2; seq++) {
			u = mailbox_get_uid(box, seq);
			if (n > 0 && uids[n - 1].seq2 + 1 == u)
				uids[n - 1].seq2 = u;
			else {
				uids[n].seq1 = u;
				uids[n].seq2 = u;
				n++;
			}
		}
	}
	*uids_r = uids;
	*count_r = n;
	return 0;
}

void imap_sync_set_searchres(struct imap_client *client,
	const struct seq_range *uids, unsigned int count)
{
	struct seq_range *copy = NULL;

	if (count > 0) {
		copy = i_malloc(size_mul(count, sizeof(*copy)));
		memcpy(copy, uids, size_mul(count, sizeof(*copy)));
	}
	free(client->sync.searchres);
	client->sync.searchres = copy;
	client->sync.searchres_count = count;
}
