/*
 * arena.c - block-based region allocator with zeroed allocations and
 * mark/release frames (the scratch arena).
 */
#include "lib.h"

#include <stdalign.h>

#define ARENA_ALIGN (alignof(max_align_t))
#define ALIGN_UP(n) (((n) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1))

struct arena_block {
	struct arena_block *prev;
	size_t size; /* usable bytes after the header */
	size_t used;
	/* data follows, aligned */
};

struct arena {
	const char *name;
	struct arena_block *block; /* current (newest) block */
	size_t first_size;
	size_t total;
	void *last_alloc; /* for in-place realloc */
	size_t last_size;
};

#define BLOCK_HDR ALIGN_UP(sizeof(struct arena_block))
#define BLOCK_DATA(b) ((unsigned char *)(b) + BLOCK_HDR)

static struct arena_block *block_new(struct arena *arena, size_t size)
{
	struct arena_block *b = i_malloc(size_add(BLOCK_HDR, size));

	b->size = size;
	b->prev = arena->block;
	arena->block = b;
	arena->total += size;
	return b;
}

struct arena *arena_create(const char *name, size_t initial_size)
{
	struct arena *arena = i_new(struct arena, 1);

	arena->name = name;
	if (initial_size < 64)
		initial_size = 64;
	arena->first_size = ALIGN_UP(initial_size);
	block_new(arena, arena->first_size);
	return arena;
}

static void free_blocks(struct arena *arena, struct arena_block *keep,
	bool clean)
{
	struct arena_block *b = arena->block, *prev;

	while (b != keep) {
		prev = b->prev;
		if (clean)
			explicit_bzero(BLOCK_DATA(b), b->used);
		arena->total -= b->size;
		free(b);
		b = prev;
	}
	arena->block = keep;
}

static void arena_destroy_full(struct arena **_arena, bool clean)
{
	struct arena *arena = *_arena;

	if (arena == NULL)
		return;
	*_arena = NULL;
	free_blocks(arena, NULL, clean);
	free(arena);
}

void arena_destroy(struct arena **arena)
{
	arena_destroy_full(arena, false);
}

void arena_destroy_clean(struct arena **arena)
{
	arena_destroy_full(arena, true);
}

void arena_reset(struct arena *arena)
{
	struct arena_block *first = arena->block;

	while (first->prev != NULL)
		first = first->prev;
	/* Free every block newer than the first one. */
	while (arena->block != first) {
		struct arena_block *prev = arena->block->prev;

		arena->total -= arena->block->size;
		free(arena->block);
		arena->block = prev;
	}
	memset(BLOCK_DATA(first), 0, first->used);
	first->used = 0;
	arena->last_alloc = NULL;
}

void *arena_alloc(struct arena *arena, size_t size)
{
	struct arena_block *b = arena->block;
	size_t asize = ALIGN_UP(size_add(size, 0));
	void *mem;

	if (asize == 0)
		asize = ARENA_ALIGN;
	if (b->size - b->used < asize) {
		size_t nsize = b->size * 2;

		if (nsize < asize)
			nsize = ALIGN_UP(asize);
		b = block_new(arena, nsize);
	}
	mem = BLOCK_DATA(b) + b->used;
	b->used += asize;
	/* Memory is zero: fresh blocks come from calloc, reset zeroes. */
	arena->last_alloc = mem;
	arena->last_size = asize;
	return mem;
}

void *arena_realloc(struct arena *arena, void *mem, size_t old_size,
	size_t new_size)
{
	struct arena_block *b = arena->block;
	void *nmem;

	if (mem == NULL)
		return arena_alloc(arena, new_size);
	if (new_size <= old_size)
		return mem;
	if (mem == arena->last_alloc) {
		size_t grow = ALIGN_UP(new_size) - arena->last_size;

		/* the tail may hold what the caller wrote before shrinking */
		if (ALIGN_UP(new_size) <= arena->last_size) {
			memset((char *)mem + old_size, 0, new_size - old_size);
			return mem;
		}
		if (b->size - b->used >= grow) {
			b->used += grow;
			arena->last_size += grow;
			memset((char *)mem + old_size, 0, new_size - old_size);
			return mem;
		}
	}
	nmem = arena_alloc(arena, new_size);
	memcpy(nmem, mem, old_size);
	return nmem;
}

char *arena_strndup(struct arena *arena, const void *s, size_t len)
{
	char *d = arena_alloc(arena, size_add(len, 1));

	memcpy(d, s, len);
	return d;
}

char *arena_strdup(struct arena *arena, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(arena, s, strlen(s));
}

char *arena_vprintf(struct arena *arena, const char *fmt, va_list args)
{
	va_list args2;
	int len;
	char *d;

	va_copy(args2, args);
	len = vsnprintf(NULL, 0, fmt, args2);
	va_end(args2);
	if (len < 0)
		i_panic("vsnprintf(%s) failed", fmt);
	d = arena_alloc(arena, (size_t)len + 1);
	vsnprintf(d, (size_t)len + 1, fmt, args);
	return d;
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
	va_list args;
	char *d;

	va_start(args, fmt);
	d = arena_vprintf(arena, fmt, args);
	va_end(args);
	return d;
}

size_t arena_allocated_size(const struct arena *arena)
{
	return arena->total;
}

static struct arena *scratch;

struct arena *scratch_arena(void)
{
	if (scratch == NULL)
		scratch = arena_create("scratch", 16384);
	return scratch;
}

struct arena_mark arena_mark(struct arena *arena)
{
	struct arena_mark mark = { arena->block, arena->block->used };

	return mark;
}

void arena_release(struct arena *arena, struct arena_mark mark)
{
	struct arena_block *b = mark.block;

	free_blocks(arena, b, false);
	memset(BLOCK_DATA(b) + mark.used, 0, b->used - mark.used);
	b->used = mark.used;
	arena->last_alloc = NULL;
}
