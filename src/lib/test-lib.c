/*
 * test-lib.c - unit tests for the runtime library basics: arenas, bounded
 * buffers, string helpers, typed arrays and the hash table.
 */
#include "lib.h"
#include "array.h"
#include "buf.h"
#include "hash.h"
#include "str.h"
#include "test-common.h"

static void test_arena(void)
{
	struct arena *a = arena_create("test", 64);
	char *s, *big;
	int *n;

	test_begin("arena");
	n = arena_new(a, int, 4);
	test_assert(n[0] == 0 && n[3] == 0);
	s = arena_printf(a, "%s-%d", "x", 42);
	test_assert_strcmp(s, "x-42");
	big = arena_alloc(a, 100000);
	test_assert(big[99999] == 0);
	memset(big, 'a', 100000);
	test_assert(arena_allocated_size(a) >= 100000);
	arena_reset(a);
	test_assert(arena_allocated_size(a) < 1000);
	n = arena_new(a, int, 4);
	test_assert(n[0] == 0);
	s = arena_alloc(a, 10);
	memcpy(s, "abcdefghi", 10);
	s = arena_realloc(a, s, 10, 20000);
	test_assert_strcmp(s, "abcdefghi");
	test_assert(s[19999] == 0);
	arena_destroy(&a);
	test_assert(a == NULL);

	/* shrunk, then grown in place again: the regrown tail is zeroed */
	a = arena_create("test", 4096);
	s = arena_alloc(a, 100);
	memset(s, 'x', 100);
	s = arena_realloc(a, s, 100, 50);
	s = arena_realloc(a, s, 50, 100);
	test_assert(s[49] == 'x' && s[50] == 0 && s[99] == 0);
	s = arena_realloc(a, s, 100, 40);
	s = arena_realloc(a, s, 40, 4000);
	test_assert(s[39] == 'x' && s[40] == 0 && s[99] == 0);
	arena_destroy(&a);
	test_end();
}

static void test_scratch(void)
{
	struct arena_mark m;
	char *s;

	test_begin("scratch frames");
	m = arena_mark(scratch_arena());
	SCRATCH_BEGIN {
		s = t_printf("%0*d", 50000, 1);
		test_assert(strlen(s) == 50000);
	} SCRATCH_END;
	test_assert(arena_mark(scratch_arena()).used == m.used);
	s = t_strdup("zz");
	test_assert_strcmp(s, "zz");
	test_end();
}

static void test_buf(void)
{
	struct buf b;

	test_begin("buf bounded");
	buf_init(&b, NULL, 4, 10);
	test_assert(buf_append_str(&b, "hello") == 0);
	test_assert(buf_append_str(&b, "world") == 0);
	test_assert(b.used == 10);
	test_assert(buf_append_c(&b, '!') == -1);
	test_assert(b.used == 10);
	test_assert_strcmp(buf_cstr(&b), "helloworld");
	buf_consume(&b, 5);
	test_assert_strcmp(buf_cstr(&b), "world");
	test_assert(buf_printf(&b, "%d", 12345) == 0);
	test_assert(buf_printf(&b, "%d", 1) == -1);
	test_assert_strcmp(buf_cstr(&b), "world12345");
	buf_free(&b);
	test_end();
}

static void test_str_numbers(void)
{
	uint32_t u32;
	uint64_t u64;
	int64_t i64;

	test_begin("str numbers");
	test_assert(str_to_uint32("4294967295", &u32) == 0 &&
		u32 == 4294967295u);
	test_assert(str_to_uint32("4294967296", &u32) == -1);
	test_assert(str_to_uint32("", &u32) == -1);
	test_assert(str_to_uint32("12x", &u32) == -1);
	test_assert(str_to_uint32("-1", &u32) == -1);
	test_assert(str_to_uint32(" 1", &u32) == -1);
	test_assert(str_to_uint64("18446744073709551615", &u64) == 0);
	test_assert(str_to_uint64("18446744073709551616", &u64) == -1);
	test_assert(str_to_int64("-9223372036854775808", &i64) == 0 &&
		i64 == INT64_MIN);
	test_assert(str_to_int64("9223372036854775808", &i64) == -1);
	test_end();
}

static void test_str_misc(void)
{
	struct arena *a = arena_create("t", 128);
	char **arr;
	unsigned char bin[4];

	test_begin("str split/escape/hex");
	arr = str_split(a, "a,,b c", ", ", false);
	test_assert(str_array_length(arr) == 4);
	test_assert_strcmp(arr[2], "b");
	arr = str_split(a, "a,,b c", ", ", true);
	test_assert(str_array_length(arr) == 3);
	test_assert_strcmp(arr[2], "c");
	test_assert_strcmp(str_tabescape(a, "a\tb\001c\nd"),
		"a\001tb\0011c\001nd");
	test_assert_strcmp(str_tabunescape(a, "a\001tb\0011c\001nd"),
		"a\tb\001c\nd");
	test_assert_strcmp(binary_to_hex(a, "\x01\xab", 2), "01ab");
	test_assert(hex_to_binary("01aBff00", 8, bin) == 4 && bin[1] == 0xab);
	test_assert(hex_to_binary("0g", 2, bin) == -1);
	test_assert(mem_equals_timing_safe("abc", "abc", 3));
	test_assert(!mem_equals_timing_safe("abc", "abd", 3));
	test_assert(str_ends("foo.conf", ".conf"));
	test_assert(!str_ends("f", ".conf"));
	arena_destroy(&a);
	test_end();
}

static void test_array(void)
{
	ARRAY(int) arr;
	struct arena *a = arena_create("t", 64);

	test_begin("array");
	array_init(&arr, NULL, 0);
	for (int i = 0; i < 1000; i++)
		array_push(&arr, i);
	test_assert(arr.count == 1000 && arr.v[999] == 999);
	array_delete(&arr, 0, 10);
	test_assert(arr.count == 990 && arr.v[0] == 10);
	*array_append_space(&arr) = 7;
	test_assert(arr.v[990] == 7);
	array_free(&arr);
	array_init(&arr, a, 2);
	for (int i = 0; i < 100; i++)
		array_push(&arr, i);
	test_assert(arr.v[50] == 50);
	arena_destroy(&a);
	test_end();
}

static void test_hash(void)
{
	struct hash_table *h = hash_create(false), *hi = hash_create(true);
	struct hash_iter iter = { 0 };
	const char *key;
	void *value;
	char keys[2000][8];
	unsigned int n = 0;

	test_begin("hash");
	for (int i = 0; i < 2000; i++) {
		(void)x_snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		hash_set(h, keys[i], (void *)(uintptr_t)(i + 1));
	}
	test_assert(hash_count(h) == 2000);
	test_assert(hash_get(h, "k1234") == (void *)1235);
	for (int i = 0; i < 2000; i += 2)
		test_assert(hash_remove(h, keys[i]));
	test_assert(!hash_remove(h, "k0"));
	test_assert(hash_count(h) == 1000);
	for (int i = 1; i < 2000; i += 2)
		test_assert(hash_get(h, keys[i]) == (void *)(uintptr_t)(i + 1));
	test_assert(hash_get(h, "k2") == NULL);
	while (hash_iterate(h, &iter, &key, &value))
		n++;
	test_assert(n == 1000);
	hash_set(hi, "Imap", (void *)1);
	test_assert(hash_get(hi, "IMAP") == (void *)1);
	test_assert(hash_get(h, "K1") == NULL);
	hash_destroy(&h);
	hash_destroy(&hi);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_arena, test_scratch, test_buf, test_str_numbers,
		test_str_misc, test_array, test_hash, NULL,
	};
	return test_run(tests);
}
