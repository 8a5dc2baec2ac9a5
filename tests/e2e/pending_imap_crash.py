"""Crash safety: the imap processes of several clients are killed with
SIGKILL at random moments during APPEND, COPY, MOVE, EXPUNGE and STORE;
afterwards every APPEND that got OK is present, no UID is duplicated
within a mailbox, UIDs never go backwards or get reused, UIDVALIDITY is
unchanged, and after the next SELECT the index is in step with the
Maildir (UIDs from dovecot-uidlist, flags from the file names).

The loop in `make check` stops after ROOST_CRASH_KILLS kills (default
60) or ROOST_CRASH_SECONDS (default 150 s); the issue's full run of 200
kills and more is `ROOST_CRASH_KILLS=200 ROOST_CRASH_SECONDS=600 pytest
...` (docs/testing.md, "The crash-safety loop").
"""
import os

from clients import crashloop

KILLS = int(os.environ.get("ROOST_CRASH_KILLS", "60"))
SECONDS = float(os.environ.get("ROOST_CRASH_SECONDS", "150"))
SEED = int(os.environ.get("ROOST_CRASH_SEED", "1"))
CLIENTS = 4


def test_sigkill_loop_keeps_mail_and_uids(make_server):
    srv = make_server()
    stats, state = crashloop.run_loop(srv, "alice", KILLS, CLIENTS,
                                      SECONDS, SEED)
    summary = ("%d kills (during: %s), %d sessions, completed ops: %s, "
               "OK'd APPENDs to keep: %d, stale Dovecot locks removed: %d" %
               (stats.kills, stats.killed_during, stats.sessions,
                stats.ops_ok, len(state.appended_ok), stats.locks_removed))
    print(summary)
    assert not stats.errors, "\n".join(stats.errors) + "\n" + summary
    problems = crashloop.final_check(srv, "alice", state)
    assert not problems, "\n".join(problems[:40]) + "\n" + summary
    # The loop must have done what it claims: enough kills, some of them
    # in the middle of each kind of operation, and real work between.
    assert stats.kills >= KILLS, summary
    for op, n in stats.killed_during.items():
        assert n > 0, "no kill landed during %s: %s" % (op, summary)
    assert len(state.appended_ok) > 0, summary
