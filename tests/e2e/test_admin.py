"""roostadm against a running server, with doveadm's output formats and
exit codes (the expected texts were taken from doveadm 2.3.19 run on the
same configuration): auth test, auth lookup, user, pw, reload, stop and
log errors."""
import re
import signal
import warnings

import pytest

import harness
from harness import TIMESTAMP_RE

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

EX_NOUSER = 67
EX_NOPERM = 77


def test_auth_test_success(shared_server):
    srv = shared_server
    for user in ("alice", "bob", "dave"):
        p = srv.admin("auth", "test", user, srv.password(user))
        assert p.returncode == 0, (p.stdout, p.stderr)
        assert p.stdout == ("passdb: %s auth succeeded\nextra fields:\n"
                            "  user=%s\n" % (user, user)), p.stdout


def test_auth_lookup(shared_server):
    srv = shared_server
    p = srv.admin("auth", "lookup", "alice")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert p.stdout == "passdb: alice\n  user      : alice\n", p.stdout


def test_auth_lookup_unknown_user(shared_server):
    p = shared_server.admin("auth", "lookup", "nobody")
    assert p.returncode == EX_NOUSER, (p.stdout, p.stderr)
    assert p.stdout == "passdb lookup: user nobody doesn't exist\n", \
        p.stdout


def test_user(shared_server):
    srv = shared_server
    p = srv.admin("user", "alice")
    assert p.returncode == 0, (p.stdout, p.stderr)
    lines = ["field\tvalue", "uid\t" + srv.mail_user,
             "gid\t" + srv.mail_group()]
    lines += ["home\t%s/alice" % srv.home_dir,
              "mail\tmaildir:%s/alice" % srv.mail_dir]
    assert p.stdout == "\n".join(lines) + "\n", p.stdout


def test_user_single_field(shared_server):
    srv = shared_server
    p = srv.admin("user", "-f", "home", "alice")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert p.stdout == "%s/alice\n" % srv.home_dir, p.stdout


def test_user_unknown(shared_server):
    p = shared_server.admin("user", "nobody")
    assert p.returncode == EX_NOUSER, (p.stdout, p.stderr)
    assert "userdb lookup: user nobody doesn't exist\n" in p.stdout, p.stdout


def test_pw_sha512_crypt_verified_by_auth(make_server, kind):
    # roostadm pw needs no running server.
    srv = make_server(start=False)
    srv.write_config()
    p = srv.admin("pw", "-s", "SHA512-CRYPT", "-p", "s3cret pass")
    assert p.returncode == 0, (p.stdout, p.stderr)
    m = re.match(r"^\{SHA512-CRYPT\}(\$6\$[./A-Za-z0-9]{16}\$"
                 r"[./A-Za-z0-9]{86})\n$", p.stdout)
    assert m, p.stdout
    hashed = m.group(1)
    # An independent implementation agrees.
    assert crypt.crypt("s3cret pass", hashed) == hashed
    # Salts are random.
    p2 = srv.admin("pw", "-s", "SHA512-CRYPT", "-p", "s3cret pass")
    assert p2.stdout != p.stdout
    # -t verifies.
    p3 = srv.admin("pw", "-t", p.stdout.strip(), "-p", "s3cret pass")
    assert p3.returncode == 0, (p3.stdout, p3.stderr)
    assert p3.stdout == p.stdout.strip() + " (verified)\n", p3.stdout
    p4 = srv.admin("pw", "-t", p.stdout.strip(), "-p", "wrong")
    assert p4.returncode != 0
    # The server accepts the hash in a passwd-file.
    srv.add_user_line(srv.passwd_line("zoe", p.stdout.strip()))
    srv.start()
    p5 = srv.admin("auth", "test", "zoe", "s3cret pass")
    assert p5.returncode == 0, (p5.stdout, p5.stderr)
    assert p5.stdout.startswith("passdb: zoe auth succeeded\n"), p5.stdout
    p6 = srv.admin("auth", "test", "zoe", "s3cret  pass")
    assert p6.returncode == EX_NOPERM, (p6.stdout, p6.stderr)
    assert p6.stdout.startswith("passdb: zoe auth failed\n"), p6.stdout
    c = srv.imap()
    assert c.login("zoe", "s3cret pass")[0] == "OK"
    c.logout()


def test_pw_default_scheme_and_errors(make_server):
    srv = make_server(start=False)
    srv.write_config()
    p = srv.admin("pw", "-p", "x")
    assert p.returncode == 0, (p.stdout, p.stderr)
    # Dovecot 2.3's default scheme: CRYPT, i.e. bcrypt with cost 5.
    assert re.match(r"^\{CRYPT\}\$2y\$05\$[./A-Za-z0-9]{53}\n$",
                    p.stdout), p.stdout
    value = p.stdout.strip()[len("{CRYPT}"):]
    assert crypt.crypt("x", value) == value
    p = srv.admin("pw", "-s", "NOPE", "-p", "x")
    assert p.returncode != 0
    assert "Unknown scheme: NOPE" in p.stdout + p.stderr


@pytest.mark.parametrize("scheme", ["SHA256-CRYPT", "SSHA256", "SSHA512",
                                    "PLAIN", "MD5-CRYPT", "BLF-CRYPT"])
def test_pw_schemes_round_trip(make_server, scheme):
    srv = make_server(start=False)
    srv.write_config()
    p = srv.admin("pw", "-s", scheme, "-p", "pa:ss")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert p.stdout.startswith("{%s}" % scheme), p.stdout
    p2 = srv.admin("pw", "-t", p.stdout.strip(), "-p", "pa:ss")
    assert p2.returncode == 0, (p2.stdout, p2.stderr)


def test_auth_test_failures(server):
    p = server.admin("auth", "test", "alice", "wrong")
    assert p.returncode == EX_NOPERM, (p.stdout, p.stderr)
    assert p.stdout == ("passdb: alice auth failed\nextra fields:\n"
                        "  user=alice\n"), p.stdout
    p = server.admin("auth", "test", "nobody", "x")
    assert p.returncode == EX_NOPERM, (p.stdout, p.stderr)
    assert p.stdout.startswith("passdb: nobody auth failed\n"), p.stdout


def test_log_errors(make_server):
    def setup(srv):
        srv.add_user_line("zed:{NOSUCH}xx::::%s/zed::" % srv.home_dir)
    srv = make_server(setup=setup)
    p = srv.admin("log", "errors")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "NOSUCH" not in p.stdout
    p = srv.admin("auth", "test", "zed", "x")
    assert p.returncode == EX_NOPERM
    srv.wait_log(r"auth: Error: passwd-file\(zed\): Unknown scheme NOSUCH")
    p = srv.admin("log", "errors")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert re.search(r"^%sError: auth: passwd-file\(zed\): Unknown scheme "
                     r"NOSUCH$" % TIMESTAMP_RE, p.stdout, re.M), p.stdout


def test_admin_reload(server):
    new_port = harness.free_port()
    old_port = server.imap_port
    text = open(server.config_path).read()
    with open(server.config_path, "w") as f:
        f.write(text.replace("port = %d" % old_port, "port = %d" % new_port))
    mark = server.log_mark()
    p = server.admin("reload")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert p.stdout == ""
    server.wait_log(r"master: Warning: SIGHUP received - reloading "
                    r"configuration", after=mark)
    server.wait_ready(new_port)
    server.imap_port = new_port
    harness.wait_until(lambda: not harness.port_accepts(old_port),
                       harness.LOG_TIMEOUT, what="old port to close")


def test_admin_stop(server):
    server.login("alice").logout()
    server.snapshot()
    p = server.admin("stop")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert p.stdout == ""
    server.proc.wait(timeout=harness.STOP_TIMEOUT)
    harness.wait_until(lambda: not server.leftovers(), harness.STOP_TIMEOUT,
                       what="every server process to exit")
    assert not harness.port_accepts(server.imap_port)


def test_admin_without_server(make_server):
    srv = make_server(start=False)
    srv.write_config()
    p = srv.admin("reload")
    assert p.returncode != 0
    p = srv.admin("auth", "test", "alice", "alice-pw")
    assert p.returncode != 0
    assert p.stdout + p.stderr != ""


def test_admin_killed_master_is_noticed(server):
    # After the master is gone, roostadm must fail instead of hanging.
    server.snapshot()
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=harness.STOP_TIMEOUT)
    p = server.admin("reload", timeout=harness.STOP_TIMEOUT)
    assert p.returncode != 0
