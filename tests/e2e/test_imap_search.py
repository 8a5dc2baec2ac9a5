"""SEARCH and UID SEARCH against the real server: every RFC 3501 key,
sequence sets and UIDs after an expunge, CHARSET, MODSEQ, WITHIN,
SAVEDATE keys, ESEARCH (RFC 4731) RETURN options and SEARCHRES (RFC 5182)
"$", with Dovecot 2.3's reply and error texts.  Messages are put into the
user's Maildir directly (with flags and INTERNALDATEs), as another
delivery agent would."""
import os
import re
import time

import pytest


def maildir_of(server, user="alice"):
    return os.path.join(server.mail_dir, user)


def put_messages(server, messages, user="alice"):
    """Writes messages into the user's Maildir INBOX before the first
    login: a list of (bytes, flags letters, internaldate unix time).
    They get UIDs 1..n in list order."""
    md = maildir_of(server, user)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, sub), exist_ok=True)
    base = int(time.time())
    for i, (data, flags, mtime) in enumerate(messages):
        name = "%d.M%dP%d.roost-e2e:2,%s" % (base + i, i, os.getpid(),
                                              flags)
        path = os.path.join(md, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (mtime, mtime))
    if server.root:
        uid, gid = server.uid_of(server.mail_user), \
            server.gid_of(server.mail_user)
        for dirpath, dirnames, filenames in os.walk(md):
            os.chown(dirpath, uid, gid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), uid, gid)


def message(msgid, frm, to, subject, date, body, cc="", extra=""):
    text = ("From: %s\r\nTo: %s\r\n" % (frm, to) +
            ("Cc: %s\r\n" % cc if cc else "") +
            "Subject: %s\r\nDate: %s\r\nMessage-ID: <%s@e2e>\r\n%s\r\n%s\r\n"
            % (subject, date, msgid, extra, body))
    return text.encode()


DAY = 86400
T0 = 1175000000  # 2007-03-27 12:53:20 UTC

MESSAGES = [
    (message("m1", "Alice <alice@example.com>", "bob@example.com",
             "hello beautiful world", "Sat, 24 Mar 2007 23:00:00 +0200",
             "asdfghjkl zxcvbnm", cc="carol@example.com"),
     "S", T0 - 10 * DAY),
    (message("m2", "Zed <zed@example.com>", "xavier@example.com",
             "expunged later", "Sun, 25 Mar 2007 01:00:00 +0200",
             "gone soon"),
     "T", T0 - 9 * DAY),
    (message("m3", "bob@example.com", "alice@example.com",
             "Re: hello beautiful world", "Sun, 25 Mar 2007 12:00:00 +0300",
             "qwertyuiop asdfghjkl", extra="In-Reply-To: <m1@e2e>\r\n"),
     "F", T0 - 8 * DAY),
    (message("m4", "Carol <carol@example.com>", "dave@example.com",
             "another subject", "Mon, 26 Mar 2007 10:00:00 +0300",
             "zxcvbnm qwertyuiop",
             extra="X-Extra: hello beautiful header\r\n"),
     "FS", T0 - 7 * DAY),
    (message("m5", "dave@example.com", "alice@example.com",
             "Re: another subject", "Tue, 27 Mar 2007 10:00:00 +0300",
             "a much longer body than the others, so that it is the "
             "largest message by a clear margin: qwertyuiop qwertyuiop",
             extra="References: <m4@e2e>\r\n"),
     "DR", T0 - 6 * DAY),
]


def start_mbox_server(make_server):
    """A started server whose alice has MESSAGES in INBOX."""
    return make_server(setup=lambda srv: put_messages(srv, MESSAGES))


@pytest.fixture
def mbox_server(make_server):
    return start_mbox_server(make_server)


def login_select(server):
    c = server.login("alice")
    typ, data = c.select("INBOX")
    assert typ == "OK", data
    assert int(data[0]) == len(MESSAGES)
    return c


def nums(data):
    return [int(x) for x in data[0].split()] if data[0] else []


def search(c, *criteria):
    typ, data = c.search(None, *criteria)
    assert typ == "OK", data
    return nums(data)


def uid_search(c, *criteria):
    typ, data = c.uid("SEARCH", *criteria)
    assert typ == "OK", data
    return nums(data)


def raw_select(server):
    """A LineClient logged in with INBOX selected."""
    lc = server.line_client()
    lc.readline()
    untagged, tagged = lc.command('LOGIN alice "%s"' %
                                  server.password("alice"))
    assert tagged.startswith("OK"), tagged
    untagged, tagged = lc.command("SELECT INBOX")
    assert tagged.startswith("OK"), tagged
    return lc


def strip_timing(tagged):
    return re.sub(r" \(\d+\.\d{3} \+ \d+\.\d{3}(?: \+ \d+\.\d{3})? secs\)",
                  "", tagged)


def test_search_flags_and_keys(mbox_server):
    c = login_select(mbox_server)
    assert search(c, "ALL") == [1, 2, 3, 4, 5]
    assert search(c, "SEEN") == [1, 4]
    assert search(c, "UNSEEN") == [2, 3, 5]
    assert search(c, "FLAGGED") == [3, 4]
    assert search(c, "UNFLAGGED") == [1, 2, 5]
    assert search(c, "DELETED") == [2]
    assert search(c, "UNDELETED") == [1, 3, 4, 5]
    assert search(c, "DRAFT") == [5]
    assert search(c, "UNDRAFT") == [1, 2, 3, 4]
    assert search(c, "ANSWERED") == [5]
    assert search(c, "UNANSWERED") == [1, 2, 3, 4]
    assert search(c, "SEEN", "FLAGGED") == [4]
    assert search(c, "NOT", "SEEN", "FLAGGED") == [3]
    assert search(c, "OR", "DELETED", "DRAFT") == [2, 5]
    assert search(c, "(SEEN FLAGGED)") == [4]
    assert search(c, "SUBJECT", "hello") == [1, 3]
    assert search(c, "SUBJECT", '"hello beautiful world"') == [1, 3]
    assert search(c, "SUBJECT", '"eautiful worl"') == [1, 3]
    assert search(c, "FROM", "alice") == [1]
    assert search(c, "TO", "alice") == [3, 5]
    assert search(c, "CC", "carol") == [1]
    assert search(c, "BCC", "carol") == []
    assert search(c, "HEADER", "X-Extra", '""') == [4]
    assert search(c, "NOT", "HEADER", "x-extra", '""') == [1, 2, 3, 5]
    assert search(c, "HEADER", "X-EXTRA", '"eautiful head"') == [4]
    assert search(c, "BODY", "asdfghjkl") == [1, 3]
    assert search(c, "BODY", "sdfghjk") == [1, 3]
    assert search(c, "TEXT", "hello") == [1, 3, 4]
    assert search(c, "TEXT", "zxcvbnm") == [1, 4]
    assert search(c, "SENTON", "25-Mar-2007") == [2, 3]
    assert search(c, "SENTBEFORE", "25-Mar-2007") == [1]
    assert search(c, "SENTSINCE", "26-Mar-2007") == [4, 5]
    c.logout()


def test_search_recent(mbox_server):
    c = login_select(mbox_server)
    # this first session claimed \Recent for all of them
    assert search(c, "RECENT") == [1, 2, 3, 4, 5]
    assert search(c, "NEW") == [2, 3, 5]
    assert search(c, "OLD") == []
    assert search(c, "NOT", "NEW") == [1, 4]
    c.logout()


def test_search_sizes_and_dates(mbox_server):
    c = login_select(mbox_server)
    # the messages have CRLF line endings: RFC822.SIZE is their length
    sizes = [len(data) for data, flags, mtime in MESSAGES]
    middle = sorted(sizes)[2]
    want_smaller = [i + 1 for i, s in enumerate(sizes) if s < middle]
    want_larger = [i + 1 for i, s in enumerate(sizes) if s > middle]
    assert search(c, "SMALLER", str(middle)) == want_smaller
    assert search(c, "LARGER", str(middle)) == want_larger
    assert search(c, "NOT", "SMALLER", str(middle), "NOT", "LARGER",
                  str(middle)) == [sizes.index(middle) + 1]
    # INTERNALDATE by day in the server's zone; WITHIN by seconds
    day4 = time.strftime("%d-%b-%Y", time.localtime(T0 - 7 * DAY))
    assert search(c, "ON", day4) == [4]
    assert search(c, "BEFORE", day4) == [1, 2, 3]
    assert search(c, "SINCE", day4) == [4, 5]
    now = time.time()
    assert search(c, "OLDER", str(int(now - (T0 - 8 * DAY) - 3600))) == \
        [1, 2, 3]
    assert search(c, "YOUNGER", str(int(now - (T0 - 8 * DAY) - 3600))) == \
        [4, 5]
    # RFC 8514: the save date is when Roost first saw the files
    today = time.strftime("%d-%b-%Y", time.localtime())
    assert search(c, "SAVEDSINCE", today) == [1, 2, 3, 4, 5]
    assert search(c, "SAVEDBEFORE", today) == []
    assert search(c, "SAVEDATESUPPORTED") == [1, 2, 3, 4, 5]
    c.logout()


def test_search_sets_after_expunge(mbox_server):
    c = login_select(mbox_server)
    assert uid_search(c, "ALL") == [1, 2, 3, 4, 5]
    typ, data = c.expunge()  # message 2 has \Deleted
    assert typ == "OK", data
    assert search(c, "ALL") == [1, 2, 3, 4]
    assert uid_search(c, "ALL") == [1, 3, 4, 5]
    assert search(c, "1:2,4") == [1, 2, 4]
    assert search(c, "4:2") == [2, 3, 4]
    assert search(c, "UID", "1:3,5") == [1, 2, 4]
    assert search(c, "UID", "4:2") == [2, 3]
    assert search(c, "1:3", "NOT", "UID", "3") == [1, 3]
    assert search(c, "NOT", "2,4") == [1, 3]
    assert search(c, "OR", "1", "UID", "3") == [1, 2]
    assert search(c, "*") == [4]
    assert search(c, "UID", "*") == [4]
    assert search(c, "UID", "6:*") == [4]
    assert search(c, "*:3") == [3, 4]
    assert search(c, "(3)", "UID", "4") == [3]
    assert search(c, "1000") == []
    assert uid_search(c, "UID", "1:4294967295") == [1, 3, 4, 5]
    assert uid_search(c, "UID", "6:4294967295") == []
    c.logout()


def test_search_charset(mbox_server):
    c = login_select(mbox_server)
    assert search(c, "CHARSET", "UTF-8", "SUBJECT", "world") == [1, 3]
    assert search(c, "CHARSET", "US-ASCII", "SUBJECT", "world") == [1, 3]
    assert search(c, "CHARSET", "ISO-8859-1", "BODY", "qwertyuiop") == \
        [3, 4, 5]
    typ, data = c.search("FOO-BAR", "SUBJECT", "x")
    assert typ == "NO", data
    assert data[0].startswith(b"[BADCHARSET] Unknown charset"), data
    c.logout()


def test_search_raw_replies(mbox_server):
    lc = raw_select(mbox_server)
    cases = [
        ("SEARCH 2:3", ["* SEARCH 2 3"], "OK Search completed."),
        ("SEARCH 1000", ["* SEARCH"], "OK Search completed."),
        ("SEARCH", [], "BAD Error in IMAP command SEARCH: "
         "Missing search parameters."),
        ("SEARCH FOO", [], "BAD Error in IMAP command SEARCH: "
         "Unknown argument FOO."),
        ("UID SEARCH FOO", [], "BAD Error in IMAP command UID SEARCH: "
         "Unknown argument FOO."),
        ("SEARCH ()", [], "BAD Error in IMAP command SEARCH: "
         "No search parameters inside list."),
        ("SEARCH NOT", [], "BAD Error in IMAP command SEARCH: "
         "Missing argument."),
        ("SEARCH SUBJECT", [], "BAD Error in IMAP command SEARCH: "
         "Missing parameter for search key (for search key: SUBJECT)."),
        ("SEARCH BEFORE 1-Foo-2020", [], "BAD Error in IMAP command "
         "SEARCH: Invalid search date parameter."),
        ("SEARCH LARGER x", [], "BAD Error in IMAP command SEARCH: "
         "Invalid search size parameter."),
        ("SEARCH UID 0", [], "BAD Error in IMAP command SEARCH: "
         "Invalid UID messageset."),
        ("SEARCH 1:x", [], "BAD Error in IMAP command SEARCH: "
         "Invalid messageset."),
        ('SEARCH "ALL"', [], "BAD Error in IMAP command SEARCH: "
         "Unexpected string as search key: ALL."),
        ("SEARCH OLDER 0", [], "BAD Error in IMAP command SEARCH: "
         "Invalid search interval parameter."),
        ("SEARCH CHARSET FOO ALL", [], "NO [BADCHARSET] Unknown charset."),
        ("SEARCH CHARSET (UTF-8) ALL", [], "BAD Error in IMAP command "
         "SEARCH: Invalid charset argument."),
        ("SEARCH RETURN (FOO) ALL", [], "BAD Error in IMAP command "
         "SEARCH: Unknown SEARCH return option."),
        ("SEARCH RETURN (PARTIAL 1:*) ALL", [], "BAD Error in IMAP "
         "command SEARCH: PARTIAL range broken."),
    ]
    for command, untagged_want, tagged_want in cases:
        untagged, tagged = lc.command(command)
        assert untagged == untagged_want, command
        assert strip_timing(tagged) == tagged_want, command
    # the timing is Dovecot's
    untagged, tagged = lc.command("SEARCH ALL")
    assert re.fullmatch(r"OK Search completed \(\d+\.\d{3} \+ \d+\.\d{3} "
                        r"secs\)\.", tagged), tagged
    lc.command("LOGOUT")
    lc.close()


def test_esearch_and_searchres(mbox_server):
    lc = raw_select(mbox_server)
    untagged, tagged = lc.command("EXPUNGE")
    assert untagged[0] == "* 2 EXPUNGE", untagged

    def esearch(command, want, tagged_want="OK Search completed."):
        tag = "t%d" % (lc.tag_no + 1)
        untagged, tagged = lc.command(command)
        assert strip_timing(tagged) == tagged_want, command
        assert untagged == [w.replace("$TAG", tag) for w in want], command

    esearch("SEARCH RETURN () ALL", ['* ESEARCH (TAG "$TAG") ALL 1:4'])
    esearch("SEARCH RETURN (ALL) ALL", ['* ESEARCH (TAG "$TAG") ALL 1:4'])
    esearch("UID SEARCH RETURN (ALL) ALL",
            ['* ESEARCH (TAG "$TAG") UID ALL 1,3:5'])
    esearch("SEARCH RETURN (MIN MAX COUNT) FLAGGED",
            ['* ESEARCH (TAG "$TAG") MIN 2 MAX 3 COUNT 2'])
    esearch("UID SEARCH RETURN (MIN) FLAGGED",
            ['* ESEARCH (TAG "$TAG") UID MIN 3'])
    esearch("SEARCH RETURN (MIN) 1000", ['* ESEARCH (TAG "$TAG")'])
    esearch("SEARCH RETURN (COUNT) 1000",
            ['* ESEARCH (TAG "$TAG") COUNT 0'])
    esearch("UID SEARCH RETURN () 1000", ['* ESEARCH (TAG "$TAG") UID'])
    esearch("SEARCH RETURN (PARTIAL 2:3) ALL",
            ['* ESEARCH (TAG "$TAG") PARTIAL (2:3 2:3)'])
    esearch("UID SEARCH RETURN (PARTIAL 1:2) ALL",
            ['* ESEARCH (TAG "$TAG") UID PARTIAL (1:2 1,3)'])
    esearch("SEARCH RETURN (PARTIAL 5:9) ALL",
            ['* ESEARCH (TAG "$TAG") PARTIAL (5:9 NIL)'])
    # SEARCHRES: SAVE alone sends nothing but OK; "$" works in SEARCH,
    # UID SEARCH and FETCH
    esearch("SEARCH RETURN (SAVE) FLAGGED", [])
    esearch("SEARCH $", ["* SEARCH 2 3"])
    esearch("UID SEARCH $", ["* SEARCH 3 4"])
    esearch("SEARCH RETURN (SAVE MIN) UID 1",
            ['* ESEARCH (TAG "$TAG") MIN 1'])
    esearch("SEARCH NOT $", ["* SEARCH 2 3 4"])
    esearch("SEARCH RETURN (SAVE) OR $ 4", [])
    esearch("SEARCH $", ["* SEARCH 1 4"])
    untagged, tagged = lc.command("FETCH $ (UID)")
    assert tagged.startswith("OK"), tagged
    assert untagged == ["* 1 FETCH (UID 1)", "* 4 FETCH (UID 5)"]
    # a failed SEARCH keeps "$" as it was (Dovecot)
    esearch("SEARCH RETURN (SAVE) FOO", [],
            "BAD Error in IMAP command SEARCH: Unknown argument FOO.")
    esearch("SEARCH $", ["* SEARCH 1 4"])
    # a new selection empties it
    untagged, tagged = lc.command("SELECT INBOX")
    assert tagged.startswith("OK"), tagged
    esearch("SEARCH $", ["* SEARCH"])
    lc.command("LOGOUT")
    lc.close()


def test_search_modseq_enables_condstore(mbox_server):
    lc = raw_select(mbox_server)
    untagged, tagged = lc.command("SEARCH MODSEQ 1")
    assert tagged.startswith("OK Search completed"), tagged
    assert untagged[0].startswith("* OK [HIGHESTMODSEQ "), untagged
    highest = int(re.search(r"HIGHESTMODSEQ (\d+)", untagged[0]).group(1))
    m = re.fullmatch(r"\* SEARCH 1 2 3 4 5 \(MODSEQ (\d+)\)", untagged[1])
    assert m, untagged
    assert int(m.group(1)) == highest
    untagged, tagged = lc.command("SEARCH MODSEQ %d" % (highest + 1))
    assert untagged == ["* SEARCH"], untagged
    untagged, tagged = lc.command(
        'SEARCH MODSEQ "/flags/\\\\Seen" all 1 SEEN')
    assert re.fullmatch(r"\* SEARCH 1 4 \(MODSEQ \d+\)", untagged[0])
    untagged, tagged = lc.command("SEARCH RETURN (COUNT) MODSEQ 1")
    assert re.fullmatch(r'\* ESEARCH \(TAG "t\d+"\) COUNT 5 MODSEQ %d'
                        % highest, untagged[0]), untagged
    untagged, tagged = lc.command('SEARCH MODSEQ "/flags/\\\\foo" all 1')
    assert strip_timing(tagged) == "BAD Error in IMAP command SEARCH: " \
        "Invalid MODSEQ system flag.", tagged
    lc.command("LOGOUT")
    lc.close()


def test_search_nothing_changed_by_bad_input(mbox_server):
    """Bad SEARCH input answers BAD/NO and changes nothing on disk."""
    md = maildir_of(mbox_server)
    lc = raw_select(mbox_server)
    before = sorted(os.listdir(os.path.join(md, "cur")))
    for command in ("SEARCH FOO", "SEARCH CHARSET FOO ALL",
                    "SEARCH " + "NOT " * 3000 + "(",
                    "SEARCH HEADER", "SEARCH RETURN (SAVE) (ALL"):
        untagged, tagged = lc.command(command)
        assert tagged.startswith(("BAD", "NO")), (command[:40], tagged)
    assert sorted(os.listdir(os.path.join(md, "cur"))) == before
    # the session still works
    untagged, tagged = lc.command("SEARCH SEEN")
    assert untagged == ["* SEARCH 1 4"], untagged
    lc.command("LOGOUT")
    lc.close()


def test_search_needs_selected_mailbox(mbox_server):
    lc = mbox_server.line_client()
    lc.readline()
    lc.command('LOGIN alice "%s"' % mbox_server.password("alice"))
    for command in ("SEARCH ALL", "UID SEARCH ALL", "SORT (ARRIVAL) "
                    "UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL"):
        untagged, tagged = lc.command(command)
        assert strip_timing(tagged) == "BAD No mailbox selected.", tagged
    lc.command("LOGOUT")
    lc.close()


def test_capabilities(mbox_server):
    c = mbox_server.login("alice")
    typ, data = c.capability()
    caps = set(data[0].decode().upper().split())
    assert {"ESEARCH", "SEARCHRES", "WITHIN", "SORT", "SORT=DISPLAY",
            "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES",
            "THREAD=REFS"} <= caps
    c.logout()


def test_search_sent_date_without_date_header(make_server):
    # No Date: header: the sent date is 0 (1-Jan-1970), as in Dovecot
    # 2.3 (checked with ROOST_E2E_SERVER=dovecot): SENTBEFORE any later
    # day matches, SENTSINCE does not; the internal date doesn't count.
    no_date = b"From: a@example.com\r\nSubject: no date\r\n\r\nbody\r\n"
    srv = make_server(setup=lambda s: put_messages(s, [
        (no_date, "", T0),
        (message("d1", "a@example.com", "b@example.com", "dated",
                 "Tue, 27 Mar 2007 10:00:00 +0300", "body"), "", T0)]))
    c = srv.login("alice")
    assert c.select("INBOX")[0] == "OK"
    assert search(c, "SENTBEFORE", "1-Jan-2000") == [1]
    assert search(c, "SENTSINCE", "1-Jan-2000") == [2]
    assert search(c, "SENTON", "27-Mar-2007") == [2]
    assert search(c, "SENTON", "1-Jan-1970") == [1]
    c.logout()
