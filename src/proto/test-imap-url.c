/*
 * test-imap-url.c - unit tests for relative IMAP URL parsing (CATENATE):
 * mailboxes with '/' and percent-encoding, UIDVALIDITY, SECTION, PARTIAL,
 * trailing '/', and Dovecot's error texts.
 */
#include "lib.h"
#include "imap-url.h"
#include "arena.h"
#include "test-common.h"

/* "mbox|uidvalidity|uid|section|partial" or "ERR: text" */
static const char *parse(const char *str)
{
	struct arena *arena = arena_create("url", 256);
	struct imap_url url;
	const char *error, *ret;

	if (imap_url_parse_relative(str, arena, &url, &error) < 0) {
		ret = t_printf("ERR: %s", error);
	} else {
		ret = t_printf("%s|%u|%u|%s|%s", url.mailbox == NULL ?
			"(selected)" : url.mailbox, url.uidvalidity, url.uid,
			url.section == NULL ? "" : url.section,
			!url.have_partial ? "" :
			t_printf("%llu.%llu",
				(unsigned long long)url.partial_offset,
				(unsigned long long)url.partial_size));
	}
	arena_destroy(&arena);
	return ret;
}

static void test_imap_url(void)
{
	static const struct {
		const char *url, *expected;
	} tests[] = {
		{ "/INBOX/;UID=5", "INBOX|0|5||" },
		{ "/s2/;uid=1/", "s2|0|1||" },
		{ "/s2;uidvalidity=123/;uid=1", "s2|123|1||" },
		{ "/a/b/c/;UID=7/;SECTION=1.2.MIME", "a/b/c|0|7|1.2.MIME|" },
		{ "/s%32/;uid=1", "s2|0|1||" },
		{ "/%E2%98%BA/;uid=1", "\xe2\x98\xba|0|1||" },
		{ "/s2/;uid=1/;section=header.fields%20(from)",
		  "s2|0|1|header.fields (from)|" },
		{ "/s2/;uid=1/;partial=100000.1", "s2|0|1||100000.1" },
		{ "/s2/;uid=1/;section=TEXT/;partial=1", "s2|0|1|TEXT|1.0" },
		{ ";UID=3/;SECTION=HEADER", "(selected)|0|3|HEADER|" },
		{ "imap://u1@localhost/s2/;uid=1",
		  "ERR: Relative URL required." },
		{ "//s2/;uid=1", "ERR: Relative URL required." },
		{ "garbage", "ERR: Relative URL required." },
		{ "/s2", "ERR: URL does not refer to a message." },
		{ "/", "ERR: Empty mailbox name." },
		{ "/s2/;uid=x",
		  "ERR: Value 'x' is not a valid IMAP number." },
		{ "/s2/;uid=", "ERR: Value '' is not a valid IMAP number." },
		{ "/s2/;uid=4294967296",
		  "ERR: Value '4294967296' is not a valid IMAP number." },
		{ "/s2/;uid=0", "ERR: UID cannot be zero." },
		{ "/s2;uidvalidity=x/;uid=1",
		  "ERR: Value 'x' is not a valid IMAP number." },
		{ "/s2;uidvalidity=0/;uid=1",
		  "ERR: UIDVALIDITY cannot be zero." },
		{ "/s2/;uid=1/;section=", "ERR: Empty SECTION value." },
		{ "/s2/;uid=1/;partial=a",
		  "ERR: Value 'a' is not a valid IMAP number." },
		{ "/s2/;uid=1/;section=1/;partial=0.0",
		  "ERR: PARTIAL size cannot be zero." },
		{ "/s2/;uid=1/;urlauth=anonymous",
		  "ERR: Unexpected IMAP URL path segment: "
		  "`;urlauth=anonymous'." },
		{ "/s2/;uid=1/;partial=1/;section=1",
		  "ERR: Unexpected IMAP URL path segment: `;section=1'." },
		{ "/s2/;uid=1?foo", "ERR: Search query part only valid for "
		  "messagelist-type IMAP URL." },
		{ "/s%2x/;uid=1", "ERR: Invalid percent encoding `%2x'." },
		{ "/s%2/;uid=1", "ERR: Seeing `%' at end of URL." },
		{ "/s%00/;uid=1", "ERR: Percent encoding is not allowed to "
		  "encode NUL character." },
		{ "/s2%", "ERR: Seeing `%' at end of URL." },
	};
	unsigned int i;

	test_begin("imap url: relative message URLs");
	for (i = 0; i < N_ELEMENTS(tests); i++) SCRATCH_BEGIN {
		test_assert_strcmp(parse(tests[i].url), tests[i].expected);
	} SCRATCH_END;
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_imap_url,
		NULL
	};
	return test_run(tests);
}
