/*
 * array.h - typed growable arrays.
 *
 * ARRAY(type) declares a struct whose element pointer has the right type,
 * so pushing a wrong type is a compile error.  Memory comes from an arena
 * (freed with it) or the heap (array_free).
 *
 *	ARRAY(struct service *) services;
 *	array_init(&services, arena, 8);
 *	array_push(&services, svc);
 *	for (i = 0; i < services.count; i++) use(services.v[i]);
 */
#ifndef ROOST_ARRAY_H
#define ROOST_ARRAY_H

#define ARRAY(type)                                                     \
	struct {                                                        \
		type *v;                                                \
		unsigned int count, alloc;                              \
		struct arena *arena;                                    \
	}

void array_grow_impl(void **v, unsigned int *alloc, size_t elem_size,
	struct arena *arena, unsigned int need);

#define array_init(arr, arena_, initial)                                \
	do {                                                            \
		(arr)->v = NULL;                                        \
		(arr)->count = (arr)->alloc = 0;                        \
		(arr)->arena = (arena_);                                \
		array_grow_impl((void **)&(arr)->v, &(arr)->alloc,      \
			sizeof(*(arr)->v), (arr)->arena, (initial));    \
	} while (0)

#define array_push(arr, value)                                          \
	do {                                                            \
		if ((arr)->count == (arr)->alloc)                       \
			array_grow_impl((void **)&(arr)->v,             \
				&(arr)->alloc, sizeof(*(arr)->v),       \
				(arr)->arena, (arr)->count + 1);        \
		(arr)->v[(arr)->count++] = (value);                     \
	} while (0)

/* Returns a pointer to a new zeroed element at the end. */
#define array_append_space(arr)                                         \
	((arr)->count == (arr)->alloc ?                                 \
			(array_grow_impl((void **)&(arr)->v,            \
				 &(arr)->alloc, sizeof(*(arr)->v),      \
				 (arr)->arena, (arr)->count + 1),       \
				&(arr)->v[(arr)->count++]) :            \
			(memset(&(arr)->v[(arr)->count], 0,             \
				 sizeof(*(arr)->v)),                    \
				&(arr)->v[(arr)->count++]))

#define array_delete(arr, idx, n)                                       \
	do {                                                            \
		i_assert((idx) + (n) <= (arr)->count);                  \
		memmove(&(arr)->v[idx], &(arr)->v[(idx) + (n)],         \
			sizeof(*(arr)->v) * ((arr)->count - (idx) - (n)));\
		(arr)->count -= (n);                                    \
	} while (0)

#define array_clear(arr) ((arr)->count = 0)

#define array_free(arr)                                                 \
	do {                                                            \
		if ((arr)->arena == NULL)                               \
			free((arr)->v);                                 \
		(arr)->v = NULL;                                        \
		(arr)->count = (arr)->alloc = 0;                        \
	} while (0)

#endif
