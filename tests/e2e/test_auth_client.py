"""The auth service's auth-client socket, used by Postfix with
smtpd_sasl_type = dovecot: Dovecot's auth protocol 1.2 (VERSION, MECH,
SPID, CUID, COOKIE, DONE; AUTH / CONT / OK / FAIL)."""
import os
import re
import stat
import time

import harness


def test_handshake(server):
    c = server.auth_client()
    lines = c.handshake
    assert lines[0] == "VERSION\t1\t2", lines
    assert lines[-1] == "DONE"
    assert "PLAIN" in c.mechs
    assert "plaintext" in c.mechs["PLAIN"]
    kinds = [line.split("\t")[0] for line in lines]
    for key in ("SPID", "CUID", "COOKIE"):
        assert kinds.count(key) == 1, lines
    fields = dict(line.split("\t", 1) for line in lines[1:-1]
                  if not line.startswith("MECH"))
    assert fields["SPID"].isdigit() and fields["CUID"].isdigit()
    assert re.fullmatch(r"[0-9a-f]{32}", fields["COOKIE"]), fields
    # SPID is the auth process.
    assert int(fields["SPID"]) in server.pids("auth")
    c.close()


def test_socket_permissions(server):
    path = os.path.join(server.base_dir, "auth-client")
    st = os.stat(path)
    assert stat.S_ISSOCK(st.st_mode)
    # Dovecot's default: unix_listener auth-client { mode = 0600
    # user = $default_internal_user }.
    assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
    assert st.st_uid == server.uid_of(server.internal_user)


def test_plain_initial_response(server):
    c = server.auth_client()
    reply = c.auth_plain("alice", server.password("alice"))
    assert reply == ["OK", "1", "user=alice"], reply
    reply = c.auth_plain("bob", server.password("bob"))
    assert reply == ["OK", "2", "user=bob"], reply
    c.close()


def test_plain_continuation(server):
    c = server.auth_client()
    c.send("AUTH\t7\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\t"
           "rip=127.0.0.1\tsecured")
    assert c.readline() == "CONT\t7\t"
    c.send("CONT\t7\t" + harness.sasl_plain("carol", server.password("carol")))
    assert c.readline() == "OK\t7\tuser=carol"
    c.close()


def test_plain_failure_and_delay(server):
    c = server.auth_client()
    start = time.monotonic()
    reply = c.auth_plain("alice", "wrong")
    elapsed = time.monotonic() - start
    assert reply == ["FAIL", "1", "user=alice"], reply
    assert elapsed >= 1.9, elapsed
    # The connection stays usable.
    reply = c.auth_plain("alice", server.password("alice"))
    assert reply[:2] == ["OK", "2"], reply
    c.close()


def test_unknown_user_fails(server):
    c = server.auth_client()
    reply = c.auth_plain("nobody", "x")
    assert reply[:2] == ["FAIL", "1"], reply
    assert "user=nobody" in reply
    c.close()


def test_unsupported_mechanism(server):
    c = server.auth_client()
    c.send("AUTH\t1\tNO-SUCH-MECH\tservice=smtp")
    # Dovecot drops the connection of a client that asks for a mechanism
    # it did not announce.
    try:
        line = c.readline()
    except (EOFError, ConnectionResetError):
        line = None
    assert line is None or line.startswith("FAIL\t1"), line
    c.close()
    # The service is still fine.
    c = server.auth_client()
    assert c.auth_plain("alice", server.password("alice"))[0] == "OK"
    c.close()


def test_garbage_does_not_hurt(server):
    c = harness.AuthClient(os.path.join(server.base_dir, "auth-client"))
    c.send("this is not the auth protocol")
    try:
        c.readline()
    except (EOFError, ConnectionResetError):
        pass
    c.close()
    c = server.auth_client()
    assert c.auth_plain("bob", server.password("bob"))[0] == "OK"
    c.close()
