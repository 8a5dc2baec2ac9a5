/*
 * message-part-serialize.c - the part tree as a compact, host-independent
 * blob (see message-part-serialize.h).
 *
 * Format (version 1): the byte 'R', the byte 1, then every part in
 * pre-order as unsigned LEB128 varints:
 *   flags, offset (of the part's first byte from its parent's body start;
 *   0 for the root), header physical, virtual, lines, body physical,
 *   virtual, lines, number of direct children.
 * A typical leaf part takes 10-15 bytes.
 */
#include "lib.h"
#include "array.h"
#include "message-part-serialize.h"

#define SERIALIZE_MAGIC 'R'
#define SERIALIZE_VERSION 1

static int put_varint(struct buf *out, uint64_t v)
{
	unsigned char tmp[10];
	unsigned int n = 0;

	do {
		tmp[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			tmp[n] |= 0x80;
		n++;
	} while (v != 0);
	return buf_append(out, tmp, n);
}

static int put_size(struct buf *out, const struct message_size *size)
{
	if (put_varint(out, size->physical_size) < 0 ||
	    put_varint(out, size->virtual_size) < 0 ||
	    put_varint(out, size->lines) < 0)
		return -1;
	return 0;
}

int message_part_serialize(const struct message_part *root, struct buf *out)
{
	const struct message_part *part = root;
	unsigned char hdr[2] = { SERIALIZE_MAGIC, SERIALIZE_VERSION };

	if (buf_append(out, hdr, sizeof(hdr)) < 0)
		return -1;
	while (part != NULL) {
		uint64_t offset = 0;
		unsigned int children = 0;

		if (part->parent != NULL) {
			offset = part->physical_pos -
				message_part_body_pos(part->parent);
		}
		for (const struct message_part *c = part->children; c != NULL;
		     c = c->next)
			children++;
		if (put_varint(out, (uint64_t)part->flags) < 0 ||
		    put_varint(out, offset) < 0 ||
		    put_size(out, &part->header_size) < 0 ||
		    put_size(out, &part->body_size) < 0 ||
		    put_varint(out, children) < 0)
			return -1;
		/* pre-order successor */
		if (part->children != NULL) {
			part = part->children;
			continue;
		}
		while (part != NULL && part != root && part->next == NULL)
			part = part->parent;
		part = part == NULL || part == root ? NULL : part->next;
	}
	return 0;
}

struct reader {
	const unsigned char *p, *end;
	const char *error;
};

static bool get_varint(struct reader *r, uint64_t *v_r)
{
	uint64_t v = 0;
	unsigned int shift = 0;

	for (;;) {
		if (r->p >= r->end) {
			r->error = "truncated";
			return false;
		}
		unsigned char c = *r->p++;

		if (shift == 63 && (c & 0x7e) != 0) {
			r->error = "number too large";
			return false;
		}
		v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
		shift += 7;
		if (shift > 63) {
			r->error = "number too large";
			return false;
		}
	}
	*v_r = v;
	return true;
}

static bool get_size(struct reader *r, struct message_size *size)
{
	if (!get_varint(r, &size->physical_size) ||
	    !get_varint(r, &size->virtual_size) ||
	    !get_varint(r, &size->lines))
		return false;
	/* every LF adds at most one virtual byte */
	if (size->virtual_size < size->physical_size ||
	    size->virtual_size - size->physical_size > size->lines ||
	    size->lines > size->physical_size) {
		r->error = "inconsistent part size";
		return false;
	}
	return true;
}

struct open_part {
	struct message_part *part;
	uint64_t children_left;
	uint64_t next_pos;  /* first byte a next child may start at */
	uint64_t end;       /* end of the part */
	struct message_part **link;
};

struct message_part *message_part_deserialize(struct arena *arena,
	const void *blob, size_t size, unsigned int max_parts,
	const char **error_r)
{
	struct reader r = {
		.p = blob, .end = (const unsigned char *)blob + size
	};
	ARRAY(struct open_part) stack;
	struct message_part *root = NULL;
	unsigned int count = 0;

	if (max_parts == 0)
		max_parts = MESSAGE_PARSER_DEFAULT_MAX_TOTAL_PARTS * 2;
	if (size < 2 || r.p[0] != SERIALIZE_MAGIC ||
	    r.p[1] != SERIALIZE_VERSION) {
		*error_r = "not a serialised part tree (bad magic/version)";
		return NULL;
	}
	r.p += 2;
	array_init(&stack, NULL, 8);
	do {
		struct message_part *part;
		struct open_part *parent = stack.count == 0 ? NULL :
			&stack.v[stack.count - 1];
		uint64_t flags, offset, children;

		if (++count > max_parts) {
			r.error = "too many parts";
			break;
		}
		part = arena_new(arena, struct message_part, 1);
		if (!get_varint(&r, &flags) || !get_varint(&r, &offset) ||
		    !get_size(&r, &part->header_size) ||
		    !get_size(&r, &part->body_size) ||
		    !get_varint(&r, &children))
			break;
		if ((flags & ~(uint64_t)MESSAGE_PART_FLAGS_ALL) != 0) {
			r.error = "unknown flags";
			break;
		}
		part->flags = (enum message_part_flags)flags;
		bool multipart = (flags & MESSAGE_PART_FLAG_MULTIPART) != 0;
		bool rfc822 = (flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0;
		if ((multipart && rfc822) || (rfc822 && children != 1) ||
		    (!multipart && !rfc822 && children != 0) ||
		    (children > max_parts)) {
			r.error = "children do not match the part type";
			break;
		}
		if (part->header_size.physical_size > UINT64_MAX / 2 ||
		    part->body_size.physical_size > UINT64_MAX / 2) {
			r.error = "part too large";
			break;
		}
		uint64_t psize = part->header_size.physical_size +
			part->body_size.physical_size;

		if (parent == NULL) {
			if (offset != 0) {
				r.error = "root offset not 0";
				break;
			}
			root = part;
			part->physical_pos = 0;
		} else {
			uint64_t body_pos =
				message_part_body_pos(parent->part);
			/* (body_pos <= parent->end: checked when the
			   parent was read) */
			if (offset > parent->end - body_pos ||
			    body_pos + offset < parent->next_pos ||
			    psize > parent->end - (body_pos + offset)) {
				r.error = "part outside its parent";
				break;
			}
			if ((parent->part->flags &
			     MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0 &&
			    offset != 0) {
				r.error = "message/rfc822 body not at offset 0";
				break;
			}
			part->physical_pos = body_pos + offset;
			part->parent = parent->part;
			*parent->link = part;
			parent->link = &part->next;
			parent->next_pos = part->physical_pos + psize;
			parent->children_left--;
		}
		if (children > 0) {
			struct open_part *op;

			if (stack.count >= max_parts) {
				r.error = "nested too deeply";
				break;
			}
			op = array_append_space(&stack);

			op->part = part;
			op->children_left = children;
			op->next_pos = message_part_body_pos(part);
			op->end = part->physical_pos + psize;
			op->link = &part->children;
		}
		/* close finished parents, summing descendants */
		while (stack.count > 0 &&
		       stack.v[stack.count - 1].children_left == 0) {
			struct message_part *p = stack.v[stack.count - 1].part;

			for (struct message_part *c = p->children; c != NULL;
			     c = c->next)
				p->children_count += 1 + c->children_count;
			stack.count--;
		}
	} while (stack.count > 0);

	if (r.error == NULL && r.p != r.end)
		r.error = "trailing data";
	array_free(&stack);
	if (r.error != NULL) {
		*error_r = t_printf("corrupt part tree: %s", r.error);
		return NULL;
	}
	return root;
}
