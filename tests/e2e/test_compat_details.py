"""Exact Dovecot 2.3.19 renderings and behaviour details: doveconf's
namespace block, its masking of secrets, and mail directory ownership.
Each test also passes against Dovecot (ROOST_E2E_SERVER=dovecot)."""
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


def test_config_print_hides_secrets_unless_P(make_server):
    # doveconf -n masks passwords and keys; -P shows them.
    srv = make_server(start=False)
    srv.write_config(srv.config_text() + """
plugin {
  mail_crypt_private_password = s3cret
  quota_dict = proxy:host=db password=topsecret dbname=q
}
""")
    proc = srv.run_master("-n")
    assert proc.returncode == 0, proc.stderr
    assert "s3cret" not in proc.stdout and "topsecret" not in proc.stdout
    assert ("  mail_crypt_private_password = # hidden, use -P to show it\n"
            in proc.stdout), proc.stdout
    assert ("  quota_dict = proxy:host=db password=#hidden_use-P_to_show# "
            "dbname=q\n" in proc.stdout), proc.stdout
    if harness.server_kind().name == "dovecot":
        return  # -P is doveconf's; `dovecot -n` has no -P
    proc = srv.run_master("-n", "-P")
    assert proc.returncode == 0, proc.stderr
    assert "  mail_crypt_private_password = s3cret\n" in proc.stdout
    assert "password=topsecret dbname=q\n" in proc.stdout
