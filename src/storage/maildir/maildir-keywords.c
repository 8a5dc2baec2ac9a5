/*
 * maildir-keywords.c - the dovecot-keywords file (see maildir-keywords.h).
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-dotlock.h"
#include "maildir-filename.h"
#include "maildir-keywords.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

/* Dovecot's dovecot-keywords.lock timeouts. */
#define KEYWORDS_LOCK_STALE_TIMEOUT (60 * 2)

struct maildir_keywords {
	char *names[MAILDIR_MAX_KEYWORDS];
	/* mtime of the file as last read or written (0 = none). */
	time_t synced_mtime;
	bool changed;
};

struct maildir_keywords *maildir_keywords_create(void)
{
	return i_new(struct maildir_keywords, 1);
}

static void keywords_clear(struct maildir_keywords *mk)
{
	unsigned int i;

	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++)
		i_free(mk->names[i]);
}

void maildir_keywords_destroy(struct maildir_keywords **_mk)
{
	struct maildir_keywords *mk = *_mk;

	if (mk == NULL)
		return;
	*_mk = NULL;
	keywords_clear(mk);
	i_free(mk);
}

/* The index of a line: digits only, < 26. */
static int parse_idx(const char *s, size_t len)
{
	unsigned int idx = 0;
	size_t i;

	if (len == 0 || len > 2)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		idx = idx * 10 + (unsigned int)(s[i] - '0');
	}
	return idx < MAILDIR_MAX_KEYWORDS ? (int)idx : -1;
}

unsigned int maildir_keywords_parse(struct maildir_keywords *mk,
	const char *data, size_t size)
{
	const char *p = data, *end = data + size;
	unsigned int skipped = 0;

	keywords_clear(mk);
	mk->changed = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl == NULL ? end : nl;
		const char *sp;
		size_t len = (size_t)(line_end - p);
		int idx;

		if (len > 0 && p[len - 1] == '\r')
			len--;
		sp = memchr(p, ' ', len);
		/* Lines without a space (e.g. the first line of an old
		   .customflags file), bad indexes and empty or unusable
		   names are skipped, as Dovecot does. */
		if (sp == NULL)
			skipped++;
		else if ((idx = parse_idx(p, (size_t)(sp - p))) < 0)
			skipped++;
		else {
			size_t name_len = len - (size_t)(sp + 1 - p);
			char *name = i_strndup(sp + 1, name_len);

			if (name_len == 0 || strlen(name) != name_len ||
			    name_len > MAILDIR_KEYWORD_MAX_NAME_LEN) {
				i_free(name);
				skipped++;
			} else {
				i_free(mk->names[idx]);
				mk->names[idx] = name;
			}
		}
		p = nl == NULL ? end : nl + 1;
	}
	return skipped;
}

int maildir_keywords_read(struct maildir_keywords *mk, const char *path,
	bool force, const char **error_r)
{
	struct stat st;
	struct buf data;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			*error_r = t_printf("stat(%s) failed: %s", path,
				strerror(errno));
			return -1;
		}
		keywords_clear(mk);
		mk->synced_mtime = 0;
		mk->changed = false;
		return 0;
	}
	if (!force && st.st_mtime == mk->synced_mtime && st.st_mtime != 0)
		return 0;
	buf_init(&data, NULL, 1024, MAILDIR_KEYWORDS_MAX_SIZE);
	if (file_read_all(path, MAILDIR_KEYWORDS_MAX_SIZE, &data,
			error_r) < 0) {
		buf_free(&data);
		if (errno == ENOENT) {
			keywords_clear(mk);
			mk->synced_mtime = 0;
			return 0;
		}
		return -1;
	}
	(void)maildir_keywords_parse(mk, buf_cstr(&data), data.used);
	mk->synced_mtime = st.st_mtime;
	buf_free(&data);
	return 0;
}

int maildir_keywords_lookup(const struct maildir_keywords *mk,
	const char *name)
{
	unsigned int i;

	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if (mk->names[i] != NULL && strcasecmp(mk->names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

const char *maildir_keywords_idx_name(const struct maildir_keywords *mk,
	unsigned int idx)
{
	return idx < MAILDIR_MAX_KEYWORDS ? mk->names[idx] : NULL;
}

unsigned int maildir_keywords_count(const struct maildir_keywords *mk)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if (mk->names[i] != NULL)
			n++;
	}
	return n;
}

bool maildir_keyword_name_is_valid(const char *name)
{
	const unsigned char *p;
	size_t len = strlen(name);

	if (len == 0 || len > MAILDIR_KEYWORD_MAX_NAME_LEN)
		return false;
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		/* RFC 3501 atom: no CTL, SP, ( ) { % * " \ ] */
		if (*p <= ' ' || *p == 0x7f || strchr("(){%*\"\\]", *p) != NULL)
			return false;
	}
	return true;
}

int maildir_keywords_lookup_or_create(struct maildir_keywords *mk,
	const char *name, unsigned int *idx_r, const char **error_r)
{
	int idx = maildir_keywords_lookup(mk, name);
	unsigned int i;

	if (idx >= 0) {
		*idx_r = (unsigned int)idx;
		return 0;
	}
	if (!maildir_keyword_name_is_valid(name)) {
		*error_r = t_printf("Invalid keyword name: %s", name);
		return -1;
	}
	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if (mk->names[i] == NULL)
			break;
	}
	if (i == MAILDIR_MAX_KEYWORDS) {
		*error_r = "All 26 keyword letters are in use";
		return -1;
	}
	mk->names[i] = i_strdup(name);
	mk->changed = true;
	*idx_r = i;
	return 0;
}

const char *maildir_keywords_idx_name_or_create(struct maildir_keywords *mk,
	unsigned int idx)
{
	char name[64 + MAILDIR_MAX_KEYWORDS];
	size_t len;

	i_assert(idx < MAILDIR_MAX_KEYWORDS);
	if (mk->names[idx] != NULL)
		return mk->names[idx];
	/* The name was lost: make one up that isn't taken yet. */
	x_snprintf(name, sizeof(name), "unknown-%u", idx);
	len = strlen(name);
	while (maildir_keywords_lookup(mk, name) >= 0 &&
	       len + 1 < sizeof(name)) {
		name[len++] = '?';
		name[len] = '\0';
	}
	mk->names[idx] = i_strdup(name);
	mk->changed = true;
	return mk->names[idx];
}

bool maildir_keywords_is_changed(const struct maildir_keywords *mk)
{
	return mk->changed;
}

int maildir_keywords_serialize(const struct maildir_keywords *mk,
	struct buf *out)
{
	unsigned int i;

	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if (mk->names[i] != NULL &&
		    buf_printf(out, "%u %s\n", i, mk->names[i]) < 0)
			return -1;
	}
	return 0;
}

int maildir_keywords_write(struct maildir_keywords *mk, const char *path,
	mode_t mode, const char **error_r)
{
	struct maildir_dotlock_settings set = {
		.timeout_secs = 0,
		.stale_timeout_secs = KEYWORDS_LOCK_STALE_TIMEOUT,
		.mode = mode,
	};
	struct maildir_dotlock *lock;
	struct stat st;
	struct buf out;
	int fd, ret;

	if (!mk->changed)
		return 0;
	/* The uidlist lock is what serialises writers: a keywords lock
	   left behind is stale. */
	(void)unlink(t_printf("%s.lock", path));
	ret = maildir_dotlock_open(&set, path, &lock, error_r);
	if (ret <= 0) {
		*error_r = t_printf("file_dotlock_open(%s) failed: %s", path,
			*error_r);
		return -1;
	}
	fd = maildir_dotlock_get_fd(lock);
	buf_init(&out, NULL, 512, 0);
	ret = 0;
	if (maildir_keywords_serialize(mk, &out) < 0 ||
	    write_full(fd, out.data, out.used) < 0) {
		*error_r = t_printf("write_full(%s) failed: %s",
			maildir_dotlock_get_lock_path(lock), strerror(errno));
		ret = -1;
	} else if (fchmod(fd, mode) < 0 || fstat(fd, &st) < 0) {
		*error_r = t_printf("fstat(%s) failed: %s",
			maildir_dotlock_get_lock_path(lock), strerror(errno));
		ret = -1;
	} else if (st.st_mtime <= mk->synced_mtime) {
		/* Readers notice changes by mtime: it must grow. */
		struct timespec ts[2];
		time_t now = time(NULL);

		mk->synced_mtime = now <= mk->synced_mtime ?
			mk->synced_mtime + 1 : now;
		ts[0].tv_sec = now;
		ts[0].tv_nsec = 0;
		ts[1].tv_sec = mk->synced_mtime;
		ts[1].tv_nsec = 0;
		if (futimens(fd, ts) < 0) {
			*error_r = t_printf("utime(%s) failed: %s",
				maildir_dotlock_get_lock_path(lock),
				strerror(errno));
			ret = -1;
		}
	} else {
		mk->synced_mtime = st.st_mtime;
	}
	buf_free(&out);
	if (ret < 0) {
		const char *error2;

		(void)maildir_dotlock_delete(&lock, &error2);
		return -1;
	}
	if (maildir_dotlock_replace(&lock, false, true, error_r) < 0)
		return -1;
	mk->changed = false;
	return 0;
}
