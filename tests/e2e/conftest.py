"""pytest fixtures for the end-to-end suite (see docs/testing.md).

- `server`: a started RoostServer with the default configuration and
  users, one per test; stopped and checked for leftover processes after.
- `shared_server`: the same, shared by the tests of one module that only
  log in successfully and change nothing.
- `make_server`: a factory, for tests that change the configuration or the
  users before start, or need more than one server.
- `kind`: which server binaries are under test.

As root, the suite creates the system users roost-login, roost-auth and
roost-mail once per session (useradd --system), so that privilege
separation can be checked.
"""
import re
import warnings

import pytest

import harness


harness.set_child_subreaper()


def warn_lsan(srv):
    """Reports processes in which LeakSanitizer could not run."""
    lines = getattr(srv, "lsan_unable", [])
    if lines:
        roles = sorted({re.sub(r"^.*? ([a-z-]+)(\(\d+\))?: Error: .*$",
                               r"\1", line) for line in lines})
        warnings.warn("LeakSanitizer could not run in %s (process not "
                      "dumpable after dropping privileges); no leak check "
                      "for it" % ", ".join(roles))


@pytest.fixture(scope="session")
def kind():
    return harness.server_kind()


@pytest.fixture(scope="session")
def system_users():
    """The test's system users (root only); a no-op as non-root."""
    if harness.is_root():
        harness.ensure_system_users()
    return harness.TEST_SYSTEM_USERS if harness.is_root() else ()


@pytest.fixture
def make_server(kind, system_users, request):
    """make_server(extra_config="", users=None, base_config=True,
    start=True) -> RoostServer.  Every server made is torn down after the
    test; a leftover process or a sanitizer report fails the test."""
    servers = []

    def make(extra_config="", users=None, base_config=True, start=True,
             setup=None):
        srv = harness.RoostServer(kind, extra_config=extra_config,
                                  users=users, base_config=base_config)
        servers.append(srv)
        if setup is not None:
            setup(srv)
        if start:
            srv.start()
        return srv

    yield make

    problems = []
    for srv in servers:
        problems += ["%s: %s" % (srv.dir, p) for p in srv.cleanup()]
        warn_lsan(srv)
    failed = getattr(request.node, "rep_call", None)
    for srv in servers:
        if not problems and not (failed and failed.failed):
            srv.remove()
    if problems:
        pytest.fail("server teardown:\n" + "\n".join(problems),
                    pytrace=False)


@pytest.fixture
def server(make_server):
    """A started server with the default configuration."""
    return make_server()


@pytest.fixture(scope="module")
def shared_server(kind, system_users):
    """One started server with the default configuration for a whole test
    module: for tests that only log in successfully and change nothing
    (a failed login would delay the next ones through the auth penalty)."""
    srv = harness.RoostServer(kind)
    srv.start()
    yield srv
    problems = srv.cleanup()
    warn_lsan(srv)
    if problems:
        pytest.fail("server teardown (%s):\n%s" % (srv.dir,
                    "\n".join(problems)), pytrace=False)
    srv.remove()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test body failed (keep its directory).
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
