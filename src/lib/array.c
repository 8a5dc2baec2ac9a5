/*
 * array.c - growth for the typed arrays of array.h.
 */
#include "lib.h"
#include "array.h"

void array_grow_impl(void **v, unsigned int *alloc, size_t elem_size,
	struct arena *arena, unsigned int need)
{
	unsigned int nalloc = *alloc < 4 ? 4 : *alloc;
	size_t old = size_mul(*alloc, elem_size), new;

	if (need <= *alloc)
		return;
	while (nalloc < need) {
		if (nalloc > UINT_MAX / 2)
			i_panic("array too large");
		nalloc *= 2;
	}
	new = size_mul(nalloc, elem_size);
	if (arena != NULL)
		*v = arena_realloc(arena, *v, old, new);
	else
		*v = i_realloc(*v, old, new);
	*alloc = nalloc;
}
