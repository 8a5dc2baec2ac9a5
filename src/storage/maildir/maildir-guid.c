/*
 * maildir-guid.c - 128-bit mailbox GUIDs in Dovecot's layout and the
 * dovecot-uidvalidity allocator for new mailboxes' UIDVALIDITY.
 */
#include "lib.h"
#include "str.h"
#include "maildir-uidlist.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <time.h>

#define UIDVALIDITY_FILENAME "dovecot-uidvalidity"
#define UIDVALIDITY_RETRY_COUNT 10

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void maildir_guid_generate(uint8_t guid_r[MAILDIR_GUID_128_SIZE])
{
	static struct timespec last;
	static uint8_t host_hash[4];
	static bool host_hash_set;
	struct timespec ts;

	if (!host_hash_set) {
		char host[256];
		unsigned char digest[SHA_DIGEST_LENGTH];

		if (gethostname(host, sizeof(host) - 1) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		/* The last 4 bytes of SHA-1(hostname), as Dovecot. */
		SHA1((const unsigned char *)host, strlen(host), digest);
		memcpy(host_hash, digest + SHA_DIGEST_LENGTH - 4, 4);
		host_hash_set = true;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	/* The clock part must differ between two GUIDs of this process. */
	if (ts.tv_sec < last.tv_sec ||
	    (ts.tv_sec == last.tv_sec && ts.tv_nsec <= last.tv_nsec)) {
		ts = last;
		if (++ts.tv_nsec >= 1000000000L) {
			ts.tv_nsec = 0;
			ts.tv_sec++;
		}
	}
	last = ts;
	put_le32(guid_r, (uint32_t)ts.tv_nsec);
	put_le32(guid_r + 4, (uint32_t)ts.tv_sec);
	put_le32(guid_r + 8, (uint32_t)getpid());
	memcpy(guid_r + 12, host_hash, 4);
}

const char *maildir_guid_to_hex(struct arena *arena,
	const uint8_t guid[MAILDIR_GUID_128_SIZE])
{
	return binary_to_hex(arena, guid, MAILDIR_GUID_128_SIZE);
}

int maildir_guid_from_hex(const char *hex,
	uint8_t guid_r[MAILDIR_GUID_128_SIZE])
{
	if (strlen(hex) != MAILDIR_GUID_128_SIZE * 2)
		return -1;
	if (hex_to_binary(hex, MAILDIR_GUID_128_SIZE * 2, guid_r) !=
	    MAILDIR_GUID_128_SIZE)
		return -1;
	return 0;
}

static uint32_t uidvalidity_fallback(void)
{
	static uint32_t value;
	uint32_t now = (uint32_t)time(NULL);

	if (value < now)
		value = now;
	else
		value++;
	return value == 0 ? ++value : value;
}

/* Parses exactly 8 hex digits (leading part of buf). */
static int parse_hex32(const char *s, size_t len, uint32_t *value_r)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0 || len > 8)
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -1;
		v = (v << 4) | d;
	}
	*value_r = v;
	return 0;
}

static void uidvalidity_write(const char *path, uint32_t value,
	mode_t file_mode)
{
	char buf[16];
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, file_mode);
	if (fd < 0) {
		i_error("open(%s) failed: %s", path, strerror(errno));
		return;
	}
	x_snprintf(buf, sizeof(buf), "%08x", value);
	if (pwrite(fd, buf, 8, 0) != 8)
		i_error("write(%s) failed: %s", path, strerror(errno));
	close(fd);
}

/* Renames <path>.<value> to <path>.<value+1>; *value is updated. */
static int uidvalidity_rename(const char *path, uint32_t *value)
{
	unsigned int i;
	int ret = -1;

	for (i = 0; i < UIDVALIDITY_RETRY_COUNT; i++) {
		char src[PATH_MAX], dest[PATH_MAX];

		if (x_snprintf(src, sizeof(src), "%s.%08x", path, *value) < 0)
			return -1;
		*value += 1;
		if (*value == 0)
			*value = 1;
		if (x_snprintf(dest, sizeof(dest), "%s.%08x", path,
				*value) < 0)
			return -1;
		if ((ret = rename(src, dest)) == 0 || errno != ENOENT)
			break;
		/* Someone else took that value: try the next one. */
	}
	return ret;
}

static uint32_t uidvalidity_rescan(const char *dir, const char *path,
	mode_t file_mode)
{
	const char *prefix = UIDVALIDITY_FILENAME ".";
	size_t prefix_len = strlen(prefix);
	uint32_t value, min_value = UINT32_MAX, max_value = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return uidvalidity_fallback();
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, prefix_len) == 0 &&
		    parse_hex32(de->d_name + prefix_len,
			    strlen(de->d_name + prefix_len), &value) == 0) {
			min_value = I_MIN(min_value, value);
			max_value = I_MAX(max_value, value);
		}
	}
	closedir(d);

	if (max_value == 0) {
		char tmp[PATH_MAX];
		unsigned int i;
		int fd = -1;

		for (i = 0; i < UIDVALIDITY_RETRY_COUNT; i++) {
			value = uidvalidity_fallback();
			if (x_snprintf(tmp, sizeof(tmp), "%s.%08x", path,
					value) < 0)
				return value;
			fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				0444);
			if (fd >= 0 || errno != EEXIST)
				break;
		}
		if (fd < 0)
			return value;
		(void)fchmod(fd, 0444);
		close(fd);
		uidvalidity_write(path, value, file_mode);
		return value;
	}
	if (min_value != max_value) {
		char tmp[PATH_MAX];

		/* Duplicates: keep the highest. */
		if (x_snprintf(tmp, sizeof(tmp), "%s.%08x", path,
				min_value) >= 0)
			(void)unlink(tmp);
	}
	value = max_value;
	if (uidvalidity_rename(path, &value) < 0)
		return uidvalidity_fallback();
	uidvalidity_write(path, value, file_mode);
	return value;
}

uint32_t maildir_uidvalidity_next(const char *root_dir, mode_t file_mode)
{
	char path[PATH_MAX], buf[9];
	uint32_t value;
	ssize_t ret;
	int fd;

	if (x_snprintf(path, sizeof(path), "%s/" UIDVALIDITY_FILENAME,
			root_dir) < 0)
		return uidvalidity_fallback();
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return uidvalidity_rescan(root_dir, path, file_mode);
	ret = pread(fd, buf, 8, 0);
	if (ret <= 0 || parse_hex32(buf, (size_t)ret, &value) < 0 ||
	    uidvalidity_rename(path, &value) < 0) {
		close(fd);
		return uidvalidity_rescan(root_dir, path, file_mode);
	}
	x_snprintf(buf, sizeof(buf), "%08x", value);
	if (pwrite(fd, buf, 8, 0) != 8)
		i_error("write(%s) failed: %s", path, strerror(errno));
	close(fd);
	return value;
}
