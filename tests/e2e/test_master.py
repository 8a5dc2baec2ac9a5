"""The master process: privilege separation of its children, restart of
crashed children, reload (command and SIGHUP), stop, pid file and refusing
to start twice."""
import grp
import os
import re
import signal
import socket
import subprocess

import pytest

import harness
from harness import TIMESTAMP_RE


def ids_of(pid):
    ids = harness.proc_ids(pid)
    assert ids is not None, "process %d is gone" % pid
    return ids


def assert_runs_as(pid, user, group=None):
    """All four uids (real, effective, saved, fs) are user's, and the gids
    are group's (default: user's primary group).  A process caught between
    fork and dropping privileges gets a few seconds to get there; one that
    has exited meanwhile is skipped."""
    uid = harness.pwd.getpwnam(user).pw_uid
    gid = (grp.getgrnam(group).gr_gid if group
           else harness.pwd.getpwnam(user).pw_gid)
    want = {"uid": (uid,) * 4, "gid": (gid,) * 4}

    def settled():
        ids = harness.proc_ids(pid)
        if ids is None:
            return "gone"
        return ids if ids == want else None
    try:
        harness.wait_until(settled, 10, 0.05, "process %d (%s) to run as %s"
                           % (pid, harness.role_of(pid), user))
    except harness.HarnessError:
        pytest.fail("%s process %d runs as %s, expected %s"
                    % (harness.role_of(pid), pid, harness.proc_ids(pid),
                       want))


def test_children_run_as_configured_users(server):
    # An open pre-login connection keeps an imap-login process, a logged-in
    # one an imap process.
    pre = server.line_client()
    pre.readline()
    c = server.login("alice")
    login_pids = server.wait_pids("imap-login")
    imap_pids = server.wait_pids("imap")
    auth_pids = server.wait_pids("auth")
    if harness.is_root():
        for pid in login_pids:
            assert_runs_as(pid, harness.TEST_LOGIN_USER)
        for pid in imap_pids:
            assert_runs_as(pid, harness.TEST_MAIL_USER)
        for pid in auth_pids:
            assert_runs_as(pid, harness.TEST_INTERNAL_USER)
        # The master itself stays root: it must be able to rebind ports and
        # start children as any user.
        assert ids_of(server.master_pid)["uid"][1] == 0
    else:
        me = harness.pwd.getpwuid(os.getuid()).pw_name
        for pid in login_pids + imap_pids + auth_pids:
            assert_runs_as(pid, me)
    # What an administrator sees: ps shows each role under its user.
    want = {"imap-login": server.login_user, "imap": server.mail_user,
            "auth": server.internal_user}
    for role, pids in (("imap-login", login_pids), ("imap", imap_pids),
                       ("auth", auth_pids)):
        out = subprocess.run(["ps", "-o", "user:32=", "-p",
                              ",".join(str(p) for p in pids)],
                             stdout=subprocess.PIPE, text=True).stdout
        users = set(out.split())
        assert users <= {want[role]} and users, (role, out)
    c.logout()
    pre.close()


def kill_and_check_restart(server, role, pid, rx_suffix=""):
    mark = server.log_mark()
    os.kill(pid, signal.SIGKILL)
    m = server.wait_log(r": Fatal: master: service\(%s\): child %d killed "
                        r"with signal 9%s" % (re.escape(role), pid,
                                               rx_suffix), after=mark)
    return m.string


@pytest.mark.parametrize("role", ["auth", "imap-login", "imap"])
def test_killed_child_is_logged_and_restarted(server, role):
    keep = []
    if role == "imap-login":
        pre = server.line_client()
        pre.readline()
        keep.append(pre)
    if role == "imap":
        c = server.login("alice")
        keep.append(c)
    if role == "auth":
        # Make sure auth is up (it may be started on demand).
        server.login("alice").logout()
    pid = server.wait_pids(role)[0]
    line = kill_and_check_restart(server, role, pid)
    if role == "auth":
        assert re.match(r"^%sauth: Fatal: master: service\(auth\): child "
                        r"%d killed with signal 9$" % (TIMESTAMP_RE, pid),
                        line), line
    elif role == "imap-login":
        assert re.match(r"^%simap-login: Fatal: master: "
                        r"service\(imap-login\): child %d killed with "
                        r"signal 9 \[last ip=127\.0\.0\.1\]$"
                        % (TIMESTAMP_RE, pid), line), line
        # The client's connection went down with its process.
        assert keep[0].is_closed_by_peer()
    else:
        # Dovecot prefixes the line with the session's log prefix.
        assert re.match(r"^%simap\(alice\)<%d><[^>]*>: Fatal: master: "
                        r"service\(imap\): child %d killed with signal 9$"
                        % (TIMESTAMP_RE, pid, pid), line), line
        with pytest.raises((harness.imaplib.IMAP4.abort, OSError)):
            keep[0].noop()
    # Service is back: a new login works and reaches a new process.
    c = server.login("bob")
    assert c.noop()[0] == "OK"
    assert pid not in server.pids()
    pre = server.line_client()
    pre.readline()
    new = server.wait_pids(role, exclude=[pid])
    assert new and pid not in new
    pre.close()
    c.logout()
    for k in keep:
        try:
            if isinstance(k, harness.LineClient):
                k.close()
            else:
                k.shutdown()
        except OSError:
            pass


def test_repeated_auth_crashes_recover(server):
    for _ in range(3):
        server.login("alice").logout()
        pid = server.wait_pids("auth")[0]
        kill_and_check_restart(server, "auth", pid)
    c = server.login("carol")
    c.logout()


def rewrite_port(server, new_port):
    text = open(server.config_path).read()
    text2 = re.sub(r"port = %d\b" % server.imap_port, "port = %d" % new_port,
                   text)
    assert text2 != text
    with open(server.config_path, "w") as f:
        f.write(text2)


@pytest.mark.parametrize("how", ["reload", "SIGHUP"])
def test_reload_moves_listener(server, how):
    old_port = server.imap_port
    new_port = harness.free_port()
    rewrite_port(server, new_port)
    mark = server.log_mark()
    if how == "reload":
        server.reload()
    else:
        assert server.read_master_pid() == server.master_pid
        os.kill(server.master_pid, signal.SIGHUP)
    server.wait_log(r"master: Warning: SIGHUP received - reloading "
                    r"configuration", after=mark)
    server.imap_port = new_port
    server.wait_ready(new_port)
    harness.wait_until(lambda: not harness.port_accepts(old_port),
                       harness.LOG_TIMEOUT, what="old port to close")
    c = server.login("alice")
    assert c.noop()[0] == "OK"
    c.logout()
    # The master is still the same process.
    assert server.proc.poll() is None
    assert server.read_master_pid() == server.master_pid


def test_reload_keeps_logged_in_sessions(server):
    c = server.login("alice")
    mark = server.log_mark()
    server.reload()
    server.wait_log(r"SIGHUP received", after=mark)
    assert c.noop()[0] == "OK"
    c.logout()


def test_reload_with_broken_config_keeps_running(server):
    good = open(server.config_path).read()
    with open(server.config_path, "w") as f:
        f.write(good + "\nthis_is_not_a_setting = 1\n")
    mark = server.log_mark()
    server.run_master("reload")
    os.kill(server.master_pid, signal.SIGHUP)
    server.wait_log(r"master: (Warning|Error): ", after=mark)
    # The old configuration stays in force.
    c = server.login("alice")
    c.logout()
    assert server.proc.poll() is None
    with open(server.config_path, "w") as f:
        f.write(good)


def test_pid_file(server):
    assert server.read_master_pid() == server.master_pid
    st = os.stat(os.path.join(server.base_dir, "master.pid"))
    assert st.st_uid == os.geteuid()


def test_stop_ends_every_process(server):
    # Have processes of every role alive when stopping.
    pre = server.line_client()
    pre.readline()
    c = server.login("alice")
    server.wait_pids("imap")
    server.wait_pids("imap-login")
    server.wait_pids("auth")
    all_pids = [server.master_pid] + server.snapshot()
    stop = server.stop()
    assert stop.returncode == 0, (stop.stdout, stop.stderr)
    harness.wait_until(lambda: not server.leftovers(), harness.STOP_TIMEOUT,
                       what="every server process to exit")
    for pid in all_pids:
        st = harness.proc_stat(pid)
        assert st is None or st[2] != server.seen[pid] or st[1] == "Z", pid
    assert not harness.port_accepts(server.imap_port)
    assert not os.path.exists(os.path.join(server.base_dir, "master.pid"))
    assert pre.is_closed_by_peer()
    pre.close()
    try:
        c.shutdown()
    except OSError:
        pass


def test_sigterm_stops(server):
    all_pids = [server.master_pid] + server.snapshot()
    os.kill(server.master_pid, signal.SIGTERM)
    server.proc.wait(timeout=harness.STOP_TIMEOUT)
    harness.wait_until(lambda: not server.leftovers(), harness.STOP_TIMEOUT,
                       what="every server process to exit")
    assert all_pids


def test_start_twice_is_refused(server):
    mark = server.log_mark()
    proc = subprocess.run(
        [server.kind.master, "-F", "-c", server.config_path],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=harness.STOP_TIMEOUT)
    assert proc.returncode != 0
    expected = (r"Fatal: %s is already running with PID %d \(read from "
                r"%s\)" % (harness.master_name(server.kind),
                           server.master_pid,
                           re.escape(os.path.join(server.base_dir,
                                                  "master.pid"))))
    if not re.search(expected, proc.stdout):
        server.wait_log(expected, after=mark)
    # The daemonizing form is refused the same way.
    proc = subprocess.run([server.kind.master, "-c", server.config_path],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=harness.STOP_TIMEOUT)
    assert proc.returncode != 0
    # The first server is untouched.
    assert server.proc.poll() is None
    assert server.read_master_pid() == server.master_pid
    c = server.login("alice")
    c.logout()


def test_stale_pid_file_does_not_block_start(make_server):
    srv = make_server(start=False)
    os.makedirs(srv.base_dir, exist_ok=True)
    # A pid that certainly is not a running master: a reaped child.
    p = subprocess.Popen(["true"])
    p.wait()
    with open(os.path.join(srv.base_dir, "master.pid"), "w") as f:
        f.write("%d\n" % p.pid)
    srv.start()
    assert srv.read_master_pid() == srv.master_pid


def test_port_in_use_fails_clearly(make_server):
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    srv = make_server(start=False)
    srv.imap_port = blocker.getsockname()[1]
    srv.write_config()
    srv.start(wait=False)
    try:
        srv.proc.wait(timeout=harness.START_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("master kept running although its port is taken")
    assert srv.proc.returncode != 0
    text = srv.log() + open(srv.output_path).read()
    assert re.search(r"master: Error: service\(imap-login\): "
                     r"listen\(127\.0\.0\.1, %d\) failed: Address already "
                     r"in use" % srv.imap_port, text), text
    assert "master: Fatal: Failed to start listeners" in text, text
    blocker.close()
