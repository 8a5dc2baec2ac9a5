/*
 * test-config-fixtures.c - the dovecot.conf fixtures quoted in the
 * requirement files (copied to tests/fixtures/config/, one file per
 * fixture, named by requirement id).  tests/fixtures/config/EXPECTED says
 * what real Dovecot 2.3.19 (doveconf -x -n) did with each: "accept",
 * "reject<TAB>LINE: MESSAGE" (a parse error, which we must report with
 * the same line and text) or "invalid<TAB>MESSAGE" (an error without a
 * line).  Also checks that each setting the requirements flag as invented
 * or as Dovecot 1.x is rejected alone.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "config.h"
#include "test-common.h"

#ifndef CONFIG_TEST_FIXTURE_DIR
#  error CONFIG_TEST_FIXTURE_DIR not defined
#endif

/* want with every occurrence of name prefixed by the fixture dir. */
static const char *prefix_paths(const char *want, const char *name)
{
	struct buf b;
	const char *p;

	buf_init(&b, scratch_arena(), 256, 0);
	while ((p = strstr(want, name)) != NULL) {
		if (buf_append(&b, want, (size_t)(p - want)) < 0 ||
		    buf_printf(&b, "%s/%s", CONFIG_TEST_FIXTURE_DIR, name) < 0)
			i_panic("unbounded buffer failed");
		want = p + strlen(name);
	}
	if (buf_append_str(&b, want) < 0)
		i_panic("unbounded buffer failed");
	return buf_cstr(&b);
}

static void check_fixture(const char *name, const char *expect,
	const char *message)
{
	const char *path = t_printf("%s/%s", CONFIG_TEST_FIXTURE_DIR, name);
	struct config *c = NULL;
	const char *error = NULL;
	int ret;

	ret = config_load_file(path, &c, &error);
	if (strcmp(expect, "accept") == 0) {
		if (ret < 0)
			fprintf(stderr, "%s: unexpected error: %s\n", name, error);
		test_assert(ret == 0);
	} else if (strcmp(expect, "reject") == 0) {
		test_assert(ret < 0);
		if (ret < 0)
			test_assert_strcmp(error, t_printf("%s:%s", path, message));
	} else {
		/* No line number: Dovecot's message names the file (relative
		   to the fixture directory) without one. */
		const char *want = message;

		test_assert(ret < 0);
		if (str_begins(want, "Error in configuration file "))
			want += strlen("Error in configuration file ");
		if (ret < 0)
			test_assert_strcmp(error, prefix_paths(want, name));
	}
	config_free(&c);
}

static void test_fixtures(void)
{
	const char *path = CONFIG_TEST_FIXTURE_DIR "/EXPECTED";
	char line[2048];
	unsigned int count = 0, accepted = 0;
	FILE *f;

	test_begin("requirement fixtures");
	f = fopen(path, "r");
	test_assert(f != NULL);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char **fields;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		fields = str_split(scratch_arena(), line, "\t", false);
		test_assert(fields[1] != NULL);
		if (fields[1] == NULL)
			continue;
		check_fixture(fields[0], fields[1],
			fields[2] == NULL ? "" : fields[2]);
		count++;
		if (strcmp(fields[1], "accept") == 0)
			accepted++;
	}
	if (f != NULL)
		fclose(f);
	test_assert(count >= 100 && accepted >= 80);
	test_end();
}

static void test_invented_settings(void)
{
	/* requirements 04 §10.7, AS-S4-1, S4-49 and the 1.x spellings */
	static const char *const invented[] = {
		"ipv6", "loginProcesses", "version_avoid",
		"mail_create_maildir_if_missing", "mailbox_names", "mail_dir",
		"sieve_vacation_use_domain", "sync_time_to_live",
		"replicator_rows_per_checkpoint",
		"replicator_sync_time_to_live", "imap_logging",
		"imap_log_in_failed",
	};
	static const char *const obsolete[][2] = {
		{ "mail_process_size",
			"has been replaced by service { vsz_limit }" },
		{ "login_dir", "has been removed" },
		{ "login_chroot", "has been replaced by service { chroot }" },
		{ "login_user", "has been replaced by service { user }" },
		{ "ssl_cert_file", "has been replaced by ssl_cert = <file" },
	};
	static const char valid_subset[] =
		"protocols = imap pop3\n"
		"listen = *, ::\n"
		"base_dir = /var/run/dovecot/\n"
		"default_process_limit = 1024\n"
		"mail_max_userip_connections = 50\n";
	struct config *c = NULL;
	const char *error;
	unsigned int i;

	test_begin("invented settings are rejected alone");
	for (i = 0; i < N_ELEMENTS(invented); i++) {
		const char *text = t_printf("%s = 1\n", invented[i]);

		test_assert(config_load_string(text, "/etc/dovecot.conf", &c,
			&error) < 0);
		test_assert_strcmp(error, t_printf("/etc/dovecot.conf:1: "
			"Unknown setting: %s", invented[i]));
		text = t_printf("%s%s = 1\n", valid_subset, invented[i]);
		test_assert(config_load_string(text, "/etc/dovecot.conf", &c,
			&error) < 0);
		test_assert_strcmp(error, t_printf("/etc/dovecot.conf:6: "
			"Unknown setting: %s", invented[i]));
	}
	for (i = 0; i < N_ELEMENTS(obsolete); i++) {
		const char *text = t_printf("%s = 1\n", obsolete[i][0]);

		test_assert(config_load_string(text, "/etc/dovecot.conf", &c,
			&error) < 0);
		test_assert_strcmp(error, t_printf("/etc/dovecot.conf:1: "
			"Obsolete setting: %s %s", obsolete[i][0],
			obsolete[i][1]));
	}
	test_assert(config_load_string(valid_subset, "/etc/dovecot.conf", &c,
		&error) == 0);
	test_assert_strcmp(config_get(c, NULL, "listen"), "*, ::");
	config_free(&c);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_fixtures,
		test_invented_settings,
		NULL
	};
	return test_run(tests);
}
