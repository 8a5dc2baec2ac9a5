/*
 * adm-query-snippet.h - the body snippet of roostadm fetch body.snippet /
 * body.preview, made the way doveadm 2.3.19 makes it (rules found by
 * experiment): the decoded text of the message's first non-multipart
 * part if it is text/ *, HTML turned into text (tags become a space,
 * comments, <style>, <script> and <blockquote> vanish, character
 * references are decoded), white space collapsed to single spaces,
 * quoted lines ("> ...") left out, at most 200 characters; a text that
 * is all quotes gives ">" and the quoted text.
 */
#ifndef ROOSTADM_ADM_QUERY_SNIPPET_H
#define ROOSTADM_ADM_QUERY_SNIPPET_H

#include "buf.h"

/* Most characters (not bytes) in a snippet. */
#define ADM_SNIPPET_MAX_CHARS 200

struct adm_snippet;

/* A snippet builder; html: the text is text/html.  Memory from arena. */
struct adm_snippet *adm_snippet_create(struct arena *arena, bool html);
/* Feeds the next piece of the decoded UTF-8 body (any split).  Returns
   false once the snippet is full (more input changes nothing). */
bool adm_snippet_feed(struct adm_snippet *snippet, const void *data,
	size_t size);
/* The snippet so far (arena memory). */
const char *adm_snippet_result(struct adm_snippet *snippet);

#endif
