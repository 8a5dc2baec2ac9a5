/*
 * arena.h - region allocators tied to the four lifetimes of STYLE.md.
 *
 * An arena hands out zeroed memory from large blocks and frees it all at
 * once.  Processes keep one for their configuration, connections one for
 * the client object and its buffers, commands one that is reset after every
 * command; short-lived temporaries use the scratch frame below.
 */
#ifndef ROOST_ARENA_H
#define ROOST_ARENA_H

struct arena;

/* Creates an arena whose first block holds initial_size bytes. */
struct arena *arena_create(const char *name, size_t initial_size);
/* Frees every block and the arena; sets *arena to NULL. */
void arena_destroy(struct arena **arena);
/*
 * Like arena_destroy, but first overwrites all memory handed out with
 * zeros (explicit_bzero), for arenas that held passwords or keys.
 */
void arena_destroy_clean(struct arena **arena);
/* Forgets every allocation but keeps the first block for reuse. */
void arena_reset(struct arena *arena);

/* Returns zeroed, max_align_t-aligned memory valid until reset/destroy. */
void *arena_alloc(struct arena *arena, size_t size) ATTR_MALLOC;
/*
 * Grows the most recent allocation in place when possible, else copies.
 * The new tail is zeroed.
 */
void *arena_realloc(struct arena *arena, void *mem, size_t old_size,
	size_t new_size);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_strndup(struct arena *arena, const void *s, size_t len);
char *arena_printf(struct arena *arena, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
char *arena_vprintf(struct arena *arena, const char *fmt, va_list args)
	ATTR_FORMAT(2, 0);
/* Total bytes held in blocks (for memory accounting and benchmarks). */
size_t arena_allocated_size(const struct arena *arena);

#define arena_new(arena, type, count)                                   \
	((type *)arena_alloc((arena), size_mul(sizeof(type), (count))))

/*
 * The scratch arena: temporaries for the current function.  Frames nest;
 * everything allocated inside a frame is released at its end.
 *
 *	SCRATCH_BEGIN {
 *		const char *s = t_printf("%u", n);
 *	} SCRATCH_END;
 *
 * Beware of growing scratch memory across frames: a struct buf or ARRAY
 * allocated from the scratch arena in an outer frame and grown inside an
 * inner frame (for example by a function that opens its own frame, as
 * var_expand() does) may be moved into a block that the inner frame's end
 * releases.  Give buffers that are filled by callees a heap or connection
 * arena instead.
 */
struct arena_mark {
	void *block;
	size_t used;
};
struct arena *scratch_arena(void);
struct arena_mark arena_mark(struct arena *arena);
void arena_release(struct arena *arena, struct arena_mark mark);

#define SCRATCH_BEGIN                                                   \
	do {                                                            \
		struct arena_mark scratch_mark_ =                       \
			arena_mark(scratch_arena());
#define SCRATCH_END                                                     \
		arena_release(scratch_arena(), scratch_mark_);          \
	} while (0)

#define t_new(type, count) arena_new(scratch_arena(), type, count)
#define t_malloc(size) arena_alloc(scratch_arena(), (size))
#define t_strdup(s) arena_strdup(scratch_arena(), (s))
#define t_strndup(s, len) arena_strndup(scratch_arena(), (s), (len))
#define t_printf(...) arena_printf(scratch_arena(), __VA_ARGS__)

#endif
