/*
 * adm-print.h - roostadm's output formatters (doveadm-print's equivalent).
 *
 * A command that prints records declares its columns once with
 * adm_print_header() and then calls adm_print() once per value, row after
 * row; the formatter chosen with "roostadm -f NAME" (or the command's
 * default) decides the layout:
 *
 *   flow   "title=value title=value" per row (the usual default)
 *   tab    a line of titles, then one tab-separated line per row
 *   table  padded columns sized to the terminal (80 columns when stdout is
 *          not a terminal); the title line goes to stderr, as in doveadm
 *   pager  "title: value" lines, rows separated by a "\f" line
 *   json   [{"key":"value",...},...] (no trailing newline, as doveadm)
 *
 * Layouts match doveadm 2.3's byte for byte (docs/roostadm.md shows
 * them).  Values are printed as given: the flow, tab and pager formats do
 * not escape tabs or newlines, exactly like doveadm.
 */
#ifndef ROOSTADM_ADM_PRINT_H
#define ROOSTADM_ADM_PRINT_H

#include <stdio.h>

struct adm_print;

enum adm_print_header_flags {
	/* table: right-align the column. */
	ADM_PRINT_HEADER_FLAG_RIGHT_JUSTIFY = 0x01,
	/* The value is set once with adm_print_sticky() and repeated on
	   every row (e.g. the user name in per-user mail commands). */
	ADM_PRINT_HEADER_FLAG_STICKY = 0x02,
	/* flow/pager: print the value without "title="; table: no title. */
	ADM_PRINT_HEADER_FLAG_HIDE_TITLE = 0x04,
	/* table: this column takes the spare width. */
	ADM_PRINT_HEADER_FLAG_EXPAND = 0x08,
	/* json: the value is a number (printed unquoted when it is one). */
	ADM_PRINT_HEADER_FLAG_NUMBER = 0x10,
};

/* True if name is one of the formatters above. */
bool adm_print_formatter_exists(const char *name);

/*
 * Creates a printer.  forced is the -f formatter (NULL when not given),
 * which wins over the command's default_name, as in doveadm.  Output goes
 * to out; the table formatter writes its title line to err.  hide_titles
 * is roostadm -h.  Returns NULL with *error_r ("Unknown print formatter:
 * NAME", scratch memory) for an unknown name.
 */
struct adm_print *adm_print_create(const char *forced,
	const char *default_name, FILE *out, FILE *err, bool hide_titles,
	const char **error_r);
/* Flushes the last row (see adm_print_flush) and frees the printer;
   sets *print to NULL.  NULL is allowed. */
void adm_print_destroy(struct adm_print **print);
/* The formatter in use ("flow", "tab", ...). */
const char *adm_print_get_name(const struct adm_print *print);

/*
 * Declares the next column.  key names it in JSON and for
 * adm_print_sticky(); title is what the other formatters show.  All
 * headers are declared before the first value.  Strings are copied.
 */
void adm_print_header(struct adm_print *print, const char *key,
	const char *title, enum adm_print_header_flags flags);
/* adm_print_header(print, key_title, key_title, 0). */
void adm_print_header_simple(struct adm_print *print, const char *key_title);

/* Prints the next value (sticky columns are filled in automatically). */
void adm_print(struct adm_print *print, const char *value);
void adm_print_num(struct adm_print *print, uintmax_t value);
/*
 * Prints the next value in pieces (for message bodies); a call with size
 * 0 ends the value.  The table formatter refuses values containing a
 * newline (fatal, as in doveadm).
 */
void adm_print_stream(struct adm_print *print, const void *data,
	size_t size);
/* Sets the value of the sticky column key (a programming error if there
   is no such column).  The value is copied. */
void adm_print_sticky(struct adm_print *print, const char *key,
	const char *value);
/*
 * Call before writing other text to the same output between rows (a
 * separator, a "user doesn't exist" line): ends the tab formatter's
 * pending title line so that the text starts on a line of its own.  The
 * output stays open (unlike adm_print_flush()).
 */
void adm_print_begin_text(struct adm_print *print);
/*
 * Ends the output so far: terminates an unfinished row, prints the
 * buffered table, closes the JSON array (after which nothing more may be
 * printed), writes the tab title line's newline, and flushes out.
 */
void adm_print_flush(struct adm_print *print);

#endif
