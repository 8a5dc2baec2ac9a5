"""Pending: exact Dovecot 2.3.19 renderings that Roost does not match yet,
and checks that need features beyond the foundation (SELECT).  Each test
passes against Dovecot (ROOST_E2E_SERVER=dovecot); rename this file to
test_*.py (or move each test into its topic's file) when it passes against
Roost.  See docs/testing.md."""
import os
import re
import signal

import pytest

import harness
from harness import TIMESTAMP_RE


def test_config_print_namespace_block_exactly(make_server):
    # doveconf -n prints "location = " and "prefix = " in a namespace.
    srv = make_server(start=False)
    srv.write_config(srv.config_text() + """
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
  }
}
""")
    proc = srv.run_master("-n")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^namespace inbox \{\n  inbox = yes\n"
                     r"  location = \n"
                     r"  mailbox Drafts \{\n    special_use = \\Drafts\n"
                     r"  \}\n  prefix = \n  separator = /\n\}$",
                     proc.stdout, re.M), proc.stdout


def test_killed_imap_logged_with_session_prefix(server):
    # Dovecot logs a mail process's death with the session's log prefix.
    c = server.login("alice")
    pid = server.wait_pids("imap")[0]
    mark = server.log_mark()
    os.kill(pid, signal.SIGKILL)
    m = server.wait_log(r"service\(imap\): child %d killed" % pid, after=mark)
    assert re.match(r"^%simap\(alice\)<%d><[^>]*>: Fatal: master: "
                    r"service\(imap\): child %d killed with signal 9$"
                    % (TIMESTAMP_RE, pid, pid), m.string), m.string
    try:
        c.shutdown()
    except OSError:
        pass


def test_mail_directory_belongs_to_mail_uid(server):
    if not harness.is_root():
        pytest.skip("needs root to create per-role system users")
    # The mail directory is created by the imap process as mail_uid.
    c = server.login("bob")
    c.select("INBOX")
    c.logout()
    bob = os.path.join(server.mail_dir, "bob")
    harness.wait_until(lambda: os.path.isdir(bob), harness.LOG_TIMEOUT,
                       what="mail directory of bob")
    st = os.stat(bob)
    assert st.st_uid == harness.pwd.getpwnam(harness.TEST_MAIL_USER).pw_uid
