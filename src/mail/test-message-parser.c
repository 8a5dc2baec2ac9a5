/*
 * test-message-parser.c - the MIME parser: IMAP section contents from the
 * imaptest scripts (fetch-body-mime, fetch-body-message-rfc822(-mime),
 * fetch-binary-mime), every prefix of sample messages (no crash,
 * consistent sizes), limits, section lookup, sizes and LF->CRLF output,
 * and the strictness of the serialised tree.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "imap-bodystructure.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "message-part-serialize.h"
#include "test-common.h"

#include <fcntl.h>
#include <sys/stat.h>

#ifndef MAIL_TEST_FIXTURE_DIR
#  error MAIL_TEST_FIXTURE_DIR not defined
#endif

static char *read_fixture(const char *name, size_t *size_r)
{
	const char *path = t_printf("%s/dovecot/%s.eml", MAIL_TEST_FIXTURE_DIR,
		name);
	struct stat st;
	char *data;
	size_t pos = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		i_fatal("open(%s): %m", path);
	data = i_malloc((size_t)st.st_size + 1);
	while (pos < (size_t)st.st_size) {
		ssize_t ret = read(fd, data + pos, (size_t)st.st_size - pos);

		if (ret <= 0)
			i_fatal("read(%s): %m", path);
		pos += (size_t)ret;
	}
	close(fd);
	*size_r = pos;
	return data;
}

/* BODY[section] as IMAP serves it (CRLF), for the section forms the
   imaptest scripts use: "", "TEXT", "HEADER", "n", "n.MIME",
   "n.HEADER", "n.TEXT".  NULL for a section that does not exist. */
static const char *fetch_section(struct message_part *root, const char *msg,
	const char *section)
{
	uint32_t nums[16];
	const char *rest;
	int count = message_part_section_parse(section, nums, 16, &rest);
	enum message_section_kind kind = MESSAGE_SECTION_BODY;
	struct buf out;
	uint64_t start, size;

	if (count < 0)
		return NULL;
	if (*rest == '.')
		rest++;
	if (strcmp(rest, "MIME") == 0)
		kind = MESSAGE_SECTION_MIME;
	else if (strcmp(rest, "HEADER") == 0)
		kind = MESSAGE_SECTION_HEADER;
	else if (strcmp(rest, "TEXT") == 0)
		kind = MESSAGE_SECTION_TEXT;
	else if (*rest != '\0')
		return NULL;
	if (!message_part_section_range(root, nums, (unsigned int)count, kind,
		&start, &size))
		return NULL;
	buf_init(&out, scratch_arena(), size * 2 + 1, 0);
	test_assert(message_append_crlf(&out, msg + start, size,
		start > 0 && msg[start - 1] == '\r') == 0);
	return buf_cstr(&out);
}

static void test_imaptest_sections(void)
{
	struct arena *arena = arena_create("test", 4096);
	size_t size;
	char *msg;
	struct message_part *root;

	test_begin("imaptest fetch-body-mime sections");
	msg = read_fixture("imaptest-fetch-body-mime-1", &size);
	root = message_parse(arena, msg, size, NULL, 0);
	test_assert(message_part_virtual_size(root) == 602); /* binary.size[] */
	test_assert_strcmp(fetch_section(root, msg, "1"), "hello\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.MIME"),
		"Content-Type: text/x-myown; charset=us-ascii\r\n\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.MIME"),
		"Content-Type: message/rfc822\r\n\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.HEADER"),
		"From: sub@domain.org\r\n"
		"Date: Sun, 12 Aug 2012 12:34:56 +0300\r\n"
		"Subject: submsg\r\n"
		"Content-Type: multipart/alternative; boundary=\"sub1\"\r\n"
		"\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.TEXT"),
		"Sub MIME prologue\r\n--sub1\r\nContent-Type: text/html\r\n\r\n"
		"<p>Hello world</p>\r\n\r\n--sub1\r\n"
		"Content-Type: text/plain\r\n\r\nHello another world\r\n\r\n"
		"--sub1--\r\nSub MIME epilogue\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.1.MIME"),
		"Content-Type: text/html\r\n\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.1"),
		"<p>Hello world</p>\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.2"),
		"Hello another world\r\n");
	test_assert_strcmp(fetch_section(root, msg, "2.2.MIME"),
		"Content-Type: text/plain\r\n\r\n");
	/* binary.size[1], [2], [2.1], [2.2] of fetch-binary-mime */
	uint32_t n1[] = { 1 }, n2[] = { 2 }, n21[] = { 2, 1 }, n22[] = { 2, 2 };
	test_assert(message_part_find(root, n1, 1)->
		body_size.virtual_size == 7);
	test_assert(message_part_find(root, n2, 1)->
		body_size.virtual_size == 298);
	test_assert(message_part_find(root, n21, 2)->
		body_size.virtual_size == 20);
	test_assert(message_part_find(root, n22, 2)->
		body_size.virtual_size == 21);
	/* nonexistent parts, and Dovecot's "one extra 1 on a leaf" */
	uint32_t n3[] = { 3 }, n23[] = { 2, 3 }, n11[] = { 1, 1 };
	uint32_t n111[] = { 1, 1, 1 }, n211[] = { 2, 1, 1 };
	uint32_t n2111[] = { 2, 1, 1, 1 };
	test_assert(message_part_find(root, n3, 1) == NULL);
	test_assert(message_part_find(root, n23, 2) == NULL);
	test_assert(message_part_find(root, n11, 2) ==
		message_part_find(root, n1, 1));
	test_assert(message_part_find(root, n111, 3) == NULL);
	test_assert(message_part_find(root, n211, 3) ==
		message_part_find(root, n21, 2));
	test_assert(message_part_find(root, n2111, 4) == NULL);
	/* Dovecot: HEADER/TEXT only below message/rfc822 */
	test_assert(fetch_section(root, msg, "1.HEADER") == NULL);
	test_assert(fetch_section(root, msg, "1.TEXT") == NULL);
	test_assert(fetch_section(root, msg, "2.1.HEADER") == NULL);
	test_assert(fetch_section(root, msg, "MIME") == NULL);
	test_assert(strncmp(fetch_section(root, msg, "HEADER"),
		"From: user@domain.org\r\n", 23) == 0);
	test_assert(strlen(fetch_section(root, msg, "")) == 602);
	i_free(msg);
	test_end();

	test_begin("imaptest fetch-body-message-rfc822(-mime) sections");
	msg = read_fixture("imaptest-fetch-body-message-rfc822-1", &size);
	root = message_parse(arena, msg, size, NULL, 0);
	test_assert_strcmp(fetch_section(root, msg, "1.1"),
		"Hello world\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.TEXT"),
		"Hello world\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.HEADER"),
		"From: sub@domain.org\r\n"
		"Date: Sun, 12 Aug 2012 12:34:56 +0300\r\n"
		"Subject: submsg\r\n\r\n");
	i_free(msg);

	msg = read_fixture("imaptest-fetch-body-message-rfc822-mime-1", &size);
	root = message_parse(arena, msg, size, NULL, 0);
	test_assert_strcmp(fetch_section(root, msg, "1.1"),
		"From: m1@example.com\r\nSubject: m1\r\n\r\nm1 body\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.1.MIME"), "\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.1.HEADER"),
		"From: m1@example.com\r\nSubject: m1\r\n\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.1.TEXT"),
		"m1 body\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.2.MIME"),
		"X-Mime: m2 header\r\n\r\n");
	test_assert_strcmp(fetch_section(root, msg, "1.2.TEXT"),
		"m2 body\r\n");
	i_free(msg);

	/* single-part message: 1 is the body, 1.MIME the header */
	const char *single = "Subject: x\n\nsingle\n";
	root = message_parse(arena, single, strlen(single), NULL, 0);
	test_assert_strcmp(fetch_section(root, single, "1"), "single\r\n");
	test_assert_strcmp(fetch_section(root, single, "1.MIME"),
		"Subject: x\r\n\r\n");
	test_assert(fetch_section(root, single, "1.HEADER") == NULL);
	test_assert(fetch_section(root, single, "1.1") == NULL);
	test_assert(fetch_section(root, single, "2") == NULL);
	arena_destroy(&arena);
	test_end();
}

static void check_tree(const struct message_part *part, uint64_t start,
	uint64_t end)
{
	uint64_t pos;

	test_assert(part->physical_pos >= start);
	test_assert(part->physical_pos + message_part_physical_size(part) <=
		end);
	test_assert(part->header_size.virtual_size >=
		part->header_size.physical_size);
	test_assert(part->body_size.virtual_size >=
		part->body_size.physical_size);
	test_assert(part->body_size.lines <= part->body_size.physical_size);
	pos = message_part_body_pos(part);
	for (const struct message_part *c = part->children; c != NULL;
	     c = c->next) {
		test_assert(c->parent == part);
		check_tree(c, pos, part->physical_pos +
			message_part_physical_size(part));
		pos = c->physical_pos + message_part_physical_size(c);
	}
}

static bool trees_equal(const struct message_part *a,
	const struct message_part *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		if (a->physical_pos != b->physical_pos ||
		    a->flags != b->flags ||
		    memcmp(&a->header_size, &b->header_size,
			sizeof(a->header_size)) != 0 ||
		    memcmp(&a->body_size, &b->body_size,
			sizeof(a->body_size)) != 0 ||
		    a->children_count != b->children_count ||
		    !trees_equal(a->children, b->children))
			return false;
	}
	return a == NULL && b == NULL;
}

static void test_prefixes(void)
{
	static const char *const names[] = {
		"imaptest-fetch-body-mime-1",
		"imaptest-fetch-body-message-rfc822-mime-1",
		"imaptest-fetch-binary-mime-base64-1",
		"mime-header-cut", "mime-prefix-boundaries",
		"mime-lf-crlf-mix", "mime-digest", "ct-all-fields",
	};
	test_begin("every prefix of sample messages");
	for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
		size_t size;
		char *msg = read_fixture(names[i], &size);

		for (size_t len = 0; len <= size; len++) {
			struct arena *arena = arena_create("prefix", 4096);
			struct message_part *root, *copy;
			struct buf out, blob;
			const char *error;
			struct message_size full;

			root = message_parse(arena, msg, len, NULL, 0);
			test_assert(message_part_physical_size(root) == len);
			message_size_count(msg, len, false, &full);
			test_assert(message_part_virtual_size(root) ==
				full.virtual_size);
			test_assert(root->header_size.lines +
				root->body_size.lines == full.lines);
			check_tree(root, 0, len);
			buf_init(&out, arena, 1024, 0);
			test_assert(imap_bodystructure_write(&out, arena, root,
				msg, len, true, &error) == 0);
			buf_init(&blob, arena, 256, 0);
			test_assert(message_part_serialize(root, &blob) == 0);
			copy = message_part_deserialize(arena, blob.data,
				blob.used, 0, &error);
			test_assert(copy != NULL && trees_equal(root, copy));
			arena_destroy(&arena);
		}
		i_free(msg);
	}
	test_end();
}

static void test_limits(void)
{
	struct arena *arena = arena_create("test", 4096);
	struct message_parser_limits limits = {
		.max_nested_parts = 3, .max_total_parts = 5,
		.max_header_size = 0,
	};
	const char *msg =
		"Content-Type: multipart/mixed; boundary=a\n\n"
		"--a\nContent-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: multipart/mixed; boundary=c\n\n"
		"--c\n\ndeep\n--c--\n--b--\n"
		"--a\n\ntwo\n--a\n\nthree\n--a\n\nfour\n--a\n\nfive\n--a--\n";
	struct message_part *root;

	test_begin("parser limits");
	root = message_parse(arena, msg, strlen(msg), &limits, 0);
	/* depth: root, a's child (b), b's child would be 3rd level: its
	   own multipart is opaque */
	struct message_part *b = root->children;
	test_assert((b->flags & MESSAGE_PART_FLAG_MULTIPART) != 0);
	struct message_part *c = b->children;
	test_assert(c != NULL &&
		(c->flags & MESSAGE_PART_FLAG_OVERFLOW) != 0 &&
		(c->flags & MESSAGE_PART_FLAG_MULTIPART) == 0 &&
		c->children == NULL);
	/* total 5: root, b, c, "two", "three"; "three" runs to the end */
	test_assert(message_part_count(root) == 5);
	struct message_part *last = b->next->next;
	test_assert(last != NULL && last->next == NULL);
	test_assert(last->physical_pos + message_part_physical_size(last) ==
		strlen(msg));
	struct buf out;
	const char *error;
	buf_init(&out, arena, 256, 0);
	test_assert(imap_bodystructure_write(&out, arena, root, msg,
		strlen(msg), false, &error) == 0);
	test_assert(strstr(buf_cstr(&out), "\"application\" \"octet-stream\"")
		!= NULL);

	/* header size limit: the rest of the header becomes body */
	limits.max_nested_parts = 0;
	limits.max_total_parts = 0;
	limits.max_header_size = 20;
	const char *hmsg = "Subject: 1234567\nX-Long: 12345678901234\n\nbody\n";
	root = message_parse(arena, hmsg, strlen(hmsg), &limits, 0);
	test_assert((root->flags & MESSAGE_PART_FLAG_HEADER_TRUNCATED) != 0);
	test_assert(root->header_size.physical_size == 17);
	test_assert(message_part_physical_size(root) == strlen(hmsg));
	arena_destroy(&arena);
	test_end();
}

static void test_sizes(void)
{
	struct message_size s;
	struct buf out;
	size_t skip;
	bool cr;

	test_begin("sizes, virtual offsets, CRLF output");
	message_size_count("a\nb\r\nc\n", 7, false, &s);
	test_assert(s.physical_size == 7 && s.virtual_size == 9 &&
		s.lines == 3);
	message_size_count("\nx", 2, true, &s);
	test_assert(s.virtual_size == 2);
	message_size_count("\nx", 2, false, &s);
	test_assert(s.virtual_size == 3);

	/* "ab\ncd": virtual "ab\r\ncd" */
	test_assert(message_skip_virtual("ab\ncd", 5, 2, &skip, &cr) &&
		skip == 2 && !cr);
	test_assert(message_skip_virtual("ab\ncd", 5, 3, &skip, &cr) &&
		skip == 2 && cr);
	test_assert(message_skip_virtual("ab\ncd", 5, 4, &skip, &cr) &&
		skip == 3 && !cr);
	test_assert(!message_skip_virtual("ab\ncd", 5, 9, &skip, &cr) &&
		skip == 5);

	buf_init(&out, NULL, 16, 0);
	test_assert(message_append_crlf(&out, "a\nb\r\n\n", 6, false) == 0);
	test_assert_strcmp(buf_cstr(&out), "a\r\nb\r\n\r\n");
	buf_reset(&out);
	test_assert(message_append_crlf(&out, "\nx", 2, true) == 0);
	test_assert_strcmp(buf_cstr(&out), "\nx");
	buf_free(&out);
	buf_init(&out, NULL, 4, 5);
	test_assert(message_append_crlf(&out, "a\nb\nc\n", 6, false) < 0);
	buf_free(&out);
	test_end();
}

static void test_sections(void)
{
	uint32_t nums[4];
	const char *end;

	test_begin("section numbers");
	test_assert(message_part_section_parse("1.2.3", nums, 4, &end) == 3 &&
		nums[0] == 1 && nums[2] == 3 && *end == '\0');
	test_assert(message_part_section_parse("2.MIME", nums, 4, &end) == 1 &&
		strcmp(end, ".MIME") == 0);
	test_assert(message_part_section_parse("TEXT", nums, 4, &end) == 0 &&
		strcmp(end, "TEXT") == 0);
	test_assert(message_part_section_parse("0", nums, 4, &end) < 0);
	test_assert(message_part_section_parse("01", nums, 4, &end) < 0);
	test_assert(message_part_section_parse("1.2.3.4.5", nums, 4, &end) < 0);
	test_assert(message_part_section_parse("4294967296", nums, 4,
		&end) < 0);
	test_end();
}

static void test_serialize_strict(void)
{
	struct arena *arena = arena_create("test", 4096);
	size_t size;
	char *msg = read_fixture("imaptest-fetch-body-mime-1", &size);
	struct message_part *root = message_parse(arena, msg, size, NULL, 0);
	struct buf blob;
	const char *error;

	test_begin("serialised tree: corruption is an error");
	buf_init(&blob, arena, 256, 0);
	test_assert(message_part_serialize(root, &blob) == 0);
	/* every truncation fails */
	for (size_t len = 0; len < blob.used; len++) {
		test_assert(message_part_deserialize(arena, blob.data, len, 0,
			&error) == NULL);
	}
	/* trailing garbage fails */
	struct buf longer;
	buf_init(&longer, arena, blob.used + 1, 0);
	test_assert(buf_append(&longer, blob.data, blob.used) == 0 &&
		buf_append_c(&longer, 0) == 0);
	test_assert(message_part_deserialize(arena, longer.data, longer.used,
		0, &error) == NULL);
	/* every single-bit flip either fails or gives a consistent tree
	   that fits the original size bounds */
	for (size_t i = 0; i < blob.used; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			char *copy = t_malloc(blob.used);
			struct message_part *tree;

			memcpy(copy, blob.data, blob.used);
			copy[i] ^= (char)(1 << bit);
			tree = message_part_deserialize(arena, copy, blob.used,
				0, &error);
			if (tree != NULL)
				check_tree(tree, 0,
					message_part_physical_size(tree));
		}
	}
	/* a tree too large for max_parts fails */
	test_assert(message_part_deserialize(arena, blob.data, blob.used, 3,
		&error) == NULL);
	/* data filling refuses a tree that does not fit the message */
	struct message_part *tree = message_part_deserialize(arena, blob.data,
		blob.used, 0, &error);
	test_assert(tree != NULL);
	test_assert(message_part_data_fill(arena, tree, msg, size / 2,
		&error) < 0);
	i_free(msg);
	arena_destroy(&arena);
	test_end();
}

static void test_large_message(void)
{
	/* 8 MiB body of short lines plus many parts: linear work */
	struct arena *arena = arena_create("test", 4096);
	struct buf msg;
	struct message_part *root;

	test_begin("large message");
	buf_init(&msg, NULL, 1 << 20, 0);
	test_assert(buf_append_str(&msg, "Content-Type: multipart/mixed; "
		"boundary=x\n\n") == 0);
	for (unsigned int i = 0; i < 2000; i++) {
		test_assert(buf_append_str(&msg, "--x\n\n") == 0);
		for (unsigned int j = 0; j < 100; j++)
			test_assert(buf_append_str(&msg, "-- not a boundary "
				"line of text -------------\n") == 0);
	}
	test_assert(buf_append_str(&msg, "--x--\n") == 0);
	root = message_parse(arena, msg.data, msg.used, NULL, 0);
	test_assert(message_part_count(root) == 2001);
	test_assert(message_part_physical_size(root) == msg.used);
	buf_free(&msg);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_imaptest_sections,
		test_prefixes,
		test_limits,
		test_sizes,
		test_sections,
		test_serialize_strict,
		test_large_message,
		NULL
	};
	return test_run(tests);
}
