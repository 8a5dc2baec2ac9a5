"""Bad input against the real server (issue 3's acceptance): malformed
commands, huge and unterminated literals, deep parentheses and 1 MB lines
are answered with BAD, NO or (for a line over imap_max_line_length) BYE,
and nothing changes on disk.  Mailbox names (../, /, invalid mUTF-7) are
covered in test_imap_mailbox.py.  Every case also holds against Dovecot
2.3 (ROOST_E2E_SERVER=dovecot)."""
import os

import pytest

from imap_mbox_util import ok, session, text, tree_snapshot

NS_CONFIG = """
namespace inbox {
  inbox = yes
  separator = /
}
"""


def files_with_sizes(srv, user="alice"):
    """Every file under the user's Maildir (index files left out) with its
    size, and the directories."""
    root = os.path.join(srv.mail_dir, user)
    out = set(tree_snapshot(srv, user))
    for kind, rel in list(out):
        if kind == "f":
            out.add(("size", rel, os.path.getsize(os.path.join(root, rel))))
    return out


@pytest.fixture
def srv(make_server):
    srv = make_server(extra_config=NS_CONFIG)
    c = session(srv)
    for i in range(2):
        c.send("a%d APPEND INBOX {11+}" % i)
        c.send("Subject: %d" % i)
        while not c.readline().startswith("a%d " % i):
            pass
    ok(c, "CREATE Other")
    c.close()
    return srv


def tagged_reply(c, tag):
    while True:
        line = c.readline()
        if line.startswith(tag + " "):
            return line[len(tag) + 1:]


MALFORMED = [
    "FETCH",
    "FETCH 1:* (FLAGS",
    "FETCH 1:* FLAGS)",
    "FETCH 0 FLAGS",
    "FETCH 1:* BODY[1.2.HEADER.FIELDS (]",
    "FETCH 1 BODY[]<-1>",
    "FETCH x FLAGS",
    "STORE 1 FLAGS.BOGUS (\\Seen)",
    "STORE 1:* +FLAGS (\\Bogus)",
    "COPY 1",
    "COPY 1:* Nonexistent",
    "MOVE 1:* \"\"",
    "UID FOO 1",
    "UID",
    "SEARCH",
    "SEARCH NOSUCHKEY",
    "SEARCH CHARSET NOSUCHCHARSET ALL",
    "SEARCH (ALL",
    "SEARCH OR ALL",
    "SORT (NOSUCH) UTF-8 ALL",
    "THREAD NOSUCH UTF-8 ALL",
    "SELECT",
    "APPEND",
    "APPEND INBOX (\\Bogus) {1+}",
    "APPEND INBOX \"32-Foo-2000 00:00:00 +0000\" {1+}",
    "NOSUCHCOMMAND",
    "LOGIN alice x",
    "\"quoted\"",
]


def test_malformed_commands_change_nothing(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    before = files_with_sizes(srv)
    for i, line in enumerate(MALFORMED):
        tag = "m%d" % i
        c.send("%s %s" % (tag, line))
        if line.endswith("{1+}"):
            c.sock.sendall(b"x\r\n")
        reply = tagged_reply(c, tag)
        assert reply.startswith(("BAD", "NO")), (line, reply)
        if i == 0:
            # the exact texts are Dovecot's (a sample)
            assert text(reply) == ("BAD Error in IMAP command FETCH: "
                                   "Invalid arguments."), reply
    # a bad tag
    c.send("* NOOP")
    assert c.readline().startswith("* BAD"), "untagged NOOP accepted"
    ok(c, "SELECT INBOX")
    untagged, tagged = c.command("FETCH 1:* (FLAGS)")
    assert tagged.startswith("OK") and len(untagged) == 2, untagged
    assert files_with_sizes(srv) == before


def test_deep_parentheses(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    before = files_with_sizes(srv)
    depth = 5000
    # within the line limit: any tagged answer (Dovecot searches), and
    # the session goes on
    c.send("d1 SEARCH " + "(" * depth + "ALL" + ")" * depth)
    assert tagged_reply(c, "d1").startswith(("OK", "BAD", "NO"))
    c.send("d2 STORE 1 +FLAGS " + "(" * depth + "\\Seen" + ")" * depth)
    assert tagged_reply(c, "d2").startswith("BAD")
    untagged, tagged = c.command("FETCH 1 (FLAGS)")
    assert tagged.startswith("OK") and "\\Seen" not in untagged[0]
    assert files_with_sizes(srv) == before


def test_one_megabyte_line(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    before = files_with_sizes(srv)
    c.sock.sendall(b"l1 STORE 1 +FLAGS (" + b"\\Seen " * 200000 +
                   b"\\Flagged)\r\n")
    # over imap_max_line_length (64k): BYE (Dovecot: "* BYE Too long
    # argument.") or a BAD, never a change
    lines = []
    try:
        while True:
            line = c.readline()
            lines.append(line)
            if line.startswith(("l1 ", "* BYE")):
                break
    except (EOFError, ConnectionError):
        pass
    assert lines and lines[-1].startswith(("l1 BAD", "* BYE")), lines[-3:]
    c.close()
    c = session(srv)
    ok(c, "SELECT INBOX")
    untagged, tagged = c.command("FETCH 1:* (FLAGS)")
    assert not any("\\Seen" in u or "\\Flagged" in u for u in untagged)
    assert files_with_sizes(srv) == before


def test_huge_literals_save_nothing(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    before = files_with_sizes(srv)
    # a literal larger than anything: refused, or (Dovecot, APPEND)
    # invited and then cut short, which saves nothing
    for tag, line in (("h1", "APPEND INBOX {999999999999}"),
                      ("h2", "SEARCH TEXT {999999999}"),
                      ("h3", "FETCH 1 BODY[HEADER.FIELDS ({99999999})]")):
        c.send("%s %s" % (tag, line))
        reply = c.readline()
        assert reply.startswith(("+ ", tag + " NO", tag + " BAD",
                                 "* BYE")), (line, reply)
        if reply.startswith(("+ ", "* BYE")):
            c.sock.sendall(b"Subject: x\r\n")
            c.close()
            c = session(srv)
            ok(c, "SELECT INBOX")
    untagged, tagged = c.command("STATUS INBOX (MESSAGES)")
    assert untagged == ["* STATUS INBOX (MESSAGES 2)"], untagged
    assert files_with_sizes(srv) == before


def test_unterminated_literal_saves_nothing(srv):
    c = session(srv)
    c.send("u1 APPEND INBOX {1000}")
    assert c.readline().startswith("+ ")
    c.sock.sendall(b"Subject: cut short\r\n\r\nonly part of it")
    c.close()
    # a non-synchronizing literal cut short, too
    c = session(srv)
    c.sock.sendall(b"u2 APPEND INBOX {1000+}\r\nSubject: cut\r\n")
    c.close()
    c = session(srv)
    untagged, tagged = c.command("STATUS INBOX (MESSAGES)")
    assert untagged == ["* STATUS INBOX (MESSAGES 2)"], untagged
    ok(c, "SELECT INBOX")
    names = os.listdir(os.path.join(srv.mail_dir, "alice", "tmp"))
    assert names == [], names
