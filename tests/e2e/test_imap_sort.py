"""SORT and UID SORT (RFC 5256) with SORT=DISPLAY (RFC 5957) and ESORT
(RFC 5267 RETURN options) against the real server."""
import pytest

from test_imap_search import (MESSAGES, T0, put_messages, raw_select,
                              start_mbox_server, strip_timing)


@pytest.fixture
def mbox_server(make_server):
    return start_mbox_server(make_server)


def sort(lc, command):
    untagged, tagged = lc.command(command)
    assert strip_timing(tagged) == "OK Sort completed.", (command, tagged)
    return untagged


def test_sort_criteria(mbox_server):
    lc = raw_select(mbox_server)
    # sizes ascend 2 < 1 < 4 < 3 < 5 (see MESSAGES)
    sizes = [(len(data), i + 1) for i, (data, flags, mtime)
             in enumerate(MESSAGES)]
    by_size = [seq for size, seq in sorted(sizes)]
    assert sort(lc, "SORT (SIZE) UTF-8 ALL") == \
        ["* SORT " + " ".join(map(str, by_size))]
    assert sort(lc, "SORT (REVERSE SIZE) UTF-8 ALL") == \
        ["* SORT " + " ".join(map(str, reversed(by_size)))]
    # base subjects: another subject (4, 5), expunged later (2),
    # hello beautiful world (1, 3)
    assert sort(lc, "SORT (SUBJECT) US-ASCII ALL") == ["* SORT 4 5 2 1 3"]
    assert sort(lc, "SORT (REVERSE SUBJECT) US-ASCII ALL") == \
        ["* SORT 1 3 2 4 5"]
    # first From mailbox: alice, bob, carol, dave, zed
    assert sort(lc, "SORT (FROM) UTF-8 ALL") == ["* SORT 1 3 4 5 2"]
    # display names (else the address): Alice, bob@.., Carol, dave@..,
    # Zed
    assert sort(lc, "SORT (DISPLAYFROM) UTF-8 ALL") == ["* SORT 1 3 4 5 2"]
    # To mailboxes: alice (3, 5), bob (1), dave (4), xavier (2)
    assert sort(lc, "SORT (TO) UTF-8 ALL") == ["* SORT 3 5 1 4 2"]
    assert sort(lc, "SORT (DATE) UTF-8 ALL") == ["* SORT 1 2 3 4 5"]
    assert sort(lc, "SORT (REVERSE DATE) UTF-8 ALL") == \
        ["* SORT 5 4 3 2 1"]
    assert sort(lc, "SORT (ARRIVAL) UTF-8 ALL") == ["* SORT 1 2 3 4 5"]
    assert sort(lc, "SORT (REVERSE ARRIVAL) UTF-8 SEEN") == ["* SORT 4 1"]
    assert sort(lc, "UID SORT (REVERSE ARRIVAL) UTF-8 NOT 1") == \
        ["* SORT 5 4 3 2"]
    assert sort(lc, "SORT (SUBJECT REVERSE ARRIVAL) UTF-8 ALL") == \
        ["* SORT 5 4 2 3 1"]
    assert sort(lc, "SORT (ARRIVAL) UTF-8 1000") == ["* SORT"]
    lc.command("LOGOUT")
    lc.close()


def test_esort(mbox_server):
    lc = raw_select(mbox_server)

    def esort(command, want):
        tag = "t%d" % (lc.tag_no + 1)
        assert sort(lc, command) == [want.replace("$TAG", tag)], command

    esort("SORT RETURN (MIN) (ARRIVAL) US-ASCII 1:5",
          '* ESEARCH (TAG "$TAG") MIN 1')
    esort("SORT RETURN (MAX) (ARRIVAL) US-ASCII 1:5",
          '* ESEARCH (TAG "$TAG") MAX 5')
    esort("SORT RETURN (ALL) (ARRIVAL) US-ASCII 1:5",
          '* ESEARCH (TAG "$TAG") ALL 1:5')
    esort("SORT RETURN (COUNT) (ARRIVAL) US-ASCII 1:5",
          '* ESEARCH (TAG "$TAG") COUNT 5')
    # in sort order, ascending runs joined (RFC 5267 §3.2)
    esort("SORT RETURN (ALL) (REVERSE ARRIVAL) US-ASCII ALL",
          '* ESEARCH (TAG "$TAG") ALL 5,4,3,2,1')
    esort("SORT RETURN (ALL MIN MAX) (SUBJECT) US-ASCII ALL",
          '* ESEARCH (TAG "$TAG") MIN 4 MAX 3 ALL 4:5,2,1,3')
    esort("UID SORT RETURN (PARTIAL 2:3) (SUBJECT) US-ASCII ALL",
          '* ESEARCH (TAG "$TAG") UID PARTIAL (2:3 5,2)')
    esort("SORT RETURN () (ARRIVAL) US-ASCII 1000",
          '* ESEARCH (TAG "$TAG")')
    untagged = sort(lc, "SORT RETURN (SAVE) (REVERSE ARRIVAL) UTF-8 SEEN")
    assert untagged == []
    untagged, tagged = lc.command("SEARCH $")
    assert untagged == ["* SEARCH 1 4"], untagged
    lc.command("LOGOUT")
    lc.close()


def test_sort_errors(mbox_server):
    lc = raw_select(mbox_server)
    cases = [
        ("SORT", "BAD Error in IMAP command SORT: Invalid sort argument."),
        ("SORT ARRIVAL UTF-8 ALL", "BAD Error in IMAP command SORT: "
         "Invalid sort argument."),
        ("SORT (ARRIVAL)", "BAD Error in IMAP command SORT: "
         "Invalid charset argument."),
        ("SORT (ARRIVAL) UTF-8", "BAD Error in IMAP command SORT: "
         "Missing search parameters."),
        ("SORT () UTF-8 ALL", "BAD Error in IMAP command SORT: "
         "Empty sort program."),
        ("SORT (FOO) UTF-8 ALL", "BAD Error in IMAP command SORT: "
         "Unknown sort argument: FOO."),
        ("UID SORT (REVERSE) UTF-8 ALL", "BAD Error in IMAP command "
         "UID SORT: Sort list ends with REVERSE."),
        ("SORT (ARRIVAL) FOO ALL", "NO [BADCHARSET] Unknown charset."),
        ("SORT (ARRIVAL) UTF-8 FOO", "BAD Error in IMAP command SORT: "
         "Unknown argument FOO."),
        ("SORT RETURN (PARTIAL 1:2 ALL) (ARRIVAL) UTF-8 ALL",
         "BAD Error in IMAP command SORT: PARTIAL conflicts with ALL."),
        ("SORT RETURN (PARTIAL 1) (ARRIVAL) UTF-8 ALL",
         "BAD Error in IMAP command SORT: PARTIAL range broken."),
    ]
    for command, want in cases:
        untagged, tagged = lc.command(command)
        assert untagged == [] and strip_timing(tagged) == want, command
    lc.command("LOGOUT")
    lc.close()


def plain(subject, frm, to, cc=None, date="Mon, 1 Jan 2024 10:00:00 +0000"):
    text = "From: %s\r\nTo: %s\r\n" % (frm, to)
    if cc is not None:
        text += "Cc: %s\r\n" % cc
    text += "Subject: %s\r\nDate: %s\r\n\r\nbody\r\n" % (subject, date)
    return text.encode()


# Keys chosen where Dovecot's i;unicode-casemap (title case, decomposed)
# orders differently from a lower-case comparison, and address fields
# that start with a group.
CASEMAP_MESSAGES = [
    (plain("_under", "grp: zz@x.org;", "Zo\xeb <b@x.org>",
           cc="undisclosed-recipients:;"), "", T0),
    (plain("apfel", "bob@x.org", "=?utf-8?q?=C3=84rger?= <z@x.org>",
           cc="carl@x.org"), "", T0 + 1),
    (plain("=?utf-8?q?=C3=84pfel?=", "Alice <alice@x.org>", "Ed <e@x.org>",
           cc="Aaron <aaron@x.org>"), "", T0 + 2),
    (plain("[xyz]", "_x@x.org", "alpha@x.org"), "", T0 + 3),
    (plain("AZ", "ALICE@x.org", "=?utf-8?q?=C3=A9mile?= <e@x.org>",
           cc="a: b@x.org;"), "", T0 + 4),
    (plain("b", "[b]@x.org", "\"[b]\" <c@x.org>"), "", T0 + 5),
]


@pytest.fixture
def casemap_server(make_server):
    return make_server(setup=lambda srv: put_messages(srv,
                                                      CASEMAP_MESSAGES))


def test_sort_dovecot_casemap_and_groups(casemap_server):
    """String keys compare as Dovecot's i;unicode-casemap: "a" = "A", "_"
    and "[" after the letters, "Ä" (A + U+0308) after "AZ" and before
    "B"; the FROM/TO/CC key of a group is the group's name (imaptest
    sort-addresses); ties by sequence number, also under REVERSE."""
    lc = raw_select(casemap_server)
    # base subjects: apfel, AZ, Äpfel, b, [xyz], _under
    assert sort(lc, "SORT (SUBJECT) UTF-8 ALL") == ["* SORT 2 5 3 6 4 1"]
    assert sort(lc, "SORT (REVERSE SUBJECT) UTF-8 ALL") == \
        ["* SORT 1 4 6 3 5 2"]
    # From mailboxes: grp (a group), bob, alice, _x, ALICE, [b]
    assert sort(lc, "SORT (FROM) UTF-8 ALL") == ["* SORT 3 5 2 1 6 4"]
    # Cc: undisclosed-recipients (a group), carl, aaron, -, a (a group), -
    assert sort(lc, "SORT (CC) UTF-8 ALL") == ["* SORT 4 6 5 3 2 1"]
    assert sort(lc, "SORT (REVERSE CC) UTF-8 ALL") == \
        ["* SORT 1 2 3 5 4 6"]
    # display names: Zoë, Ärger, Ed, alpha@x.org, émile, [b]
    assert sort(lc, "SORT (DISPLAYTO) UTF-8 ALL") == ["* SORT 4 2 3 5 1 6"]
    # display names: grp, bob@x.org, Alice, _x@x.org, ALICE@x.org, [b]@..
    assert sort(lc, "SORT (DISPLAYFROM) UTF-8 ALL") == \
        ["* SORT 3 5 2 1 6 4"]
    # several keys: equal CC keys (4 and 6 have none) by REVERSE ARRIVAL
    assert sort(lc, "SORT (CC REVERSE ARRIVAL) UTF-8 ALL") == \
        ["* SORT 6 4 5 3 2 1"]
    assert sort(lc, "SORT (REVERSE CC REVERSE SUBJECT) UTF-8 ALL") == \
        ["* SORT 1 2 3 5 4 6"]
    lc.command("LOGOUT")
    lc.close()
