/*
 * maildir-subscriptions.c - the subscriptions file as Dovecot 2.3 reads
 * and writes it (see maildir-subscriptions.h).
 */
#include "lib.h"
#include "array.h"
#include "buf.h"
#include "file.h"
#include "str.h"
#include "maildir-dotlock.h"
#include "maildir-subscriptions.h"
#include "maildir-util.h"

#include <sys/stat.h>

static const char version2_header[] = "V\t2\n\n";

struct name_list {
	ARRAY(const char *) arr;
};

/* Splits data into lines (LF or CRLF; a last line without LF counts). */
static void split_lines(struct arena *arena, const char *data, size_t size,
	struct name_list *lines)
{
	const char *p = data, *end = data + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl == NULL ? end : nl) - p);

		if (len > 0 && p[len - 1] == '\r')
			len--;
		array_push(&lines->arr, arena_strndup(arena, p, len));
		p = nl == NULL ? end : nl + 1;
	}
}

static const char *v2_unescape(struct arena *arena, const char *line,
	char sep)
{
	struct buf out;
	const char *p;

	/* Levels are TAB-separated, each tab-escaped. */
	buf_init(&out, NULL, strlen(line) + 1, 0);
	for (p = line; *p != '\0'; p++) {
		if (*p == '\t') {
			ubuf_append_c(&out, sep);
		} else if (*p == '\001' && p[1] != '\0') {
			p++;
			switch (*p) {
			case '1':
				ubuf_append_c(&out, '\001');
				break;
			case 't':
				ubuf_append_c(&out, '\t');
				break;
			case 'r':
				ubuf_append_c(&out, '\r');
				break;
			case 'n':
				ubuf_append_c(&out, '\n');
				break;
			default:
				ubuf_append_c(&out, *p);
				break;
			}
		} else {
			ubuf_append_c(&out, *p);
		}
	}
	return ubuf_finish(&out, arena);
}

static const char *v2_escape(struct arena *arena, const char *name, char sep)
{
	struct buf out;
	const char *p;

	buf_init(&out, NULL, strlen(name) + 8, 0);
	for (p = name; *p != '\0'; p++) {
		if (*p == sep)
			ubuf_append_c(&out, '\t');
		else if (*p == '\001')
			ubuf_append_str(&out, "\0011");
		else if (*p == '\t')
			ubuf_append_str(&out, "\001t");
		else if (*p == '\r')
			ubuf_append_str(&out, "\001r");
		else if (*p == '\n')
			ubuf_append_str(&out, "\001n");
		else
			ubuf_append_c(&out, *p);
	}
	return ubuf_finish(&out, arena);
}

static bool has_v2_header(const char *data, size_t size)
{
	return size >= sizeof(version2_header) - 1 &&
		memcmp(data, version2_header, sizeof(version2_header) - 1) == 0;
}

void maildir_subscriptions_parse(struct arena *arena, const char *data,
	size_t size, char sep, const char ***names_r, unsigned int *count_r)
{
	struct name_list lines, names;
	bool v2 = has_v2_header(data, size);
	unsigned int i;

	array_init(&lines.arr, arena, 16);
	array_init(&names.arr, arena, 16);
	if (v2) {
		data += sizeof(version2_header) - 1;
		size -= sizeof(version2_header) - 1;
	}
	split_lines(arena, data, size, &lines);
	for (i = 0; i < lines.arr.count; i++) {
		const char *name = lines.arr.v[i];

		if (name[0] == '\0')
			continue;
		if (v2)
			name = v2_unescape(arena, name, sep);
		if (strcasecmp(name, "INBOX") == 0)
			name = "INBOX";
		array_push(&names.arr, name);
	}
	array_push(&names.arr, NULL);
	*names_r = names.arr.v;
	*count_r = names.arr.count - 1;
}

int maildir_subscriptions_read(const char *path, char sep,
	struct arena *arena, const char ***names_r, unsigned int *count_r,
	const char **error_r)
{
	struct buf data;

	buf_init(&data, NULL, 1024, MAILDIR_SUBSCRIPTIONS_MAX_SIZE);
	if (file_read_all(path, MAILDIR_SUBSCRIPTIONS_MAX_SIZE, &data,
			error_r) < 0) {
		buf_free(&data);
		if (errno != ENOENT)
			return -1;
		maildir_subscriptions_parse(arena, "", 0, sep, names_r,
			count_r);
		return 0;
	}
	maildir_subscriptions_parse(arena, buf_cstr(&data), data.used, sep,
		names_r, count_r);
	buf_free(&data);
	return 0;
}

int maildir_subscriptions_set(const char *path, char sep, const char *name,
	bool set, mode_t mode, bool do_fsync, const char **error_r)
{
	struct maildir_dotlock_settings lock_set = {
		.timeout_secs = MAILDIR_SUBSCRIPTIONS_LOCK_TIMEOUT,
		.stale_timeout_secs = MAILDIR_SUBSCRIPTIONS_STALE_TIMEOUT,
		.mode = mode,
	};
	struct maildir_dotlock *lock;
	struct arena *arena;
	struct name_list lines;
	struct buf data, out;
	const char *escaped;
	bool v2, found = false, changed = false;
	unsigned int i;
	int ret;

	if (name[0] == '\0' || strpbrk(name, "\r\n") != NULL) {
		*error_r = "Invalid mailbox name";
		return -1;
	}
	if (strcasecmp(name, "INBOX") == 0)
		name = "INBOX";
	ret = maildir_dotlock_open(&lock_set, path, &lock, error_r);
	if (ret == 0) {
		*error_r = "Timeout waiting for subscription file lock";
		return -1;
	}
	if (ret < 0)
		return -1;

	buf_init(&data, NULL, 1024, MAILDIR_SUBSCRIPTIONS_MAX_SIZE);
	if (file_read_all(path, MAILDIR_SUBSCRIPTIONS_MAX_SIZE, &data,
			error_r) < 0 && errno != ENOENT) {
		const char *error2;

		buf_free(&data);
		(void)maildir_dotlock_delete(&lock, &error2);
		return -1;
	}
	arena = arena_create("subscriptions", 1024);
	/* Dovecot 2.3 writes new files in version 2; existing version 1
	   files stay version 1. */
	v2 = data.used == 0 || has_v2_header(buf_cstr(&data), data.used);
	array_init(&lines.arr, arena, 16);
	if (data.used > 0) {
		size_t skip = v2 ? sizeof(version2_header) - 1 : 0;

		split_lines(arena, buf_cstr(&data) + skip, data.used - skip,
			&lines);
	}
	escaped = v2 ? v2_escape(arena, name, sep) : name;

	buf_init(&out, NULL, data.used + 64, 0);
	if (v2)
		ubuf_append_str(&out, version2_header);
	for (i = 0; i < lines.arr.count; i++) {
		const char *line = lines.arr.v[i];

		if (line[0] == '\0')
			continue;
		if (strcmp(line, escaped) == 0) {
			found = true;
			if (!set) {
				changed = true;
				continue;
			}
		}
		ubuf_append_str(&out, line);
		ubuf_append_c(&out, '\n');
	}
	if (set && !found) {
		ubuf_append_str(&out, escaped);
		ubuf_append_c(&out, '\n');
		changed = true;
	}
	buf_free(&data);
	ret = 0;
	if (!changed) {
		const char *error2;

		(void)maildir_dotlock_delete(&lock, &error2);
	} else if (write_full(maildir_dotlock_get_fd(lock), out.data,
			out.used) < 0 ||
		   fchmod(maildir_dotlock_get_fd(lock), mode) < 0) {
		const char *error2;

		*error_r = t_printf("write(%s) failed: %s",
			maildir_dotlock_get_lock_path(lock), strerror(errno));
		(void)maildir_dotlock_delete(&lock, &error2);
		ret = -1;
	} else if (maildir_dotlock_replace(&lock, true, do_fsync,
			error_r) < 0) {
		ret = -1;
	} else {
		ret = 1;
	}
	buf_free(&out);
	arena_destroy(&arena);
	return ret;
}
