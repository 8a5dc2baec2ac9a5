/*
 * imap-search-args.c - SEARCH keys, RETURN options, CHARSET, SORT
 * programs and THREAD algorithms from parsed IMAP arguments.
 *
 * The key parser is a recursive descent over the imap_arg arrays: a list
 * recurses into its own array, NOT and OR take the next key(s).  Chains
 * of NOT are folded without recursion (Dovecot accepts thousands of
 * them); lists and OR operands nest at most IMAP_SEARCH_MAX_DEPTH deep.
 */
#include "lib.h"
#include "imap-search-args.h"
#include "arena.h"
#include "imap-arg.h"
#include "str.h"

enum key_kind {
	KEY_ALL,
	KEY_FLAG,
	KEY_NEW,
	KEY_OLD,
	KEY_STR,
	KEY_KEYWORD,
	KEY_DATE,
	KEY_SIZE,
	KEY_INTERVAL,
	KEY_HEADER,
	KEY_UID,
	KEY_MODSEQ,
	KEY_NOT,
	KEY_OR,
};

struct key_def {
	const char *name;
	enum key_kind kind;
	enum imap_search_key type;
	enum imap_search_flags flags;
	bool negate;
};

static const struct key_def key_defs[] = {
	{ "ALL", KEY_ALL, IMAP_SEARCH_ALL, 0, false },
	{ "SAVEDATESUPPORTED", KEY_ALL, IMAP_SEARCH_ALL, 0, false },
	{ "ANSWERED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_ANSWERED, false },
	{ "DELETED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_DELETED, false },
	{ "DRAFT", KEY_FLAG, IMAP_SEARCH_FLAGS, IMAP_SEARCH_FLAG_DRAFT, false },
	{ "FLAGGED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_FLAGGED, false },
	{ "RECENT", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_RECENT, false },
	{ "SEEN", KEY_FLAG, IMAP_SEARCH_FLAGS, IMAP_SEARCH_FLAG_SEEN, false },
	{ "UNANSWERED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_ANSWERED, true },
	{ "UNDELETED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_DELETED, true },
	{ "UNDRAFT", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_DRAFT, true },
	{ "UNFLAGGED", KEY_FLAG, IMAP_SEARCH_FLAGS,
	  IMAP_SEARCH_FLAG_FLAGGED, true },
	{ "UNSEEN", KEY_FLAG, IMAP_SEARCH_FLAGS, IMAP_SEARCH_FLAG_SEEN, true },
	{ "NEW", KEY_NEW, IMAP_SEARCH_SUB, 0, false },
	{ "OLD", KEY_OLD, IMAP_SEARCH_FLAGS, IMAP_SEARCH_FLAG_RECENT, true },
	{ "KEYWORD", KEY_KEYWORD, IMAP_SEARCH_KEYWORD, 0, false },
	{ "UNKEYWORD", KEY_KEYWORD, IMAP_SEARCH_KEYWORD, 0, true },
	{ "BCC", KEY_STR, IMAP_SEARCH_BCC, 0, false },
	{ "BODY", KEY_STR, IMAP_SEARCH_BODY, 0, false },
	{ "CC", KEY_STR, IMAP_SEARCH_CC, 0, false },
	{ "FROM", KEY_STR, IMAP_SEARCH_FROM, 0, false },
	{ "SUBJECT", KEY_STR, IMAP_SEARCH_SUBJECT, 0, false },
	{ "TEXT", KEY_STR, IMAP_SEARCH_TEXT, 0, false },
	{ "TO", KEY_STR, IMAP_SEARCH_TO, 0, false },
	{ "BEFORE", KEY_DATE, IMAP_SEARCH_BEFORE, 0, false },
	{ "ON", KEY_DATE, IMAP_SEARCH_ON, 0, false },
	{ "SINCE", KEY_DATE, IMAP_SEARCH_SINCE, 0, false },
	{ "SENTBEFORE", KEY_DATE, IMAP_SEARCH_SENTBEFORE, 0, false },
	{ "SENTON", KEY_DATE, IMAP_SEARCH_SENTON, 0, false },
	{ "SENTSINCE", KEY_DATE, IMAP_SEARCH_SENTSINCE, 0, false },
	{ "SAVEDBEFORE", KEY_DATE, IMAP_SEARCH_SAVEDBEFORE, 0, false },
	{ "SAVEDON", KEY_DATE, IMAP_SEARCH_SAVEDON, 0, false },
	{ "SAVEDSINCE", KEY_DATE, IMAP_SEARCH_SAVEDSINCE, 0, false },
	{ "LARGER", KEY_SIZE, IMAP_SEARCH_LARGER, 0, false },
	{ "SMALLER", KEY_SIZE, IMAP_SEARCH_SMALLER, 0, false },
	{ "OLDER", KEY_INTERVAL, IMAP_SEARCH_OLDER, 0, false },
	{ "YOUNGER", KEY_INTERVAL, IMAP_SEARCH_YOUNGER, 0, false },
	{ "HEADER", KEY_HEADER, IMAP_SEARCH_HEADER, 0, false },
	{ "UID", KEY_UID, IMAP_SEARCH_UIDSET, 0, false },
	{ "MODSEQ", KEY_MODSEQ, IMAP_SEARCH_MODSEQ, 0, false },
	{ "NOT", KEY_NOT, IMAP_SEARCH_ALL, 0, false },
	{ "OR", KEY_OR, IMAP_SEARCH_OR, 0, false },
};

struct search_parser {
	struct arena *arena;
	const char *error;
	unsigned int depth;
	bool uses_searchres;
	bool uses_modseq;
};

static int parse_key(struct search_parser *p, const struct imap_arg **args,
	struct imap_search_arg **arg_r);

static const struct key_def *key_def_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(key_defs); i++) {
		if (strcasecmp(key_defs[i].name, name) == 0)
			return &key_defs[i];
	}
	return NULL;
}

static struct imap_search_arg *arg_new(struct search_parser *p,
	enum imap_search_key type)
{
	struct imap_search_arg *arg = arena_new(p->arena,
		struct imap_search_arg, 1);

	arg->type = type;
	return arg;
}

/* A key's parameter (Dovecot's "parse_string"): any astring, NIL being
   the string "NIL". */
static int get_param(struct search_parser *p, const struct imap_arg **args,
	const char *key, const char **value_r)
{
	const struct imap_arg *arg = *args;

	if (IMAP_ARG_IS_EOL(arg)) {
		p->error = arena_printf(p->arena, "Missing parameter for "
			"search key (for search key: %s)", key);
		return -1;
	}
	if (IMAP_ARG_IS_LIST(arg) || !imap_arg_get_astring(arg, value_r)) {
		p->error = arena_printf(p->arena,
			"Unexpected ( (for search key: %s)", key);
		return -1;
	}
	*args = arg + 1;
	return 0;
}

/*
 * Dovecot's sequence sets accept leading zeros ("01") and one trailing
 * comma ("1,"); the strict parser does not, so those are normalised
 * away first.  A number made only of zeros keeps one, staying invalid.
 */
static const char *seqset_normalise(struct arena *arena, const char *str)
{
	size_t len = strlen(str), i, j = 0;
	char *out = arena_alloc(arena, len + 1);

	if (len > 1 && str[len - 1] == ',' && str[len - 2] != ',')
		len--;
	for (i = 0; i < len; i++) {
		bool number_start = i == 0 || str[i - 1] < '0' ||
			str[i - 1] > '9';

		if (number_start && str[i] == '0') {
			while (i + 1 < len && str[i + 1] == '0')
				i++;
			if (i + 1 < len && str[i + 1] >= '1' &&
			    str[i + 1] <= '9')
				continue;
		}
		out[j++] = str[i];
	}
	out[j] = '\0';
	return out;
}

static int parse_seqset(struct search_parser *p, const char *str,
	struct imap_seqset *set_r)
{
	const char *error;

	if (imap_seqset_parse(seqset_normalise(p->arena, str),
			      IMAP_SEQSET_FLAG_ALLOW_SEARCHRES, UINT_MAX,
			      p->arena, set_r, &error) < 0)
		return -1;
	if (set_r->searchres)
		p->uses_searchres = true;
	return 0;
}

static bool flag_name_is_system(const char *name)
{
	static const char *const names[] = {
		"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft",
	};
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(names); i++) {
		if (strcasecmp(names[i], name) == 0)
			return true;
	}
	return false;
}

/* RFC 7162 §3.1.5: MODSEQ [<entry-name> <entry-type-req>] <modseq>.
   As Dovecot, only a parameter beginning with "/flags/" is an entry
   name; anything else must be the number. */
static int parse_modseq(struct search_parser *p, const struct imap_arg **args,
	const char *key, struct imap_search_arg *arg)
{
	const char *value, *flag;

	if (get_param(p, args, key, &value) < 0)
		return -1;
	if (str_begins_icase(value, "/flags/")) {
		flag = value + 7;
		if (*flag == '\\' && !flag_name_is_system(flag)) {
			p->error = "Invalid MODSEQ system flag";
			return -1;
		}
		arg->value.modseq.entry_name = value;
		if (get_param(p, args, key, &value) < 0)
			return -1;
		if (strcasecmp(value, "priv") == 0) {
			arg->value.modseq.entry_type =
				IMAP_SEARCH_MODSEQ_TYPE_PRIVATE;
		} else if (strcasecmp(value, "shared") == 0) {
			arg->value.modseq.entry_type =
				IMAP_SEARCH_MODSEQ_TYPE_SHARED;
		} else if (strcasecmp(value, "all") == 0) {
			arg->value.modseq.entry_type =
				IMAP_SEARCH_MODSEQ_TYPE_ALL;
		} else {
			p->error = "Invalid MODSEQ type";
			return -1;
		}
		if (get_param(p, args, key, &value) < 0)
			return -1;
	}
	if (str_to_uint64(value, &arg->value.modseq.modseq) < 0) {
		p->error = "Invalid MODSEQ value";
		return -1;
	}
	p->uses_modseq = true;
	return 0;
}

/* The parameters of a known key (after its name). */
static int parse_key_params(struct search_parser *p,
	const struct imap_arg **args, const struct key_def *def,
	const char *key, struct imap_search_arg **arg_r)
{
	struct imap_search_arg *arg, *sub;
	const char *value;
	int ret;

	arg = arg_new(p, def->type);
	arg->negate = def->negate;
	switch (def->kind) {
	case KEY_ALL:
		break;
	case KEY_FLAG:
	case KEY_OLD:
		arg->value.flags = def->flags;
		break;
	case KEY_NEW:
		/* RFC 3501: NEW is (RECENT UNSEEN) */
		sub = arg_new(p, IMAP_SEARCH_FLAGS);
		sub->value.flags = IMAP_SEARCH_FLAG_RECENT;
		sub->next = arg_new(p, IMAP_SEARCH_FLAGS);
		sub->next->value.flags = IMAP_SEARCH_FLAG_SEEN;
		sub->next->negate = true;
		arg->value.subargs = sub;
		break;
	case KEY_STR:
	case KEY_KEYWORD:
		if (get_param(p, args, key, &arg->value.str) < 0)
			return -1;
		break;
	case KEY_DATE:
		if (get_param(p, args, key, &value) < 0)
			return -1;
		if (imap_search_date_parse(value, &arg->value.date) < 0) {
			p->error = "Invalid search date parameter";
			return -1;
		}
		break;
	case KEY_SIZE:
		if (get_param(p, args, key, &value) < 0)
			return -1;
		if (str_to_uint64(value, &arg->value.size) < 0) {
			p->error = "Invalid search size parameter";
			return -1;
		}
		break;
	case KEY_INTERVAL:
		if (get_param(p, args, key, &value) < 0)
			return -1;
		if (str_to_uint32(value, &arg->value.interval) < 0 ||
		    arg->value.interval == 0) {
			p->error = "Invalid search interval parameter";
			return -1;
		}
		break;
	case KEY_HEADER:
		if (get_param(p, args, key, &arg->value.hdr.field) < 0 ||
		    get_param(p, args, key, &arg->value.hdr.value) < 0)
			return -1;
		break;
	case KEY_UID:
		if (get_param(p, args, key, &value) < 0)
			return -1;
		if (parse_seqset(p, value, &arg->value.seqset) < 0) {
			p->error = "Invalid UID messageset";
			return -1;
		}
		break;
	case KEY_MODSEQ:
		if (parse_modseq(p, args, key, arg) < 0)
			return -1;
		break;
	case KEY_OR:
		if (++p->depth > IMAP_SEARCH_MAX_DEPTH) {
			p->error = "Too deeply nested search parameters";
			return -1;
		}
		ret = parse_key(p, args, &sub);
		if (ret > 0) {
			arg->value.subargs = sub;
			ret = parse_key(p, args, &sub->next);
		}
		p->depth--;
		if (ret <= 0) {
			if (ret == 0)
				p->error = "Missing argument";
			return -1;
		}
		break;
	case KEY_NOT:
		i_panic("NOT is folded by parse_key()");
	}
	*arg_r = arg;
	return 0;
}

/* The keys of a list up to its EOL into a chain.  0 or -1. */
static int parse_list(struct search_parser *p, const struct imap_arg *args,
	struct imap_search_arg **first_r)
{
	struct imap_search_arg **tail = first_r;
	int ret;

	*first_r = NULL;
	while ((ret = parse_key(p, &args, tail)) > 0)
		tail = &(*tail)->next;
	return ret;
}

/*
 * Reads one key (with NOT prefixes folded in) from *args.  Returns 1 with
 * *arg_r, 0 at the EOL (no key there), -1 on error.
 */
static int parse_key(struct search_parser *p, const struct imap_arg **args,
	struct imap_search_arg **arg_r)
{
	const struct imap_arg *arg, *list;
	const struct key_def *def;
	struct imap_search_arg *sarg;
	bool negate = false, saw_not = false;
	const char *key;

	for (;;) {
		arg = *args;
		if (IMAP_ARG_IS_EOL(arg)) {
			if (saw_not) {
				p->error = "Missing argument";
				return -1;
			}
			return 0;
		}
		*args = arg + 1;
		if (imap_arg_get_list(arg, &list)) {
			if (++p->depth > IMAP_SEARCH_MAX_DEPTH) {
				p->error = "Too deeply nested search parameters";
				return -1;
			}
			sarg = arg_new(p, IMAP_SEARCH_SUB);
			if (parse_list(p, list, &sarg->value.subargs) < 0)
				return -1;
			p->depth--;
			if (sarg->value.subargs == NULL) {
				p->error = "No search parameters inside list";
				return -1;
			}
			break;
		}
		if (!imap_arg_get_atom(arg, &key)) {
			if (!imap_arg_get_string(arg, &key))
				key = "";
			p->error = arena_printf(p->arena,
				"Unexpected string as search key: %s", key);
			return -1;
		}
		key = t_str_ucase(key);
		def = key_def_find(key);
		if (def != NULL && def->kind == KEY_NOT) {
			negate = !negate;
			saw_not = true;
			continue;
		}
		if (def != NULL) {
			if (parse_key_params(p, args, def, key, &sarg) < 0)
				return -1;
		} else if (*key == '*' || (*key >= '0' && *key <= '9') ||
			   strcmp(key, "$") == 0) {
			sarg = arg_new(p, IMAP_SEARCH_SEQSET);
			if (parse_seqset(p, key, &sarg->value.seqset) < 0) {
				p->error = "Invalid messageset";
				return -1;
			}
		} else {
			p->error = arena_printf(p->arena,
				"Unknown argument %s", key);
			return -1;
		}
		break;
	}
	if (negate)
		sarg->negate = !sarg->negate;
	*arg_r = sarg;
	return 1;
}

int imap_search_args_parse(const struct imap_arg *args, struct arena *arena,
	struct imap_search_arg **args_r, bool *uses_searchres_r,
	bool *uses_modseq_r, const char **error_r)
{
	struct search_parser p;
	struct imap_search_arg *first;
	int ret;

	if (IMAP_ARG_IS_EOL(args)) {
		*error_r = "Missing search parameters";
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.arena = arena;
	SCRATCH_BEGIN {
		ret = parse_list(&p, args, &first);
	} SCRATCH_END;
	if (ret < 0) {
		*error_r = p.error;
		return -1;
	}
	*args_r = first;
	if (uses_searchres_r != NULL)
		*uses_searchres_r = p.uses_searchres;
	if (uses_modseq_r != NULL)
		*uses_modseq_r = p.uses_modseq;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, any
   day: days past the month's end run on into the next months). */
static int64_t days_from_civil(int64_t y, unsigned int m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int imap_search_date_parse(const char *str, time_t *date_r)
{
	static const char months[12][4] = {
		"jan", "feb", "mar", "apr", "may", "jun",
		"jul", "aug", "sep", "oct", "nov", "dec",
	};
	unsigned int day, month, year, i;

	if (*str == ' ')
		str++;
	if (*str < '0' || *str > '9')
		return -1;
	day = (unsigned int)(*str++ - '0');
	if (*str >= '0' && *str <= '9')
		day = day * 10 + (unsigned int)(*str++ - '0');
	if (*str++ != '-')
		return -1;
	for (month = 0; month < 12; month++) {
		if (strncasecmp(str, months[month], 3) == 0)
			break;
	}
	if (month == 12)
		return -1;
	str += 3;
	if (*str++ != '-')
		return -1;
	year = 0;
	for (i = 0; i < 4; i++) {
		if (str[i] < '0' || str[i] > '9')
			return -1;
		year = year * 10 + (unsigned int)(str[i] - '0');
	}
	if (str[4] != '\0')
		return -1;
	*date_r = (time_t)(days_from_civil(year, month + 1, day) * 86400);
	return 0;
}

/*
 * ---------------------------------------------------------------------
 * RETURN, CHARSET, sort programs, thread algorithms
 * ---------------------------------------------------------------------
 */

static int parse_partial(const struct imap_arg *arg,
	struct imap_search_return *ret, const char **error_r)
{
	const char *str, *p;
	uint64_t n1, n2;

	if ((ret->flags & IMAP_SEARCH_RETURN_PARTIAL) != 0) {
		*error_r = "PARTIAL can be used only once";
		return -1;
	}
	if (!imap_arg_get_atom(arg, &str)) {
		*error_r = "PARTIAL range missing";
		return -1;
	}
	/* RFC 5267: partial-range = number ":" number */
	if (str_parse_uint64(str, &n1, &p) < 0 || *p != ':' ||
	    str_parse_uint64(p + 1, &n2, &p) < 0 || *p != '\0' ||
	    n1 == 0 || n2 == 0 || n1 > UINT32_MAX || n2 > UINT32_MAX) {
		*error_r = "PARTIAL range broken";
		return -1;
	}
	ret->flags |= IMAP_SEARCH_RETURN_PARTIAL;
	ret->partial_low = (uint32_t)(n1 < n2 ? n1 : n2);
	ret->partial_high = (uint32_t)(n1 < n2 ? n2 : n1);
	return 0;
}

int imap_search_return_parse(const struct imap_arg **args,
	struct imap_search_return *ret_r, const char **error_r)
{
	static const struct {
		const char *name;
		enum imap_search_return_flags flag;
	} options[] = {
		{ "MIN", IMAP_SEARCH_RETURN_MIN },
		{ "MAX", IMAP_SEARCH_RETURN_MAX },
		{ "ALL", IMAP_SEARCH_RETURN_ALL },
		{ "COUNT", IMAP_SEARCH_RETURN_COUNT },
		{ "SAVE", IMAP_SEARCH_RETURN_SAVE },
		{ "UPDATE", IMAP_SEARCH_RETURN_UPDATE },
		{ "CONTEXT", IMAP_SEARCH_RETURN_CONTEXT },
	};
	const struct imap_arg *list;
	const char *name;
	unsigned int i;

	memset(ret_r, 0, sizeof(*ret_r));
	if (!imap_arg_atom_equals(*args, "RETURN") ||
	    !imap_arg_get_list(*args + 1, &list))
		return 0;
	ret_r->esearch = true;
	for (; !IMAP_ARG_IS_EOL(list); list++) {
		if (!imap_arg_get_atom(list, &name)) {
			*error_r = "SEARCH return options contain non-atoms";
			return -1;
		}
		if (strcasecmp(name, "PARTIAL") == 0) {
			if (parse_partial(list + 1, ret_r, error_r) < 0)
				return -1;
			list++;
			continue;
		}
		for (i = 0; i < N_ELEMENTS(options); i++) {
			if (strcasecmp(options[i].name, name) == 0)
				break;
		}
		if (i == N_ELEMENTS(options)) {
			*error_r = "Unknown SEARCH return option";
			return -1;
		}
		ret_r->flags |= options[i].flag;
	}
	if ((ret_r->flags & IMAP_SEARCH_RETURN_PARTIAL) != 0 &&
	    (ret_r->flags & IMAP_SEARCH_RETURN_ALL) != 0) {
		*error_r = "PARTIAL conflicts with ALL";
		return -1;
	}
	/* RFC 4731 §3.1: RETURN () is RETURN (ALL) */
	if ((ret_r->flags & ~IMAP_SEARCH_RETURN_CONTEXT) == 0)
		ret_r->flags |= IMAP_SEARCH_RETURN_ALL;
	*args += 2;
	return 0;
}

bool imap_search_return_wants_esearch(const struct imap_search_return *ret)
{
	return ret->esearch &&
		(ret->flags & ~(IMAP_SEARCH_RETURN_SAVE |
				IMAP_SEARCH_RETURN_CONTEXT)) != 0;
}

int imap_search_charset_parse(const struct imap_arg **args,
	const char **charset_r, const char **error_r)
{
	*charset_r = NULL;
	if (!imap_arg_atom_equals(*args, "CHARSET"))
		return 0;
	if (IMAP_ARG_IS_LIST(*args + 1) ||
	    !imap_arg_get_astring(*args + 1, charset_r)) {
		*error_r = "Invalid charset argument";
		return -1;
	}
	*args += 2;
	return 0;
}

int imap_sort_program_parse(const struct imap_arg *arg, struct arena *arena,
	struct imap_sort_key **keys_r, unsigned int *count_r,
	const char **error_r)
{
	static const struct {
		const char *name;
		enum imap_sort_type type;
	} names[] = {
		{ "ARRIVAL", IMAP_SORT_ARRIVAL },
		{ "CC", IMAP_SORT_CC },
		{ "DATE", IMAP_SORT_DATE },
		{ "FROM", IMAP_SORT_FROM },
		{ "SIZE", IMAP_SORT_SIZE },
		{ "SUBJECT", IMAP_SORT_SUBJECT },
		{ "TO", IMAP_SORT_TO },
		{ "DISPLAYFROM", IMAP_SORT_DISPLAYFROM },
		{ "DISPLAYTO", IMAP_SORT_DISPLAYTO },
	};
	const struct imap_arg *list;
	struct imap_sort_key *keys;
	unsigned int count, n = 0, i;
	bool reverse = false;
	const char *name;

	if (!imap_arg_get_list_full(arg, &list, &count)) {
		*error_r = "Invalid sort argument";
		return -1;
	}
	if (count == 0) {
		*error_r = "Empty sort program";
		return -1;
	}
	keys = arena_new(arena, struct imap_sort_key, count);
	for (; !IMAP_ARG_IS_EOL(list); list++) {
		if (IMAP_ARG_IS_LIST(list) ||
		    !imap_arg_get_astring(list, &name)) {
			*error_r = "Invalid sort list argument";
			return -1;
		}
		if (strcasecmp(name, "REVERSE") == 0) {
			reverse = !reverse;
			continue;
		}
		for (i = 0; i < N_ELEMENTS(names); i++) {
			if (strcasecmp(names[i].name, name) == 0)
				break;
		}
		if (i == N_ELEMENTS(names)) {
			*error_r = arena_printf(arena,
				"Unknown sort argument: %s", name);
			return -1;
		}
		if (n == IMAP_SORT_MAX_KEYS) {
			*error_r = "Too many sort arguments";
			return -1;
		}
		keys[n].type = names[i].type;
		keys[n].reverse = reverse;
		reverse = false;
		n++;
	}
	if (reverse) {
		*error_r = "Sort list ends with REVERSE";
		return -1;
	}
	*keys_r = keys;
	*count_r = n;
	return 0;
}

int imap_thread_type_parse(const char *name, enum imap_thread_type *type_r)
{
	if (strcasecmp(name, "ORDEREDSUBJECT") == 0)
		*type_r = IMAP_THREAD_ORDEREDSUBJECT;
	else if (strcasecmp(name, "REFERENCES") == 0)
		*type_r = IMAP_THREAD_REFERENCES;
	else if (strcasecmp(name, "REFS") == 0)
		*type_r = IMAP_THREAD_REFS;
	else
		return -1;
	return 0;
}
