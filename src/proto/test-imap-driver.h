/*
 * test-imap-driver.h - drives imap_parser over a whole input the way a
 * server would, delivering the input all at once, one byte at a time or
 * in pseudo-random chunks, and renders what was parsed as one text line
 * per command so that every delivery mode can be compared with the same
 * expected string.
 */
#ifndef ROOST_TEST_IMAP_DRIVER_H
#define ROOST_TEST_IMAP_DRIVER_H

#include "imap-parser.h"

struct buf;

enum test_chunking {
	TEST_CHUNK_ALL,
	TEST_CHUNK_BYTE,
	TEST_CHUNK_RANDOM,
};

struct test_drive_settings {
	struct imap_parser_settings parser;
	enum imap_parser_flags flags;
	/* Refuse every synchronizing literal instead of acknowledging it. */
	bool refuse_literals;
};

/* Default settings: 1000-byte lines, 1000-byte literals, depth 10. */
void test_drive_settings_default(struct test_drive_settings *set);

/*
 * Parses every command in input (size bytes) and returns their rendering,
 * one line per command joined with '\n' (memory from the scratch arena):
 *   "tag name: args"            parsed (" [+N]" appended when N
 *                               continuations were sent)
 *   "tag name ERR: text"        non-fatal error (line then skipped)
 *   "tag name REFUSED"          a literal refused (refuse_literals)
 *   "ERR: text"                 error before a tag was known
 *   "... FATAL: text"           fatal error (driving stops)
 *   "... INCOMPLETE"            the input ended mid-command
 * Arguments render as: atoms raw, NIL as NIL, strings "raw", literals
 * {n}raw / {n+}raw / ~{n}raw, LITERAL_SIZE as <n> / <n+>, lists (...).
 * The parser contract (consumed == size on 0, parents, EOL) is asserted
 * along the way.
 */
const char *test_drive(const struct test_drive_settings *set,
	const void *input, size_t size, enum test_chunking chunking,
	unsigned int seed);

/*
 * Runs test_drive() in every chunking mode (all, byte, 30 random seeds)
 * and asserts each result equals expected.
 */
void test_drive_all(const struct test_drive_settings *set,
	const char *input, size_t size, const char *expected);

/* Input delivered in chunks, for tests driving the parser by hand. */
struct test_feeder {
	const unsigned char *data;
	size_t size;
	size_t pos;   /* consumed by the parser */
	size_t avail; /* delivered so far */
	enum test_chunking chunking;
	uint32_t rnd;
};

void test_feeder_init(struct test_feeder *f, const void *data, size_t size,
	enum test_chunking chunking, unsigned int seed);
/* Delivers more input; false if all of it was already delivered. */
bool test_feeder_more(struct test_feeder *f);
/* Takes n bytes directly (as a caller streaming a LITERAL_SIZE literal
   does), appending them to out; false if the input ends first. */
bool test_feeder_take(struct test_feeder *f, size_t n, struct buf *out);
/* Reads the tag (and the command name(s), "UID x" joined) into out as
   "tag name"; 1, -1 (error rendered into out) or -2 (input ended). */
int test_feed_command(struct imap_parser *parser, struct test_feeder *f,
	struct buf *out);
/* imap_parser_read_args() until it returns non-zero, delivering input as
   needed; -2 if the input ended first. */
int test_feed_args(struct imap_parser *parser, struct test_feeder *f,
	unsigned int count, enum imap_parser_flags flags,
	const struct imap_arg **args_r);
/* imap_parser_skip_line() likewise. */
int test_feed_skip(struct imap_parser *parser, struct test_feeder *f);

/* Renders args (to the EOL) as test_drive() does. */
void test_render_args(struct buf *out, const struct imap_arg *args,
	const struct imap_arg *parent);

#endif
