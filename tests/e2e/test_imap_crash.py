"""Crash safety in `make check`: the SIGKILL loop of
tests/e2e/clients/crashloop.py (several clients; their imap processes
killed at random moments while commands run, 200 kills each run) with
APPEND, EXPUNGE and STORE, and with COPY and MOVE too; afterwards every
APPEND that got OK is present, no UID is duplicated or reused, UIDNEXT
never goes back, UIDVALIDITY is unchanged, and after the next SELECT the
IMAP view equals the Maildir on disk.  During the loop, every few SELECTs
each message's flags over IMAP are compared with its file name.

ROOST_CRASH_KILLS (default 200), ROOST_CRASH_SECONDS (default 150) and
ROOST_CRASH_SEED change the run (docs/testing.md,
"The crash-safety loop").
"""
import os

from clients import crashloop

KILLS = int(os.environ.get("ROOST_CRASH_KILLS", "200"))
SECONDS = float(os.environ.get("ROOST_CRASH_SECONDS", "150"))
SEED = int(os.environ.get("ROOST_CRASH_SEED", "1"))


def test_sigkill_loop_append_expunge_store(make_server):
    crashloop.run_and_check(make_server, ("APPEND", "EXPUNGE", "STORE"),
                            KILLS, SECONDS, SEED)


def test_sigkill_loop_with_copy_and_move(make_server):
    """All five operations: a copy gets a base name of its own (a message
    copied twice into a folder is no "File already in uidlist")."""
    crashloop.run_and_check(make_server, crashloop.OPS, KILLS, SECONDS,
                            SEED)
