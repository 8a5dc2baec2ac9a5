/*
 * fuzz-imap-search-args.c - libFuzzer target for SEARCH/SORT/THREAD
 * argument parsing (src/proto/imap-search-args.c) behind the real command
 * parser.
 *
 * Input layout: one header byte, then the arguments of the command as a
 * client would send them after "tag SEARCH " (the line's CRLF is added
 * when missing).
 *   byte 0  bits 0-1: 0/1 SEARCH ([RETURN] [CHARSET] keys), 2 SORT
 *           ([RETURN] (program) charset keys), 3 THREAD (algorithm
 *           charset keys); bit 2: parse with IMAP_PARSER_FLAG_ATOM_ALLCHARS
 *
 * Checks: parsing never crashes and either fails with a non-empty error or
 * yields a tree whose invariants hold (every OR has exactly two operands,
 * lists are never empty, sequence sets have ranges or are "$", the "$"
 * and MODSEQ flags match what the tree holds, strings are present, dates
 * are midnights, PARTIAL ranges are ordered and non-zero, sort programs
 * are non-empty), the nesting stays within IMAP_SEARCH_MAX_DEPTH, and the
 * same input gives the same result when parsed again.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-parser.h"
#include "imap-search-args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                               \
	do {                                                            \
		if (!(expr))                                            \
			i_panic("fuzz invariant failed: %s", #expr);    \
	} while (0)

struct tree_stats {
	bool searchres, modseq;
};

static void out_printf(struct buf *out, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
static void out_printf(struct buf *out, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = buf_vprintf(out, fmt, args);
	va_end(args);
	if (ret < 0)
		i_panic("render overflow");
}

static void check_set(const struct imap_seqset *set, struct tree_stats *st,
	struct buf *out)
{
	unsigned int i;

	if (set->searchres) {
		st->searchres = true;
		fuzz_assert(set->count == 0);
		out_printf(out, "$");
		return;
	}
	fuzz_assert(set->count > 0 && set->ranges != NULL);
	for (i = 0; i < set->count; i++)
		out_printf(out, "%u:%u,", set->ranges[i].seq1,
			set->ranges[i].seq2);
}

static unsigned int check_tree(const struct imap_search_arg *arg,
	struct tree_stats *st, struct buf *out);

/* Checks one node (not its siblings) and renders it into out.  Returns
   the nesting depth below it. */
static unsigned int check_one(const struct imap_search_arg *arg,
	struct tree_stats *st, struct buf *out)
{
	const struct imap_search_arg *sub;
	unsigned int depth = 0, n, d1, d2;

	fuzz_assert(arg != NULL);
	out_printf(out, "%s%d ", arg->negate ? "!" : "", (int)arg->type);
	switch (arg->type) {
	case IMAP_SEARCH_ALL:
		break;
	case IMAP_SEARCH_SEQSET:
	case IMAP_SEARCH_UIDSET:
		check_set(&arg->value.seqset, st, out);
		break;
	case IMAP_SEARCH_FLAGS:
		fuzz_assert(arg->value.flags != 0 &&
			(arg->value.flags & ~0x3f) == 0);
		out_printf(out, "%d", (int)arg->value.flags);
		break;
	case IMAP_SEARCH_KEYWORD:
	case IMAP_SEARCH_FROM:
	case IMAP_SEARCH_TO:
	case IMAP_SEARCH_CC:
	case IMAP_SEARCH_BCC:
	case IMAP_SEARCH_SUBJECT:
	case IMAP_SEARCH_BODY:
	case IMAP_SEARCH_TEXT:
		fuzz_assert(arg->value.str != NULL);
		out_printf(out, "%s", arg->value.str);
		break;
	case IMAP_SEARCH_BEFORE:
	case IMAP_SEARCH_ON:
	case IMAP_SEARCH_SINCE:
	case IMAP_SEARCH_SENTBEFORE:
	case IMAP_SEARCH_SENTON:
	case IMAP_SEARCH_SENTSINCE:
	case IMAP_SEARCH_SAVEDBEFORE:
	case IMAP_SEARCH_SAVEDON:
	case IMAP_SEARCH_SAVEDSINCE:
		fuzz_assert(arg->value.date % 86400 == 0);
		out_printf(out, "%lld", (long long)arg->value.date);
		break;
	case IMAP_SEARCH_OLDER:
	case IMAP_SEARCH_YOUNGER:
		fuzz_assert(arg->value.interval > 0);
		out_printf(out, "%u", arg->value.interval);
		break;
	case IMAP_SEARCH_SMALLER:
	case IMAP_SEARCH_LARGER:
		out_printf(out, "%llu", (unsigned long long)arg->value.size);
		break;
	case IMAP_SEARCH_HEADER:
		fuzz_assert(arg->value.hdr.field != NULL &&
			arg->value.hdr.value != NULL);
		out_printf(out, "%s:%s", arg->value.hdr.field,
			arg->value.hdr.value);
		break;
	case IMAP_SEARCH_MODSEQ:
		st->modseq = true;
		fuzz_assert((arg->value.modseq.entry_name == NULL) ==
			(arg->value.modseq.entry_type ==
			 IMAP_SEARCH_MODSEQ_TYPE_ANY));
		out_printf(out, "%llu",
			(unsigned long long)arg->value.modseq.modseq);
		break;
	case IMAP_SEARCH_SUB:
		fuzz_assert(arg->value.subargs != NULL);
		out_printf(out, "(");
		depth = check_tree(arg->value.subargs, st, out) + 1;
		out_printf(out, ")");
		break;
	case IMAP_SEARCH_OR:
		n = 0;
		for (sub = arg->value.subargs; sub != NULL; sub = sub->next)
			n++;
		fuzz_assert(n == 2);
		out_printf(out, "(");
		/* I_MAX() evaluates its arguments twice */
		d1 = check_one(arg->value.subargs, st, out);
		d2 = check_one(arg->value.subargs->next, st, out);
		depth = I_MAX(d1, d2) + 1;
		out_printf(out, ")");
		break;
	default:
		i_panic("unknown search key %d", (int)arg->type);
	}
	out_printf(out, " ");
	return depth;
}

static unsigned int check_tree(const struct imap_search_arg *arg,
	struct tree_stats *st, struct buf *out)
{
	unsigned int depth = 0, d;

	fuzz_assert(arg != NULL);
	for (; arg != NULL; arg = arg->next) {
		d = check_one(arg, st, out);
		depth = I_MAX(depth, d);
	}
	return depth;
}

static void check_return(const struct imap_search_return *ret,
	struct buf *out)
{
	if (!ret->esearch) {
		fuzz_assert(ret->flags == 0);
		return;
	}
	fuzz_assert(ret->flags != 0);
	fuzz_assert((ret->flags & IMAP_SEARCH_RETURN_PARTIAL) == 0 ||
		(ret->flags & IMAP_SEARCH_RETURN_ALL) == 0);
	if ((ret->flags & IMAP_SEARCH_RETURN_PARTIAL) != 0) {
		fuzz_assert(ret->partial_low > 0 &&
			ret->partial_low <= ret->partial_high);
	}
	out_printf(out, "R%x:%u:%u ", (unsigned int)ret->flags,
		ret->partial_low, ret->partial_high);
}

/* The command-specific prefix and the keys; 0 parsed (out rendered),
   -1 rejected (with a non-empty error). */
static int parse_command(unsigned int mode, const struct imap_arg *args,
	struct arena *arena, struct buf *out)
{
	struct imap_search_return ret;
	struct imap_search_arg *sargs;
	struct imap_sort_key *keys;
	enum imap_thread_type ttype;
	struct tree_stats st;
	const char *error = NULL, *charset = NULL, *name;
	unsigned int count, i;
	bool searchres, modseq;

	switch (mode) {
	case 0:
	case 1:
		if (imap_search_return_parse(&args, &ret, &error) < 0 ||
		    imap_search_charset_parse(&args, &charset, &error) < 0)
			goto failed;
		check_return(&ret, out);
		break;
	case 2:
		if (imap_search_return_parse(&args, &ret, &error) < 0 ||
		    imap_sort_program_parse(args, arena, &keys, &count,
					    &error) < 0)
			goto failed;
		check_return(&ret, out);
		fuzz_assert(count > 0 && count <= IMAP_SORT_MAX_KEYS);
		for (i = 0; i < count; i++) {
			fuzz_assert(keys[i].type <= IMAP_SORT_DISPLAYTO);
			out_printf(out, "S%d%d ", (int)keys[i].type,
				keys[i].reverse);
		}
		args++;
		if (!imap_arg_get_astring(args, &charset))
			return -1;
		args++;
		break;
	default:
		if (!imap_arg_get_astring(args, &name) ||
		    !imap_arg_get_astring(args + 1, &charset))
			return -1;
		if (imap_thread_type_parse(name, &ttype) < 0)
			return -1;
		out_printf(out, "T%d ", (int)ttype);
		args += 2;
		break;
	}
	if (charset != NULL)
		out_printf(out, "C%s ", charset);
	if (imap_search_args_parse(args, arena, &sargs, &searchres, &modseq,
				   &error) < 0)
		goto failed;
	memset(&st, 0, sizeof(st));
	fuzz_assert(check_tree(sargs, &st, out) <= IMAP_SEARCH_MAX_DEPTH);
	fuzz_assert(st.searchres == searchres);
	fuzz_assert(st.modseq == modseq);
	return 0;
failed:
	fuzz_assert(error != NULL && *error != '\0');
	out_printf(out, "E%s", error);
	return -1;
}

/* Parses the line once; -2 when the command parser itself rejected it. */
static int parse_once(unsigned int mode, const unsigned char *line,
	size_t size, enum imap_parser_flags pflags, struct buf *out)
{
	struct imap_parser_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	struct arena *arena;
	size_t pos = 0, consumed;
	int ret;

	memset(&set, 0, sizeof(set));
	set.max_line_length = 65536;
	set.max_literal_size = 65536;
	set.max_list_depth = 64;
	parser = imap_parser_create(&set);
	do {
		ret = imap_parser_read_args(parser, line + pos, size - pos,
			&consumed, 0, pflags, &args);
		pos += consumed;
	} while (ret == IMAP_PARSER_LITERAL_CONT);
	if (ret != 1) {
		imap_parser_destroy(&parser);
		return -2;
	}
	arena = arena_create("fuzz search", 1024);
	SCRATCH_BEGIN {
		ret = parse_command(mode, args, arena, out);
	} SCRATCH_END;
	arena_destroy(&arena);
	imap_parser_destroy(&parser);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum imap_parser_flags pflags = 0;
	struct buf line, out1, out2;
	unsigned int mode;
	int ret1, ret2;

	if (size < 1 || size > 65536)
		return 0;
	mode = data[0] & 0x03;
	if ((data[0] & 0x04) != 0)
		pflags |= IMAP_PARSER_FLAG_ATOM_ALLCHARS;
	buf_init(&line, NULL, size + 2, size + 2);
	if (buf_append(&line, data + 1, size - 1) < 0 ||
	    ((size < 2 || data[size - 1] != '\n') &&
	     buf_append(&line, "\r\n", 2) < 0))
		i_panic("line overflow");
	buf_init(&out1, NULL, 1024, 16 * 1024 * 1024);
	buf_init(&out2, NULL, 1024, 16 * 1024 * 1024);
	ret1 = parse_once(mode, (const unsigned char *)line.data, line.used,
		pflags, &out1);
	ret2 = parse_once(mode, (const unsigned char *)line.data, line.used,
		pflags, &out2);
	fuzz_assert(ret1 == ret2);
	fuzz_assert(out1.used == out2.used &&
		memcmp(out1.data, out2.data, out1.used) == 0);
	buf_free(&out1);
	buf_free(&out2);
	buf_free(&line);
	return 0;
}
