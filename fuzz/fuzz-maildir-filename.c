/*
 * fuzz-maildir-filename.c - libFuzzer target for Maildir file names,
 * dovecot-keywords and the subscriptions file (src/storage/maildir/).
 * The first byte selects the parser.  For names: a valid name keeps its
 * base through a flag change, the new flags read back as set, and unknown
 * letters survive; names that don't parse are never passed on.
 */
#include "lib.h"
#include "buf.h"
#include "maildir-filename.h"
#include "maildir-keywords.h"
#include "maildir-list.h"
#include "maildir-subscriptions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The letters of the first flag set that aren't D F R S T or a-z. */
static const char *unknown_letters(const struct maildir_filename *fn)
{
	const char *p = fn->info.ptr + 2, *end = fn->extra_flagsets.ptr;
	char *out = t_malloc(fn->info.len + 1), *o = out;

	if (fn->info.len < 2 || fn->info.ptr[0] != '2')
		return "";
	for (; p < end; p++) {
		if (strchr("DFRST", *p) == NULL && !(*p >= 'a' && *p <= 'z'))
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void fuzz_name(const char *name)
{
	struct maildir_filename fn, fn2;
	const char *error, *renamed, *out;
	uint64_t sz;

	(void)maildir_filename_get_size(name, 'S', &sz);
	(void)maildir_filename_sort_cmp(name, "1.M1P1.h");
	(void)maildir_mutf7_to_utf8(scratch_arena(), name, &out);
	(void)maildir_utf8_to_mutf7(scratch_arena(), name, &out);
	if (maildir_filename_parse(name, &fn, &error) < 0)
		return;
	renamed = maildir_filename_set_flags(scratch_arena(), name,
		MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT,
		MAILDIR_KEYWORD_BIT(2));
	if (maildir_filename_base_cmp(renamed, name) != 0 &&
	    strchr(name, ':') == strrchr(name, ':'))
		i_panic("base changed: %s -> %s", name, renamed);
	if (strlen(renamed) <= MAILDIR_FILENAME_MAX_LEN &&
	    maildir_filename_parse(renamed, &fn2, &error) == 0) {
		if ((fn2.flags & MAILDIR_FLAGS_IMAP_MASK) !=
		    (MAILDIR_FLAG_SEEN | MAILDIR_FLAG_DRAFT) ||
		    fn2.keywords != MAILDIR_KEYWORD_BIT(2))
			i_panic("flags not set: %s -> %s", name, renamed);
		if (strcmp(unknown_letters(&fn2), unknown_letters(&fn)) != 0)
			i_panic("unknown flags lost: %s -> %s", name, renamed);
	}
	(void)maildir_filename_strip_extra(scratch_arena(), name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct maildir_keywords *mk;
	const char **names;
	unsigned int count;
	char *text;

	if (size < 1 || size > 64 * 1024)
		return 0;
	text = i_strndup(data + 1, size - 1);
	SCRATCH_BEGIN {
		switch (data[0] % 3) {
		case 0:
			fuzz_name(text);
			break;
		case 1:
			mk = maildir_keywords_create();
			(void)maildir_keywords_parse(mk, (const char *)data + 1,
				size - 1);
			if (maildir_keywords_count(mk) > MAILDIR_MAX_KEYWORDS)
				i_panic("too many keywords");
			maildir_keywords_destroy(&mk);
			break;
		default:
			maildir_subscriptions_parse(scratch_arena(),
				(const char *)data + 1, size - 1, '/', &names,
				&count);
			if (names[count] != NULL)
				i_panic("names not terminated");
			break;
		}
	} SCRATCH_END;
	i_free(text);
	return 0;
}
