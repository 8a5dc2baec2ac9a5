/*
 * fuzz-message-parser.c - libFuzzer target for the MIME parser and what is
 * built on it (src/mail): the input is a message, parsed once with
 * Dovecot's limits and once with tiny ones; for each tree the sizes must
 * add up, ENVELOPE/BODY/BODYSTRUCTURE must be writable, the serialised
 * tree must deserialise to the same tree, HEADER.FIELDS and section
 * lookups must stay inside the message, and the text iteration used by
 * SEARCH/FTS must run.  The input is also fed to the deserialiser as a
 * (normally corrupt) blob.
 */
#include "lib.h"
#include "buf.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-serialize.h"
#include "message-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_part(const struct message_part *part, uint64_t start,
	uint64_t end)
{
	uint64_t pos = message_part_body_pos(part);
	struct message_size sum = part->header_size;
	unsigned int children = 0;

	i_assert(part->physical_pos >= start);
	i_assert(part->physical_pos + message_part_physical_size(part) <= end);
	i_assert(part->body_size.virtual_size >= part->body_size.physical_size);
	for (const struct message_part *c = part->children; c != NULL;
	     c = c->next) {
		i_assert(c->parent == part);
		check_part(c, pos, part->physical_pos +
			message_part_physical_size(part));
		pos = c->physical_pos + message_part_physical_size(c);
		children += 1 + c->children_count;
	}
	i_assert(children == part->children_count);
	(void)sum;
}

static bool same_tree(const struct message_part *a,
	const struct message_part *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		if (a->physical_pos != b->physical_pos ||
		    a->flags != b->flags ||
		    memcmp(&a->header_size, &b->header_size,
			sizeof(a->header_size)) != 0 ||
		    memcmp(&a->body_size, &b->body_size,
			sizeof(a->body_size)) != 0 ||
		    !same_tree(a->children, b->children))
			return false;
	}
	return a == NULL && b == NULL;
}

static int text_cb(void *context, const struct message_part *part,
	enum message_text_kind kind, const char *name, const char *text,
	size_t size)
{
	struct message_search *search = context;

	(void)part;
	(void)kind;
	(void)name;
	return message_search_feed(search, text, size) ? 1 : 0;
}

static void fuzz_tree(struct arena *arena, const uint8_t *data, size_t size,
	const struct message_parser_limits *limits)
{
	struct message_part *root, *copy;
	struct message_size full;
	struct buf out, blob;
	const char *error;

	root = message_parse(arena, data, size, limits, 0);
	message_size_count(data, size, false, &full);
	i_assert(message_part_physical_size(root) == size);
	i_assert(message_part_virtual_size(root) == full.virtual_size);
	check_part(root, 0, size);

	buf_init(&out, NULL, 4096, 0);
	if (imap_envelope_write(&out, message_envelope_parse(arena, data,
		root->header_size.physical_size)) < 0)
		i_panic("envelope failed");
	buf_reset(&out);
	if (imap_bodystructure_write(&out, arena, root, data, size, true,
		&error) < 0)
		i_panic("bodystructure: %s", error);
	buf_reset(&out);
	if (imap_bodystructure_write(&out, arena, root, data, size, false,
		&error) < 0)
		i_panic("body: %s", error);

	buf_init(&blob, NULL, 256, 0);
	if (message_part_serialize(root, &blob) < 0)
		i_panic("serialize failed");
	copy = message_part_deserialize(arena, blob.data, blob.used, 0,
		&error);
	if (copy == NULL || !same_tree(root, copy))
		i_panic("serialise round trip failed: %s",
			copy == NULL ? error : "trees differ");

	/* sections: the first bytes pick a part number path */
	uint32_t nums[4];
	for (unsigned int i = 0; i < 4; i++)
		nums[i] = size > i ? data[i] % 4 + 1 : 1;
	struct message_part *part = message_part_find(root, nums,
		size % 5);
	if (part != NULL) {
		i_assert(part->physical_pos +
			message_part_physical_size(part) <= size);
		const char *names[] = { "subject", "from", "content-type" };
		buf_reset(&out);
		if (message_header_filter(data + part->physical_pos,
			part->header_size.physical_size, names, 3,
			size % 2 == 0, &out) < 0)
			i_panic("filter failed");
	}

	struct message_search *search =
		message_search_init(arena, "zq\xc3\xa4");
	(void)message_text_iterate(arena, root, data, size,
		MESSAGE_TEXT_FLAG_HEADERS | MESSAGE_TEXT_FLAG_BODIES, text_cb,
		search, &error);
	buf_free(&out);
	buf_free(&blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_create("fuzz", 4096);
	struct message_parser_limits tiny = {
		.max_nested_parts = 3, .max_total_parts = 6,
		.max_header_size = 64,
	};
	const char *error;

	fuzz_tree(arena, data, size, NULL);
	fuzz_tree(arena, data, size, &tiny);
	(void)message_part_deserialize(arena, data, size, 100, &error);
	arena_destroy(&arena);
	return 0;
}
