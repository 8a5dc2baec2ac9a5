"""Mutt driven headless through tmux against the real server, as a person
uses it: open the INBOX over IMAP, read a message, flag one, save
(move) one to a folder, delete one and expunge, quit; the result on the
server is then checked over IMAP.
"""
import os
import shutil

import pytest

from clients import mailfiles, maildirs, tmux

MUTT = shutil.which("mutt")
pytestmark = pytest.mark.skipif(MUTT is None or tmux.TMUX is None,
                                reason="mutt or tmux is not installed "
                                "(scripts/install-deps.sh)")
MUTTRC = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "clients", "muttrc")
SUBJECTS = ("mutt one", "mutt two", "mutt three", "mutt four")


def start_mutt(srv, tmp_path):
    d = str(tmp_path)
    with open(MUTTRC) as f:
        rc = f.read().format(port=srv.imap_port,
                             password=srv.password("alice"), dir=d)
    path = os.path.join(d, "muttrc")
    with open(path, "w") as f:
        f.write(rc)
    return tmux.TmuxProgram(d, "%s -n -F %s" % (MUTT, path))


def test_read_flag_move_delete(server, tmp_path):
    for i, subject in enumerate(SUBJECTS, 1):
        mailfiles.deliver(server, "alice", mailfiles.make_message(
            "u%d" % i, subject=subject))
    mailfiles.ensure_maildir(server, "alice", "Archive")

    m = start_mutt(server, tmp_path)
    try:
        m.wait(r"STATUS .*msgs=4", what="the INBOX with 4 messages")
        m.wait(r"mutt four", what="the index")
        # Read the first message: the pager shows its body.
        m.keys("Enter")
        m.wait(r"marker=u1", what="the first message's body")
        m.keys("q")
        m.wait(r"STATUS .*msgs=4", what="the index again")
        # Flag the second.
        m.keys("j", "F")
        m.wait(r"^ +2 .*!.*mutt two", what="message 2 flagged")
        # Save the third to =Archive (mutt marks it deleted).
        m.keys("j", "s")
        m.wait(r"Save to mailbox", what="the save prompt")
        m.keys("C-u", ("literal", "=Archive"), "Enter")
        m.wait(r"^ +3 .*D.*mutt three", what="message 3 saved and deleted")
        # Delete the fourth.
        m.keys("j", "d")
        m.wait(r"STATUS .*del=2", what="two messages marked deleted")
        # Sync: expunge the deleted ones.
        m.keys("$")
        m.wait(r"STATUS .*msgs=2", what="the INBOX after expunge")
        m.keys("q")
        assert m.wait_exit() == 0
    finally:
        m.close()

    inbox = maildirs.server_messages(server, "alice", "INBOX")
    assert inbox == {"u1": {"\\Seen"}, "u2": {"\\Flagged"}}
    archive = maildirs.server_messages(server, "alice", "Archive")
    assert list(archive) == ["u3"], archive
    assert "\\Deleted" not in archive["u3"]
    # On disk too: the expunged files are gone from the INBOX.
    files = mailfiles.read_message_files(
        mailfiles.maildir_path(server, "alice"))
    assert sorted(mailfiles.marker_of(d) for d in files.values()) == \
        ["u1", "u2"]
