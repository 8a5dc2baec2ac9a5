"""curl's IMAP client against the real server: LIST, SELECT + FETCH by UID
(and by sequence number, and a section), SEARCH through -X, APPEND of an
uploaded file; the results are checked over imaplib and on disk.
"""
import os
import re
import shutil
import subprocess

import pytest

from clients import imapconn, mailfiles

CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(CURL is None, reason="curl is not installed"
                                " (scripts/install-deps.sh installs it)")


def curl(srv, path, *args, user="alice", data_dir=None):
    """Runs curl on imap://127.0.0.1:PORT/PATH; returns stdout (bytes).
    A failure of curl fails the test with its stderr."""
    url = "imap://127.0.0.1:%d/%s" % (srv.imap_port, path)
    cmd = [CURL, "--silent", "--show-error", "--max-time", "60",
           "--user", "%s:%s" % (user, srv.password(user)), url] + list(args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=90, cwd=data_dir)
    assert proc.returncode == 0, "curl %s %s: exit %d: %s" % (
        url, args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def seed(srv, markers, user="alice", mailbox="INBOX"):
    for m in markers:
        mailfiles.deliver(srv, user, mailfiles.make_message(
            m, subject="curl %s" % m), mailbox)


def test_list(server):
    mailfiles.ensure_maildir(server, "alice")
    mailfiles.ensure_maildir(server, "alice", "Archive")
    out = curl(server, "").decode()
    names = sorted(re.findall(r'^\* LIST \([^)]*\) (?:"."|NIL) "?([^"\r\n]+)"?'
                              r'\r?$', out, re.M))
    assert names == ["Archive", "INBOX"], out


def test_select_and_fetch_by_uid_and_index(server):
    seed(server, ["c1", "c2", "c3"])
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    info = c.select("INBOX")
    uids = sorted(c.uid_flags())
    assert len(uids) == 3
    body2 = c.fetch(str(uids[1]), "(BODY.PEEK[])")[uids[1]]["BODY[]"]

    # By UID, with the UIDVALIDITY the URL asserts.
    out = curl(server, "INBOX;UIDVALIDITY=%d/;UID=%d" % (info["UIDVALIDITY"],
                                                          uids[1]))
    assert out == bytes(body2)
    assert mailfiles.marker_of(out) == "c2"
    # curl's FETCH BODY[] sets \Seen on the message it read, and only on
    # it.
    c.ok("NOOP")
    flags = c.uid_flags()
    assert [flags[u] for u in uids] == [set(), {"\\Seen"}, set()]
    # By sequence number (MAILINDEX), and one section of it.
    out = curl(server, "INBOX;MAILINDEX=3")
    assert mailfiles.marker_of(out) == "c3"
    out = curl(server, "INBOX;UID=%d;SECTION=HEADER.FIELDS%%20(SUBJECT)"
               % uids[0])
    assert out.replace(b"\r\n", b"\n").strip() == b"Subject: curl c1"
    c.ok("NOOP")
    assert all(f == {"\\Seen"} for f in c.uid_flags().values())
    c.close()


def test_search_through_custom_request(server):
    seed(server, ["s1", "s2", "s3"])
    mailfiles.deliver(server, "alice", mailfiles.make_message(
        "s4", subject="something else"))
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    c.select("INBOX")
    uids = sorted(c.uid_flags())
    c.close()
    out = curl(server, "INBOX", "-X", 'UID SEARCH SUBJECT "curl"').decode()
    m = re.search(r"^\* SEARCH((?: \d+)*)\r?$", out, re.M)
    assert m, out
    assert sorted(int(u) for u in m.group(1).split()) == uids[:3]
    out = curl(server, "INBOX", "-X", "SEARCH BODY marker=s4").decode()
    assert re.search(r"^\* SEARCH 4\r?$", out, re.M), out
    out = curl(server, "INBOX", "-X", "SEARCH SUBJECT nothing-has-this")
    assert re.search(rb"^\* SEARCH\r?$", out, re.M), out


def test_append_by_upload(server, tmp_path):
    mailfiles.ensure_maildir(server, "alice", "Archive")
    msg = mailfiles.make_message("uploaded", subject="from curl")
    path = tmp_path / "msg.eml"
    path.write_bytes(msg)
    curl(server, "Archive", "--upload-file", str(path))
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    info = c.select("Archive")
    assert info["EXISTS"] == 1
    got = c.fetch("1", "(UID RFC822.SIZE BODY.PEEK[])", uid=False)[1]
    assert bytes(got["BODY[]"]) == msg
    assert int(got["RFC822.SIZE"]) == len(msg)
    c.close()
    # On disk: one file in the folder, with the uploaded message in LF
    # line ends (mail_save_crlf = no, the default).
    files = mailfiles.read_message_files(
        mailfiles.maildir_path(server, "alice", "Archive"))
    assert list(files.values()) == [msg.replace(b"\r\n", b"\n")]
    assert os.path.exists(os.path.join(
        mailfiles.maildir_path(server, "alice", "Archive"),
        "dovecot-uidlist"))
