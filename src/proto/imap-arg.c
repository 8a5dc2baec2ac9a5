/*
 * imap-arg.c - typed access to parsed IMAP arguments, and writing them
 * back out in IMAP syntax.
 */
#include "lib.h"
#include "imap-arg.h"
#include "buf.h"
#include "imap-quote.h"

bool imap_arg_get_atom(const struct imap_arg *arg, const char **str_r)
{
	if (!IMAP_ARG_IS_ATOM(arg))
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_quoted(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type != IMAP_ARG_STRING)
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_string(const struct imap_arg *arg, const char **str_r)
{
	if (!IMAP_ARG_IS_STRING(arg))
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_astring(const struct imap_arg *arg, const char **str_r)
{
	if (!IMAP_ARG_IS_ASTRING(arg))
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type == IMAP_ARG_NIL) {
		*str_r = NULL;
		return true;
	}
	return imap_arg_get_string(arg, str_r);
}

bool imap_arg_get_string_data(const struct imap_arg *arg, bool allow_atom,
	const char **data_r, size_t *size_r)
{
	if (!IMAP_ARG_IS_STRING(arg) && !(allow_atom && IMAP_ARG_IS_ATOM(arg)))
		return false;
	*data_r = arg->_data.str;
	*size_r = arg->str_len;
	return true;
}

bool imap_arg_get_literal_size(const struct imap_arg *arg, uint64_t *size_r)
{
	if (arg->type != IMAP_ARG_LITERAL_SIZE)
		return false;
	*size_r = arg->_data.literal_size;
	return true;
}

bool imap_arg_get_list(const struct imap_arg *arg,
	const struct imap_arg **list_r)
{
	unsigned int count;

	return imap_arg_get_list_full(arg, list_r, &count);
}

bool imap_arg_get_list_full(const struct imap_arg *arg,
	const struct imap_arg **list_r, unsigned int *count_r)
{
	if (arg->type != IMAP_ARG_LIST)
		return false;
	*list_r = arg->_data.list.args;
	*count_r = arg->_data.list.count;
	return true;
}

bool imap_arg_atom_equals(const struct imap_arg *arg, const char *str)
{
	return IMAP_ARG_IS_ATOM(arg) && strcasecmp(arg->_data.str, str) == 0;
}

unsigned int imap_args_count(const struct imap_arg *args)
{
	unsigned int count = 0;

	while (!IMAP_ARG_IS_EOL(&args[count]))
		count++;
	return count;
}

static int write_arg(struct buf *dest, const struct imap_arg *arg)
{
	switch (arg->type) {
	case IMAP_ARG_NIL:
	case IMAP_ARG_ATOM:
		return buf_append(dest, arg->_data.str, arg->str_len);
	case IMAP_ARG_STRING:
		return imap_append_string_data(dest, arg->_data.str,
			arg->str_len);
	case IMAP_ARG_LITERAL:
		if (arg->literal8) {
			if (buf_printf(dest, "~{%zu}\r\n", arg->str_len) < 0)
				return -1;
			return buf_append(dest, arg->_data.str, arg->str_len);
		}
		return imap_append_string_data(dest, arg->_data.str,
			arg->str_len);
	case IMAP_ARG_LITERAL_SIZE:
		return buf_printf(dest, "%s{%llu%s}", arg->literal8 ? "~" : "",
			(unsigned long long)arg->_data.literal_size,
			arg->literal_nonsync ? "+" : "");
	case IMAP_ARG_LIST:
		if (buf_append_c(dest, '(') < 0 ||
		    imap_write_args(dest, arg->_data.list.args) < 0)
			return -1;
		return buf_append_c(dest, ')');
	case IMAP_ARG_EOL:
		break;
	}
	i_panic("imap_write_args: unexpected argument type %d", arg->type);
}

int imap_write_args(struct buf *dest, const struct imap_arg *args)
{
	unsigned int i;

	for (i = 0; !IMAP_ARG_IS_EOL(&args[i]); i++) {
		if (i > 0 && buf_append_c(dest, ' ') < 0)
			return -1;
		if (write_arg(dest, &args[i]) < 0)
			return -1;
	}
	return 0;
}
