/*
 * fuzz-imap-parser.c - libFuzzer target for the IMAP wire formats in
 * src/proto: the command parser (tag, name, arguments, literals, error
 * skipping), modified UTF-7 and sequence sets.
 *
 * Input layout: three header bytes, then the data.
 *   byte 0  bits 0-1: 0/1 command parser, 2 modified UTF-7, 3 sequence set
 *           bits 2-7: parser options (LITERAL_SIZE, ATOM_ALLCHARS,
 *           LITERAL8, LITERAL-, refuse literals, read args one by one)
 *   byte 1  seed of the chunk sizes the input is delivered in
 *   byte 2  limits: line length, literal size, list depth
 *
 * Parser mode drives a whole server-side session over the data twice,
 * once delivered all at once and once in chunks, and requires identical
 * results; it also checks the parser's contract (consumed bytes, memory
 * bounded by the settings) and that writing the arguments back with
 * imap_write_args() and parsing them again gives the same arguments.
 * UTF-7 and sequence set modes check round trips and invariants.  Any
 * violation aborts.
 */
#include "lib.h"
#include "buf.h"
#include "imap-parser.h"
#include "imap-seqset.h"
#include "imap-utf7.h"

#define HEADER_SIZE 3

enum fuzz_opt {
	OPT_LITERAL_SIZE = 0x04,
	OPT_ALLCHARS = 0x08,
	OPT_LITERAL8 = 0x10,
	OPT_LITERAL_MINUS = 0x20,
	OPT_REFUSE = 0x40,
	OPT_COUNT = 0x80,
};

struct feed {
	const unsigned char *data;
	size_t size, pos, avail;
	uint32_t rnd; /* 0 = deliver everything at once */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                               \
	do {                                                            \
		if (!(expr))                                            \
			i_panic("fuzz invariant failed: %s", #expr);    \
	} while (0)

static bool feed_more(struct feed *f)
{
	size_t n;

	if (f->avail == f->size)
		return false;
	if (f->rnd == 0) {
		n = f->size;
	} else {
		f->rnd = f->rnd * 1103515245 + 12345;
		n = 1 + ((f->rnd >> 16) % ((f->rnd >> 8) % 2 == 0 ? 3 : 64));
	}
	f->avail = f->avail + n > f->size ? f->size : f->avail + n;
	return true;
}

static void out_append(struct buf *out, const char *s)
{
	if (buf_append_str(out, s) < 0)
		i_panic("fuzz output overflow");
}

static void render_args(struct buf *out, const struct imap_arg *args,
	const struct imap_arg *parent, bool normalize);

static void render_arg(struct buf *out, const struct imap_arg *arg,
	bool normalize)
{
	switch (arg->type) {
	case IMAP_ARG_NIL:
		out_append(out, "NIL");
		return;
	case IMAP_ARG_ATOM:
		fuzz_assert(strlen(arg->_data.str) == arg->str_len);
		fuzz_assert(arg->str_len > 0);
		if (buf_append(out, arg->_data.str, arg->str_len) < 0)
			i_panic("fuzz output overflow");
		return;
	case IMAP_ARG_STRING:
	case IMAP_ARG_LITERAL:
		fuzz_assert(arg->_data.str[arg->str_len] == '\0');
		if (arg->type == IMAP_ARG_STRING || !arg->literal8)
			fuzz_assert(strlen(arg->_data.str) == arg->str_len);
		if (normalize)
			out_append(out, arg->literal8 ? "S8:" : "S:");
		else if (buf_printf(out, "%s%c%zu%s:",
				   arg->literal8 ? "~" : "",
				   arg->type == IMAP_ARG_STRING ? 'Q' : 'L',
				   arg->str_len,
				   arg->literal_nonsync ? "+" : "") < 0)
			i_panic("fuzz output overflow");
		if (buf_append(out, arg->_data.str, arg->str_len) < 0)
			i_panic("fuzz output overflow");
		return;
	case IMAP_ARG_LITERAL_SIZE:
		if (buf_printf(out, "<%llu>",
			    (unsigned long long)arg->_data.literal_size) < 0)
			i_panic("fuzz output overflow");
		return;
	case IMAP_ARG_LIST:
		out_append(out, "(");
		render_args(out, arg->_data.list.args, arg, normalize);
		out_append(out, ")");
		fuzz_assert(imap_args_count(arg->_data.list.args) ==
			arg->_data.list.count);
		return;
	case IMAP_ARG_EOL:
		break;
	}
	i_panic("unexpected argument type %d", arg->type);
}

static void render_args(struct buf *out, const struct imap_arg *args,
	const struct imap_arg *parent, bool normalize)
{
	for (unsigned int i = 0; !IMAP_ARG_IS_EOL(&args[i]); i++) {
		fuzz_assert(args[i].parent == parent);
		if (i > 0)
			out_append(out, " ");
		render_arg(out, &args[i], normalize);
	}
}

static bool has_literal_size(const struct imap_arg *args)
{
	for (; !IMAP_ARG_IS_EOL(args); args++) {
		if (args->type == IMAP_ARG_LITERAL_SIZE ||
		    (args->type == IMAP_ARG_LIST &&
		     has_literal_size(args->_data.list.args)))
			return true;
	}
	return false;
}

/* imap_write_args() output parses back to the same arguments. */
static void check_roundtrip(const struct imap_parser_settings *set,
	enum imap_parser_flags flags, const struct imap_arg *args)
{
	struct imap_parser_settings set2 = *set;
	struct imap_parser *parser;
	const struct imap_arg *args2;
	struct buf line, r1, r2;
	size_t pos = 0, consumed;
	int ret;

	if (has_literal_size(args))
		return;
	buf_init(&line, NULL, 256, 0);
	buf_init(&r1, NULL, 256, 0);
	buf_init(&r2, NULL, 256, 0);
	if (imap_write_args(&line, args) < 0 ||
	    buf_append_str(&line, "\r\n") < 0)
		i_panic("fuzz output overflow");

	set2.max_line_length = size_add(line.used, 1);
	set2.max_literal_size = line.used;
	set2.literal_minus_only = false;
	parser = imap_parser_create(&set2);
	do {
		ret = imap_parser_read_args(parser,
			(const unsigned char *)line.data + pos, line.used - pos,
			&consumed, 0, flags & ~(IMAP_PARSER_FLAG_INSIDE_LIST |
					       IMAP_PARSER_FLAG_LITERAL_SIZE),
			&args2);
		pos += consumed;
	} while (ret == IMAP_PARSER_LITERAL_CONT);
	if (ret != 1) {
		i_panic("re-parse failed (%d: %s): %s", ret,
			imap_parser_get_error(parser, NULL), line.data);
	}
	fuzz_assert(pos == line.used);
	render_args(&r1, args, NULL, true);
	render_args(&r2, args2, NULL, true);
	fuzz_assert(r1.used == r2.used &&
		memcmp(r1.data, r2.data, r1.used) == 0);
	imap_parser_destroy(&parser);
	buf_free(&line);
	buf_free(&r1);
	buf_free(&r2);
}

/* One call of a parser step, with the contract checked; delivers more
   input while the parser needs it.  -2 when the input ran out. */
enum step { STEP_TAG, STEP_NAME, STEP_ARGS, STEP_SKIP };

static int step(struct imap_parser *parser, struct feed *f, enum step st,
	unsigned int count, enum imap_parser_flags flags, const char **str_r,
	const struct imap_arg **args_r, size_t mem_max)
{
	for (;;) {
		const unsigned char *d = f->data + f->pos;
		size_t n = f->avail - f->pos, consumed = (size_t)-1;
		int ret;

		switch (st) {
		case STEP_TAG:
			ret = imap_parser_read_tag(parser, d, n, &consumed,
				str_r);
			break;
		case STEP_NAME:
			ret = imap_parser_read_command_name(parser, d, n,
				&consumed, str_r);
			break;
		case STEP_ARGS:
			ret = imap_parser_read_args(parser, d, n, &consumed,
				count, flags, args_r);
			break;
		case STEP_SKIP:
		default:
			ret = imap_parser_skip_line(parser, d, n, &consumed);
			break;
		}
		fuzz_assert(consumed <= n);
		fuzz_assert(ret != 0 || consumed == n);
		fuzz_assert(imap_parser_get_memory_usage(parser) <= mem_max);
		f->pos += consumed;
		if (ret != 0)
			return ret;
		if (!feed_more(f))
			return -2;
	}
}

/* Reads the rest of a command's arguments; 1, -1 or -2. */
static int session_args(struct imap_parser *parser, struct feed *f,
	unsigned int opts, const struct imap_parser_settings *set,
	struct buf *out, size_t mem_max)
{
	enum imap_parser_flags flags = 0;
	const struct imap_arg *args, *lit;
	unsigned int count = 0, list_depth = 0, depth;
	uint64_t size;
	int ret;

	if ((opts & OPT_LITERAL_SIZE) != 0)
		flags |= IMAP_PARSER_FLAG_LITERAL_SIZE;
	if ((opts & OPT_ALLCHARS) != 0)
		flags |= IMAP_PARSER_FLAG_ATOM_ALLCHARS;
	if ((opts & OPT_LITERAL8) != 0)
		flags |= IMAP_PARSER_FLAG_LITERAL8;

	for (;;) {
		enum imap_parser_flags read_flags = flags;

		if (list_depth > 0)
			read_flags |= IMAP_PARSER_FLAG_INSIDE_LIST;
		if ((opts & OPT_COUNT) != 0)
			count++;
		ret = step(parser, f, STEP_ARGS, count, read_flags, NULL,
			&args, mem_max);
		if (ret == IMAP_PARSER_LITERAL_CONT) {
			if ((opts & OPT_REFUSE) != 0) {
				out_append(out, " REFUSED");
				return -1;
			}
			out_append(out, " +");
			continue;
		}
		if (ret != 1)
			return ret;
		if (!imap_parser_is_eol(parser) && (opts & OPT_COUNT) != 0 &&
		    imap_args_count(args) == count &&
		    imap_parser_get_literal_size_arg(parser, &depth) == NULL)
			continue;
		out_append(out, " [");
		render_args(out, args, NULL, false);
		out_append(out, "]");
		if (imap_parser_is_eol(parser)) {
			if (list_depth == 0)
				check_roundtrip(set, flags, args);
			return 1;
		}
		lit = imap_parser_get_literal_size_arg(parser, &depth);
		if (lit != NULL) {
			fuzz_assert(imap_arg_get_literal_size(lit, &size));
			list_depth = depth;
			/* the caller streams the literal */
			size_t n = size > f->size - f->pos ?
				f->size - f->pos : (size_t)size;
			f->pos += n;
			if (f->avail < f->pos)
				f->avail = f->pos;
			if (buf_printf(out, " <%zu bytes>", n) < 0)
				i_panic("fuzz output overflow");
			if (n < size)
				return -2;
		} else {
			/* INSIDE_LIST stop at ')' */
			fuzz_assert(list_depth > 0);
			list_depth--;
			out_append(out, " )");
		}
		imap_parser_reset(parser);
		count = 0;
	}
}

static void session(const unsigned char *data, size_t size,
	unsigned int opts, const struct imap_parser_settings *set,
	uint32_t seed, struct buf *out)
{
	struct imap_parser *parser = imap_parser_create(set);
	struct feed f = { .data = data, .size = size, .rnd = seed };
	/* token + arguments (a constant factor of the line) + literals */
	size_t mem_max = 256 * set->max_line_length +
		2 * set->max_literal_size + 65536;
	const char *tag, *name;
	bool fatal;
	int ret;

	for (;;) {
		if (f.pos == f.avail && !feed_more(&f))
			break;
		out_append(out, "\n");
		ret = step(parser, &f, STEP_TAG, 0, 0, &tag, NULL, mem_max);
		if (ret == 1) {
			out_append(out, tag);
			ret = step(parser, &f, STEP_NAME, 0, 0, &name, NULL,
				mem_max);
			if (ret == 1) {
				out_append(out, " ");
				out_append(out, name);
				ret = session_args(parser, &f, opts, set, out,
					mem_max);
			}
		}
		if (ret == -2)
			break;
		if (ret == -1) {
			const char *error =
				imap_parser_get_error(parser, &fatal);

			if (error != NULL) {
				out_append(out, " ERR ");
				out_append(out, error);
			}
			if (fatal) {
				size_t consumed;

				fuzz_assert(imap_parser_skip_line(parser, NULL,
					0, &consumed) == -1);
				break;
			}
			ret = step(parser, &f, STEP_SKIP, 0, 0, NULL, NULL,
				mem_max);
			if (ret == -2)
				break;
			fuzz_assert(ret == 1);
			fuzz_assert(imap_parser_is_eol(parser));
		}
		imap_parser_reset(parser);
	}
	imap_parser_destroy(&parser);
}

static void fuzz_parser(const unsigned char *data, size_t size,
	unsigned int opts, uint8_t seed, uint8_t limits)
{
	static const uint64_t literal_limits[] = { 0, 10, 4096, 100000 };
	struct imap_parser_settings set = {
		.max_line_length = (size_t)16 << (limits & 7),
		.max_literal_size = literal_limits[(limits >> 3) & 3],
		.max_list_depth = (limits >> 5) * 3,
		.literal_minus_only = (opts & OPT_LITERAL_MINUS) != 0,
	};
	struct buf whole, chunked;

	buf_init(&whole, NULL, 1024, 0);
	buf_init(&chunked, NULL, 1024, 0);
	session(data, size, opts, &set, 0, &whole);
	session(data, size, opts, &set, seed + 1U, &chunked);
	if (whole.used != chunked.used ||
	    memcmp(whole.data, chunked.data, whole.used) != 0) {
		i_panic("chunked parse differs:\n--whole:%s\n--chunked:%s",
			whole.data, chunked.data);
	}
	buf_free(&whole);
	buf_free(&chunked);
}

static void fuzz_utf7(const unsigned char *data, size_t size)
{
	char *str = i_strndup(data, size);
	struct buf a, b;

	buf_init(&a, NULL, 64, 0);
	buf_init(&b, NULL, 64, 0);
	/* decoding is strict: whatever decodes re-encodes identically */
	if (imap_utf7_to_utf8(str, &a) == 0) {
		fuzz_assert(imap_utf7_is_valid(str));
		fuzz_assert(imap_utf8_to_utf7(a.data, &b) == 0);
		fuzz_assert(strcmp(b.data, str) == 0);
	} else {
		fuzz_assert(!imap_utf7_is_valid(str));
		fuzz_assert(a.used == 0);
	}
	/* encoding valid UTF-8 always decodes back */
	buf_reset(&a);
	buf_reset(&b);
	if (imap_utf8_to_utf7(str, &a) == 0) {
		fuzz_assert(imap_utf7_is_valid(a.data));
		fuzz_assert(imap_utf7_to_utf8(a.data, &b) == 0);
		fuzz_assert(strcmp(b.data, str) == 0);
	} else {
		fuzz_assert(a.used == 0);
	}
	buf_free(&a);
	buf_free(&b);
	free(str);
}

static void fuzz_seqset(const unsigned char *data, size_t size,
	unsigned int opts, uint8_t star)
{
	struct arena *arena = arena_create("fuzz seqset", 1024);
	char *str = i_strndup(data, size);
	enum imap_seqset_flags flags =
		((opts & 0x04) != 0 ? IMAP_SEQSET_FLAG_ALLOW_SEARCHRES : 0) |
		((opts & 0x08) != 0 ? IMAP_SEQSET_FLAG_NO_STAR : 0);
	struct imap_seqset set, set2;
	const char *error;
	unsigned int count, count2, i;
	struct buf out;

	buf_init(&out, NULL, 64, 0);
	if (imap_seqset_parse(str, flags, 1000, arena, &set, &error) == 0 &&
	    !set.searchres) {
		count = imap_seqset_resolve(set.ranges, set.count, star);
		for (i = 0; i < count; i++) {
			fuzz_assert(set.ranges[i].seq1 >= 1);
			fuzz_assert(set.ranges[i].seq1 <= set.ranges[i].seq2);
			/* sorted, disjoint and not adjacent */
			if (i > 0)
				fuzz_assert(set.ranges[i - 1].seq2 <
					set.ranges[i].seq1 - 1);
			fuzz_assert(imap_seqset_contains(set.ranges, count,
				set.ranges[i].seq1));
			fuzz_assert(imap_seqset_contains(set.ranges, count,
				set.ranges[i].seq2));
			if (set.ranges[i].seq1 > 1)
				fuzz_assert(!imap_seqset_contains(set.ranges,
					count, set.ranges[i].seq1 - 1));
		}
		/* written form parses to the same ranges */
		if (count > 0) {
			fuzz_assert(imap_seqset_write(&out, set.ranges,
				count) == 0);
			fuzz_assert(imap_seqset_parse(out.data, 0, 1000, arena,
				&set2, &error) == 0);
			count2 = imap_seqset_resolve(set2.ranges, set2.count,
				star);
			fuzz_assert(count2 == count);
			fuzz_assert(memcmp(set.ranges, set2.ranges,
				sizeof(*set.ranges) * count) == 0);
		}
	}
	buf_free(&out);
	free(str);
	arena_destroy(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEADER_SIZE)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		fuzz_parser(data + HEADER_SIZE, size - HEADER_SIZE, data[0],
			data[1], data[2]);
		break;
	case 2:
		fuzz_utf7(data + HEADER_SIZE, size - HEADER_SIZE);
		break;
	case 3:
		fuzz_seqset(data + HEADER_SIZE, size - HEADER_SIZE, data[0],
			data[2]);
		break;
	}
	return 0;
}
