"""Pending: exact Dovecot 2.3.19 renderings that Roost does not match yet,
and checks that need features beyond the foundation (SELECT).  Each test
passes against Dovecot (ROOST_E2E_SERVER=dovecot); rename this file to
test_*.py (or move each test into its topic's file) when it passes against
Roost.  See docs/testing.md."""
import os
import re

import pytest

import harness


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
