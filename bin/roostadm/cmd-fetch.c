/*
 * cmd-fetch.c - roostadm fetch: doveadm 2.3's "doveadm fetch <fields>
 * <search query>", one output row per matching message with the named
 * fields (default formatter "pager": "field: value" lines, rows
 * separated by a form feed line), values formatted as doveadm's.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "str.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "message-text.h"
#include "rfc2047.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-print.h"
#include "adm-query.h"
#include "adm-query-cmd.h"
#include "adm-query-section.h"
#include "adm-query-snippet.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

struct fetch_msg {
	struct adm_print *print;
	struct adm_query_box *qbox;
	struct mail *mail;
	uint32_t seq;
};

struct fetch_field;

/* Prints the field's value; 0, or -1 (storage error on the user). */
typedef int fetch_func_t(struct fetch_msg *msg,
	const struct fetch_field *field);

struct fetch_field {
	const char *name;
	fetch_func_t *func;
	/* date.*: which date and how; hdr.<name>: the header name */
	const char *param;
	/* body.<section>, binary.<section> */
	struct adm_section *section;
};

struct fetch_cmd {
	struct fetch_field *fields;
	unsigned int count;
	const struct adm_query_arg *query;
};

/* Appends to an unbounded buffer (which can't fail). */
static void append(struct buf *out, const char *sep, const char *str)
{
	if ((out->used > 0 && buf_append_str(out, sep) < 0) ||
	    buf_append_str(out, str) < 0)
		i_panic("unbounded buffer refused data");
}

static int fetch_user(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	adm_print(msg->print, mail_user_get_username(msg->qbox->user));
	return 0;
}

static int fetch_mailbox(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	adm_print(msg->print, msg->qbox->vname);
	return 0;
}

static int fetch_mailbox_guid(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	adm_print(msg->print, msg->qbox->guid);
	return 0;
}

static int fetch_seq(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	adm_print_num(msg->print, msg->seq);
	return 0;
}

static int fetch_uid(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	adm_print_num(msg->print, mail_get_uid(msg->mail));
	return 0;
}

static int fetch_guid(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	const char *guid;

	if (mail_get_guid(msg->mail, &guid) < 0)
		return -1;
	adm_print(msg->print, guid);
	return 0;
}

static int fetch_flags(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	static const struct {
		enum mail_flags flag;
		const char *name;
	} names[] = {
		{ MAIL_ANSWERED, "\\Answered" },
		{ MAIL_FLAGGED, "\\Flagged" },
		{ MAIL_DELETED, "\\Deleted" },
		{ MAIL_SEEN, "\\Seen" },
		{ MAIL_DRAFT, "\\Draft" },
		{ MAIL_RECENT, "\\Recent" },
	};
	enum mail_flags flags = mail_get_flags(msg->mail);
	const char *const *keywords;
	unsigned int count;
	struct buf out;

	if (mail_get_keywords(msg->mail, &keywords, &count) < 0)
		return -1;
	buf_init(&out, scratch_arena(), 128, 0);
	for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
		if ((flags & names[i].flag) != 0) {
			append(&out, " ", names[i].name);
		}
	}
	for (unsigned int i = 0; i < count; i++) {
		append(&out, " ", keywords[i]);
	}
	adm_print(msg->print, buf_cstr(&out));
	return 0;
}

/* modseq, size.physical, size.virtual: one number. */
static int fetch_num(struct fetch_msg *msg,
	int (*get)(struct mail *mail, uint64_t *value_r))
{
	uint64_t value;

	if (get(msg->mail, &value) < 0)
		return -1;
	adm_print_num(msg->print, value);
	return 0;
}

static int fetch_modseq(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_num(msg, mail_get_modseq);
}

/* The message's bytes as stored, from offset start for size bytes. */
static int fetch_bytes(struct fetch_msg *msg, bool header, bool body)
{
	struct mail_data data;
	uint64_t hdr_size, hdr_vsize, start = 0, end;

	if (mail_get_data(msg->mail, &data) < 0 ||
	    mail_get_header_size(msg->mail, &hdr_size, &hdr_vsize) < 0)
		return -1;
	end = data.mapped == NULL ? 0 : data.physical_size;
	if (hdr_size > end)
		hdr_size = end;
	if (!header)
		start = hdr_size;
	if (!body)
		end = hdr_size;
	if (end > start)
		adm_print_stream(msg->print, data.mapped + start, end - start);
	adm_print_stream(msg->print, "", 0);
	return 0;
}

static int fetch_hdr(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_bytes(msg, true, false);
}

static int fetch_body(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_bytes(msg, false, true);
}

static int fetch_text(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_bytes(msg, true, true);
}

static int fetch_size_physical(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_num(msg, mail_get_physical_size);
}

static int fetch_size_virtual(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_num(msg, mail_get_virtual_size);
}

/* doveadm's date layout: local time "YYYY-MM-DD HH:MM:SS". */
static const char *date_text(time_t t)
{
	struct tm tm;
	char buf[64];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "";
	return t_strdup(buf);
}

/* The message date of kind ('r'eceived, 's'ent, 'S'aved). */
static int get_date(struct fetch_msg *msg, char kind, time_t *date_r,
	int *tz_r)
{
	*tz_r = 0;
	switch (kind) {
	case 'r':
		return mail_get_received_date(msg->mail, date_r, NULL);
	case 's':
		return mail_get_sent_date(msg->mail, date_r, tz_r);
	default:
		return mail_get_save_date(msg->mail, date_r);
	}
}

static int fetch_date(struct fetch_msg *msg, const struct fetch_field *field)
{
	const char *param = field->param;
	time_t date;
	int tz;

	if (get_date(msg, param[0], &date, &tz) < 0)
		return -1;
	if (param[1] == 'u') {
		adm_print(msg->print, t_printf("%lld", (long long)date));
	} else if (param[0] == 's') {
		/* the time in the local zone with the header's zone */
		adm_print(msg->print, t_printf("%s (%c%02d%02d)",
			date_text(date), tz < 0 ? '-' : '+',
			(tz < 0 ? -tz : tz) / 60, (tz < 0 ? -tz : tz) % 60));
	} else {
		adm_print(msg->print, date_text(date));
	}
	return 0;
}

/* doveadm prints ENVELOPE, BODY and BODYSTRUCTURE without the outer
   parentheses of their IMAP form. */
static void print_unparenthesized(struct adm_print *print, const char *value)
{
	size_t len = strlen(value);

	if (len >= 2 && value[0] == '(' && value[len - 1] == ')')
		value = t_strndup(value + 1, len - 2);
	adm_print(print, value);
}

/* imap.envelope/body/bodystructure: the IMAP value without its outer
   parentheses, as doveadm prints it. */
static int fetch_imap_value(struct fetch_msg *msg,
	int (*get)(struct mail *mail, const char **value_r))
{
	const char *value;

	if (get(msg->mail, &value) < 0)
		return -1;
	print_unparenthesized(msg->print, value);
	return 0;
}

static int fetch_imap_envelope(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_imap_value(msg, mail_get_envelope);
}

static int fetch_imap_body(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_imap_value(msg, mail_get_body);
}

static int fetch_imap_bodystructure(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	return fetch_imap_value(msg, mail_get_bodystructure);
}

static int fetch_empty(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	/* pop3.uidl, pop3.order: Maildir keeps neither unless POP3 saved
	   them, and doveadm prints an empty value then */
	adm_print(msg->print, "");
	return 0;
}

static int fetch_refcount(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	struct mail_data data;
	struct stat st;

	if (mail_get_data(msg->mail, &data) < 0)
		return -1;
	/* Maildir: the file's hard links (copies share the file) */
	adm_print_num(msg->print, data.fd >= 0 && fstat(data.fd, &st) == 0 ?
		(uintmax_t)st.st_nlink : 1);
	return 0;
}

/* hdr.<name>.utf8: the values unfolded and RFC 2047-decoded, one per
   line. */
static int fetch_hdr_field_utf8(struct fetch_msg *msg, const char *name)
{
	const char *const *values;
	struct buf out;

	if (mail_get_headers(msg->mail, name, &values) < 0)
		return -1;
	buf_init(&out, scratch_arena(), 128, 0);
	for (unsigned int i = 0; values[i] != NULL; i++) {
		if ((i > 0 && buf_append_c(&out, '\n') < 0) ||
		    buf_append_str(&out, rfc2047_decode_utf8_dup(
			scratch_arena(), values[i], strlen(values[i]))) < 0)
			i_panic("unbounded buffer refused data");
	}
	adm_print(msg->print, buf_cstr(&out));
	return 0;
}

/* hdr.<name>: the values as stored, folds kept (without CRs), one per
   line, as doveadm prints them. */
static int fetch_hdr_field(struct fetch_msg *msg,
	const struct fetch_field *f)
{
	const char *param = f->param;
	struct message_header_iter iter;
	struct message_header_field field;
	struct mail_data data;
	uint64_t hdr_size, hdr_vsize;
	struct buf out;
	size_t len = strlen(param);
	bool first = true;

	if (len > 5 && strcmp(param + len - 5, ".utf8") == 0)
		return fetch_hdr_field_utf8(msg, t_strndup(param, len - 5));
	if (mail_get_data(msg->mail, &data) < 0 ||
	    mail_get_header_size(msg->mail, &hdr_size, &hdr_vsize) < 0)
		return -1;
	if (data.mapped == NULL || hdr_size > data.physical_size)
		hdr_size = 0;
	buf_init(&out, scratch_arena(), 128, 0);
	message_header_iter_init(&iter, data.mapped, hdr_size);
	while (message_header_iter_next(&iter, &field)) {
		if (field.no_colon ||
		    !message_header_name_equals(field.name, param))
			continue;
		if (!first && buf_append_c(&out, '\n') < 0)
			i_panic("unbounded buffer refused data");
		first = false;
		for (size_t i = 0; i < field.value.len; i++) {
			if (field.value.ptr[i] != '\r' &&
			    buf_append_c(&out, field.value.ptr[i]) < 0)
				i_panic("unbounded buffer refused data");
		}
	}
	adm_print(msg->print, buf_cstr(&out));
	return 0;
}

struct snippet_walk {
	const struct message_part *leaf;
	struct adm_snippet *snippet;
	bool seen;
};

static int snippet_text(void *context, const struct message_part *part,
	enum message_text_kind kind ATTR_UNUSED, const char *name ATTR_UNUSED,
	const char *text, size_t size)
{
	struct snippet_walk *walk = context;

	if (part != walk->leaf)
		return walk->seen ? 1 : 0;
	walk->seen = true;
	return adm_snippet_feed(walk->snippet, text, size) ? 0 : 1;
}

/* body.snippet, body.preview: see adm-query-snippet.h. */
static int fetch_snippet(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	struct message_part *parts, *leaf;
	struct snippet_walk walk;
	struct mail_data data;
	const char *type, *subtype, *error;

	if (mail_get_parts(msg->mail, &parts) < 0 ||
	    mail_get_data(msg->mail, &data) < 0)
		return -1;
	/* the first part that isn't a multipart */
	for (leaf = parts; (leaf->flags & MESSAGE_PART_FLAG_MULTIPART) != 0 &&
	     leaf->children != NULL; leaf = leaf->children) ;
	type = leaf->data == NULL ? NULL : leaf->data->content_type;
	subtype = leaf->data == NULL ? NULL : leaf->data->content_subtype;
	if (type != NULL && strcasecmp(type, "text") != 0) {
		adm_print(msg->print, "");
		return 0;
	}
	memset(&walk, 0, sizeof(walk));
	walk.leaf = leaf;
	walk.snippet = adm_snippet_create(scratch_arena(), subtype != NULL &&
		strcasecmp(subtype, "html") == 0);
	if (data.mapped != NULL &&
	    message_text_iterate(scratch_arena(), parts, data.mapped,
			data.physical_size, MESSAGE_TEXT_FLAG_BODIES |
			MESSAGE_TEXT_FLAG_ONLY_TEXT_BODIES, snippet_text,
			&walk, &error) < 0)
		i_warning("body.snippet: %s", error);
	adm_print(msg->print, adm_snippet_result(walk.snippet));
	return 0;
}

/* text.utf8: see adm-query-section.h. */
static int fetch_text_utf8(struct fetch_msg *msg,
	const struct fetch_field *field ATTR_UNUSED)
{
	struct message_part *parts;
	struct mail_data data;
	struct buf out;

	if (mail_get_parts(msg->mail, &parts) < 0 ||
	    mail_get_data(msg->mail, &data) < 0)
		return -1;
	buf_init(&out, scratch_arena(), 1024, 0);
	if (data.mapped != NULL &&
	    adm_text_utf8_append(parts, data.mapped,
			(size_t)data.physical_size, &out) < 0)
		i_panic("unbounded buffer refused data");
	if (out.used > 0)
		adm_print_stream(msg->print, out.data, out.used);
	adm_print_stream(msg->print, "", 0);
	return 0;
}

static const struct fetch_field fetch_fields[] = {
	{ "user", fetch_user, NULL, NULL },
	{ "mailbox", fetch_mailbox, NULL, NULL },
	{ "mailbox-guid", fetch_mailbox_guid, NULL, NULL },
	{ "seq", fetch_seq, NULL, NULL },
	{ "uid", fetch_uid, NULL, NULL },
	{ "guid", fetch_guid, NULL, NULL },
	{ "flags", fetch_flags, NULL, NULL },
	{ "modseq", fetch_modseq, NULL, NULL },
	{ "hdr", fetch_hdr, NULL, NULL },
	{ "body", fetch_body, NULL, NULL },
	{ "body.preview", fetch_snippet, NULL, NULL },
	{ "body.snippet", fetch_snippet, NULL, NULL },
	{ "text", fetch_text, NULL, NULL },
	{ "text.utf8", fetch_text_utf8, NULL, NULL },
	{ "size.physical", fetch_size_physical, NULL, NULL },
	{ "size.virtual", fetch_size_virtual, NULL, NULL },
	{ "date.received", fetch_date, "r", NULL },
	{ "date.sent", fetch_date, "s", NULL },
	{ "date.saved", fetch_date, "S", NULL },
	{ "date.received.unixtime", fetch_date, "ru", NULL },
	{ "date.sent.unixtime", fetch_date, "su", NULL },
	{ "date.saved.unixtime", fetch_date, "Su", NULL },
	{ "imap.envelope", fetch_imap_envelope, NULL, NULL },
	{ "imap.body", fetch_imap_body, NULL, NULL },
	{ "imap.bodystructure", fetch_imap_bodystructure, NULL, NULL },
	{ "pop3.uidl", fetch_empty, NULL, NULL },
	{ "pop3.order", fetch_empty, NULL, NULL },
	{ "refcount", fetch_refcount, NULL, NULL },
};

/* body.<section>, binary.<section>: see adm-query-section.h. */
static int fetch_section(struct fetch_msg *msg,
	const struct fetch_field *field)
{
	struct message_part *parts;
	struct mail_data data;
	struct buf out;

	if (mail_get_parts(msg->mail, &parts) < 0 ||
	    mail_get_data(msg->mail, &data) < 0)
		return -1;
	buf_init(&out, scratch_arena(), 1024, 0);
	if (data.mapped != NULL &&
	    adm_section_append(field->section, parts, data.mapped,
			(size_t)data.physical_size, &out) < 0)
		i_panic("unbounded buffer refused data");
	if (out.used > 0)
		adm_print_stream(msg->print, out.data, out.used);
	adm_print_stream(msg->print, "", 0);
	return 0;
}

static void fetch_fields_list(void);

/* body.<section> / binary.<section>: false if name is neither; a bad
   section is fatal ("Unknown fetch section: 1.x", as doveadm). */
static bool fetch_section_field(struct arena *arena, const char *name,
	struct fetch_field *field)
{
	struct adm_section section;
	bool binary = str_begins(name, "binary.");
	const char *str = name + (binary ? 7 : 5);

	if (!binary && !str_begins(name, "body."))
		return false;
	if (adm_section_parse(str, binary, &section) < 0) {
		fetch_fields_list();
		adm_fatal("Unknown fetch section: %s", str);
	}
	field->name = name;
	field->func = fetch_section;
	field->section = arena_new(arena, struct adm_section, 1);
	*field->section = section;
	return true;
}

/* doveadm's list of fields in its "Unknown fetch field" message. */
static void fetch_fields_list(void)
{
	(void)fflush(stdout);
	fputs("Available fetch fields: hdr.<name> body.<section> "
		"binary.<section>", stderr);
	for (unsigned int i = 0; i < N_ELEMENTS(fetch_fields); i++)
		fprintf(stderr, " %s", fetch_fields[i].name);
	fputc('\n', stderr);
}

/* The fields (space-separated; names are case-insensitive).  An unknown
   one is fatal, as in doveadm. */
static void fetch_parse_fields(struct adm_cmd_context *cctx,
	const char *str, struct fetch_cmd *ctx)
{
	char **words = str_split(cctx->arena, str, " ", true);
	unsigned int n = str_array_length(words), i, j;

	ctx->fields = arena_new(cctx->arena, struct fetch_field, n);
	for (i = 0; i < n; i++) {
		const char *name = str_lcase(words[i]);
		struct fetch_field *field = &ctx->fields[ctx->count++];

		for (j = 0; j < N_ELEMENTS(fetch_fields); j++) {
			if (strcmp(fetch_fields[j].name, name) == 0)
				break;
		}
		if (j < N_ELEMENTS(fetch_fields)) {
			*field = fetch_fields[j];
		} else if (str_begins(name, "hdr.") && name[4] != '\0') {
			field->name = name;
			field->func = fetch_hdr_field;
			field->param = name + 4;
		} else if (fetch_section_field(cctx->arena, name, field)) {
			/* body.<section>, binary.<section> */
		} else {
			fetch_fields_list();
			adm_fatal("Unknown fetch field: %s", words[i]);
		}
	}
}

static int fetch_box(struct adm_mail *mail, struct adm_query_box *qbox,
	void *context)
{
	struct fetch_cmd *ctx = context;
	struct fetch_msg msg;
	int ret = 0;

	memset(&msg, 0, sizeof(msg));
	msg.print = adm_mail_get_print(mail);
	msg.qbox = qbox;
	msg.mail = mail_alloc(qbox->box);
	for (unsigned int i = 0; i < qbox->count && ret == 0; i++) {
		msg.seq = qbox->seqs[i];
		mail_set_seq(msg.mail, msg.seq);
		SCRATCH_BEGIN {
			for (unsigned int j = 0; j < ctx->count; j++) {
				if (ctx->fields[j].func(&msg,
						&ctx->fields[j]) < 0) {
					ret = -1;
					break;
				}
			}
		} SCRATCH_END;
	}
	if (ret < 0) {
		(void)adm_mail_storage_error(mail, qbox->user,
			"Couldn't fetch fields from mailbox %s", qbox->vname);
	}
	mail_free(&msg.mail);
	return ret;
}

static int fetch_user_run(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct fetch_cmd *ctx = context;

	return adm_query_cmd_foreach(mail, user, ctx->query,
		MAILBOX_OPEN_READONLY,
		ADM_QUERY_OPEN_ERROR_SILENT, 0, fetch_box, ctx);
}

void cmd_fetch(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	struct fetch_cmd ctx;
	struct adm_print *print;

	if (mail == NULL)
		return;
	if (cctx->args.arg_count < 2) {
		adm_mail_usage(mail);
		adm_mail_deinit(&mail);
		return;
	}
	memset(&ctx, 0, sizeof(ctx));
	fetch_parse_fields(cctx, cctx->args.args[0], &ctx);
	ctx.query = adm_query_cmd_parse(mail, cctx->args.args + 1,
		cctx->args.arg_count - 1);
	print = adm_mail_print_init(mail, "pager");
	for (unsigned int i = 0; i < ctx.count; i++)
		adm_print_header_simple(print, ctx.fields[i].name);
	adm_mail_run(mail, fetch_user_run, &ctx);
	adm_mail_deinit(&mail);
}
