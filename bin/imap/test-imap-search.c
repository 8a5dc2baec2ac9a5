/*
 * test-imap-search.c - SEARCH, SORT and THREAD run through the command
 * table against a real Maildir user (storage's test helpers): the replies
 * as a client sees them, ESEARCH/ESORT with their compression, SEARCHRES
 * "$", MODSEQ, CHARSET, and the BAD/NO answers (with nothing changed).
 * The session's I/O functions are replaced by a recording double.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-parser.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-search.h"
#include "imap-sync.h"
#include "mail-search.h"
#include "storage.h"
#include "test-common.h"
#include "test-storage-common.h"

static struct buf sent;

void imap_client_send_line(struct imap_client *client, const char *line)
{
	(void)client;
	if (buf_append_str(&sent, line) < 0 || buf_append_str(&sent, "\n") < 0)
		i_panic("test buffer full");
}

void imap_client_send_tagline(struct imap_client *client, const char *text)
{
	size_t len = strlen(text);

	/* without the timing, so the replies compare exactly */
	if (len > 0 && text[len - 1] == '.')
		len--;
	imap_client_send_line(client,
		t_printf("%s %.*s", client->tag, (int)len, text));
}

void imap_client_log(struct imap_client *client, const char *msg)
{
	imap_client_send_line(client, t_printf("LOG %s", msg));
}

void imap_client_disconnect(struct imap_client *client, const char *reason)
{
	client->disconnected = true;
	imap_client_send_line(client, t_printf("DISCONNECT %s", reason));
}

const char *imap_client_get_capability(struct imap_client *client)
{
	(void)client;
	return "IMAP4rev1";
}

struct test_session {
	struct test_user tu;
	struct imap_client client;
	struct imap_parser *parser;
};

static void session_init(struct test_session *s, const char *name)
{
	struct imap_parser_settings set;

	memset(s, 0, sizeof(*s));
	test_user_init(&s->tu, name, NULL);
	s->client.arena = arena_create("client", 1024);
	s->client.cmd_arena = arena_create("cmd", 1024);
	s->client.mail_user = s->tu.user;
	s->client.state = IMAP_CLIENT_STATE_AUTH;
	memset(&set, 0, sizeof(set));
	set.max_line_length = 65536;
	set.max_literal_size = 65536;
	set.max_list_depth = 20;
	s->parser = imap_parser_create(&set);
	buf_init(&sent, NULL, 4096, 1024 * 1024);
}

static void session_select(struct test_session *s, const char *vname)
{
	test_assert(imap_client_select(&s->client, vname, false) == 0);
	s->client.state = IMAP_CLIENT_STATE_SELECTED;
}

static void session_deinit(struct test_session *s)
{
	imap_client_unselect(&s->client);
	imap_sync_set_searchres(&s->client, NULL, 0);
	imap_parser_destroy(&s->parser);
	arena_destroy(&s->client.cmd_arena);
	arena_destroy(&s->client.arena);
	test_user_deinit(&s->tu);
	buf_free(&sent);
}

/* Runs "tag NAME args" and returns everything sent (scratch memory). */
static const char *run(struct test_session *s, const char *line)
{
	const struct imap_command_def *def;
	const struct imap_arg *args;
	const char *tag, *name, *input = t_printf("%s\r\n", line);
	size_t len = strlen(input), pos = 0, consumed;
	bool bad;

	buf_reset(&sent);
	arena_reset(s->client.cmd_arena);
	imap_parser_reset(s->parser);
	if (imap_parser_read_tag(s->parser, (const void *)input, len,
				 &consumed, &tag) != 1)
		return "PARSE ERROR";
	pos += consumed;
	if (imap_parser_read_command_name(s->parser,
			(const void *)(input + pos), len - pos, &consumed,
			&name) != 1)
		return "PARSE ERROR";
	pos += consumed;
	if (imap_parser_read_args(s->parser, (const void *)(input + pos),
				  len - pos, &consumed, 0, 0, &args) != 1)
		return "PARSE ERROR";
	def = imap_command_find(name);
	if (def == NULL)
		return "UNKNOWN";
	s->client.tag = tag;
	(void)imap_command_run(&s->client, def, args, &bad);
	if (sent.used > 0)
		buf_truncate(&sent, sent.used - 1);
	return t_strdup(buf_cstr(&sent));
}

static void check(struct test_session *s, const char *line,
	const char *expected)
{
	SCRATCH_BEGIN {
		test_assert_strcmp(run(s, line), expected);
	} SCRATCH_END;
}

static const char *msg(const char *id, const char *from, const char *to,
	const char *cc, const char *subject, const char *date,
	const char *extra, const char *body)
{
	return t_printf("From: %s\r\nTo: %s\r\nCc: %s\r\nSubject: %s\r\n"
		"Date: %s\r\nMessage-ID: <%s@test>\r\n%s\r\n%s\r\n", from, to,
		cc, subject, date, id, extra, body);
}

/* Five messages: seq 1..5 = UIDs 1..5, then 2 expunged (UIDs 1 3 4 5). */
static void fill(struct test_session *s)
{
	static const char *const kw[] = { "$Hello", NULL };

	SCRATCH_BEGIN {
		test_save(s->tu.user, "INBOX", msg("m1", "Alice <a@example.com>",
			"bob@example.com", "carol@example.com",
			"hello beautiful world", "Sat, 24 Mar 2007 23:00:00 +0200",
			"", "asdfghjkl zxcvbnm"), MAIL_SEEN, kw);
		test_save(s->tu.user, "INBOX", msg("m2", "Zed <z@example.com>",
			"xavier@example.com", "", "expunged one",
			"Sun, 25 Mar 2007 01:00:00 +0200", "", "gone"),
			0, NULL);
		test_save(s->tu.user, "INBOX", msg("m3", "bob@example.com",
			"alice@example.com", "", "Re: hello beautiful world",
			"Sun, 25 Mar 2007 12:00:00 +0300",
			"In-Reply-To: <m1@test>\r\n",
			"qwertyuiop asdfghjkl"), MAIL_FLAGGED, NULL);
		test_save(s->tu.user, "INBOX", msg("m4", "Carol <c@example.com>",
			"dave@example.com", "", "another subject",
			"Mon, 26 Mar 2007 10:00:00 +0300",
			"X-Extra: hello beautiful header\r\n",
			"zxcvbnm qwertyuiop"), MAIL_SEEN | MAIL_FLAGGED, kw);
		test_save(s->tu.user, "INBOX", msg("m5", "dave@example.com",
			"alice@example.com", "", "Re: another subject",
			"Tue, 27 Mar 2007 10:00:00 +0300",
			"References: <m4@test>\r\n",
			"a much longer body than the others, to be the "
			"largest message of all by a clear margin: "
			"qwertyuiop qwertyuiop qwertyuiop"), MAIL_DELETED, NULL);
	} SCRATCH_END;
}

/* Expunges seq 2 through a second view so seqs and UIDs differ. */
static void expunge_second(struct test_session *s)
{
	struct mailbox *box = test_open(s->tu.user, "INBOX");
	struct mailbox_transaction *t = mailbox_transaction_begin(box);

	mail_expunge(t, 2);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	mailbox_close(&box);
}

static void test_search_keys(void)
{
	struct test_session s;

	test_begin("imap SEARCH keys");
	session_init(&s, "search-keys");
	fill(&s);
	expunge_second(&s);
	session_select(&s, "INBOX");
	check(&s, "a SEARCH ALL", "* SEARCH 1 2 3 4\na OK Search completed");
	check(&s, "a UID SEARCH ALL",
		"* SEARCH 1 3 4 5\na OK Search completed");
	check(&s, "a SEARCH SEEN", "* SEARCH 1 3\na OK Search completed");
	check(&s, "a SEARCH UNSEEN", "* SEARCH 2 4\na OK Search completed");
	check(&s, "a SEARCH FLAGGED NOT SEEN",
		"* SEARCH 2\na OK Search completed");
	check(&s, "a SEARCH DELETED", "* SEARCH 4\na OK Search completed");
	check(&s, "a SEARCH KEYWORD $Hello",
		"* SEARCH 1 3\na OK Search completed");
	check(&s, "a SEARCH UNKEYWORD $hello",
		"* SEARCH 2 4\na OK Search completed");
	check(&s, "a SEARCH OR ANSWERED DRAFT",
		"* SEARCH\na OK Search completed");
	check(&s, "a SEARCH 2:*", "* SEARCH 2 3 4\na OK Search completed");
	check(&s, "a SEARCH *:3", "* SEARCH 3 4\na OK Search completed");
	check(&s, "a SEARCH 1000", "* SEARCH\na OK Search completed");
	check(&s, "a SEARCH UID 3:4", "* SEARCH 2 3\na OK Search completed");
	check(&s, "a SEARCH UID *", "* SEARCH 4\na OK Search completed");
	check(&s, "a SEARCH UID 6:*", "* SEARCH 4\na OK Search completed");
	check(&s, "a SEARCH UID 2", "* SEARCH\na OK Search completed");
	check(&s, "a SEARCH NOT 2,4", "* SEARCH 1 3\na OK Search completed");
	check(&s, "a SEARCH OR 1 UID 4", "* SEARCH 1 3\na OK Search completed");
	check(&s, "a SEARCH (3) UID 4", "* SEARCH 3\na OK Search completed");
	check(&s, "a SEARCH SUBJECT hello",
		"* SEARCH 1 2\na OK Search completed");
	check(&s, "a SEARCH SUBJECT \"eautiful worl\"",
		"* SEARCH 1 2\na OK Search completed");
	check(&s, "a SEARCH FROM alice", "* SEARCH 1\na OK Search completed");
	check(&s, "a SEARCH TO alice", "* SEARCH 2 4\na OK Search completed");
	check(&s, "a SEARCH CC carol", "* SEARCH 1\na OK Search completed");
	check(&s, "a SEARCH HEADER X-Extra \"\"",
		"* SEARCH 3\na OK Search completed");
	check(&s, "a SEARCH NOT HEADER x-extra \"\"",
		"* SEARCH 1 2 4\na OK Search completed");
	check(&s, "a SEARCH HEADER X-EXTRA \"eautiful head\"",
		"* SEARCH 3\na OK Search completed");
	check(&s, "a SEARCH BODY asdfghjkl",
		"* SEARCH 1 2\na OK Search completed");
	check(&s, "a SEARCH BODY xcvbn", "* SEARCH 1 3\na OK Search completed");
	check(&s, "a SEARCH TEXT hello",
		"* SEARCH 1 2 3\na OK Search completed");
	check(&s, "a SEARCH SENTON 25-Mar-2007",
		"* SEARCH 2\na OK Search completed");
	check(&s, "a SEARCH SENTBEFORE 25-Mar-2007",
		"* SEARCH 1\na OK Search completed");
	check(&s, "a SEARCH SENTSINCE 26-Mar-2007",
		"* SEARCH 3 4\na OK Search completed");
	check(&s, "a SEARCH LARGER 250", "* SEARCH 4\na OK Search completed");
	check(&s, "a SEARCH SMALLER 198", "* SEARCH 1\na OK Search completed");
	check(&s, "a SEARCH NOT SMALLER 198 NOT LARGER 198",
		"* SEARCH 2\na OK Search completed");
	check(&s, "a SEARCH SINCE 1-Jan-2000 YOUNGER 100000 SAVEDSINCE "
		"1-Jan-2000", "* SEARCH 1 2 3 4\na OK Search completed");
	check(&s, "a SEARCH OLDER 100000", "* SEARCH\na OK Search completed");
	check(&s, "a SEARCH CHARSET UTF-8 SUBJECT world",
		"* SEARCH 1 2\na OK Search completed");
	check(&s, "a SEARCH CHARSET iso-8859-1 SUBJECT world",
		"* SEARCH 1 2\na OK Search completed");
	session_deinit(&s);
	test_end();
}

static void test_search_errors(void)
{
	struct test_session s;

	test_begin("imap SEARCH errors");
	session_init(&s, "search-errors");
	fill(&s);
	session_select(&s, "INBOX");
	check(&s, "a SEARCH", "a BAD Error in IMAP command SEARCH: "
		"Missing search parameters");
	check(&s, "a SEARCH FOO", "a BAD Error in IMAP command SEARCH: "
		"Unknown argument FOO");
	check(&s, "a UID SEARCH FOO", "a BAD Error in IMAP command "
		"UID SEARCH: Unknown argument FOO");
	check(&s, "a SEARCH CHARSET", "a BAD Error in IMAP command SEARCH: "
		"Invalid charset argument");
	check(&s, "a SEARCH CHARSET FOO ALL",
		"a NO [BADCHARSET] Unknown charset");
	check(&s, "a SEARCH CHARSET FOO BADKEY", "a BAD Error in IMAP "
		"command SEARCH: Unknown argument BADKEY");
	check(&s, "a SEARCH RETURN (FOO) ALL", "a BAD Error in IMAP "
		"command SEARCH: Unknown SEARCH return option");
	check(&s, "a SEARCH HEADER", "a BAD Error in IMAP command SEARCH: "
		"Missing parameter for search key (for search key: HEADER)");
	check(&s, "a SEARCH RETURN (UPDATE) ALL", "a BAD Error in IMAP "
		"command SEARCH: Unknown SEARCH return option");
	check(&s, "a SORT RETURN (UPDATE) (ARRIVAL) UTF-8 ALL", "a BAD Error "
		"in IMAP command SORT: Unknown SEARCH return option");
	/* CONTEXT alone is a hint (RFC 5267 §4.2) */
	check(&s, "t SEARCH RETURN (CONTEXT) 1", "* ESEARCH (TAG \"t\") ALL 1\n"
		"t OK Search completed");
	session_deinit(&s);
	test_end();
}

static void test_esearch(void)
{
	struct test_session s;

	test_begin("imap ESEARCH and SEARCHRES");
	session_init(&s, "esearch");
	fill(&s);
	expunge_second(&s);
	session_select(&s, "INBOX");
	check(&s, "t1 SEARCH RETURN () ALL",
		"* ESEARCH (TAG \"t1\") ALL 1:4\nt1 OK Search completed");
	check(&s, "t2 UID SEARCH RETURN (ALL) ALL",
		"* ESEARCH (TAG \"t2\") UID ALL 1,3:5\n"
		"t2 OK Search completed");
	check(&s, "t3 SEARCH RETURN (MAX MIN COUNT ALL) ALL",
		"* ESEARCH (TAG \"t3\") MIN 1 MAX 4 ALL 1:4 COUNT 4\n"
		"t3 OK Search completed");
	check(&s, "t4 UID SEARCH RETURN (MIN MAX) SEEN",
		"* ESEARCH (TAG \"t4\") UID MIN 1 MAX 4\n"
		"t4 OK Search completed");
	check(&s, "t5 SEARCH RETURN (MIN) 1000",
		"* ESEARCH (TAG \"t5\")\nt5 OK Search completed");
	check(&s, "t6 UID SEARCH RETURN (COUNT) 1000",
		"* ESEARCH (TAG \"t6\") UID COUNT 0\nt6 OK Search completed");
	check(&s, "t7 SEARCH RETURN (PARTIAL 2:3) ALL",
		"* ESEARCH (TAG \"t7\") PARTIAL (2:3 2:3)\n"
		"t7 OK Search completed");
	check(&s, "t8 UID SEARCH RETURN (PARTIAL 1:2) ALL",
		"* ESEARCH (TAG \"t8\") UID PARTIAL (1:2 1,3)\n"
		"t8 OK Search completed");
	check(&s, "t9 SEARCH RETURN (PARTIAL 5:9) ALL",
		"* ESEARCH (TAG \"t9\") PARTIAL (5:9 NIL)\n"
		"t9 OK Search completed");
	/* SAVE alone answers nothing but the tagged OK */
	check(&s, "s1 SEARCH RETURN (SAVE) FLAGGED",
		"s1 OK Search completed");
	check(&s, "s2 SEARCH $", "* SEARCH 2 3\ns2 OK Search completed");
	check(&s, "s3 UID SEARCH $", "* SEARCH 3 4\ns3 OK Search completed");
	check(&s, "s4 SEARCH RETURN (SAVE MIN) UID 1",
		"* ESEARCH (TAG \"s4\") MIN 1\ns4 OK Search completed");
	check(&s, "s5 SEARCH NOT $", "* SEARCH 2 3 4\ns5 OK Search completed");
	/* a BAD search keeps the saved result, as Dovecot */
	check(&s, "s6 SEARCH RETURN (SAVE) FOO", "s6 BAD Error in IMAP "
		"command SEARCH: Unknown argument FOO");
	check(&s, "s7 SEARCH $", "* SEARCH 1\ns7 OK Search completed");
	/* "$" is the previous result while the new one is saved */
	check(&s, "s8 SEARCH RETURN (SAVE) OR $ 4", "s8 OK Search completed");
	check(&s, "s9 SEARCH $", "* SEARCH 1 4\ns9 OK Search completed");
	check(&s, "s10 SEARCH RETURN (SAVE) 1000",
		"s10 OK Search completed");
	check(&s, "s11 SEARCH $", "* SEARCH\ns11 OK Search completed");
	session_deinit(&s);
	test_end();
}

static void test_search_modseq(void)
{
	struct test_session s;
	const char *out;

	test_begin("imap SEARCH MODSEQ");
	session_init(&s, "search-modseq");
	fill(&s);
	session_select(&s, "INBOX");
	SCRATCH_BEGIN {
		out = run(&s, "m1 SEARCH MODSEQ 1");
		/* CONDSTORE gets enabled first: HIGHESTMODSEQ, then the
		   result with the highest modseq of the matches */
		test_assert(strstr(out, "* OK [HIGHESTMODSEQ ") == out);
		test_assert(strstr(out, "\n* SEARCH 1 2 3 4 5 (MODSEQ ") !=
			NULL);
		test_assert(imap_client_has_enabled(&s.client,
			IMAP_FEATURE_CONDSTORE));
		out = run(&s, "m2 SEARCH MODSEQ 1000000");
		test_assert_strcmp(out, "* SEARCH\nm2 OK Search completed");
		out = run(&s, "m3 SEARCH RETURN (COUNT) MODSEQ 1");
		test_assert(strncmp(out, "* ESEARCH (TAG \"m3\") COUNT 5 "
			"MODSEQ ", 35) == 0);
		out = run(&s, "m4 SEARCH RETURN (SAVE) MODSEQ 1");
		test_assert(strncmp(out, "* ESEARCH (TAG \"m4\") MODSEQ ",
			28) == 0);
	} SCRATCH_END;
	session_deinit(&s);
	test_end();
}

static void test_sort(void)
{
	struct test_session s;

	test_begin("imap SORT and ESORT");
	session_init(&s, "sort");
	fill(&s);
	session_select(&s, "INBOX");
	check(&s, "a SORT (SIZE) UTF-8 ALL",
		"* SORT 2 1 3 4 5\na OK Sort completed");
	check(&s, "a SORT (REVERSE SIZE) UTF-8 ALL",
		"* SORT 5 4 3 1 2\na OK Sort completed");
	check(&s, "a SORT (SUBJECT) US-ASCII ALL",
		"* SORT 4 5 2 1 3\na OK Sort completed");
	check(&s, "a SORT (FROM) UTF-8 ALL",
		"* SORT 1 3 4 5 2\na OK Sort completed");
	check(&s, "a SORT (DATE) UTF-8 NOT 1",
		"* SORT 2 3 4 5\na OK Sort completed");
	check(&s, "a SORT (ARRIVAL) UTF-8 SEEN",
		"* SORT 1 4\na OK Sort completed");
	check(&s, "e1 SORT RETURN (ALL) (REVERSE SIZE) UTF-8 ALL",
		"* ESEARCH (TAG \"e1\") ALL 5,4,3,1:2\ne1 OK Sort completed");
	check(&s, "e2 SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL",
		"* ESEARCH (TAG \"e2\") MIN 4 MAX 3 COUNT 5\n"
		"e2 OK Sort completed");
	check(&s, "e3 SORT RETURN (PARTIAL 4:2) (REVERSE SIZE) UTF-8 ALL",
		"* ESEARCH (TAG \"e3\") PARTIAL (2:4 4,3,1)\n"
		"e3 OK Sort completed");
	check(&s, "e4 SORT RETURN (PARTIAL 1:3) (ARRIVAL) UTF-8 ALL",
		"* ESEARCH (TAG \"e4\") PARTIAL (1:3 1:3)\n"
		"e4 OK Sort completed");
	check(&s, "e5 SORT RETURN (SAVE) (REVERSE SIZE) UTF-8 SEEN",
		"e5 OK Sort completed");
	check(&s, "e6 SEARCH $", "* SEARCH 1 4\ne6 OK Search completed");
	check(&s, "a SORT", "a BAD Error in IMAP command SORT: "
		"Invalid sort argument");
	check(&s, "a SORT (ARRIVAL)", "a BAD Error in IMAP command SORT: "
		"Invalid charset argument");
	check(&s, "a SORT (ARRIVAL) UTF-8", "a BAD Error in IMAP command "
		"SORT: Missing search parameters");
	check(&s, "a SORT () UTF-8 ALL", "a BAD Error in IMAP command SORT: "
		"Empty sort program");
	check(&s, "a UID SORT (FOO) UTF-8 ALL", "a BAD Error in IMAP "
		"command UID SORT: Unknown sort argument: FOO");
	check(&s, "a SORT (ARRIVAL) FOO ALL",
		"a NO [BADCHARSET] Unknown charset");
	check(&s, "a SORT RETURN (PARTIAL 1:2 ALL) (ARRIVAL) UTF-8 ALL",
		"a BAD Error in IMAP command SORT: PARTIAL conflicts with ALL");
	session_deinit(&s);
	test_end();
}

static void test_thread(void)
{
	struct test_session s;

	test_begin("imap THREAD");
	session_init(&s, "thread");
	fill(&s);
	session_select(&s, "INBOX");
	check(&s, "a THREAD REFERENCES UTF-8 ALL",
		"* THREAD (1 3)(2)(4 5)\na OK Thread completed");
	check(&s, "a THREAD ORDEREDSUBJECT UTF-8 ALL",
		"* THREAD (1 3)(2)(4 5)\na OK Thread completed");
	check(&s, "a UID THREAD REFS UTF-8 NOT 2",
		"* THREAD (1 3)(4 5)\na OK Thread completed");
	check(&s, "a THREAD REFERENCES UTF-8 1000",
		"* THREAD \na OK Thread completed");
	check(&s, "a THREAD", "a BAD Error in IMAP command THREAD: "
		"Invalid arguments");
	check(&s, "a THREAD REFERENCES", "a BAD Error in IMAP command "
		"THREAD: Invalid arguments");
	check(&s, "a THREAD REFERENCES UTF-8", "a BAD Error in IMAP command "
		"THREAD: Missing search parameters");
	check(&s, "a THREAD FOO UTF-8 ALL", "a BAD Error in IMAP command "
		"THREAD: Unknown thread algorithm");
	check(&s, "a THREAD (REFERENCES) UTF-8 ALL", "a BAD Error in IMAP "
		"command THREAD: Invalid arguments");
	check(&s, "a THREAD REFERENCES FOO ALL",
		"a NO [BADCHARSET] Unknown charset");
	session_deinit(&s);
	test_end();
}

static void test_write_ids_and_threads(void)
{
	static const uint32_t ids1[] = { 1, 8, 2, 6, 3, 5, 4, 7 };
	static const uint32_t ids2[] = { 5, 3, 4, 2, 1 };
	static const uint32_t ids3[] = { 1, 2, 3, 5, 6, 4294967294,
		4294967295 };
	struct mail_thread_node n[8];
	struct arena *arena = arena_create("test", 1024);
	struct buf out;

	test_begin("imap id lists and thread trees");
	buf_init(&out, NULL, 64, 256);
	test_assert(imap_search_write_ids(&out, ids1, N_ELEMENTS(ids1)) == 0);
	test_assert_strcmp(buf_cstr(&out), "1,8,2,6,3,5,4,7");
	buf_reset(&out);
	test_assert(imap_search_write_ids(&out, ids2, N_ELEMENTS(ids2)) == 0);
	test_assert_strcmp(buf_cstr(&out), "5,3:4,2,1");
	buf_reset(&out);
	test_assert(imap_search_write_ids(&out, ids3, N_ELEMENTS(ids3)) == 0);
	test_assert_strcmp(buf_cstr(&out), "1:3,5:6,4294967294:4294967295");
	buf_reset(&out);
	test_assert(imap_search_write_ids(&out, ids3, 0) == 0);
	test_assert_strcmp(buf_cstr(&out), "");

	/* (2 (7)(12 13))((1)(3 4)) */
	memset(n, 0, sizeof(n));
	n[0].seq = 2; n[0].first_child = &n[1]; n[0].next_sibling = &n[4];
	n[1].seq = 7; n[1].next_sibling = &n[2];
	n[2].seq = 12; n[2].first_child = &n[3];
	n[3].seq = 13;
	n[4].seq = 0; n[4].first_child = &n[5];
	n[5].seq = 1; n[5].next_sibling = &n[6];
	n[6].seq = 3; n[6].first_child = &n[7];
	n[7].seq = 4;
	buf_reset(&out);
	test_assert(imap_thread_write(&out, n, NULL, arena) == 0);
	test_assert_strcmp(buf_cstr(&out), "(2 (7)(12 13))((1)(3 4))");
	buf_reset(&out);
	test_assert(imap_thread_write(&out, NULL, NULL, arena) == 0);
	test_assert_strcmp(buf_cstr(&out), "");
	/* the bound is honoured */
	buf_free(&out);
	buf_init(&out, NULL, 4, 8);
	test_assert(imap_thread_write(&out, n, NULL, arena) == -1);
	buf_free(&out);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_write_ids_and_threads,
		test_search_keys,
		test_search_errors,
		test_esearch,
		test_search_modseq,
		test_sort,
		test_thread,
		NULL
	};
	return test_run(tests);
}
