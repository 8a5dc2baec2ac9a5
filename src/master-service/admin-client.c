/*
 * admin-client.c - the client half of the master's admin socket (see
 * admin-client.h and docs/ipc/master.md).
 */
#include "lib.h"
#include "admin-client.h"

#include "array.h"
#include "buf.h"
#include "file.h"
#include "net.h"
#include "str.h"

#include <poll.h>

#define ADMIN_CLIENT_TIMEOUT_MSECS 10000
#define ADMIN_REPLY_MAX (4 * 1024 * 1024)

/* Reads until the final "+..." or "-..." line.  Returns 0 with the data
   lines, or -1. */
static int admin_read_reply(int fd, const char *path, struct arena *arena,
	const char *const **lines_r, const char **error_r)
{
	struct buf in;
	ARRAY(const char *) lines;
	size_t start = 0;
	int ret = -1;

	buf_init(&in, NULL, 4096, ADMIN_REPLY_MAX);
	array_init(&lines, arena, 16);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char chunk[4096];
		ssize_t n;
		char *nl;

		while ((nl = memchr(in.data + start, '\n',
				in.used - start)) != NULL) {
			char *line = in.data + start;

			*nl = '\0';
			start = (size_t)(nl - in.data) + 1;
			if (line[0] == '+') {
				ret = 0;
				goto done;
			}
			if (line[0] == '-') {
				*error_r = t_strdup(str_tabunescape(
					scratch_arena(), line + 1));
				goto done;
			}
			array_push(&lines, arena_strdup(arena, line));
		}
		if (poll(&pfd, 1, ADMIN_CLIENT_TIMEOUT_MSECS) <= 0) {
			*error_r = t_printf("%s: timeout waiting for reply",
				path);
			goto done;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = n == 0 ?
				t_printf("%s: disconnected", path) :
				t_printf("read(%s) failed: %s", path,
					strerror(errno));
			goto done;
		}
		if (buf_append(&in, chunk, (size_t)n) < 0) {
			*error_r = t_printf("%s: reply too large", path);
			goto done;
		}
	}
done:
	buf_free(&in);
	array_push(&lines, NULL);
	*lines_r = lines.v;
	return ret;
}

int admin_client_request(const char *base_dir, const char *const *fields,
	struct arena *arena, const char *const **lines_r,
	const char **error_r)
{
	const char *path = t_printf("%s/%s", base_dir, ADMIN_SOCKET_NAME);
	struct buf req;
	int fd, ret;

	fd = net_connect_unix(path);
	if (fd < 0) {
		*error_r = t_printf("connect(%s) failed: %s", path,
			strerror(errno));
		return -1;
	}
	buf_init(&req, NULL, 256, 64 * 1024);
	ret = buf_append_str(&req, "VERSION\troost-master\t1\t0\n");
	for (unsigned int i = 0; ret == 0 && fields[i] != NULL; i++) {
		ret = buf_printf(&req, "%s%s", i == 0 ? "" : "\t",
			str_tabescape(scratch_arena(), fields[i]));
	}
	if (ret == 0)
		ret = buf_append_c(&req, '\n');
	if (ret < 0) {
		*error_r = "Request too long";
	} else if (write_full(fd, req.data, req.used) < 0) {
		*error_r = t_printf("write(%s) failed: %s", path,
			strerror(errno));
		ret = -1;
	} else {
		ret = admin_read_reply(fd, path, arena, lines_r, error_r);
	}
	buf_free(&req);
	close(fd);
	return ret;
}

static int admin_simple(const char *base_dir, const char *cmd,
	const char **error_r)
{
	const char *fields[] = { cmd, NULL };
	const char *const *lines;
	struct arena *arena = arena_create("admin client", 1024);
	int ret;

	ret = admin_client_request(base_dir, fields, arena, &lines, error_r);
	if (ret < 0)
		*error_r = t_strdup(*error_r);
	arena_destroy(&arena);
	return ret;
}

int admin_client_reload(const char *base_dir, const char **error_r)
{
	return admin_simple(base_dir, "RELOAD", error_r);
}

int admin_client_stop(const char *base_dir, const char **error_r)
{
	return admin_simple(base_dir, "STOP", error_r);
}

int admin_client_log_errors(const char *base_dir, time_t since,
	struct arena *arena, struct admin_log_entry **entries_r,
	unsigned int *count_r, const char **error_r)
{
	const char *fields[] = { "LOG-ERRORS",
		t_printf("%lld", (long long)since), NULL };
	const char *const *lines;
	struct admin_log_entry *entries;
	unsigned int n;

	if (admin_client_request(base_dir, fields, arena, &lines, error_r) < 0)
		return -1;
	for (n = 0; lines[n] != NULL; n++)
		;
	entries = arena_new(arena, struct admin_log_entry, n == 0 ? 1 : n);
	for (unsigned int i = 0; i < n; i++) {
		char **f = str_split(arena, lines[i], "\t", false);
		int64_t ts;
		int level;

		if (str_array_length(f) != 4 || str_to_int64(f[0], &ts) < 0 ||
		    strlen(f[1]) != 1 ||
		    (level = log_level_from_char(f[1][0])) < 0) {
			*error_r = t_printf("Invalid LOG-ERRORS reply line: %s",
				lines[i]);
			return -1;
		}
		entries[i].timestamp = (time_t)ts;
		entries[i].level = (enum log_level)level;
		entries[i].prefix = str_tabunescape(arena, f[2]);
		entries[i].text = str_tabunescape(arena, f[3]);
	}
	*entries_r = entries;
	*count_r = n;
	return 0;
}

const char *admin_log_entry_format(const struct admin_log_entry *entry)
{
	char ts[64];
	struct tm tm;

	localtime_r(&entry->timestamp, &tm);
	if (strftime(ts, sizeof(ts), "%b %d %H:%M:%S", &tm) == 0)
		ts[0] = '\0';
	return t_printf("%s %s: %s%s", ts, log_level_name(entry->level),
		entry->prefix, entry->text);
}
