/*
 * test-message-text.c - message text for SEARCH/FTS (decoding, charsets,
 * streaming matches across chunks), RFC 5256 base subjects and msg-id
 * extraction for THREAD.
 */
#include "lib.h"
#include "buf.h"
#include "imap-base-subject.h"
#include "message-id.h"
#include "message-parser.h"
#include "message-text.h"
#include "test-common.h"

static const char *const test_msg =
	"From: =?iso-8859-1?q?J=F6rg?= <j@x>\r\n"
	"Subject: =?utf-8?b?w4RwZmVs?= und Birnen\r\n"
	"Mime-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=b\r\n"
	"\r\n"
	"preamble text PREAMBLEWORD\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=iso-8859-1\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Gr=FC=DFe aus M=FCn=\r\n"
	"chen\r\n"
	"--b\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"YmluYXJ5IEFUVEFDSE1FTlQgdGV4dA==\r\n"
	"--b\r\n"
	"Content-Type: message/rfc822\r\n"
	"\r\n"
	"Subject: inner subject\r\n"
	"\r\n"
	"inner body\r\n"
	"--b--\r\n"
	"epilogue EPILOGUEWORD\r\n";

static bool search(const char *key, bool text)
{
	struct arena *arena = arena_create("search", 4096);
	struct message_part *root = message_parse(arena, test_msg,
		strlen(test_msg), NULL, 0);
	struct message_search *s = message_search_init(arena, key);
	bool ret = text ?
		message_search_text(s, arena, root, test_msg,
			strlen(test_msg)) :
		message_search_body(s, arena, root, test_msg,
			strlen(test_msg));

	arena_destroy(&arena);
	return ret;
}

static void test_search(void)
{
	test_begin("BODY / TEXT search");
	/* decoded quoted-printable with a soft line break, case folded */
	test_assert(search("grüße aus münchen", false));
	test_assert(search("GRÜSSE", false) == false); /* no full folding */
	test_assert(search("MÜNCHEN", false));
	/* base64 attachments are searched too, as in Dovecot */
	test_assert(search("attachment text", false));
	test_assert(search("inner body", false));
	/* preamble and epilogue are not part of any body */
	test_assert(!search("preambleword", false));
	test_assert(!search("epilogueword", false));
	/* headers only with TEXT, decoded */
	test_assert(!search("äpfel", false));
	test_assert(search("äpfel und birnen", true));
	test_assert(search("jörg", true));
	test_assert(search("inner subject", true));
	test_assert(search("subject: inner", true));
	test_assert(search("", false));
	test_assert(!search("not in there", true));
	test_end();
}

static void test_search_streaming(void)
{
	struct arena *arena = arena_create("search", 4096);
	struct message_search *s;
	struct buf msg;

	test_begin("search across chunk boundaries");
	s = message_search_init(arena, "NEEDLE");
	test_assert(!message_search_feed(s, "xxne", 4));
	test_assert(!message_search_feed(s, "E", 1));
	test_assert(message_search_feed(s, "dlexx", 5));
	message_search_reset(s);
	test_assert(!message_search_matched(s));
	test_assert(!message_search_feed(s, "needl", 5));
	test_assert(!message_search_feed(s, "xneedl", 6));

	/* a body much larger than the decoder's chunks, the key placed
	   across every interesting offset around 8192 */
	for (size_t off = 8180; off < 8200; off++) {
		buf_init(&msg, NULL, 20000, 0);
		test_assert(buf_append_str(&msg, "Subject: x\r\n\r\n") == 0);
		size_t body_start = msg.used;
		while (msg.used < body_start + off)
			test_assert(buf_append_c(&msg, 'a') == 0);
		test_assert(buf_append_str(&msg, "needle") == 0);
		while (msg.used < body_start + 17000)
			test_assert(buf_append_c(&msg, 'b') == 0);
		struct message_part *root = message_parse(arena, msg.data,
			msg.used, NULL, 0);
		test_assert(message_search_body(s, arena, root, msg.data,
			msg.used));
		buf_free(&msg);
	}
	test_assert(message_search_header_value(s, "=?utf-8?q?NEED?= le", 19) ==
		false);
	test_assert(message_search_header_value(s,
		"=?utf-8?q?NEED?= =?utf-8?q?LE?=", 31));
	arena_destroy(&arena);
	test_end();
}

struct collect {
	struct buf headers, bodies;
};

static int collect_cb(void *context, const struct message_part *part,
	enum message_text_kind kind, const char *name, const char *text,
	size_t size)
{
	struct collect *c = context;

	if (kind == MESSAGE_TEXT_HEADER) {
		if (buf_printf(&c->headers, "%s=%.*s|", name, (int)size,
			text) < 0)
			return -1;
	} else if (buf_append(&c->bodies, text, size) < 0) {
		return -1;
	}
	return 0;
}

static void test_iterate(void)
{
	struct arena *arena = arena_create("iterate", 4096);
	struct message_part *root = message_parse(arena, test_msg,
		strlen(test_msg), NULL, 0);
	struct collect c;
	const char *error;

	test_begin("text iteration for FTS");
	buf_init(&c.headers, arena, 256, 0);
	buf_init(&c.bodies, arena, 256, 0);
	test_assert(message_text_iterate(arena, root, test_msg,
		strlen(test_msg), MESSAGE_TEXT_FLAG_HEADERS |
		MESSAGE_TEXT_FLAG_BODIES | MESSAGE_TEXT_FLAG_ONLY_TEXT_BODIES,
		collect_cb, &c, &error) == 0);
	test_assert(strstr(buf_cstr(&c.headers),
		"Subject=\xc3\x84pfel und Birnen|") != NULL);
	test_assert(strstr(buf_cstr(&c.headers), "From=J\xc3\xb6rg <j@x>|") !=
		NULL);
	test_assert(strstr(buf_cstr(&c.bodies), "Gr\xc3\xbc\xc3\x9f" "e aus "
		"M\xc3\xbcnchen") != NULL);
	/* ONLY_TEXT_BODIES: the octet-stream attachment is skipped */
	test_assert(strstr(buf_cstr(&c.bodies), "binary") == NULL);
	test_assert(strstr(buf_cstr(&c.bodies), "inner body") != NULL);
	/* a tree that does not fit the message is an error */
	test_assert(message_text_iterate(arena, root, test_msg, 10,
		MESSAGE_TEXT_FLAG_BODIES, collect_cb, &c, &error) < 0);
	arena_destroy(&arena);
	test_end();
}

static void test_base_subject(void)
{
	static const struct {
		const char *in, *out;
		bool reply;
	} tests[] = {
		{ "Hello", "Hello", false },
		{ "Re: Hello", "Hello", true },
		{ "RE: re:  Fwd: Hello", "Hello", true },
		{ "Re[2]: Hello", "Hello", true },
		{ "[mailing-list] Re: Hello", "Hello", true },
		{ "[blob] Hello", "Hello", false },
		{ "[blob]", "[blob]", false },
		{ "Hello (fwd)", "Hello", true },
		{ "Hello (FWD)  (fwd) ", "Hello", true },
		{ "[fwd: Hello]", "Hello", true },
		{ "[Fwd: Re: Hello]", "Hello", true },
		{ "Fw: Hello", "Hello", true },
		{ "Re Hello", "Re Hello", false },
		{ "  Re:\tHello\t\tworld  ", "Hello world", true },
		{ "=?utf-8?q?Re=3A_=C3=84pfel?=", "\xc3\x84pfel", true },
		{ "", "", false },
		{ "Re:", "", true },
	};
	bool reply;

	test_begin("RFC 5256 base subject");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		const char *got = imap_base_subject(scratch_arena(),
			tests[i].in, strlen(tests[i].in), &reply);
		test_assert_strcmp(got, tests[i].out);
		test_assert(reply == tests[i].reply);
	}
	test_assert_strcmp(imap_base_subject(scratch_arena(), NULL, 0, &reply),
		"");
	test_end();
}

static void test_message_id(void)
{
	struct arena *arena = scratch_arena();
	const char *refs = "<a@b> (comment) <c . d@e> junk <not valid> "
		"<\"q s\"@f>\r\n <last@x>";
	const char *p = refs;
	size_t size = strlen(refs);

	test_begin("msg-id");
	test_assert_strcmp(message_id_get_next(arena, &p, &size), "a@b");
	test_assert_strcmp(message_id_get_next(arena, &p, &size), "c.d@e");
	test_assert_strcmp(message_id_get_next(arena, &p, &size), "q s@f");
	test_assert_strcmp(message_id_get_next(arena, &p, &size), "last@x");
	test_assert(message_id_get_next(arena, &p, &size) == NULL);
	test_assert_strcmp(message_id_get_last(arena, refs, strlen(refs)),
		"last@x");
	test_assert_strcmp(message_id_get_first(arena, "<x@y> <z@w>", 11),
		"x@y");
	test_assert_strcmp(message_id_get_first(arena, "Re: <odd$id@host>",
		17), "odd$id@host");
	test_assert(message_id_get_first(arena, "no ids here", 11) == NULL);
	test_assert(message_id_get_first(arena, "<unterminated@x", 15) == NULL);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_search,
		test_search_streaming,
		test_iterate,
		test_base_subject,
		test_message_id,
		NULL
	};
	return test_run(tests);
}
