/*
 * test-mail-dovecot.c - ENVELOPE, BODY, BODYSTRUCTURE and RFC822.SIZE of
 * every message in tests/fixtures/mail/dovecot/ must be byte for byte
 * what Dovecot 2.3.19 answered for it (recorded by make-fixtures.py in
 * that directory: the imaptest mbox messages, hand-made edge cases and
 * the parser limits).  Each message also goes through the part tree
 * serialisation round trip, and through a parse with the tree filled from
 * a deserialised copy.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "message-parser.h"
#include "message-part-serialize.h"
#include "test-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#ifndef MAIL_TEST_FIXTURE_DIR
#  error MAIL_TEST_FIXTURE_DIR not defined
#endif

static char *read_whole(const char *path, size_t *size_r)
{
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

/* Finds "ITEM LEN\nBYTES\n" in the expected file. */
static bool expected_item(const char *exp, size_t exp_size, const char *item,
	const char **value_r, size_t *len_r)
{
	const char *p = exp, *end = exp + exp_size;
	size_t item_len = strlen(item);

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *sp = nl == NULL ? NULL : memchr(p, ' ', nl - p);
		uint64_t len;
		const char *num_end;

		if (sp == NULL ||
		    str_parse_uint64(sp + 1, &len, &num_end) < 0 ||
		    num_end != nl || len > (uint64_t)(end - nl - 1))
			return false;
		if ((size_t)(sp - p) == item_len &&
		    memcmp(p, item, item_len) == 0) {
			*value_r = nl + 1;
			*len_r = (size_t)len;
			return true;
		}
		p = nl + 1 + len + 1;
	}
	return false;
}

static void check_item(const char *name, const char *item, const char *exp,
	size_t exp_size, const struct buf *got)
{
	const char *want;
	size_t want_len;

	if (!expected_item(exp, exp_size, item, &want, &want_len)) {
		test_assert_strcmp(t_printf("%s: %s missing", name, item), "");
		return;
	}
	if (got->used != want_len || memcmp(got->data, want, want_len) != 0) {
		test_assert_strcmp(t_printf("%s %s: %.*s", name, item,
			(int)I_MIN(got->used, 2000), got->data),
			t_printf("%s %s: %.*s", name, item,
				(int)I_MIN(want_len, 2000), want));
	}
}

static unsigned int fixture_count;

static void check_fixture(const char *dir, const char *name)
{
	struct arena *arena = arena_create("fixture", 16384);
	size_t msg_size, exp_size;
	char *msg, *exp;
	const char *error;
	struct buf out;

	msg = read_whole(t_printf("%s/%s.eml", dir, name), &msg_size);
	exp = read_whole(t_printf("%s/%s.expected", dir, name), &exp_size);
	struct message_part *root =
		message_parse(arena, msg, msg_size, NULL, 0);

	buf_init(&out, arena, 4096, 0);
	test_assert(imap_envelope_write(&out, message_envelope_parse(arena,
		msg, root->header_size.physical_size)) == 0);
	check_item(name, "ENVELOPE", exp, exp_size, &out);

	buf_reset(&out);
	test_assert(imap_bodystructure_write(&out, arena, root, msg,
		msg_size, false, &error) == 0);
	check_item(name, "BODY", exp, exp_size, &out);

	buf_reset(&out);
	test_assert(imap_bodystructure_write(&out, arena, root, msg,
		msg_size, true, &error) == 0);
	check_item(name, "BODYSTRUCTURE", exp, exp_size, &out);

	buf_reset(&out);
	test_assert(buf_printf(&out, "%llu", (unsigned long long)
		message_part_virtual_size(root)) == 0);
	check_item(name, "RFC822.SIZE", exp, exp_size, &out);

	/* the same answers from a tree that went through the index */
	struct buf blob;
	buf_init(&blob, arena, 256, 0);
	test_assert(message_part_serialize(root, &blob) == 0);
	struct message_part *copy = message_part_deserialize(arena,
		blob.data, blob.used, 0, &error);
	test_assert(copy != NULL);
	if (copy != NULL) {
		buf_reset(&out);
		test_assert(imap_bodystructure_write(&out, arena, copy, msg,
			msg_size, true, &error) == 0);
		check_item(name, "BODYSTRUCTURE", exp, exp_size, &out);
		test_assert(message_part_count(copy) ==
			message_part_count(root));
	}
	i_free(msg);
	i_free(exp);
	arena_destroy(&arena);
	fixture_count++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_dovecot_fixtures(void)
{
	const char *dir = MAIL_TEST_FIXTURE_DIR "/dovecot";
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	unsigned int count = 0, alloc = 0;

	test_begin("Dovecot 2.3 ENVELOPE/BODY/BODYSTRUCTURE/RFC822.SIZE");
	test_assert(d != NULL);
	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		if (count == alloc) {
			unsigned int new_alloc = alloc == 0 ? 64 : alloc * 2;

			names = i_realloc(names,
				size_mul(alloc, sizeof(char *)),
				size_mul(new_alloc, sizeof(char *)));
			alloc = new_alloc;
		}
		names[count++] = i_strndup(de->d_name, len - 4);
	}
	if (d != NULL)
		closedir(d);
	if (count > 0)
		qsort(names, count, sizeof(char *), name_cmp);
	for (unsigned int i = 0; i < count; i++) {
		SCRATCH_BEGIN {
			check_fixture(dir, names[i]);
		} SCRATCH_END;
		i_free(names[i]);
	}
	free(names);
	/* the directory holds ~200 messages: make sure they were seen */
	test_assert(fixture_count >= 150);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_dovecot_fixtures,
		NULL
	};
	return test_run(tests);
}
