"""Dovecot imaptest's scripted compliance tests against the real server.

Every script in tests/imaptest/scripts/ is one test case, run by the
independent runner in tests/imaptest/ (format: shared/imaptest/FORMAT.md)
against one server started for this module with two test users sharing
one password (imaptest's model).

- Scripts named in tests/imaptest/expected-to-pass.txt must pass.
- Scripts in tests/imaptest/waiting.txt are skipped with their reason
  ("waits for: ..."), without contacting the server.  Set
  ROOST_IMAPTEST_ALL=1 to run them too (to see which pass now).
- With ROOST_E2E_SERVER=dovecot the harness starts Debian's Dovecot 2.3
  instead, and every script is run except those in
  dovecot-known-failures.txt: that is how the runner itself is validated.
See docs/imaptest.md.
"""
import os
import sys

import pytest

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
IMAPTEST = os.path.join(ROOT, "tests", "imaptest")
SCRIPTS = os.path.join(IMAPTEST, "scripts")
sys.path.insert(0, IMAPTEST)

from imt.execute import Config, run_script   # noqa: E402
from imt.script import parse_script, discover  # noqa: E402

PASSWORD = "imaptest-pw"
USERS = {"imtuser1": ("PLAIN", PASSWORD), "imtuser2": ("PLAIN", PASSWORD)}
# Per command group; generous for an ASan+UBSan build on a loaded machine.
GROUP_TIMEOUT = 60.0
# append-binary's expected BINARY[1] is one byte short of what its APPEND
# stores; imaptest passes it only because it compares strings as C strings
# (FORMAT.md 12.3).  It is judged the way imaptest judges it.
C_STRING_SCRIPTS = {"append-binary"}
# Long-lived login processes.  The scripts open hundreds of short
# connections; under ASan as root, every short-lived imap-login child exits
# with status 1 (LeakSanitizer cannot run in a process that dropped
# privileges, see docs/testing.md), and the master then throttles the
# service for 2, 4, 8... seconds as a crashing one, so that the scripts
# would time out.  service_count = 0 is Dovecot's high-performance login
# mode; the scripts do not depend on the login process mode.
LOGIN_EXTRA = """\
service imap-login {
  service_count = 0
}
"""
# What Dovecot needs to offer NOTIFY and URLAUTH (not given to Roost).
DOVECOT_EXTRA = """\
mailbox_list_index = yes
imap_urlauth_host = *
mail_attribute_dict = file:%h/dovecot-attributes
"""


def read_list(name):
    """name -> reason from a list file of tests/imaptest/."""
    out = {}
    with open(os.path.join(IMAPTEST, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                parts = line.split(None, 1)
                out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


EXPECTED = read_list("expected-to-pass.txt")
WAITING = read_list("waiting.txt")
DOVECOT_FAILS = read_list("dovecot-known-failures.txt")
SCRIPT_NAMES = [os.path.basename(p) for p in discover(SCRIPTS)]


@pytest.fixture(scope="module")
def imaptest_server(kind, system_users):
    """One server for all scripts (each script cleans up its own test
    mailboxes first, as imaptest expects)."""
    extra = LOGIN_EXTRA + (DOVECOT_EXTRA if kind.name == "dovecot" else "")
    srv = harness.RoostServer(kind, users=USERS, extra_config=extra)
    srv.start()
    yield srv
    problems = srv.cleanup()
    if problems:
        pytest.fail("server teardown (%s):\n%s" % (srv.dir,
                    "\n".join(problems)), pytrace=False)
    srv.remove()


def test_lists_cover_every_script():
    """Every script is either expected to pass or waiting, never both, and
    the lists name no script that does not exist."""
    names = set(SCRIPT_NAMES)
    assert not set(EXPECTED) & set(WAITING)
    assert names == set(EXPECTED) | set(WAITING)
    assert set(DOVECOT_FAILS) <= names
    for name, reason in WAITING.items():
        assert reason.startswith("waits for: "), name


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_imaptest_script(name, kind, request):
    on_dovecot = kind.name == "dovecot"
    if on_dovecot:
        if name in DOVECOT_FAILS:
            pytest.skip("fails on Dovecot 2.3.19: " + DOVECOT_FAILS[name])
    elif name not in EXPECTED and \
            os.environ.get("ROOST_IMAPTEST_ALL", "") in ("", "0"):
        pytest.skip(WAITING.get(name, "waits for: (not listed)"))
    srv = request.getfixturevalue("imaptest_server")
    lines = []
    config = Config(host="127.0.0.1", port=srv.imap_port,
                    users=sorted(USERS), password=PASSWORD,
                    timeout=GROUP_TIMEOUT,
                    c_strings=name in C_STRING_SCRIPTS,
                    out=lines.append)
    script = parse_script(os.path.join(SCRIPTS, name), environ={})
    res = run_script(script, config)
    if res.status == "skipped" and (on_dovecot or name not in EXPECTED):
        pytest.skip(res.reason)
    assert res.status == "ok", "%s: %s\n%s\n(server directory %s)" % (
        name, res.status, "\n".join(res.failures or [res.reason]), srv.dir)
