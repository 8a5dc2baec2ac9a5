"""disable_plaintext_auth and login_trusted_networks, as Dovecot 2.3
applies them: a connection is secured when it is TLS, when the remote IP
equals the local IP (so 127.0.0.1 -> 127.0.0.1 is, but 127.0.0.1 ->
127.0.0.2 is not), or when the remote IP is in login_trusted_networks.
Plaintext mechanisms are refused on connections that are not secured."""
import re

import pytest

import harness
from harness import SESSION_RE

ALERT = ("* BAD [ALERT] Plaintext authentication not allowed without "
         "SSL/TLS, but your client did it anyway. If anyone was listening, "
         "the password was exposed.")
LOGIN_REFUSED = ("NO [PRIVACYREQUIRED] Plaintext authentication disallowed "
                 "on non-secure (SSL/TLS) connections.")
AUTH_REFUSED = "NO [PRIVACYREQUIRED] Plaintext authentication disabled."


def other_listener(port, extra=""):
    """A second IMAP listener on 127.0.0.2, plus extra settings."""
    return """\
service imap-login {
  inet_listener imap2 {
    address = 127.0.0.2
    port = %d
  }
}
%s""" % (port, extra)


def caps(line):
    m = re.search(r"\[CAPABILITY ([^\]]*)\]", line)
    assert m, line
    return set(m.group(1).split())


@pytest.fixture
def two_addr(make_server):
    """A server listening on 127.0.0.1 and 127.0.0.2, with the default
    disable_plaintext_auth = yes.  Returns (server, port on 127.0.0.2)."""
    port2 = harness.free_port("127.0.0.2")
    srv = make_server(extra_config=other_listener(port2))
    harness.wait_until(lambda: harness.port_accepts(port2, "127.0.0.2"),
                       harness.START_TIMEOUT, what="listener on 127.0.0.2")
    return srv, port2


def test_same_ip_is_secured(two_addr):
    srv, _ = two_addr
    c = srv.line_client()
    greeting = c.readline()
    assert "LOGINDISABLED" not in caps(greeting)
    assert "AUTH=PLAIN" in caps(greeting)
    _, tagged = c.command('LOGIN alice "%s"' % srv.password("alice"))
    assert tagged.startswith("OK"), tagged
    c.close()


def test_other_ip_login_refused(two_addr):
    srv, port2 = two_addr
    c = harness.LineClient(port2, "127.0.0.2", source="127.0.0.1")
    greeting = c.readline()
    assert "LOGINDISABLED" in caps(greeting), greeting
    assert "AUTH=PLAIN" not in caps(greeting), greeting
    untagged, tagged = c.command("CAPABILITY")
    assert "LOGINDISABLED" in untagged[0].split()
    # The password is right, but it must not even be checked.
    untagged, tagged = c.command('LOGIN alice "%s"' % srv.password("alice"))
    assert untagged == [ALERT], untagged
    assert tagged == LOGIN_REFUSED, tagged
    c.close()


def test_other_ip_authenticate_refused(two_addr):
    srv, port2 = two_addr
    mark = srv.log_mark()
    c = harness.LineClient(port2, "127.0.0.2", source="127.0.0.1")
    c.readline()
    untagged, tagged = c.command(
        "AUTHENTICATE PLAIN " + harness.sasl_plain("alice",
                                                   srv.password("alice")))
    assert tagged == AUTH_REFUSED, tagged
    c.close()
    m = srv.wait_log(r"imap-login: Info: Disconnected: .*\((tried|auth)",
                     after=mark)
    assert re.search(r"imap-login: Info: Disconnected: Connection closed "
                     r"\(tried to use disallowed plaintext auth\): "
                     r"user=<>, method=PLAIN, rip=127\.0\.0\.1, lip=127\.0\.0\.2, "
                     r"session=<%s>$" % SESSION_RE, m.string), m.string
    # Nothing was logged in.
    assert "Login: " not in srv.log_since(mark)


def test_disable_plaintext_auth_no(make_server):
    port2 = harness.free_port("127.0.0.2")
    srv = make_server(extra_config=other_listener(
        port2, "disable_plaintext_auth = no\n"))
    harness.wait_until(lambda: harness.port_accepts(port2, "127.0.0.2"),
                       harness.START_TIMEOUT, what="listener on 127.0.0.2")
    c = harness.LineClient(port2, "127.0.0.2", source="127.0.0.1")
    greeting = c.readline()
    assert "LOGINDISABLED" not in caps(greeting)
    assert "AUTH=PLAIN" in caps(greeting)
    mark = srv.log_mark()
    _, tagged = c.command('LOGIN alice "%s"' % srv.password("alice"))
    assert tagged.startswith("OK"), tagged
    m = srv.wait_log(r"Login: user=<alice>", after=mark)
    # Not secured: no "secured" field.
    assert re.search(r"Login: user=<alice>, method=PLAIN, "
                     r"rip=127\.0\.0\.1, lip=127\.0\.0\.2, mpid=\d+, "
                     r"session=<%s>$" % SESSION_RE, m.string), m.string
    c.close()


def test_trusted_network_is_secured(make_server):
    port2 = harness.free_port("127.0.0.2")
    srv = make_server(extra_config=other_listener(
        port2, "login_trusted_networks = 127.0.0.3/32\n"))
    harness.wait_until(lambda: harness.port_accepts(port2, "127.0.0.2"),
                       harness.START_TIMEOUT, what="listener on 127.0.0.2")
    # From the trusted 127.0.0.3: plaintext allowed.
    mark = srv.log_mark()
    c = harness.LineClient(port2, "127.0.0.2", source="127.0.0.3")
    greeting = c.readline()
    assert "LOGINDISABLED" not in caps(greeting)
    _, tagged = c.command('LOGIN alice "%s"' % srv.password("alice"))
    assert tagged.startswith("OK"), tagged
    m = srv.wait_log(r"Login: user=<alice>", after=mark)
    assert re.search(r"rip=127\.0\.0\.3, lip=127\.0\.0\.2, mpid=\d+, "
                     r"secured, session=", m.string), m.string
    c.close()
    # From 127.0.0.1, which is not in the list: refused.
    c = harness.LineClient(port2, "127.0.0.2", source="127.0.0.1")
    greeting = c.readline()
    assert "LOGINDISABLED" in caps(greeting)
    _, tagged = c.command('LOGIN alice "%s"' % srv.password("alice"))
    assert tagged == LOGIN_REFUSED, tagged
    c.close()
