/*
 * test-storage-search.c - SEARCH, SORT and THREAD on a fixture mailbox:
 * every key kind, boolean structure, decoded text search through the
 * FTS5 index (checked against scanning the messages), sort orders with
 * ties, and the three threading algorithms.
 */
#include "lib.h"
#include "test-storage-common.h"
#include "mail-search.h"
#include "buf.h"
#include "str.h"
#include "message-date.h"
#include "test-common.h"

static struct arena *arena;
static struct test_user tu;
static struct mailbox *box;

/* Fixture: (seq = uid) */
static const char *const fixture[] = {
	/* 1 */
	"From: Alice Example <alice@example.com>\n"
	"To: Bob <bob@example.org>\n"
	"Subject: Lunch plans\n"
	"Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
	"Message-ID: <m1@example.com>\n"
	"X-Priority: 1\n"
	"\n"
	"Shall we meet at noon? The weather is fine.\n",
	/* 2: reply, quoted-printable with a soft line break */
	"From: Bob <bob@example.org>\n"
	"To: Alice Example <alice@example.com>\n"
	"Cc: carol@example.net\n"
	"Subject: Re: Lunch plans\n"
	"Date: Mon, 01 Jan 2024 11:30:00 +0000\n"
	"Message-ID: <m2@example.org>\n"
	"In-Reply-To: <m1@example.com>\n"
	"References: <m1@example.com>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"Sure, let's ask Hein=\n"
	"lein too. Caf=C3=A9 at the corner?\n",
	/* 3: base64 latin-1 body, encoded subject */
	"From: =?iso-8859-1?q?J=FCrgen?= <juergen@example.de>\n"
	"To: alice@example.com\n"
	"Subject: =?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=\n"
	"Date: Tue, 02 Jan 2024 09:00:00 +0100\n"
	"Message-ID: <m3@example.de>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"SGFsbG8gYXVzIE38bmNoZW4hIFNjaPZuZXMgV2V0dGVyLgo=\n",
	/* 4: multipart with an attachment, reply to 2 */
	"From: Carol <carol@example.net>\n"
	"To: Bob <bob@example.org>, Alice Example <alice@example.com>\n"
	"Subject: Re: Re: Lunch plans\n"
	"Date: Mon, 01 Jan 2024 12:00:00 +0000\n"
	"Message-ID: <m4@example.net>\n"
	"References: <m1@example.com> <m2@example.org>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"XYZ\"\n"
	"\n"
	"--XYZ\n"
	"Content-Type: text/plain\n"
	"\n"
	"Count me in. Menu attached.\n"
	"--XYZ\n"
	"Content-Type: text/plain; name=menu.txt\n"
	"Content-Disposition: attachment; filename=menu.txt\n"
	"\n"
	"Soup of the day: tomato\n"
	"--XYZ--\n",
	/* 5: no Date:, big body */
	"From: zed@example.com\n"
	"To: alice@example.com\n"
	"Subject: Report\n"
	"Message-ID: <m5@example.com>\n"
	"\n",
};

static const char *fixture_message(unsigned int i)
{
	if (i == 4) {
		struct buf big;

		buf_init(&big, scratch_arena(), 20000, 0);
		for (unsigned int j = 0; j < 400; j++) {
			if (buf_append_str(&big,
				    "quarterly numbers line ") < 0 ||
			    buf_printf(&big, "%u\n", j) < 0)
				i_panic("buf");
		}
		return t_printf("%s%s\n", fixture[4], buf_cstr(&big));
	}
	return fixture[i];
}

static void setup(void)
{
	const char *const kw_work[] = { "work", NULL };

	test_user_init(&tu, "search", NULL);
	for (unsigned int i = 0; i < N_ELEMENTS(fixture); i++) {
		struct mail_save_params params;
		struct mailbox *sbox;
		const char *msg;

		SCRATCH_BEGIN {
			msg = fixture_message(i);
			memset(&params, 0, sizeof(params));
			params.received_date = 1704100000 + (time_t)i * 86400;
			params.flags = i == 0 ? MAIL_SEEN :
				i == 3 ? (MAIL_SEEN | MAIL_FLAGGED) : 0;
			params.keywords = i == 2 ? kw_work : NULL;
			test_assert(mailbox_open(tu.user, "INBOX",
				MAILBOX_OPEN_SAVEONLY, &sbox) == 0);
			test_assert(mailbox_save_buffer(sbox, &params, msg,
				strlen(msg), NULL) == 0);
			mailbox_close(&sbox);
		} SCRATCH_END;
	}
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == N_ELEMENTS(fixture));
}

static struct mail_search_arg *arg_new(enum mail_search_key type)
{
	struct mail_search_arg *arg = arena_new(arena,
		struct mail_search_arg, 1);

	arg->type = type;
	return arg;
}

static struct mail_search_arg *arg_str(enum mail_search_key type,
	const char *str)
{
	struct mail_search_arg *arg = arg_new(type);

	arg->value.str = str;
	return arg;
}

/* Matching seqs as "1 2 3". */
static const char *search_str(const struct mail_search_arg *args)
{
	struct mail_search_result result;
	struct buf out;

	if (mailbox_search(box, args, arena, &result) < 0)
		return "ERROR";
	buf_init(&out, arena, 64, 0);
	for (unsigned int i = 0; i < result.count; i++) {
		if (buf_printf(&out, "%s%u", i == 0 ? "" : " ",
				result.seqs[i]) < 0)
			i_panic("buf");
	}
	return buf_cstr(&out);
}

static time_t day(const char *date)
{
	time_t t;

	if (!imap_date_parse(date, &t))
		i_panic("bad date %s", date);
	return t;
}

static void test_search_keys(void)
{
	struct mail_search_arg *a, *b, *or;

	test_begin("SEARCH keys");
	test_assert_strcmp(search_str(arg_new(SEARCH_ALL)), "1 2 3 4 5");
	a = arg_new(SEARCH_FLAGS);
	a->value.flags = MAIL_SEEN;
	test_assert_strcmp(search_str(a), "1 4");
	a->negate = true;
	test_assert_strcmp(search_str(a), "2 3 5");
	a = arg_str(SEARCH_KEYWORD, "WORK");
	test_assert_strcmp(search_str(a), "3");
	test_assert_strcmp(search_str(arg_str(SEARCH_KEYWORD, "nope")), "");
	test_assert_strcmp(search_str(arg_str(SEARCH_FROM, "alice")), "1");
	test_assert_strcmp(search_str(arg_str(SEARCH_TO, "ALICE")), "2 3 4 5");
	test_assert_strcmp(search_str(arg_str(SEARCH_CC, "carol")), "2");
	test_assert_strcmp(search_str(arg_str(SEARCH_FROM, "Jürgen")), "3");
	test_assert_strcmp(search_str(arg_str(SEARCH_SUBJECT, "münchen")),
		"3");
	test_assert_strcmp(search_str(arg_str(SEARCH_SUBJECT, "lunch")),
		"1 2 4");
	a = arg_new(SEARCH_HEADER);
	a->value.hdr.field = "x-priority";
	a->value.hdr.value = "";
	test_assert_strcmp(search_str(a), "1");
	a->value.hdr.field = "message-id";
	a->value.hdr.value = "example.org";
	test_assert_strcmp(search_str(a), "2");

	/* sets */
	{
		static const struct seq_range r[] = { { 2, 3 }, { 5, 5 } };

		a = arg_new(SEARCH_SEQSET);
		a->value.set.ranges = r;
		a->value.set.count = 2;
		test_assert_strcmp(search_str(a), "2 3 5");
		a->type = SEARCH_UIDSET;
		test_assert_strcmp(search_str(a), "2 3 5");
	}
	/* OR and sub-lists: (OR SEEN KEYWORD work) NOT FROM alice */
	a = arg_new(SEARCH_FLAGS);
	a->value.flags = MAIL_SEEN;
	a->next = arg_str(SEARCH_KEYWORD, "work");
	or = arg_new(SEARCH_OR);
	or->value.subargs = a;
	b = arg_str(SEARCH_FROM, "alice");
	b->negate = true;
	or->next = b;
	test_assert_strcmp(search_str(or), "3 4");
	/* an OR needs two keys */
	or = arg_new(SEARCH_OR);
	or->value.subargs = arg_new(SEARCH_ALL);
	test_assert_strcmp(search_str(or), "ERROR");

	/* sizes */
	a = arg_new(SEARCH_LARGER);
	a->value.size = 5000;
	test_assert_strcmp(search_str(a), "5");
	a->type = SEARCH_SMALLER;
	test_assert_strcmp(search_str(a), "1 2 3 4");

	/* dates: received 2024-01-01 + i days (server zone); Date: */
	a = arg_new(SEARCH_SENTON);
	a->value.date = day("1-Jan-2024");
	test_assert_strcmp(search_str(a), "1 2 4");
	/* 5 has no Date: its sent date is 1-Jan-1970, as in Dovecot */
	a->type = SEARCH_SENTSINCE;
	a->value.date = day("2-Jan-2024");
	test_assert_strcmp(search_str(a), "3");
	a->type = SEARCH_SENTBEFORE;
	test_assert_strcmp(search_str(a), "1 2 4 5");
	a = arg_new(SEARCH_OLDER);
	a->value.interval = 3600;
	test_assert_strcmp(search_str(a), "1 2 3 4 5");
	a->type = SEARCH_YOUNGER;
	test_assert_strcmp(search_str(a), "");
	a = arg_new(SEARCH_SAVEDSINCE);
	a->value.date = day("1-Jan-2000");
	test_assert_strcmp(search_str(a), "1 2 3 4 5");
	test_end();
}

static void test_search_text(void)
{
	struct mail_search_arg *a;

	test_begin("SEARCH BODY/TEXT through FTS5, decoded");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "weather")), "1");
	/* soft line break joined, decoded QP and charset */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "heinlein")), "2");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "CAFÉ")), "2");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "münchen")), "3");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "schönes")), "3");
	/* the attachment's text counts as body */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "tomato")), "4");
	/* the header is not body, but is text */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "lunch")), "");
	test_assert_strcmp(search_str(arg_str(SEARCH_TEXT, "lunch")), "1 2 4");
	/* substrings inside words, short keys */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "arterly")), "5");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "oo")), "1 2");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "eathe")), "1");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "ein")), "2");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "ÜNCH")), "3");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "uarterl")), "5");
	/* across words and across a QP soft line break */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "ather is fi")),
		"1");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "nlein t")), "2");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "weathers")), "");
	test_assert_strcmp(search_str(arg_str(SEARCH_TEXT, "xample.c")),
		"1 2 3 4 5");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "")),
		"1 2 3 4 5");
	/* quotes in the key don't break the FTS query */
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "let's \"x")), "");
	test_assert_strcmp(search_str(arg_str(SEARCH_BODY, "let's")), "2");
	/* NOT BODY */
	a = arg_str(SEARCH_BODY, "the");
	a->negate = true;
	test_assert_strcmp(search_str(a), "3 5");
	test_end();
}

static const char *sort_str(const struct mail_sort_key *keys,
	unsigned int count)
{
	uint32_t *seqs;
	unsigned int n;
	struct buf out;

	if (mailbox_sort(box, keys, count, arg_new(SEARCH_ALL), arena, &seqs,
			&n) < 0)
		return "ERROR";
	buf_init(&out, arena, 64, 0);
	for (unsigned int i = 0; i < n; i++) {
		if (buf_printf(&out, "%s%u", i == 0 ? "" : " ", seqs[i]) < 0)
			i_panic("buf");
	}
	return buf_cstr(&out);
}

static void test_sort(void)
{
	struct mail_sort_key keys[2];

	test_begin("SORT");
	memset(keys, 0, sizeof(keys));
	keys[0].type = SORT_ARRIVAL;
	test_assert_strcmp(sort_str(keys, 1), "1 2 3 4 5");
	keys[0].reverse = true;
	test_assert_strcmp(sort_str(keys, 1), "5 4 3 2 1");
	keys[0].reverse = false;
	/* no Date: -> INTERNALDATE (the latest) */
	keys[0].type = SORT_DATE;
	test_assert_strcmp(sort_str(keys, 1), "1 2 4 3 5");
	keys[0].type = SORT_SIZE;
	test_assert_strcmp(sort_str(keys, 1), "1 3 2 4 5");
	/* base subjects: "lunch plans" x3 (ties by seq), then others */
	keys[0].type = SORT_SUBJECT;
	test_assert_strcmp(sort_str(keys, 1), "3 1 2 4 5");
	keys[1].type = SORT_DATE;
	keys[1].reverse = true;
	test_assert_strcmp(sort_str(keys, 2), "3 4 2 1 5");
	keys[0].type = SORT_FROM;
	test_assert_strcmp(sort_str(keys, 1), "1 2 4 3 5");
	keys[0].type = SORT_DISPLAYFROM;
	test_assert_strcmp(sort_str(keys, 1), "1 2 4 3 5");
	keys[0].type = SORT_CC;
	/* empty Cc first */
	test_assert_strcmp(sort_str(keys, 1), "1 3 4 5 2");
	test_end();
}

static void thread_write(struct buf *out, const struct mail_thread_node *n)
{
	for (; n != NULL; n = n->next_sibling) {
		if (buf_append_c(out, '(') < 0)
			i_panic("buf");
		if (n->seq != 0 && buf_printf(out, "%u", n->seq) < 0)
			i_panic("buf");
		if (n->first_child != NULL) {
			if (n->seq != 0 && buf_append_c(out, ' ') < 0)
				i_panic("buf");
			thread_write(out, n->first_child);
		}
		if (buf_append_c(out, ')') < 0)
			i_panic("buf");
	}
}

static const char *thread_str(enum mail_thread_type type)
{
	struct mail_thread_node *roots;
	struct buf out;

	if (mailbox_thread(box, type, arg_new(SEARCH_ALL), arena, &roots) < 0)
		return "ERROR";
	buf_init(&out, arena, 64, 0);
	thread_write(&out, roots);
	return buf_cstr(&out);
}

static void test_thread(void)
{
	test_begin("THREAD");
	/* REFERENCES: 1 <- 2 <- 4 by references; 3 and 5 alone */
	test_assert_strcmp(thread_str(THREAD_REFERENCES), "(1 (2 (4)))(3)(5)");
	test_assert_strcmp(thread_str(THREAD_REFS), "(1 (2 (4)))(3)(5)");
	/* ORDEREDSUBJECT: the lunch thread is flat under its first
	   message, threads by their first message's date */
	test_assert_strcmp(thread_str(THREAD_ORDEREDSUBJECT),
		"(1 (2)(4))(3)(5)");
	test_end();
}

static void test_search_after_expunge(void)
{
	struct mailbox_transaction *t;
	struct mailbox_changes changes;

	test_begin("SEARCH skips messages expunged meanwhile");
	t = mailbox_transaction_begin(box);
	mail_expunge(t, 2);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	/* not synced yet: the view still has 5 messages */
	test_assert_strcmp(search_str(arg_str(SEARCH_TEXT, "lunch")), "1 4");
	test_assert(mailbox_sync(box, 0, arena, &changes) == 0);
	test_assert_strcmp(search_str(arg_str(SEARCH_TEXT, "lunch")), "1 3");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_search_keys,
		test_search_text,
		test_sort,
		test_thread,
		test_search_after_expunge,
		NULL
	};
	int ret;

	log_init(LOG_MODE_STDERR, "test: ");
	/* dates are compared in the server's zone: make it fixed */
	setenv("TZ", "UTC", 1);
	arena = arena_create("test", 8192);
	setup();
	ret = test_run(tests);
	mailbox_close(&box);
	test_user_deinit(&tu);
	arena_destroy(&arena);
	return ret;
}
