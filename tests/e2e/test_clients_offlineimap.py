"""Debian 12's offlineimap3 against the real server: a two-way sync into a
local Maildir (INBOX and a folder), flag changes and new mail both ways, a
local deletion expunged on the server, and a second run that changes
nothing.  Its configuration and metadata live in the test's temporary
directory.
"""
import os
import shutil
import subprocess

import pytest

from clients import imapconn, mailfiles, maildirs

OFFLINEIMAP = shutil.which("offlineimap")
pytestmark = pytest.mark.skipif(OFFLINEIMAP is None, reason="offlineimap3 "
                                "is not installed (scripts/install-deps.sh)")

CONFIG = """\
[general]
accounts = test
metadata = {dir}/metadata
ui = basic
fsync = false

[Account test]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {dir}/local

[Repository remote]
type = IMAP
remotehost = 127.0.0.1
remoteport = {port}
remoteuser = alice
remotepass = {password}
ssl = no
starttls = no
auth_mechanisms = LOGIN
maxconnections = 1
"""

BOXES = ("INBOX", "Archive")


class OfflineImap:
    def __init__(self, srv, tmp_path):
        self.dir = str(tmp_path)
        self.local = os.path.join(self.dir, "local")
        self.conf = os.path.join(self.dir, "offlineimaprc")
        with open(self.conf, "w") as f:
            f.write(CONFIG.format(dir=self.dir, port=srv.imap_port,
                                  password=srv.password("alice")))

    def run(self):
        env = {"HOME": self.dir, "PATH": os.environ["PATH"],
               "LANG": "C.UTF-8"}
        proc = subprocess.run([OFFLINEIMAP, "-c", self.conf, "-o", "-u",
                               "basic"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=180, cwd=self.dir)
        assert proc.returncode == 0 and "ERROR" not in proc.stdout, \
            "offlineimap failed (%d):\n%s" % (proc.returncode, proc.stdout)
        return proc.stdout

    def box(self, name):
        return os.path.join(self.local, name)


def test_two_way_sync(server, tmp_path):
    for m in ("m1", "m2", "m3"):
        mailfiles.deliver(server, "alice", mailfiles.make_message(m))
    mailfiles.deliver(server, "alice", mailfiles.make_message("a1"),
                      "Archive")
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    c.select("INBOX")
    c.ok("STORE 2 +FLAGS (\\Seen \\Answered)")
    c.close()

    oi = OfflineImap(server, tmp_path)
    oi.run()
    assert maildirs.messages(oi.box("INBOX")) == {
        "m1": set(), "m2": {"\\Seen", "\\Answered"}, "m3": set()}
    assert maildirs.messages(oi.box("Archive")) == {"a1": set()}

    # Both sides change.
    maildirs.set_flags(oi.box("INBOX"), "m1", add=["\\Flagged"])
    maildirs.set_flags(oi.box("INBOX"), "m2", remove=["\\Answered"])
    maildirs.deliver_local(oi.box("Archive"),
                           mailfiles.make_message("local1"))
    sub, name = maildirs.find(oi.box("INBOX"), "m3")
    os.unlink(os.path.join(oi.box("INBOX"), sub, name))
    c = imapconn.Conn(server.imap_port)
    c.login("alice", server.password("alice"))
    c.select("Archive")
    c.ok("STORE 1 +FLAGS (\\Flagged)")
    st, text = c.append("INBOX", mailfiles.make_message("remote1"))
    assert st == "OK", text
    c.close()

    oi.run()
    want_inbox = {"m1": {"\\Flagged"}, "m2": {"\\Seen"}, "remote1": set()}
    want_archive = {"a1": {"\\Flagged"}, "local1": set()}
    assert maildirs.messages(oi.box("INBOX")) == want_inbox
    assert maildirs.messages(oi.box("Archive")) == want_archive
    assert maildirs.server_messages(server, "alice", "INBOX") == want_inbox
    assert maildirs.server_messages(server, "alice", "Archive") == \
        want_archive

    # A second run changes nothing.
    before_local = maildirs.tree(oi.local)
    before_server = maildirs.server_state(server, "alice", BOXES)
    oi.run()
    assert maildirs.tree(oi.local) == before_local
    assert maildirs.server_state(server, "alice", BOXES) == before_server
