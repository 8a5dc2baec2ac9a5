/*
 * auth-wildcard.h - '*' and '?' wildcard matching of user names
 * (username_filter, LIST user masks).
 */
#ifndef ROOST_AUTH_WILDCARD_H
#define ROOST_AUTH_WILDCARD_H

/* True if str matches mask: '*' any run (also empty), '?' one char. */
bool auth_wildcard_match(const char *mask, const char *str);

#endif
