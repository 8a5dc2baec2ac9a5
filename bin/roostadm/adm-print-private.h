/*
 * adm-print-private.h - the interface between the formatter core
 * (adm-print.c) and the formatters (adm-print-*.c).
 */
#ifndef ROOSTADM_ADM_PRINT_PRIVATE_H
#define ROOSTADM_ADM_PRINT_PRIVATE_H

#include "array.h"
#include "adm-print.h"

struct adm_print_header {
	const char *key;
	const char *title;
	enum adm_print_header_flags flags;
	/* The value repeated for a STICKY column (NULL until set). */
	const char *sticky_value;
};

/*
 * One formatter.  Every function is called with the printer; a formatter
 * keeps its own state in print->fctx (allocated from print->arena in
 * init).  print() gets each value in row order; print_stream() gets a
 * value in pieces, then a call with size 0.  flush() ends the output so
 * far (see adm_print_flush()).
 */
struct adm_print_vfuncs {
	const char *name;
	void (*init)(struct adm_print *print);
	void (*header)(struct adm_print *print,
		const struct adm_print_header *hdr);
	void (*print)(struct adm_print *print, const char *value);
	void (*print_stream)(struct adm_print *print,
		const unsigned char *data, size_t size);
	void (*flush)(struct adm_print *print);
	/* Optional: see adm_print_begin_text(). */
	void (*begin_text)(struct adm_print *print);
};

struct adm_print {
	const struct adm_print_vfuncs *v;
	struct arena *arena;
	FILE *out, *err;
	bool hide_titles;

	ARRAY(struct adm_print_header) headers;
	/* Column of the next value (core bookkeeping for sticky values). */
	unsigned int header_idx;
	bool stream_open;

	/* The formatter's own state. */
	void *fctx;
};

extern const struct adm_print_vfuncs adm_print_flow_vfuncs;
extern const struct adm_print_vfuncs adm_print_tab_vfuncs;
extern const struct adm_print_vfuncs adm_print_table_vfuncs;
extern const struct adm_print_vfuncs adm_print_pager_vfuncs;
extern const struct adm_print_vfuncs adm_print_json_vfuncs;

/* Number of code points in a UTF-8 string (continuation bytes are not
   counted), for column widths. */
size_t adm_print_utf8_len(const char *s);
/* Appends s to out as the inside of a JSON string (no quotes). */
void adm_print_json_escape(FILE *out, const unsigned char *s, size_t len);

#endif
