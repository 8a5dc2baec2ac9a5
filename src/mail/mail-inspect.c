/*
 * mail-inspect.c - development tool: prints what IMAP FETCH would answer
 * for each message file given on the command line, in the form of
 * Dovecot's untagged reply ("* N FETCH (RFC822.SIZE .. ENVELOPE ..
 * BODYSTRUCTURE ..)"), so outputs can be compared with a real Dovecot
 * (tests/fixtures/mail/README).  Not installed.
 */
#include "lib.h"
#include "buf.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "message-parser.h"
#include "message-header.h"

#include <fcntl.h>
#include <sys/stat.h>

static char *read_file(const char *path, size_t *size_r)
{
	struct stat st;
	char *data;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		i_fatal("open(%s): %m", path);
	data = i_malloc((size_t)st.st_size + 1);
	size_t pos = 0;
	while (pos < (size_t)st.st_size) {
		ssize_t ret = read(fd, data + pos, st.st_size - pos);
		if (ret <= 0)
			i_fatal("read(%s): %m", path);
		pos += ret;
	}
	close(fd);
	*size_r = pos;
	return data;
}

int main(int argc, char *argv[])
{
	const char *item = "ENVELOPE";
	int first = 1;

	if (argc > 2 && strcmp(argv[1], "--item") == 0) {
		item = argv[2];
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		struct arena *arena = arena_create("inspect", 4096);
		struct buf out;
		size_t size, hdr_size;
		char *data = read_file(argv[i], &size);

		buf_init(&out, arena, 1024, 0);
		struct message_part *root =
			message_parse(arena, data, size, NULL, 0);
		const char *error;

		hdr_size = root->header_size.physical_size;
		if (buf_printf(&out, "* %d FETCH (", i - first + 1) < 0)
			i_fatal("output too large");
		if (strcmp(item, "ENVELOPE") == 0) {
			struct message_envelope *env =
				message_envelope_parse(arena, data, hdr_size);
			if (buf_append_str(&out, "ENVELOPE ") < 0 ||
			    imap_envelope_write(&out, env) < 0)
				i_fatal("output too large");
		} else if (strcmp(item, "BODYSTRUCTURE") == 0 ||
			   strcmp(item, "BODY") == 0) {
			bool ext = strcmp(item, "BODYSTRUCTURE") == 0;

			if (buf_printf(&out, "%s ", item) < 0 ||
			    imap_bodystructure_write(&out, arena, root, data,
				size, ext, &error) < 0)
				i_fatal("bodystructure: %s", error);
		} else if (strcmp(item, "RFC822.SIZE") == 0) {
			if (buf_printf(&out, "RFC822.SIZE %llu",
				(unsigned long long)message_part_virtual_size(
					root)) < 0)
				i_fatal("output too large");
		} else {
			i_fatal("unknown item %s", item);
		}
		if (buf_append_str(&out, ")\r\n") < 0)
			i_fatal("output too large");
		fwrite(out.data, 1, out.used, stdout);
		i_free(data);
		arena_destroy(&arena);
	}
	return 0;
}
