/*
 * adm-print.c - the formatter core: picks the formatter, keeps the column
 * list and the sticky values, and hands each value to the formatter.
 */
#include "lib.h"
#include "adm-print-private.h"

static const struct adm_print_vfuncs *const adm_print_all[] = {
	&adm_print_flow_vfuncs,
	&adm_print_tab_vfuncs,
	&adm_print_table_vfuncs,
	&adm_print_pager_vfuncs,
	&adm_print_json_vfuncs,
};

static const struct adm_print_vfuncs *adm_print_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(adm_print_all); i++) {
		if (strcmp(adm_print_all[i]->name, name) == 0)
			return adm_print_all[i];
	}
	return NULL;
}

bool adm_print_formatter_exists(const char *name)
{
	return adm_print_find(name) != NULL;
}

struct adm_print *adm_print_create(const char *forced,
	const char *default_name, FILE *out, FILE *err, bool hide_titles,
	const char **error_r)
{
	const char *name = forced != NULL ? forced : default_name;
	const struct adm_print_vfuncs *v = adm_print_find(name);
	struct arena *arena;
	struct adm_print *print;

	if (v == NULL) {
		*error_r = t_printf("Unknown print formatter: %s", name);
		return NULL;
	}
	arena = arena_create("adm print", 4096);
	print = arena_new(arena, struct adm_print, 1);
	print->v = v;
	print->arena = arena;
	print->out = out;
	print->err = err;
	print->hide_titles = hide_titles;
	array_init(&print->headers, arena, 8);
	if (v->init != NULL)
		v->init(print);
	return print;
}

void adm_print_destroy(struct adm_print **_print)
{
	struct adm_print *print = *_print;
	struct arena *arena;

	if (print == NULL)
		return;
	*_print = NULL;
	adm_print_flush(print);
	arena = print->arena;
	arena_destroy(&arena);
}

const char *adm_print_get_name(const struct adm_print *print)
{
	return print->v->name;
}

void adm_print_header(struct adm_print *print, const char *key,
	const char *title, enum adm_print_header_flags flags)
{
	struct adm_print_header *hdr = array_append_space(&print->headers);

	hdr->key = arena_strdup(print->arena, key);
	hdr->title = arena_strdup(print->arena, title);
	hdr->flags = flags;
	print->v->header(print, hdr);
}

void adm_print_header_simple(struct adm_print *print, const char *key_title)
{
	adm_print_header(print, key_title, key_title, 0);
}

/* Prints the sticky columns that come before the next real value. */
static void adm_print_sticky_values(struct adm_print *print)
{
	unsigned int guard = 0;

	i_assert(print->headers.count > 0);
	for (;;) {
		const struct adm_print_header *hdr;

		/* A row made only of sticky columns has no values to
		   print: a programming error. */
		i_assert(guard++ <= print->headers.count);

		if (print->header_idx == print->headers.count)
			print->header_idx = 0;
		hdr = &print->headers.v[print->header_idx];
		if ((hdr->flags & ADM_PRINT_HEADER_FLAG_STICKY) == 0)
			break;
		print->v->print(print, hdr->sticky_value == NULL ? "" :
			hdr->sticky_value);
		print->header_idx++;
	}
}

void adm_print(struct adm_print *print, const char *value)
{
	i_assert(!print->stream_open);
	adm_print_sticky_values(print);
	print->v->print(print, value);
	print->header_idx++;
}

void adm_print_num(struct adm_print *print, uintmax_t value)
{
	char num[32];

	(void)x_snprintf(num, sizeof(num), "%ju", value);
	adm_print(print, num);
}

void adm_print_stream(struct adm_print *print, const void *data,
	size_t size)
{
	if (!print->stream_open) {
		adm_print_sticky_values(print);
		print->stream_open = true;
	}
	print->v->print_stream(print, data, size);
	if (size == 0) {
		print->header_idx++;
		print->stream_open = false;
	}
}

void adm_print_sticky(struct adm_print *print, const char *key,
	const char *value)
{
	for (unsigned int i = 0; i < print->headers.count; i++) {
		struct adm_print_header *hdr = &print->headers.v[i];

		if (strcmp(hdr->key, key) == 0) {
			/* The arena keeps old values; sticky values change
			   once per user, so this stays small. */
			hdr->sticky_value = arena_strdup(print->arena, value);
			return;
		}
	}
	i_panic("adm_print_sticky(): no column %s", key);
}

void adm_print_begin_text(struct adm_print *print)
{
	if (print->v->begin_text != NULL)
		print->v->begin_text(print);
}

void adm_print_flush(struct adm_print *print)
{
	if (print->v->flush != NULL)
		print->v->flush(print);
	(void)fflush(print->out);
}

size_t adm_print_utf8_len(const char *s)
{
	size_t len = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			len++;
	}
	return len;
}
