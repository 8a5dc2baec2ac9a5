/*
 * imap-seqset.c - parsing, normalising and writing IMAP sequence sets.
 */
#include "lib.h"
#include "imap-seqset.h"
#include "buf.h"

/* nz-number (RFC 9051: digit-nz *DIGIT, fitting 32 bits) or "*". */
static int parse_seq_number(const char **p, enum imap_seqset_flags flags,
	uint32_t *num_r)
{
	const char *s = *p;
	uint64_t num = 0;

	if (*s == '*') {
		if ((flags & IMAP_SEQSET_FLAG_NO_STAR) != 0)
			return -1;
		*num_r = IMAP_SEQ_STAR;
		*p = s + 1;
		return 0;
	}
	if (*s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		num = num * 10 + (uint64_t)(*s - '0');
		if (num > UINT32_MAX)
			return -1;
	}
	*num_r = (uint32_t)num;
	*p = s;
	return 0;
}

int imap_seqset_parse(const char *str, enum imap_seqset_flags flags,
	unsigned int max_ranges, struct arena *arena, struct imap_seqset *set_r,
	const char **error_r)
{
	struct imap_seq_range *ranges;
	unsigned int count = 1, i = 0;
	const char *p;

	if (strcmp(str, "$") == 0) {
		if ((flags & IMAP_SEQSET_FLAG_ALLOW_SEARCHRES) == 0) {
			*error_r = "Invalid messageset";
			return -1;
		}
		memset(set_r, 0, sizeof(*set_r));
		set_r->searchres = true;
		return 0;
	}
	for (p = str; *p != '\0'; p++) {
		if (*p == ',')
			count++;
	}
	if (count > max_ranges) {
		*error_r = "Too many ranges in messageset";
		return -1;
	}

	ranges = arena_new(arena, struct imap_seq_range, count);
	p = str;
	for (;;) {
		if (parse_seq_number(&p, flags, &ranges[i].seq1) < 0)
			break;
		ranges[i].seq2 = ranges[i].seq1;
		if (*p == ':') {
			p++;
			if (parse_seq_number(&p, flags, &ranges[i].seq2) < 0)
				break;
		}
		i++;
		if (*p == '\0' && i == count) {
			set_r->searchres = false;
			set_r->ranges = ranges;
			set_r->count = count;
			return 0;
		}
		if (*p != ',')
			break;
		p++;
	}
	*error_r = "Invalid messageset";
	return -1;
}

static int range_cmp(const void *p1, const void *p2)
{
	const struct imap_seq_range *r1 = p1, *r2 = p2;

	if (r1->seq1 != r2->seq1)
		return r1->seq1 < r2->seq1 ? -1 : 1;
	if (r1->seq2 != r2->seq2)
		return r1->seq2 < r2->seq2 ? -1 : 1;
	return 0;
}

unsigned int imap_seqset_resolve(struct imap_seq_range *ranges,
	unsigned int count, uint32_t star_value)
{
	unsigned int i, j = 0;
	uint32_t tmp;

	for (i = 0; i < count; i++) {
		struct imap_seq_range r = ranges[i];

		if (r.seq1 == IMAP_SEQ_STAR && r.seq2 == IMAP_SEQ_STAR &&
		    star_value == 0)
			continue;
		if (r.seq1 == IMAP_SEQ_STAR)
			r.seq1 = star_value;
		if (r.seq2 == IMAP_SEQ_STAR)
			r.seq2 = star_value;
		if (r.seq1 > r.seq2) {
			tmp = r.seq1;
			r.seq1 = r.seq2;
			r.seq2 = tmp;
		}
		if (r.seq1 == 0)
			r.seq1 = 1;
		ranges[j++] = r;
	}
	count = j;
	if (count == 0)
		return 0;

	qsort(ranges, count, sizeof(*ranges), range_cmp);
	for (i = 1, j = 0; i < count; i++) {
		/* merge overlapping and adjacent ranges */
		if (ranges[j].seq2 == UINT32_MAX ||
		    ranges[i].seq1 <= ranges[j].seq2 + 1) {
			if (ranges[i].seq2 > ranges[j].seq2)
				ranges[j].seq2 = ranges[i].seq2;
		} else {
			ranges[++j] = ranges[i];
		}
	}
	return j + 1;
}

bool imap_seqset_contains(const struct imap_seq_range *ranges,
	unsigned int count, uint32_t seq)
{
	unsigned int lo = 0, hi = count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seq < ranges[mid].seq1)
			hi = mid;
		else if (seq > ranges[mid].seq2)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int imap_seqset_write(struct buf *dest, const struct imap_seq_range *ranges,
	unsigned int count)
{
	unsigned int i;
	int ret;

	for (i = 0; i < count; i++) {
		if (i > 0 && buf_append_c(dest, ',') < 0)
			return -1;
		if (ranges[i].seq1 == ranges[i].seq2)
			ret = buf_printf(dest, "%u", ranges[i].seq1);
		else
			ret = buf_printf(dest, "%u:%u", ranges[i].seq1,
				ranges[i].seq2);
		if (ret < 0)
			return -1;
	}
	return 0;
}
