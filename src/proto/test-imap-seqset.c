/*
 * test-imap-seqset.c - unit tests for sequence set parsing, resolving
 * "*", merging and writing.
 */
#include "lib.h"
#include "imap-seqset.h"
#include "buf.h"
#include "test-common.h"

/* Renders parsed ranges as written ("*" for IMAP_SEQ_STAR). */
static const char *render(const struct imap_seqset *set)
{
	struct buf out;
	const char *ret;
	unsigned int i;

	if (set->searchres)
		return "$";
	buf_init(&out, NULL, 64, 0);
	for (i = 0; i < set->count; i++) {
		const struct imap_seq_range *r = &set->ranges[i];
		const char *s1 = r->seq1 == IMAP_SEQ_STAR ? "*" :
			t_printf("%u", r->seq1);
		const char *s2 = r->seq2 == IMAP_SEQ_STAR ? "*" :
			t_printf("%u", r->seq2);

		if (buf_printf(&out, "%s%s-%s", i > 0 ? "," : "", s1, s2) < 0)
			test_assert(false);
	}
	ret = t_strdup(buf_cstr(&out));
	buf_free(&out);
	return ret;
}

static void test_seqset_parse(void)
{
	static const struct {
		const char *input, *expected;
	} valid[] = {
		{ "1", "1-1" },
		{ "*", "*-*" },
		{ "1:*", "1-*" },
		{ "*:1", "*-1" },
		{ "7:3", "7-3" },
		{ "3,5:7,*", "3-3,5-7,*-*" },
		{ "4294967295", "4294967295-4294967295" },
		{ "1:4294967295", "1-4294967295" },
		{ "10,9,8", "10-10,9-9,8-8" },
		{ "$", "$" },
	};
	static const char *const invalid[] = {
		"", "0", "01", "1:0", "1:", ":1", "1,,2", "1,", ",1",
		"4294967296", "99999999999999999999", "a", "1:2:3", "1 2",
		"-1", "+1", "$,1", "1,$", "$$", "**", "1:**", " 1", "1 ",
		"1.2", "1;2",
	};
	struct arena *arena = arena_create("test", 1024);
	struct imap_seqset set;
	const char *error;
	unsigned int i;

	test_begin("imap seqset: parsing");
	for (i = 0; i < N_ELEMENTS(valid); i++) {
		error = NULL;
		test_assert(imap_seqset_parse(valid[i].input,
				    IMAP_SEQSET_FLAG_ALLOW_SEARCHRES, 100,
				    arena, &set, &error) == 0);
		SCRATCH_BEGIN {
			test_assert_strcmp(render(&set), valid[i].expected);
		} SCRATCH_END;
	}
	for (i = 0; i < N_ELEMENTS(invalid); i++) {
		set.count = 12345;
		error = NULL;
		test_assert(imap_seqset_parse(invalid[i],
				    IMAP_SEQSET_FLAG_ALLOW_SEARCHRES, 100,
				    arena, &set, &error) == -1);
		test_assert_strcmp(error, "Invalid messageset");
		test_assert(set.count == 12345);
	}
	/* flags and limits */
	test_assert(imap_seqset_parse("$", 0, 100, arena, &set, &error) == -1);
	test_assert(imap_seqset_parse("1:*", IMAP_SEQSET_FLAG_NO_STAR, 100,
			    arena, &set, &error) == -1);
	test_assert(imap_seqset_parse("1:5", IMAP_SEQSET_FLAG_NO_STAR, 100,
			    arena, &set, &error) == 0);
	test_assert(imap_seqset_parse("1,2,3", 0, 3, arena, &set, &error) == 0);
	test_assert(set.count == 3);
	test_assert(imap_seqset_parse("1,2,3,4", 0, 3, arena, &set,
			    &error) == -1);
	test_assert_strcmp(error, "Too many ranges in messageset");
	arena_destroy(&arena);
	test_end();
}

static void test_seqset_resolve(void)
{
	static const struct {
		const char *input;
		uint32_t star;
		const char *expected;
	} cases[] = {
		{ "5:*,1,2,3,10", 20, "1:3,5:20" },
		{ "*", 20, "20" },
		{ "*:5", 20, "5:20" },
		{ "30:*", 20, "20:30" },
		{ "1:3,4:6", 0, "1:6" },
		{ "1:10,5:7", 0, "1:10" },
		{ "7,5,6,1", 0, "1,5:7" },
		{ "3,3,3", 0, "3" },
		{ "4294967295,1:4294967294", 0, "1:4294967295" },
		{ "4294967295,4294967295:1,7", 0, "1:4294967295" },
		{ "*", 0, "" },
		{ "5:*", 0, "1:5" },
		{ "*,2", 0, "2" },
	};
	struct arena *arena = arena_create("test", 1024);
	struct imap_seqset set;
	struct buf out;
	const char *error;
	unsigned int i, count;

	test_begin("imap seqset: resolve, contains, write");
	buf_init(&out, NULL, 64, 0);
	for (i = 0; i < N_ELEMENTS(cases); i++) {
		test_assert(imap_seqset_parse(cases[i].input, 0, 100, arena,
				    &set, &error) == 0);
		count = imap_seqset_resolve(set.ranges, set.count,
			cases[i].star);
		buf_reset(&out);
		test_assert(imap_seqset_write(&out, set.ranges, count) == 0);
		test_assert_strcmp(buf_cstr(&out), cases[i].expected);
	}

	test_assert(imap_seqset_parse("2:4,10,20:30", 0, 100, arena, &set,
			    &error) == 0);
	count = imap_seqset_resolve(set.ranges, set.count, 100);
	test_assert(count == 3);
	test_assert(!imap_seqset_contains(set.ranges, count, 1));
	test_assert(imap_seqset_contains(set.ranges, count, 2));
	test_assert(imap_seqset_contains(set.ranges, count, 4));
	test_assert(!imap_seqset_contains(set.ranges, count, 5));
	test_assert(imap_seqset_contains(set.ranges, count, 10));
	test_assert(!imap_seqset_contains(set.ranges, count, 11));
	test_assert(imap_seqset_contains(set.ranges, count, 25));
	test_assert(!imap_seqset_contains(set.ranges, count, 31));
	test_assert(!imap_seqset_contains(set.ranges, 0, 1));

	/* a full buffer is reported */
	buf_free(&out);
	buf_init(&out, NULL, 4, 4);
	test_assert(imap_seqset_write(&out, set.ranges, count) == -1);
	buf_free(&out);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_seqset_parse,
		test_seqset_resolve,
		NULL
	};
	return test_run(tests);
}
