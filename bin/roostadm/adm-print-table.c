/*
 * adm-print-table.c - the table formatter: columns padded to a common
 * width, sized from the first rows so that the table fits the terminal.
 *
 * The first ADM_TABLE_BUFFER_ROWS rows are buffered; then (or at flush)
 * the column widths are computed once, the title line is written to
 * stderr (so that piping the table keeps only the data, as doveadm does)
 * and the rows follow.  Later rows use the same widths; a value wider
 * than its column is printed whole, pushing the rest of its row right.
 *
 * Width rules, identical to doveadm 2.3's so that the output matches:
 * a column starts as wide as its title and grows to its widest buffered
 * value.  While the row is wider than the terminal, the columns are
 * visited from the last to the first: one whose shrinkable part (width
 * minus its narrowest value) covers the whole excess absorbs it and the
 * visit ends; each column visited before that gives up half of its
 * shrinkable part.  Only an absorbing column counts toward the new row
 * width, so a pass that finds none ends the shrinking.  A row narrower
 * than the terminal gives half of the spare width to the first column
 * flagged EXPAND, or to the last column.
 */
#include "lib.h"
#include "buf.h"
#include "adm.h"
#include "adm-print-private.h"

#include <sys/ioctl.h>
#include <termios.h>

#define ADM_TABLE_DEFAULT_COLUMNS 80
#define ADM_TABLE_MIN_COLUMNS 30
#define ADM_TABLE_BUFFER_ROWS 100
/* Largest value accepted through adm_print_stream(). */
#define ADM_TABLE_MAX_STREAM_VALUE (1024 * 1024)

struct table_column {
	size_t min_len, max_len, len;
};

struct table_ctx {
	ARRAY(struct table_column) columns;
	/* Buffered values, row after row, until the widths are set. */
	ARRAY(const char *) buffered;
	bool widths_set;
	unsigned int idx;
	unsigned int term_columns;
	struct buf stream;
};

static void table_init(struct adm_print *print)
{
	struct table_ctx *ctx = arena_new(print->arena, struct table_ctx, 1);
	struct winsize ws;

	array_init(&ctx->columns, print->arena, 8);
	array_init(&ctx->buffered, print->arena, 64);
	buf_init(&ctx->stream, print->arena, 128, ADM_TABLE_MAX_STREAM_VALUE);
	ctx->term_columns = ADM_TABLE_DEFAULT_COLUMNS;
	if (ioctl(fileno(print->out), TIOCGWINSZ, &ws) == 0) {
		ctx->term_columns = ws.ws_col < ADM_TABLE_MIN_COLUMNS ?
			ADM_TABLE_MIN_COLUMNS : ws.ws_col;
	}
	print->fctx = ctx;
}

static void table_header(struct adm_print *print,
	const struct adm_print_header *hdr)
{
	struct table_ctx *ctx = print->fctx;
	struct table_column *col = array_append_space(&ctx->columns);

	col->len = col->max_len = col->min_len = strlen(hdr->title);
}

/* One pass of the shrinking described at the top; returns the new row
   width. */
static size_t table_shrink_pass(struct table_ctx *ctx, size_t width)
{
	struct table_column *cols = ctx->columns.v;
	unsigned int i = ctx->columns.count;

	while (i > 0) {
		size_t diff;

		i--;
		diff = cols[i].len - cols[i].min_len;
		if (width - diff <= ctx->term_columns) {
			cols[i].len -= width - ctx->term_columns;
			return ctx->term_columns;
		}
		if (diff > 0)
			cols[i].len -= diff == 1 ? 1 : diff / 2;
	}
	return width;
}

static void table_calc_widths(struct adm_print *print)
{
	struct table_ctx *ctx = print->fctx;
	struct table_column *cols = ctx->columns.v;
	unsigned int ncols = ctx->columns.count;
	size_t width = 0;
	unsigned int i;

	ctx->widths_set = true;
	for (i = 0; i < ctx->buffered.count; i++) {
		struct table_column *col = &cols[i % ncols];
		size_t len = adm_print_utf8_len(ctx->buffered.v[i]);

		if (col->min_len > len)
			col->min_len = len;
		if (col->max_len < len)
			col->max_len = col->len = len;
	}

	/* Each column plus one space between columns. */
	for (i = 0; i < ncols; i++)
		width += cols[i].max_len + 1;
	width--;

	while (width > ctx->term_columns) {
		size_t new_width = table_shrink_pass(ctx, width);

		if (new_width == width)
			break;
		width = new_width;
	}
	if (width < ctx->term_columns) {
		for (i = 0; i < ncols - 1; i++) {
			if ((print->headers.v[i].flags &
			     ADM_PRINT_HEADER_FLAG_EXPAND) != 0)
				break;
		}
		cols[i].len += (ctx->term_columns - width) / 2;
	}
}

/* Writes s padded to width code points, left- or right-aligned. */
static void table_write_padded(FILE *out, const char *s, size_t width,
	bool right)
{
	size_t len = adm_print_utf8_len(s);
	size_t pad = len < width ? width - len : 0;

	if (right) {
		for (size_t i = 0; i < pad; i++)
			fputc(' ', out);
	}
	fputs(s, out);
	if (!right) {
		for (size_t i = 0; i < pad; i++)
			fputc(' ', out);
	}
}

static bool table_right(const struct adm_print *print, unsigned int i)
{
	return (print->headers.v[i].flags &
		ADM_PRINT_HEADER_FLAG_RIGHT_JUSTIFY) != 0;
}

static void table_write_value(struct adm_print *print, const char *value)
{
	struct table_ctx *ctx = print->fctx;

	table_write_padded(print->out, value, ctx->columns.v[ctx->idx].len,
		table_right(print, ctx->idx));
	if (++ctx->idx == ctx->columns.count) {
		ctx->idx = 0;
		fputc('\n', print->out);
	} else {
		fputc(' ', print->out);
	}
}

static void table_write_titles(struct adm_print *print)
{
	struct table_ctx *ctx = print->fctx;
	unsigned int i;

	if (print->hide_titles)
		return;
	/* No title line at all when every title is hidden. */
	for (i = 0; i < print->headers.count; i++) {
		if ((print->headers.v[i].flags &
		     ADM_PRINT_HEADER_FLAG_HIDE_TITLE) == 0)
			break;
	}
	if (i == print->headers.count)
		return;
	/* Flush earlier rows first so the two streams stay in order on a
	   terminal. */
	(void)fflush(print->out);
	for (i = 0; i < print->headers.count; i++) {
		if (i > 0)
			fputc(' ', print->err);
		table_write_padded(print->err, print->headers.v[i].title,
			ctx->columns.v[i].len, table_right(print, i));
	}
	fputc('\n', print->err);
	(void)fflush(print->err);
}

static void table_flush_buffered(struct adm_print *print)
{
	struct table_ctx *ctx = print->fctx;

	table_calc_widths(print);
	table_write_titles(print);
	for (unsigned int i = 0; i < ctx->buffered.count; i++)
		table_write_value(print, ctx->buffered.v[i]);
	array_clear(&ctx->buffered);
}

static void table_print(struct adm_print *print, const char *value)
{
	struct table_ctx *ctx = print->fctx;

	if (!ctx->widths_set) {
		unsigned int rows = ctx->buffered.count / ctx->columns.count;

		if (rows < ADM_TABLE_BUFFER_ROWS) {
			array_push(&ctx->buffered,
				arena_strdup(print->arena, value));
			return;
		}
		table_flush_buffered(print);
	}
	table_write_value(print, value);
}

static void table_print_stream(struct adm_print *print,
	const unsigned char *data, size_t size)
{
	struct table_ctx *ctx = print->fctx;

	if (memchr(data, '\n', size) != NULL)
		adm_fatal("table formatter doesn't support "
			"multi-line values");
	if (size > 0) {
		if (buf_append(&ctx->stream, data, size) < 0)
			adm_fatal("table formatter: value longer than "
				"%u bytes", ADM_TABLE_MAX_STREAM_VALUE);
		return;
	}
	table_print(print, buf_cstr(&ctx->stream));
	buf_reset(&ctx->stream);
}

static void table_flush(struct adm_print *print)
{
	struct table_ctx *ctx = print->fctx;

	if (!ctx->widths_set && ctx->columns.count > 0)
		table_flush_buffered(print);
}

const struct adm_print_vfuncs adm_print_table_vfuncs = {
	.name = "table",
	.init = table_init,
	.header = table_header,
	.print = table_print,
	.print_stream = table_print_stream,
	.flush = table_flush,
};
