/*
 * ioloop-private.h - what the loop's own modules (ioloop.c, conn.c) share:
 * the list of resources a loop owns, so that ioloop_destroy() can free
 * whatever its users forgot (ios, timeouts, signal handlers, conns) before
 * the libevent base goes away under them.
 */
#ifndef ROOST_IOLOOP_PRIVATE_H
#define ROOST_IOLOOP_PRIVATE_H

struct ioloop_link;

typedef void ioloop_link_free_t(struct ioloop_link *link);

struct ioloop_link {
	struct ioloop_link *prev, *next;
	/* Frees the object embedding the link (and unlinks it). */
	ioloop_link_free_t *free;
};

/* Adds link to loop's resource list; free is called by ioloop_destroy(). */
void ioloop_link_add(struct ioloop *ioloop, struct ioloop_link *link,
	ioloop_link_free_t *free_cb);
/* Removes link from its loop's list (no-op when not linked). */
void ioloop_link_remove(struct ioloop *ioloop, struct ioloop_link *link);

#endif
