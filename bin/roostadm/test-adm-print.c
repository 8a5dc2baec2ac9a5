/*
 * test-adm-print.c - unit tests of roostadm's output formatters.  The
 * expected texts are doveadm 2.3.19's output for the same records,
 * captured from Debian's dovecot-core ("doveadm -f FORMATTER user ...",
 * "doveadm -f FORMATTER log errors"), so the formatters are checked byte
 * for byte against the real thing.
 */
#include "lib.h"
#include "adm-print-private.h"
#include "test-common.h"

struct capture {
	char *out_data, *err_data;
	size_t out_size, err_size;
	FILE *out, *err;
};

static void capture_open(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->out = open_memstream(&c->out_data, &c->out_size);
	c->err = open_memstream(&c->err_data, &c->err_size);
}

static void capture_close(struct capture *c)
{
	fclose(c->out);
	fclose(c->err);
}

static void capture_free(struct capture *c)
{
	free(c->out_data);
	free(c->err_data);
}

/* doveadm user's rows for the passwd-file user "user". */
static const char *const user_rows[] = {
	"uid", "10000", "gid", "10000", "home", "/home/user",
	"mail", "maildir:~/Maildir", "quota_rule", "*:storage=200M", NULL
};
/* ... and for klaus@example.com. */
static const char *const klaus_rows[] = {
	"uid", "10000", "gid", "10000", "home", "/srv/vmail/example.com/klaus",
	"mail", "maildir:/tmp/dc/mail/klaus@example.com", NULL
};

/* Prints field/value rows (as "roostadm user" does) with formatter. */
static void print_field_value(struct capture *c, const char *formatter,
	const char *const *rows, bool hide_titles)
{
	struct adm_print *print;
	const char *error;

	capture_open(c);
	print = adm_print_create(formatter, "tab", c->out, c->err,
		hide_titles, &error);
	i_assert(print != NULL);
	adm_print_header_simple(print, "field");
	adm_print_header_simple(print, "value");
	for (unsigned int i = 0; rows[i] != NULL; i++)
		adm_print(print, rows[i]);
	adm_print_destroy(&print);
	test_assert(print == NULL);
	capture_close(c);
}

static void test_create(void)
{
	struct capture c;
	struct adm_print *print;
	const char *error;

	test_begin("formatter selection");
	test_assert(adm_print_formatter_exists("flow"));
	test_assert(adm_print_formatter_exists("tab"));
	test_assert(adm_print_formatter_exists("table"));
	test_assert(adm_print_formatter_exists("pager"));
	test_assert(adm_print_formatter_exists("json"));
	test_assert(!adm_print_formatter_exists("xml"));
	test_assert(adm_print_create("xml", "tab", stdout, stderr, false,
		&error) == NULL);
	test_assert_strcmp(error, "Unknown print formatter: xml");
	/* -f wins over the command's default. */
	capture_open(&c);
	print = adm_print_create("json", "tab", c.out, c.err, false, &error);
	test_assert_strcmp(adm_print_get_name(print), "json");
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.out_data, "[]");
	capture_free(&c);
	print = adm_print_create(NULL, "pager", stdout, stderr, false, &error);
	test_assert_strcmp(adm_print_get_name(print), "pager");
	adm_print_destroy(&print);
	test_end();
}

static void test_tab(void)
{
	struct capture c;

	test_begin("tab (doveadm user)");
	print_field_value(&c, NULL, user_rows, false);
	test_assert_strcmp(c.out_data,
		"field\tvalue\n"
		"uid\t10000\n"
		"gid\t10000\n"
		"home\t/home/user\n"
		"mail\tmaildir:~/Maildir\n"
		"quota_rule\t*:storage=200M\n");
	test_assert_strcmp(c.err_data, "");
	capture_free(&c);

	/* No rows: the title line alone (doveadm user nosuch). */
	print_field_value(&c, NULL, (const char *const[]){ NULL }, false);
	test_assert_strcmp(c.out_data, "field\tvalue\n");
	capture_free(&c);

	/* -h hides the titles. */
	print_field_value(&c, "tab", user_rows, true);
	test_assert(strncmp(c.out_data, "uid\t10000\n", 10) == 0);
	capture_free(&c);
	test_end();
}

static void test_flow(void)
{
	struct capture c;

	test_begin("flow");
	print_field_value(&c, "flow", user_rows, false);
	test_assert_strcmp(c.out_data,
		"field=uid value=10000\n"
		"field=gid value=10000\n"
		"field=home value=/home/user\n"
		"field=mail value=maildir:~/Maildir\n"
		"field=quota_rule value=*:storage=200M\n");
	capture_free(&c);
	test_end();
}

static void test_pager(void)
{
	struct capture c;

	test_begin("pager");
	print_field_value(&c, "pager", user_rows, false);
	test_assert_strcmp(c.out_data,
		"field: uid\nvalue: 10000\n\f\n"
		"field: gid\nvalue: 10000\n\f\n"
		"field: home\nvalue: /home/user\n\f\n"
		"field: mail\nvalue: maildir:~/Maildir\n\f\n"
		"field: quota_rule\nvalue: *:storage=200M\n");
	capture_free(&c);
	test_end();
}

static void test_json(void)
{
	static const char *const special_rows[] = {
		"q", "a\"b\\\\c", "u", "gr\xc3\xbc\xc3\x9f" "e",
		"ctl", "t\tn\nr\rx\001", "bad", "a\xff\xc3(b", NULL
	};
	struct capture c;

	test_begin("json");
	print_field_value(&c, "json", user_rows, false);
	test_assert_strcmp(c.out_data,
		"[{\"field\":\"uid\",\"value\":\"10000\"},"
		"{\"field\":\"gid\",\"value\":\"10000\"},"
		"{\"field\":\"home\",\"value\":\"/home/user\"},"
		"{\"field\":\"mail\",\"value\":\"maildir:~/Maildir\"},"
		"{\"field\":\"quota_rule\",\"value\":\"*:storage=200M\"}]");
	capture_free(&c);

	print_field_value(&c, "json", (const char *const[]){ NULL }, false);
	test_assert_strcmp(c.out_data, "[]");
	capture_free(&c);

	print_field_value(&c, "json", special_rows, false);
	test_assert_strcmp(c.out_data,
		"[{\"field\":\"q\",\"value\":\"a\\\"b\\\\\\\\c\"},"
		"{\"field\":\"u\",\"value\":\"gr\xc3\xbc\xc3\x9f" "e\"},"
		"{\"field\":\"ctl\",\"value\":\"t\\tn\\nr\\rx\\u0001\"},"
		"{\"field\":\"bad\",\"value\":"
		"\"a\xef\xbf\xbd\xef\xbf\xbd(b\"}]");
	capture_free(&c);
	test_end();
}

static void test_json_stream(void)
{
	/* "é" and "€" split across pieces, and an invalid byte. */
	static const char *const pieces[] = {
		"caf\xc3", "\xa9 ", "\xe2", "\x82", "\xac\"\xff", NULL
	};
	struct adm_print *print;
	struct capture c;
	const char *error;

	test_begin("json: streamed values and number columns");
	capture_open(&c);
	print = adm_print_create("json", "flow", c.out, c.err, false, &error);
	adm_print_header(print, "size", "size", ADM_PRINT_HEADER_FLAG_NUMBER);
	adm_print_header(print, "body", "body", 0);
	adm_print(print, "1234");
	for (unsigned int i = 0; pieces[i] != NULL; i++)
		adm_print_stream(print, pieces[i], strlen(pieces[i]));
	adm_print_stream(print, "", 0);
	/* Not a number: quoted rather than emitting invalid JSON. */
	adm_print(print, "12x");
	adm_print_stream(print, "end\xc3", 4);
	adm_print_stream(print, "", 0);
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.out_data,
		"[{\"size\":1234,\"body\":\"caf\xc3\xa9 \xe2\x82\xac\\\""
		"\xef\xbf\xbd\"},"
		"{\"size\":\"12x\",\"body\":\"end\xef\xbf\xbd\"}]");
	capture_free(&c);
	test_end();
}

static void test_table(void)
{
	struct capture c;

	test_begin("table (80 columns when not a terminal)");
	print_field_value(&c, "table", user_rows, false);
	/* Titles on stderr, rows on stdout; the last column gets half of
	   the spare width: 10 + 1 + (17 + 26). */
	test_assert_strcmp(c.err_data,
		"field      value                                      \n");
	test_assert_strcmp(c.out_data,
		"uid        10000                                      \n"
		"gid        10000                                      \n"
		"home       /home/user                                 \n"
		"mail       maildir:~/Maildir                          \n"
		"quota_rule *:storage=200M                             \n");
	capture_free(&c);

	print_field_value(&c, "table", klaus_rows, false);
	test_assert_strcmp(c.err_data, "field value                     "
		"                              \n");
	test_assert_strcmp(c.out_data,
		t_printf("uid   %-56s\n"
			 "gid   %-56s\n"
			 "home  %-56s\n"
			 "mail  %-56s\n", "10000", "10000",
			 "/srv/vmail/example.com/klaus",
			 "maildir:/tmp/dc/mail/klaus@example.com"));
	capture_free(&c);

	/* No rows: the title line is still printed (doveadm who). */
	print_field_value(&c, "table", (const char *const[]){ NULL }, false);
	test_assert_strcmp(c.out_data, "");
	test_assert(strncmp(c.err_data, "field value ", 12) == 0);
	capture_free(&c);
	print_field_value(&c, "table", user_rows, true);
	test_assert_strcmp(c.err_data, "");
	capture_free(&c);
	test_end();
}

static void test_table_shrink(void)
{
	const char *rows[] = {
		"uid", "10005", "x", NULL, "u", "gr\xc3\xbc\xc3\x9f" "e", NULL
	};
	struct capture c;
	char *line;
	const char *pad74;

	test_begin("table: wide values and UTF-8 padding");
	rows[3] = t_printf("%0100d", 0);
	print_field_value(&c, "table", rows, false);
	/* 5 + 1 + 100 > 80: the value column shrinks to 74 and the long
	   value is printed whole (doveadm's layout). */
	pad74 = t_printf("%-74s", "10005");
	line = c.out_data;
	test_assert(strncmp(line, t_printf("uid   %s\n", pad74),
		6 + 74 + 1) == 0);
	line = strchr(line, '\n') + 1;
	test_assert(strncmp(line, t_printf("x     %s\n", rows[3]),
		6 + 100 + 1) == 0);
	line = strchr(line, '\n') + 1;
	/* "grüße" is 5 characters but 7 bytes: padded by characters. */
	test_assert_strcmp(line, t_printf("u     gr\xc3\xbc\xc3\x9f" "e%69s\n",
		""));
	capture_free(&c);
	test_end();
}

static void test_table_log_errors(void)
{
	struct adm_print *print;
	struct capture c;
	const char *error;

	test_begin("table: doveadm log errors");
	capture_open(&c);
	print = adm_print_create("table", "flow", c.out, c.err, false,
		&error);
	adm_print_header_simple(print, "timestamp");
	adm_print_header_simple(print, "prefix");
	adm_print_header_simple(print, "type");
	adm_print_header_simple(print, "text");
	adm_print(print, "Nov 24 11:19:33");
	adm_print(print, "auth");
	adm_print(print, "Error");
	adm_print(print, "passwd-file(bad@example.com): Unknown scheme FOO");
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.err_data, "timestamp       prefix type  text"
		"                                             \n");
	test_assert_strcmp(c.out_data, "Nov 24 11:19:33 auth   Error "
		"passwd-file(bad@example.com): Unknown scheme FOO \n");
	capture_free(&c);
	test_end();
}

static void test_sticky_and_flags(void)
{
	struct adm_print *print;
	struct capture c;
	const char *error;

	test_begin("sticky columns, hidden titles, right alignment");
	capture_open(&c);
	print = adm_print_create("flow", "flow", c.out, c.err, false, &error);
	adm_print_header(print, "username", "username",
		ADM_PRINT_HEADER_FLAG_STICKY);
	adm_print_header(print, "mailbox", "mailbox",
		ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	adm_print_header(print, "messages", "messages", 0);
	adm_print_sticky(print, "username", "alice");
	adm_print(print, "INBOX");
	adm_print_num(print, 3);
	adm_print(print, "Sent");
	adm_print_num(print, 0);
	adm_print_sticky(print, "username", "bob");
	adm_print(print, "INBOX");
	/* An unfinished row is ended by the flush. */
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.out_data,
		"username=alice INBOX messages=3\n"
		"username=alice Sent messages=0\n"
		"username=bob INBOX \n");
	capture_free(&c);

	capture_open(&c);
	print = adm_print_create("table", "flow", c.out, c.err, false, &error);
	adm_print_header(print, "n", "n", ADM_PRINT_HEADER_FLAG_RIGHT_JUSTIFY);
	adm_print_header(print, "name", "name", ADM_PRINT_HEADER_FLAG_EXPAND);
	adm_print_header(print, "x", "x", 0);
	adm_print(print, "7");
	adm_print(print, "ab");
	adm_print(print, "y");
	adm_print(print, "123");
	adm_print(print, "c");
	adm_print(print, "z");
	adm_print_destroy(&print);
	capture_close(&c);
	/* Widths 3 4 1 = 10: the EXPAND column is given (80 - 10) / 2. */
	test_assert_strcmp(c.out_data,
		t_printf("  7 %-39s y\n123 %-39s z\n", "ab", "c"));
	test_assert_strcmp(c.err_data, t_printf("  n %-39s x\n", "name"));
	capture_free(&c);
	test_end();
}

static void test_pager_stream(void)
{
	struct adm_print *print;
	struct capture c;
	const char *error;

	test_begin("pager and tab: streamed values");
	capture_open(&c);
	print = adm_print_create("pager", "flow", c.out, c.err, false,
		&error);
	adm_print_header_simple(print, "uid");
	adm_print_header_simple(print, "body");
	adm_print(print, "1");
	adm_print_stream(print, "line1\n", 6);
	adm_print_stream(print, "line2\n", 6);
	adm_print_stream(print, "", 0);
	adm_print(print, "2");
	adm_print_stream(print, "x\n", 2);
	adm_print_stream(print, "", 0);
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.out_data,
		"uid: 1\nbody:\nline1\nline2\n\f\nuid: 2\nbody:\nx\n");
	capture_free(&c);

	capture_open(&c);
	print = adm_print_create("tab", "flow", c.out, c.err, false, &error);
	adm_print_header_simple(print, "uid");
	adm_print_header_simple(print, "hdr");
	adm_print(print, "1");
	adm_print_stream(print, "a", 1);
	adm_print_stream(print, "b", 1);
	adm_print_stream(print, "", 0);
	adm_print_destroy(&print);
	capture_close(&c);
	test_assert_strcmp(c.out_data, "uid\thdr\n1\tab\n");
	capture_free(&c);
	test_end();
}

static void test_begin_text(void)
{
	struct adm_print *print;
	struct capture c;
	const char *error;

	test_begin("begin_text ends the tab title line");
	capture_open(&c);
	print = adm_print_create(NULL, "tab", c.out, c.err, false, &error);
	adm_print_header_simple(print, "field");
	adm_print_header_simple(print, "value");
	adm_print_begin_text(print);
	fputs("\nuserdb lookup: user nosuch doesn't exist\n", c.out);
	adm_print_begin_text(print);
	adm_print_destroy(&print);
	capture_close(&c);
	/* doveadm user nosuch */
	test_assert_strcmp(c.out_data, "field\tvalue\n\n"
		"userdb lookup: user nosuch doesn't exist\n");
	capture_free(&c);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_create,
		test_tab,
		test_flow,
		test_pager,
		test_json,
		test_json_stream,
		test_table,
		test_table_shrink,
		test_table_log_errors,
		test_sticky_and_flags,
		test_pager_stream,
		test_begin_text,
		NULL
	};

	return test_run(tests);
}
