/*
 * bench-storage.c - measures the storage hot paths against the goals of
 * docs/storage.md: SELECT of a large mailbox (cold: first scan and index
 * build; warm: nothing changed), the memory of an idle session's view,
 * SEARCH BODY through FTS5 against scanning the messages, APPEND of many
 * messages, and STORE on a large view.
 *
 *	bench-storage [messages] [appends] [mail_fsync]
 *	(defaults 100000 2000 optimized)
 *
 * Works in a fresh temporary directory, removed at the end.
 */
#include "lib.h"
#include "storage.h"
#include "mail-search.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "str.h"
#include "message-parser.h"
#include "message-text.h"

#include <fcntl.h>
#include <ftw.h>
#include <malloc.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t now_usecs(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static const char *const words[] = {
	"meeting", "budget", "report", "holiday", "invoice", "project",
	"deadline", "coffee", "server", "release", "customer", "weather",
};

static struct mail_user *user_create(const struct config *config,
	const char *home)
{
	struct mail_user_params params;
	struct mail_user *user;
	const char *error;

	memset(&params, 0, sizeof(params));
	params.username = "bench";
	params.home = home;
	params.service = "imap";
	if (mail_user_create(config, &params, &user, &error) < 0)
		i_fatal("mail_user_create: %s", error);
	return user;
}

/* Writes count messages straight into cur/ as another program would. */
static void populate(const char *maildir, unsigned int count)
{
	char path[PATH_MAX];
	struct buf msg;

	buf_init(&msg, NULL, 1024, 0);
	for (unsigned int i = 0; i < count; i++) {
		int fd;

		buf_reset(&msg);
		if (buf_printf(&msg, "From: user%u@example.com\n"
				"To: bench@example.com\n"
				"Subject: %s number %u\n"
				"Date: Mon, 1 Jan 2024 10:%02u:00 +0000\n"
				"Message-ID: <%u@bench>\n\n"
				"Hello, this is about the %s and the %s.\n"
				"Line two of message %u.\n", i % 500,
				words[i % N_ELEMENTS(words)], i, i % 60, i,
				words[(i * 7) % N_ELEMENTS(words)],
				i % 1000 == 0 ? "zebracrossing" :
				words[(i * 3) % N_ELEMENTS(words)], i) < 0)
			i_panic("buf");
		(void)x_snprintf(path, sizeof(path),
			"%s/cur/1700000000.M%uP1.bench,S=%zu:2,%s", maildir, i,
			msg.used, i % 3 == 0 ? "S" : "");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write_full(fd, msg.data, msg.used) < 0)
			i_fatal("write %s: %m", path);
		close(fd);
	}
	buf_free(&msg);
}

static int rm_cb(const char *path, const struct stat *st ATTR_UNUSED,
	int flag ATTR_UNUSED, struct FTW *ftw ATTR_UNUSED)
{
	(void)remove(path);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned int count = 100000, appends = 2000;
	char tmpl[] = "/tmp/roost-bench.XXXXXX";
	const char *home, *maildir, *error;
	struct config *config;
	struct mail_user *user;
	struct mailbox *box;
	struct arena *arena;
	uint64_t t;
	size_t heap_before;

	if (argc > 1 && str_to_uint(argv[1], &count) < 0)
		i_fatal("bad message count");
	if (argc > 2 && str_to_uint(argv[2], &appends) < 0)
		i_fatal("bad append count");
	log_init(LOG_MODE_STDERR, "bench: ");
	home = mkdtemp(tmpl);
	if (home == NULL)
		i_fatal("mkdtemp: %m");
	maildir = t_printf("%s/Maildir", home);
	if (mkdir_parents(t_printf("%s/cur", maildir), 0700) < 0 ||
	    mkdir_parents(t_printf("%s/new", maildir), 0700) < 0 ||
	    mkdir_parents(t_printf("%s/tmp", maildir), 0700) < 0)
		i_fatal("mkdir: %m");
	if (config_load_string(t_printf("mail_location = maildir:~/Maildir\n"
			"mail_fsync = %s\n", argc > 3 ? argv[3] : "optimized"),
			"bench.conf", &config, &error) < 0)
		i_fatal("config: %s", error);
	arena = arena_create("bench", 65536);

	printf("messages: %u\n", count);
	populate(maildir, count);

	/* cold: UIDs assigned, index built */
	user = user_create(config, home);
	t = now_usecs();
	if (mailbox_open(user, "INBOX", 0, &box) < 0)
		i_fatal("open: %s", mail_user_get_last_error(user, NULL));
	printf("SELECT cold (scan + index build): %.1f ms\n",
		(now_usecs() - t) / 1000.0);
	mailbox_close(&box);
	mail_user_destroy(&user);

	/* warm: a new session, nothing changed */
	user = user_create(config, home);
	sleep(1); /* leave the directories' timestamp granularity window */
	if (mailbox_open(user, "INBOX", 0, &box) < 0)
		i_fatal("open: %s", mail_user_get_last_error(user, NULL));
	mailbox_close(&box);
	t = now_usecs();
	if (mailbox_open(user, "INBOX", 0, &box) < 0)
		i_fatal("open: %s", mail_user_get_last_error(user, NULL));
	printf("SELECT warm: %.1f ms\n", (now_usecs() - t) / 1000.0);
	mailbox_close(&box);
	/* memory of an idle session's view: without the index connection,
	   which an idling session releases */
	mail_user_release_memory(user);
	heap_before = heap_used();
	if (mailbox_open(user, "INBOX", 0, &box) < 0)
		i_fatal("open: %s", mail_user_get_last_error(user, NULL));
	mail_user_release_memory(user);
	printf("view memory (idle, index released): %zu bytes (%.1f bytes "
		"per message)\n", heap_used() - heap_before,
		(double)(heap_used() - heap_before) / count);

	/* SEARCH BODY: FTS (after the one-time catch-up) vs scanning */
	{
		struct mail_search_arg arg;
		struct mail_search_result result;
		struct mail *mail;
		struct message_search *ms;
		unsigned int matches = 0;

		memset(&arg, 0, sizeof(arg));
		arg.type = SEARCH_BODY;
		arg.value.str = "zebracross";
		t = now_usecs();
		if (mailbox_search(box, &arg, arena, &result) < 0)
			i_fatal("search failed");
		printf("SEARCH BODY first (indexes %u messages): %.1f ms, "
			"%u matches\n", count, (now_usecs() - t) / 1000.0,
			result.count);
		t = now_usecs();
		if (mailbox_search(box, &arg, arena, &result) < 0)
			i_fatal("search failed");
		printf("SEARCH BODY (FTS5): %.1f ms, %u matches\n",
			(now_usecs() - t) / 1000.0, result.count);

		ms = message_search_init(arena, "zebracross");
		mail = mail_alloc(box);
		t = now_usecs();
		for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
			struct message_part *parts;
			const void *data;
			size_t size;

			mail_set_seq(mail, seq);
			SCRATCH_BEGIN {
				struct mail_data md;

				if (mail_get_data(mail, &md) == 0) {
					data = md.mapped;
					size = md.physical_size;
					parts = message_parse(scratch_arena(),
						data, size, NULL,
						MESSAGE_PARSER_FLAG_PART_DATA);
					if (message_search_body(ms,
						    scratch_arena(), parts,
						    data, size))
						matches++;
				}
			} SCRATCH_END;
		}
		printf("SEARCH BODY by scanning files: %.1f ms, %u matches\n",
			(now_usecs() - t) / 1000.0, matches);
		mail_free(&mail);
	}

	/* STORE +FLAGS on every message */
	{
		struct mailbox_transaction *tr = mailbox_transaction_begin(box);
		struct mail_flag_update upd;

		memset(&upd, 0, sizeof(upd));
		upd.type = MAIL_MODIFY_ADD;
		upd.flags = MAIL_FLAGGED;
		t = now_usecs();
		for (uint32_t seq = 1; seq <= mailbox_get_count(box) &&
		     seq <= 10000; seq++)
			(void)mail_update_flags(tr, seq, &upd);
		if (mailbox_transaction_commit(&tr, NULL, NULL) < 0)
			i_fatal("store failed");
		printf("STORE +FLAGS on 10000 messages: %.1f ms\n",
			(now_usecs() - t) / 1000.0);
	}
	mailbox_close(&box);

	/* APPEND: one transaction per message, durable each */
	{
		struct mail_save_params params;
		const char *msg = "From: a@example.com\nSubject: append\n\n"
			"body of an appended message\n";

		memset(&params, 0, sizeof(params));
		if (mailbox_create(user, "Appends", false) < 0 ||
		    mailbox_open(user, "Appends", MAILBOX_OPEN_SAVEONLY,
			    &box) < 0)
			i_fatal("open: %s", mail_user_get_last_error(user,
				NULL));
		t = now_usecs();
		for (unsigned int i = 0; i < appends; i++) {
			if (mailbox_save_buffer(box, &params, msg, strlen(msg),
					NULL) < 0)
				i_fatal("append: %s",
					mail_user_get_last_error(user, NULL));
		}
		printf("APPEND %u messages (mail_fsync=%s): %.1f ms "
			"(%.2f ms each)\n", appends,
			argc > 3 ? argv[3] : "optimized",
			(now_usecs() - t) / 1000.0,
			(now_usecs() - t) / 1000.0 / appends);
		mailbox_close(&box);
	}
	mail_user_destroy(&user);
	config_free(&config);
	arena_destroy(&arena);
	(void)nftw(home, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
