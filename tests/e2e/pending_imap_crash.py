"""Crash safety: the imap processes of several clients are killed with
SIGKILL at random moments during APPEND, COPY, MOVE, EXPUNGE and STORE;
afterwards every APPEND that got OK is present, no UID is duplicated
within a mailbox, UIDs never go backwards or get reused, UIDVALIDITY is
unchanged, and after the next SELECT the index is in step with the
Maildir (UIDs from dovecot-uidlist, flags from the file names).  The loop
is tests/e2e/clients/crashloop.py.

Pending: COPY and MOVE fail it (a hard-linked copy keeps its base name, so
a message copied twice into a folder gives "File already in uidlist"
SERVERBUG replies, and after kills the same base name twice on disk).
test_imap_crash.py runs the loop without them in `make check`.

The loop stops after ROOST_CRASH_KILLS kills (default 200) or
ROOST_CRASH_SECONDS (default 150 s) (docs/testing.md, "The crash-safety
loop").
"""
import os

from clients import crashloop

KILLS = int(os.environ.get("ROOST_CRASH_KILLS", "200"))
SECONDS = float(os.environ.get("ROOST_CRASH_SECONDS", "150"))
SEED = int(os.environ.get("ROOST_CRASH_SEED", "1"))


def test_sigkill_loop_keeps_mail_and_uids(make_server):
    crashloop.run_and_check(make_server, crashloop.OPS, KILLS, SECONDS,
                            SEED)
