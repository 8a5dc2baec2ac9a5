/*
 * adm-query.c - the parser of doveadm's search query language (see
 * adm-query.h): command-line words to a tree of struct adm_query_arg,
 * with doveadm 2.3's key names, parameter syntax and error texts.
 */
#include "lib.h"
#include "arena.h"
#include "str.h"
#include "imap-search-args.h"
#include "adm-query.h"

#include <ctype.h>

struct query_parser {
	const char *const *args;
	unsigned int count, pos;
	time_t now;
	struct arena *arena;
	const char *error;
};

enum key_kind {
	KEY_ALL,
	KEY_FLAG,
	KEY_NEW,
	KEY_OLD,
	KEY_KEYWORD,
	KEY_DATE,
	KEY_INTERVAL,
	KEY_SIZE,
	KEY_HEADER,
	KEY_STRING,
	KEY_MODSEQ,
	KEY_UID,
	KEY_MAILBOX,
	KEY_MAILBOX_GUID,
};

struct key_def {
	const char *name;
	enum key_kind kind;
	/* the storage key (dates: the by-day one) */
	enum mail_search_key search;
	/* KEY_FLAG: the flag; KEY_DATE: enum adm_query_date */
	unsigned int param;
	/* UNxxx */
	bool negate;
};

#define DATE_KEY(name, key, date) \
	{ name, KEY_DATE, key, date, false }

static const struct key_def key_defs[] = {
	{ "ALL", KEY_ALL, SEARCH_ALL, 0, false },
	{ "SAVEDATESUPPORTED", KEY_ALL, SEARCH_ALL, 0, false },
	{ "ANSWERED", KEY_FLAG, SEARCH_FLAGS, MAIL_ANSWERED, false },
	{ "DELETED", KEY_FLAG, SEARCH_FLAGS, MAIL_DELETED, false },
	{ "DRAFT", KEY_FLAG, SEARCH_FLAGS, MAIL_DRAFT, false },
	{ "FLAGGED", KEY_FLAG, SEARCH_FLAGS, MAIL_FLAGGED, false },
	{ "RECENT", KEY_FLAG, SEARCH_FLAGS, MAIL_RECENT, false },
	{ "SEEN", KEY_FLAG, SEARCH_FLAGS, MAIL_SEEN, false },
	{ "UNANSWERED", KEY_FLAG, SEARCH_FLAGS, MAIL_ANSWERED, true },
	{ "UNDELETED", KEY_FLAG, SEARCH_FLAGS, MAIL_DELETED, true },
	{ "UNDRAFT", KEY_FLAG, SEARCH_FLAGS, MAIL_DRAFT, true },
	{ "UNFLAGGED", KEY_FLAG, SEARCH_FLAGS, MAIL_FLAGGED, true },
	{ "UNSEEN", KEY_FLAG, SEARCH_FLAGS, MAIL_SEEN, true },
	{ "NEW", KEY_NEW, SEARCH_FLAGS, 0, false },
	{ "OLD", KEY_OLD, SEARCH_FLAGS, MAIL_RECENT, true },
	{ "KEYWORD", KEY_KEYWORD, SEARCH_KEYWORD, 0, false },
	{ "UNKEYWORD", KEY_KEYWORD, SEARCH_KEYWORD, 0, true },
	DATE_KEY("BEFORE", SEARCH_BEFORE, ADM_QUERY_DATE_RECEIVED),
	DATE_KEY("ON", SEARCH_ON, ADM_QUERY_DATE_RECEIVED),
	DATE_KEY("SINCE", SEARCH_SINCE, ADM_QUERY_DATE_RECEIVED),
	DATE_KEY("SENTBEFORE", SEARCH_SENTBEFORE, ADM_QUERY_DATE_SENT),
	DATE_KEY("SENTON", SEARCH_SENTON, ADM_QUERY_DATE_SENT),
	DATE_KEY("SENTSINCE", SEARCH_SENTSINCE, ADM_QUERY_DATE_SENT),
	DATE_KEY("SAVEDBEFORE", SEARCH_SAVEDBEFORE, ADM_QUERY_DATE_SAVED),
	DATE_KEY("SAVEDON", SEARCH_SAVEDON, ADM_QUERY_DATE_SAVED),
	DATE_KEY("SAVEDSINCE", SEARCH_SAVEDSINCE, ADM_QUERY_DATE_SAVED),
	DATE_KEY("X-SAVEDBEFORE", SEARCH_SAVEDBEFORE, ADM_QUERY_DATE_SAVED),
	DATE_KEY("X-SAVEDON", SEARCH_SAVEDON, ADM_QUERY_DATE_SAVED),
	DATE_KEY("X-SAVEDSINCE", SEARCH_SAVEDSINCE, ADM_QUERY_DATE_SAVED),
	{ "OLDER", KEY_INTERVAL, SEARCH_OLDER, 0, false },
	{ "YOUNGER", KEY_INTERVAL, SEARCH_YOUNGER, 0, false },
	{ "LARGER", KEY_SIZE, SEARCH_LARGER, 0, false },
	{ "SMALLER", KEY_SIZE, SEARCH_SMALLER, 0, false },
	{ "HEADER", KEY_HEADER, SEARCH_HEADER, 0, false },
	{ "FROM", KEY_STRING, SEARCH_FROM, 0, false },
	{ "TO", KEY_STRING, SEARCH_TO, 0, false },
	{ "CC", KEY_STRING, SEARCH_CC, 0, false },
	{ "BCC", KEY_STRING, SEARCH_BCC, 0, false },
	{ "SUBJECT", KEY_STRING, SEARCH_SUBJECT, 0, false },
	{ "BODY", KEY_STRING, SEARCH_BODY, 0, false },
	{ "TEXT", KEY_STRING, SEARCH_TEXT, 0, false },
	{ "GUID", KEY_STRING, SEARCH_GUID, 0, false },
	{ "X-GUID", KEY_STRING, SEARCH_GUID, 0, false },
	{ "MODSEQ", KEY_MODSEQ, SEARCH_MODSEQ, 0, false },
	{ "UID", KEY_UID, SEARCH_UIDSET, 0, false },
	{ "MAILBOX", KEY_MAILBOX, SEARCH_ALL, 0, false },
	{ "X-MAILBOX", KEY_MAILBOX, SEARCH_ALL, 0, false },
	{ "MAILBOX-GUID", KEY_MAILBOX_GUID, SEARCH_ALL, 0, false },
};

static const struct key_def *key_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(key_defs); i++) {
		if (strcasecmp(key_defs[i].name, name) == 0)
			return &key_defs[i];
	}
	return NULL;
}

/* "YYYY-MM-DD" with mktime()'s normalisation of a month or day out of
   range ("2030-00-01" is 2029-12-01, "2030-02-30" is 2030-03-02). */
static int parse_ymd(const char *s, time_t *time_r)
{
	static const unsigned int digit_pos[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	struct tm tm;
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (unsigned int i = 0; i < N_ELEMENTS(digit_pos); i++) {
		if (!isdigit((unsigned char)s[digit_pos[i]]))
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		(s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	/* timegm() normalises like mktime(), in UTC: the day is compared
	   by calendar day like an IMAP date */
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*time_r = t;
	return 0;
}

struct unit_def {
	const char *name;
	uint32_t mult;
};

/* Splits "123 unit" into the number and the unit; -1 if no digits or
   the number overflows. */
static int parse_number_unit(const char *str, uint64_t *num_r,
	const char **unit_r)
{
	const char *p = str;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	while (*p == ' ')
		p++;
	*num_r = n;
	*unit_r = p;
	return 0;
}

static int parse_with_units(const char *str, const struct unit_def *units,
	unsigned int units_count, uint64_t max, uint64_t *value_r)
{
	const char *unit;
	uint64_t n;

	if (parse_number_unit(str, &n, &unit) < 0)
		return -1;
	for (unsigned int i = 0; i < units_count; i++) {
		if (strcasecmp(unit, units[i].name) != 0)
			continue;
		if (n > max / units[i].mult)
			return -1;
		*value_r = n * units[i].mult;
		return 0;
	}
	return -1;
}

int adm_query_parse_interval(const char *str, uint32_t *secs_r)
{
	static const struct unit_def units[] = {
		{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
		{ "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
		{ "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
		{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
	};
	uint64_t secs;

	if (parse_with_units(str, units, N_ELEMENTS(units), UINT32_MAX,
			     &secs) < 0)
		return -1;
	*secs_r = (uint32_t)secs;
	return 0;
}

int adm_query_parse_size(const char *str, uint64_t *size_r)
{
	/* the multipliers above 4G don't fit a uint32_t: scale twice */
	static const struct unit_def units[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1024 }, { "kb", 1024 },
		{ "m", 1024 * 1024 }, { "mb", 1024 * 1024 },
		{ "g", 1024 * 1024 * 1024 }, { "gb", 1024 * 1024 * 1024 },
	};
	const char *unit;
	uint64_t n;

	if (parse_number_unit(str, &n, &unit) == 0 &&
	    (strcasecmp(unit, "t") == 0 || strcasecmp(unit, "tb") == 0)) {
		if (n > (UINT64_MAX >> 40))
			return -1;
		*size_r = n << 40;
		return 0;
	}
	return parse_with_units(str, units, N_ELEMENTS(units), UINT64_MAX,
		size_r);
}

int adm_query_parse_date(const char *str, time_t now, time_t *time_r,
	bool *by_day_r)
{
	uint64_t stamp;
	uint32_t secs;

	*by_day_r = true;
	if (parse_ymd(str, time_r) == 0 ||
	    imap_search_date_parse(str, time_r) == 0)
		return 0;
	*by_day_r = false;
	if (str_to_uint64(str, &stamp) == 0) {
		/* doveadm takes any time_t; beyond year 9999 nothing can
		   match anyway */
		if (stamp > (uint64_t)INT64_MAX / 2)
			return -1;
		*time_r = (time_t)stamp;
		return 0;
	}
	if (adm_query_parse_interval(str, &secs) == 0) {
		*time_r = now - (time_t)secs;
		return 0;
	}
	return -1;
}

static struct adm_query_arg *arg_new(struct query_parser *p,
	enum adm_query_type type)
{
	struct adm_query_arg *arg = arena_new(p->arena,
		struct adm_query_arg, 1);

	arg->type = type;
	return arg;
}

static struct adm_query_arg *search_new(struct query_parser *p,
	enum mail_search_key key, bool negate)
{
	struct adm_query_arg *arg = arg_new(p, ADM_QUERY_SEARCH);

	arg->value.search.type = key;
	arg->negate = negate;
	return arg;
}

static int parser_error(struct query_parser *p, const char *text)
{
	p->error = arena_strdup(p->arena, text);
	return -1;
}

/* The next word as the parameter of key; -1 if there is none. */
static int read_param(struct query_parser *p, const struct key_def *key,
	const char **value_r)
{
	if (p->pos >= p->count) {
		p->error = arena_printf(p->arena, "Missing parameter for "
			"search key (for search key: %s)", key->name);
		return -1;
	}
	*value_r = p->args[p->pos++];
	return 0;
}

static int parse_seqset(struct query_parser *p, const char *str,
	enum adm_query_type type, struct adm_query_arg **arg_r)
{
	struct adm_query_arg *arg = arg_new(p, type);
	const char *error;

	if (strcmp(str, "$") == 0) {
		/* no saved result exists in doveadm: matches nothing */
		arg->value.seqset.searchres = true;
	} else if (imap_seqset_parse(str, 0, ADM_QUERY_MAX_SEQ_RANGES,
				     p->arena, &arg->value.seqset,
				     &error) < 0) {
		return parser_error(p, type == ADM_QUERY_UIDSET ?
			"Invalid UID messageset" : "Invalid messageset");
	}
	*arg_r = arg;
	return 0;
}

static int parse_date_key(struct query_parser *p, const struct key_def *key,
	const char *value, struct adm_query_arg **arg_r)
{
	struct adm_query_arg *arg;
	time_t t;
	bool by_day;

	if (adm_query_parse_date(value, p->now, &t, &by_day) < 0) {
		p->error = arena_printf(p->arena,
			"Invalid search date parameter: %s", value);
		return -1;
	}
	if (by_day) {
		arg = search_new(p, key->search, false);
		arg->value.search.value.date = t;
	} else {
		arg = arg_new(p, ADM_QUERY_TIME);
		arg->value.time.date = (enum adm_query_date)key->param;
		arg->value.time.time = t;
		switch (key->search) {
		case SEARCH_BEFORE:
		case SEARCH_SENTBEFORE:
		case SEARCH_SAVEDBEFORE:
			arg->value.time.cmp = ADM_QUERY_CMP_BEFORE;
			break;
		case SEARCH_ON:
		case SEARCH_SENTON:
		case SEARCH_SAVEDON:
			arg->value.time.cmp = ADM_QUERY_CMP_ON;
			break;
		default:
			arg->value.time.cmp = ADM_QUERY_CMP_SINCE;
			break;
		}
	}
	*arg_r = arg;
	return 0;
}

/* A key that takes parameters (or none); the key word is consumed. */
static int parse_known_key(struct query_parser *p, const struct key_def *key,
	struct adm_query_arg **arg_r)
{
	struct adm_query_arg *arg, *sub;
	const char *value, *value2;
	uint64_t num;
	uint32_t secs;

	switch (key->kind) {
	case KEY_ALL:
		*arg_r = search_new(p, SEARCH_ALL, false);
		return 0;
	case KEY_FLAG:
	case KEY_OLD:
		arg = search_new(p, SEARCH_FLAGS, key->negate);
		arg->value.search.value.flags = (enum mail_flags)key->param;
		*arg_r = arg;
		return 0;
	case KEY_NEW:
		/* RECENT UNSEEN */
		arg = arg_new(p, ADM_QUERY_SUB);
		sub = search_new(p, SEARCH_FLAGS, false);
		sub->value.search.value.flags = MAIL_RECENT;
		sub->next = search_new(p, SEARCH_FLAGS, true);
		sub->next->value.search.value.flags = MAIL_SEEN;
		arg->value.subargs = sub;
		*arg_r = arg;
		return 0;
	default:
		break;
	}
	if (read_param(p, key, &value) < 0)
		return -1;
	switch (key->kind) {
	case KEY_KEYWORD:
	case KEY_STRING:
		arg = search_new(p, key->search, key->negate);
		arg->value.search.value.str = value;
		break;
	case KEY_DATE:
		return parse_date_key(p, key, value, arg_r);
	case KEY_INTERVAL:
		if (str_to_uint32(value, &secs) < 0 || secs == 0)
			return parser_error(p,
				"Invalid search interval parameter");
		arg = search_new(p, key->search, false);
		arg->value.search.value.interval = secs;
		break;
	case KEY_SIZE:
		if (adm_query_parse_size(value, &num) < 0) {
			p->error = arena_printf(p->arena,
				"Invalid size: %s", value);
			return -1;
		}
		arg = search_new(p, key->search, false);
		arg->value.search.value.size = num;
		break;
	case KEY_HEADER:
		if (read_param(p, key, &value2) < 0)
			return -1;
		arg = search_new(p, SEARCH_HEADER, false);
		arg->value.search.value.hdr.field = value;
		arg->value.search.value.hdr.value = value2;
		break;
	case KEY_MODSEQ:
		if (str_to_uint64(value, &num) < 0)
			return parser_error(p, "Invalid MODSEQ value");
		arg = search_new(p, SEARCH_MODSEQ, false);
		arg->value.search.value.modseq = num;
		break;
	case KEY_UID:
		return parse_seqset(p, value, ADM_QUERY_UIDSET, arg_r);
	case KEY_MAILBOX:
		arg = arg_new(p, strpbrk(value, "*%") != NULL ?
			ADM_QUERY_MAILBOX_GLOB : ADM_QUERY_MAILBOX);
		arg->value.str = value;
		break;
	case KEY_MAILBOX_GUID:
		arg = arg_new(p, ADM_QUERY_MAILBOX_GUID);
		arg->value.str = value;
		break;
	default:
		i_panic("unknown key kind %d", (int)key->kind);
	}
	*arg_r = arg;
	return 0;
}

static int parse_list(struct query_parser *p, unsigned int depth,
	bool paren, struct adm_query_arg **arg_r);

/*
 * One key with its NOTs and ORs.  Returns 1 with *arg_r, 0 at the end of
 * the words or at ")" (not consumed), -1 on error.  *or_r is set when an
 * OR came before the key (the list becomes a disjunction).
 */
static int parse_key(struct query_parser *p, unsigned int depth,
	struct adm_query_arg **arg_r, bool *or_r)
{
	const struct key_def *key;
	const char *word;
	int ret;

	if (depth > ADM_QUERY_MAX_DEPTH)
		return parser_error(p, "Too deep search nesting");
	if (p->pos >= p->count || strcmp(p->args[p->pos], ")") == 0)
		return 0;
	word = p->args[p->pos++];
	if (strcmp(word, "(") == 0) {
		if (parse_list(p, depth + 1, true, arg_r) < 0)
			return -1;
		return 1;
	}
	/* FUZZY only loosens matching where an FTS plugin supports it:
	   here it is the next key unchanged */
	if (strcasecmp(word, "NOT") == 0 || strcasecmp(word, "OR") == 0 ||
	    strcasecmp(word, "FUZZY") == 0) {
		if (strcasecmp(word, "OR") == 0)
			*or_r = true;
		ret = parse_key(p, depth + 1, arg_r, or_r);
		if (ret == 0)
			return parser_error(p, "Missing argument");
		if (ret > 0 && strcasecmp(word, "NOT") == 0)
			(*arg_r)->negate = !(*arg_r)->negate;
		return ret;
	}
	key = key_find(word);
	if (key != NULL)
		ret = parse_known_key(p, key, arg_r);
	else if (isdigit((unsigned char)word[0]) || word[0] == '*' ||
		 word[0] == '$')
		ret = parse_seqset(p, word, ADM_QUERY_SEQSET, arg_r);
	else {
		p->error = arena_printf(p->arena, "Unknown argument %s",
			str_ucase(arena_strdup(p->arena, word)));
		ret = -1;
	}
	return ret < 0 ? -1 : 1;
}

/*
 * Keys up to the end of the words, or (paren) up to and including ")".
 * *arg_r is a SUB or OR node holding them.
 */
static int parse_list(struct query_parser *p, unsigned int depth,
	bool paren, struct adm_query_arg **arg_r)
{
	struct adm_query_arg *list, *arg, **tail;
	bool is_or = false, or_seen;
	int ret;

	list = arg_new(p, ADM_QUERY_SUB);
	tail = &list->value.subargs;
	for (;;) {
		or_seen = false;
		ret = parse_key(p, depth, &arg, &or_seen);
		if (ret < 0)
			return -1;
		if (ret == 0)
			break;
		if (or_seen)
			is_or = true;
		else if (is_or) {
			return parser_error(p, "Use parenthesis when mixing "
				"ANDs and ORs");
		}
		*tail = arg;
		tail = &arg->next;
	}
	if (p->pos < p->count) {
		/* at ")" */
		if (!paren)
			return parser_error(p, "Unexpected ')'");
		p->pos++;
	} else if (paren) {
		return parser_error(p, "Missing ')'");
	}
	if (list->value.subargs == NULL) {
		return parser_error(p, paren ?
			"No search parameters inside list" :
			"Missing search parameters");
	}
	if (is_or)
		list->type = ADM_QUERY_OR;
	*arg_r = list;
	return 0;
}

int adm_query_parse(const char *const *args, unsigned int count,
	time_t now, struct arena *arena, struct adm_query_arg **args_r,
	const char **error_r)
{
	struct query_parser p;
	struct adm_query_arg *list;

	memset(&p, 0, sizeof(p));
	p.args = args;
	p.count = count;
	p.now = now;
	p.arena = arena;
	if (parse_list(&p, 0, false, &list) < 0) {
		*error_r = p.error;
		return -1;
	}
	/* the top level is a list of its own: a disjunction stays one
	   node, a conjunction is its keys */
	*args_r = list->type == ADM_QUERY_OR ? list : list->value.subargs;
	return 0;
}

/* '*' matches anything, '%' anything but sep.  Dynamic programming over
   (pattern position, name position), so that no pattern takes more than
   quadratic time. */
static bool glob_match(const char *pattern, const char *name, char sep)
{
	size_t plen = strlen(pattern), nlen = strlen(name), i, j, w;
	bool *row, *next, *tmp, ret;

	/* row[j]: pattern[i..] matches name[j..]; filled from the end */
	w = nlen + 1;
	row = i_new(bool, w);
	next = i_new(bool, w);
	row[nlen] = true;
	for (i = plen; i-- > 0;) {
		tmp = next;
		next = row;
		row = tmp;
		/* next: pattern[i+1..]; row: pattern[i..] */
		for (j = w; j-- > 0;) {
			char c = pattern[i];

			if (c == '*' || c == '%') {
				row[j] = next[j] || (j < nlen &&
					(c == '*' || name[j] != sep) &&
					row[j + 1]);
			} else {
				row[j] = j < nlen && name[j] == c &&
					next[j + 1];
			}
		}
	}
	ret = row[0];
	i_free(row);
	i_free(next);
	return ret;
}

bool adm_query_mailbox_match(const char *pattern, bool glob,
	const char *vname, char sep)
{
	/* "inbox" and "inbox/x" name INBOX: compare that part
	   case-insensitively */
	if (strncasecmp(pattern, "INBOX", 5) == 0 &&
	    strncasecmp(vname, "INBOX", 5) == 0 &&
	    (pattern[5] == '\0' || pattern[5] == sep ||
	     (glob && (pattern[5] == '*' || pattern[5] == '%'))) &&
	    (vname[5] == '\0' || vname[5] == sep)) {
		pattern += 5;
		vname += 5;
	}
	if (!glob)
		return strcmp(pattern, vname) == 0;
	return glob_match(pattern, vname, sep);
}

static bool is_mailbox_key(const struct adm_query_arg *arg)
{
	return arg->type == ADM_QUERY_MAILBOX ||
		arg->type == ADM_QUERY_MAILBOX_GLOB ||
		arg->type == ADM_QUERY_MAILBOX_GUID;
}

static bool branches_have_other(const struct adm_query_arg *args);

/* The branches of an OR: each one, as a list of its own, passes check. */
static bool or_branches_ok(const struct adm_query_arg *subargs,
	bool (*check)(const struct adm_query_arg *args))
{
	for (const struct adm_query_arg *sub = subargs; sub != NULL;
	     sub = sub->next) {
		struct adm_query_arg copy = *sub;

		copy.next = NULL;
		if (!check(&copy))
			return false;
	}
	return true;
}

/*
 * doveadm's walk, in argument order: a MAILBOX key (or a list with one)
 * makes the conjunction pass at once; an OR must have a mailbox in every
 * branch or the whole check fails there; a conjunction with only such
 * ORs passes.  So "mailbox A ( seen or deleted )" passes and
 * "( seen or deleted ) mailbox A" doesn't, exactly as in doveadm.
 */
static bool branches_have_mailbox(const struct adm_query_arg *args)
{
	bool have_or = false;

	for (const struct adm_query_arg *arg = args; arg != NULL;
	     arg = arg->next) {
		switch (arg->type) {
		case ADM_QUERY_OR:
			if (!or_branches_ok(arg->value.subargs,
					    branches_have_mailbox))
				return false;
			have_or = true;
			break;
		case ADM_QUERY_SUB:
			if (branches_have_mailbox(arg->value.subargs))
				return true;
			break;
		default:
			if (is_mailbox_key(arg) && !arg->negate)
				return true;
			break;
		}
	}
	return have_or;
}

/* Every branch has a key other than MAILBOX / MAILBOX-GUID. */
static bool branches_have_other(const struct adm_query_arg *args)
{
	for (const struct adm_query_arg *arg = args; arg != NULL;
	     arg = arg->next) {
		switch (arg->type) {
		case ADM_QUERY_SUB:
			if (branches_have_other(arg->value.subargs))
				return true;
			break;
		case ADM_QUERY_OR:
			if (or_branches_ok(arg->value.subargs,
					   branches_have_other))
				return true;
			break;
		default:
			if (!is_mailbox_key(arg))
				return true;
			break;
		}
	}
	return false;
}

bool adm_query_has_mailbox_everywhere(const struct adm_query_arg *args)
{
	return branches_have_mailbox(args);
}

bool adm_query_has_other_everywhere(const struct adm_query_arg *args)
{
	return branches_have_other(args);
}

const char *const *adm_query_mailbox_patterns(
	const struct adm_query_arg *args, struct arena *arena)
{
	const struct adm_query_arg *arg;
	const char **patterns;
	unsigned int n = 0;

	for (arg = args; arg != NULL; arg = arg->next) {
		if ((arg->type == ADM_QUERY_MAILBOX ||
		     arg->type == ADM_QUERY_MAILBOX_GLOB) && !arg->negate)
			n++;
	}
	if (n == 0)
		return NULL;
	patterns = arena_new(arena, const char *, n + 1);
	n = 0;
	for (arg = args; arg != NULL; arg = arg->next) {
		if ((arg->type == ADM_QUERY_MAILBOX ||
		     arg->type == ADM_QUERY_MAILBOX_GLOB) && !arg->negate)
			patterns[n++] = arg->value.str;
	}
	return patterns;
}
