"""STORE and UID STORE against the real server: FLAGS/+FLAGS/-FLAGS and
.SILENT, keywords (created on demand and announced with FLAGS and
PERMANENTFLAGS), CONDSTORE's UNCHANGEDSINCE with [MODIFIED], read-only
mailboxes, bad input (BAD/NO and nothing changed, on disk too), and the
changes reaching another session and the Maildir file names.  Expected
texts are Dovecot 2.3's; the tests pass against it too."""
import os
import re

import imapwire
from imapwire import fetch, put_messages

MSGS = [b"Subject: m%d\r\n\r\nbody %d\r\n" % (i, i) for i in range(4)]


def flags_of(items):
    """FLAGS without \\Recent; the keyword NIL parses as None."""
    return ["NIL" if f is None else f for f in items["FLAGS"]
            if f != "\\Recent"]


def store(w, text, uid=False):
    """Runs STORE: ({seq: items} of the FETCH responses, other untagged,
    tagged)."""
    untagged, tagged = w.command(("UID " if uid else "") + "STORE " + text)
    got = {}
    other = []
    for resp in untagged:
        if re.match(rb"\* \d+ FETCH ", resp):
            seq, pairs = imapwire.parse_fetch(resp)
            got.setdefault(seq, {}).update(pairs)
        else:
            other.append(resp)
    return got, other, tagged


def all_flags(w):
    res, _, _ = fetch(w, "1:* FLAGS")
    return {s: flags_of(it) for s, it in res}


def maildir_flags(server):
    """Maildir info letters of the files in cur/, in UID order (names
    sorted as put_messages made them)."""
    names = sorted(os.listdir(os.path.join(imapwire.maildir_path(server),
                                           "cur")))
    return [n.split(":2,", 1)[1] if ":2," in n else "" for n in names]


def start_selected(make_server):
    server = make_server()
    put_messages(server, MSGS)
    w = imapwire.connect(server)
    untagged, tagged = w.command("SELECT INBOX")
    assert tagged.startswith("OK")
    return server, w


def test_store_flags(make_server):
    server, w = start_selected(make_server)
    got, _, tagged = store(w, "1:3 FLAGS (\\Seen)")
    assert tagged == "OK Store completed."
    assert {s: flags_of(it) for s, it in got.items()} == \
        {1: ["\\Seen"], 2: ["\\Seen"], 3: ["\\Seen"]}
    # only messages that changed are answered
    got, _, _ = store(w, "1:4 +FLAGS \\Seen")
    assert list(got) == [4]
    got, _, _ = store(w, "1 +FLAGS (\\Answered \\Flagged \\Deleted \\Draft)")
    assert flags_of(got[1]) == ["\\Answered", "\\Flagged", "\\Deleted",
                                "\\Seen", "\\Draft"]
    got, _, _ = store(w, "1 -FLAGS \\Answered \\Draft")
    assert flags_of(got[1]) == ["\\Flagged", "\\Deleted", "\\Seen"]
    # .SILENT: nothing answered, still stored
    got, _, tagged = store(w, "2 +FLAGS.SILENT (\\Flagged)")
    assert got == {} and tagged == "OK Store completed."
    got, _, _ = store(w, "3 FLAGS.SILENT ()")
    assert got == {}
    assert all_flags(w) == {1: ["\\Flagged", "\\Deleted", "\\Seen"],
                            2: ["\\Flagged", "\\Seen"], 3: [],
                            4: ["\\Seen"]}
    # UID STORE answers with UIDs
    got, _, _ = store(w, "3:4 +FLAGS (\\Answered)", uid=True)
    assert {s: it["UID"] for s, it in got.items()} == {3: 3, 4: 4}
    # another session and the Maildir see it all
    w2 = imapwire.connect(server)
    w2.command("SELECT INBOX")
    assert all_flags(w2) == all_flags(w)
    assert maildir_flags(server) == ["FST", "FS", "R", "RS"]
    w.close()
    w2.close()


def test_store_keywords(make_server):
    server, w = start_selected(make_server)
    got, other, tagged = store(w, "2,4 +FLAGS ($Hello world)")
    assert tagged == "OK Store completed."
    # new keywords are announced before the FETCH responses
    assert re.match(rb"\* FLAGS \(.*\$Hello world\)$", other[0]), other
    assert re.match(rb"\* OK \[PERMANENTFLAGS \(.*\$Hello world \\\*\)\] "
                    rb"Flags permitted\.$", other[1]), other
    assert flags_of(got[2]) == ["$Hello", "world"]
    # known keywords are not announced again
    got, other, _ = store(w, "1 +FLAGS world")
    assert other == [] and flags_of(got[1]) == ["world"]
    got, _, _ = store(w, "2 -FLAGS ($Hello)")
    assert flags_of(got[2]) == ["world"]
    # NIL is an ordinary keyword (imaptest's nil script)
    got, _, tagged = store(w, "3 +FLAGS NIL")
    assert tagged == "OK Store completed." and flags_of(got[3]) == ["NIL"]
    # the keywords file and the names on disk
    md = imapwire.maildir_path(server)
    with open(os.path.join(md, "dovecot-keywords")) as f:
        kw = f.read()
    assert "$Hello" in kw and "world" in kw
    w2 = imapwire.connect(server)
    w2.command("SELECT INBOX")
    assert all_flags(w2) == {1: ["world"], 2: ["world"], 3: ["NIL"],
                             4: ["$Hello", "world"]}
    w.close()
    w2.close()


def test_store_condstore(make_server):
    server, w = start_selected(make_server)
    # UNCHANGEDSINCE enables CONDSTORE; every message changed since 1
    untagged, tagged = w.command("STORE 1 (UNCHANGEDSINCE 1) +FLAGS "
                                 "\\Deleted")
    assert tagged == "OK [MODIFIED 1] Conditional store failed."
    assert re.match(rb"\* OK \[HIGHESTMODSEQ \d+\] Highest", untagged[0])
    res, _, _ = fetch(w, "1:* (MODSEQ)")
    modseq = {s: it["MODSEQ"][0] for s, it in res}
    high = max(modseq.values())
    # with CONDSTORE, replies carry MODSEQ first
    got, _, tagged = store(w, "1:2 (UNCHANGEDSINCE %d) +FLAGS \\Flagged"
                           % high)
    assert tagged.endswith("Store completed."), tagged
    assert set(got) == {1, 2}
    new = got[1]["MODSEQ"][0]
    assert new > high and got[2]["MODSEQ"][0] == new
    assert list(got[1])[0] == "MODSEQ"
    # 2 changed after "high": a conditional store fails for it alone
    got, _, tagged = store(w, "2:3 (UNCHANGEDSINCE %d) +FLAGS \\Answered"
                           % high)
    assert tagged == "OK [MODIFIED 2] Conditional store failed."
    assert set(got) == {3}
    assert "\\Answered" not in flags_of(all_flags_items(w)[2])
    # UID STORE reports UIDs; 0 fails every message
    got, _, tagged = store(w, "1:* (UNCHANGEDSINCE 0) +FLAGS \\Seen",
                           uid=True)
    assert tagged == "OK [MODIFIED 1:4] Conditional store failed."
    assert got == {}
    # .SILENT still tells the new MODSEQ
    got, _, _ = store(w, "4 +FLAGS.SILENT \\Seen")
    assert list(got[4]) == ["MODSEQ"]
    w.close()


def all_flags_items(w):
    res, _, _ = fetch(w, "1:* FLAGS")
    return dict(res)


def test_store_readonly_and_errors_change_nothing(make_server):
    server, w = start_selected(make_server)
    before = maildir_flags(server)
    for cmd, reply in [
            ("STORE 1 +FLAGS \\Recent", "BAD Error in IMAP command STORE: "
             "Invalid system flag \\RECENT."),
            ("STORE 1 +FLAGS \\Foo", "BAD Error in IMAP command STORE: "
             "Invalid system flag \\FOO."),
            ("STORE 1 FOO (\\Seen)", "BAD Error in IMAP command STORE: "
             "Invalid arguments."),
            ('STORE 1 +FLAGS "quoted"', "BAD Error in IMAP command STORE: "
             "Flags list contains non-atoms."),
            ("STORE 1 (UNCHANGEDSINCE x) +FLAGS \\Seen", "BAD Error in IMAP "
             "command STORE: Invalid modseq."),
            ("STORE 1 (FOO 1) +FLAGS \\Seen", "BAD Error in IMAP command "
             "STORE: Unknown STORE modifier."),
            ("STORE 5 +FLAGS \\Seen", "BAD Error in IMAP command STORE: "
             "Invalid messageset."),
            ("STORE 1 +FLAGS (\\Seen a%b)", None),
            ("STORE 1 +FLAGS " + "k" * 300, None),
    ]:
        untagged, tagged = w.command(cmd)
        if reply is None:
            # an invalid keyword: NO [CANNOT] from storage
            assert tagged.startswith("NO [CANNOT] "), tagged
        else:
            assert tagged == reply, (cmd, tagged)
        assert not any(u.startswith(b"* 1 FETCH") for u in untagged)
    assert maildir_flags(server) == before
    assert all(f == [] for f in all_flags(w).values())
    # EXAMINE: ignored, as Dovecot says
    w.command("EXAMINE INBOX")
    got, _, tagged = store(w, "1 +FLAGS \\Seen")
    assert tagged == "OK Store ignored with read-only mailbox."
    assert got == {} and maildir_flags(server) == before
    w.close()


def test_store_seen_by_other_session(make_server):
    server, a = start_selected(make_server)
    b = imapwire.connect(server)
    b.command("SELECT INBOX")
    store(a, "2 +FLAGS \\Flagged")
    untagged, tagged = b.command("NOOP")
    changes = [imapwire.parse_fetch(u) for u in untagged
               if re.match(rb"\* \d+ FETCH", u)]
    assert [(s, [f for f in dict(p)["FLAGS"] if f != "\\Recent"])
            for s, p in changes] == [(2, ["\\Flagged"])]
    # two sessions changing different flags don't undo each other
    store(a, "1 +FLAGS \\Answered")
    store(b, "1 +FLAGS \\Draft")
    a.command("NOOP")
    assert flags_of(all_flags_items(a)[1]) == ["\\Answered", "\\Draft"]
    a.close()
    b.close()


def status_highestmodseq(w):
    untagged, tagged = w.command("STATUS INBOX (HIGHESTMODSEQ)")
    assert tagged.startswith("OK"), tagged
    return int(re.search(rb"HIGHESTMODSEQ (\d+)", untagged[0]).group(1))


def test_store_highestmodseq_condstore_only(make_server):
    """Dovecot 2.3 tells a CONDSTORE (not QRESYNC) client a raised
    HIGHESTMODSEQ only at SELECT, ENABLE and STATUS: the tagged replies
    of STORE, FETCH, SEARCH and NOOP carry none, whatever another session
    did (they used to carry the stale SELECT value after a non-UID
    STORE)."""
    server, a = start_selected(make_server)
    b = imapwire.connect(server)
    b.command("SELECT INBOX")
    untagged, tagged = a.command("ENABLE CONDSTORE")
    assert tagged == "OK Enabled.", tagged
    for text in ("STORE 1 +FLAGS (\\Seen)", "STORE 2 +FLAGS.SILENT "
                 "(\\Seen)", "FETCH 1 (MODSEQ)", "UID STORE 3 +FLAGS "
                 "(\\Seen)"):
        untagged, tagged = a.command(text)
        assert "HIGHESTMODSEQ" not in tagged, (text, tagged)
    b.command("APPEND INBOX {1+}\r\nx")
    b.command("STORE 4 +FLAGS (\\Deleted)")
    b.command("EXPUNGE")
    for text in ("FETCH 1 (FLAGS)", "SEARCH ALL", "NOOP", "NOOP"):
        untagged, tagged = a.command(text)
        assert "HIGHESTMODSEQ" not in tagged, (text, tagged)
        assert not any(b"HIGHESTMODSEQ" in u for u in untagged), untagged
    a.close()
    b.close()


def test_store_highestmodseq_qresync(make_server):
    """QRESYNC (RFC 7162 §3.2.10, as Dovecot): the tagged OK carries the
    HIGHESTMODSEQ the command raised when the client could not learn it
    from the MODSEQs it was sent (EXISTS, VANISHED); while a non-UID
    command holds an expunge back it carries the value from before the
    expunge, which is the current one as of the client's own last
    change, never the older SELECT value."""
    server, a = start_selected(make_server)
    b = imapwire.connect(server)
    b.command("SELECT INBOX")
    untagged, tagged = a.command("ENABLE QRESYNC")
    assert tagged == "OK Enabled.", tagged
    # own changes: the MODSEQs sent are the highest, nothing more
    untagged, tagged = a.command("STORE 1 +FLAGS (\\Seen)")
    assert tagged == "OK Store completed.", tagged
    untagged, tagged = a.command("STORE 4 +FLAGS.SILENT (\\Deleted)")
    assert tagged == "OK Store completed.", tagged
    own = status_highestmodseq(a)
    # a new message by another session: EXISTS raises it
    b.command("APPEND INBOX {1+}\r\nx")
    untagged, tagged = a.command("FETCH 1 (FLAGS)")
    assert b"* 5 EXISTS" in untagged, untagged
    after_append = status_highestmodseq(a)
    assert after_append > own
    assert tagged == "OK [HIGHESTMODSEQ %d] Fetch completed." % \
        after_append, tagged
    # another session expunges 4: held back from a non-UID STORE, whose
    # reply keeps the pre-expunge value (that of the append), not the
    # SELECT one
    b.command("EXPUNGE")
    untagged, tagged = a.command("STORE 2 +FLAGS (\\Seen)")
    assert not any(b"VANISHED" in u for u in untagged), untagged
    assert tagged == "OK [HIGHESTMODSEQ %d] Store completed." % \
        after_append, tagged
    # a UID command reports the expunge and the current value
    untagged, tagged = a.command("UID FETCH 1 (FLAGS)")
    assert b"* VANISHED 4" in untagged, untagged
    assert tagged == "OK [HIGHESTMODSEQ %d] Fetch completed." % \
        status_highestmodseq(a), tagged
    untagged, tagged = a.command("NOOP")
    assert tagged == "OK NOOP completed.", tagged
    a.close()
    b.close()


def test_store_modifier_errors_and_readonly_condstore(make_server):
    """Dovecot's replies for broken STORE modifiers (each pair is checked
    in turn, so an UNCHANGEDSINCE before a broken pair has enabled
    CONDSTORE already), and a conditional STORE in a read-only mailbox."""
    server, w = start_selected(make_server)
    cases = [
        ('("UNCHANGEDSINCE" 5)', "Invalid STORE modifiers."),
        ('(UNCHANGEDSINCE "5")', "Invalid STORE modifiers."),
        ("(UNCHANGEDSINCE (5))", "Invalid STORE modifiers."),
        ("(UNCHANGEDSINCE)", "Invalid STORE modifiers."),
        ("(FOO)", "Invalid STORE modifiers."),
        ("((x) 1)", "Invalid STORE modifiers."),
        ("(5 UNCHANGEDSINCE)", "Unknown STORE modifier."),
        ("(FOO 1)", "Unknown STORE modifier."),
        ("(UNCHANGEDSINCE x)", "Invalid modseq."),
        ("(UNCHANGEDSINCE 18446744073709551616)", "Invalid modseq."),
    ]
    for mods, error in cases:
        untagged, tagged = w.command("STORE 2 %s +FLAGS (\\Flagged)" % mods)
        assert (untagged, tagged) == (
            [], "BAD Error in IMAP command STORE: " + error), mods
    untagged, tagged = w.command("STORE 2 (UNCHANGEDSINCE 5 FOO) +FLAGS "
                                 "(\\Flagged)")
    assert tagged == "BAD Error in IMAP command STORE: Invalid STORE " \
        "modifiers.", tagged
    assert len(untagged) == 1 and re.match(
        rb"\* OK \[HIGHESTMODSEQ \d+\] Highest", untagged[0]), untagged
    assert flags_of(all_flags_items(w)[2]) == []
    untagged, tagged = w.command("EXAMINE INBOX")
    assert tagged.startswith("OK [READ-ONLY]"), tagged
    untagged, tagged = w.command("STORE 1 (UNCHANGEDSINCE 1000) +FLAGS "
                                 "(\\Seen)")
    assert (untagged, tagged) == (
        [], "NO CONDSTORE failed: Mailbox is read-only."), tagged
    untagged, tagged = w.command("STORE 1 +FLAGS (\\Seen)")
    assert tagged == "OK Store ignored with read-only mailbox.", tagged
    w.close()
