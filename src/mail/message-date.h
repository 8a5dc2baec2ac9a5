/*
 * message-date.h - dates in mail headers and in IMAP.
 *
 * RFC 5322 Date: values are parsed leniently, like Dovecot's
 * message_date_parse(): optional day name, one- or two-digit day, month
 * names in any case, two-digit years (< 50 -> 20xx, else 19xx) and
 * three-digit years (+1900), optional seconds, numeric zones, the
 * obsolete zone names (UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT,
 * military letters: treated as +0000 as RFC 5322 says), and comments;
 * anything after the zone is ignored.
 *
 * IMAP formats (RFC 3501): date-time "24-Nov-2026 11:06:57 +0000"
 * (INTERNALDATE, APPEND) and date "1-Feb-1994" (SEARCH BEFORE/ON/SINCE).
 *
 * Times are time_t in UTC plus a separate zone offset in minutes east of
 * UTC, so nothing depends on the process time zone.  Formatting clamps
 * times to the years 1..9999 and ignores offsets of a day or more.
 */
#ifndef ROOST_MESSAGE_DATE_H
#define ROOST_MESSAGE_DATE_H

#include "buf.h"
#include <time.h>

/*
 * Parses an RFC 5322 date; returns true and sets *time_r (UTC) and
 * *tz_offset_r (minutes), or false if it is not a date.
 */
bool message_date_parse(const void *data, size_t size, time_t *time_r,
	int *tz_offset_r);

/*
 * Formats an RFC 5322 date, "Tue, 24 Nov 2026 11:06:57 +0000", into out
 * (the time shown in the given zone).  -1 if out is full.
 */
int message_date_write(struct buf *out, time_t t, int tz_offset)
	ATTR_NODISCARD;

/*
 * IMAP date-time: parses "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be " d"
 * or "d" as RFC 3501 date-day-fixed and real clients send).  Returns true
 * and sets *time_r (UTC) and *tz_offset_r (minutes).
 */
bool imap_datetime_parse(const char *str, time_t *time_r, int *tz_offset_r);

/* Size of an IMAP date-time string plus NUL. */
#define IMAP_DATETIME_BUF_SIZE 27

/*
 * Formats t as IMAP date-time in the given zone, "24-Nov-2026 11:06:57
 * +0000" (two-digit day, as Dovecot), into dest (NUL-terminated).
 */
void imap_datetime_format(char dest[IMAP_DATETIME_BUF_SIZE], time_t t,
	int tz_offset);

/*
 * IMAP date "1-Feb-1994" (day 1-2 digits, month case-insensitive).
 * Returns true and sets *time_r to 00:00:00 UTC of that day.  The search
 * engine adds its own zone handling (Dovecot compares SENTBEFORE etc. in
 * the Date: header's zone and BEFORE etc. in the server's local zone).
 */
bool imap_date_parse(const char *str, time_t *time_r);

/* Size of an IMAP date string plus NUL ("01-Feb-1994"). */
#define IMAP_DATE_BUF_SIZE 12

/* Formats an IMAP date "1-Feb-1994" of t's UTC day. */
void imap_date_format(char dest[IMAP_DATE_BUF_SIZE], time_t t);

/*
 * Converts a broken-down UTC time to time_t without the process time zone
 * (timegm without locale effects).  Fields are not normalised: returns
 * false if any is out of range.
 */
bool mail_utc_mktime(int year, int month, int day, int hour, int min,
	int sec, time_t *time_r);

#endif
