/*
 * test-imap-driver.c - the chunked-delivery driver for imap_parser tests
 * (see test-imap-driver.h).
 */
#include "lib.h"
#include "test-imap-driver.h"
#include "buf.h"
#include "test-common.h"

#define RANDOM_SEEDS 30

enum step {
	STEP_TAG,
	STEP_NAME,
	STEP_ARGS,
	STEP_SKIP,
};

void test_drive_settings_default(struct test_drive_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->parser.max_line_length = 1000;
	set->parser.max_literal_size = 1000;
	set->parser.max_list_depth = 10;
}

static uint32_t feeder_random(struct test_feeder *f)
{
	f->rnd = f->rnd * 1103515245 + 12345;
	return (f->rnd >> 16) & 0x7fff;
}

void test_feeder_init(struct test_feeder *f, const void *data, size_t size,
	enum test_chunking chunking, unsigned int seed)
{
	memset(f, 0, sizeof(*f));
	f->data = data;
	f->size = size;
	f->chunking = chunking;
	f->rnd = seed;
}

bool test_feeder_more(struct test_feeder *f)
{
	size_t n;

	if (f->avail == f->size)
		return false;
	switch (f->chunking) {
	case TEST_CHUNK_ALL:
		n = f->size;
		break;
	case TEST_CHUNK_BYTE:
		n = 1;
		break;
	case TEST_CHUNK_RANDOM:
	default:
		/* mostly small chunks, sometimes large ones */
		n = feeder_random(f) % 4 == 0 ? 1 + feeder_random(f) % 300 :
			1 + feeder_random(f) % 7;
		break;
	}
	f->avail = f->avail + n > f->size ? f->size : f->avail + n;
	return true;
}

/* Calls the step until it returns non-zero; -2 when the input ran out. */
static int feed(struct imap_parser *parser, struct test_feeder *f,
	enum step step, unsigned int count, enum imap_parser_flags flags,
	const char **str_r, const struct imap_arg **args_r)
{
	const unsigned char *data;
	size_t size, consumed;
	int ret;

	for (;;) {
		data = f->data + f->pos;
		size = f->avail - f->pos;
		consumed = (size_t)-1;
		switch (step) {
		case STEP_TAG:
			ret = imap_parser_read_tag(parser, data, size,
				&consumed, str_r);
			break;
		case STEP_NAME:
			ret = imap_parser_read_command_name(parser, data, size,
				&consumed, str_r);
			break;
		case STEP_ARGS:
			ret = imap_parser_read_args(parser, data, size,
				&consumed, count, flags, args_r);
			break;
		case STEP_SKIP:
		default:
			ret = imap_parser_skip_line(parser, data, size,
				&consumed);
			break;
		}
		test_assert(consumed <= size);
		if (consumed > size)
			return -1;
		/* "0 = need more" promises that everything was consumed */
		if (ret == 0)
			test_assert(consumed == size);
		f->pos += consumed;
		if (ret != 0)
			return ret;
		if (!test_feeder_more(f))
			return -2;
	}
}

bool test_feeder_take(struct test_feeder *f, size_t n, struct buf *out)
{
	size_t have;

	while (n > 0) {
		if (f->pos == f->avail && !test_feeder_more(f))
			return false;
		have = f->avail - f->pos;
		if (have > n)
			have = n;
		if (buf_append(out, f->data + f->pos, have) < 0)
			test_assert(false);
		f->pos += have;
		n -= have;
	}
	return true;
}

int test_feed_command(struct imap_parser *parser, struct test_feeder *f,
	struct buf *out)
{
	const char *tag, *name;
	bool first_name = true;
	int ret;

	ret = feed(parser, f, STEP_TAG, 0, 0, &tag, NULL);
	if (ret != 1)
		return ret;
	if (buf_append_str(out, tag) < 0)
		test_assert(false);
	for (;;) {
		ret = feed(parser, f, STEP_NAME, 0, 0, &name, NULL);
		if (ret != 1)
			return ret;
		if (buf_printf(out, " %s", name) < 0)
			test_assert(false);
		if (!first_name || strcasecmp(name, "UID") != 0)
			return 1;
		first_name = false;
	}
}

int test_feed_args(struct imap_parser *parser, struct test_feeder *f,
	unsigned int count, enum imap_parser_flags flags,
	const struct imap_arg **args_r)
{
	return feed(parser, f, STEP_ARGS, count, flags, NULL, args_r);
}

int test_feed_skip(struct imap_parser *parser, struct test_feeder *f)
{
	return feed(parser, f, STEP_SKIP, 0, 0, NULL, NULL);
}

/* Appends literal data with NULs shown as \0. */
static int render_data(struct buf *out, const char *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\0' ? buf_append_str(out, "\\0") < 0 :
				      buf_append_c(out, data[i]) < 0)
			return -1;
	}
	return 0;
}

static void render_arg(struct buf *out, const struct imap_arg *arg)
{
	int ret = 0;

	switch (arg->type) {
	case IMAP_ARG_NIL:
		ret = buf_append_str(out, "NIL");
		break;
	case IMAP_ARG_ATOM:
		test_assert(strlen(arg->_data.str) == arg->str_len);
		ret = buf_append(out, arg->_data.str, arg->str_len);
		break;
	case IMAP_ARG_STRING:
		test_assert(strlen(arg->_data.str) == arg->str_len);
		ret = buf_printf(out, "\"%s\"", arg->_data.str);
		break;
	case IMAP_ARG_LITERAL:
		test_assert(arg->_data.str[arg->str_len] == '\0');
		if (buf_printf(out, "%s{%zu%s}", arg->literal8 ? "~" : "",
			    arg->str_len, arg->literal_nonsync ? "+" : "") < 0)
			ret = -1;
		else
			ret = render_data(out, arg->_data.str, arg->str_len);
		break;
	case IMAP_ARG_LITERAL_SIZE:
		ret = buf_printf(out, "%s<%llu%s>", arg->literal8 ? "~" : "",
			(unsigned long long)arg->_data.literal_size,
			arg->literal_nonsync ? "+" : "");
		break;
	case IMAP_ARG_LIST:
		test_assert(imap_args_count(arg->_data.list.args) ==
			arg->_data.list.count);
		if (buf_append_c(out, '(') < 0)
			ret = -1;
		test_render_args(out, arg->_data.list.args, arg);
		if (buf_append_c(out, ')') < 0)
			ret = -1;
		break;
	case IMAP_ARG_EOL:
		test_assert(false);
		break;
	}
	test_assert(ret == 0);
}

void test_render_args(struct buf *out, const struct imap_arg *args,
	const struct imap_arg *parent)
{
	unsigned int i;

	for (i = 0; !IMAP_ARG_IS_EOL(&args[i]); i++) {
		test_assert(args[i].parent == parent);
		if (i > 0 && buf_append_c(out, ' ') < 0)
			test_assert(false);
		render_arg(out, &args[i]);
	}
}

static void render_error(struct buf *out, struct imap_parser *parser,
	bool *fatal_r)
{
	const char *error = imap_parser_get_error(parser, fatal_r);

	test_assert(error != NULL);
	test_assert(imap_parser_get_error_code(parser) !=
		IMAP_PARSER_ERROR_NONE);
	if (buf_printf(out, "%s%s: %s", out->used > 0 ? " " : "",
		    *fatal_r ? "FATAL" : "ERR",
		    error == NULL ? "(null)" : error) < 0)
		test_assert(false);
}

/* Parses one command into out; false when driving must stop. */
static bool drive_command(struct imap_parser *parser, struct test_feeder *f,
	const struct test_drive_settings *set, struct buf *out)
{
	const struct imap_arg *args;
	unsigned int conts = 0;
	bool fatal = false;
	int ret;

	ret = test_feed_command(parser, f, out);
	if (ret == 1) {
		while ((ret = feed(parser, f, STEP_ARGS, 0, set->flags, NULL,
				&args)) == IMAP_PARSER_LITERAL_CONT) {
			if (set->refuse_literals)
				break;
			conts++;
		}
		if (ret == 1) {
			test_assert(imap_parser_is_eol(parser));
			test_assert(imap_parser_get_error(parser, NULL) ==
				NULL);
			if (buf_append_c(out, ':') < 0 ||
			    (args[0].type != IMAP_ARG_EOL &&
			     buf_append_c(out, ' ') < 0))
				test_assert(false);
			test_render_args(out, args, NULL);
			if (conts > 0 && buf_printf(out, " [+%u]", conts) < 0)
				test_assert(false);
		} else if (ret == IMAP_PARSER_LITERAL_CONT) {
			if (buf_append_str(out, " REFUSED") < 0)
				test_assert(false);
		}
	}
	if (ret == -2) {
		if (buf_printf(out, "%sINCOMPLETE",
			    out->used > 0 ? " " : "") < 0)
			test_assert(false);
		return false;
	}
	if (ret == -1 || ret == IMAP_PARSER_LITERAL_CONT) {
		if (ret == -1)
			render_error(out, parser, &fatal);
		if (fatal) {
			/* skipping is refused too */
			size_t consumed;

			test_assert(imap_parser_skip_line(parser, NULL, 0,
					    &consumed) == -1);
			return false;
		}
		ret = feed(parser, f, STEP_SKIP, 0, 0, NULL, NULL);
		test_assert(ret == 1 || ret == -2);
		if (ret == -2) {
			if (buf_append_str(out, " INCOMPLETE") < 0)
				test_assert(false);
			return false;
		}
		test_assert(imap_parser_is_eol(parser));
	}
	imap_parser_reset(parser);
	test_assert(imap_parser_get_error(parser, NULL) == NULL);
	return true;
}

const char *test_drive(const struct test_drive_settings *set,
	const void *input, size_t size, enum test_chunking chunking,
	unsigned int seed)
{
	struct imap_parser *parser = imap_parser_create(&set->parser);
	struct test_feeder f;
	struct buf result, cmd;
	const char *ret;

	test_feeder_init(&f, input, size, chunking, seed);
	buf_init(&result, NULL, 256, 0);
	buf_init(&cmd, NULL, 256, 0);
	for (;;) {
		if (f.pos == f.avail && !test_feeder_more(&f))
			break;
		buf_reset(&cmd);
		bool more = drive_command(parser, &f, set, &cmd);
		if ((result.used > 0 && buf_append_c(&result, '\n') < 0) ||
		    buf_append(&result, cmd.data, cmd.used) < 0)
			test_assert(false);
		if (!more)
			break;
	}
	imap_parser_destroy(&parser);
	test_assert(parser == NULL);
	ret = t_strndup(buf_cstr(&result), result.used);
	buf_free(&result);
	buf_free(&cmd);
	return ret;
}

void test_drive_all(const struct test_drive_settings *set,
	const char *input, size_t size, const char *expected)
{
	const char *got;
	unsigned int seed;
	bool failed = false;

	got = test_drive(set, input, size, TEST_CHUNK_ALL, 0);
	test_assert_strcmp(got, expected);
	failed = strcmp(got, expected) != 0;
	got = test_drive(set, input, size, TEST_CHUNK_BYTE, 0);
	if (!failed)
		test_assert_strcmp(got, expected);
	failed = failed || strcmp(got, expected) != 0;
	for (seed = 1; seed <= RANDOM_SEEDS && !failed; seed++) {
		got = test_drive(set, input, size, TEST_CHUNK_RANDOM, seed);
		test_assert_strcmp(got, expected);
		failed = strcmp(got, expected) != 0;
	}
}
