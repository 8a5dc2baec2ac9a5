"""The harness's own safety nets can fail a test: a process left behind by
a server is found (even after it was orphaned) and killed, and sanitizer
reports in the log are caught.  Uses stand-in processes, not the server."""
import os
import signal
import subprocess
import time

import harness


def test_orphan_left_by_master_is_found_and_killed(kind, system_users):
    srv = harness.RoostServer(kind)
    try:
        # A stand-in "master" with one child, which it leaves behind.
        srv.proc = subprocess.Popen(["/bin/sh", "-c", "sleep 600 & wait"])
        srv.master_pid = srv.proc.pid
        harness.LIVE_SERVERS.append(srv)
        child = harness.wait_until(
            lambda: harness.descendants(srv.master_pid), 10,
            what="stand-in child")[0]
        srv.snapshot()
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        # The orphan is reparented to the test runner (child subreaper).
        harness.wait_until(
            lambda: (harness.proc_stat(child) or (0,))[0] == os.getpid(),
            10, what="orphan reparented to the test runner")
        assert srv.leftovers() == [child]
        problems = srv.cleanup(grace=1)
        assert len(problems) == 1, problems
        assert "processes left after stop: %d " % child in problems[0]
        # SIGKILL is delivered asynchronously: the orphan is gone (or a
        # zombie of the test runner) shortly after cleanup() returns.
        harness.wait_until(
            lambda: (harness.proc_stat(child) or (0, "Z"))[1] == "Z",
            10, what="orphan killed")
    finally:
        if srv in harness.LIVE_SERVERS:
            harness.LIVE_SERVERS.remove(srv)
        try:
            os.kill(child, signal.SIGKILL)
        except (OSError, UnboundLocalError):
            pass
        srv.remove()


def test_sanitizer_reports_fail_and_lsan_unable_only_warns(kind,
                                                            system_users):
    srv = harness.RoostServer(kind)
    try:
        with open(srv.log_path, "w") as f:
            f.write("Nov 24 12:00:00 imap-login(7): Error: ==7==LeakSanitizer "
                    "has encountered a fatal error.\n"
                    "Nov 24 12:00:00 imap-login(7): Error: ==7==HINT: "
                    "LeakSanitizer does not work under ptrace (strace, gdb, "
                    "etc)\n")
        assert srv.sanitizer_reports() == []
        assert len(srv.lsan_unable) == 2
        with open(srv.log_path, "a") as f:
            f.write("Nov 24 12:00:01 imap(alice): Error: ==9==ERROR: "
                    "AddressSanitizer: heap-use-after-free on address\n"
                    "Nov 24 12:00:02 auth: Error: x.c:3:5: runtime error: "
                    "signed integer overflow\n"
                    "Nov 24 12:00:03 imap: Panic: file x.c: assertion "
                    "failed\n")
        reports = srv.sanitizer_reports()
        assert len(reports) == 1
        for needle in ("heap-use-after-free", "runtime error",
                       ": Panic: "):
            assert needle in reports[0]
    finally:
        srv.remove()


def test_wait_log_times_out_with_diagnostics(kind, system_users):
    srv = harness.RoostServer(kind)
    try:
        with open(srv.log_path, "w") as f:
            f.write("Nov 24 12:00:00 master: Info: something else\n")
        start = time.monotonic()
        try:
            srv.wait_log(r"never written", timeout=0.5)
        except harness.HarnessError as e:
            assert "never written" in str(e)
            assert "something else" in str(e)
        else:
            raise AssertionError("wait_log did not time out")
        assert time.monotonic() - start < 10
    finally:
        srv.remove()
