/*
 * message-date.c - RFC 5322 and IMAP dates (see message-date.h).
 *
 * The RFC 5322 parser follows Dovecot 2.3's message_date_parse(): tokens
 * are RFC 822 atoms with comments skipped; "Day," is optional (a
 * three-letter first token must be followed by ','); the year has 2 or 4
 * digits (2 digits: < 70 means 20xx); ':' or '.' separate the time; a
 * missing or unknown zone is +0000.  Calendar arithmetic is done here
 * (days from the civil date), never through the process time zone.
 */
#include "lib.h"
#include "message-date.h"
#include "rfc822-lex.h"

#include <strings.h>

static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char weekday_names[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year_r, int *month_r, int *day_r)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*year_r = (int)(y + (m <= 2));
	*month_r = m;
	*day_r = d;
}

bool mail_utc_mktime(int year, int month, int day, int hour, int min,
	int sec, time_t *time_r)
{
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour < 0 || hour > 23 ||
	    min < 0 || min > 59 || sec < 0 || sec > 60)
		return false;
	if (sec == 60)
		sec = 59; /* leap second */
	*time_r = (time_t)(days_from_civil(year, month, day) * 86400 +
		hour * 3600 + min * 60 + sec);
	return true;
}

/* 0001-01-01 and 9999-12-31 23:59:59: what the formats can show. */
#define TIME_MIN ((int64_t)-62135596800LL)
#define TIME_MAX ((int64_t)253402300799LL)

/* Broken-down UTC time of t (clamped to years 1..9999). */
static void utc_breakdown(time_t t, int *year, int *month, int *day,
	int *hour, int *min, int *sec, int *wday)
{
	int64_t tt = (int64_t)t;

	if (tt < TIME_MIN)
		tt = TIME_MIN;
	if (tt > TIME_MAX)
		tt = TIME_MAX;
	int64_t days = tt / 86400, rem = tt % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, year, month, day);
	*hour = (int)(rem / 3600);
	*min = (int)(rem / 60 % 60);
	*sec = (int)(rem % 60);
	*wday = (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01: Thursday */
}

static int month_from_name(const char *s, size_t len)
{
	if (len < 3)
		return -1;
	for (int i = 0; i < 12; i++) {
		if (strncasecmp(month_names[i], s, 3) == 0)
			return i + 1;
	}
	return -1;
}

struct date_lexer {
	struct rfc822_lex lex;
	char token[32];
	size_t len;
};

/* Next atom: 1 = got one, 0 = end of data, -1 = not an atom. */
static int next_token(struct date_lexer *d)
{
	struct buf b;
	int ret;

	d->len = 0;
	if (rfc822_lex_eof(&d->lex))
		return 0;
	buf_init(&b, NULL, sizeof(d->token), sizeof(d->token) - 1);
	ret = rfc822_parse_atom(&d->lex, &b);
	if (b.used > 0 && b.used < sizeof(d->token)) {
		memcpy(d->token, b.data, b.used);
		d->len = b.used;
		d->token[d->len] = '\0';
	}
	buf_free(&b);
	if (d->len == 0)
		return -1;
	return ret < 0 && !rfc822_lex_eof(&d->lex) ? -1 : 1;
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return len > 0;
}

static int parse_num(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n = n * 10 + (s[i] - '0');
	return n;
}

static int parse_timezone(const char *s, size_t len)
{
	static const struct {
		const char *name;
		int offset;
	} zones[] = {
		{ "UT", 0 }, { "GMT", 0 }, { "UTC", 0 },
		{ "EST", -5 * 60 }, { "EDT", -4 * 60 },
		{ "CST", -6 * 60 }, { "CDT", -5 * 60 },
		{ "MST", -7 * 60 }, { "MDT", -6 * 60 },
		{ "PST", -8 * 60 }, { "PDT", -7 * 60 },
	};

	if (len == 5 && (s[0] == '+' || s[0] == '-') &&
	    all_digits(s + 1, 4)) {
		int hh = parse_num(s + 1, 2), mm = parse_num(s + 3, 2);
		int offset = hh * 60 + mm;

		if (hh > 23 || mm > 59)
			return 0; /* no such zone: +0000 */
		return s[0] == '-' ? -offset : offset;
	}
	for (size_t i = 0; i < N_ELEMENTS(zones); i++) {
		if (strlen(zones[i].name) == len &&
		    strncasecmp(zones[i].name, s, len) == 0)
			return zones[i].offset;
	}
	/* military zones and unknown names: +0000 (RFC 5322 4.3) */
	return 0;
}

static bool is_time_sep(const struct date_lexer *d)
{
	return !rfc822_lex_eof(&d->lex) &&
		(*d->lex.data == ':' || *d->lex.data == '.');
}

bool message_date_parse(const void *data, size_t size, time_t *time_r,
	int *tz_offset_r)
{
	struct date_lexer d;
	int day, month, year, hour, min, sec = 0, tz = 0, ret;
	time_t t;

	memset(&d, 0, sizeof(d));
	rfc822_lex_init(&d.lex, data, size);
	(void)rfc822_skip_cfws(&d.lex);

	/* [weekday ","] */
	if (next_token(&d) <= 0)
		return false;
	if (d.len == 3 && !(d.token[0] >= '0' && d.token[0] <= '9')) {
		if (rfc822_lex_eof(&d.lex) || *d.lex.data != ',')
			return false;
		d.lex.data++;
		(void)rfc822_skip_cfws(&d.lex);
		if (next_token(&d) <= 0)
			return false;
	}
	/* day */
	if (d.len < 1 || d.len > 2 || !all_digits(d.token, d.len))
		return false;
	day = parse_num(d.token, d.len);
	/* month */
	if (next_token(&d) <= 0 ||
	    (month = month_from_name(d.token, d.len)) < 0)
		return false;
	/* year: 2 or 4 digits */
	if (next_token(&d) <= 0 || (d.len != 2 && d.len != 4) ||
	    !all_digits(d.token, d.len))
		return false;
	year = parse_num(d.token, d.len);
	if (d.len == 2)
		year += year < 70 ? 2000 : 1900;
	else if (year < 1900)
		return false;
	/* hh:mm[:ss] */
	if (next_token(&d) <= 0 || d.len < 1 || d.len > 2 ||
	    !all_digits(d.token, d.len))
		return false;
	hour = parse_num(d.token, d.len);
	if (!is_time_sep(&d))
		return false;
	d.lex.data++;
	(void)rfc822_skip_cfws(&d.lex);
	if (next_token(&d) < 0 || d.len != 2 || !all_digits(d.token, 2))
		return false;
	min = parse_num(d.token, 2);
	if (is_time_sep(&d)) {
		d.lex.data++;
		(void)rfc822_skip_cfws(&d.lex);
		if (next_token(&d) <= 0 || d.len != 2 ||
		    !all_digits(d.token, 2))
			return false;
		sec = parse_num(d.token, 2);
	}
	/* zone: a missing or invalid one is +0000 */
	if ((ret = next_token(&d)) > 0)
		tz = parse_timezone(d.token, d.len);
	else if (ret < 0 && !rfc822_lex_eof(&d.lex) &&
		 (*d.lex.data == '+' || *d.lex.data == '-'))
		return false;

	if (!mail_utc_mktime(year, month, day, hour, min, sec, &t))
		return false;
	*time_r = t - (time_t)tz * 60;
	*tz_offset_r = tz;
	return true;
}

static void format_zone(char *dest, size_t size, int tz_offset)
{
	int abs_tz = tz_offset < 0 ? -tz_offset : tz_offset;

	(void)x_snprintf(dest, size, "%c%02d%02d", tz_offset < 0 ? '-' : '+',
		abs_tz / 60 % 100, abs_tz % 60);
}

int message_date_write(struct buf *out, time_t t, int tz_offset)
{
	int year, month, day, hour, min, sec, wday;
	char zone[8];

	if (tz_offset <= -24 * 60 || tz_offset >= 24 * 60)
		tz_offset = 0;
	utc_breakdown(t + (time_t)tz_offset * 60, &year, &month, &day, &hour,
		&min, &sec, &wday);
	format_zone(zone, sizeof(zone), tz_offset);
	return buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %s",
		weekday_names[wday], day, month_names[month - 1], year, hour,
		min, sec, zone);
}

/* "dd-Mon-yyyy" with a 1-2 digit day (leading space allowed). */
static bool parse_imap_date(const char **p_inout, int *year_r,
	int *month_r, int *day_r)
{
	const char *p = *p_inout;
	int day = 0, n = 0, month, year = 0;

	if (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9' && n < 2) {
		day = day * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || *p++ != '-')
		return false;
	if ((month = month_from_name(p, strnlen(p, 3))) < 0)
		return false;
	p += 3;
	if (*p++ != '-')
		return false;
	for (n = 0; n < 4; n++) {
		if (p[n] < '0' || p[n] > '9')
			return false;
		year = year * 10 + (p[n] - '0');
	}
	*p_inout = p + 4;
	*year_r = year;
	*month_r = month;
	*day_r = day;
	return true;
}

bool imap_date_parse(const char *str, time_t *time_r)
{
	int year, month, day;

	if (!parse_imap_date(&str, &year, &month, &day) || *str != '\0')
		return false;
	return mail_utc_mktime(year, month, day, 0, 0, 0, time_r);
}

bool imap_datetime_parse(const char *str, time_t *time_r, int *tz_offset_r)
{
	int year, month, day, hour, min, sec, tz;
	time_t t;

	if (!parse_imap_date(&str, &year, &month, &day) || *str++ != ' ')
		return false;
	/* hh:mm:ss +zzzz */
	if (strlen(str) != 14 || str[2] != ':' || str[5] != ':' ||
	    str[8] != ' ' || (str[9] != '+' && str[9] != '-') ||
	    !all_digits(str, 2) || !all_digits(str + 3, 2) ||
	    !all_digits(str + 6, 2) || !all_digits(str + 10, 4))
		return false;
	hour = parse_num(str, 2);
	min = parse_num(str + 3, 2);
	sec = parse_num(str + 6, 2);
	tz = parse_num(str + 10, 2) * 60 + parse_num(str + 12, 2);
	if (parse_num(str + 10, 2) > 23 || parse_num(str + 12, 2) > 59)
		return false;
	if (str[9] == '-')
		tz = -tz;
	if (!mail_utc_mktime(year, month, day, hour, min, sec, &t))
		return false;
	*time_r = t - (time_t)tz * 60;
	*tz_offset_r = tz;
	return true;
}

void imap_datetime_format(char dest[IMAP_DATETIME_BUF_SIZE], time_t t,
	int tz_offset)
{
	int year, month, day, hour, min, sec, wday;
	char zone[8];

	if (tz_offset <= -24 * 60 || tz_offset >= 24 * 60)
		tz_offset = 0;
	utc_breakdown(t + (time_t)tz_offset * 60, &year, &month, &day, &hour,
		&min, &sec, &wday);
	format_zone(zone, sizeof(zone), tz_offset);
	if (x_snprintf(dest, IMAP_DATETIME_BUF_SIZE,
		"%02d-%s-%04d %02d:%02d:%02d %s", day, month_names[month - 1],
		year, hour, min, sec, zone) < 0)
		i_panic("IMAP date-time does not fit");
}

void imap_date_format(char dest[IMAP_DATE_BUF_SIZE], time_t t)
{
	int year, month, day, hour, min, sec, wday;

	utc_breakdown(t, &year, &month, &day, &hour, &min, &sec, &wday);
	if (x_snprintf(dest, IMAP_DATE_BUF_SIZE, "%d-%s-%04d", day,
		month_names[month - 1], year) < 0)
		i_panic("IMAP date does not fit");
}
