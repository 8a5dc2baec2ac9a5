/*
 * test-adm-lookup.c - unit tests of the output layouts of roostadm auth
 * test, auth lookup and user.  The expected texts were captured from
 * doveadm 2.3.19 (Debian's dovecot-core) run against a passwd-file with
 * these lines:
 *
 *   klaus@example.com:{PLAIN}pass:10000:10000::/srv/vmail/example.com/klaus::host=10.152.188.113 proxy_maybe=y
 *   user:{plain}pass:10000:10000::/home/user::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=200M
 *   bare@example.com:{PLAIN}x:::::
 *
 * and mail_location = maildir:/tmp/dc/mail/%u.
 */
#include "lib.h"
#include "adm-lookup.h"
#include "test-common.h"

static struct arena *arena;

struct capture {
	char *data;
	size_t size;
	FILE *f;
};

static FILE *capture_open(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->data, &c->size);
	return c->f;
}

static const char *capture_close(struct capture *c)
{
	const char *text;

	fclose(c->f);
	text = arena_strdup(arena, c->data);
	free(c->data);
	return text;
}

static void test_auth_test(void)
{
	static const char *const ok_fields[] = { "user=klaus@example.com",
		"host=10.152.188.113", "proxy_maybe=y", NULL };
	static const char *const fail_fields[] = {
		"user=klaus@example.com", NULL };
	static const char *const no_fields[] = { NULL };
	struct capture c;

	test_begin("auth test output");
	adm_write_auth_test(capture_open(&c), "klaus@example.com", true,
		ok_fields);
	test_assert_strcmp(capture_close(&c),
		"passdb: klaus@example.com auth succeeded\n"
		"extra fields:\n"
		"  user=klaus@example.com\n"
		"  host=10.152.188.113\n"
		"  proxy_maybe=y\n");
	adm_write_auth_test(capture_open(&c), "klaus@example.com", false,
		fail_fields);
	test_assert_strcmp(capture_close(&c),
		"passdb: klaus@example.com auth failed\n"
		"extra fields:\n"
		"  user=klaus@example.com\n");
	adm_write_auth_test(capture_open(&c), "tux", false, no_fields);
	test_assert_strcmp(capture_close(&c), "passdb: tux auth failed\n");
	adm_write_auth_test(capture_open(&c), "tux", true, NULL);
	test_assert_strcmp(capture_close(&c), "passdb: tux auth succeeded\n");
	test_end();
}

static void test_auth_lookup(void)
{
	static const char *const klaus[] = { "user=klaus@example.com",
		"host=10.152.188.113", "proxy", NULL };
	static const char *const user[] = { "user=user", "", NULL };
	struct capture c;

	test_begin("auth lookup output");
	adm_write_lookup(capture_open(&c), "passdb", "klaus@example.com",
		NULL, klaus);
	test_assert_strcmp(capture_close(&c),
		"passdb: klaus@example.com\n"
		"  user      : klaus@example.com\n"
		"  host      : 10.152.188.113\n"
		"  proxy     \n");
	/* An empty field prints as 12 spaces, as in doveadm. */
	adm_write_lookup(capture_open(&c), "passdb", "user", NULL, user);
	test_assert_strcmp(capture_close(&c),
		"passdb: user\n"
		"  user      : user\n"
		"            \n");
	adm_write_lookup_field(capture_open(&c), "host", klaus);
	test_assert_strcmp(capture_close(&c), "10.152.188.113\n");
	adm_write_lookup_field(capture_open(&c), "proxy", klaus);
	test_assert_strcmp(capture_close(&c), "");
	adm_write_lookup_field(capture_open(&c), "hos", klaus);
	test_assert_strcmp(capture_close(&c), "");
	test_end();
}

static void test_user_userdb_only(void)
{
	static const char *const fields[] = { "uid=10000", "gid=10000",
		"home=/home/user", "mail=maildir:~/Maildir",
		"quota_rule=*:storage=200M", NULL };
	static const char *const bare[] = { "", NULL };
	struct capture c;

	test_begin("user -u output");
	adm_write_lookup(capture_open(&c), "userdb", "user", "user", fields);
	test_assert_strcmp(capture_close(&c),
		"userdb: user\n"
		"  user      : user\n"
		"  uid       : 10000\n"
		"  gid       : 10000\n"
		"  home      : /home/user\n"
		"  mail      : maildir:~/Maildir\n"
		"  quota_rule: *:storage=200M\n");
	adm_write_lookup(capture_open(&c), "userdb", "bare@example.com",
		"bare@example.com", bare);
	test_assert_strcmp(capture_close(&c),
		"userdb: bare@example.com\n"
		"  user      : bare@example.com\n"
		"            \n");
	test_end();
}

static const char *rows_text(const char *const *rows)
{
	const char *text = "";

	for (unsigned int i = 0; rows[i] != NULL; i += 2)
		text = arena_printf(arena, "%s%s\t%s\n", text, rows[i],
			rows[i + 1]);
	return text;
}

static void test_user_rows(void)
{
	static const char *const klaus[] = { "uid=10000", "gid=10000",
		"home=/srv/vmail/example.com/klaus", NULL };
	static const char *const user[] = { "uid=10000", "gid=10000",
		"home=/home/user", "mail=maildir:~/Maildir",
		"quota_rule=*:storage=200M", NULL };
	static const char *const bare[] = { "", NULL };
	static const char *const no_forced[ADM_USER_SETTING_COUNT];
	const char *fallback[ADM_USER_SETTING_COUNT] = {
		"", "", "", "maildir:/tmp/dc/mail/klaus@example.com"
	};
	const char *forced[ADM_USER_SETTING_COUNT] = { "555", NULL, NULL,
		NULL };

	test_begin("user: field/value rows");
	/* mail comes from mail_location when the userdb has none. */
	test_assert_strcmp(rows_text(adm_user_rows(arena,
		"klaus@example.com", "klaus@example.com", klaus, no_forced,
		fallback)),
		"uid\t10000\n"
		"gid\t10000\n"
		"home\t/srv/vmail/example.com/klaus\n"
		"mail\tmaildir:/tmp/dc/mail/klaus@example.com\n");
	/* The userdb's mail wins; extra fields follow in order. */
	test_assert_strcmp(rows_text(adm_user_rows(arena, "user", "user",
		user, no_forced, fallback)),
		"uid\t10000\n"
		"gid\t10000\n"
		"home\t/home/user\n"
		"mail\tmaildir:~/Maildir\n"
		"quota_rule\t*:storage=200M\n");
	/* Nothing in the userdb: empty settings, and the empty field. */
	fallback[ADM_USER_MAIL] = "maildir:/tmp/dc/mail/bare@example.com";
	test_assert_strcmp(rows_text(adm_user_rows(arena, "bare@example.com",
		"bare@example.com", bare, no_forced, fallback)),
		"uid\t\n"
		"gid\t\n"
		"home\t\n"
		"mail\tmaildir:/tmp/dc/mail/bare@example.com\n"
		"\t\n");
	/* -o mail_uid=555 beats the userdb (doveadm -o); a changed user
	   name comes first. */
	test_assert_strcmp(rows_text(adm_user_rows(arena, "USER", "user",
		user, forced, fallback)),
		"user\tuser\n"
		"uid\t555\n"
		"gid\t10000\n"
		"home\t/home/user\n"
		"mail\tmaildir:~/Maildir\n"
		"quota_rule\t*:storage=200M\n");
	test_end();
}

static void test_wildcards(void)
{
	test_begin("user mask matching");
	test_assert(adm_wildcard_match_icase("klaus@example.com", "*"));
	test_assert(adm_wildcard_match_icase("klaus@example.com",
		"*@example.com"));
	test_assert(adm_wildcard_match_icase("Klaus@Example.COM",
		"k*@example.com"));
	test_assert(!adm_wildcard_match_icase("user", "*@example.com"));
	test_assert(adm_wildcard_match_icase("susi@example.com",
		"s?si@*.com"));
	test_assert(!adm_wildcard_match_icase("susi@example.com", "s?si"));
	test_assert(adm_wildcard_match_icase("", "*"));
	test_assert(!adm_wildcard_match_icase("", "?"));
	test_assert(adm_wildcard_match_icase("aaab", "*a*b"));
	test_assert(!adm_wildcard_match_icase("aaac", "*a*b"));
	test_assert(adm_wildcard_match_icase("abcabd", "*abd"));
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_auth_test,
		test_auth_lookup,
		test_user_userdb_only,
		test_user_rows,
		test_wildcards,
		NULL
	};
	int ret;

	arena = arena_create("test", 4096);
	ret = test_run(tests);
	arena_destroy(&arena);
	return ret;
}
