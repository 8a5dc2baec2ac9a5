/*
 * imap-base-subject.c - RFC 5256 2.1 base subject extraction (see
 * imap-base-subject.h).
 */
#include "lib.h"
#include "imap-base-subject.h"
#include "rfc2047.h"

#include <strings.h>

struct subject {
	char *s;       /* NUL-terminated, modified in place */
	size_t start, end;
	bool reply_or_fwd;
};

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Step 1: decoded, white space runs folded into one space. */
static char *normalize(struct arena *arena, const void *subject, size_t size)
{
	const char *dec = rfc2047_decode_utf8_dup(arena, subject, size);
	char *out = arena_strdup(arena, dec), *w = out;
	bool last_ws = false;

	for (const char *r = dec; *r != '\0'; r++) {
		char c = *r;

		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		if (c == ' ') {
			if (last_ws)
				continue;
			last_ws = true;
		} else {
			last_ws = false;
		}
		*w++ = c;
	}
	*w = '\0';
	return out;
}

/* Step 2: trailing "(fwd)" and white space. */
static void remove_trailers(struct subject *subj)
{
	bool changed = true;

	while (changed) {
		changed = false;
		while (subj->end > subj->start &&
		       is_wsp(subj->s[subj->end - 1])) {
			subj->end--;
			changed = true;
		}
		if (subj->end - subj->start >= 5 &&
		    strncasecmp(subj->s + subj->end - 5, "(fwd)", 5) == 0) {
			subj->end -= 5;
			subj->reply_or_fwd = true;
			changed = true;
		}
	}
}

/* subj-blob = "[" *BLOBCHAR "]" *WSP at pos; returns the end or 0. */
static size_t blob_end(const struct subject *subj, size_t pos)
{
	size_t p = pos;

	if (p >= subj->end || subj->s[p] != '[')
		return 0;
	for (p++; p < subj->end; p++) {
		if (subj->s[p] == '[')
			return 0;
		if (subj->s[p] == ']')
			break;
	}
	if (p >= subj->end)
		return 0;
	p++;
	while (p < subj->end && is_wsp(subj->s[p]))
		p++;
	return p;
}

/* subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" */
static size_t refwd_end(const struct subject *subj, size_t pos)
{
	const char *s = subj->s;
	size_t p = pos, b;

	if (subj->end - p >= 2 && strncasecmp(s + p, "re", 2) == 0)
		p += 2;
	else if (subj->end - p >= 3 && strncasecmp(s + p, "fwd", 3) == 0)
		p += 3;
	else if (subj->end - p >= 2 && strncasecmp(s + p, "fw", 2) == 0)
		p += 2;
	else
		return 0;
	while (p < subj->end && is_wsp(s[p]))
		p++;
	if ((b = blob_end(subj, p)) != 0)
		p = b;
	if (p >= subj->end || s[p] != ':')
		return 0;
	return p + 1;
}

/* Step 3: leading white space and subj-leader (*subj-blob subj-refwd). */
static bool remove_leader(struct subject *subj)
{
	size_t p = subj->start, b, r;
	bool changed = false;

	while (p < subj->end && is_wsp(subj->s[p])) {
		p++;
		changed = true;
	}
	subj->start = p;
	/* any number of blobs, then a refwd */
	while ((b = blob_end(subj, p)) != 0) {
		if ((r = refwd_end(subj, b)) != 0) {
			subj->start = r;
			subj->reply_or_fwd = true;
			return true;
		}
		p = b;
	}
	if ((r = refwd_end(subj, subj->start)) != 0) {
		subj->start = r;
		subj->reply_or_fwd = true;
		return true;
	}
	return changed;
}

/* Step 4: a leading blob, if something remains after it. */
static bool remove_blob(struct subject *subj)
{
	size_t b = blob_end(subj, subj->start);

	if (b == 0 || b >= subj->end)
		return false;
	subj->start = b;
	return true;
}

const char *imap_base_subject(struct arena *arena, const void *subject,
	size_t size, bool *is_reply_or_forward_r)
{
	struct subject subj;

	memset(&subj, 0, sizeof(subj));
	if (subject == NULL) {
		if (is_reply_or_forward_r != NULL)
			*is_reply_or_forward_r = false;
		return "";
	}
	subj.s = normalize(arena, subject, size);
	subj.end = strlen(subj.s);
	for (;;) {
		remove_trailers(&subj);
		/* steps 3-5 */
		for (;;) {
			bool changed = remove_leader(&subj);

			if (remove_blob(&subj))
				changed = true;
			if (!changed)
				break;
		}
		/* step 6: "[fwd:" ... "]" */
		if (subj.end - subj.start >= 6 &&
		    strncasecmp(subj.s + subj.start, "[fwd:", 5) == 0 &&
		    subj.s[subj.end - 1] == ']') {
			subj.start += 5;
			subj.end--;
			subj.reply_or_fwd = true;
			continue;
		}
		break;
	}
	if (is_reply_or_forward_r != NULL)
		*is_reply_or_forward_r = subj.reply_or_fwd;
	return arena_strndup(arena, subj.s + subj.start, subj.end - subj.start);
}
