/*
 * test-config-values.c - unit tests of the value types (booleans, numbers,
 * sizes, time intervals, octal modes, networks) and of the schema tables
 * (sorted, every default valid for its type, supported flags).
 */
#include "lib.h"
#include "config-private.h"
#include "test-common.h"

#include <sys/socket.h>

static void test_sizes_and_times(void)
{
	const char *error;
	uint64_t n;
	unsigned int u;
	bool b;

	test_begin("sizes, times, numbers, booleans");
	test_assert(config_parse_size("0", &n, &error) == 0 && n == 0);
	test_assert(config_parse_size("10M", &n, &error) == 0 &&
		n == 10 * 1024 * 1024);
	test_assert(config_parse_size("10 MB", &n, &error) == 0 &&
		n == 10 * 1024 * 1024);
	test_assert(config_parse_size("2 G", &n, &error) == 0 &&
		n == 2ULL << 30);
	test_assert(config_parse_size("1t", &n, &error) == 0 && n == 1ULL << 40);
	test_assert(config_parse_size("64 k", &n, &error) == 0 && n == 65536);
	test_assert(config_parse_size("5B", &n, &error) == 0 && n == 5);
	test_assert(config_parse_size("18446744073709551615 B", &n,
		&error) == 0 && n == UINT64_MAX);
	test_assert(config_parse_size("18446744073709551615 K", &n,
		&error) < 0);
	test_assert(config_parse_size("10 X", &n, &error) < 0);
	test_assert_strcmp(error, "Invalid size: 10 X");
	test_assert(config_parse_size("", &n, &error) < 0);

	test_assert(config_parse_time("0", false, &n, &error) == 0 && n == 0);
	test_assert(config_parse_time("30s", false, &n, &error) == 0 &&
		n == 30000);
	test_assert(config_parse_time("1 min", false, &n, &error) == 0 &&
		n == 60000);
	test_assert(config_parse_time("2 hours", false, &n, &error) == 0 &&
		n == 7200000);
	test_assert(config_parse_time("1 days", false, &n, &error) == 0 &&
		n == 86400000);
	test_assert(config_parse_time("2 weeks", false, &n, &error) == 0 &&
		n == 14 * 86400000ULL);
	test_assert(config_parse_time("4294967295 secs", false, &n,
		&error) == 0);
	test_assert(config_parse_time("250 ms", true, &n, &error) == 0 &&
		n == 250);
	test_assert(config_parse_time("2000 msecs", false, &n, &error) == 0 &&
		n == 2000);
	test_assert(config_parse_time("250 ms", false, &n, &error) < 0);
	test_assert(config_parse_time("2 fortnights", false, &n, &error) < 0);
	test_assert_strcmp(error, "Invalid time interval: 2 fortnights");
	test_assert(config_parse_time("15", false, &n, &error) < 0);

	test_assert(config_parse_bool("yes", &b, &error) == 0 && b);
	test_assert(config_parse_bool("Y", &b, &error) == 0 && b);
	test_assert(config_parse_bool("no", &b, &error) == 0 && !b);
	test_assert(config_parse_bool("0", &b, &error) == 0 && !b);
	test_assert(config_parse_bool("true", &b, &error) < 0);

	test_assert(config_parse_uint("4294967295", &u, &error) == 0 &&
		u == UINT_MAX);
	test_assert(config_parse_uint("4294967296", &u, &error) < 0);
	test_assert(config_parse_octal("0600", &u, &error) == 0 && u == 0600);
	test_assert(config_parse_octal("8", &u, &error) == 0 && u == 8);
	test_assert(config_parse_octal("0680", &u, &error) < 0);
	test_end();
}

static void test_value_equals(void)
{
	const struct config_setting_def t = { "x", CONFIG_TYPE_TIME, "1 hours",
		NULL, true };
	const struct config_setting_def s = { "x", CONFIG_TYPE_SIZE, "0",
		NULL, true };
	const struct config_setting_def b = { "x", CONFIG_TYPE_BOOL, "no",
		NULL, true };
	const struct config_setting_def str = { "x", CONFIG_TYPE_STR, "",
		NULL, true };

	test_begin("typed value comparison");
	test_assert(config_value_equals(&t, "1h", "60 mins"));
	test_assert(!config_value_equals(&t, "1h", "61 mins"));
	test_assert(config_value_equals(&s, "1024", "1k"));
	test_assert(config_value_equals(&b, "no", "n"));
	test_assert(!config_value_equals(&str, "a", "A"));
	test_end();
}

static void test_networks(void)
{
	struct config_net net;
	const char *error;

	test_begin("networks");
	test_assert(config_parse_net("10.1.0.0/16", &net, &error) == 0);
	test_assert(net.family == AF_INET && net.bits == 16);
	test_assert(config_net_match(&net, "10.1.200.3"));
	test_assert(!config_net_match(&net, "10.2.0.1"));
	test_assert(config_net_match(&net, "::ffff:10.1.2.3"));
	test_assert(!config_net_match(&net, NULL));
	test_assert(!config_net_match(&net, "garbage"));
	test_assert(config_parse_net("10.1.2.3", &net, &error) == 0 &&
		net.bits == 32);
	test_assert(config_parse_net("2001:db8::/33", &net, &error) == 0);
	test_assert(config_net_match(&net, "2001:db8:7fff::1"));
	test_assert(!config_net_match(&net, "2001:db8:8000::1"));
	test_assert(config_parse_net("10.0.0.0/40", &net, &error) < 0);
	test_assert_strcmp(error, "Invalid network mask: 40");
	test_end();
}

static void test_schema(void)
{
	unsigned int i;
	const char *error;

	test_begin("schema tables");
	for (i = 0; i < config_global_settings_count; i++) {
		const struct config_setting_def *def =
			&config_global_settings[i];

		if (i > 0)
			test_assert(strcmp(config_global_settings[i - 1].name,
				def->name) < 0);
		if (config_value_check(def, def->default_value, &error) < 0) {
			fprintf(stderr, "%s: %s\n", def->name, error);
			test_assert(false);
		}
		test_assert(config_schema_global_index(def->name) == (int)i);
	}
	test_assert(config_global_settings_count >= 300);
	test_assert(config_schema_global_index("nonexistent") < 0);
	test_assert(config_setting_exists("mail_location"));
	test_assert(!config_setting_exists("loginProcesses"));
	test_assert(config_setting_is_supported("mail_location"));
	test_assert(config_setting_is_supported("first_valid_uid"));
	test_assert(config_setting_is_supported("auth_mechanisms"));
	test_assert(!config_setting_is_supported("imapc_host"));
	test_assert(!config_setting_is_supported("nonexistent"));
	test_end();
}

static void test_word_lists(void)
{
	const char *error = NULL;

	test_begin("word-list settings (client workarounds)");
	test_assert(config_check_word_list("imap_client_workarounds",
		"delay-newmail tb-extra-mailbox-sep,tb-lsub-flags", &error) == 0);
	test_assert(config_check_word_list("imap_client_workarounds", "",
		&error) == 0);
	test_assert(config_check_word_list("imap_client_workarounds",
		" , delay-newmail ,", &error) == 0);
	test_assert(config_check_word_list("imap_client_workarounds",
		"delay-newmail delay", &error) < 0);
	test_assert_strcmp(error,
		"imap_client_workarounds: Unknown workaround: delay");
	test_assert(config_check_word_list("pop3_client_workarounds",
		"oe-ns-eoh outlook-no-nuls", &error) == 0);
	test_assert(config_check_word_list("pop3_client_workarounds",
		"delay-newmail", &error) < 0);
	test_assert(config_check_word_list("lmtp_client_workarounds",
		"mailbox-for-path", &error) == 0);
	/* other strings are free */
	test_assert(config_check_word_list("login_greeting", "foo bar",
		&error) == 0);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_sizes_and_times,
		test_value_equals,
		test_networks,
		test_schema,
		test_word_lists,
		NULL
	};
	return test_run(tests);
}
