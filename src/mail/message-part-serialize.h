/*
 * message-part-serialize.h - the part tree as a compact binary blob, so
 * the index can store it and FETCH BODY[1.2] needs no reparse.
 *
 * Only the structure is stored (positions, sizes, line counts, flags,
 * children); MIME fields are refilled from the message when needed with
 * message_part_data_fill().  The format is versioned and little-endian with
 * variable-length integers, so it is host independent.  Deserialisation is
 * strict: every count, size and position is checked against the blob and
 * against each other, so a corrupt blob is an error, never a crash or an
 * inconsistent tree.
 */
#ifndef ROOST_MESSAGE_PART_SERIALIZE_H
#define ROOST_MESSAGE_PART_SERIALIZE_H

#include "buf.h"
#include "message-parser.h"

/* Appends the blob for root's tree to out.  Returns 0, or -1 if out's
   limit was reached. */
int message_part_serialize(const struct message_part *root, struct buf *out)
	ATTR_NODISCARD;

/*
 * Rebuilds a tree (part->data NULL everywhere) from blob[0..size) into
 * arena.  max_parts bounds the tree (0 = MESSAGE_PARSER_DEFAULT_MAX_TOTAL_PARTS
 * times 2).  Returns the root, or NULL with *error_r set if the blob is
 * corrupt, truncated, has trailing bytes or describes more parts.
 */
struct message_part *message_part_deserialize(struct arena *arena,
	const void *blob, size_t size, unsigned int max_parts,
	const char **error_r);

#endif
