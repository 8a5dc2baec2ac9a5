"""roostadm's query-driven mail commands against a running server: search,
fetch, expunge, flags add|remove|replace, copy and move with doveadm's
search query language, their output, messages and exit codes (taken from
doveadm 2.3.19 on the same configuration), and their effects as an IMAP
client sees them: a selected session learns about flag changes and
expunges at NOOP and in IDLE.

Run with ROOST_E2E_SERVER=dovecot to check the expectations against
doveadm itself.  Each test works on users of its own, so one server
serves the module."""
import os
import re
import subprocess
import time

import pytest

import harness
from imap_mbox_util import deliver, ok, session

EX_USAGE = 64
EX_NOTPOSSIBLE = 65
EX_NOTFOUND = 68
EX_TEMPFAIL = 75

NS_CONFIG = """
namespace inbox {
  inbox = yes
  separator = /
}
"""

USERS = dict(harness.DEFAULT_USERS)
for _n in ("search", "fetch", "errors", "flags", "idle", "expunge", "copy",
           "move", "src"):
    USERS["q" + _n] = ("PLAIN", _n + "-pw")

MSG = ("From: Alice Example <alice@example.com>\n"
       "To: bob@example.org\n"
       "Subject: %s\n"
       "Date: Mon, 02 Mar 2020 10:00:00 +0100\n"
       "Message-ID: <%s@example.com>\n"
       "\n"
       "%s\n")


@pytest.fixture(scope="module")
def srv(kind, system_users):
    s = harness.RoostServer(kind, extra_config=NS_CONFIG, users=USERS)
    s.start()
    yield s
    problems = s.cleanup()
    if problems:
        pytest.fail("server teardown (%s):\n%s" % (s.dir,
                    "\n".join(problems)), pytrace=False)
    s.remove()


def prog(srv):
    return "doveadm" if srv.kind.name == "dovecot" else "roostadm"


def adm(srv, *args):
    """Runs the admin tool; returns the CompletedProcess (text)."""
    e = dict(os.environ)
    e.pop("USER", None)
    return subprocess.run([srv.kind.admin, "-c", srv.config_path]
                          + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=srv.dir, env=e)


def adm_bytes(srv, *args):
    """adm() without text decoding (keeps CRLFs)."""
    e = dict(os.environ)
    e.pop("USER", None)
    return subprocess.run([srv.kind.admin, "-c", srv.config_path]
                          + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60, cwd=srv.dir, env=e)


def check(p, code=0):
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    return p


def populate(srv, user, mailboxes=("Work",)):
    """INBOX with three messages (subjects one, two, three; bodies with
    the words apple, banana, cherry), the other mailboxes with one
    ("four", body date) each.  Everything is made over IMAP so that the
    server's index has it."""
    c = session(srv, user)
    try:
        ok(c, "STATUS INBOX (MESSAGES)")
        for name in mailboxes:
            ok(c, "CREATE %s" % name)
    finally:
        c.close()
    for subj, word in (("one", "apple"), ("two", "banana"),
                       ("three", "cherry")):
        deliver(srv, user, "INBOX", MSG % (subj, subj, word))
    for name in mailboxes:
        deliver(srv, user, name, MSG % ("four", "four-" + name, "date"))


def imap_uids(srv, user, mailbox, criteria):
    c = session(srv, user)
    try:
        ok(c, "EXAMINE %s" % mailbox)
        lines = ok(c, "UID SEARCH %s" % criteria)
    finally:
        c.close()
    for line in lines:
        if line.startswith("* SEARCH"):
            return [int(x) for x in line.split()[2:]]
    return []


def mailbox_guid(srv, user, mailbox):
    p = check(adm(srv, "mailbox", "status", "-u", user, "guid", mailbox))
    m = re.match(r"^.* guid=([0-9a-f]{32})$", p.stdout.strip())
    assert m, p.stdout
    return m.group(1)


def search(srv, user, *query):
    p = check(adm(srv, "search", "-u", user, *query))
    assert p.stderr == ""
    return sorted(tuple(line.split(" ")) for line in p.stdout.splitlines())


def test_search_output_and_keys(srv):
    u = "qsearch"
    populate(srv, u, ("Work", "Work/Sub", "Other"))
    inbox = mailbox_guid(srv, u, "INBOX")
    work = mailbox_guid(srv, u, "Work")
    sub = mailbox_guid(srv, u, "Work/Sub")
    other = mailbox_guid(srv, u, "Other")
    uids = imap_uids(srv, u, "INBOX", "ALL")
    assert len(uids) == 3
    # "<mailbox-guid> <uid>" per message, every mailbox.
    assert search(srv, u, "all") == sorted(
        [(inbox, str(x)) for x in uids] +
        [(work, "1"), (sub, "1"), (other, "1")])
    assert search(srv, u, "mailbox", "INBOX") == sorted(
        (inbox, str(x)) for x in uids)
    # INBOX is case-insensitive; '*' crosses levels, '%' doesn't.
    assert search(srv, u, "mailbox", "inbox", "2") == [(inbox,
                                                         str(uids[1]))]
    assert search(srv, u, "mailbox", "Work*") == sorted([(work, "1"),
                                                         (sub, "1")])
    assert search(srv, u, "mailbox", "Work%") == [(work, "1")]
    assert search(srv, u, "mailbox-guid", other) == [(other, "1")]
    assert search(srv, u, "not", "mailbox", "INBOX") == sorted(
        [(work, "1"), (sub, "1"), (other, "1")])
    # Keys in any case, infix OR, parentheses as arguments of their own.
    assert search(srv, u, "SUBJECT", "two") == [(inbox, str(uids[1]))]
    assert search(srv, u, "subject", "one", "or", "body", "cherry") == \
        sorted([(inbox, str(uids[0])), (inbox, str(uids[2]))])
    assert search(srv, u, "mailbox", "INBOX", "(", "subject", "one", "or",
                  "subject", "two", ")") == sorted(
        [(inbox, str(uids[0])), (inbox, str(uids[1]))])
    assert search(srv, u, "mailbox", "INBOX", "uid", "%d:*" % uids[1]) == \
        sorted([(inbox, str(uids[1])), (inbox, str(uids[2]))])
    assert search(srv, u, "text", "banana") == [(inbox, str(uids[1]))]
    assert search(srv, u, "header", "message-id", "four-Other") == \
        [(other, "1")]
    assert search(srv, u, "mailbox", "INBOX", "larger", "1k") == []
    assert len(search(srv, u, "smaller", "1k")) == 6
    # Dates: an interval and a timestamp compare to the second; a
    # YYYY-MM-DD and an IMAP date by day.
    assert len(search(srv, u, "since", "1h")) == 6
    assert search(srv, u, "before", "1h") == []
    assert len(search(srv, u, "savedsince",
                      str(int(time.time()) - 3600))) == 6
    assert len(search(srv, u, "sentsince", "2020-03-02")) == 6
    assert search(srv, u, "senton", "1-Mar-2020") == []
    assert len(search(srv, u, "senton", "2-mar-2020")) == 6
    # The same answers as IMAP SEARCH.
    assert [int(x[1]) for x in search(srv, u, "mailbox", "INBOX", "not",
                                      "body", "apple")] == \
        imap_uids(srv, u, "INBOX", "NOT BODY apple")
    # -f tab has the title line; -A adds the user name column.
    p = check(adm(srv, "-f", "tab", "search", "-u", u, "mailbox-guid",
                  work))
    assert p.stdout == "mailbox-guid\tuid\n%s\t1\n" % work


def test_query_errors(srv):
    u = "qerrors"
    populate(srv, u)
    cases = [
        (["foo"], "Unknown argument FOO"),
        (["(mailbox", "INBOX", ")"], "Unknown argument (MAILBOX"),
        (["or", "seen", "deleted"], "Use parenthesis when mixing ANDs "
         "and ORs"),
        (["seen", "or", "deleted", "draft"], "Use parenthesis when mixing "
         "ANDs and ORs"),
        (["subject"], "Missing parameter for search key (for search key: "
         "SUBJECT)"),
        (["seen", "or"], "Missing argument"),
        (["(", "seen"], "Missing ')'"),
        ([")"], "Unexpected ')'"),
        (["(", ")"], "No search parameters inside list"),
        (["since", "xyz"], "Invalid search date parameter: xyz"),
        (["since", "1y"], "Invalid search date parameter: 1y"),
        (["larger", "x"], "Invalid size: x"),
        (["uid", "0"], "Invalid UID messageset"),
        (["0"], "Invalid messageset"),
    ]
    for query, error in cases:
        p = check(adm(srv, "search", "-u", u, *query), EX_TEMPFAIL)
        assert (p.stdout, p.stderr) == ("", "Fatal: %s\n" % error), query
    # No query at all: the usage.
    p = check(adm(srv, "search", "-u", u), EX_USAGE)
    assert p.stderr.startswith("%s search [-u <user>|-A] " % prog(srv))
    # A mailbox named without wildcards must exist.
    p = check(adm(srv, "search", "-u", u, "mailbox", "NoSuch"), EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Couldn't get mailbox 'NoSuch' "
                        "GUID: Mailbox doesn't exist: NoSuch\n"
                        % (prog(srv), u))
    p = check(adm(srv, "search", "-u", u, "mailbox", "No*"))
    assert (p.stdout, p.stderr) == ("", "")


def test_fetch_pager_output(srv):
    u = "qfetch"
    populate(srv, u, ())
    uids = imap_uids(srv, u, "INBOX", "ALL")
    guid = mailbox_guid(srv, u, "INBOX")
    p = check(adm(srv, "fetch", "-u", u,
                  "mailbox mailbox-guid seq uid hdr.subject "
                  "date.sent date.sent.unixtime size.physical body",
                  "mailbox", "INBOX", "(", "subject", "one", "or",
                  "subject", "two", ")"))
    size1 = len((MSG % ("one", "one", "apple")).encode())
    size2 = len((MSG % ("two", "two", "banana")).encode())
    assert p.stderr == ""
    assert p.stdout == (
        "mailbox: INBOX\nmailbox-guid: %s\nseq: 1\nuid: %d\n"
        "hdr.subject: one\n"
        "date.sent: 2020-03-02 09:00:00 (+0100)\n"
        "date.sent.unixtime: 1583139600\nsize.physical: %d\n"
        "body:\napple\n"
        "\f\n"
        "mailbox: INBOX\nmailbox-guid: %s\nseq: 2\nuid: %d\n"
        "hdr.subject: two\n"
        "date.sent: 2020-03-02 09:00:00 (+0100)\n"
        "date.sent.unixtime: 1583139600\nsize.physical: %d\n"
        "body:\nbanana\n" % (guid, uids[0], size1, guid, uids[1], size2))
    # hdr and text are the stored bytes; imap.envelope without its outer
    # parentheses; names are case-insensitive.
    p = check(adm(srv, "fetch", "-u", u, "HDR imap.envelope", "mailbox",
                  "INBOX", "subject", "three"))
    hdr = (MSG % ("three", "three", "cherry")).split("\n\n")[0] + "\n\n"
    assert p.stdout == (
        "hdr:\n%s"
        'imap.envelope: "Mon, 02 Mar 2020 10:00:00 +0100" "three" '
        '(("Alice Example" NIL "alice" "example.com")) '
        '(("Alice Example" NIL "alice" "example.com")) '
        '(("Alice Example" NIL "alice" "example.com")) '
        '((NIL NIL "bob" "example.org")) NIL NIL NIL '
        '"<three@example.com>"\n' % hdr)
    # hdr.<name> keeps folds, .utf8 unfolds and decodes.
    deliver(srv, u, "INBOX", "Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9?=\n"
            "X-A: one\nX-A: two\n  folded\n\nbody\n")
    p = check(adm(srv, "fetch", "-u", u, "hdr.x-a hdr.x-a.utf8 "
                  "hdr.subject.utf8 hdr.none", "mailbox", "INBOX",
                  "header", "x-a", ""))
    assert p.stdout == ("hdr.x-a: one\ntwo\n  folded\n"
                        "hdr.x-a.utf8: one\ntwo  folded\n"
                        "hdr.subject.utf8: R\u00e9sum\u00e9\n"
                        "hdr.none: \n")
    # Other formatters.
    p = check(adm(srv, "-f", "tab", "fetch", "-u", u, "uid hdr.subject",
                  "mailbox", "INBOX"))
    assert p.stdout.startswith(
        "uid\thdr.subject\n%d\tone\n%d\ttwo\n%d\tthree\n" % (
            uids[0], uids[1], uids[2]))
    p = check(adm(srv, "-f", "json", "fetch", "-u", u, "uid", "mailbox",
                  "INBOX", "subject", "two"))
    assert p.stdout == '[{"uid":"%d"}]' % uids[1]
    # Unknown field: fatal, with the list of fields first.
    p = check(adm(srv, "fetch", "-u", u, "uid nosuch", "all"), EX_TEMPFAIL)
    assert p.stdout == ""
    assert p.stderr.startswith("Available fetch fields: hdr.<name> ")
    assert p.stderr.endswith("\nFatal: Unknown fetch field: nosuch\n")
    # A missing mailbox is silently nothing (doveadm fetch).
    p = check(adm(srv, "fetch", "-u", u, "uid", "mailbox", "NoSuch", "all"))
    assert (p.stdout, p.stderr) == ("", "")


def untagged_flags(lines):
    """The FLAGS of the FETCH lines among lines, by sequence number."""
    out = {}
    for line in lines:
        m = re.match(r"^\* (\d+) FETCH \(.*FLAGS \(([^)]*)\)", line)
        if m:
            out[int(m.group(1))] = set(m.group(2).split())
    return out


def test_flags_seen_by_selected_session(srv):
    u = "qflags"
    populate(srv, u, ())
    c = session(srv, u)
    try:
        ok(c, "SELECT INBOX")
        check(adm(srv, "flags", "add", "-u", u, "\\Seen \\Flagged kw1",
                  "mailbox", "INBOX", "subject", "one"))
        changes = untagged_flags(ok(c, "NOOP"))
        assert {"\\Seen", "\\Flagged", "kw1"} <= changes[1]
        assert 2 not in changes and 3 not in changes
        check(adm(srv, "flags", "remove", "-u", u, "\\Flagged",
                  "mailbox", "INBOX", "all"))
        changes = untagged_flags(ok(c, "NOOP"))
        assert "\\Flagged" not in changes[1] and "\\Seen" in changes[1]
        check(adm(srv, "flags", "replace", "-u", u, "\\Answered kw2",
                  "mailbox", "INBOX", "(", "subject", "one", "or",
                  "subject", "three", ")"))
        changes = untagged_flags(ok(c, "NOOP"))
        assert {"\\Answered", "kw2"} <= changes[1]
        assert "\\Seen" not in changes[1] and "kw1" not in changes[1]
        assert {"\\Answered", "kw2"} <= changes[3]
        # The flags are in the store: a new session sees them.
        c2 = session(srv, u)
        lines = ok(c2, "EXAMINE INBOX")
        lines = ok(c2, "FETCH 1:3 FLAGS")
        c2.close()
        now = untagged_flags(lines)
        assert now[1] - {"\\Recent"} == {"\\Answered", "kw2"}
        assert now[2] - {"\\Recent"} == set()
    finally:
        c.close()
    # Bad flags change nothing.
    p = check(adm(srv, "flags", "add", "-u", u, "\\Bogus", "all"),
              EX_TEMPFAIL)
    assert p.stderr == "Fatal: Invalid system flag: \\Bogus\n"
    p = check(adm(srv, "flags", "add", "-u", u, "b(ad", "mailbox", "INBOX",
                  "all"), EX_NOTPOSSIBLE)
    assert p.stderr == ("%s(%s): Error: Invalid keywords: Invalid "
                        "characters in keyword\n" % (prog(srv), u))
    p = check(adm(srv, "flags", "add", "-u", u, "\\Seen"), EX_USAGE)
    assert p.stderr.startswith("%s flags add " % prog(srv))
    p = check(adm(srv, "flags", "add", "-u", u, "\\Seen", "mailbox",
                  "NoSuch", "all"), EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Mailbox NoSuch: Mailbox sync "
                        "failed: Mailbox doesn't exist: NoSuch\n"
                        % (prog(srv), u))


def read_until(c, pattern, timeout=10.0):
    """Lines read until one matches pattern (IDLE), within timeout."""
    c.sock.settimeout(timeout)
    lines = []
    while True:
        line = c.readline()
        lines.append(line)
        if re.match(pattern, line):
            return lines


def test_idle_sees_flags_and_expunge(srv):
    u = "qidle"
    populate(srv, u, ())
    c = session(srv, u)
    try:
        ok(c, "SELECT INBOX")
        c.send("i1 IDLE")
        assert c.readline().startswith("+ ")
        check(adm(srv, "flags", "add", "-u", u, "\\Flagged", "mailbox",
                  "INBOX", "subject", "two"))
        lines = read_until(c, r"^\* 2 FETCH ")
        assert "\\Flagged" in lines[-1]
        check(adm(srv, "expunge", "-u", u, "mailbox", "INBOX", "subject",
                  "one"))
        read_until(c, r"^\* 1 EXPUNGE$")
        c.send("DONE")
        read_until(c, r"^i1 OK")
        lines = ok(c, "UID SEARCH ALL")
        assert len(lines[0].split()) == 4
    finally:
        c.close()


def test_expunge(srv):
    u = "qexpunge"
    populate(srv, u, ("Work", "Empty"))
    # doveadm's safety checks, nothing expunged.
    for query, error in (
            (["subject", "one"], "search query must contain MAILBOX in "
             "all search branches"),
            (["mailbox", "INBOX", "or", "subject", "one"],
             "search query must contain MAILBOX in all search branches"),
            (["mailbox", "INBOX"], "each branch in search query must "
             "contain something else besides MAILBOX (e.g. just add "
             "\"all\" if you want everything)")):
        p = check(adm(srv, "expunge", "-u", u, *query), EX_USAGE)
        assert p.stderr == "Fatal: expunge: To avoid accidents, %s\n" % \
            error
    assert len(imap_uids(srv, u, "INBOX", "ALL")) == 3
    c = session(srv, u)
    try:
        ok(c, "SELECT INBOX")
        # A list with an OR is all OR: the subjects need a list of
        # their own, and doveadm's check then wants a mailbox first
        # (it fails at an OR without one before looking further).
        p = check(adm(srv, "expunge", "-u", u, "(", "mailbox", "INBOX",
                      "or", "mailbox", "Work", ")", "(", "subject", "two",
                      "or", "subject", "four", ")"), EX_USAGE)
        check(adm(srv, "expunge", "-u", u, "mailbox", "*", "(", "mailbox",
                  "INBOX", "or", "mailbox", "Work", ")", "(", "subject",
                  "two", "or", "subject", "four", ")"))
        lines = ok(c, "NOOP")
        assert "* 2 EXPUNGE" in lines
    finally:
        c.close()
    assert [x[1] for x in search(srv, u, "mailbox", "INBOX")] == ["1", "3"]
    assert search(srv, u, "mailbox", "Work") == []
    # -d deletes a mailbox left empty (the usage line says -m, as
    # doveadm's does, but -m is refused like there).
    deliver(srv, u, "Empty", MSG % ("gone", "gone", "x"))
    p = check(adm(srv, "expunge", "-m", "-u", u, "mailbox", "Empty",
                  "all"), EX_USAGE)
    assert p.stderr == "expunge: invalid option -- 'm'\n"
    check(adm(srv, "expunge", "-d", "-u", u, "mailbox", "Empty", "all"))
    # ... and one that was empty already; not one with messages left.
    c = session(srv, u)
    ok(c, "CREATE Empty2")
    c.close()
    check(adm(srv, "expunge", "-d", "-u", u, "mailbox", "Empty2", "all"))
    check(adm(srv, "expunge", "-d", "-u", u, "mailbox", "INBOX",
              "subject", "none"))
    c = session(srv, u)
    lines = ok(c, 'LIST "" "*"')
    c.close()
    assert not any(line.endswith((" Empty", " Empty2")) for line in lines)
    assert any(line.endswith(" INBOX") for line in lines)
    p = check(adm(srv, "expunge", "-u", u, "mailbox", "NoSuch", "all"),
              EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Syncing mailbox 'NoSuch' failed: "
                        "Mailbox doesn't exist: NoSuch\n" % (prog(srv), u))


def imap_count(srv, user, mailbox):
    c = session(srv, user)
    lines = ok(c, "STATUS %s (MESSAGES)" % mailbox)
    c.close()
    return int(re.search(r"MESSAGES (\d+)", lines[0]).group(1))


def test_copy(srv):
    u = "qcopy"
    populate(srv, u, ("Work",))
    c = session(srv, u)
    try:
        ok(c, "SELECT Work")
        check(adm(srv, "copy", "-u", u, "Work", "mailbox", "INBOX", "(",
                  "subject", "one", "or", "subject", "two", ")"))
        assert "* 3 EXISTS" in ok(c, "NOOP")
        lines = ok(c, "FETCH 2:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert [x for x in lines if x.startswith("Subject:")] == [
            "Subject: one", "Subject: two"]
    finally:
        c.close()
    assert imap_count(srv, u, "INBOX") == 3
    # Every mailbox into one of them: the copies made on the way are not
    # copied again (Work: 3 + INBOX's 3 + its own 3).
    check(adm(srv, "copy", "-u", u, "Work", "all"))
    assert imap_count(srv, u, "Work") == 9
    p = check(adm(srv, "copy", "-u", u, "NoSuch", "mailbox", "INBOX",
                  "all"), EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Can't open mailbox 'NoSuch': "
                        "Mailbox doesn't exist: NoSuch\n" % (prog(srv), u))
    p = check(adm(srv, "copy", "-u", u, "Work"), EX_USAGE)
    assert p.stderr.startswith("%s copy " % prog(srv))


def test_move_and_source_user(srv):
    u = "qmove"
    populate(srv, u, ("Archive",))
    populate(srv, "qsrc", ())
    c = session(srv, u)
    try:
        ok(c, "SELECT INBOX")
        check(adm(srv, "move", "-u", u, "Archive", "mailbox", "INBOX",
                  "body", "banana"))
        lines = ok(c, "NOOP")
        assert "* 2 EXPUNGE" in lines
    finally:
        c.close()
    assert imap_count(srv, u, "INBOX") == 2
    assert imap_count(srv, u, "Archive") == 2
    assert len(search(srv, u, "mailbox", "Archive", "subject", "two")) == 1
    # Moving a mailbox's messages into itself changes nothing.
    check(adm(srv, "move", "-u", u, "Archive", "mailbox", "Archive", "all"))
    assert imap_count(srv, u, "Archive") == 2
    # The safety checks of expunge apply, under move's name.
    p = check(adm(srv, "move", "-u", u, "Archive", "mailbox", "INBOX"),
              EX_USAGE)
    assert p.stderr.startswith("Fatal: move: To avoid accidents, each "
                               "branch")
    # From another user's mailboxes.
    check(adm(srv, "move", "-u", u, "Archive", "user", "qsrc", "mailbox",
              "INBOX", "subject", "three"))
    assert imap_count(srv, u, "Archive") == 3
    assert imap_count(srv, "qsrc", "INBOX") == 2
    check(adm(srv, "copy", "-u", u, "INBOX", "user", "qsrc", "mailbox",
              "INBOX", "all"))
    assert imap_count(srv, u, "INBOX") == 4
    assert imap_count(srv, "qsrc", "INBOX") == 2


def test_fetch_snippet(srv):
    u = "qfetch"
    deliver(srv, u, "INBOX", "Subject: snip-html\nContent-Type: text/html\n\n"
            "<p>Hi <b>there</b> &amp; <style>x</style>all</p>\n"
            "<blockquote>old</blockquote>&gt; quoted\n")
    deliver(srv, u, "INBOX", "Subject: snip-plain\n\n> quoted\n"
            "  Plain   text\n" + "w " * 300)
    p = check(adm(srv, "fetch", "-u", u, "body.snippet body.preview",
                  "mailbox", "INBOX", "subject", "snip-"))
    rows = p.stdout.split("\f\n")
    assert rows[0] == ("body.snippet: Hi there & all\n"
                       "body.preview: Hi there & all\n")
    line = rows[1].splitlines()[0]
    assert line.startswith("body.snippet: Plain text w w w ")
    # the quote before the text costs it two characters, as in doveadm
    assert len(line) == len("body.snippet: ") + 198


def test_fetch_sections(srv):
    u = "qfetch"
    deliver(srv, u, "INBOX", "Subject: sections\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
            "Content-Type: text/plain\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            "line1=\nsame\nline2 =3D\n--b\n"
            "Content-Type: application/octet-stream\n"
            "Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n")
    p = check(adm_bytes(srv, "fetch", "-u", u, "body.1 binary.1 binary.2 "
                        "body.2.MIME body.9", "mailbox", "INBOX",
                        "subject", "sections"))
    assert p.stdout == (
        b"body.1:\nline1=\r\nsame\r\nline2 =3D"
        b"binary.1:\nline1same\r\nline2 ="
        b"binary.2:\nhello"
        b"body.2.mime:\nContent-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"body.9:\n")
    deliver(srv, u, "INBOX", "Subject: =?UTF-8?Q?caf=C3=A9?=\n"
            "Content-Type: text/plain; charset=iso-8859-1\n"
            "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9\n")
    p = check(adm_bytes(srv, "fetch", "-u", u, "text.utf8", "mailbox",
                        "INBOX", "subject", "café"))
    assert p.stdout == (
        "text.utf8:\nSubject: café\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Café\r\n".encode())
    p = check(adm(srv, "fetch", "-u", u, "body.1.x", "all"), EX_TEMPFAIL)
    assert p.stderr.endswith("\nFatal: Unknown fetch section: 1.x\n")
