/*
 * maildir-mktree.c - writes a small Maildir tree with this library (not
 * installed; used by tests/e2e/test_maildir_dovecot_compat.py, which then
 * checks that real Dovecot sees the same UIDs, flags, keywords, folders
 * and subscriptions).
 *
 * Usage: maildir-mktree <root> <maildir++|fs> <separator>
 * Prints the facts Dovecot must report, one per line:
 *	mailbox <name> <uidvalidity> <uidnext>
 *	msg <mailbox> <uid> <flags>
 *	sub <name>
 */
#include "lib.h"
#include "maildir-keywords.h"
#include "maildir-list.h"
#include "maildir-ops.h"
#include "maildir-subscriptions.h"
#include "maildir-uidlist.h"

#include <sys/stat.h>

static const char *flag_names(enum maildir_flags flags, uint32_t kw,
	struct maildir_keywords *mk)
{
	const char *s = "";
	unsigned int i;

	if ((flags & MAILDIR_FLAG_ANSWERED) != 0)
		s = t_printf("%s \\Answered", s);
	if ((flags & MAILDIR_FLAG_FLAGGED) != 0)
		s = t_printf("%s \\Flagged", s);
	if ((flags & MAILDIR_FLAG_DELETED) != 0)
		s = t_printf("%s \\Deleted", s);
	if ((flags & MAILDIR_FLAG_SEEN) != 0)
		s = t_printf("%s \\Seen", s);
	if ((flags & MAILDIR_FLAG_DRAFT) != 0)
		s = t_printf("%s \\Draft", s);
	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if ((kw & MAILDIR_KEYWORD_BIT(i)) != 0)
			s = t_printf("%s %s", s,
				maildir_keywords_idx_name(mk, i));
	}
	return s[0] == ' ' ? s + 1 : s;
}

static void fill_mailbox(const char *root, const char *dir, const char *name,
	unsigned int n, const struct maildir_settings *set)
{
	struct maildir_keywords *mk = maildir_keywords_create();
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct maildir_dotlock *lock;
	struct maildir_sync_rec *recs;
	const char *error, *fname;
	unsigned int i, count, idx;
	uint32_t kw = 0;
	bool in_new;

	if (maildir_uidlist_lock(dir, 10, 0600, &lock, &error) <= 0)
		i_fatal("%s", error);
	if (maildir_keywords_lookup_or_create(mk, "$Junk", &idx, &error) < 0 ||
	    maildir_keywords_lookup_or_create(mk, "Work", &idx, &error) < 0)
		i_fatal("%s", error);
	kw = MAILDIR_KEYWORD_BIT(idx);
	if (maildir_keywords_write(mk, t_printf("%s/dovecot-keywords", dir),
			0600, &error) < 0)
		i_fatal("%s", error);
	maildir_uidlist_unlock(&lock);
	for (i = 0; i < n; i++) {
		struct maildir_save *save = maildir_save_begin(dir, set,
			&error);
		const char *msg = t_printf("From: a@example.com\r\n"
			"Subject: %s %u\r\n\r\nbody\r\n", name, i);
		enum maildir_flags flags = i == 0 ? 0 : i == 1 ?
			MAILDIR_FLAG_SEEN : MAILDIR_FLAG_FLAGGED |
			MAILDIR_FLAG_ANSWERED;

		if (save == NULL ||
		    maildir_save_write(save, msg, strlen(msg), &error) < 0 ||
		    maildir_save_finish(&save, 1600000000 + i, flags,
			    i == 2 ? kw | 1 : 0, scratch_arena(), &fname,
			    &in_new, &error) < 0)
			i_fatal("save: %s", error);
	}
	if (maildir_sync(dir, root, ul, set, false, scratch_arena(), &recs,
			&count, &error) < 0)
		i_fatal("sync: %s", error);
	/* Expunge the second message to leave a hole in the UIDs. */
	if (count > 1) {
		if (maildir_expunge(dir, recs[1].fname, &error) <= 0)
			i_fatal("expunge: %s", error);
		if (maildir_sync(dir, root, ul, set, false, scratch_arena(),
				&recs, &count, &error) < 0)
			i_fatal("sync: %s", error);
	}
	printf("mailbox\t%s\t%u\t%u\n", name,
		maildir_uidlist_get_uid_validity(ul),
		maildir_uidlist_get_next_uid(ul));
	for (i = 0; i < count; i++) {
		printf("msg\t%s\t%u\t%s\n", name, recs[i].uid,
			flag_names(recs[i].flags, recs[i].keywords, mk));
	}
	maildir_uidlist_destroy(&ul);
	maildir_keywords_destroy(&mk);
}

int main(int argc, char **argv)
{
	static const char *const folders[] = { "Sent", "Archive/2024",
		"Tr\xc3\xa4sh" };
	struct maildir_list_settings lset;
	struct maildir_settings set;
	const char *error, *path, *mutf7;
	unsigned int i;
	bool exists;

	if (argc != 4) {
		fprintf(stderr, "usage: %s <root> <maildir++|fs> <sep>\n",
			argv[0]);
		return 2;
	}
	log_init(LOG_MODE_STDERR, "maildir-mktree: ");
	memset(&lset, 0, sizeof(lset));
	lset.root = argv[1];
	lset.layout = strcmp(argv[2], "fs") == 0 ? MAILDIR_LAYOUT_FS :
		MAILDIR_LAYOUT_MAILDIRPP;
	lset.sep = argv[3][0];
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	if (mkdir(lset.root, 0700) < 0 && errno != EEXIST)
		i_fatal("mkdir(%s) failed: %m", lset.root);
	if (maildir_list_create(&lset, "INBOX", &exists, &error) < 0)
		i_fatal("%s", error);
	fill_mailbox(lset.root, lset.root, "INBOX", 3, &set);
	for (i = 0; i < N_ELEMENTS(folders); i++) {
		const char *name = t_strdup(folders[i]);
		char *p;

		for (p = (char *)name; *p != '\0'; p++) {
			if (*p == '/')
				*p = lset.sep;
		}
		if (maildir_list_create(&lset, name, &exists, &error) < 0 ||
		    maildir_list_get_path(&lset, scratch_arena(), name, &path,
			    &error) < 0 ||
		    maildir_utf8_to_mutf7(scratch_arena(), name, &mutf7) < 0)
			i_fatal("%s: %s", name, error);
		fill_mailbox(lset.root, path, mutf7, i + 1, &set);
		if (maildir_subscriptions_set(t_printf("%s/subscriptions",
				lset.root), lset.sep, mutf7, true, 0600, false,
				&error) < 0)
			i_fatal("%s", error);
		printf("sub\t%s\n", mutf7);
	}
	return 0;
}
