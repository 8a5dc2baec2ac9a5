/*
 * maildir-filename.c - parsing and building Maildir file names the way
 * Dovecot 2.3 does (see maildir-filename.h for the grammar).
 */
#include "lib.h"
#include "maildir-filename.h"
#include "maildir-util.h"

#include <sys/time.h>

static bool maildir_flag_is_known(char c)
{
	return c == 'D' || c == 'F' || c == 'R' || c == 'S' || c == 'T' ||
		(c >= MAILDIR_KEYWORD_FIRST && c <= MAILDIR_KEYWORD_LAST);
}

static enum maildir_flags maildir_flag_from_char(char c)
{
	switch (c) {
	case 'D':
		return MAILDIR_FLAG_DRAFT;
	case 'F':
		return MAILDIR_FLAG_FLAGGED;
	case 'P':
		return MAILDIR_FLAG_PASSED;
	case 'R':
		return MAILDIR_FLAG_ANSWERED;
	case 'S':
		return MAILDIR_FLAG_SEEN;
	case 'T':
		return MAILDIR_FLAG_DELETED;
	default:
		return 0;
	}
}

bool maildir_filename_is_valid(const char *fname)
{
	struct maildir_filename fn;
	const char *error;

	return maildir_filename_parse(fname, &fn, &error) == 0;
}

static int maildir_filename_check(const char *fname, const char **error_r)
{
	const unsigned char *p;
	size_t len = strlen(fname);

	if (len == 0) {
		*error_r = "Empty file name";
		return -1;
	}
	if (len > MAILDIR_FILENAME_MAX_LEN) {
		*error_r = "File name too long";
		return -1;
	}
	if (strcmp(fname, ".") == 0 || strcmp(fname, "..") == 0) {
		*error_r = "File name is . or ..";
		return -1;
	}
	for (p = (const unsigned char *)fname; *p != '\0'; p++) {
		if (*p == '/') {
			*error_r = "File name contains '/'";
			return -1;
		}
		if (*p < 0x20 || *p == 0x7f) {
			*error_r = "File name contains a control character";
			return -1;
		}
	}
	return 0;
}

int maildir_filename_parse(const char *fname, struct maildir_filename *fn_r,
	const char **error_r)
{
	const char *info, *p;
	uint64_t size;

	memset(fn_r, 0, sizeof(*fn_r));
	if (maildir_filename_check(fname, error_r) < 0)
		return -1;

	info = strrchr(fname, MAILDIR_INFO_SEP);
	if (info == NULL) {
		fn_r->base.ptr = fname;
		fn_r->base.len = strlen(fname);
		fn_r->info.ptr = fname + fn_r->base.len;
	} else {
		fn_r->base.ptr = fname;
		fn_r->base.len = (size_t)(info - fname);
		fn_r->has_info = true;
		fn_r->info.ptr = info + 1;
		fn_r->info.len = strlen(info + 1);
	}
	fn_r->unknown_flags.ptr = fn_r->info.ptr + fn_r->info.len;
	fn_r->extra_flagsets.ptr = fn_r->unknown_flags.ptr;

	if (fn_r->has_info && info[1] == '2' && info[2] == MAILDIR_FLAGS_SEP) {
		const char *unknown_start = NULL, *unknown_end = NULL;

		for (p = info + 3; *p != '\0' && *p != MAILDIR_FLAGS_SEP; p++) {
			enum maildir_flags flag = maildir_flag_from_char(*p);

			if (flag != 0)
				fn_r->flags |= flag;
			else if (*p >= MAILDIR_KEYWORD_FIRST &&
				 *p <= MAILDIR_KEYWORD_LAST) {
				fn_r->keywords |= MAILDIR_KEYWORD_BIT(
					*p - MAILDIR_KEYWORD_FIRST);
			}
			if (!maildir_flag_is_known(*p)) {
				/* Unknown letters (P included: it has no IMAP
				   flag) are kept in place when flags change. */
				if (unknown_start == NULL)
					unknown_start = p;
				unknown_end = p + 1;
			}
		}
		if (unknown_start != NULL) {
			fn_r->unknown_flags.ptr = unknown_start;
			fn_r->unknown_flags.len =
				(size_t)(unknown_end - unknown_start);
		}
		fn_r->extra_flagsets.ptr = p;
		fn_r->extra_flagsets.len = strlen(p);
	}

	if (maildir_filename_get_size(fname, MAILDIR_EXTRA_SIZE, &size)) {
		fn_r->have_size = true;
		fn_r->size = size;
	}
	if (maildir_filename_get_size(fname, MAILDIR_EXTRA_VIRTUAL_SIZE,
			&size)) {
		fn_r->have_vsize = true;
		fn_r->vsize = size;
	}
	return 0;
}

bool maildir_filename_get_size(const char *fname, char type,
	uint64_t *size_r)
{
	uint64_t size = 0;

	/* As Dovecot: the first ",<type>=" anywhere in the name. */
	for (; *fname != '\0'; fname++) {
		if (*fname == ',' && fname[1] == type && fname[2] == '=') {
			fname += 3;
			break;
		}
	}
	if (*fname == '\0')
		return false;

	while (*fname >= '0' && *fname <= '9') {
		if (size > (UINT64_MAX - 9) / 10)
			return false;
		size = size * 10 + (uint64_t)(*fname - '0');
		fname++;
	}
	if (*fname != MAILDIR_INFO_SEP && *fname != MAILDIR_EXTRA_SEP &&
	    *fname != '\0')
		return false;
	*size_r = size;
	return true;
}

int maildir_flags_append(struct buf *out, enum maildir_flags flags,
	uint32_t keywords)
{
	static const struct {
		char c;
		enum maildir_flags flag;
	} letters[] = {
		{ 'D', MAILDIR_FLAG_DRAFT },
		{ 'F', MAILDIR_FLAG_FLAGGED },
		{ 'P', MAILDIR_FLAG_PASSED },
		{ 'R', MAILDIR_FLAG_ANSWERED },
		{ 'S', MAILDIR_FLAG_SEEN },
		{ 'T', MAILDIR_FLAG_DELETED },
	};
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(letters); i++) {
		if ((flags & letters[i].flag) != 0 &&
		    buf_append_c(out, letters[i].c) < 0)
			return -1;
	}
	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if ((keywords & MAILDIR_KEYWORD_BIT(i)) != 0 &&
		    buf_append_c(out, (char)(MAILDIR_KEYWORD_FIRST + i)) < 0)
			return -1;
	}
	return 0;
}

/* Appends the keyword letters of mask, in ASCII order. */
static void append_keywords(struct buf *out, uint32_t keywords)
{
	unsigned int i;

	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if ((keywords & MAILDIR_KEYWORD_BIT(i)) != 0)
			ubuf_append_c(out,
				(char)(MAILDIR_KEYWORD_FIRST + i));
	}
}

const char *maildir_filename_set_flags(struct arena *arena, const char *fname,
	enum maildir_flags flags, uint32_t keywords)
{
	static const struct {
		char c;
		enum maildir_flags flag;
	} order[] = {
		{ 'D', MAILDIR_FLAG_DRAFT },
		{ 'F', MAILDIR_FLAG_FLAGGED },
		{ 'R', MAILDIR_FLAG_ANSWERED },
		{ 'S', MAILDIR_FLAG_SEEN },
		{ 'T', MAILDIR_FLAG_DELETED },
	};
	const char *info, *oldflags = "";
	enum maildir_flags left = flags & MAILDIR_FLAGS_IMAP_MASK;
	bool keywords_done = false, want_p = (flags & MAILDIR_FLAG_PASSED) != 0;
	struct buf out;
	size_t base_len;
	unsigned int i;
	char *ret;

	info = strrchr(fname, MAILDIR_INFO_SEP);
	base_len = info == NULL ? strlen(fname) : (size_t)(info - fname);
	if (info != NULL && info[1] == '2' && info[2] == MAILDIR_FLAGS_SEP)
		oldflags = info + 3;
	if (want_p) {
		/* Only add P when the old first flag set lacks it. */
		const char *p;

		for (p = oldflags; *p != '\0' && *p != MAILDIR_FLAGS_SEP; p++) {
			if (*p == 'P')
				want_p = false;
		}
	}

	buf_init(&out, NULL, base_len + 64, 0);
	ubuf_append(&out, fname, base_len);
	ubuf_append_str(&out, ":2,");
	for (;;) {
		int next;

		/* Known letters of the old name are dropped: they are
		   re-emitted from flags/keywords at their sorted place. */
		while (*oldflags != '\0' && maildir_flag_is_known(*oldflags))
			oldflags++;
		next = *oldflags == '\0' || *oldflags == MAILDIR_FLAGS_SEP ?
			256 : (unsigned char)*oldflags;

		for (i = 0; i < N_ELEMENTS(order); i++) {
			if ((left & order[i].flag) != 0 &&
			    next > (unsigned char)order[i].c) {
				if (want_p && order[i].c > 'P') {
					ubuf_append_c(&out, 'P');
					want_p = false;
				}
				ubuf_append_c(&out, order[i].c);
				left &= ~order[i].flag;
			}
		}
		if (want_p && next > 'P') {
			ubuf_append_c(&out, 'P');
			want_p = false;
		}
		if (!keywords_done && next > MAILDIR_KEYWORD_FIRST) {
			append_keywords(&out, keywords);
			keywords_done = true;
		}
		if (*oldflags == '\0' || *oldflags == MAILDIR_FLAGS_SEP)
			break;
		ubuf_append_c(&out, *oldflags);
		oldflags++;
	}
	/* Further flag sets are not ours: keep them as they are. */
	if (*oldflags == MAILDIR_FLAGS_SEP)
		ubuf_append_str(&out, oldflags);

	ret = arena_strndup(arena, out.data, out.used);
	buf_free(&out);
	return ret;
}

const char *maildir_filename_get_base(struct arena *arena, const char *fname)
{
	const char *info = strrchr(fname, MAILDIR_INFO_SEP);

	if (info == NULL)
		return arena_strdup(arena, fname);
	return arena_strndup(arena, fname, (size_t)(info - fname));
}

/* Length of the base name: Dovecot's hash/compare stop at the first ':'. */
static size_t base_len(const char *fname)
{
	const char *p = strchr(fname, MAILDIR_INFO_SEP);

	return p == NULL ? strlen(fname) : (size_t)(p - fname);
}

int maildir_filename_base_cmp(const char *fname1, const char *fname2)
{
	size_t len1 = base_len(fname1), len2 = base_len(fname2);
	int ret = memcmp(fname1, fname2, I_MIN(len1, len2));

	if (ret != 0)
		return ret;
	if (len1 == len2)
		return 0;
	return len1 < len2 ? -1 : 1;
}

uint32_t maildir_filename_base_hash(const char *fname)
{
	uint32_t h = 0, g;

	/* The ASU string hash, as Dovecot's maildir_filename_base_hash. */
	for (; *fname != '\0' && *fname != MAILDIR_INFO_SEP; fname++) {
		h = (h << 4) + (unsigned char)*fname;
		if ((g = h & 0xf0000000U) != 0) {
			h ^= g >> 24;
			h ^= g;
		}
	}
	return h;
}

/* Dovecot reads the usecs from an "M<digits>" inside the second
   dot-separated part (the uniqueness part). */
static bool fname_get_usecs(const char *p, uint64_t *usecs_r)
{
	uint64_t usecs = 0;

	if (*p != '.')
		return false;
	p++;
	while (*p != '\0' && *p != '.' && *p != MAILDIR_INFO_SEP) {
		if (*p++ == 'M') {
			while (*p >= '0' && *p <= '9') {
				if (usecs < UINT64_MAX / 100)
					usecs = usecs * 10 +
						(uint64_t)(*p - '0');
				p++;
			}
			*usecs_r = usecs;
			return true;
		}
	}
	return false;
}

int maildir_filename_sort_cmp(const char *fname1, const char *fname2)
{
	const char *s1 = fname1, *s2 = fname2;
	uint64_t secs1 = 0, secs2 = 0, usecs1, usecs2;

	for (; *s1 >= '0' && *s1 <= '9'; s1++) {
		if (secs1 < UINT64_MAX / 100)
			secs1 = secs1 * 10 + (uint64_t)(*s1 - '0');
	}
	for (; *s2 >= '0' && *s2 <= '9'; s2++) {
		if (secs2 < UINT64_MAX / 100)
			secs2 = secs2 * 10 + (uint64_t)(*s2 - '0');
	}
	if (secs1 != secs2)
		return secs1 < secs2 ? -1 : 1;
	if (fname_get_usecs(s1, &usecs1) && fname_get_usecs(s2, &usecs2) &&
	    usecs1 != usecs2)
		return usecs1 < usecs2 ? -1 : 1;
	return maildir_filename_base_cmp(s1, s2);
}

const char *maildir_filename_strip_extra(struct arena *arena,
	const char *fname)
{
	const char *info = strchr(fname, MAILDIR_INFO_SEP);
	const char *extra = strchr(fname, MAILDIR_EXTRA_SEP);

	if (extra == NULL || (info != NULL && extra > info))
		return arena_strdup(arena, fname);
	return arena_printf(arena, "%.*s%s", (int)(extra - fname), fname,
		info == NULL ? "" : info);
}

const char *maildir_hostname_escape(struct arena *arena, const char *host)
{
	struct buf out;
	const char *p;
	char *ret;

	buf_init(&out, NULL, strlen(host) + 16, 0);
	for (p = host; *p != '\0'; p++) {
		if (*p == '/')
			ubuf_append_str(&out, "\\057");
		else if (*p == ':')
			ubuf_append_str(&out, "\\072");
		else
			ubuf_append_c(&out, *p);
	}
	ret = arena_strndup(arena, out.data == NULL ? "" : out.data,
		out.used);
	buf_free(&out);
	return ret;
}

const char *maildir_filename_format_base(struct arena *arena, time_t secs,
	unsigned int usecs, pid_t pid, const char *hostname)
{
	return arena_printf(arena, "%lld.M%uP%ld.%s", (long long)secs, usecs,
		(long)pid, maildir_hostname_escape(arena, hostname));
}

const char *maildir_filename_generate(struct arena *arena)
{
	static struct timeval last_tv;
	static char hostname[256];
	struct timeval tv;

	if (hostname[0] == '\0') {
		if (gethostname(hostname, sizeof(hostname) - 1) < 0 ||
		    hostname[0] == '\0')
			i_strlcpy(hostname, "localhost", sizeof(hostname));
		hostname[sizeof(hostname) - 1] = '\0';
	}
	gettimeofday(&tv, NULL);
	/* Seconds and microseconds must make names unique within the
	   process: if the clock hasn't moved on, step past the last name. */
	if (tv.tv_sec < last_tv.tv_sec ||
	    (tv.tv_sec == last_tv.tv_sec && tv.tv_usec <= last_tv.tv_usec)) {
		tv = last_tv;
		if (++tv.tv_usec == 1000000) {
			tv.tv_sec++;
			tv.tv_usec = 0;
		}
	}
	last_tv = tv;
	return maildir_filename_format_base(arena, tv.tv_sec,
		(unsigned int)tv.tv_usec, getpid(), hostname);
}

const char *maildir_filename_build(struct arena *arena, const char *base,
	uint64_t size, uint64_t vsize, bool with_info,
	enum maildir_flags flags, uint32_t keywords)
{
	struct buf out;
	char *ret;

	buf_init(&out, NULL, strlen(base) + 64, 0);
	ubuf_append_str(&out, base);
	if (size != (uint64_t)-1)
		ubuf_printf(&out, ",S=%llu", (unsigned long long)size);
	if (vsize != (uint64_t)-1)
		ubuf_printf(&out, ",W=%llu", (unsigned long long)vsize);
	if (with_info) {
		ubuf_append_str(&out, ":2,");
		if (maildir_flags_append(&out, flags, keywords) < 0)
			i_panic("unbounded buffer refused data");
	}
	ret = arena_strndup(arena, out.data, out.used);
	buf_free(&out);
	return ret;
}
