"""Many sessions in one imap process (service_count = 0, client_limit > 1,
the high-performance setup of docs/performance.md): the sessions of one
user then share the process's connection to the user's index
(src/storage/index/mail-index.c).  The two-session tests of
test_imap_concurrency.py and the FETCH tests of test_imap_fetch.py run
again in that setup, plus checks that the sessions really share one
process and that one session ending leaves the others working.
"""
import pytest

from clients import imapconn, mailfiles

# Every test of these modules runs here again with the fixtures below.
from test_imap_concurrency import *  # noqa: F401,F403
from test_imap_fetch import *  # noqa: F401,F403

SHARED_CONFIG = """
service imap {
  service_count = 0
  client_limit = 50
}
protocol imap {
  mail_max_userip_connections = 100
}
"""


@pytest.fixture
def make_server(make_server):
    """The conftest factory with every imap session in one process."""
    def make(extra_config="", **kwargs):
        return make_server(extra_config=SHARED_CONFIG + extra_config,
                           **kwargs)
    return make


@pytest.fixture
def server(make_server):
    return make_server()


def session(srv, user="alice", mailbox="INBOX"):
    c = imapconn.Conn(srv.imap_port)
    c.login(user, srv.password(user))
    info = c.select(mailbox)
    return c, info


def marker_at(conn, seq):
    got = conn.fetch(str(seq), "(BODY.PEEK[])", uid=False)
    return mailfiles.marker_of(bytes(got[seq]["BODY[]"]))


def logout(conn):
    conn.ok("LOGOUT")
    conn.close()


def test_sessions_share_one_process_and_survive_each_others_logout(server):
    markers = ["m%d" % i for i in range(1, 6)]
    for m in markers:
        mailfiles.deliver(server, "alice", mailfiles.make_message(m))
    conns = [session(server)[0] for _ in range(4)]
    assert len(server.pids("imap")) == 1
    for c in conns:
        assert [marker_at(c, i) for i in range(1, 6)] == markers
    # the sessions that opened the index first go away; the rest keep
    # reading, writing and seeing each other's changes
    logout(conns[0])
    conns[1].close()
    a, b = conns[2], conns[3]
    b.ok("STORE 2 +FLAGS (\\Flagged)")
    status, _ = b.append("INBOX", mailfiles.make_message("m6"))
    assert status == "OK"
    b.ok("STORE 1 +FLAGS (\\Deleted)")
    b.ok("EXPUNGE")
    untagged, _ = a.ok("NOOP")
    kinds = [imapconn.untagged_kind(r) for r in untagged]
    assert "EXPUNGE" in kinds and "EXISTS" in kinds, kinds
    assert [marker_at(a, i) for i in range(1, 6)] == markers[1:] + ["m6"]
    got = a.fetch("1", "(FLAGS)", uid=False)
    assert b"\\Flagged" in got[1]["FLAGS"]
    logout(a)
    logout(b)
    # a session after all others ended opens the index again
    c, info = session(server)
    assert info["EXISTS"] == 5
    assert marker_at(c, 5) == "m6"
    logout(c)
    assert len(server.pids("imap")) == 1
