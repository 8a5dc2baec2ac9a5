/*
 * auth-wildcard.c - iterative wildcard matching with single-star
 * backtracking (linear in practice, no recursion on hostile masks).
 */
#include "lib.h"
#include "auth-wildcard.h"

bool auth_wildcard_match(const char *mask, const char *str)
{
	const char *star = NULL, *star_str = NULL;

	while (*str != '\0') {
		if (*mask == '*') {
			star = mask++;
			star_str = str;
		} else if (*mask == '?' || *mask == *str) {
			mask++;
			str++;
		} else if (star != NULL) {
			mask = star + 1;
			str = ++star_str;
		} else {
			return false;
		}
	}
	while (*mask == '*')
		mask++;
	return *mask == '\0';
}
