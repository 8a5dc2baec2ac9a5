"""IMAP pre-login and login: LOGIN, AUTHENTICATE PLAIN with and without
SASL-IR, CAPABILITY before and after login, NOOP, ID, LOGOUT, failed logins
and the Login/Disconnected log lines in Dovecot's exact format."""
import imaplib
import re
import time

import pytest

import harness
from harness import SESSION_RE, TIMESTAMP_RE

PRE_LOGIN_CAPS = {"IMAP4REV1", "SASL-IR", "ID", "AUTH=PLAIN"}


def caps_of(line):
    """The capability names in "* CAPABILITY ..." or "[CAPABILITY ...]"."""
    m = re.search(r"CAPABILITY ([^\]]*)", line)
    assert m, line
    return set(m.group(1).upper().split())


def test_greeting_and_capability(shared_server):
    server = shared_server
    c = server.line_client()
    greeting = c.readline()
    assert greeting.startswith("* OK [CAPABILITY "), greeting
    assert PRE_LOGIN_CAPS <= caps_of(greeting)
    assert "LOGINDISABLED" not in caps_of(greeting)
    untagged, tagged = c.command("CAPABILITY")
    assert tagged.startswith("OK"), tagged
    assert len(untagged) == 1 and untagged[0].startswith("* CAPABILITY ")
    assert caps_of(untagged[0]) == caps_of(greeting)
    untagged, tagged = c.command("NOOP")
    assert untagged == [] and tagged.startswith("OK"), tagged
    untagged, tagged = c.command("LOGOUT")
    assert tagged.startswith("OK"), tagged
    assert untagged[0].startswith("* BYE"), untagged
    assert c.is_closed_by_peer()
    c.close()


def test_login_capability_noop_logout(shared_server):
    server = shared_server
    c = server.imap()
    assert PRE_LOGIN_CAPS <= set(c.capabilities)
    typ, data = c.login("alice", server.password("alice"))
    assert typ == "OK", data
    assert c.state == "AUTH"
    typ, data = c.capability()
    assert typ == "OK"
    post = set(data[0].decode().upper().split())
    assert "IMAP4REV1" in post
    # After login the pre-login mechanisms are not advertised any more.
    assert "AUTH=PLAIN" not in post and "LOGINDISABLED" not in post
    typ, data = c.noop()
    assert typ == "OK", data
    typ, data = c.logout()
    assert typ == "BYE", data


def test_login_reply_carries_capabilities(shared_server):
    server = shared_server
    c = server.line_client()
    c.readline()
    untagged, tagged = c.command('LOGIN "alice" "%s"'
                                 % server.password("alice"))
    assert untagged == []
    assert re.match(r"OK \[CAPABILITY [^\]]+\] Logged in$", tagged), tagged
    assert "IMAP4REV1" in caps_of(tagged)
    untagged, tagged = c.command("NOOP")
    assert tagged.startswith("OK"), tagged
    c.command("LOGOUT")
    c.close()


def test_id_before_and_after_login(shared_server):
    server = shared_server
    c = server.line_client()
    c.readline()
    untagged, tagged = c.command('ID ("name" "e2e" "version" "1")')
    assert tagged.startswith("OK"), tagged
    assert len(untagged) == 1 and untagged[0].startswith("* ID "), untagged
    untagged, tagged = c.command("ID NIL")
    assert tagged.startswith("OK"), tagged
    c.command('LOGIN alice "%s"' % server.password("alice"))
    untagged, tagged = c.command('ID ("name" "e2e")')
    assert tagged.startswith("OK"), tagged
    assert untagged and untagged[0].startswith("* ID "), untagged
    c.command("LOGOUT")
    c.close()


def test_authenticate_plain_continuation(shared_server):
    server = shared_server
    c = server.imap()
    typ, data = c.authenticate(
        "PLAIN", lambda _: b"\0bob\0" + server.password("bob").encode())
    assert typ == "OK", data
    assert c.state == "AUTH"
    assert c.noop()[0] == "OK"
    c.logout()


def test_authenticate_plain_sasl_ir(shared_server):
    server = shared_server
    c = server.line_client()
    c.readline()
    ir = harness.sasl_plain("carol", server.password("carol"))
    untagged, tagged = c.command("AUTHENTICATE PLAIN " + ir)
    assert re.match(r"OK \[CAPABILITY [^\]]+\] Logged in$", tagged), tagged
    untagged, tagged = c.command("NOOP")
    assert tagged.startswith("OK"), tagged
    c.command("LOGOUT")
    c.close()


def test_authenticate_plain_with_authzid_of_self(shared_server):
    server = shared_server
    c = server.line_client()
    c.readline()
    ir = harness.sasl_plain("dave", server.password("dave"), authzid="dave")
    untagged, tagged = c.command("AUTHENTICATE PLAIN " + ir)
    assert tagged.startswith("OK"), tagged
    c.command("LOGOUT")
    c.close()


def test_authenticate_cancelled(server):
    c = server.line_client()
    c.readline()
    c.tag_no += 1
    c.send("a1 AUTHENTICATE PLAIN")
    assert c.readline().startswith("+")
    c.send("*")
    line = c.readline()
    assert line.startswith("a1 BAD"), line
    untagged, tagged = c.command('LOGIN alice "%s"'
                                 % server.password("alice"))
    assert tagged.startswith("OK"), tagged
    c.close()


@pytest.mark.parametrize("user", sorted(harness.DEFAULT_USERS))
def test_password_schemes(shared_server, user):
    server = shared_server
    scheme = harness.DEFAULT_USERS[user][0]
    c = server.imap()
    typ, data = c.login(user, server.password(user))
    assert typ == "OK", (scheme, data)
    c.logout()


def test_login_log_line(server):
    mark = server.log_mark()
    c = server.login("alice")
    m = server.wait_log(r"imap-login: Info: Login: user=<alice>", after=mark)
    line = m.string
    rx = (r"^%simap-login: Info: Login: user=<alice>, method=PLAIN, "
          r"rip=127\.0\.0\.1, lip=127\.0\.0\.1, mpid=(\d+), secured, "
          r"session=<(%s)>$" % (TIMESTAMP_RE, SESSION_RE))
    m = re.match(rx, line)
    assert m, line
    # mpid is the mail process now serving the session.
    mpid = int(m.group(1))
    assert mpid in server.pids("imap"), (mpid, server.pids())
    c.logout()


def test_login_log_line_authenticate(server):
    mark = server.log_mark()
    c = server.line_client()
    c.readline()
    c.command("AUTHENTICATE PLAIN "
              + harness.sasl_plain("bob", server.password("bob")))
    m = server.wait_log(r"imap-login: Info: Login: user=<bob>", after=mark)
    assert re.search(r"Login: user=<bob>, method=PLAIN, rip=127\.0\.0\.1, "
                     r"lip=127\.0\.0\.1, mpid=\d+, secured, session=<%s>$"
                     % SESSION_RE, m.string), m.string
    c.close()


def test_wrong_password(server):
    mark = server.log_mark()
    c = server.line_client()
    c.readline()
    start = time.monotonic()
    untagged, tagged = c.command('LOGIN bob "wrong"')
    elapsed = time.monotonic() - start
    assert tagged == "NO [AUTHENTICATIONFAILED] Authentication failed.", \
        tagged
    # auth_failure_delay defaults to 2 secs.
    assert elapsed >= 1.9, elapsed
    # The connection stays usable after a failure.
    untagged, tagged = c.command("NOOP")
    assert tagged.startswith("OK"), tagged
    c.close()
    m = server.wait_log(r"imap-login: Info: Disconnected.*user=<bob>",
                        after=mark)
    rx = (r"^%simap-login: Info: Disconnected: Connection closed "
          r"\(auth failed, 1 attempts in (\d+) secs\): user=<bob>, "
          r"method=PLAIN, rip=127\.0\.0\.1, lip=127\.0\.0\.1, secured, "
          r"session=<%s>$" % (TIMESTAMP_RE, SESSION_RE))
    m2 = re.match(rx, m.string)
    assert m2, m.string
    assert int(m2.group(1)) >= 2


def test_wrong_password_then_logout(server):
    mark = server.log_mark()
    c = server.imap()
    with pytest.raises(imaplib.IMAP4.error) as e:
        c.login("alice", "not-the-password")
    assert "[AUTHENTICATIONFAILED]" in str(e.value)
    c.logout()
    m = server.wait_log(r"imap-login: Info: Disconnected.*user=<alice>",
                        after=mark)
    rx = (r"imap-login: Info: Disconnected: Aborted login by logging out "
          r"\(auth failed, 1 attempts in \d+ secs\): user=<alice>, "
          r"method=PLAIN, rip=127\.0\.0\.1, lip=127\.0\.0\.1, secured, "
          r"session=<%s>$" % SESSION_RE)
    assert re.search(rx, m.string), m.string


def test_unknown_user(server):
    c = server.line_client()
    c.readline()
    untagged, tagged = c.command(
        "AUTHENTICATE PLAIN " + harness.sasl_plain("nobody", "x"))
    assert tagged == "NO [AUTHENTICATIONFAILED] Authentication failed.", \
        tagged
    c.close()


def test_disconnect_without_auth_log_line(server):
    mark = server.log_mark()
    c = server.line_client()
    c.readline()
    c.command("NOOP")
    c.close()
    m = server.wait_log(r"imap-login: Info: Disconnected: Connection closed",
                        after=mark)
    rx = (r"imap-login: Info: Disconnected: Connection closed \(no auth "
          r"attempts in \d+ secs\): user=<>, rip=127\.0\.0\.1, "
          r"lip=127\.0\.0\.1, secured, session=<%s>$" % SESSION_RE)
    assert re.search(rx, m.string), m.string


def test_bad_sasl_response(server):
    c = server.line_client()
    c.readline()
    untagged, tagged = c.command("AUTHENTICATE PLAIN !!!notbase64")
    assert tagged.startswith("BAD") or tagged.startswith("NO"), tagged
    untagged, tagged = c.command("NOOP")
    assert tagged.startswith("OK"), tagged
    c.close()
