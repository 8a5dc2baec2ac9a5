"""Debian's isync (mbsync) against the real server: a two-way sync of the
INBOX and a folder into a local Maildir, flag changes and new mail in both
directions, an expunge in both directions, and a second run that changes
nothing on either side.  mbsync's configuration and state live in the
test's temporary directory.
"""
import os
import shutil
import subprocess

import pytest

from clients import imapconn, mailfiles, maildirs

MBSYNC = shutil.which("mbsync")
pytestmark = pytest.mark.skipif(MBSYNC is None, reason="mbsync (isync) is "
                                "not installed (scripts/install-deps.sh)")

MBSYNCRC = """\
IMAPAccount roost
Host 127.0.0.1
Port {port}
User alice
Pass {password}
SSLType None
AuthMechs LOGIN
Timeout 60

IMAPStore remote
Account roost

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
"""

BOXES = ("INBOX", "Archive")


class Mbsync:
    def __init__(self, srv, tmp_path):
        self.dir = str(tmp_path)
        self.local = os.path.join(self.dir, "local")
        self.rc = os.path.join(self.dir, "mbsyncrc")
        os.makedirs(self.local)
        with open(self.rc, "w") as f:
            f.write(MBSYNCRC.format(port=srv.imap_port,
                                    password=srv.password("alice"),
                                    local=self.local))

    def run(self):
        env = {"HOME": self.dir, "PATH": os.environ["PATH"]}
        proc = subprocess.run([MBSYNC, "-c", self.rc, "-a"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120, cwd=self.dir)
        assert proc.returncode == 0, "mbsync failed (%d):\n%s" % (
            proc.returncode, proc.stdout)
        return proc.stdout

    def box(self, name):
        return os.path.join(self.local, name)


def test_two_way_sync(server, tmp_path):
    for m in ("m1", "m2", "m3"):
        mailfiles.deliver(server, "alice", mailfiles.make_message(m))
    for m in ("a1", "a2"):
        mailfiles.deliver(server, "alice", mailfiles.make_message(m),
                          "Archive")
    # A flag set on the server before the first sync comes down with it.
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    c.select("INBOX")
    c.ok("STORE 1 +FLAGS (\\Flagged)")
    c.close()

    sync = Mbsync(server, tmp_path)
    sync.run()
    assert maildirs.messages(sync.box("INBOX")) == {
        "m1": {"\\Flagged"}, "m2": set(), "m3": set()}
    assert maildirs.messages(sync.box("Archive")) == {"a1": set(),
                                                      "a2": set()}

    # Local changes: flags, a new message, a deletion.
    maildirs.set_flags(sync.box("INBOX"), "m2", add=["\\Seen"])
    maildirs.set_flags(sync.box("INBOX"), "m1", remove=["\\Flagged"],
                       add=["\\Answered"])
    maildirs.set_flags(sync.box("Archive"), "a2", add=["\\Deleted"])
    maildirs.deliver_local(sync.box("Archive"),
                           mailfiles.make_message("local1"))
    # Server changes: flags, new mail (APPEND and a delivery), an expunge.
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    c.select("INBOX")
    c.ok("STORE 3 +FLAGS (\\Flagged \\Seen)")
    st, text = c.append("INBOX", mailfiles.make_message("remote1"),
                        "\\Seen")
    assert st == "OK", text
    c.select("Archive")
    c.ok("STORE 1 +FLAGS (\\Deleted)")
    c.ok("EXPUNGE")
    c.close()
    mailfiles.deliver(server, "alice", mailfiles.make_message("remote2"))

    sync.run()
    want_inbox = {"m1": {"\\Answered"}, "m2": {"\\Seen"},
                  "m3": {"\\Flagged", "\\Seen"}, "remote1": {"\\Seen"},
                  "remote2": set()}
    want_archive = {"local1": set()}
    assert maildirs.messages(sync.box("INBOX")) == want_inbox
    assert maildirs.messages(sync.box("Archive")) == want_archive
    assert maildirs.server_messages(server, "alice", "INBOX") == want_inbox
    assert maildirs.server_messages(server, "alice", "Archive") == \
        want_archive

    # A second run changes nothing on either side: no file renamed or
    # written locally, no flag, UID or modseq change on the server.
    before_local = maildirs.tree(sync.local)
    before_server = maildirs.server_state(server, "alice", BOXES)
    sync.run()
    assert maildirs.tree(sync.local) == before_local
    assert maildirs.server_state(server, "alice", BOXES) == before_server


def test_folder_created_on_either_side(server, tmp_path):
    """Create Both: a folder that exists only locally is created on the
    server, and one that exists only on the server locally."""
    mailfiles.deliver(server, "alice", mailfiles.make_message("s1"),
                      "Remote")
    sync = Mbsync(server, tmp_path)
    sync.run()
    assert maildirs.messages(sync.box("Remote")) == {"s1": set()}
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(sync.box("Local"), sub))
    maildirs.deliver_local(sync.box("Local"), mailfiles.make_message("l1"))
    sync.run()
    assert maildirs.server_messages(server, "alice", "Local") == {"l1": set()}
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    untagged, _ = c.ok('LIST "" "*"')
    names = sorted(r.items[-1].decode() for r in untagged)
    assert names == ["INBOX", "Local", "Remote"]
    c.close()
