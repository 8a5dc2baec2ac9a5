"""COPY/UID COPY and MOVE/UID MOVE against the real server: COPYUID
(UIDPLUS), flags, keywords and INTERNALDATE kept, TRYCREATE, MOVE's
untagged COPYUID before its EXPUNGEs (RFC 6851), moving within one
mailbox, expunged sources, and bad input changing nothing.  The tests
pass against Dovecot 2.3 too."""
import os
import re

import imapwire
from imapwire import fetch, put_messages

T0 = 1175000000
MSGS = [(b"Subject: m%d\r\n\r\nbody %d\r\n" % (i, i), flags, T0 + i * 3600)
        for i, flags in enumerate(["S", "RF", "", "T", "F"])]


def start(make_server):
    server = make_server()
    put_messages(server, MSGS)
    w = imapwire.connect(server)
    untagged, tagged = w.command("CREATE Dest")
    assert tagged.startswith("OK"), tagged
    untagged, tagged = w.command("SELECT INBOX")
    assert tagged.startswith("OK"), tagged
    return server, w


def copyuid(tagged_or_line):
    m = re.search(r"\[COPYUID (\d+) ([\d:,]+) ([\d:,]+)\]", tagged_or_line)
    assert m, tagged_or_line
    return int(m.group(1)), expand(m.group(2)), expand(m.group(3))


def expand(uidset):
    out = []
    for part in uidset.split(","):
        a, _, b = part.partition(":")
        out += list(range(int(a), int(b or a) + 1))
    return out


def uidvalidity(w, name):
    untagged, _ = w.command('STATUS "%s" (UIDVALIDITY)' % name)
    return int(re.search(rb"UIDVALIDITY (\d+)", untagged[0]).group(1))


def flags_of(items):
    return [f for f in items["FLAGS"] if f != "\\Recent"]


def test_copy(make_server):
    server, w = start(make_server)
    w.command("STORE 5 +FLAGS (kw1 $kw2)")
    untagged, tagged = w.command("COPY 1:2,5 Dest")
    assert tagged.endswith("Copy completed."), tagged
    v, src, dst = copyuid(tagged)
    assert v == uidvalidity(w, "Dest")
    assert src == [1, 2, 5] and len(dst) == 3
    res, _, _ = fetch(w, "1:5 (INTERNALDATE)")
    dates = {s: it["INTERNALDATE"] for s, it in res}
    w2 = imapwire.connect(server)
    w2.command("SELECT Dest")
    res, _, _ = fetch(w2, "1:* (UID FLAGS INTERNALDATE BODY.PEEK[])")
    got = {it["UID"]: it for _, it in res}
    assert sorted(got) == dst
    for s, d in zip(src, dst):
        assert got[d]["INTERNALDATE"] == dates[s]
        assert bytes(got[d]["BODY[]"]) == MSGS[s - 1][0]
    assert flags_of(got[dst[0]]) == ["\\Seen"]
    assert flags_of(got[dst[1]]) == ["\\Answered", "\\Flagged"]
    assert flags_of(got[dst[2]]) == ["\\Flagged", "kw1", "$kw2"]
    # UID COPY; out-of-order sets give corresponding COPYUID sets
    untagged, tagged = w.command("UID COPY 4,3 Dest")
    v, src, dst2 = copyuid(tagged)
    assert src == [3, 4] and dst2 == [max(dst) + 1, max(dst) + 2]
    # UIDs that don't exist: nothing to do
    untagged, tagged = w.command("UID COPY 100:200 Dest")
    assert tagged == "OK No messages found."
    w.close()
    w2.close()


def test_copy_errors_change_nothing(make_server):
    server, w = start(make_server)
    dest = os.path.join(imapwire.maildir_path(server, folder="Dest"), "cur")
    for cmd, reply in [
            ("COPY 1 Nonexistent", "NO [TRYCREATE] Mailbox doesn't exist: "
             "Nonexistent."),
            ("MOVE 1 Nonexistent", "NO [TRYCREATE] Mailbox doesn't exist: "
             "Nonexistent."),
            ("COPY 9 Dest", "BAD Error in IMAP command COPY: Invalid "
             "messageset."),
            ("MOVE 0 Dest", "BAD Error in IMAP command MOVE: Invalid "
             "messageset."),
            ("COPY 1", "BAD Error in IMAP command COPY: Missing "
             "arguments."),
    ]:
        untagged, tagged = w.command(cmd)
        assert tagged == reply, (cmd, tagged)
    untagged, tagged = w.command('COPY 1 ""')
    assert tagged.startswith("NO [CANNOT] Invalid mailbox name"), tagged
    assert os.listdir(dest) == []
    res, _, _ = fetch(w, "1:* UID")
    assert len(res) == 5
    w.close()


def test_move(make_server):
    server, w = start(make_server)
    uv = uidvalidity(w, "Dest")
    untagged, tagged = w.command("MOVE 2:3 Dest")
    assert tagged == "OK Move completed.", tagged
    # the COPYUID comes first, then the expunges (highest first)
    assert untagged[0].startswith(b"* OK [COPYUID ")
    assert untagged[0].endswith(b"] Moved UIDs.")
    v, src, dst = copyuid(untagged[0].decode())
    assert v == uv and src == [2, 3]
    assert untagged[1:3] == [b"* 3 EXPUNGE", b"* 2 EXPUNGE"]
    res, _, _ = fetch(w, "1:* UID")
    assert [it["UID"] for _, it in res] == [1, 4, 5]
    # UID MOVE
    untagged, tagged = w.command("UID MOVE 5 Dest")
    assert tagged == "OK Move completed."
    assert copyuid(untagged[0].decode())[1] == [5]
    assert b"* 3 EXPUNGE" in untagged
    w2 = imapwire.connect(server)
    w2.command("SELECT Dest")
    res, _, _ = fetch(w2, "1:* (FLAGS BODY.PEEK[])")
    assert [bytes(it["BODY[]"]) for _, it in res] == \
        [MSGS[1][0], MSGS[2][0], MSGS[4][0]]
    assert flags_of(res[0][1]) == ["\\Answered", "\\Flagged"]
    # the source files are gone
    names = os.listdir(os.path.join(imapwire.maildir_path(server), "cur"))
    assert len(names) == 2
    w.close()
    w2.close()


def test_move_within_mailbox(make_server):
    server, w = start(make_server)
    untagged, tagged = w.command("MOVE 1 INBOX")
    assert tagged == "OK Move completed."
    v, src, dst = copyuid(untagged[0].decode())
    assert src == [1] and dst == [6]
    # the message got a new UID at the end: expunged, then exists again
    assert b"* 1 EXPUNGE" in untagged
    assert b"* 5 EXISTS" in untagged
    res, _, _ = fetch(w, "1:* UID")
    assert [it["UID"] for _, it in res] == [2, 3, 4, 5, 6]
    w.close()


def test_copy_expunged_source(make_server):
    server, a = start(make_server)
    b = imapwire.connect(server)
    b.command("SELECT INBOX")
    b.command("STORE 2 +FLAGS.SILENT \\Deleted")
    b.command("EXPUNGE")
    untagged, tagged = a.command("COPY 1:3 Dest")
    assert tagged.startswith("NO [EXPUNGEISSUED] ") or \
        tagged.endswith("Copy completed."), tagged
    if tagged.startswith("NO"):
        # nothing is copied when any source is gone
        dest = os.path.join(imapwire.maildir_path(server, folder="Dest"),
                            "cur")
        assert os.listdir(dest) == []
    a.close()
    b.close()


def test_copy_back_and_forth(make_server):
    server, w = start(make_server)
    untagged, tagged = w.command("COPY 1 Dest")
    assert tagged.endswith("Copy completed."), tagged
    untagged, tagged = w.command("SELECT Dest")
    untagged, tagged = w.command("COPY 1 INBOX")
    assert tagged.endswith("Copy completed."), tagged
    untagged, tagged = w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1:* BODY.PEEK[]")
    assert [bytes(it["BODY[]"]) for _, it in res] == \
        [m[0] for m in MSGS] + [MSGS[0][0]]
    w.close()


def test_copy_into_selected_mailbox(make_server):
    server, w = start(make_server)
    untagged, tagged = w.command("COPY 1:2 INBOX")
    assert tagged.endswith("Copy completed."), tagged
    assert b"* 7 EXISTS" in untagged
    res, _, _ = fetch(w, "6:7 BODY.PEEK[]")
    assert [bytes(it["BODY[]"]) for _, it in res] == \
        [MSGS[0][0], MSGS[1][0]]
    w.close()


def base_names(path):
    """{base name: inode} of the message files of a Maildir."""
    out = {}
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(path, sub)):
            base = name.split(":")[0].split(",")[0]
            assert base not in out, "%s twice in %s" % (base, path)
            out[base] = os.stat(os.path.join(path, sub, name)).st_ino
    return out


def test_copy_same_message_twice(make_server):
    """Each copy is a file of its own base name (a hard link of the same
    data, as Dovecot's maildir_copy_with_hardlinks does): the same message
    copied twice into a folder, flags changed in between, and into its own
    folder, gets new UIDs every time, never "File already in uidlist"."""
    server, w = start(make_server)
    untagged, tagged = w.command("COPY 2 Dest")
    assert tagged.endswith("Copy completed."), tagged
    untagged, tagged = w.command("STORE 2 +FLAGS (\\Seen $Later)")
    assert tagged.startswith("OK"), tagged
    for target in ("Dest", "Dest", "INBOX", "INBOX"):
        untagged, tagged = w.command("COPY 2 %s" % target)
        assert tagged.endswith("Copy completed."), tagged
    src = base_names(imapwire.maildir_path(server))
    dest = base_names(imapwire.maildir_path(server, folder="Dest"))
    assert len(src) == 7 and len(dest) == 3
    # the original and its five copies are links of one file
    inodes = list(src.values()) + list(dest.values())
    assert max(inodes.count(i) for i in inodes) == 6, (src, dest)
    untagged, tagged = w.command("SELECT Dest")
    res, _, _ = fetch(w, "1:* (UID FLAGS BODY.PEEK[])")
    assert [it["UID"] for _, it in res] == [1, 2, 3]
    assert [bytes(it["BODY[]"]) for _, it in res] == [MSGS[1][0]] * 3
    assert [sorted(flags_of(it)) for _, it in res] == [
        ["\\Answered", "\\Flagged"]] + [
        ["$Later", "\\Answered", "\\Flagged", "\\Seen"]] * 2
    w.close()
