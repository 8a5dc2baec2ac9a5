/*
 * imap-search-result.c - the replies of SEARCH, SORT and THREAD:
 * "* SEARCH", "* SORT", "* THREAD", "* ESEARCH" (RFC 4731, RFC 5267
 * ESORT and PARTIAL) and SEARCHRES's SAVE (RFC 5182).
 */
#include "lib.h"
#include "imap-search.h"
#include "arena.h"
#include "array.h"
#include "buf.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "mail-search.h"
#include "storage.h"

/* Enough for " 4294967295" per message plus the line's fixed parts. */
#define ID_BYTES 11
#define LINE_OVERHEAD 256

int imap_search_write_ids(struct buf *dest, const uint32_t *ids,
	unsigned int count)
{
	unsigned int i = 0, j;

	while (i < count) {
		for (j = i; j + 1 < count && ids[j] != UINT32_MAX &&
			    ids[j + 1] == ids[j] + 1; j++)
			;
		if (i > 0 && buf_append_c(dest, ',') < 0)
			return -1;
		if (j == i) {
			if (buf_printf(dest, "%u", ids[i]) < 0)
				return -1;
		} else {
			if (buf_printf(dest, "%u:%u", ids[i], ids[j]) < 0)
				return -1;
		}
		i = j + 1;
	}
	return 0;
}

/* The highest modseq of the messages seqs[0..count).  0 or -1. */
static int get_highest_modseq(struct mailbox *box, const uint32_t *seqs,
	unsigned int count, uint64_t *modseq_r)
{
	struct mail *mail = mail_alloc(box);
	uint64_t modseq, highest = 0;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < count; i++) {
		mail_set_seq(mail, seqs[i]);
		if (mail_get_modseq(mail, &modseq) < 0) {
			ret = -1;
			break;
		}
		if (modseq > highest)
			highest = modseq;
	}
	mail_free(&mail);
	*modseq_r = highest;
	return ret;
}

/*
 * RFC 7162 §3.1.5 / RFC 4731 §3.2: the MODSEQ of an ESEARCH reply is the
 * highest of all matches when ALL, COUNT or SAVE was asked for, else the
 * highest of the messages actually returned (MIN, MAX, PARTIAL), as
 * Dovecot does.
 */
static int esearch_modseq(struct imap_cmd *cmd,
	const struct imap_search_query *q, const uint32_t *seqs,
	unsigned int count, uint64_t highest_modseq, uint32_t min_idx,
	uint32_t max_idx, unsigned int partial_first,
	unsigned int partial_count, uint64_t *modseq_r)
{
	struct mailbox *box = cmd->client->mailbox;
	enum imap_search_return_flags flags = q->ret.flags;
	uint64_t modseq, highest = 0;

	*modseq_r = 0;
	if (count == 0)
		return 0;
	if ((flags & (IMAP_SEARCH_RETURN_ALL | IMAP_SEARCH_RETURN_COUNT |
		      IMAP_SEARCH_RETURN_SAVE)) != 0) {
		if (highest_modseq == 0 &&
		    get_highest_modseq(box, seqs, count, &highest_modseq) < 0)
			return -1;
		*modseq_r = highest_modseq;
		return 0;
	}
	if ((flags & IMAP_SEARCH_RETURN_MIN) != 0) {
		if (get_highest_modseq(box, &seqs[min_idx], 1, &modseq) < 0)
			return -1;
		highest = I_MAX(highest, modseq);
	}
	if ((flags & IMAP_SEARCH_RETURN_MAX) != 0) {
		if (get_highest_modseq(box, &seqs[max_idx], 1, &modseq) < 0)
			return -1;
		highest = I_MAX(highest, modseq);
	}
	if (partial_count > 0) {
		if (get_highest_modseq(box, &seqs[partial_first],
				       partial_count, &modseq) < 0)
			return -1;
		highest = I_MAX(highest, modseq);
	}
	*modseq_r = highest;
	return 0;
}

static int uid_cmp(const void *p1, const void *p2)
{
	const uint32_t *u1 = p1, *u2 = p2;

	return *u1 < *u2 ? -1 : (*u1 > *u2 ? 1 : 0);
}

/* SEARCHRES: the UIDs of the matches become "$" (RFC 5182 §2.1). */
static void save_result(struct imap_cmd *cmd, const uint32_t *uids,
	unsigned int count)
{
	struct seq_range *ranges;
	uint32_t *sorted;
	unsigned int i, n = 0;

	/* SORT gives them in sort order */
	sorted = arena_new(cmd->arena, uint32_t, count);
	if (count > 0)
		memcpy(sorted, uids, sizeof(*sorted) * count);
	qsort(sorted, count, sizeof(*sorted), uid_cmp);
	ranges = arena_new(cmd->arena, struct seq_range, count);
	for (i = 0; i < count; i++) {
		if (n > 0 && ranges[n - 1].seq2 + 1 == sorted[i]) {
			ranges[n - 1].seq2 = sorted[i];
		} else {
			ranges[n].seq1 = ranges[n].seq2 = sorted[i];
			n++;
		}
	}
	imap_sync_set_searchres(cmd->client, ranges, n);
}

static int send_esearch(struct imap_cmd *cmd,
	const struct imap_search_query *q, const uint32_t *seqs,
	const uint32_t *ids, unsigned int count, uint64_t highest_modseq)
{
	enum imap_search_return_flags flags = q->ret.flags;
	unsigned int min_idx = 0, max_idx = 0;
	unsigned int partial_first = 0, partial_count = 0;
	uint64_t modseq = 0;
	struct buf out;
	int ret = 0;

	/* SEARCH results ascend, so MIN and MAX are the first and the last;
	   for ESORT (RFC 5267 §3.2) they are the first and the last in
	   sort order, as Dovecot answers. */
	if (count > 0)
		max_idx = count - 1;
	if ((flags & IMAP_SEARCH_RETURN_PARTIAL) != 0 &&
	    q->ret.partial_low <= count) {
		partial_first = q->ret.partial_low - 1;
		partial_count = I_MIN(count, q->ret.partial_high) -
			partial_first;
	}
	if (q->uses_modseq &&
	    esearch_modseq(cmd, q, seqs, count, highest_modseq, min_idx,
			   max_idx, partial_first, partial_count,
			   &modseq) < 0)
		return -1;
	if (!imap_search_return_wants_esearch(&q->ret) && modseq == 0)
		return 0;

	buf_init(&out, cmd->arena, 128, size_mul(count, ID_BYTES * 2) +
		LINE_OVERHEAD + strlen(cmd->client->tag));
	if (buf_printf(&out, "* ESEARCH (TAG \"%s\")%s", cmd->client->tag,
		       cmd->uid ? " UID" : "") < 0)
		ret = -1;
	if ((flags & IMAP_SEARCH_RETURN_MIN) != 0 && count > 0 &&
	    buf_printf(&out, " MIN %u", ids[min_idx]) < 0)
		ret = -1;
	if ((flags & IMAP_SEARCH_RETURN_MAX) != 0 && count > 0 &&
	    buf_printf(&out, " MAX %u", ids[max_idx]) < 0)
		ret = -1;
	if ((flags & IMAP_SEARCH_RETURN_ALL) != 0 && count > 0) {
		/* in sort order for ESORT (RFC 5267 §3.2) */
		if (buf_append_str(&out, " ALL ") < 0 ||
		    imap_search_write_ids(&out, ids, count) < 0)
			ret = -1;
	}
	if ((flags & IMAP_SEARCH_RETURN_COUNT) != 0 &&
	    buf_printf(&out, " COUNT %u", count) < 0)
		ret = -1;
	if ((flags & IMAP_SEARCH_RETURN_PARTIAL) != 0) {
		if (buf_printf(&out, " PARTIAL (%u:%u ", q->ret.partial_low,
			       q->ret.partial_high) < 0)
			ret = -1;
		if (partial_count == 0) {
			if (buf_append_str(&out, "NIL") < 0)
				ret = -1;
		} else if (imap_search_write_ids(&out, &ids[partial_first],
						 partial_count) < 0) {
			ret = -1;
		}
		if (buf_append_c(&out, ')') < 0)
			ret = -1;
	}
	if (modseq != 0 &&
	    buf_printf(&out, " MODSEQ %llu", (unsigned long long)modseq) < 0)
		ret = -1;
	if (ret < 0)
		i_panic("ESEARCH line exceeded its computed bound");
	imap_client_send_line(cmd->client, buf_cstr(&out));
	return 0;
}

int imap_search_send_result(struct imap_cmd *cmd,
	const struct imap_search_query *q, const char *untagged,
	const uint32_t *seqs, unsigned int count, uint64_t highest_modseq)
{
	struct mailbox *box = cmd->client->mailbox;
	const uint32_t *ids = seqs;
	uint32_t *uids = NULL;
	unsigned int i;
	struct buf out;

	if (cmd->uid || (q->ret.flags & IMAP_SEARCH_RETURN_SAVE) != 0) {
		uids = arena_new(cmd->arena, uint32_t, count);
		for (i = 0; i < count; i++)
			uids[i] = mailbox_get_uid(box, seqs[i]);
		if (cmd->uid)
			ids = uids;
	}
	if (q->ret.esearch) {
		if (send_esearch(cmd, q, seqs, ids, count,
				 highest_modseq) < 0)
			return -1;
	} else {
		if (q->uses_modseq && count > 0 && highest_modseq == 0 &&
		    get_highest_modseq(box, seqs, count,
				       &highest_modseq) < 0)
			return -1;
		buf_init(&out, cmd->arena, 128,
			size_mul(count, ID_BYTES) + LINE_OVERHEAD);
		if (buf_printf(&out, "* %s", untagged) < 0)
			i_panic("SEARCH line exceeded its computed bound");
		for (i = 0; i < count; i++) {
			if (buf_printf(&out, " %u", ids[i]) < 0)
				i_panic("SEARCH line exceeded its bound");
		}
		if (q->uses_modseq && count > 0 &&
		    buf_printf(&out, " (MODSEQ %llu)",
			       (unsigned long long)highest_modseq) < 0)
			i_panic("SEARCH line exceeded its computed bound");
		imap_client_send_line(cmd->client, buf_cstr(&out));
	}
	if ((q->ret.flags & IMAP_SEARCH_RETURN_SAVE) != 0)
		save_result(cmd, uids, count);
	return 0;
}

int imap_thread_write(struct buf *dest, const struct mail_thread_node *roots,
	const struct mailbox *uid_box, struct arena *arena)
{
	ARRAY(const struct mail_thread_node *) stack;
	const struct mail_thread_node *node, *child;

	if (roots == NULL)
		return 0;
	array_init(&stack, arena, 16);
	/* Each stack level holds the next sibling to write at that level;
	   every sibling is written in parentheses.  A node's only child
	   continues its parentheses ("(3 2)"); several children open a new
	   level ("(2 (7)(12))"), closed when that level is done. */
	array_push(&stack, roots);
	while (stack.count > 0) {
		node = stack.v[stack.count - 1];
		if (node == NULL) {
			stack.count--;
			if (stack.count > 0 && buf_append_c(dest, ')') < 0)
				return -1;
			continue;
		}
		stack.v[stack.count - 1] = node->next_sibling;
		if (buf_append_c(dest, '(') < 0)
			return -1;
		for (;;) {
			if (node->seq != 0 &&
			    buf_printf(dest, "%u", uid_box == NULL ? node->seq :
				       mailbox_get_uid(uid_box,
						       node->seq)) < 0)
				return -1;
			child = node->first_child;
			if (child == NULL) {
				if (buf_append_c(dest, ')') < 0)
					return -1;
				break;
			}
			if (node->seq != 0 && buf_append_c(dest, ' ') < 0)
				return -1;
			if (child->next_sibling == NULL) {
				node = child;
				continue;
			}
			array_push(&stack, child);
			break;
		}
	}
	return 0;
}
