/*
 * imap-list.c - LIST pattern matching as Dovecot 2.3 does it: the '*' and
 * '%' wildcards, and which patterns may name INBOX in another case.
 */
#include "lib.h"
#include "imap-list.h"

#include <ctype.h>

/* Dynamic programming over (pattern, name) prefixes: O(pattern * name)
   time and O(name) memory whatever wildcards the client sends (plain
   backtracking is exponential in the number of '*'s). */
bool imap_list_match(const char *pattern, const char *name, char sep)
{
	size_t nlen = strlen(name), j;
	bool *prev, *cur, *tmp, ret;

	prev = i_new(bool, nlen + 1);
	cur = i_new(bool, nlen + 1);
	prev[0] = true;
	for (; *pattern != '\0'; pattern++) {
		char p = *pattern;

		if ((p == '*' || p == '%') && pattern[1] == p)
			continue;
		cur[0] = prev[0] && (p == '*' || p == '%');
		for (j = 1; j <= nlen; j++) {
			char c = name[j - 1];

			if (p == '*')
				cur[j] = prev[j] || cur[j - 1];
			else if (p == '%')
				cur[j] = prev[j] || (cur[j - 1] && c != sep);
			else
				cur[j] = prev[j - 1] && p == c;
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	ret = prev[nlen];
	free(prev);
	free(cur);
	return ret;
}

bool imap_list_pattern_is_inboxcase(const char *pattern, char sep)
{
	static const char inbox[] = "INBOX";
	const char *p = pattern, *inboxp = inbox;

	while (*inboxp != '\0' && *p != '\0' &&
	       *inboxp == toupper((unsigned char)*p)) {
		inboxp++;
		p++;
	}
	if (*p != '%') {
		return *p == '*' || (*p == sep && *inboxp == '\0') ||
			(*inboxp == '\0' && *p == '\0');
	}
	/* 'I%B%X' style */
	for (; *p != '\0' && *p != '*' && *p != sep; p++) {
		if (*p == '%')
			continue;
		inboxp = strchr(inboxp, toupper((unsigned char)*p));
		if (inboxp == NULL)
			return false;
		if (*++inboxp == '\0') {
			if (*++p == '%')
				p++;
			return *p == '\0' || *p == '*' || *p == sep;
		}
	}
	return true;
}

