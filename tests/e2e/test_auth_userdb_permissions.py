"""Who may ask the auth-userdb socket what (Dovecot's rule, messages
taken from Dovecot 2.3.19; passes with ROOST_E2E_SERVER=dovecot): root,
the socket's owner, and anyone when the socket is mode 0777 may do every
lookup; any other local user reaching the default 0666 socket may look up
only users whose userdb uid is its own, and may neither do PASS lookups
nor list users."""
import os
import pwd
import re
import subprocess

import pytest

import harness

NOBODY = 65534

LOOKUP = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"VERSION\t1\t0\n" + sys.argv[2].encode() + b"\n")
s.settimeout(10)
buf = b""
while buf.count(b"\n") < 3:
    d = s.recv(4096)
    if not d:
        break
    buf += d
sys.stdout.write(buf.decode().split("\n")[2])
"""


def lookup(srv, line, uid=None):
    """The reply line to one auth-master request, sent as uid (with that
    user's primary gid)."""
    def drop():
        if uid is not None:
            os.setgroups([])
            os.setgid(pwd.getpwuid(uid).pw_gid)
            os.setuid(uid)
    proc = subprocess.run(
        ["/usr/bin/python3", "-c", LOOKUP,
         os.path.join(srv.base_dir, "auth-userdb"), line],
        preexec_fn=drop, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def srv(make_server):
    if not harness.is_root():
        pytest.skip("needs root to connect as another uid")
    srv = make_server(start=False)
    srv.add_user_line("nob:{PLAIN}x:%d:%d::%s::" % (
        NOBODY, NOBODY, os.path.join(srv.home_dir, "nob")))
    srv.start()
    return srv


def test_root_may_do_everything(srv):
    assert lookup(srv, "USER\t1\talice\tservice=imap").startswith(
        "USER\t1\talice\t")
    assert lookup(srv, "PASS\t1\talice\tservice=imap").startswith(
        "PASS\t1\tuser=alice")


def test_other_user_sees_only_its_own_uid(srv):
    path = os.path.join(srv.base_dir, "auth-userdb")
    assert os.stat(path).st_mode & 0o777 == 0o666
    mark = srv.log_mark()
    # a user without a userdb uid
    assert lookup(srv, "USER\t1\talice\tservice=imap", NOBODY) == "FAIL\t1"
    srv.wait_log(re.escape(
        "auth: Error: client doesn't have lookup permissions for this "
        "user: userdb reply doesn't contain uid (to bypass this check, "
        "set: service auth { unix_listener %s { mode=0777 } })" % path),
        after=mark)
    # its own uid: allowed
    assert lookup(srv, "USER\t2\tnob\tservice=imap", NOBODY).startswith(
        "USER\t2\tnob\t")
    # another uid
    mark = srv.log_mark()
    uid = pwd.getpwnam(harness.TEST_MAIL_USER).pw_uid
    assert lookup(srv, "USER\t3\tnob\tservice=imap", uid) == "FAIL\t3"
    srv.wait_log(re.escape(
        "client doesn't have lookup permissions for this user: userdb "
        "uid (%d) doesn't match peer uid (%d)" % (NOBODY, uid)), after=mark)


def test_other_user_may_not_pass_lookup_or_list(srv):
    path = os.path.join(srv.base_dir, "auth-userdb")
    mark = srv.log_mark()
    assert lookup(srv, "PASS\t1\talice\tservice=imap", NOBODY) == "FAIL\t1"
    srv.wait_log(re.escape(
        "auth: Error: Auth client doesn't have permissions to do a PASS "
        "lookup: %s mode=0666, but not owned by UID %d(nobody)"
        % (path, NOBODY)), after=mark)
    assert lookup(srv, "LIST\t5\t", NOBODY) == "DONE\t5\tfail"
    srv.wait_log(re.escape(
        "auth: Error: auth-master client: Auth client doesn't have "
        "permissions to list users: %s mode=0666, but not owned by UID "
        "%d(nobody)" % (path, NOBODY)), after=mark)


def test_socket_group_may_do_everything(srv):
    # root's group owns the socket here: a peer in it is trusted
    path = os.path.join(srv.base_dir, "auth-userdb")
    assert os.stat(path).st_gid == 0

    def as_mail_user_in_group_0():
        os.setgroups([])
        os.setgid(0)
        os.setuid(pwd.getpwnam(harness.TEST_MAIL_USER).pw_uid)
    proc = subprocess.run(
        ["/usr/bin/python3", "-c", LOOKUP, path,
         "PASS\t1\talice\tservice=imap"],
        preexec_fn=as_mail_user_in_group_0, capture_output=True, text=True,
        timeout=30)
    assert proc.stdout.startswith("PASS\t1\tuser=alice"), proc.stdout


def test_mode_0777_lets_everyone_look_up(make_server):
    if not harness.is_root():
        pytest.skip("needs root to connect as another uid")
    srv = make_server(extra_config="""
service auth {
  unix_listener auth-userdb {
    mode = 0777
  }
}
""")
    assert lookup(srv, "USER\t1\talice\tservice=imap", NOBODY).startswith(
        "USER\t1\talice\t")
