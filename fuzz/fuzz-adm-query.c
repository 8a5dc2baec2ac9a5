/*
 * fuzz-adm-query.c - libFuzzer target for roostadm's doveadm search query
 * parser (bin/roostadm/adm-query.c).
 *
 * Input layout: the command-line words of a query separated by '\n'
 * (a word may be empty, or hold any other byte, NUL included: the word
 * then ends there, as an argv string would).
 *
 * Checks: parsing never crashes and either fails with a non-empty error
 * or yields a tree whose invariants hold (lists and ORs are never empty,
 * storage leaves are plain keys with their strings set, sequence sets
 * have ranges or are "$", date-by-day keys are midnights), nesting stays
 * within ADM_QUERY_MAX_DEPTH, the same input gives the same result when
 * parsed again, and the helpers that walk the tree (safety checks,
 * mailbox patterns, mailbox matching of every MAILBOX pattern against a
 * few names) run on it.  The same bytes also go through the body snippet
 * builder (adm-query-snippet.c) as plain text and as HTML, whole and in
 * two pieces, which must agree and stay within the length limit.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "adm-query.h"
#include "adm-query-snippet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                               \
	do {                                                            \
		if (!(expr))                                            \
			i_panic("fuzz invariant failed: %s", #expr);    \
	} while (0)

#define FUZZ_MAX_WORDS 4096

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

static void check_search(const struct mail_search_arg *s, struct buf *out)
{
	fuzz_assert(s->next == NULL);
	switch (s->type) {
	case SEARCH_SEQSET:
	case SEARCH_UIDSET:
	case SEARCH_SUB:
	case SEARCH_OR:
		i_panic("storage list key in a leaf");
	case SEARCH_KEYWORD:
	case SEARCH_FROM:
	case SEARCH_TO:
	case SEARCH_CC:
	case SEARCH_BCC:
	case SEARCH_SUBJECT:
	case SEARCH_BODY:
	case SEARCH_TEXT:
	case SEARCH_GUID:
		fuzz_assert(s->value.str != NULL);
		out_printf(out, "%s", s->value.str);
		break;
	case SEARCH_HEADER:
		fuzz_assert(s->value.hdr.field != NULL &&
			s->value.hdr.value != NULL);
		out_printf(out, "%s:%s", s->value.hdr.field,
			s->value.hdr.value);
		break;
	case SEARCH_BEFORE:
	case SEARCH_ON:
	case SEARCH_SINCE:
	case SEARCH_SENTBEFORE:
	case SEARCH_SENTON:
	case SEARCH_SENTSINCE:
	case SEARCH_SAVEDBEFORE:
	case SEARCH_SAVEDON:
	case SEARCH_SAVEDSINCE:
		fuzz_assert(s->value.date % 86400 == 0);
		out_printf(out, "%lld", (long long)s->value.date);
		break;
	case SEARCH_OLDER:
	case SEARCH_YOUNGER:
		fuzz_assert(s->value.interval > 0);
		break;
	case SEARCH_FLAGS:
		fuzz_assert(s->value.flags != 0 &&
			(s->value.flags & ~0x3f) == 0);
		break;
	default:
		break;
	}
}

static unsigned int check_tree(const struct adm_query_arg *arg,
	struct buf *out)
{
	unsigned int depth = 0, d;
	const char *names[] = { "INBOX", "inbox/a", "Arch/2020", "", "a%b*" };

	fuzz_assert(arg != NULL);
	for (; arg != NULL; arg = arg->next) {
		d = 0;
		out_printf(out, "%s%d ", arg->negate ? "!" : "",
			(int)arg->type);
		switch (arg->type) {
		case ADM_QUERY_SEARCH:
			check_search(&arg->value.search, out);
			break;
		case ADM_QUERY_SEQSET:
		case ADM_QUERY_UIDSET:
			fuzz_assert(arg->value.seqset.searchres ||
				arg->value.seqset.count > 0);
			for (unsigned int i = 0; i < arg->value.seqset.count;
			     i++) {
				out_printf(out, "%u:%u,",
					arg->value.seqset.ranges[i].seq1,
					arg->value.seqset.ranges[i].seq2);
			}
			break;
		case ADM_QUERY_MAILBOX:
		case ADM_QUERY_MAILBOX_GLOB:
			fuzz_assert(arg->value.str != NULL);
			for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
				out_printf(out, "%d",
					adm_query_mailbox_match(arg->value.str,
					arg->type == ADM_QUERY_MAILBOX_GLOB,
					names[i], '/'));
			}
			break;
		case ADM_QUERY_MAILBOX_GUID:
			fuzz_assert(arg->value.str != NULL);
			break;
		case ADM_QUERY_TIME:
			out_printf(out, "%d%d%lld", (int)arg->value.time.date,
				(int)arg->value.time.cmp,
				(long long)arg->value.time.time);
			break;
		case ADM_QUERY_SUB:
		case ADM_QUERY_OR:
			out_printf(out, "(");
			d = check_tree(arg->value.subargs, out) + 1;
			out_printf(out, ")");
			break;
		}
		depth = I_MAX(depth, d);
	}
	return depth;
}

/* 0 parsed, -1 rejected; out gets the rendering or the error. */
static int parse_once(const char *const *words, unsigned int count,
	struct buf *out)
{
	struct adm_query_arg *args;
	const char *const *patterns;
	struct arena *arena;
	const char *error = NULL;
	int ret;

	arena = arena_create("fuzz adm-query", 1024);
	ret = adm_query_parse(words, count, 1767225600, arena, &args,
		&error);
	if (ret < 0) {
		fuzz_assert(error != NULL && *error != '\0');
		out_printf(out, "E%s", error);
	} else {
		fuzz_assert(check_tree(args, out) <= ADM_QUERY_MAX_DEPTH + 1);
		out_printf(out, "M%dO%d",
			adm_query_has_mailbox_everywhere(args),
			adm_query_has_other_everywhere(args));
		patterns = adm_query_mailbox_patterns(args, arena);
		for (; patterns != NULL && *patterns != NULL; patterns++)
			out_printf(out, "P%s", *patterns);
	}
	arena_destroy(&arena);
	return ret;
}

static void check_snippet(const uint8_t *data, size_t size, bool html)
{
	struct arena *arena = arena_create("fuzz snippet", 1024);
	struct adm_snippet *s1, *s2;
	const char *r1, *r2;
	size_t half = size / 2;

	/* split at a character boundary, as the body decoder does */
	while (half > 0 && half < size && (data[half] & 0xc0) == 0x80)
		half--;
	s1 = adm_snippet_create(arena, html);
	(void)adm_snippet_feed(s1, data, size);
	s2 = adm_snippet_create(arena, html);
	if (adm_snippet_feed(s2, data, half))
		(void)adm_snippet_feed(s2, data + half, size - half);
	r1 = adm_snippet_result(s1);
	r2 = adm_snippet_result(s2);
	fuzz_assert(strcmp(r1, r2) == 0);
	/* 200 characters of at most 4 bytes, and the '>' of a quote */
	fuzz_assert(strlen(r1) <= ADM_SNIPPET_MAX_CHARS * 4 + 1);
	arena_destroy(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char **words;
	char *copy;
	struct buf out1, out2;
	unsigned int count = 0;
	size_t i, start = 0;
	int ret1, ret2;

	if (size > 65536)
		return 0;
	copy = i_malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	words = i_new(const char *, FUZZ_MAX_WORDS);
	for (i = 0; i <= size && count < FUZZ_MAX_WORDS; i++) {
		if (i == size || copy[i] == '\n') {
			copy[i] = '\0';
			words[count++] = copy + start;
			start = i + 1;
		}
	}
	if (size == 0)
		count = 0;
	buf_init(&out1, NULL, 1024, 16 * 1024 * 1024);
	buf_init(&out2, NULL, 1024, 16 * 1024 * 1024);
	ret1 = parse_once(words, count, &out1);
	ret2 = parse_once(words, count, &out2);
	fuzz_assert(ret1 == ret2);
	fuzz_assert(out1.used == out2.used &&
		memcmp(out1.data, out2.data, out1.used) == 0);
	buf_free(&out1);
	buf_free(&out2);
	check_snippet(data, size, false);
	check_snippet(data, size, true);
	i_free(words);
	i_free(copy);
	return 0;
}
