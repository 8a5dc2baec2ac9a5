"""Two sessions on one mailbox see each other's changes: flag changes,
expunges and new mail, told at NOOP and told during IDLE; an IDLE session
is told about an APPEND from another session and about a file dropped into
new/ (tmp/ then rename, as an MDA writes it) within 1 s.
"""
import os
import re
import time

from clients import imapconn, mailfiles

# The bound for IDLE notifications.
IDLE_LIMIT = 1.0
# How long a test waits before calling a missing notification a failure
# (the failure message gives the bound that was missed).
IDLE_WAIT = 5.0


def session(srv, user="alice", mailbox="INBOX"):
    c = imapconn.Conn(srv.imap_port)
    c.login(user, srv.password(user))
    info = c.select(mailbox)
    return c, info


def seed(srv, n, user="alice"):
    """n messages in the INBOX, delivered into new/ (no IMAP command
    needed); returns their markers."""
    markers = ["seed%d" % i for i in range(1, n + 1)]
    for m in markers:
        mailfiles.deliver(srv, user, mailfiles.make_message(m))
    return markers


def responses(untagged, kind):
    return [r for r in untagged if imapconn.untagged_kind(r) == kind]


def seq_of(resp):
    return int(re.match(rb"\* (\d+) ", resp.raw).group(1))


def flags_in(resp):
    seq, d = imapconn.fetch_dict(resp.items)
    return seq, {f.decode() for f in d.get("FLAGS", [])} - {"\\Recent"}


def body_marker(conn, seq):
    got = conn.fetch(str(seq), "(UID BODY.PEEK[])", uid=False)
    return mailfiles.marker_of(bytes(got[seq]["BODY[]"]))


def test_noop_sees_flags_expunge_and_new_mail(server):
    # Three messages; both sessions see them.
    markers = seed(server, 3)
    a, ainfo = session(server)
    b, binfo = session(server)
    assert ainfo["EXISTS"] == binfo["EXISTS"] == 3
    assert [body_marker(a, i) for i in (1, 2, 3)] == markers

    # A flag change by B reaches A at its next NOOP.
    b.ok("STORE 1 +FLAGS (\\Flagged)")
    untagged, _ = a.ok("NOOP")
    fetches = responses(untagged, "FETCH")
    assert [flags_in(r) for r in fetches] == [(1, {"\\Flagged"})], \
        [r.text() for r in untagged]

    # An expunge by B: A is told "* 2 EXPUNGE" and renumbers.
    b.ok("STORE 2 +FLAGS (\\Deleted)")
    b.ok("EXPUNGE")
    untagged, _ = a.ok("NOOP")
    assert [r.raw for r in responses(untagged, "EXPUNGE")] == \
        [b"* 2 EXPUNGE"], [r.text() for r in untagged]
    assert body_marker(a, 2) == markers[2]

    # New mail appended by B: A is told the new EXISTS and can read it.
    status, text = b.append("INBOX", mailfiles.make_message("fromb"))
    assert status == "OK", text
    untagged, _ = a.ok("NOOP")
    assert [r.raw for r in responses(untagged, "EXISTS")] == \
        [b"* 3 EXISTS"], [r.text() for r in untagged]
    assert body_marker(a, 3) == "fromb"

    # A's flag change reaches B the same way (both directions).
    a.ok("STORE 3 +FLAGS (\\Seen \\Answered)")
    untagged, _ = b.ok("NOOP")
    assert [flags_in(r) for r in responses(untagged, "FETCH")] == \
        [(3, {"\\Seen", "\\Answered"})], [r.text() for r in untagged]

    # Both end with the same view.
    assert a.uid_flags() == b.uid_flags()
    a.close()
    b.close()


def wait_idle(conn, kind, what):
    resp, waited = conn.idle_wait(
        lambda r: imapconn.untagged_kind(r) == kind, IDLE_WAIT)
    assert resp is not None, "IDLE session not told about %s within %.0fs" \
        % (what, IDLE_WAIT)
    assert waited <= IDLE_LIMIT, "IDLE session told about %s after %.3fs " \
        "(limit %.1fs)" % (what, waited, IDLE_LIMIT)
    return resp


def test_idle_sees_flags_expunge_and_append(server):
    seed(server, 3)
    a, _ = session(server)
    b, _ = session(server)
    a.idle_start()

    b.ok("STORE 2 +FLAGS (\\Flagged)")
    resp = wait_idle(a, "FETCH", "a flag change")
    assert flags_in(resp) == (2, {"\\Flagged"}), resp.text()

    b.ok("STORE 1 +FLAGS (\\Deleted)")
    resp = wait_idle(a, "FETCH", "a \\Deleted flag")
    assert flags_in(resp) == (1, {"\\Deleted"}), resp.text()
    b.ok("EXPUNGE")
    resp = wait_idle(a, "EXPUNGE", "an expunge")
    assert resp.raw == b"* 1 EXPUNGE"

    status, text = b.append("INBOX", mailfiles.make_message("idleappend"))
    assert status == "OK", text
    resp = wait_idle(a, "EXISTS", "an APPEND")
    assert resp.raw == b"* 3 EXISTS"

    _, status, text = a.idle_done()
    assert status == "OK", text
    assert body_marker(a, 3) == "idleappend"
    assert a.uid_flags() == b.uid_flags()
    a.close()
    b.close()


def test_idle_sees_maildir_delivery(server):
    seed(server, 1)
    a, info = session(server)
    assert info["EXISTS"] == 1
    a.idle_start()
    for n in (2, 3):
        marker = "mda%d" % n
        mailfiles.deliver(server, "alice", mailfiles.make_message(marker))
        resp = wait_idle(a, "EXISTS", "a file renamed into new/")
        assert resp.raw == b"* %d EXISTS" % n
    _, status, text = a.idle_done()
    assert status == "OK", text
    assert [body_marker(a, i) for i in (2, 3)] == ["mda2", "mda3"]
    a.close()


def test_idle_in_two_sessions_sees_each_others_changes(server):
    """Both sessions IDLE; a third changes the mailbox; each IDLE session
    is told, and after DONE each can change what the other sees."""
    seed(server, 2)
    a, _ = session(server)
    b, _ = session(server)
    c, _ = session(server)
    a.idle_start()
    b.idle_start()
    c.ok("STORE 1 +FLAGS (\\Answered)")
    for conn in (a, b):
        resp = wait_idle(conn, "FETCH", "a third session's flag change")
        assert flags_in(resp) == (1, {"\\Answered"}), resp.text()
    a.idle_done()
    a.ok("STORE 2 +FLAGS (\\Seen)")
    resp = wait_idle(b, "FETCH", "the other IDLE session's flag change")
    assert flags_in(resp) == (2, {"\\Seen"}), resp.text()
    b.idle_done()
    for conn in (a, b, c):
        conn.close()


def test_noop_sees_maildir_delivery_and_foreign_flag_rename(server):
    """Changes made directly in the Maildir by another program (a new file
    in new/, a flag rename in cur/) reach a session at NOOP."""
    seed(server, 2)
    a, info = session(server)
    assert info["EXISTS"] == 2
    a.ok("FETCH 1:* (FLAGS)")
    mailfiles.deliver(server, "alice", mailfiles.make_message("late"))
    untagged = noop_until(a, "EXISTS")
    assert [r.raw for r in responses(untagged, "EXISTS")] == [b"* 3 EXISTS"]
    assert body_marker(a, 3) == "late"

    # Another program flags message 1 by renaming its file in cur/.
    path = mailfiles.maildir_path(server, "alice")
    uid1 = int(a.fetch("1", "(UID)", uid=False)[1]["UID"])
    _, _, recs = mailfiles.read_uidlist(path)
    cur = os.path.join(path, "cur")
    name = [n for n in os.listdir(cur)
            if mailfiles.split_name(n)[0] == recs[uid1]]
    assert len(name) == 1, os.listdir(cur)
    base, letters = mailfiles.split_name(name[0])
    os.rename(os.path.join(cur, name[0]),
              os.path.join(cur, "%s:2,%s" % (base, "".join(
                  sorted(letters + "F")))))
    untagged = noop_until(a, "FETCH")
    assert [flags_in(r) for r in responses(untagged, "FETCH")] == \
        [(1, {"\\Flagged"})], [r.text() for r in untagged]
    a.close()


def noop_until(conn, kind):
    """NOOP until a response of the kind arrives (another program's change
    may be seen a moment later); returns that NOOP's untagged responses."""
    deadline = time.monotonic() + IDLE_WAIT
    while True:
        untagged, _ = conn.ok("NOOP")
        if responses(untagged, kind) or time.monotonic() > deadline:
            return untagged
        time.sleep(0.1)
