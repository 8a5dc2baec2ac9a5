/*
 * message-part.c - navigating a parsed part tree: IMAP section numbers
 * and counting (see message-parser.h).
 */
#include "lib.h"
#include "message-parser.h"

struct message_part *message_part_find(struct message_part *root,
	const uint32_t *nums, unsigned int count)
{
	struct message_part *part = root;
	/* a non-multipart part answers to one "1" (its own body), as in
	   Dovecot 2.3: "1.1" of a leaf is the leaf, "1.1.1" is nothing */
	bool one_used = false;

	for (unsigned int i = 0; i < count && part != NULL; i++) {
		uint32_t num = nums[i];

		if (num == 0)
			return NULL;
		if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0) {
			part = part->children;
			for (; num > 1 && part != NULL; num--)
				part = part->next;
			one_used = false;
		} else if (num != 1 || one_used) {
			return NULL;
		} else {
			one_used = true;
		}
		if (part != NULL && i + 1 < count &&
		    (part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0) {
			/* deeper numbers address the encapsulated
			   message's parts */
			part = part->children;
			one_used = false;
		}
	}
	return part;
}

bool message_part_section_range(struct message_part *root,
	const uint32_t *nums, unsigned int count,
	enum message_section_kind kind, uint64_t *pos_r, uint64_t *size_r)
{
	struct message_part *part = message_part_find(root, nums, count);

	if (part == NULL)
		return false;
	if (count > 0 && (kind == MESSAGE_SECTION_HEADER ||
			  kind == MESSAGE_SECTION_TEXT)) {
		if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) == 0 ||
		    part->children == NULL)
			return false;
		part = part->children;
	}
	switch (kind) {
	case MESSAGE_SECTION_BODY:
		if (count == 0) {
			*pos_r = part->physical_pos;
			*size_r = message_part_physical_size(part);
			return true;
		}
		/* fall through */
	case MESSAGE_SECTION_TEXT:
		*pos_r = message_part_body_pos(part);
		*size_r = part->body_size.physical_size;
		return true;
	case MESSAGE_SECTION_MIME:
		if (count == 0)
			return false;
		/* fall through */
	case MESSAGE_SECTION_HEADER:
		*pos_r = part->physical_pos;
		*size_r = part->header_size.physical_size;
		return true;
	}
	return false;
}

int message_part_section_parse(const char *section, uint32_t *nums_r,
	unsigned int max_count, const char **end_r)
{
	const char *p = section;
	unsigned int count = 0;

	while (*p >= '0' && *p <= '9') {
		uint64_t num = 0;

		if (*p == '0')
			return -1; /* no zero and no leading zeros */
		while (*p >= '0' && *p <= '9') {
			num = num * 10 + (uint64_t)(*p - '0');
			if (num > UINT32_MAX)
				return -1;
			p++;
		}
		if (count == max_count)
			return -1;
		nums_r[count++] = (uint32_t)num;
		if (*p != '.' || p[1] < '0' || p[1] > '9')
			break;
		p++;
	}
	*end_r = p;
	return (int)count;
}

unsigned int message_part_count(const struct message_part *root)
{
	return root->children_count + 1;
}
