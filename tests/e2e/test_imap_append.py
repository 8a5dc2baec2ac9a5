"""APPEND against the real server: synchronizing and LITERAL+ literals of
5 MB (streamed: the server's memory stays small), flags and dates,
MULTIAPPEND's atomicity, literal8 (binary parts stored as base64, BINARY
gives them back), CATENATE with TEXT and URL parts, APPENDUID, TRYCREATE,
[LIMIT] with quota_max_mail_size, and bad input storing nothing.  Expected
texts are Dovecot 2.3's; the tests pass against it too."""
import os
import re
import socket
import time

import pytest

import imapwire
from imapwire import crlf, fetch


def big_message(size, nl=b"\r\n"):
    hdr = b"From: a@example.com" + nl + b"Subject: big" + nl + nl
    line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + nl
    return hdr + line * ((size - len(hdr)) // len(line) + 1)


def appenduid(tagged):
    m = re.search(r"\[APPENDUID (\d+) ([\d:,]+)\]", tagged)
    assert m, tagged
    uids = []
    for part in m.group(2).split(","):
        a, _, b = part.partition(":")
        uids += list(range(int(a), int(b or a) + 1))
    return int(m.group(1)), uids


def files_in(server, folder=None):
    md = imapwire.maildir_path(server, folder=folder)
    out = []
    for sub in ("cur", "new", "tmp"):
        d = os.path.join(md, sub)
        if os.path.isdir(d):
            out += [os.path.join(sub, n) for n in os.listdir(d)]
    return sorted(out)


def message_count(w, box="INBOX"):
    untagged, _ = w.command('STATUS "%s" (MESSAGES)' % box)
    return int(re.search(rb"MESSAGES (\d+)", untagged[0]).group(1))


def test_append_sync_literal_5mb(make_server):
    server = make_server()
    w = imapwire.connect(server)
    msg = big_message(5 * 1024 * 1024)
    untagged, tagged, conts = w.command_sync(
        [b"APPEND INBOX (\\Flagged $Label) \"24-Mar-2007 23:00:00 +0200\" ",
         msg, b""])
    assert conts == [b"+ OK"]
    assert tagged.startswith("OK [APPENDUID ") and \
        tagged.endswith("] Append completed."), tagged
    v, uids = appenduid(tagged)
    assert uids == [1]
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1 (UID FLAGS INTERNALDATE RFC822.SIZE "
                      "BODY.PEEK[])")
    items = res[0][1]
    assert bytes(items["BODY[]"]) == msg
    assert items["RFC822.SIZE"] == len(msg)
    assert [f for f in items["FLAGS"] if f != "\\Recent"] == \
        ["\\Flagged", "$Label"]
    assert items["INTERNALDATE"] == b"24-Mar-2007 23:00:00 +0200" or \
        items["INTERNALDATE"] == b"24-Mar-2007 21:00:00 +0000"
    w.close()


def test_append_literal_plus_5mb_lf(make_server):
    server = make_server()
    w = imapwire.connect(server)
    msg = big_message(5 * 1024 * 1024, nl=b"\n")
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n" % len(msg) + msg)
    assert tagged.endswith("Append completed."), tagged
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1 (RFC822.SIZE BODY.PEEK[])")
    assert bytes(res[0][1]["BODY[]"]) == crlf(msg)
    assert res[0][1]["RFC822.SIZE"] == len(crlf(msg))
    assert len(files_in(server)) == 1
    w.close()


def test_append_memory_stays_small(make_server):
    server = make_server()
    before = server.pids("imap")
    w = imapwire.connect(server)
    pid = None
    for _ in range(100):
        pids = set(server.pids("imap")) - set(before)
        if pids:
            pid = pids.pop()
            break
        time.sleep(0.1)
    assert pid is not None

    def rss():
        with open("/proc/%d/status" % pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    w.command("NOOP")
    rss0 = rss()
    size = 40 * 1024 * 1024
    line = b"x" * 78 + b"\r\n"
    w.send(b"a1 APPEND INBOX {%d}\r\n" % size)
    assert w.read_response() == b"+ OK"
    sent, peak = 0, rss0
    chunk = line * 13000
    while sent < size:
        n = min(len(chunk), size - sent)
        w.send(chunk[:n])
        sent += n
        if sent % (4 * len(chunk)) == 0:
            peak = max(peak, rss())
    w.send(b"\r\n")
    _, tagged = w.read_until_tagged("a1")
    assert tagged.endswith("Append completed."), tagged
    # the literal went to disk in chunks, never whole into memory
    assert imapwire.is_sanitized(pid) or peak - rss0 < 16 * 1024, \
        (rss0, peak)
    w.close()


def test_multiappend(make_server):
    server = make_server()
    w = imapwire.connect(server)
    m = [b"Subject: m%d\r\n\r\nbody %d\r\n" % (i, i) for i in range(3)]
    text = (b"APPEND INBOX (\\Seen) {%d+}\r\n%s {%d+}\r\n%s "
            b"\"01-Jan-2020 10:00:00 +0000\" {%d+}\r\n%s" %
            (len(m[0]), m[0], len(m[1]), m[1], len(m[2]), m[2]))
    untagged, tagged = w.command(text)
    v, uids = appenduid(tagged)
    assert uids == [1, 2, 3]
    # synchronizing literals: one continuation each
    untagged, tagged, conts = w.command_sync(
        [b"APPEND INBOX ", m[0], b" ", m[1], b""])
    assert conts == [b"+ OK", b"+ OK"]
    assert appenduid(tagged)[1] == [4, 5]
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1:* (FLAGS BODY.PEEK[])")
    assert [bytes(it["BODY[]"]) for _, it in res] == m + m[:2]
    assert "\\Seen" in res[0][1]["FLAGS"]
    assert "\\Seen" not in res[1][1]["FLAGS"]
    w.close()


def test_multiappend_is_atomic(make_server):
    server = make_server()
    w = imapwire.connect(server)
    good = b"Subject: ok\r\n\r\nbody\r\n"
    before = files_in(server)
    # the third message is empty: nothing of the command is stored
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n%s {%d+}\r\n%s "
                                 b"{0+}\r\n" % (len(good), good, len(good),
                                                good))
    assert tagged == "NO Can't save a zero byte message.", tagged
    # invalid arguments after two messages: nothing stored either
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n%s {%d+}\r\n%s "
                                 b"extra" % (len(good), good, len(good),
                                             good))
    assert tagged == "BAD Error in IMAP command APPEND: Invalid arguments.", \
        tagged
    assert message_count(w) == 0
    assert [f for f in files_in(server) if not f.startswith("tmp/")] == \
        [f for f in before if not f.startswith("tmp/")]
    assert [f for f in files_in(server) if f.startswith("tmp/")] == []
    w.close()


def test_append_errors(make_server):
    server = make_server()
    msg = b"Subject: x\r\n\r\nbody\r\n"
    # synchronizing literal refused: no "+", the client sends nothing
    # (on a connection of its own: Dovecot drops the literal's size in
    # bytes of what follows, in case the client sends it anyway)
    w = imapwire.connect(server)
    w.send(b"a1 APPEND Nonexistent {%d}\r\n" % len(msg))
    assert imapwire.strip_timing(w.read_response().decode()) == \
        "a1 NO [TRYCREATE] Mailbox doesn't exist: Nonexistent."
    w.close()
    w = imapwire.connect(server)
    # LITERAL+: the data is read and dropped, the next command works
    untagged, tagged = w.command(b"APPEND Nonexistent {%d+}\r\n%s" %
                                 (len(msg), msg))
    assert tagged == "NO [TRYCREATE] Mailbox doesn't exist: Nonexistent."
    for cmd, reply in [
            (b"APPEND INBOX {0}", "NO Can't save a zero byte message."),
            (b"APPEND INBOX (\\Seen \\Foo) {5}", "BAD Error in IMAP command "
             "APPEND: Invalid system flag \\FOO."),
            (b"APPEND INBOX (\\Recent) {5}", "BAD Error in IMAP command "
             "APPEND: Invalid system flag \\RECENT."),
            (b"APPEND INBOX \"bad date\" {5}", "BAD Error in IMAP command "
             "APPEND: Invalid internal date."),
            (b"APPEND INBOX", "BAD Error in IMAP command APPEND: Missing "
             "message size."),
            (b"APPEND INBOX (\\Seen)", "BAD Error in IMAP command APPEND: "
             "Invalid arguments."),
            # (a synchronizing literal here would wait forever on
            # Dovecot, which neither answers nor sends "+")
            (b"APPEND INBOX (\\Seen) (\\Seen) {5+}\r\nhello", "BAD Error "
             "in IMAP command APPEND: Invalid arguments."),
    ]:
        untagged, tagged = w.command(cmd)
        assert tagged == reply, (cmd, tagged)
    assert message_count(w) == 0
    assert [f for f in files_in(server) if not f.startswith("tmp/")] == []
    w.close()


def test_append_binary_literal8(make_server):
    server = make_server()
    w = imapwire.connect(server)
    msg = (b"From: user@domain.org\r\nMime-Version: 1.0\r\n"
           b"Content-Type: application/octet-stream\r\n"
           b"Content-Transfer-Encoding: binary\r\n\r\n"
           b"\x00-\xe4\r\n\r\n\x01\xff")
    untagged, tagged = w.command(b"APPEND INBOX ~{%d+}\r\n" % len(msg) + msg)
    assert tagged.endswith("Append completed."), tagged
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1 (BODY.PEEK[HEADER] BODY.PEEK[1] BINARY.SIZE[1] "
                      "BINARY.PEEK[1])")
    items = res[0][1]
    # stored as base64, decoded back by BINARY
    assert b"Content-Transfer-Encoding: base64" in bytes(
        items["BODY[HEADER]"])
    assert bytes(items["BODY[1]"]) == b"AC3kDQoNCgH/"
    body = msg[msg.index(b"\r\n\r\n") + 4:]
    assert items["BINARY.SIZE[1]"] == len(body)
    assert bytes(items["BINARY[1]"]) == body
    assert items["BINARY[1]"].binary
    w.close()


def test_catenate(make_server):
    server = make_server()
    w = imapwire.connect(server)
    w.command("CREATE Src")
    src = (b"From: src@example.com\r\nSubject: source\r\n\r\n"
           b"source body\r\n")
    untagged, tagged = w.command(b"APPEND Src {%d+}\r\n%s" % (len(src), src))
    uid = appenduid(tagged)[1][0]
    uv = appenduid(tagged)[0]
    def lit(data):
        return b"{%d+}\r\n" % len(data) + data

    parts = [
        # TEXT only
        (b"CATENATE (TEXT " + lit(b"Subject: t\r\n\r\nhi\r\n") + b")",
         b"Subject: t\r\n\r\nhi\r\n"),
        # URL header + TEXT body
        (b"CATENATE (URL \"/Src/;uid=%d/;section=HEADER\" TEXT " % uid +
         lit(b"new\r\n") + b")",
         b"From: src@example.com\r\nSubject: source\r\n\r\nnew\r\n"),
        # TEXT, URL text part with UIDVALIDITY, TEXT
        (b"CATENATE (TEXT " + lit(b"Subject: x\r\n\r\n") + b" URL "
         b"\"/Src;UIDVALIDITY=%d/;UID=%d/;SECTION=TEXT\" TEXT " % (uv, uid) +
         lit(b"tail!") + b")",
         b"Subject: x\r\n\r\nsource body\r\ntail!"),
        # a partial URL
        (b"CATENATE (URL \"/Src/;uid=%d/;partial=6.8\")" % uid,
         src[6:14]),
    ]
    for spec, expected in parts:
        untagged, tagged = w.command(b"APPEND INBOX " + spec)
        assert tagged.endswith("Append completed."), (spec, tagged)
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1:* BODY.PEEK[]")
    assert [bytes(it["BODY[]"]) for _, it in res] == [e for _, e in parts]
    # bad URLs fail the whole command, with a BADURL code
    for url, reply in [
            (b"/Src;uidvalidity=12345/;uid=%d" % uid,
             "Invalid UIDVALIDITY."),
            (b"/Src/;uid=999", "Message not found."),
            (b"/Nonexistent/;uid=1", "Mailbox doesn't exist: Nonexistent."),
            (b"imap://alice@localhost/Src/;uid=%d" % uid,
             "Invalid IMAP URL: Relative URL required."),
    ]:
        untagged, tagged = w.command(b"APPEND INBOX CATENATE (TEXT {3+}\r\n"
                                     b"a\r\n URL \"" + url + b"\")")
        assert tagged == "NO [BADURL %s] %s" % (url.decode(), reply), \
            tagged
    untagged, tagged = w.command("APPEND INBOX CATENATE ()")
    assert tagged == "BAD Error in IMAP command APPEND: Empty CATENATE list."
    untagged, tagged = w.command(b"APPEND Nonexistent CATENATE (TEXT {3+}\r\n"
                                 b"a\r\n)")
    assert tagged == "NO [TRYCREATE] Mailbox doesn't exist: Nonexistent."
    assert message_count(w) == len(parts)
    w.close()


def test_quota_max_mail_size(make_server):
    server = make_server(extra_config="plugin {\n"
                         "  quota_max_mail_size = 1k\n}")
    if server.kind.name == "dovecot":
        pytest.skip("Dovecot applies it only with the quota plugin loaded")
    w = imapwire.connect(server)
    small = b"Subject: s\r\n\r\n" + b"x" * 900
    big = b"Subject: b\r\n\r\n" + b"x" * 1100
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n%s" %
                                 (len(small), small))
    assert tagged.endswith("Append completed."), tagged
    w.send(b"a1 APPEND INBOX {%d}\r\n" % len(big))
    resp = w.read_response()
    assert imapwire.strip_timing(resp.decode()) == (
        "a1 NO [LIMIT] Mail size is larger than the maximum size allowed "
        "by server configuration.")
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n%s" %
                                 (len(big), big))
    assert tagged.startswith("NO [LIMIT] "), tagged
    assert message_count(w) == 1
    w.close()


def test_append_to_other_session_and_status(make_server):
    server = make_server()
    a = imapwire.connect(server)
    b = imapwire.connect(server)
    b.command("SELECT INBOX")
    msg = b"Subject: x\r\n\r\nbody\r\n"
    untagged, tagged = a.command(b"APPEND INBOX (\\Seen) {%d+}\r\n%s" %
                                 (len(msg), msg))
    assert tagged.endswith("Append completed.")
    untagged, tagged = b.command("NOOP")
    assert b"* 1 EXISTS" in untagged
    untagged, _ = a.command("STATUS INBOX (MESSAGES UNSEEN)")
    assert untagged == [b"* STATUS INBOX (MESSAGES 1 UNSEEN 0)"]
    a.close()
    b.close()


def test_append_to_selected_mailbox(make_server):
    server = make_server()
    w = imapwire.connect(server)
    w.command("SELECT INBOX")
    msg = b"Subject: x\r\n\r\nbody\r\n"
    untagged, tagged = w.command(b"APPEND INBOX {%d+}\r\n%s" %
                                 (len(msg), msg))
    assert tagged.endswith("Append completed.")
    assert b"* 1 EXISTS" in untagged
    w.close()


def test_client_gone_in_the_middle_of_an_append(make_server):
    server = make_server()
    w = imapwire.connect(server)
    w.send(b"a1 APPEND INBOX {3000000+}\r\n" + b"x" * 1000000)
    w.send(b"a2 NOOP\r\n")
    w.close()
    w = imapwire.connect(server)
    # the partial message was thrown away
    for _ in range(50):
        if [f for f in files_in(server)] == []:
            break
        time.sleep(0.1)
    assert files_in(server) == []
    assert message_count(w) == 0
    w.close()


def test_append_byte_by_byte(make_server):
    server = make_server()
    w = imapwire.connect(server)
    w.command("CREATE Src")
    src = b"Subject: src\r\n\r\nsrc body\r\n"
    w.command(b"APPEND Src {%d+}\r\n%s" % (len(src), src))
    w.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    m1 = b"Subject: one\r\n\r\nfirst\r\n"
    m2 = b"Subject: two\r\n\r\n\x00binary\r\n"
    cmd = (b"b1 APPEND INBOX (\\Seen) {%d+}\r\n%s ~{%d+}\r\n%s CATENATE "
           b"(URL \"/Src/;uid=1/;section=HEADER\" TEXT {6+}\r\nmore\r\n "
           b"URL \"/Src/;uid=1/;section=TEXT\")\r\n" %
           (len(m1), m1, len(m2), m2))
    for i in range(len(cmd)):
        w.send(cmd[i:i + 1])
        time.sleep(0.001)
    _, tagged = w.read_until_tagged("b1")
    assert appenduid(tagged)[1] == [1, 2, 3], tagged
    w.command("SELECT INBOX")
    res, _, _ = fetch(w, "1:* BODY.PEEK[]")
    assert [bytes(it["BODY[]"]) for _, it in res] == [
        m1, m2.replace(b"\x00", b"\x80"),
        b"Subject: src\r\n\r\nmore\r\nsrc body\r\n"]
    w.close()
