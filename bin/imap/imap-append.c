/*
 * imap-append.c - building one APPENDed message: direct or through a
 * temporary file, literal8 conversion, and CATENATE URL parts (see
 * imap-append.h).
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-fetch-args.h"
#include "imap-parser.h"
#include "imap-url.h"
#include "log.h"
#include "imap-client.h"
#include "imap-sync.h"
#include "imap-fetch-body.h"
#include "imap-append-binary.h"
#include "imap-append.h"

#include <fcntl.h>
#include <sys/mman.h>

#define INTERNAL_ERROR "NO [SERVERBUG] Internal error occurred. Refer to " \
	"server log for more information."

/* The tagged NO for the user's last storage error. */
static const char *save_error(struct imap_client *client)
{
	return imap_storage_error_tagline(client, 0);
}

int imap_append_msg_begin(struct imap_append_msg *msg,
	struct imap_client *client, struct mailbox_transaction *t,
	const struct mail_save_params *params, bool buffered,
	const char *temp_dir, const char **error_r)
{
	memset(msg, 0, sizeof(*msg));
	msg->t = t;
	msg->params = *params;
	msg->tmp_fd = -1;
	if (!buffered) {
		msg->save = mail_save_begin(t, params);
		if (msg->save == NULL) {
			*error_r = save_error(client);
			return -1;
		}
		return 0;
	}
	msg->tmp_fd = open(temp_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (msg->tmp_fd < 0) {
		i_error("open(%s, O_TMPFILE) failed: %s", temp_dir,
			strerror(errno));
		*error_r = INTERNAL_ERROR;
		return -1;
	}
	return 0;
}

static int write_full(int fd, const void *data, size_t size)
{
	const unsigned char *p = data;
	ssize_t ret;

	while (size > 0) {
		ret = write(fd, p, size);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += ret;
		size -= (size_t)ret;
	}
	return 0;
}

int imap_append_msg_write(struct imap_append_msg *msg,
	struct imap_client *client, const void *data, size_t size,
	const char **error_r)
{
	if (size == 0)
		return 0;
	msg->size += size;
	if (msg->save != NULL) {
		if (mail_save_write(msg->save, data, size) < 0) {
			*error_r = save_error(client);
			return -1;
		}
		return 0;
	}
	if (write_full(msg->tmp_fd, data, size) < 0) {
		i_error("write(temporary APPEND file) failed: %s",
			strerror(errno));
		*error_r = INTERNAL_ERROR;
		return -1;
	}
	return 0;
}

static int save_write_cb(void *context, const void *data, size_t size)
{
	return mail_save_write(context, data, size);
}

/* Stores a buffered message from its temporary file. */
static int msg_store_buffered(struct imap_append_msg *msg,
	struct imap_client *client, struct arena *arena, const char **error_r)
{
	struct mail_save_context *save;
	void *map = NULL;
	int ret;

	if (msg->size > 0) {
		map = mmap(NULL, (size_t)msg->size, PROT_READ, MAP_PRIVATE,
			msg->tmp_fd, 0);
		if (map == MAP_FAILED) {
			i_error("mmap(temporary APPEND file) failed: %s",
				strerror(errno));
			*error_r = INTERNAL_ERROR;
			return -1;
		}
	}
	save = mail_save_begin(msg->t, &msg->params);
	if (save == NULL) {
		ret = -1;
	} else if (map == NULL) {
		ret = 0;
	} else if (msg->binary) {
		ret = imap_append_binary_convert(arena, map, (size_t)msg->size,
			save_write_cb, save);
	} else {
		ret = mail_save_write(save, map, (size_t)msg->size);
	}
	if (ret == 0 && save != NULL)
		ret = mail_save_finish(&save);
	if (save != NULL)
		mail_save_cancel(&save);
	if (map != NULL)
		(void)munmap(map, (size_t)msg->size);
	if (ret < 0)
		*error_r = save_error(client);
	return ret;
}

int imap_append_msg_finish(struct imap_append_msg *msg,
	struct imap_client *client, struct arena *arena, const char **error_r)
{
	int ret;

	if (msg->save != NULL) {
		if (mail_save_finish(&msg->save) < 0) {
			*error_r = save_error(client);
			return -1;
		}
		return 0;
	}
	ret = msg_store_buffered(msg, client, arena, error_r);
	(void)close(msg->tmp_fd);
	msg->tmp_fd = -1;
	return ret;
}

void imap_append_msg_cancel(struct imap_append_msg *msg)
{
	if (msg->save != NULL)
		mail_save_cancel(&msg->save);
	if (msg->tmp_fd >= 0) {
		(void)close(msg->tmp_fd);
		msg->tmp_fd = -1;
	}
}

/*
 * The URL's section and partial as a FETCH section, by parsing
 * "BODY.PEEK[<section>]<partial>" as FETCH would.  NULL if invalid.
 */
static const struct imap_fetch_section *
url_section(const struct imap_url *url, struct arena *arena)
{
	struct imap_parser_settings set;
	struct imap_parser *parser;
	const struct imap_arg *args;
	struct imap_fetch_args fargs;
	const char *line, *error;
	size_t consumed;
	int ret;

	if (url->section != NULL && strpbrk(url->section, "]\r\n\"") != NULL)
		return NULL;
	line = t_printf("(BODY.PEEK[%s]%s)\r\n",
		url->section == NULL ? "" : url->section,
		!url->have_partial ? "" : url->partial_size == 0 ?
		t_printf("<%llu>", (unsigned long long)url->partial_offset) :
		t_printf("<%llu.%llu>",
			(unsigned long long)url->partial_offset,
			(unsigned long long)url->partial_size));
	memset(&set, 0, sizeof(set));
	set.max_line_length = strlen(line) + 1;
	set.max_list_depth = 2;
	parser = imap_parser_create(&set);
	ret = imap_parser_read_args(parser, (const unsigned char *)line,
		strlen(line), &consumed, 0, 0, &args);
	if (ret != 1 || imap_fetch_args_parse(args, 0, arena, &fargs,
			&error) < 0 ||
	    fargs.count != 1 ||
	    fargs.items[0].type != IMAP_FETCH_ITEM_SECTION) {
		imap_parser_destroy(&parser);
		return NULL;
	}
	imap_parser_destroy(&parser);
	return fargs.items[0].section;
}

/* Copies the section's data into msg. */
static int url_copy_data(struct imap_append_msg *msg,
	struct imap_client *client, struct mail *mail,
	const struct imap_fetch_section *sec, const char *url,
	struct arena *arena, const char **error_r)
{
	struct imap_fetch_body body;
	unsigned char buf[16384];
	size_t n;

	switch (imap_fetch_body_open(&body, mail, sec, arena)) {
	case IMAP_FETCH_BODY_OK:
		break;
	case IMAP_FETCH_BODY_STORAGE:
		*error_r = t_printf("NO [BADURL %s] %s", url,
			mail_user_get_last_error(client->mail_user, NULL));
		return -1;
	case IMAP_FETCH_BODY_UNKNOWN_CTE:
	case IMAP_FETCH_BODY_PARSE:
		i_panic("BINARY error for a BODY section");
	}
	while ((n = imap_fetch_body_read(&body, buf, sizeof(buf))) > 0) {
		if (imap_append_msg_write(msg, client, buf, n, error_r) < 0)
			return -1;
	}
	return 0;
}

int imap_append_url_write(struct imap_append_msg *msg,
	struct imap_client *client, const char *urlstr, struct arena *arena,
	const char **error_r)
{
	const struct imap_fetch_section *sec;
	struct mailbox *box = NULL, *opened = NULL;
	struct mailbox_status status;
	struct imap_url url;
	const char *error;
	struct mail *mail;
	uint32_t seq;
	int ret;

	if (imap_url_parse_relative(urlstr, arena, &url, &error) < 0) {
		*error_r = t_printf("NO [BADURL %s] Invalid IMAP URL: %s",
			urlstr, error);
		return -1;
	}
	sec = url_section(&url, arena);
	if (sec == NULL) {
		*error_r = t_printf("NO [BADURL %s] Invalid IMAP URL: "
			"Invalid SECTION.", urlstr);
		return -1;
	}
	if (url.mailbox == NULL) {
		box = client->mailbox;
		if (box == NULL) {
			*error_r = t_printf("NO [BADURL %s] Mailbox-relative "
				"IMAP URL, but no mailbox selected.", urlstr);
			return -1;
		}
	} else if (client->mailbox != NULL &&
		   strcmp(url.mailbox, mailbox_get_vname(client->mailbox)) ==
		   0) {
		box = client->mailbox;
	} else if (mailbox_open(client->mail_user, url.mailbox,
			MAILBOX_OPEN_READONLY, &opened) < 0) {
		*error_r = t_printf("NO [BADURL %s] %s", urlstr,
			mail_user_get_last_error(client->mail_user, NULL));
		return -1;
	} else {
		box = opened;
	}

	ret = 0;
	if (url.uidvalidity != 0 &&
	    (mailbox_get_status(box, STATUS_UIDVALIDITY, &status) < 0 ||
	     status.uidvalidity != url.uidvalidity)) {
		*error_r = t_printf("NO [BADURL %s] Invalid UIDVALIDITY.",
			urlstr);
		ret = -1;
	} else if ((seq = mailbox_lookup_uid(box, url.uid)) == 0) {
		*error_r = t_printf("NO [BADURL %s] Message not found.",
			urlstr);
		ret = -1;
	} else {
		mail = mail_alloc(box);
		mail_set_seq(mail, seq);
		ret = url_copy_data(msg, client, mail, sec, urlstr, arena,
			error_r);
		mail_free(&mail);
	}
	if (opened != NULL)
		mailbox_close(&opened);
	return ret;
}
