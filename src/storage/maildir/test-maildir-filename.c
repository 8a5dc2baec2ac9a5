/*
 * test-maildir-filename.c - unit tests for maildir-filename.c: parsing,
 * flag rewriting in Dovecot's order, sizes, base names, ordering,
 * generation and hostname escaping.
 */
#include "lib.h"
#include "buf.h"
#include "maildir-filename.h"
#include "test-common.h"

static void test_parse(void)
{
	struct maildir_filename fn;
	const char *error;

	test_begin("maildir_filename_parse");
	test_assert(maildir_filename_parse(
		"1367080883.M622430P16295.flash.heinlein-support.de,S=547,W=559:2,Sd",
		&fn, &error) == 0);
	test_assert(fn.base.len == strlen(
		"1367080883.M622430P16295.flash.heinlein-support.de,S=547,W=559"));
	test_assert(fn.has_info);
	test_assert(fn.flags == MAILDIR_FLAG_SEEN);
	test_assert(fn.keywords == MAILDIR_KEYWORD_BIT(3));
	test_assert(fn.have_size && fn.size == 547);
	test_assert(fn.have_vsize && fn.vsize == 559);

	test_assert(maildir_filename_parse("1122460858.V301Ic964.linux:2,FRS",
		&fn, &error) == 0);
	test_assert(fn.flags == (MAILDIR_FLAG_FLAGGED | MAILDIR_FLAG_ANSWERED |
		MAILDIR_FLAG_SEEN));
	test_assert(!fn.have_size && !fn.have_vsize);
	test_assert(maildir_filename_parse("x:2,DT", &fn, &error) == 0);
	test_assert(fn.flags == (MAILDIR_FLAG_DRAFT | MAILDIR_FLAG_DELETED));
	test_assert(maildir_filename_parse("y:2,P", &fn, &error) == 0);
	test_assert(fn.flags == MAILDIR_FLAG_PASSED);
	test_assert(fn.unknown_flags.len == 1 && fn.unknown_flags.ptr[0] == 'P');
	/* Experimental info: no flags. */
	test_assert(maildir_filename_parse("z:1,foo", &fn, &error) == 0);
	test_assert(fn.has_info && fn.flags == 0 && fn.keywords == 0);
	test_assert(maildir_filename_parse("plain", &fn, &error) == 0);
	test_assert(!fn.has_info && fn.flags == 0 && fn.base.len == 5);
	/* Second flag set and unknown letters. */
	test_assert(maildir_filename_parse("a:2,SXaz,foo", &fn, &error) == 0);
	test_assert(fn.flags == MAILDIR_FLAG_SEEN);
	test_assert(fn.keywords == (MAILDIR_KEYWORD_BIT(0) |
		MAILDIR_KEYWORD_BIT(25)));
	test_assert(fn.unknown_flags.len == 1 && fn.unknown_flags.ptr[0] == 'X');
	test_assert(fn.extra_flagsets.len == 4 &&
		memcmp(fn.extra_flagsets.ptr, ",foo", 4) == 0);

	test_assert(maildir_filename_parse("", &fn, &error) < 0);
	test_assert(maildir_filename_parse(".", &fn, &error) < 0);
	test_assert(maildir_filename_parse("..", &fn, &error) < 0);
	test_assert(maildir_filename_parse("a/b", &fn, &error) < 0);
	test_assert(maildir_filename_parse("a\nb", &fn, &error) < 0);
	test_assert(maildir_filename_parse("a\rb", &fn, &error) < 0);
	test_assert(!maildir_filename_is_valid(t_printf("%0300d", 1)));
	test_assert(maildir_filename_is_valid("test"));
	test_end();
}

static void test_get_size(void)
{
	uint64_t size;

	test_begin("maildir_filename_get_size");
	test_assert(maildir_filename_get_size("a,S=12,W=14:2,S", 'S', &size) &&
		size == 12);
	test_assert(maildir_filename_get_size("a,S=12,W=14:2,S", 'W', &size) &&
		size == 14);
	test_assert(maildir_filename_get_size("a,S=12", 'S', &size) &&
		size == 12);
	test_assert(!maildir_filename_get_size("a,S=12x", 'S', &size));
	test_assert(!maildir_filename_get_size("a,W=12", 'S', &size));
	test_assert(!maildir_filename_get_size("aS=12", 'S', &size));
	test_assert(!maildir_filename_get_size(
		"a,S=99999999999999999999999", 'S', &size));
	test_assert(maildir_filename_get_size("a,S=,W=1", 'S', &size) &&
		size == 0);
	test_end();
}

static void test_set_flags(void)
{
	static const struct {
		const char *in;
		enum maildir_flags flags;
		uint32_t kw;
		const char *out;
	} tests[] = {
		{ "base", 0, 0, "base:2," },
		{ "base,S=5", MAILDIR_FLAG_SEEN, 0, "base,S=5:2,S" },
		{ "b:2,S", MAILDIR_FLAG_SEEN | MAILDIR_FLAG_FLAGGED |
			MAILDIR_FLAG_ANSWERED, 0, "b:2,FRS" },
		{ "b:2,FRS", 0, 0, "b:2," },
		{ "b:2,S", MAILDIR_FLAG_SEEN, MAILDIR_KEYWORD_BIT(3) |
			MAILDIR_KEYWORD_BIT(0), "b:2,Sad" },
		{ "b:2,Sad", MAILDIR_FLAG_SEEN, MAILDIR_KEYWORD_BIT(1),
			"b:2,Sb" },
		/* Unknown letters keep their place among sorted ones. */
		{ "b:2,PS", MAILDIR_FLAG_DRAFT | MAILDIR_FLAG_SEEN |
			MAILDIR_FLAG_FLAGGED, 0, "b:2,DFPS" },
		{ "b:2,PS", MAILDIR_FLAG_ANSWERED, 0, "b:2,PR" },
		{ "b:2,X", MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DELETED,
			MAILDIR_KEYWORD_BIT(2), "b:2,STXc" },
		{ "b:2,S,extra", MAILDIR_FLAG_DRAFT, 0, "b:2,D,extra" },
		{ "b:2,", MAILDIR_FLAG_PASSED | MAILDIR_FLAG_SEEN, 0,
			"b:2,PS" },
		{ "b:2,P", MAILDIR_FLAG_PASSED, 0, "b:2,P" },
		{ "b:1,exp", MAILDIR_FLAG_SEEN, 0, "b:2,S" },
		{ "b:2,S", MAILDIR_FLAG_SEEN, 0x3ffffff,
			"b:2,Sabcdefghijklmnopqrstuvwxyz" },
	};
	unsigned int i;

	test_begin("maildir_filename_set_flags");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_strcmp(maildir_filename_set_flags(scratch_arena(),
			tests[i].in, tests[i].flags, tests[i].kw),
			tests[i].out);
	}
	test_end();
}

static void test_base(void)
{
	test_begin("maildir_filename base name functions");
	test_assert_strcmp(maildir_filename_get_base(scratch_arena(),
		"a,S=1:2,S"), "a,S=1");
	test_assert_strcmp(maildir_filename_get_base(scratch_arena(), "a"),
		"a");
	test_assert(maildir_filename_base_cmp("a:2,S", "a:2,") == 0);
	test_assert(maildir_filename_base_cmp("a:2,S", "a") == 0);
	test_assert(maildir_filename_base_cmp("a", "ab") < 0);
	test_assert(maildir_filename_base_cmp("ab:2,", "a") > 0);
	test_assert(maildir_filename_base_hash("abc:2,S") ==
		maildir_filename_base_hash("abc"));
	test_assert(maildir_filename_base_hash("abc") !=
		maildir_filename_base_hash("abd"));
	test_assert_strcmp(maildir_filename_strip_extra(scratch_arena(),
		"a.M1P2.h,S=10,W=12:2,S"), "a.M1P2.h:2,S");
	test_assert_strcmp(maildir_filename_strip_extra(scratch_arena(),
		"a.M1P2.h,S=10"), "a.M1P2.h");
	test_assert_strcmp(maildir_filename_strip_extra(scratch_arena(),
		"a:2,S,x"), "a:2,S,x");
	test_end();
}

static void test_sort(void)
{
	test_begin("maildir_filename_sort_cmp");
	test_assert(maildir_filename_sort_cmp("9.M1P1.h", "10.M0P1.h") < 0);
	test_assert(maildir_filename_sort_cmp("10.M5P1.h", "10.M40P1.h") < 0);
	test_assert(maildir_filename_sort_cmp("10.M40P1.h", "10.M5P1.h") > 0);
	test_assert(maildir_filename_sort_cmp("10.P1.a", "10.P1.b") < 0);
	test_assert(maildir_filename_sort_cmp("10.M5P1.h:2,S",
		"10.M5P1.h") == 0);
	test_assert(maildir_filename_sort_cmp("x", "y") < 0);
	test_end();
}

static void test_generate(void)
{
	const char *a, *b, *host;
	struct maildir_filename fn;
	const char *error;

	test_begin("maildir_filename_generate / escape / build");
	test_assert_strcmp(maildir_hostname_escape(scratch_arena(),
		"a/b:c.d"), "a\\057b\\072c.d");
	host = maildir_filename_format_base(scratch_arena(), 1367080883,
		622430, 16295, "flash.heinlein-support.de");
	test_assert_strcmp(host,
		"1367080883.M622430P16295.flash.heinlein-support.de");
	a = maildir_filename_generate(scratch_arena());
	b = maildir_filename_generate(scratch_arena());
	test_assert(strcmp(a, b) != 0);
	test_assert(maildir_filename_sort_cmp(a, b) < 0);
	test_assert(strchr(a, ':') == NULL && strchr(a, '/') == NULL);
	test_assert(maildir_filename_parse(a, &fn, &error) == 0);
	test_assert(strstr(a, t_printf("P%ld.", (long)getpid())) != NULL);
	test_assert_strcmp(maildir_filename_build(scratch_arena(), "b", 43,
		47, false, 0, 0), "b,S=43,W=47");
	test_assert_strcmp(maildir_filename_build(scratch_arena(), "b", 43,
		(uint64_t)-1, true, MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT,
		MAILDIR_KEYWORD_BIT(1)), "b,S=43:2,DSb");
	test_assert_strcmp(maildir_filename_build(scratch_arena(), "b",
		(uint64_t)-1, (uint64_t)-1, true, 0, 0), "b:2,");
	test_end();
}

static void test_flags_append(void)
{
	struct buf out;

	test_begin("maildir_flags_append");
	buf_init(&out, NULL, 8, 4);
	test_assert(maildir_flags_append(&out, MAILDIR_FLAG_SEEN, 0) == 0);
	test_assert_strcmp(buf_cstr(&out), "S");
	buf_reset(&out);
	test_assert(maildir_flags_append(&out, 0x3f, 1) < 0);
	buf_free(&out);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_parse,
		test_get_size,
		test_set_flags,
		test_base,
		test_sort,
		test_generate,
		test_flags_append,
		NULL
	};
	return test_run(tests);
}
