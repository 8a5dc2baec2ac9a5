/*
 * mail-thread.c - THREAD (RFC 5256): ORDEREDSUBJECT, REFERENCES, and REFS
 * (REFERENCES without the subject merging, threads ordered by their
 * newest message, as Dovecot).
 */
#include "lib.h"
#include "mail-search.h"
#include "storage-private.h"
#include "hash.h"
#include "mail-titlecase.h"
#include "message-id.h"

struct thread_container {
	/* the message (index into rows), or NULL for a dummy */
	const struct mail_sort_row *row;
	struct thread_container *parent, *first_child, *next_sibling;
	/* date used for sorting (the message's, or for a dummy the first
	   child's after sorting) */
	time_t date;
	uint32_t seq;
	/* REFS: newest date in the subtree */
	time_t newest;
	bool deleted;
	/* took the place of a dummy parent (a missing message) */
	bool promoted;
};

struct thread_ctx {
	struct arena *arena;
	struct hash_table *ids;
	ARRAY(struct thread_container *) all;
};

static struct thread_container *container_new(struct thread_ctx *ctx)
{
	struct thread_container *c = arena_new(ctx->arena,
		struct thread_container, 1);

	array_push(&ctx->all, c);
	return c;
}

static struct thread_container *container_get(struct thread_ctx *ctx,
	const char *id)
{
	struct thread_container *c = hash_get(ctx->ids, id);

	if (c == NULL) {
		c = container_new(ctx);
		hash_set(ctx->ids, arena_strdup(ctx->arena, id), c);
	}
	return c;
}

static bool container_is_ancestor(const struct thread_container *anc,
	const struct thread_container *c)
{
	for (; c != NULL; c = c->parent) {
		if (c == anc)
			return true;
	}
	return false;
}

static void container_unlink(struct thread_container *c)
{
	struct thread_container **p;

	if (c->parent == NULL)
		return;
	for (p = &c->parent->first_child; *p != NULL; p = &(*p)->next_sibling) {
		if (*p == c) {
			*p = c->next_sibling;
			break;
		}
	}
	c->parent = NULL;
	c->next_sibling = NULL;
}

static void container_add_child(struct thread_container *parent,
	struct thread_container *child)
{
	struct thread_container **p = &parent->first_child;

	container_unlink(child);
	while (*p != NULL)
		p = &(*p)->next_sibling;
	*p = child;
	child->parent = parent;
	child->next_sibling = NULL;
}

/* RFC 5256 §4 step 1: link messages by their references. */
static void thread_link_message(struct thread_ctx *ctx,
	const struct mail_sort_row *row)
{
	struct thread_container *prev = NULL, *c, *own;
	const char *value, *id, *msgid = NULL;
	size_t size;

	value = row->refs;
	size = value == NULL ? 0 : strlen(value);
	while (value != NULL &&
	       (id = message_id_get_next(ctx->arena, &value, &size)) != NULL) {
		c = container_get(ctx, id);
		if (prev != NULL && c->parent == NULL && c != prev &&
		    !container_is_ancestor(c, prev))
			container_add_child(prev, c);
		prev = c;
	}
	if (prev == NULL && row->in_reply_to != NULL) {
		id = message_id_get_first(ctx->arena, row->in_reply_to,
			strlen(row->in_reply_to));
		if (id != NULL)
			prev = container_get(ctx, id);
	}
	if (row->message_id != NULL)
		msgid = message_id_get_first(ctx->arena, row->message_id,
			strlen(row->message_id));
	own = msgid == NULL ? NULL : container_get(ctx, msgid);
	if (own == NULL || own->row != NULL) {
		/* no Message-ID, or a duplicate: a container of its own */
		own = container_new(ctx);
	}
	own->row = row;
	own->seq = row->seq;
	own->date = row->date;
	/* step 1.B: the message's own last reference replaces a parent
	   presumed from other messages' References (or none: a root);
	   a link that would make a loop is not made, the old one is
	   dropped all the same (RFC 5256, as Dovecot) */
	container_unlink(own);
	if (prev != NULL && prev != own && !container_is_ancestor(own, prev))
		container_add_child(prev, own);
}

/* Step 3: remove empty dummies, promote children of dummies. */
static void thread_prune(struct thread_container **list, bool at_root)
{
	struct thread_container **p = list;

	while (*p != NULL) {
		struct thread_container *c = *p;

		thread_prune(&c->first_child, false);
		if (c->row != NULL) {
			p = &c->next_sibling;
			continue;
		}
		if (c->first_child == NULL) {
			*p = c->next_sibling;
			c->deleted = true;
			continue;
		}
		if (!at_root || c->first_child->next_sibling == NULL) {
			/* promote the children into c's place */
			struct thread_container *ch, *last = NULL;

			for (ch = c->first_child; ch != NULL;
			     ch = ch->next_sibling) {
				ch->parent = c->parent;
				ch->promoted = true;
				last = ch;
			}
			last->next_sibling = c->next_sibling;
			*p = c->first_child;
			c->deleted = true;
			continue;
		}
		p = &c->next_sibling;
	}
}

static int container_date_cmp(const struct thread_container *a,
	const struct thread_container *b, bool by_newest)
{
	time_t da = by_newest ? a->newest : a->date;
	time_t db = by_newest ? b->newest : b->date;
	uint32_t sa = a->seq, sb = b->seq;

	if (da != db)
		return da < db ? -1 : 1;
	if (by_newest) {
		/* REFS threads: on equal dates one that starts with a
		   missing message (a dummy, or a message in a dummy's
		   place) comes first, as Dovecot's (its number is 0);
		   between two such the earlier root stays first */
		sa = a->row == NULL || a->promoted ? 0 : sa;
		sb = b->row == NULL || b->promoted ? 0 : sb;
	}
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/* Sorts a sibling list by date (merge sort on the linked list). */
static struct thread_container *thread_sort_list(
	struct thread_container *list, bool by_newest)
{
	struct thread_container *a, *b, *slow, *fast, *head = NULL, **tail;

	if (list == NULL || list->next_sibling == NULL)
		return list;
	slow = list;
	fast = list->next_sibling;
	while (fast != NULL && fast->next_sibling != NULL) {
		slow = slow->next_sibling;
		fast = fast->next_sibling->next_sibling;
	}
	b = slow->next_sibling;
	slow->next_sibling = NULL;
	a = thread_sort_list(list, by_newest);
	b = thread_sort_list(b, by_newest);
	tail = &head;
	while (a != NULL && b != NULL) {
		if (container_date_cmp(a, b, by_newest) <= 0) {
			*tail = a;
			a = a->next_sibling;
		} else {
			*tail = b;
			b = b->next_sibling;
		}
		tail = &(*tail)->next_sibling;
	}
	*tail = a != NULL ? a : b;
	return head;
}

/* Sorts children everywhere; dummies take their first child's date. */
static void thread_sort_tree(struct thread_container *c, bool by_newest)
{
	for (; c != NULL; c = c->next_sibling) {
		thread_sort_tree(c->first_child, by_newest);
		c->first_child = thread_sort_list(c->first_child, false);
		if (c->row == NULL && c->first_child != NULL) {
			c->date = c->first_child->date;
			c->seq = c->first_child->seq;
		}
		c->newest = c->row != NULL ? c->date : 0;
		for (struct thread_container *ch = c->first_child; ch != NULL;
		     ch = ch->next_sibling) {
			if (ch->newest > c->newest)
				c->newest = ch->newest;
		}
	}
}

static const struct mail_sort_row *
container_subject_row(const struct thread_container *c)
{
	if (c->row != NULL)
		return c->row;
	return c->first_child == NULL ? NULL : c->first_child->row;
}

/* Step 5: merge root threads with the same base subject.  Each root has
   a slot; merging empties a slot or replaces the thread in one. */
static struct thread_container *thread_group_subjects(struct thread_ctx *ctx,
	struct thread_container *roots)
{
	struct hash_table *subjects = hash_create(false);
	struct thread_container *c, **slots, *head = NULL, **tail = &head;
	unsigned int i, count = 0;

	for (c = roots; c != NULL; c = c->next_sibling)
		count++;
	slots = arena_new(ctx->arena, struct thread_container *, count + 1);
	for (c = roots, i = 0; c != NULL; c = c->next_sibling, i++)
		slots[i] = c;
	for (i = 0; i < count; i++) {
		const struct mail_sort_row *row =
			container_subject_row(slots[i]);
		uintptr_t old;

		if (row == NULL || row->base_subject[0] == '\0')
			continue;
		old = (uintptr_t)hash_get(subjects, row->base_subject);
		if (old != 0) {
			const struct thread_container *o = slots[old - 1];

			c = slots[i];
			if (!((o->row != NULL && c->row == NULL) ||
			      (o->row != NULL && c->row != NULL &&
			       o->row->subject_reply &&
			       !c->row->subject_reply)))
				continue;
		}
		hash_set(subjects, row->base_subject,
			(void *)(uintptr_t)(i + 1));
	}
	for (i = 0; i < count; i++) {
		const struct mail_sort_row *row;
		struct thread_container *t, *d;
		uintptr_t j;

		c = slots[i];
		row = container_subject_row(c);
		if (row == NULL || row->base_subject[0] == '\0')
			continue;
		j = (uintptr_t)hash_get(subjects, row->base_subject);
		if (j == 0 || j - 1 == i || slots[j - 1] == NULL)
			continue;
		t = slots[j - 1];
		slots[i] = NULL;
		c->next_sibling = NULL;
		if (t->row == NULL && c->row == NULL) {
			while (c->first_child != NULL)
				container_add_child(t, c->first_child);
			c->deleted = true;
		} else if (t->row == NULL) {
			container_add_child(t, c);
		} else if (c->row == NULL) {
			t->next_sibling = NULL;
			container_add_child(c, t);
			slots[j - 1] = c;
		} else if (!t->row->subject_reply && c->row->subject_reply) {
			container_add_child(t, c);
		} else {
			d = container_new(ctx);
			t->next_sibling = NULL;
			container_add_child(d, t);
			container_add_child(d, c);
			slots[j - 1] = d;
		}
	}
	for (i = 0; i < count; i++) {
		if (slots[i] == NULL)
			continue;
		slots[i]->parent = NULL;
		slots[i]->next_sibling = NULL;
		*tail = slots[i];
		tail = &slots[i]->next_sibling;
	}
	hash_destroy(&subjects);
	return head;
}

static struct mail_thread_node *thread_output(struct arena *arena,
	const struct thread_container *c)
{
	struct mail_thread_node *first = NULL, **last = &first;

	for (; c != NULL; c = c->next_sibling) {
		struct mail_thread_node *node = arena_new(arena,
			struct mail_thread_node, 1);

		node->seq = c->row == NULL ? 0 : c->row->seq;
		node->first_child = thread_output(arena, c->first_child);
		*last = node;
		last = &node->next_sibling;
	}
	return first;
}

static int ordsubj_cmp(const void *p1, const void *p2)
{
	const struct mail_sort_row *a = p1, *b = p2;
	int ret = strcmp(a->base_subject, b->base_subject);

	if (ret != 0)
		return ret;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

static struct thread_container *thread_orderedsubject(struct thread_ctx *ctx,
	struct mail_sort_row *rows, unsigned int count)
{
	struct thread_container *roots = NULL, **tail = &roots, *root = NULL;
	unsigned int i;

	qsort(rows, count, sizeof(*rows), ordsubj_cmp);
	for (i = 0; i < count; i++) {
		struct thread_container *c = container_new(ctx);

		c->row = &rows[i];
		c->seq = rows[i].seq;
		c->date = rows[i].date;
		if (root != NULL &&
		    strcmp(root->row->base_subject,
			   rows[i].base_subject) == 0) {
			container_add_child(root, c);
			continue;
		}
		root = c;
		*tail = c;
		tail = &c->next_sibling;
	}
	return thread_sort_list(roots, false);
}

int mailbox_thread(struct mailbox *box, enum mail_thread_type type,
	const struct mail_search_arg *args, struct arena *arena,
	struct mail_thread_node **roots_r)
{
	struct mail_search_result result;
	struct mail_sort_row *rows;
	struct thread_container *roots = NULL, **tail;
	struct thread_ctx ctx;
	unsigned int i;

	*roots_r = NULL;
	if (mailbox_search(box, args, arena, &result) < 0)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = arena_create("thread", 8192);
	if (mailbox_get_sort_rows(box, result.seqs, result.count, ctx.arena,
			&rows) < 0) {
		arena_destroy(&ctx.arena);
		return -1;
	}
	array_init(&ctx.all, ctx.arena, result.count * 2 + 1);
	/* subjects are equal as Dovecot's i;unicode-casemap says ("¹" is
	   "1"), and ORDEREDSUBJECT orders by them */
	for (i = 0; i < result.count; i++)
		rows[i].base_subject = mail_titlecase_key_dup(ctx.arena,
			rows[i].base_subject);
	if (type == THREAD_ORDEREDSUBJECT) {
		roots = thread_orderedsubject(&ctx, rows, result.count);
	} else {
		ctx.ids = hash_create(false);
		for (i = 0; i < result.count; i++)
			thread_link_message(&ctx, &rows[i]);
		/* step 2: the root set, in creation order */
		tail = &roots;
		for (i = 0; i < ctx.all.count; i++) {
			struct thread_container *c = ctx.all.v[i];

			if (c->parent == NULL) {
				c->next_sibling = NULL;
				*tail = c;
				tail = &c->next_sibling;
			}
		}
		thread_prune(&roots, true);
		thread_sort_tree(roots, false);
		if (type == THREAD_REFERENCES) {
			roots = thread_sort_list(roots, false);
			roots = thread_group_subjects(&ctx, roots);
			thread_sort_tree(roots, false);
			/* roots again by date: a thread the merge made (a
			   new dummy) or changed takes its place by its
			   first message now, as Dovecot orders them */
			roots = thread_sort_list(roots, false);
		} else {
			roots = thread_sort_list(roots, true);
		}
		hash_destroy(&ctx.ids);
	}
	*roots_r = thread_output(arena, roots);
	arena_destroy(&ctx.arena);
	return 0;
}
