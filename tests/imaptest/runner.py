#!/usr/bin/python3
"""Runs Dovecot imaptest's scripted compliance tests against an IMAP server.

An independent implementation of the format in shared/imaptest/FORMAT.md
(the modules are in imt/).  Usage:

  runner.py --host H --port P --user U --pass W [--user2 U2] [--only NAME]
            [--skip-file FILE] [--timeout S] [--c-strings]
            [--sync-literals] [-v] TESTS

TESTS is a directory of test files or one file.  One line is printed per
test (`ok`, `FAIL` or `skipped` with the reason), then
`N passed, M failed, K skipped`.  The exit status is 1 when a test failed,
2 for a usage or script-set error.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from imt.execute import Config, TestResult, run_script   # noqa: E402
from imt.match import ScriptError                          # noqa: E402
from imt.script import parse_script, discover              # noqa: E402


def read_name_list(path):
    """Reads a list file: one test name per line, optionally followed by
    white space and a reason; '#' starts a comment line.  Returns an
    ordered dict name -> reason."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


def run_one(path, config):
    """Parses and runs one test file; a broken script is a failed test."""
    name = os.path.basename(path)
    try:
        script = parse_script(path)
    except (ScriptError, OSError) as e:
        return TestResult(name, "FAIL", "script error: %s" % e,
                          ["script error: %s" % e])
    return run_script(script, config)


def format_result(res):
    if res.status == "ok":
        return "%s: ok" % res.name
    if res.status == "skipped":
        return "%s: skipped (%s)" % (res.name, res.reason)
    return "%s: FAIL (%s)" % (res.name, res.reason)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run imaptest scripted tests against an IMAP server.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=143)
    ap.add_argument("--user", default=os.environ.get("USER", "imaptest"))
    ap.add_argument("--pass", dest="password", default="pass")
    ap.add_argument("--user2", help="second test user (for `user N: "
                    "$user2` headers); same password")
    ap.add_argument("--box", default="imaptest",
                    help="test mailbox (default imaptest; never INBOX)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only this test (repeatable, or a comma "
                    "separated list)")
    ap.add_argument("--skip-file", action="append", default=[],
                    help="file of test names to skip, one per line, each "
                    "optionally followed by the reason")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds to wait for the replies of one command "
                    "group (default 30)")
    ap.add_argument("--c-strings", action="store_true",
                    help="compare strings only up to a NUL byte, as "
                    "imaptest does (FORMAT.md 12.3)")
    ap.add_argument("--sync-literals", action="store_true",
                    help="send synchronizing literals (wait for '+') even "
                    "when the server has LITERAL+")
    ap.add_argument("-v", "--verbose", action="count", default=0,
                    help="-v: every failure of a test; -vv: also the "
                    "protocol trace")
    ap.add_argument("tests", help="directory of tests, or one test file")
    args = ap.parse_args(argv)

    if "%" in args.user:
        ap.error("--user must not contain '%'")
    users = [args.user] + ([args.user2] if args.user2 else [])
    config = Config(host=args.host, port=args.port, users=users,
                    password=args.password, mailbox=args.box,
                    timeout=args.timeout, verbose=args.verbose,
                    c_strings=args.c_strings,
                    sync_literals=args.sync_literals,
                    out=lambda s: print(s, flush=True))
    only = {n for o in args.only for n in o.split(",") if n}
    skips = {}
    for path in args.skip_file:
        skips.update(read_name_list(path))
    if not os.path.exists(args.tests):
        ap.error("%s does not exist" % args.tests)
    paths = discover(args.tests)
    names = {os.path.basename(p) for p in paths}
    unknown = only - names
    if unknown:
        ap.error("no such test: %s" % ", ".join(sorted(unknown)))

    passed = failed = skipped = 0
    for path in paths:
        name = os.path.basename(path)
        if only and name not in only:
            continue
        if name in skips:
            res = TestResult(name, "skipped", skips[name] or "skip file")
        else:
            res = run_one(path, config)
        print(format_result(res), flush=True)
        if res.status == "FAIL" and args.verbose and len(res.failures) > 1:
            for f in res.failures[1:]:
                print("    also: %s" % f, flush=True)
        if res.status == "ok":
            passed += 1
        elif res.status == "skipped":
            skipped += 1
        else:
            failed += 1
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
