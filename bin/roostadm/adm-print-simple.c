/*
 * adm-print-simple.c - the line-oriented formatters: flow
 * ("title=value title=value"), tab (a title line, then tab-separated
 * rows) and pager ("title: value" lines with "\f" between rows), each
 * written straight to the output with no buffering of its own.
 */
#include "lib.h"
#include "adm-print-private.h"

/* State shared by the three: where in the row we are. */
struct simple_ctx {
	unsigned int idx;
	bool streaming;
	/* tab: the title line's newline has been written. */
	bool titles_done;
	/* pager: no row has been started yet. */
	bool first_row;
};

static void simple_init(struct adm_print *print)
{
	struct simple_ctx *ctx = arena_new(print->arena, struct simple_ctx, 1);

	ctx->first_row = true;
	print->fctx = ctx;
}

static const struct adm_print_header *
current_header(const struct adm_print *print)
{
	const struct simple_ctx *ctx = print->fctx;

	return &print->headers.v[ctx->idx];
}

static bool title_hidden(const struct adm_print_header *hdr)
{
	return (hdr->flags & ADM_PRINT_HEADER_FLAG_HIDE_TITLE) != 0;
}

/* flow */

static void flow_header(struct adm_print *print,
	const struct adm_print_header *hdr)
{
}

static void flow_title(struct adm_print *print)
{
	const struct adm_print_header *hdr = current_header(print);

	if (!title_hidden(hdr))
		fprintf(print->out, "%s=", hdr->title);
}

static void flow_next(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	if (++ctx->idx < print->headers.count) {
		fputc(' ', print->out);
	} else {
		ctx->idx = 0;
		fputc('\n', print->out);
	}
}

static void flow_print(struct adm_print *print, const char *value)
{
	flow_title(print);
	fputs(value, print->out);
	flow_next(print);
}

static void flow_print_stream(struct adm_print *print,
	const unsigned char *data, size_t size)
{
	struct simple_ctx *ctx = print->fctx;

	if (!ctx->streaming) {
		ctx->streaming = true;
		flow_title(print);
	}
	if (size > 0) {
		(void)fwrite(data, 1, size, print->out);
		return;
	}
	ctx->streaming = false;
	flow_next(print);
}

/* Ends an unfinished row (flow and pager). */
static void row_flush(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	if (ctx->idx != 0) {
		fputc('\n', print->out);
		ctx->idx = 0;
	}
}

const struct adm_print_vfuncs adm_print_flow_vfuncs = {
	.name = "flow",
	.init = simple_init,
	.header = flow_header,
	.print = flow_print,
	.print_stream = flow_print_stream,
	.flush = row_flush,
};

/* tab */

static void tab_header(struct adm_print *print,
	const struct adm_print_header *hdr)
{
	if (print->hide_titles)
		return;
	if (print->headers.count > 1)
		fputc('\t', print->out);
	fputs(hdr->title, print->out);
}

static void tab_end_titles(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	if (ctx->titles_done)
		return;
	ctx->titles_done = true;
	if (!print->hide_titles)
		fputc('\n', print->out);
}

static void tab_value_start(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	tab_end_titles(print);
	if (ctx->idx > 0)
		fputc('\t', print->out);
}

static void tab_value_end(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	if (++ctx->idx == print->headers.count) {
		ctx->idx = 0;
		fputc('\n', print->out);
	}
}

static void tab_print(struct adm_print *print, const char *value)
{
	tab_value_start(print);
	fputs(value, print->out);
	tab_value_end(print);
}

static void tab_print_stream(struct adm_print *print,
	const unsigned char *data, size_t size)
{
	struct simple_ctx *ctx = print->fctx;

	if (!ctx->streaming) {
		ctx->streaming = true;
		tab_value_start(print);
	}
	if (size > 0) {
		(void)fwrite(data, 1, size, print->out);
		return;
	}
	ctx->streaming = false;
	tab_value_end(print);
}

static void tab_flush(struct adm_print *print)
{
	tab_end_titles(print);
}

const struct adm_print_vfuncs adm_print_tab_vfuncs = {
	.name = "tab",
	.init = simple_init,
	.header = tab_header,
	.print = tab_print,
	.print_stream = tab_print_stream,
	.flush = tab_flush,
	.begin_text = tab_flush,
};

/* pager */

static void pager_header(struct adm_print *print,
	const struct adm_print_header *hdr)
{
}

static void pager_next(struct adm_print *print)
{
	struct simple_ctx *ctx = print->fctx;

	if (++ctx->idx == print->headers.count)
		ctx->idx = 0;
}

static void pager_print(struct adm_print *print, const char *value)
{
	struct simple_ctx *ctx = print->fctx;
	const struct adm_print_header *hdr = current_header(print);

	if (ctx->idx == 0 && !ctx->first_row)
		fputs("\f\n", print->out);
	ctx->first_row = false;
	if (!title_hidden(hdr))
		fprintf(print->out, "%s: ", hdr->title);
	fputs(value, print->out);
	fputc('\n', print->out);
	pager_next(print);
}

static void pager_print_stream(struct adm_print *print,
	const unsigned char *data, size_t size)
{
	struct simple_ctx *ctx = print->fctx;

	if (!ctx->streaming) {
		const struct adm_print_header *hdr = current_header(print);

		ctx->streaming = true;
		/* A streamed value starts on the line after its title. */
		if (!title_hidden(hdr))
			fprintf(print->out, "%s:\n", hdr->title);
	}
	if (size > 0) {
		(void)fwrite(data, 1, size, print->out);
		return;
	}
	ctx->streaming = false;
	pager_next(print);
}

const struct adm_print_vfuncs adm_print_pager_vfuncs = {
	.name = "pager",
	.init = simple_init,
	.header = pager_header,
	.print = pager_print,
	.print_stream = pager_print_stream,
	.flush = row_flush,
};
