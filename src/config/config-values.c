/*
 * config-values.c - checking setting values against their schema type
 * (booleans, numbers, sizes, time intervals, enums, ports, octal modes,
 * networks), with Dovecot 2.3's error messages.
 */
#include "lib.h"
#include "str.h"
#include "config-private.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

int config_parse_bool(const char *value, bool *result_r,
	const char **error_r)
{
	if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "y") == 0 ||
	    strcmp(value, "1") == 0) {
		*result_r = true;
		return 0;
	}
	if (strcasecmp(value, "no") == 0 || strcasecmp(value, "n") == 0 ||
	    strcmp(value, "0") == 0) {
		*result_r = false;
		return 0;
	}
	*error_r = t_printf("Invalid boolean value: %s (use yes or no)", value);
	return -1;
}

static const char *number_error(const char *value)
{
	const char *p = value;

	if (*p == '-') {
		p++;
		if (*p != '\0' && strspn(p, "0123456789") == strlen(p))
			return "Number too small";
	}
	if (*value != '\0' && strspn(value, "0123456789") == strlen(value))
		return "Number too large";
	return "Not a valid number";
}

int config_parse_uint(const char *value, unsigned int *result_r,
	const char **error_r)
{
	if (str_to_uint(value, result_r) < 0) {
		*error_r = t_printf("Invalid number %s: %s", value,
			number_error(value));
		return -1;
	}
	return 0;
}

int config_parse_octal(const char *value, unsigned int *result_r,
	const char **error_r)
{
	unsigned long long n = 0;
	const char *p;

	/* Dovecot reads "0600" as octal and a plain "8" as decimal. */
	if (value[0] != '0')
		return config_parse_uint(value, result_r, error_r);
	for (p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '7' || n > UINT_MAX / 8) {
			*error_r = t_printf("Invalid number %s: %s", value,
				"Not a valid number");
			return -1;
		}
		n = n * 8 + (unsigned int)(*p - '0');
	}
	if (n > UINT_MAX) {
		*error_r = t_printf("Invalid number %s: Number too large",
			value);
		return -1;
	}
	*result_r = (unsigned int)n;
	return 0;
}

int config_parse_size(const char *value, uint64_t *result_r,
	const char **error_r)
{
	uint64_t n, mult = 1;
	const char *p;

	if (str_parse_uint64(value, &n, &p) < 0)
		goto invalid;
	while (*p == ' ')
		p++;
	switch (*p) {
	case '\0':
		break;
	case 'b':
	case 'B':
		p++;
		break;
	case 'k':
	case 'K':
		mult = 1024ULL;
		p++;
		break;
	case 'm':
	case 'M':
		mult = 1024ULL * 1024;
		p++;
		break;
	case 'g':
	case 'G':
		mult = 1024ULL * 1024 * 1024;
		p++;
		break;
	case 't':
	case 'T':
		mult = 1024ULL * 1024 * 1024 * 1024;
		p++;
		break;
	default:
		goto invalid;
	}
	if (mult > 1 && (*p == 'b' || *p == 'B'))
		p++;
	if (*p != '\0' || __builtin_mul_overflow(n, mult, result_r))
		goto invalid;
	return 0;
invalid:
	*error_r = t_printf("Invalid size: %s", value);
	return -1;
}

struct time_unit {
	const char *names;
	uint64_t msecs;
};

static const struct time_unit time_units[] = {
	{ ":ms:msec:msecs:millisecond:milliseconds:", 1 },
	{ ":s:sec:secs:second:seconds:", 1000 },
	{ ":m:min:mins:minute:minutes:", 60 * 1000 },
	{ ":h:hour:hours:", 60 * 60 * 1000 },
	{ ":d:day:days:", 24 * 60 * 60 * 1000 },
	{ ":w:week:weeks:", 7 * 24 * 60 * 60 * 1000ULL },
};

int config_parse_time(const char *value, bool allow_msecs,
	uint64_t *msecs_r, const char **error_r)
{
	uint64_t n, mult = 0;
	const char *p;
	unsigned int i;

	if (str_parse_uint64(value, &n, &p) < 0)
		goto invalid;
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		if (n != 0) {
			*error_r = t_printf("Time interval '%s' is missing "
				"units (add e.g. 's' for seconds)", value);
			return -1;
		}
		*msecs_r = 0;
		return 0;
	}
	if (strlen(p) > 20 || strchr(p, ':') != NULL)
		goto invalid;
	SCRATCH_BEGIN {
		const char *pat = t_printf(":%s:", t_str_lcase(p));

		for (i = 0; i < N_ELEMENTS(time_units); i++) {
			if (strstr(time_units[i].names, pat) != NULL)
				mult = time_units[i].msecs;
		}
	} SCRATCH_END;
	if (mult == 0 || __builtin_mul_overflow(n, mult, msecs_r))
		goto invalid;
	if (!allow_msecs && *msecs_r % 1000 != 0) {
		*error_r = t_printf("Milliseconds not supported for this "
			"setting: %s", value);
		return -1;
	}
	return 0;
invalid:
	*error_r = t_printf("Invalid time interval: %s", value);
	return -1;
}

static bool enum_contains(const char *values, const char *value)
{
	size_t len = strlen(value);
	const char *p = values;

	for (;;) {
		const char *end = strchr(p, ':');
		size_t n = end == NULL ? strlen(p) : (size_t)(end - p);

		if (n == len && memcmp(p, value, len) == 0)
			return true;
		if (end == NULL)
			return false;
		p = end + 1;
	}
}

/* String settings that are lists of known words (space or comma
   separated), checked as Dovecot checks them at startup. */
static const struct {
	const char *key;
	const char *words;
	const char *noun;
} word_lists[] = {
	{ "imap_client_workarounds",
	  "delay-newmail tb-extra-mailbox-sep tb-lsub-flags", "workaround" },
	{ "pop3_client_workarounds", "outlook-no-nuls oe-ns-eoh",
	  "workaround" },
	{ "lmtp_client_workarounds", "whitespace-before-path mailbox-for-path",
	  "workaround" },
};

static bool word_in_list(const char *list, const char *word, size_t len)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

int config_check_word_list(const char *key, const char *value,
	const char **error_r)
{
	const char *p;
	unsigned int i;
	size_t len;

	for (i = 0; i < N_ELEMENTS(word_lists); i++) {
		if (strcmp(word_lists[i].key, key) == 0)
			break;
	}
	if (i == N_ELEMENTS(word_lists))
		return 0;
	for (p = value; *p != '\0'; p += len) {
		p += strspn(p, " ,\t");
		len = strcspn(p, " ,\t");
		if (len > 0 && !word_in_list(word_lists[i].words, p, len)) {
			*error_r = t_printf("%s: Unknown %s: %s", key,
				word_lists[i].noun, t_strndup(p, len));
			return -1;
		}
	}
	return 0;
}

int config_value_check(const struct config_setting_def *def,
	const char *value, const char **error_r)
{
	unsigned int uint_value;
	uint64_t u64;
	bool b;

	switch (def->type) {
	case CONFIG_TYPE_STR:
		return config_check_word_list(def->name, value, error_r);
	case CONFIG_TYPE_BOOL:
		return config_parse_bool(value, &b, error_r);
	case CONFIG_TYPE_UINT:
		return config_parse_uint(value, &uint_value, error_r);
	case CONFIG_TYPE_OCTAL:
		return config_parse_octal(value, &uint_value, error_r);
	case CONFIG_TYPE_SIZE:
		return config_parse_size(value, &u64, error_r);
	case CONFIG_TYPE_TIME:
		return config_parse_time(value, false, &u64, error_r);
	case CONFIG_TYPE_TIME_MSECS:
		return config_parse_time(value, true, &u64, error_r);
	case CONFIG_TYPE_ENUM:
		if (enum_contains(def->enum_values, value))
			return 0;
		*error_r = t_printf("Invalid value: %s", value);
		return -1;
	case CONFIG_TYPE_IN_PORT:
		if (str_to_uint(value, &uint_value) < 0 || uint_value > 65535) {
			*error_r = t_printf("Invalid port number %s", value);
			return -1;
		}
		return 0;
	}
	i_panic("unknown config type %d", (int)def->type);
}

bool config_value_equals(const struct config_setting_def *def,
	const char *a, const char *b)
{
	const char *error;
	uint64_t ua, ub;
	unsigned int ia, ib;
	bool ba, bb;

	if (strcmp(a, b) == 0)
		return true;
	switch (def->type) {
	case CONFIG_TYPE_BOOL:
		return config_parse_bool(a, &ba, &error) == 0 &&
			config_parse_bool(b, &bb, &error) == 0 && ba == bb;
	case CONFIG_TYPE_UINT:
	case CONFIG_TYPE_IN_PORT:
		return str_to_uint(a, &ia) == 0 && str_to_uint(b, &ib) == 0 &&
			ia == ib;
	case CONFIG_TYPE_OCTAL:
		return config_parse_octal(a, &ia, &error) == 0 &&
			config_parse_octal(b, &ib, &error) == 0 && ia == ib;
	case CONFIG_TYPE_SIZE:
		return config_parse_size(a, &ua, &error) == 0 &&
			config_parse_size(b, &ub, &error) == 0 && ua == ub;
	case CONFIG_TYPE_TIME:
	case CONFIG_TYPE_TIME_MSECS:
		return config_parse_time(a, true, &ua, &error) == 0 &&
			config_parse_time(b, true, &ub, &error) == 0 &&
			ua == ub;
	case CONFIG_TYPE_STR:
	case CONFIG_TYPE_ENUM:
		break;
	}
	return false;
}

int config_parse_net(const char *value, struct config_net *net_r,
	const char **error_r)
{
	const char *host = value, *slash = strchr(value, '/');
	unsigned int max_bits;

	memset(net_r, 0, sizeof(*net_r));
	SCRATCH_BEGIN {
		if (slash != NULL)
			host = t_strndup(value, (size_t)(slash - value));
		if (inet_pton(AF_INET, host, net_r->addr) == 1)
			net_r->family = AF_INET;
		else if (inet_pton(AF_INET6, host, net_r->addr) == 1)
			net_r->family = AF_INET6;
		else {
			struct addrinfo hints, *res = NULL;

			memset(&hints, 0, sizeof(hints));
			hints.ai_socktype = SOCK_STREAM;
			if (getaddrinfo(host, NULL, &hints, &res) != 0 ||
			    res == NULL) {
				*error_r = t_printf("gethostbyname(%s) failed: "
					"Name or service not known", host);
			} else if (res->ai_family == AF_INET) {
				net_r->family = AF_INET;
				memcpy(net_r->addr, &((struct sockaddr_in *)
					res->ai_addr)->sin_addr, 4);
			} else {
				net_r->family = AF_INET6;
				memcpy(net_r->addr, &((struct sockaddr_in6 *)
					res->ai_addr)->sin6_addr, 16);
			}
			if (res != NULL)
				freeaddrinfo(res);
		}
	} SCRATCH_END;
	if (net_r->family == 0)
		return -1;
	max_bits = net_r->family == AF_INET ? 32 : 128;
	net_r->bits = max_bits;
	if (slash != NULL) {
		if (str_to_uint(slash + 1, &net_r->bits) < 0 ||
		    net_r->bits > max_bits) {
			*error_r = t_printf("Invalid network mask: %s",
				slash + 1);
			return -1;
		}
	}
	return 0;
}

bool config_net_match(const struct config_net *net, const char *ip)
{
	unsigned char addr[16];
	unsigned int i, bits = net->bits;
	int family;

	if (ip == NULL)
		return false;
	if (inet_pton(AF_INET, ip, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, ip, addr) == 1)
		family = AF_INET6;
	else
		return false;
	if (family != net->family) {
		/* An IPv4-mapped IPv6 address matches an IPv4 network. */
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
		};
		if (family != AF_INET6 || memcmp(addr, mapped, 12) != 0)
			return false;
		memmove(addr, addr + 12, 4);
	}
	for (i = 0; bits >= 8; i++, bits -= 8) {
		if (addr[i] != net->addr[i])
			return false;
	}
	if (bits > 0) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits));

		if ((addr[i] & mask) != (net->addr[i] & mask))
			return false;
	}
	return true;
}
