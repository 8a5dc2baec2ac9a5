/*
 * maildir-uidlist.c - dovecot-uidlist parsing, serialising and in-memory
 * operations (see maildir-uidlist.h for the format; file I/O and locking
 * are in maildir-uidlist-file.c).
 */
#include "lib.h"
#include "hash.h"
#include "str.h"
#include "maildir-filename.h"
#include "maildir-util.h"
#include "maildir-uidlist-private.h"

#define EXT_KEY_IS_VALID(c) ((c) >= 'A' && (c) <= 'Z')

struct maildir_uidlist *maildir_uidlist_create(void)
{
	struct maildir_uidlist *ul = i_new(struct maildir_uidlist, 1);

	ul->arena = arena_create("maildir uidlist", 4096);
	array_init(&ul->recs, NULL, 64);
	ul->by_base = hash_create(false);
	ul->next_uid = 1;
	ul->hdr_extensions = "";
	return ul;
}

void maildir_uidlist_destroy(struct maildir_uidlist **_ul)
{
	struct maildir_uidlist *ul = *_ul;

	if (ul == NULL)
		return;
	*_ul = NULL;
	hash_destroy(&ul->by_base);
	array_free(&ul->recs);
	arena_destroy(&ul->arena);
	i_free(ul);
}

void maildir_uidlist_clear_records(struct maildir_uidlist *ul)
{
	char *hdr_ext = i_strdup(ul->hdr_extensions);

	hash_destroy(&ul->by_base);
	ul->by_base = hash_create(false);
	array_clear(&ul->recs);
	arena_reset(ul->arena);
	ul->hdr_extensions = arena_strdup(ul->arena, hdr_ext);
	i_free(hdr_ext);
	ul->written_count = 0;
	ul->file_records = 0;
}

/* The hash key of a file name: its base up to the first ':', as
   Dovecot's maildir_filename_base_hash/_cmp. */
static const char *base_key(struct arena *arena, const char *fname)
{
	const char *p = strchr(fname, MAILDIR_INFO_SEP);

	return p == NULL ? arena_strdup(arena, fname) :
		arena_strndup(arena, fname, (size_t)(p - fname));
}

static unsigned int rec_bsearch(const struct maildir_uidlist *ul,
	uint32_t uid, bool *found_r)
{
	unsigned int lo = 0, hi = ul->recs.count;

	*found_r = false;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		uint32_t cur = ul->recs.v[mid]->uid;

		if (cur == uid) {
			*found_r = true;
			return mid;
		}
		if (cur < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void rec_delete_idx(struct maildir_uidlist *ul, unsigned int idx)
{
	struct maildir_uidlist_rec *rec = ul->recs.v[idx];
	const char *key = t_strdup(base_key(scratch_arena(), rec->filename));

	(void)hash_remove(ul->by_base, key);
	array_delete(&ul->recs, idx, 1);
	if (idx < ul->written_count)
		ul->written_count--;
}

/* Parsing state for one file image. */
struct uidlist_parser {
	struct maildir_uidlist *ul;
	unsigned int line_no;
	uint32_t prev_uid;
	/* The error survives the per-line scratch frames. */
	char error[512];
};

static void ATTR_FORMAT(2, 3)
parser_error(struct uidlist_parser *p, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	(void)vsnprintf(p->error, sizeof(p->error), fmt, args);
	va_end(args);
}

static bool parse_uint32_strict(const char *s, size_t len, uint32_t *num_r)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0 || len > 10)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > UINT32_MAX)
		return false;
	*num_r = (uint32_t)n;
	return true;
}

static int parse_v3_header(struct uidlist_parser *p, const char *line,
	uint32_t *uidv_r, uint32_t *next_uid_r)
{
	struct maildir_uidlist *ul = p->ul;
	struct buf ext;
	int ret = 0;

	buf_init(&ext, NULL, 64, 0);
	while (*line != '\0') {
		char key = *line;
		const char *value = ++line;
		size_t len;

		while (*line != '\0' && *line != ' ')
			line++;
		len = (size_t)(line - value);
		switch (key) {
		case MAILDIR_UIDLIST_HDR_UID_VALIDITY:
			if (!parse_uint32_strict(value, len, uidv_r)) {
				parser_error(p,
					"Invalid mailbox UID_VALIDITY: %.*s",
					(int)len, value);
				ret = -1;
			}
			break;
		case MAILDIR_UIDLIST_HDR_NEXT_UID:
			if (!parse_uint32_strict(value, len, next_uid_r)) {
				parser_error(p,
					"Invalid mailbox NEXT_UID: %.*s",
					(int)len, value);
				ret = -1;
			}
			break;
		case MAILDIR_UIDLIST_HDR_GUID:
			if (len != MAILDIR_GUID_128_SIZE * 2 ||
			    hex_to_binary(value, len, ul->guid) !=
				    MAILDIR_GUID_128_SIZE) {
				parser_error(p,
					"Invalid mailbox GUID: %.*s",
					(int)len, value);
				ret = -1;
			} else {
				ul->have_guid = true;
			}
			break;
		default:
			/* Unknown fields are kept and written back. */
			if (ext.used > 0)
				ubuf_append_c(&ext, ' ');
			ubuf_append_c(&ext, key);
			ubuf_append(&ext, value, len);
			break;
		}
		if (ret < 0)
			break;
		while (*line == ' ')
			line++;
	}
	ul->hdr_extensions = arena_strndup(ul->arena, ext.data == NULL ?
		"" : ext.data, ext.used);
	buf_free(&ext);
	return ret;
}

/* "<a> <b>" (sscanf "%u %u" as Dovecot: trailing text ignored). */
static bool parse_v1_header(const char *line, uint32_t *uidv_r,
	uint32_t *next_uid_r)
{
	const char *s = line, *start;

	while (*s == ' ')
		s++;
	for (start = s; *s >= '0' && *s <= '9'; s++)
		;
	if (!parse_uint32_strict(start, (size_t)(s - start), uidv_r))
		return false;
	while (*s == ' ')
		s++;
	for (start = s; *s >= '0' && *s <= '9'; s++)
		;
	return parse_uint32_strict(start, (size_t)(s - start), next_uid_r);
}

/* Returns 1 ok, -1 corrupt (p->error). */
static int parse_header(struct uidlist_parser *p, const char *line)
{
	struct maildir_uidlist *ul = p->ul;
	uint32_t uidv = 0, next_uid = 0;

	if (line[0] < '0' || line[0] > '9' || line[1] != ' ') {
		parser_error(p, "%s", "Corrupted header (invalid version number)");
		return -1;
	}
	ul->version = (unsigned int)(line[0] - '0');
	line += 2;
	switch (ul->version) {
	case 1:
	case 2:
		if (!parse_v1_header(line, &uidv, &next_uid)) {
			parser_error(p, "Corrupted header (version %u)",
				ul->version);
			return -1;
		}
		break;
	case MAILDIR_UIDLIST_VERSION:
		if (parse_v3_header(p, line, &uidv, &next_uid) < 0)
			return -1;
		break;
	default:
		parser_error(p, "Unsupported version %u", ul->version);
		return -1;
	}
	if (uidv == 0 || next_uid == 0) {
		parser_error(p,
			"Broken header (uidvalidity = %u, next_uid=%u)",
			uidv, next_uid);
		return -1;
	}
	ul->uid_validity = uidv;
	ul->next_uid = next_uid;
	return 1;
}

/* Parses the extension fields of a v3 record.  Returns the file name
   part, or NULL when there is none. */
static const char *parse_extensions(struct uidlist_parser *p,
	const char *line, struct maildir_uidlist_rec *rec)
{
	struct buf ext;

	buf_init(&ext, NULL, 64, 0);
	while (*line != '\0' && *line != ':') {
		const char *start = line;

		while (*line != ' ' && *line != '\0')
			line++;
		if (EXT_KEY_IS_VALID(*start)) {
			if (ext.used > 0)
				ubuf_append_c(&ext, ' ');
			ubuf_append(&ext, start, (size_t)(line - start));
		} else {
			i_warning("dovecot-uidlist line %u: Invalid extension "
				  "record, removing: %.*s", p->line_no,
				  (int)(line - start), start);
			p->ul->recreate = true;
		}
		while (*line == ' ')
			line++;
	}
	rec->extensions = arena_strndup(p->ul->arena,
		ext.data == NULL ? "" : ext.data, ext.used);
	buf_free(&ext);
	if (*line == ':')
		line++;
	return *line == '\0' ? NULL : line;
}

/* Returns 0 ok, -1 corrupt. */
static int parse_record(struct uidlist_parser *p, const char *line)
{
	struct maildir_uidlist *ul = p->ul;
	struct maildir_uidlist_rec *rec, *old;
	const char *start = line, *fname, *key;
	uint64_t uid = 0;

	while (*line >= '0' && *line <= '9') {
		uid = uid * 10 + (uint64_t)(*line - '0');
		if (uid > UINT32_MAX)
			break;
		line++;
	}
	if (uid > UINT32_MAX || uid == (uint32_t)-1) {
		parser_error(p, "UID too high (%.*s)",
			(int)strspn(start, "0123456789"), start);
		return -1;
	}
	if (uid == 0 || *line != ' ') {
		parser_error(p, "Invalid data: %s", line);
		return -1;
	}
	if (uid <= p->prev_uid) {
		parser_error(p, "UIDs not ordered (%u >= %u)",
			(uint32_t)uid, p->prev_uid);
		return -1;
	}
	if (uid >= ul->next_uid && ul->version == 1) {
		parser_error(p, "UID larger than next_uid (%u >= %u)",
			(uint32_t)uid, ul->next_uid);
		return -1;
	}
	p->prev_uid = (uint32_t)uid;

	rec = arena_new(ul->arena, struct maildir_uidlist_rec, 1);
	rec->uid = (uint32_t)uid;
	rec->extensions = "";
	while (*line == ' ')
		line++;
	if (ul->version == MAILDIR_UIDLIST_VERSION) {
		fname = parse_extensions(p, line, rec);
		if (fname == NULL) {
			parser_error(p, "Invalid extended fields: %s",
				line);
			return -1;
		}
	} else {
		if (ul->version == 2) {
			/* Skip the <flags> field. */
			while (*line != ' ' && *line != '\0')
				line++;
			while (*line == ' ')
				line++;
		}
		fname = line;
		if (*fname == '\0') {
			parser_error(p, "%s", "Invalid data: missing file name");
			return -1;
		}
	}
	if (strchr(fname, '/') != NULL) {
		parser_error(p, "Broken filename: %s", fname);
		return -1;
	}
	rec->filename = arena_strdup(ul->arena, fname);

	key = base_key(ul->arena, rec->filename);
	old = hash_get(ul->by_base, key);
	if (old != NULL) {
		bool found;
		unsigned int idx;

		/* An expunged file brought back and appended again: the
		   newest UID wins, as in Dovecot. */
		i_warning("dovecot-uidlist: Duplicate file entry at line %u: "
			  "%s (uid %u -> %u)", p->line_no, fname, old->uid,
			  rec->uid);
		idx = rec_bsearch(ul, old->uid, &found);
		i_assert(found);
		rec_delete_idx(ul, idx);
		ul->recreate = true;
	}
	hash_set(ul->by_base, key, rec);
	array_push(&ul->recs, rec);
	return 0;
}

int maildir_uidlist_parse(struct maildir_uidlist *ul, const char *data,
	size_t size, const char **error_r)
{
	struct uidlist_parser p;
	const char *end = data + size, *line_start = data;
	uint32_t old_uidv = ul->uid_validity, old_next = ul->next_uid;
	bool old_have_guid = ul->have_guid;
	uint8_t old_guid[MAILDIR_GUID_128_SIZE];
	unsigned int records = 0;
	int ret = 0;

	memcpy(old_guid, ul->guid, sizeof(old_guid));
	memset(&p, 0, sizeof(p));
	p.ul = ul;
	ul->hdr_extensions = "";
	maildir_uidlist_clear_records(ul);
	ul->have_guid = false;
	ul->recreate = false;

	while (line_start < end) {
		const char *nl = memchr(line_start, '\n', (size_t)(end -
			line_start));
		size_t len;
		int line_ret = 0;

		if (nl == NULL) {
			/* An unterminated last line is a write in
			   progress: ignore it, as Dovecot does. */
			break;
		}
		len = (size_t)(nl - line_start);
		if (len > 0 && line_start[len - 1] == '\r')
			len--;
		p.line_no++;
		if (len > MAILDIR_UIDLIST_MAX_LINE) {
			parser_error(&p, "Line too long");
			ret = -1;
			break;
		}
		if (memchr(line_start, '\0', len) != NULL) {
			parser_error(&p, "Invalid data: NUL byte");
			ret = -1;
			break;
		}
		SCRATCH_BEGIN {
			const char *line = t_strndup(line_start, len);

			if (p.line_no == 1)
				line_ret = parse_header(&p, line) < 0 ? -1 : 0;
			else
				line_ret = parse_record(&p, line);
		} SCRATCH_END;
		line_start = nl + 1;
		if (line_ret < 0) {
			ret = -1;
			break;
		}
		if (p.line_no == 1)
			ret = 1;
		else
			records++;
	}
	if (ret > 0) {
		if (ul->next_uid <= p.prev_uid)
			ul->next_uid = p.prev_uid + 1;
		ul->file_records = records;
		ul->written_count = ul->recs.count;
		if (ul->version != MAILDIR_UIDLIST_VERSION || !ul->have_guid)
			ul->recreate = true;
		return 1;
	}

	if (ret < 0) {
		*error_r = t_printf("line %u: %s", p.line_no, p.error);
		/* Keep what the header told us when it was readable, so a
		   rebuild keeps the UIDVALIDITY. */
		if (p.line_no > 1 && ul->uid_validity != 0) {
			if (ul->next_uid <= p.prev_uid)
				ul->next_uid = p.prev_uid + 1;
		} else {
			ul->uid_validity = old_uidv;
			ul->next_uid = old_next;
			ul->have_guid = old_have_guid;
			memcpy(ul->guid, old_guid, sizeof(old_guid));
		}
	} else {
		*error_r = "Empty file";
	}
	if (ul->next_uid < old_next && ul->uid_validity == old_uidv)
		ul->next_uid = old_next;
	maildir_uidlist_clear_records(ul);
	ul->recreate = true;
	return ret;
}

unsigned int maildir_uidlist_get_version(const struct maildir_uidlist *ul)
{
	return ul->version;
}

uint32_t maildir_uidlist_get_uid_validity(const struct maildir_uidlist *ul)
{
	return ul->uid_validity;
}

uint32_t maildir_uidlist_get_next_uid(const struct maildir_uidlist *ul)
{
	return ul->next_uid;
}

bool maildir_uidlist_get_guid(const struct maildir_uidlist *ul,
	uint8_t guid_r[MAILDIR_GUID_128_SIZE])
{
	if (!ul->have_guid)
		return false;
	memcpy(guid_r, ul->guid, MAILDIR_GUID_128_SIZE);
	return true;
}

const char *maildir_uidlist_get_hdr_extensions(const struct maildir_uidlist *ul)
{
	return ul->hdr_extensions;
}

void maildir_uidlist_set_uid_validity(struct maildir_uidlist *ul,
	uint32_t uid_validity)
{
	i_assert(uid_validity != 0);
	if (ul->uid_validity != uid_validity) {
		ul->uid_validity = uid_validity;
		ul->recreate = true;
	}
}

void maildir_uidlist_set_next_uid(struct maildir_uidlist *ul,
	uint32_t next_uid, bool force)
{
	uint32_t min = ul->recs.count == 0 ? 1 :
		ul->recs.v[ul->recs.count - 1]->uid + 1;

	if (next_uid < min)
		next_uid = min;
	if (ul->next_uid < next_uid || (force && ul->next_uid != next_uid)) {
		ul->next_uid = next_uid;
		ul->recreate = true;
	}
}

void maildir_uidlist_set_guid(struct maildir_uidlist *ul,
	const uint8_t guid[MAILDIR_GUID_128_SIZE])
{
	if (!ul->have_guid || memcmp(ul->guid, guid, sizeof(ul->guid)) != 0) {
		memcpy(ul->guid, guid, sizeof(ul->guid));
		ul->have_guid = true;
		ul->recreate = true;
	}
}

unsigned int maildir_uidlist_count(const struct maildir_uidlist *ul)
{
	return ul->recs.count;
}

const struct maildir_uidlist_rec *
maildir_uidlist_rec_at(const struct maildir_uidlist *ul, unsigned int idx)
{
	i_assert(idx < ul->recs.count);
	return ul->recs.v[idx];
}

const struct maildir_uidlist_rec *
maildir_uidlist_lookup_uid(const struct maildir_uidlist *ul, uint32_t uid)
{
	bool found;
	unsigned int idx = rec_bsearch(ul, uid, &found);

	return found ? ul->recs.v[idx] : NULL;
}

const struct maildir_uidlist_rec *
maildir_uidlist_lookup_filename(const struct maildir_uidlist *ul,
	const char *fname)
{
	const struct maildir_uidlist_rec *rec;

	SCRATCH_BEGIN {
		rec = hash_get(ul->by_base, base_key(scratch_arena(), fname));
	} SCRATCH_END;
	return rec;
}

const char *maildir_uidlist_rec_get_ext(const struct maildir_uidlist_rec *rec,
	char key)
{
	const char *p = rec->extensions;

	while (*p != '\0') {
		const char *end = strchr(p, ' ');

		if (*p == key) {
			return end == NULL ? p + 1 :
				t_strndup(p + 1, (size_t)(end - p - 1));
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

static bool ext_value_is_valid(const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f || *p == ':')
			return false;
	}
	return true;
}

int maildir_uidlist_set_ext(struct maildir_uidlist *ul, uint32_t uid,
	char key, const char *value, const char **error_r)
{
	struct maildir_uidlist_rec *rec;
	struct buf out;
	const char *p;
	bool found;
	unsigned int idx;

	if (!EXT_KEY_IS_VALID(key)) {
		*error_r = "Invalid extension key";
		return -1;
	}
	if (value != NULL && !ext_value_is_valid(value)) {
		*error_r = "Invalid extension value";
		return -1;
	}
	idx = rec_bsearch(ul, uid, &found);
	if (!found) {
		*error_r = t_printf("UID %u not in uidlist", uid);
		return -1;
	}
	rec = ul->recs.v[idx];
	buf_init(&out, NULL, 64, 0);
	for (p = rec->extensions; *p != '\0';) {
		const char *end = strchr(p, ' ');
		size_t len = end == NULL ? strlen(p) : (size_t)(end - p);

		if (*p != key) {
			if (out.used > 0)
				ubuf_append_c(&out, ' ');
			ubuf_append(&out, p, len);
		}
		p += len;
		if (*p == ' ')
			p++;
	}
	if (value != NULL) {
		if (out.used > 0)
			ubuf_append_c(&out, ' ');
		ubuf_append_c(&out, key);
		ubuf_append_str(&out, value);
	}
	rec->extensions = arena_strndup(ul->arena,
		out.data == NULL ? "" : out.data, out.used);
	buf_free(&out);
	if (idx < ul->written_count)
		ul->recreate = true;
	return 0;
}

const char *maildir_uidlist_rec_get_guid(struct arena *arena,
	const struct maildir_uidlist_rec *rec)
{
	const char *guid = maildir_uidlist_rec_get_ext(rec,
		MAILDIR_UIDLIST_REC_GUID);

	if (guid != NULL)
		return arena_strdup(arena, guid);
	return base_key(arena, rec->filename);
}

static int add_check(struct maildir_uidlist *ul, const char *fname,
	const char **error_r)
{
	if (!maildir_filename_is_valid(fname)) {
		*error_r = t_printf("Invalid file name: %s", fname);
		return -1;
	}
	if (maildir_uidlist_lookup_filename(ul, fname) != NULL) {
		*error_r = t_printf("File already in uidlist: %s", fname);
		return -1;
	}
	return 0;
}

static void add_rec(struct maildir_uidlist *ul, const char *fname,
	uint32_t uid)
{
	struct maildir_uidlist_rec *rec;

	rec = arena_new(ul->arena, struct maildir_uidlist_rec, 1);
	rec->uid = uid;
	rec->filename = arena_strdup(ul->arena, fname);
	rec->extensions = "";
	hash_set(ul->by_base, base_key(ul->arena, fname), rec);
	array_push(&ul->recs, rec);
}

int maildir_uidlist_add(struct maildir_uidlist *ul, const char *fname,
	uint32_t *uid_r, const char **error_r)
{
	uint32_t uid = ul->next_uid;

	if (add_check(ul, fname, error_r) < 0)
		return -1;
	if (ul->recs.count > 0 && uid <= ul->recs.v[ul->recs.count - 1]->uid)
		uid = ul->recs.v[ul->recs.count - 1]->uid + 1;
	if (uid == 0 || uid >= (uint32_t)-1) {
		*error_r = "UIDs exhausted";
		return -1;
	}
	add_rec(ul, fname, uid);
	ul->next_uid = uid + 1;
	*uid_r = uid;
	return 0;
}

int maildir_uidlist_add_uid(struct maildir_uidlist *ul, const char *fname,
	uint32_t uid, const char **error_r)
{
	if (add_check(ul, fname, error_r) < 0)
		return -1;
	if (uid == 0 || uid == (uint32_t)-1 ||
	    (ul->recs.count > 0 &&
	     uid <= ul->recs.v[ul->recs.count - 1]->uid)) {
		*error_r = t_printf("Invalid UID %u for a new record", uid);
		return -1;
	}
	add_rec(ul, fname, uid);
	if (ul->next_uid <= uid)
		ul->next_uid = uid + 1;
	return 0;
}

bool maildir_uidlist_update_filename(struct maildir_uidlist *ul,
	const char *fname)
{
	struct maildir_uidlist_rec *rec;

	SCRATCH_BEGIN {
		rec = hash_get(ul->by_base, base_key(scratch_arena(), fname));
	} SCRATCH_END;
	if (rec == NULL)
		return false;
	if (strcmp(rec->filename, fname) != 0)
		rec->filename = arena_strdup(ul->arena, fname);
	return true;
}

bool maildir_uidlist_remove(struct maildir_uidlist *ul, uint32_t uid)
{
	bool found;
	unsigned int idx = rec_bsearch(ul, uid, &found);

	if (!found)
		return false;
	SCRATCH_BEGIN {
		rec_delete_idx(ul, idx);
	} SCRATCH_END;
	ul->recreate = true;
	return true;
}

bool maildir_uidlist_need_recreate(const struct maildir_uidlist *ul)
{
	unsigned int new_count = ul->recs.count - ul->written_count;

	if (ul->recreate || !ul->have_file ||
	    ul->version != MAILDIR_UIDLIST_VERSION || !ul->have_guid)
		return true;
	/* Dovecot rewrites when a quarter of the lines are dead. */
	return (uint64_t)(ul->file_records + new_count) * 75 / 100 >=
		ul->recs.count && ul->file_records > ul->written_count;
}

bool maildir_uidlist_is_written(const struct maildir_uidlist *ul)
{
	return ul->written_count == ul->recs.count &&
		!maildir_uidlist_need_recreate(ul);
}

void maildir_uidlist_set_recreate(struct maildir_uidlist *ul)
{
	ul->recreate = true;
}

int maildir_uidlist_serialize(struct maildir_uidlist *ul, struct buf *out,
	unsigned int first_idx)
{
	unsigned int i;

	i_assert(first_idx <= ul->recs.count);
	if (first_idx == 0) {
		i_assert(ul->uid_validity != 0);
		if (!ul->have_guid) {
			maildir_guid_generate(ul->guid);
			ul->have_guid = true;
		}
		SCRATCH_BEGIN {
			if (buf_printf(out, "%u V%u N%u G%s",
				    MAILDIR_UIDLIST_VERSION,
				    ul->uid_validity, ul->next_uid,
				    maildir_guid_to_hex(scratch_arena(),
					    ul->guid)) < 0)
				first_idx = UINT_MAX;
		} SCRATCH_END;
		if (first_idx == UINT_MAX)
			return -1;
		if (ul->hdr_extensions[0] != '\0' &&
		    (buf_append_c(out, ' ') < 0 ||
		     buf_append_str(out, ul->hdr_extensions) < 0))
			return -1;
		if (buf_append_c(out, '\n') < 0)
			return -1;
	}
	for (i = first_idx; i < ul->recs.count; i++) {
		const struct maildir_uidlist_rec *rec = ul->recs.v[i];
		const char *info = strchr(rec->filename, MAILDIR_INFO_SEP);
		size_t len = info == NULL ? strlen(rec->filename) :
			(size_t)(info - rec->filename);

		if (buf_printf(out, "%u", rec->uid) < 0)
			return -1;
		if (rec->extensions[0] != '\0' &&
		    (buf_append_c(out, ' ') < 0 ||
		     buf_append_str(out, rec->extensions) < 0))
			return -1;
		if (buf_append_str(out, " :") < 0 ||
		    buf_append(out, rec->filename, len) < 0 ||
		    buf_append_c(out, '\n') < 0)
			return -1;
	}
	return 0;
}
