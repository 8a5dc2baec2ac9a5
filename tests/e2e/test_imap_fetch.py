"""FETCH and UID FETCH against the real server.

- A transcript of every item over the imaptest messages (multipart,
  message/rfc822, base64/quoted-printable/x-uuencode parts, NULs, LF and
  CRLF files, a message without a body) must equal what Dovecot 2.3.19
  answered, recorded in tests/fixtures/imap-fetch/dovecot.txt (rerun with
  ROOST_E2E_SERVER=dovecot IMAP_FETCH_RECORD=1 to record it again).
- Literal sizes equal RFC822.SIZE for LF-stored files written by "another
  program"; a 10 MB message fetched whole and in partial pieces (also
  pieces that split a CRLF) reassembles to its CRLF form.
- The implicit \\Seen, EXAMINE, MODSEQ/CHANGEDSINCE/VANISHED, expunged
  messages, and a client that never reads a large reply (the server's
  memory stays bounded).
"""
import difflib
import os
import re
import socket
import time

import pytest

import harness
import imapwire
from imapwire import crlf, fetch, put_messages

FIXTURES = os.path.join(harness.ROOT, "tests", "fixtures", "imap-fetch")


def fixture_messages():
    d = os.path.join(FIXTURES, "messages")
    out = []
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), "rb") as f:
            out.append(f.read())
    return out


def escape(data):
    """Bytes as fixture text: CRLF -> newline, other control and 8-bit
    bytes as \\xNN (a bare CR or LF shows as \\x0d / \\x0a)."""
    data = data.replace(b"\r\n", b"\x00CRLF\x00")
    out = []
    for part in data.split(b"\x00CRLF\x00"):
        out.append("".join(chr(b) if 32 <= b < 127 and b != 0x5c else
                           "\\\\" if b == 0x5c else "\\x%02x" % b
                           for b in part))
    return "\n".join(out)


def normalize(text):
    """What differs between two correct servers (or two runs) goes:
    timings, UIDVALIDITY, dates, modseq values, \\Recent and RECENT
    (which session claims them is not part of FETCH)."""
    out = []
    for line in text.split("\n"):
        if re.match(r"\* \d+ RECENT$", line) or \
           re.match(r"\* OK \[HIGHESTMODSEQ \d+\]", line):
            continue
        line = re.sub(r"UIDVALIDITY \d+", "UIDVALIDITY X", line)
        line = re.sub(r'(INTERNALDATE|SAVEDATE) "[^"]*"', r'\1 "D"', line)
        line = re.sub(r"MODSEQ \(\d+\)", "MODSEQ (M)", line)
        line = re.sub(r" \\\\Recent\b|\\\\Recent ?", "", line)
        out.append(line)
    return "\n".join(out)


def run_script(server, folder="fx"):
    """The transcript of script.txt against server (messages put into
    folder first)."""
    put_messages(server, fixture_messages(), folder=folder)
    w = imapwire.connect(server)
    out = []
    with open(os.path.join(FIXTURES, "script.txt")) as f:
        for cmd in f:
            cmd = cmd.rstrip("\n")
            if not cmd or cmd.startswith("#"):
                continue
            out.append(">>> " + cmd)
            untagged, tagged = w.command(cmd)
            out.extend(escape(u) for u in untagged)
            out.append("<<< " + tagged)
    w.close()
    return normalize("\n".join(out)) + "\n"


def test_fetch_transcript_matches_dovecot(make_server):
    server = make_server()
    got = run_script(server)
    path = os.path.join(FIXTURES, "dovecot.txt")
    if os.environ.get("IMAP_FETCH_RECORD"):
        assert server.kind.name == "dovecot", "record from Dovecot only"
        with open(path, "w") as f:
            f.write(got)
        return
    with open(path) as f:
        expected = f.read()
    if got != expected:
        diff = "\n".join(difflib.unified_diff(
            expected.split("\n"), got.split("\n"), "dovecot", "roost",
            lineterm="", n=2))
        pytest.fail("FETCH transcript differs from Dovecot 2.3:\n" + diff,
                    pytrace=False)


# ---------------------------------------------------------------------------

def lf_message(i, size):
    """A message of about size bytes with LF line ends."""
    hdr = ("From: a%d@example.com\nTo: b@example.com\nSubject: msg %d\n"
           "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n" % (i, i)).encode()
    line = b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    body = line * (max(size - len(hdr), 0) // len(line) + 1)
    return hdr + body


def test_lf_files_are_served_with_crlf_and_matching_sizes(make_server):
    msgs = [lf_message(i, 500 + 700 * i) for i in range(5)]
    msgs.append(b"Subject: mixed\r\nX: y\n\r\nline1\nline2\r\nbare\rcr\n")
    msgs.append(b"Subject: no final newline\n\nbody")
    server = make_server()
    put_messages(server, msgs)
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    res, other, tagged = fetch(w, "1:* (RFC822.SIZE BODY.PEEK[] "
                               "BODY.PEEK[HEADER] BODY.PEEK[TEXT] "
                               "BINARY.SIZE[] BINARY.PEEK[TEXT])")
    assert tagged == "OK Fetch completed.", tagged
    assert len(res) == len(msgs)
    for (seq, items), raw in zip(res, msgs):
        whole = crlf(raw)
        assert items["RFC822.SIZE"] == len(whole)
        assert bytes(items["BODY[]"]) == whole
        hdr_end = whole.find(b"\r\n\r\n")
        hdr = whole[:hdr_end + 4] if hdr_end >= 0 else whole
        assert bytes(items["BODY[HEADER]"]) == hdr
        assert bytes(items["BODY[TEXT]"]) == whole[len(hdr):]
        assert items["BINARY.SIZE[]"] == len(whole)
        assert bytes(items["BINARY[TEXT]"]) == whole[len(hdr):]
    w.close()


def test_big_message_whole_and_in_parts(make_server):
    raw = lf_message(0, 10 * 1024 * 1024)
    whole = crlf(raw)
    server = make_server()
    put_messages(server, [raw])
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    res, _, tagged = fetch(w, "1 (RFC822.SIZE BODY.PEEK[])")
    assert tagged == "OK Fetch completed."
    items = res[0][1]
    assert items["RFC822.SIZE"] == len(whole) > 10 * 1024 * 1024
    assert bytes(items["BODY[]"]) == whole

    # 1 MB pieces, and pieces of an odd size that start and end between
    # the CR and LF of converted line ends
    for piece in (1024 * 1024, 65 * 1000 + 3):
        got = b""
        off = 0
        while off < len(whole):
            res, _, tagged = fetch(w, "1 BODY.PEEK[]<%d.%d>" % (off, piece))
            assert tagged == "OK Fetch completed."
            data = bytes(res[0][1]["BODY[]<%d>" % off])
            assert len(data) == min(piece, len(whole) - off)
            got += data
            off += piece
        assert got == whole
    # a window right inside a CRLF that is a bare LF in the file
    lf_pos = whole.index(b"\r\n", 200)
    res, _, _ = fetch(w, "1 BODY.PEEK[]<%d.3>" % (lf_pos + 1))
    assert bytes(res[0][1]["BODY[]<%d>" % (lf_pos + 1)]) == \
        whole[lf_pos + 1:lf_pos + 4]
    # beyond the end: an empty string
    res, _, _ = fetch(w, "1 BODY.PEEK[TEXT]<%d.10>" % len(whole))
    assert bytes(res[0][1]["BODY[TEXT]<%d>" % len(whole)]) == b""
    w.close()


def test_many_messages_fetch_all(make_server):
    msgs = [lf_message(i, 3000 + (i * 37) % 2000) for i in range(300)]
    server = make_server()
    put_messages(server, msgs)
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    res, _, tagged = fetch(w, "1:* (UID RFC822.SIZE BODY.PEEK[])")
    assert tagged == "OK Fetch completed."
    assert [s for s, _ in res] == list(range(1, 301))
    for (seq, items), raw in zip(res, msgs):
        # UID comes first, as Dovecot answers
        assert list(items)[0] == "UID"
        assert items["UID"] == seq
        assert bytes(items["BODY[]"]) == crlf(raw)
        assert items["RFC822.SIZE"] == len(crlf(raw))
    w.close()


SEEN_MSGS = [lf_message(i, 300) for i in range(6)]


def flags_of(items):
    """FLAGS without \\Recent (which session gets it is not FETCH's
    business)."""
    return [f for f in items["FLAGS"] if f != "\\Recent"]


def test_implicit_seen(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS)
    w = imapwire.connect(server)
    w.command("EXAMINE INBOX")
    # EXAMINE: no \Seen
    res, _, _ = fetch(w, "1 (BODY[] FLAGS)")
    assert flags_of(res[0][1]) == []
    w.command("SELECT INBOX")
    # PEEK: no \Seen
    res, _, _ = fetch(w, "1 (BODY.PEEK[] FLAGS)")
    assert flags_of(res[0][1]) == []
    # FLAGS asked: shown with \Seen in the same response
    res, _, _ = fetch(w, "1 (FLAGS BODY[TEXT])")
    assert "\\Seen" in res[0][1]["FLAGS"]
    # FLAGS not asked: Dovecot adds it (after the small items)
    untagged, tagged = w.command("FETCH 2 (UID RFC822.TEXT)")
    assert tagged == "OK Fetch completed."
    assert re.match(rb"\* 2 FETCH \(UID 2 FLAGS \(\\Seen( \\Recent)?\) "
                    rb"RFC822.TEXT \{", untagged[0]), untagged
    # already seen: no FLAGS added
    untagged, _ = w.command("FETCH 2 (UID RFC822.TEXT)")
    assert untagged[0].startswith(b"* 2 FETCH (UID 2 RFC822.TEXT {")
    # BINARY sets \Seen too; BINARY.SIZE and RFC822.HEADER don't
    fetch(w, "3 BINARY[TEXT]")
    fetch(w, "4 (BINARY.SIZE[1] RFC822.HEADER BODY.PEEK[TEXT])")
    res, _, _ = fetch(w, "1:6 FLAGS")
    flags = {s: flags_of(it) for s, it in res}
    assert flags == {1: ["\\Seen"], 2: ["\\Seen"], 3: ["\\Seen"],
                     4: [], 5: [], 6: []}
    # another session sees the change
    w2 = imapwire.connect(server)
    w2.command("SELECT INBOX")
    res, _, _ = fetch(w2, "1:6 FLAGS")
    assert {s: flags_of(it) for s, it in res} == flags
    # and it is in the Maildir file name
    names = os.listdir(os.path.join(imapwire.maildir_path(server), "cur"))
    assert sum(1 for n in names if re.search(r":2,[A-Z]*S", n)) == 3
    w.close()
    w2.close()


def test_condstore_modseq_changedsince_vanished(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS)
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    # MODSEQ enables CONDSTORE: the current HIGHESTMODSEQ is announced
    untagged, tagged = w.command("FETCH 1:* (MODSEQ)")
    assert tagged.startswith("OK"), tagged
    assert re.match(rb"\* OK \[HIGHESTMODSEQ \d+\]", untagged[0]), untagged
    modseqs = {}
    for resp in untagged[1:]:
        seq, pairs = imapwire.parse_fetch(resp)
        modseqs[seq] = dict(pairs)["MODSEQ"][0]
    base = max(modseqs.values())
    untagged, tagged = w.command("STORE 2,4 +FLAGS (\\Flagged)")
    res, _, tagged = fetch(w, "1:* (FLAGS) (CHANGEDSINCE %d)" % base)
    assert tagged.startswith("OK")
    assert [s for s, _ in res] == [2, 4]
    for _, items in res:
        assert items["MODSEQ"][0] > base
        assert "\\Flagged" in items["FLAGS"]
    # with CONDSTORE, an implicit \Seen is followed by its new MODSEQ
    untagged, tagged = w.command("FETCH 5 (BODY[TEXT])")
    assert re.match(rb"\* 5 FETCH \(MODSEQ \(\d+\)\)$", untagged[-1]), \
        untagged
    # VANISHED needs QRESYNC
    untagged, tagged = w.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 "
                                 "VANISHED)")
    assert tagged == ("BAD Error in IMAP command UID FETCH: QRESYNC not "
                      "enabled.")
    w.close()


def test_fetch_expunged_message(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS[:3])
    a = imapwire.connect(server)
    b = imapwire.connect(server)
    a.command("SELECT INBOX")
    b.command("SELECT INBOX")
    b.command("STORE 2 +FLAGS.SILENT (\\Deleted)")
    untagged, tagged = b.command("EXPUNGE")
    assert tagged.startswith("OK")
    # a's numbers stay until its next sync that may expunge; FETCH
    # answers NIL for what is gone, as Dovecot does
    res, other, tagged = fetch(a, "1:3 (UID BODY.PEEK[])")
    assert tagged == ("OK [EXPUNGEISSUED] Some messages were already "
                      "expunged.")
    items = dict(res)
    assert items[1]["BODY[]"] is not None
    assert items[2]["UID"] == 2 and items[2]["BODY[]"] is None
    assert items[3]["BODY[]"] is not None
    assert not any(re.match(rb"\* \d+ EXPUNGE", r) for r in other)
    # UID FETCH may report the expunge
    res, other, tagged = fetch(a, "1:* UID", uid=True)
    assert b"* 2 EXPUNGE" in other
    a.close()
    b.close()


def test_fetch_errors_change_nothing(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS[:2])
    w = imapwire.connect(server)
    untagged, tagged = w.command("FETCH 1 FLAGS")
    assert tagged == "BAD No mailbox selected."
    w.command("SELECT INBOX")
    for cmd, error in [
            ("FETCH 1 BODY[HEADER.FIELDS ()]", "Invalid BODY[..] section"),
            ("FETCH 1 BODY[]<1.>", "Invalid BODY[..] parameter: Too big "
             "partial end"),
            ("FETCH 3 BODY[]", "Invalid messageset"),
            ("FETCH 1 (BODY[] FOO)", "Unknown parameter: FOO"),
            ("FETCH 1 ()", "FETCH list is empty"),
    ]:
        untagged, tagged = w.command(cmd)
        assert tagged == "BAD Error in IMAP command FETCH: %s." % error, \
            tagged
        assert untagged == []
    # nothing was fetched, so nothing became \Seen
    res, _, _ = fetch(w, "1:2 FLAGS")
    assert all(flags_of(it) == [] for _, it in res)
    w.close()


def test_nul_bytes_and_binary(make_server):
    msg = (b"Mime-Version: 1.0\r\nContent-Type: multipart/mixed; "
           b"boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
           b"a\x00b\r\n--b\r\nContent-Type: application/octet-stream\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n"
           b"--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           b"x=3Dy=\r\nz\r\n--b\r\nContent-Transfer-Encoding: x-uue\r\n\r\n"
           b"q\r\n--b--\r\n")
    server = make_server()
    put_messages(server, [msg])
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    res, _, tagged = fetch(w, "1 (BODY.PEEK[1] BINARY.PEEK[1] "
                           "BINARY.PEEK[2] BINARY.PEEK[3] BINARY.PEEK[2]<1.2>)")
    assert tagged == "OK Fetch completed."
    items = res[0][1]
    # BODY: NUL replaced by 0x80 (IMAP literals can't hold NUL)
    assert bytes(items["BODY[1]"]) == b"a\x80b"
    assert not items["BODY[1]"].binary
    # BINARY: kept, as a literal8
    assert bytes(items["BINARY[1]"]) == b"a\x00b"
    assert items["BINARY[1]"].binary
    assert bytes(items["BINARY[2]"]) == b"\x00\x01\x02\x03\x04"
    assert bytes(items["BINARY[3]"]) == b"x=yz"
    assert bytes(items["BINARY[2]<1>"]) == b"\x01\x02"
    if server.kind.name == "roost":
        # (Dovecot 2.3.19 answers UNKNOWN-CTE here: decoded NULs trip
        # its BINARY.SIZE)
        res, _, tagged = fetch(w, "1 BINARY.SIZE[2]")
        assert res[0][1]["BINARY.SIZE[2]"] == 5
    untagged, tagged = w.command("FETCH 1 BINARY.PEEK[4]")
    assert tagged == ("NO [UNKNOWN-CTE] Unknown "
                      "Content-Transfer-Encoding.")
    w.close()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def imap_pid_of_session(server, before):
    for _ in range(100):
        pids = set(server.pids("imap")) - set(before)
        if pids:
            return pids.pop()
        time.sleep(0.1)
    raise AssertionError("no imap process for the session")


def test_unread_fetch_reply_keeps_memory_bounded(make_server):
    # about 60 MB of messages; the client asks for all and reads nothing
    msgs = [lf_message(i, 200 * 1024) for i in range(300)]
    server = make_server()
    put_messages(server, msgs)
    before = server.pids("imap")
    w = imapwire.connect(server)
    pid = imap_pid_of_session(server, before)
    w.command("SELECT INBOX")
    w.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    rss0 = rss_kb(pid)
    w.send(b"big FETCH 1:* BODY.PEEK[]\r\n")
    peak = rss0
    for _ in range(20):
        time.sleep(0.1)
        peak = max(peak, rss_kb(pid))
    # the reply waits for the client: the process holds a bounded window
    # (the output limit plus a message mapping), not the 60 MB
    sanitized = imapwire.is_sanitized(pid)
    assert sanitized or peak - rss0 < 16 * 1024, (rss0, peak)
    # reading it all works and the process is still bounded
    w.sock.settimeout(60)
    _, tagged = w.read_until_tagged("big")
    assert tagged == "OK Fetch completed."
    assert sanitized or rss_kb(pid) - rss0 < 16 * 1024
    w.close()


def test_qresync_vanished_earlier(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS[:4])
    w = imapwire.connect(server)
    untagged, tagged = w.command("ENABLE QRESYNC")
    assert tagged.startswith("OK"), tagged
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1:* (MODSEQ)")
    base = max(it["MODSEQ"][0] for _, it in res)
    w.command("STORE 2 +FLAGS.SILENT (\\Deleted)")
    untagged, tagged = w.command("EXPUNGE")
    assert b"* VANISHED 2" in untagged
    untagged, tagged = w.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d "
                                 "VANISHED)" % (base - 1))
    assert tagged == "OK Fetch completed."
    # first the expunged UIDs of the set, then the changed messages
    assert untagged[0] == b"* VANISHED (EARLIER) 2"
    uids = [dict(imapwire.parse_fetch(u)[1])["UID"] for u in untagged[1:]]
    assert uids == [1, 3, 4]
    # non-UID FETCH doesn't know VANISHED
    untagged, tagged = w.command("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 "
                                 "VANISHED)")
    assert tagged == "BAD Error in IMAP command FETCH: Unknown FETCH " \
        "modifier."
    w.close()


def test_client_gone_in_the_middle_of_a_literal(make_server):
    msgs = [lf_message(i, 2 * 1024 * 1024) for i in range(5)]
    server = make_server()
    put_messages(server, msgs)
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    w.send(b"f1 FETCH 1:* BODY[]\r\n")
    w.read_bytes(100000)
    w.close()
    # the session ends cleanly (checked at teardown: no sanitizer report,
    # no panic) and the next one works
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    res, _, tagged = fetch(w, "1:* (RFC822.SIZE)")
    assert tagged == "OK Fetch completed."
    assert [it["RFC822.SIZE"] for _, it in res] == \
        [len(crlf(m)) for m in msgs]
    w.close()


def test_bad_fetches_count_as_invalid_commands(make_server):
    server = make_server()
    put_messages(server, SEEN_MSGS[:1])
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    for _ in range(19):
        untagged, tagged = w.command("FETCH 1 BODY[XYZ]")
        assert tagged.startswith("BAD ")
    # a good command resets the count
    untagged, tagged = w.command("NOOP")
    assert tagged.startswith("OK")
    for _ in range(19):
        w.command("FETCH 1 FOO")
    # the 20th BAD in a row ends the session, as in Dovecot
    w.send(b"z FETCH 1 FOO\r\n")
    lines = []
    try:
        while True:
            lines.append(w.read_response())
    except (EOFError, ConnectionResetError):
        pass
    assert lines[-1] == b"* BYE Too many invalid IMAP commands.", lines
    w.close()
