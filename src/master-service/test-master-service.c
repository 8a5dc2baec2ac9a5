/*
 * test-master-service.c - unit tests for the pure parts of the master/
 * service contract: the listener and user encodings of the environment,
 * the first/last_valid_uid checks, and the doveadm log errors format.
 */
#include "lib.h"
#include "admin-client.h"
#include "master-interface.h"
#include "restrict-access.h"
#include "test-common.h"

#include <sys/wait.h>
#include <time.h>

static void test_listeners_roundtrip(void)
{
	struct arena *arena = arena_create("test", 1024);
	const struct master_listener_info in[] = {
		{ MASTER_LISTENER_INET, "imap", false, false },
		{ MASTER_LISTENER_INET, "imaps", true, false },
		{ MASTER_LISTENER_INET, "imap-proxy", false, true },
		{ MASTER_LISTENER_UNIX, "login/login", false, false },
		{ MASTER_LISTENER_FIFO, "weird name:%\t", true, true },
	};
	struct master_listener_info *out;
	unsigned int count;
	const char *enc, *error;

	test_begin("listeners encode/decode");
	enc = master_listeners_encode(arena, in, N_ELEMENTS(in));
	test_assert_strcmp(enc, "inet:-:imap inet:s:imaps inet:h:imap-proxy "
		"unix:-:login/login fifo:sh:weird%20name%3A%25%09");
	test_assert(master_listeners_decode(arena, enc, &out, &count,
		&error) == 0);
	test_assert(count == N_ELEMENTS(in));
	for (unsigned int i = 0; i < count && i < N_ELEMENTS(in); i++) {
		test_assert(out[i].type == in[i].type);
		test_assert_strcmp(out[i].name, in[i].name);
		test_assert(out[i].ssl == in[i].ssl);
		test_assert(out[i].haproxy == in[i].haproxy);
	}
	test_assert(master_listeners_decode(arena, "", &out, &count,
		&error) == 0 && count == 0);
	test_end();
	arena_destroy(&arena);
}

static void test_listeners_invalid(void)
{
	static const char *const bad[] = {
		"inet", "inet:-", "tcp:-:imap", "inet::imap", "inet:x:imap",
		"inet:ss:imap", "inet:-:", "inet:-:a%2", "inet:-:a%zz",
		"inet:-:a%00b", "inet:-:a b:c", "inet:-:sp ace\x01",
	};
	struct arena *arena = arena_create("test", 1024);
	struct master_listener_info *out;
	unsigned int count;
	const char *error;

	test_begin("listeners decode rejects malformed input");
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++) {
		error = NULL;
		test_assert(master_listeners_decode(arena, bad[i], &out,
			&count, &error) < 0);
		test_assert(error != NULL);
	}
	SCRATCH_BEGIN {
		/* More than MASTER_LISTENERS_MAX records. */
		const char *many = "";

		for (unsigned int i = 0; i <= MASTER_LISTENERS_MAX; i++)
			many = t_printf("%s unix:-:l%u", many, i);
		test_assert(master_listeners_decode(arena, many, &out, &count,
			&error) < 0);
	} SCRATCH_END;
	test_end();
	arena_destroy(&arena);
}

static void test_restrict_user_roundtrip(void)
{
	struct arena *arena = arena_create("test", 1024);
	gid_t gids[] = { 10, 20, 30 };
	struct master_restrict_user in = { 103, 106, gids, 3, "dovenull" };
	struct master_restrict_user out;
	const char *enc, *error;

	test_begin("restrict user encode/decode");
	enc = master_restrict_user_encode(arena, &in);
	test_assert_strcmp(enc, "103:106:10,20,30:dovenull");
	test_assert(master_restrict_user_decode(arena, enc, &out,
		&error) == 0);
	test_assert(out.uid == 103 && out.gid == 106);
	test_assert(out.extra_gids_count == 3 && out.extra_gids[2] == 30);
	test_assert_strcmp(out.name, "dovenull");
	test_assert(master_restrict_user_decode(arena, "1:2::", &out,
		&error) == 0);
	test_assert(out.extra_gids_count == 0);
	test_assert_strcmp(out.name, "");
	test_assert(master_restrict_user_decode(arena, "1:2:", &out,
		&error) < 0);
	test_assert(master_restrict_user_decode(arena, "x:2::u", &out,
		&error) < 0);
	test_assert(master_restrict_user_decode(arena, "1:2:3,,4:u", &out,
		&error) < 0);
	test_assert(master_restrict_user_decode(arena,
		"4294967295:2::u", &out, &error) < 0);
	test_end();
	arena_destroy(&arena);
}

static void test_check_ids(void)
{
	struct restrict_access_valid_ids ids = { 500, 0, 1, 0 };
	const char *error = NULL;

	test_begin("first/last_valid_uid/gid checks");
	test_assert(restrict_access_check_ids(&ids, 1000, 1000,
		"userdb lookup", &error) == 0);
	test_assert(restrict_access_check_ids(&ids, 8, 8, "userdb lookup",
		&error) < 0);
	test_assert_strcmp(error, "Mail access for users with UID 8 not "
		"permitted (see first_valid_uid in config file, uid from "
		"userdb lookup).");
	test_assert(restrict_access_check_ids(&ids, 600, 0, "userdb lookup",
		&error) < 0);
	test_assert_strcmp(error, "Mail access for users with GID 0 not "
		"permitted (see first_valid_gid in config file, gid from "
		"userdb lookup).");
	test_assert(restrict_access_check_ids(&ids, 600, (gid_t)-1, "x",
		&error) == 0);
	ids.last_valid_uid = 999;
	test_assert(restrict_access_check_ids(&ids, 1000, 1000, "x",
		&error) < 0);
	test_assert_strcmp(error, "Mail access for users with UID 1000 not "
		"permitted (see last_valid_uid in config file, uid from x).");
	test_assert(restrict_access_check_ids(&ids, 999, 1000, "x",
		&error) == 0);
	test_end();
}

static void test_restrict_nonroot(void)
{
	const char *error = NULL;

	test_begin("restrict_access refuses root without allow_root");
	if (geteuid() == 0) {
		struct restrict_access_settings set;

		restrict_access_settings_init(&set);
		set.uid = 0;
		test_assert(restrict_access(&set, &error) < 0);
		test_assert(error != NULL &&
			strstr(error, "root") != NULL);
	} else {
		/* Asking for our own ids works without root. */
		test_assert(restrict_access_simple(geteuid(), getegid(),
			NULL, NULL, false, &error) == 0);
		/* Asking for someone else's does not. */
		test_assert(restrict_access_simple(geteuid() + 1, (gid_t)-1,
			NULL, NULL, false, &error) < 0);
	}
	test_assert(restrict_access_lookup_user("no-such-user-roost-test",
		&(uid_t){ 0 }, &(gid_t){ 0 }, &error) < 0);
	test_assert_strcmp(error,
		"User doesn't exist: no-such-user-roost-test");
	test_assert(restrict_access_lookup_group("no-such-group-roost-test",
		&(gid_t){ 0 }, &error) < 0);
	test_assert_strcmp(error,
		"Group doesn't exist: no-such-group-roost-test");
	test_end();
}

static void test_restrict_as_root(void)
{
	uid_t uid;
	gid_t gid;
	const char *error;
	pid_t pid;
	int status;

	test_begin("restrict_access drops root for good (root only)");
	if (geteuid() != 0 ||
	    restrict_access_lookup_user("nobody", &uid, &gid, &error) < 0) {
		test_end();
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct restrict_access_settings set;
		uid_t r, e, sv;
		gid_t groups[4];
		int n;

		restrict_access_settings_init(&set);
		set.uid = uid;
		set.gid = gid;
		if (restrict_access(&set, &error) < 0)
			_exit(2);
		if (getresuid(&r, &e, &sv) < 0 || r != uid || e != uid ||
		    sv != uid)
			_exit(3);
		n = getgroups(N_ELEMENTS(groups), groups);
		if (n != 1 || groups[0] != gid)
			_exit(4);
		if (setuid(0) == 0 || seteuid(0) == 0)
			_exit(5);
		_exit(0);
	}
	test_assert(pid > 0);
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_end();
}

static void test_log_entry_format(void)
{
	struct admin_log_entry e;
	struct tm tm;

	test_begin("doveadm log errors line format");
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 24;
	tm.tm_hour = 11;
	tm.tm_min = 6;
	tm.tm_sec = 57;
	tm.tm_isdst = -1;
	e.timestamp = mktime(&tm);
	e.level = LOG_LEVEL_ERROR;
	e.prefix = "imap(user)<1234><abc>: ";
	e.text = "text";
	test_assert_strcmp(admin_log_entry_format(&e),
		"Nov 24 11:06:57 Error: imap(user)<1234><abc>: text");
	e.level = LOG_LEVEL_FATAL;
	e.prefix = "";
	test_assert_strcmp(admin_log_entry_format(&e),
		"Nov 24 11:06:57 Fatal: text");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_listeners_roundtrip,
		test_listeners_invalid,
		test_restrict_user_roundtrip,
		test_check_ids,
		test_restrict_nonroot,
		test_restrict_as_root,
		test_log_entry_format,
		NULL
	};

	return test_run(tests);
}
