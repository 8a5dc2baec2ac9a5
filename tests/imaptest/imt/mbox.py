"""The message source of an imaptest test: an mbox file (FORMAT.md 4.4).

load_mbox(path) returns the messages as (data, internal date) with bare LF
turned into CR LF; MessageCursor hands them out one after another, going
back to the first at the end (one cursor per test).
"""
import calendar
import re
import time

MONTHS = [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug",
          b"sep", b"oct", b"nov", b"dec"]
WEEKDAYS = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"]
TIME_RE = re.compile(rb"(\d{1,2}):(\d{2})(?::(\d{2}))?$")
ZONE_RE = re.compile(rb"([+-])(\d{2})(\d{2})$")
MAX_MBOX = 64 * 1024 * 1024


class MboxError(Exception):
    pass


def parse_from_line(line):
    """Parses `From <sender> <weekday> <month> <day> <hh:mm[:ss]> [zone
    name] <year> [+-hhmm]` (the numeric zone may also come before the
    year).  Returns (year, month, day, h, m, s, zone offset in seconds or
    None), or None when the line is not a From_ line."""
    if not line.startswith(b"From "):
        return None
    toks = line[5:].split()
    if len(toks) < 6:
        return None
    wday, mon, day, hms = toks[1:5]
    if wday.lower() not in WEEKDAYS or mon.lower()[:3] not in MONTHS or \
            len(mon) != 3:
        return None
    if not day.isdigit() or not 1 <= int(day) <= 31:
        return None
    tm = TIME_RE.match(hms)
    if not tm:
        return None
    year = None
    zone = None
    for t in toks[5:]:
        z = ZONE_RE.match(t)
        if z:
            if zone is not None:
                return None
            zone = (int(z.group(2)) * 3600 + int(z.group(3)) * 60) * \
                (-1 if z.group(1) == b"-" else 1)
        elif len(t) == 4 and t.isdigit():
            if year is not None:
                return None
            year = int(t)
        elif t.isalpha() and year is None:
            pass                        # a zone name such as EET
        else:
            return None
    if year is None:
        return None
    h, m = int(tm.group(1)), int(tm.group(2))
    s = int(tm.group(3) or 0)
    if h > 23 or m > 59 or s > 60:
        return None
    return (year, MONTHS.index(mon.lower()) + 1, int(day), h, m, s, zone)


def imap_date(parsed):
    """The IMAP date-time "DD-Mon-YYYY HH:MM:SS +HHMM" for a parsed From_
    line; without a numeric zone the date is read in local time."""
    year, mon, day, h, m, s, zone = parsed
    if zone is None:
        tup = (year, mon, day, h, m, s, 0, 0, -1)
        local = time.mktime(tup)
        zone = int(calendar.timegm(tup) - local)
    sign = b"-" if zone < 0 else b"+"
    a = abs(zone) // 60
    return b"%02d-%s-%04d %02d:%02d:%02d %s%02d%02d" % (
        day, MONTHS[mon - 1].capitalize(), year, h, m, s, sign, a // 60,
        a % 60)


def load_mbox(path):
    """Reads an mbox file: a list of (message bytes, IMAP date bytes)."""
    with open(path, "rb") as f:
        data = f.read(MAX_MBOX + 1)
    if len(data) > MAX_MBOX:
        raise MboxError("%s: too large" % path)
    messages = []
    cur = None
    date = None
    pieces = data.split(b"\n")
    last = len(pieces) - 1          # the piece after the final LF
    for i, line in enumerate(pieces):
        has_lf = i < last
        parsed = parse_from_line(line.rstrip(b"\r"))
        if parsed is not None:
            if cur is not None:
                messages.append((bytes(cur), date))
            cur = bytearray()
            date = imap_date(parsed)
            continue
        if cur is None:
            continue                    # text before the first From_ line
        cur += line
        if has_lf:
            # Bare LF becomes CR LF; a CR LF in the file stays.
            cur += b"\n" if line.endswith(b"\r") else b"\r\n"
    if cur is not None:
        messages.append((bytes(cur), date))
    if not messages:
        raise MboxError("%s: no messages" % path)
    if not messages[-1][0]:
        raise MboxError("%s: ends with a From_ line" % path)
    return messages


class MessageCursor:
    """Hands out the next message of the test's mbox, wrapping around."""

    def __init__(self, messages):
        self.messages = messages
        self.pos = 0

    def next(self):
        msg = self.messages[self.pos]
        self.pos = (self.pos + 1) % len(self.messages)
        return msg

    def __len__(self):
        return len(self.messages)
