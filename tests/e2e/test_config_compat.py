"""A Dovecot 2.3 configuration in the shape administrators write it runs
unchanged (only paths and ports differ), and the master prints the
configuration like doveconf."""
import re

import harness


def compat_config(srv, pop3_port):
    """The compatibility configuration of the foundation issue, with this
    test's paths, ports and system users."""
    first_uid = srv.uid_of(srv.mail_user)
    return f"""\
# Paths and ports of this test
base_dir = {srv.base_dir}
log_path = {srv.log_path}
ssl = no
{srv.users_block()}

protocols = imap pop3 lmtp
listen = 127.0.0.1

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {srv.users_file}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {srv.users_file}
}}

mail_location = maildir:{srv.mail_dir}/%u
mail_uid = {srv.mail_user}
mail_gid = {srv.mail_group()}
first_valid_uid = {first_uid}

namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
  }}
}}

service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {srv.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service imap {{
  process_limit = 2000
}}
"""


def test_compat_config_runs_unchanged(make_server):
    pop3_port = harness.free_port()

    def setup(srv):
        srv.write_config(compat_config(srv, pop3_port))
    srv = make_server(base_config=False, setup=setup)
    c = srv.login("alice")
    assert c.noop()[0] == "OK"
    c.logout()
    c = srv.login("bob")
    c.logout()
    srv.wait_log(r"imap-login: Info: Login: user=<bob>, method=PLAIN, "
                 r"rip=127\.0\.0\.1, lip=127\.0\.0\.1, mpid=\d+, secured")


def test_config_print_non_default(make_server):
    pop3_port = harness.free_port()

    def setup(srv):
        srv.write_config(compat_config(srv, pop3_port))
    srv = make_server(base_config=False, setup=setup, start=False)
    proc = srv.run_master("-n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"^mail_uid = %s$" % srv.mail_user, out, re.M), out
    # The namespace block with its mailbox sub-block (the exact Dovecot
    # rendering, with "location = " and "prefix = ", is checked in
    # test_compat_details.py).
    m = re.search(r"^namespace inbox \{\n(.*?)^\}$", out, re.M | re.S)
    assert m, out
    block = m.group(1)
    assert re.search(r"^  inbox = yes$", block, re.M), block
    assert re.search(r"^  separator = /$", block, re.M), block
    assert re.search(r"^  mailbox Drafts \{\n    special_use = \\Drafts\n"
                     r"  \}$", block, re.M), block
    assert re.search(r"^service imap \{\n  process_limit = 2000\n\}$", out,
                     re.M), out
    assert re.search(r"^passdb \{\n  args = scheme=PLAIN username_format=%%u "
                     r"%s\n  driver = passwd-file\n\}$"
                     % re.escape(srv.users_file), out, re.M), out
    # Defaults are not printed by -n.
    assert not re.search(r"^auth_failure_delay = ", out, re.M), out


def test_config_print_all(make_server):
    srv = make_server(start=False)
    srv.write_config()
    proc = srv.run_master("-a")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for line in ("auth_failure_delay = 2 secs",
                 "protocols = imap",
                 "disable_plaintext_auth = yes",
                 "default_client_limit = 1000",
                 "default_process_limit = 100",
                 "first_valid_uid = 500",
                 "login_trusted_networks = ",
                 "base_dir = " + srv.base_dir):
        assert re.search("^" + re.escape(line) + "$", out, re.M), line


def test_config_error_is_reported(make_server):
    srv = make_server(start=False)
    text = srv.config_text() + "\nno_such_setting = 1\n"
    srv.write_config(text)
    lineno = text.count("\n")
    proc = srv.run_master("-n")
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert re.search(r"Unknown setting: no_such_setting", text), text
    srv.start(wait=False)
    srv.proc.wait(timeout=harness.START_TIMEOUT)
    assert srv.proc.returncode != 0
    text = srv.log() + open(srv.output_path).read()
    assert re.search(r"Fatal: Error in configuration file %s line %d: "
                     r"Unknown setting: no_such_setting"
                     % (re.escape(srv.config_path), lineno), text), text
