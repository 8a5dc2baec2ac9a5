"""imap_client_workarounds against the real server: the config refuses
unknown words, tb-extra-mailbox-sep ignores one trailing separator in
mailbox names, tb-lsub-flags leaves Maildir LSUB replies as they are (as
Dovecot 2.3 does), delay-newmail holds new-mail notifications back until
NOOP, CHECK or IDLE.  The expected replies were taken from Dovecot 2.3.19;
run with ROOST_E2E_SERVER=dovecot to check them again."""
import pytest

import harness

from imap_mbox_util import cmd, deliver, ok, session

NS_CONFIG = """
namespace inbox {
  inbox = yes
  separator = /
}
"""


def workaround_server(make_server, workarounds, location_suffix=""):
    srv = make_server(start=False)
    srv.write_config(srv.config_text() + NS_CONFIG +
                     "imap_client_workarounds = %s\n" % workarounds +
                     "mail_location = maildir:%s/%%u%s\n"
                     % (srv.mail_dir, location_suffix))
    srv.start()
    return srv


def test_unknown_workaround_is_a_config_error(make_server):
    srv = make_server(start=False)
    srv.write_config(srv.config_text() +
                     "imap_client_workarounds = delay-newmail foo\n")
    proc = srv.run_master("-n")
    assert proc.returncode != 0
    assert ("imap_client_workarounds: Unknown workaround: foo"
            in proc.stderr + proc.stdout), proc.stderr


def test_trailing_separator_refused_without_workaround(make_server):
    srv = workaround_server(make_server, "")
    c = session(srv)
    ok(c, "CREATE foo")
    bad = "NO [CANNOT] Invalid mailbox name: Ends with hierarchy separator."
    assert cmd(c, "SELECT foo/") == ([], bad)
    assert cmd(c, "STATUS foo/ (MESSAGES)") == ([], bad)
    assert cmd(c, "DELETE foo/") == ([], bad)
    assert cmd(c, "SELECT foo//")[1] == (
        "NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy "
        "separators.")


def test_tb_extra_mailbox_sep(make_server):
    srv = workaround_server(make_server, "tb-extra-mailbox-sep")
    c = session(srv)
    ok(c, "CREATE foo")
    ok(c, "CREATE bar")
    untagged, tagged = cmd(c, "SELECT foo/")
    assert tagged == "OK [READ-WRITE] Select completed.", tagged
    assert "* 0 EXISTS" in untagged
    # the name is echoed as the client sent it
    assert cmd(c, "STATUS foo/ (MESSAGES)") == (
        ["* STATUS foo/ (MESSAGES 0)"],
        "OK [CLIENTBUG] Status on selected mailbox completed.")
    assert cmd(c, "DELETE bar/") == ([], "OK Delete completed.")
    untagged, _ = cmd(c, 'LIST "" *')
    assert sorted(untagged) == sorted([
        '* LIST (\\HasNoChildren) "/" foo',
        '* LIST (\\HasNoChildren) "/" INBOX'])


def test_tb_extra_mailbox_sep_forgives_only_one(make_server):
    srv = workaround_server(make_server, "tb-extra-mailbox-sep")
    c = session(srv)
    ok(c, "CREATE foo")
    assert cmd(c, "SELECT foo//")[1] == (
        "NO [CANNOT] Invalid mailbox name: Ends with hierarchy separator.")


@pytest.mark.parametrize("workarounds", ["", "tb-lsub-flags"])
def test_tb_lsub_flags_layout_fs(make_server, workarounds):
    srv = workaround_server(make_server, workarounds, ":LAYOUT=fs")
    c = session(srv)
    for name in ("a/b", "c/d", "e"):
        ok(c, "CREATE %s" % name)
    for name in ("a/b", "c", "e", "c/d"):
        ok(c, "SUBSCRIBE %s" % name)
    untagged, _ = cmd(c, 'LIST "" *')
    assert '* LIST (\\Noselect \\HasChildren) "/" c' in untagged
    untagged, _ = cmd(c, 'LSUB "" *')
    assert sorted(untagged) == sorted([
        '* LSUB () "/" a/b', '* LSUB () "/" c', '* LSUB () "/" c/d',
        '* LSUB () "/" e'])
    untagged, _ = cmd(c, 'LSUB "" %')
    assert sorted(untagged) == sorted([
        '* LSUB (\\Noselect) "/" a', '* LSUB () "/" c', '* LSUB () "/" e'])


def append_one(c):
    c.send("a1 APPEND INBOX {5+}")
    c.send("hello")
    while True:
        line = c.readline()
        if line.startswith("a1 "):
            assert line.startswith("a1 OK"), line
            return


@pytest.mark.parametrize("workarounds", ["", "delay-newmail"])
def test_delay_newmail(make_server, workarounds):
    srv = workaround_server(make_server, workarounds)
    a = session(srv)
    b = session(srv)
    append_one(a)
    ok(a, "SELECT INBOX")
    ok(b, "SELECT INBOX")
    deliver(srv, "alice")
    untagged = ok(a, "STORE 1 +FLAGS (\\Seen)")
    delayed = workarounds == "delay-newmail"
    assert ("* 2 EXISTS" in untagged) != delayed, untagged
    if delayed:
        # as in Dovecot, only the notification waits: the message is in
        # the view (1:* reaches it), other sessions' flag changes come
        untagged = ok(b, "STORE 1 +FLAGS (\\Flagged)") + ok(
            a, "FETCH 1:* (FLAGS)")
        assert "* 2 FETCH (FLAGS (\\Recent))" in untagged, untagged
        assert not any("EXISTS" in line for line in untagged), untagged
        assert any(line.startswith("* 1 FETCH") and "\\Flagged" in line
                   for line in untagged), untagged
    untagged = ok(a, "NOOP")
    assert ("* 2 EXISTS" in untagged) == delayed, untagged
    assert ("* 2 RECENT" in untagged) == delayed, untagged
    assert ok(a, "SEARCH ALL") == ["* SEARCH 1 2"]
    # expunges by another session: never in FETCH/SEARCH replies; held
    # back from other commands with delay-newmail; CHECK reports them
    ok(b, "STORE 1 +FLAGS (\\Deleted)")
    ok(b, "EXPUNGE")
    assert "* 1 EXPUNGE" not in ok(a, "FETCH 1 FLAGS")
    untagged = ok(a, 'STATUS "INBOX" (MESSAGES)') + ok(a, "CHECK")
    assert "* 1 EXPUNGE" in untagged, untagged
    # IDLE always reports new mail
    deliver(srv, "alice")
    a.send("i IDLE")
    assert a.readline() == "+ idling"
    line = a.readline()
    while not line.endswith("EXISTS"):
        line = a.readline()
    assert line == "* 2 EXISTS", line
    a.send("DONE")
    line = a.readline()
    while not line.startswith("i "):
        line = a.readline()
    assert line.startswith("i OK"), line
