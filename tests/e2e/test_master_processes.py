"""The master's process management, driven with bin/master/test-service
(a trivial greeting/echo service) so that it does not depend on the real
services: process_min_avail, on-demand start, client_limit,
service_count, crash logging and refill, SIGQUIT/retire on reload with the
listener socket kept, roost reload/stop, the admin socket's LOG-ERRORS and
the log line format of children.  Runs as root or not."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import pytest

BUILD = os.environ.get("ROOST_BUILD", "")
ROOST = os.path.join(BUILD, "bin/master/roost")
TEST_SERVICE = os.path.join(BUILD, "bin/master/test-service")
TIMEOUT = 10.0
TIMESTAMP = r"[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d "

pytestmark = pytest.mark.skipif(
    not (os.access(ROOST, os.X_OK) and os.access(TEST_SERVICE, os.X_OK)),
    reason="ROOST_BUILD with bin/master/roost and test-service needed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(pred, what, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(d))
    return sorted(out)


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=TIMEOUT)
        self.f = self.sock.makefile("rwb")
        self.greeting = self.readline()

    def readline(self):
        return self.f.readline().decode()

    def cmd(self, line):
        self.f.write(line.encode() + b"\r\n")
        self.f.flush()
        return self.readline()

    def pid(self):
        return int(re.search(r"pid=(\d+)", self.greeting).group(1))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Master:
    def __init__(self, service_block):
        self.dir = tempfile.mkdtemp(prefix="roost-master-")
        os.chmod(self.dir, 0o755)
        self.base_dir = os.path.join(self.dir, "run")
        self.log_path = os.path.join(self.dir, "log")
        self.conf = os.path.join(self.dir, "roost.conf")
        self.port = free_port()
        self.service_block = service_block
        self.proc = None
        self.write()

    def write(self, port=None):
        if port is not None:
            self.port = port
        user = ""
        if os.geteuid() == 0:
            user = "user = nobody\n"
        with open(self.conf, "w") as f:
            f.write("base_dir = %s\nlog_path = %s\nprotocols = none\n"
                    "service test-service {\n"
                    "  executable = %s\n  %s"
                    "  inet_listener test {\n"
                    "    address = 127.0.0.1\n    port = %d\n  }\n"
                    "%s}\n" % (self.base_dir, self.log_path, TEST_SERVICE,
                               user, self.port, self.service_block))

    def start(self):
        self.proc = subprocess.Popen([ROOST, "-F", "-c", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        wait_until(lambda: self.log_has(r"master: Info: Roost v\S+ "
                                        r"starting up"), "startup")
        return self

    def run(self, *args):
        return subprocess.run([ROOST, "-c", self.conf] + list(args),
                              stdin=subprocess.DEVNULL,
                              capture_output=True, text=True,
                              timeout=TIMEOUT * 3)

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_has(self, rx):
        return re.search(rx, self.log(), re.M)

    def wait_log(self, rx):
        return wait_until(lambda: self.log_has(rx), "log line " + rx)

    def services(self):
        return children(self.proc.pid)

    def admin(self, request):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(TIMEOUT)
        s.connect(os.path.join(self.base_dir, "roost-master"))
        s.sendall(b"VERSION\troost-master\t1\t0\n" + request.encode() +
                  b"\n")
        data = b""
        while not re.search(rb"(^|\n)[+-][^\n]*\n$", data):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        return data.decode()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        p = self.run("stop")
        assert p.returncode == 0, p.stderr
        self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def master_factory():
    made = []

    def make(block=""):
        m = Master(block)
        made.append(m)
        return m
    yield make
    for m in made:
        pids = m.services() if m.proc and m.proc.poll() is None else []
        if m.proc is not None and m.proc.poll() is None:
            m.stop()
        for pid in pids:
            wait_until(lambda: not os.path.exists("/proc/%d" % pid) or
                       open("/proc/%d/stat" % pid).read().split(") ")[1]
                       .startswith("Z"), "child %d to exit" % pid)
        # No sanitizer reports or panics from any process.
        assert not re.search(r"AddressSanitizer|runtime error|Panic:",
                             m.log()), m.log()


def test_min_avail_on_demand_and_client_limit(master_factory):
    m = master_factory("  process_min_avail = 1\n  client_limit = 2\n"
                       "  service_count = 0\n").start()
    first = wait_until(lambda: m.services(), "process_min_avail process")
    assert len(first) == 1
    if os.geteuid() == 0:
        with open("/proc/%d/status" % first[0]) as f:
            uids = re.search(r"^Uid:\s+(.*)$", f.read(), re.M).group(1)
        assert set(uids.split()) == {"65534"}, uids
    with open("/proc/%d/cmdline" % first[0], "rb") as f:
        assert f.read().startswith(b"roost/test-service")
    a, b = Client(m.port), Client(m.port)
    assert a.pid() == b.pid() == first[0]
    assert "clients=2" in b.cmd("INFO")
    # Both slots taken: the master starts another process on demand.
    c = Client(m.port)
    assert c.pid() != a.pid()
    assert c.cmd("hello") == "ECHO hello\r\n"
    assert c.cmd("LOG something bad") == "LOGGED\r\n"
    m.wait_log(r"^%stest-service: Error: something bad$" % TIMESTAMP)
    for cl in (a, b, c):
        assert cl.cmd("QUIT") == "BYE\r\n"
        cl.close()


def test_service_count_one_process_per_client(master_factory):
    m = master_factory("  service_count = 1\n").start()
    assert m.services() == []
    a = Client(m.port)
    b = Client(m.port)
    assert a.pid() != b.pid()
    pid = a.pid()
    a.cmd("QUIT")
    a.close()
    wait_until(lambda: pid not in m.services(), "process to exit")
    b.cmd("QUIT")
    b.close()


def test_crash_is_logged_and_process_refilled(master_factory):
    m = master_factory("  process_min_avail = 1\n"
                       "  service_count = 0\n").start()
    pid = wait_until(lambda: m.services(), "first process")[0]
    c = Client(m.port)
    assert c.pid() == pid
    # The prefix the process set is used for the master's line about it.
    assert c.cmd("PREFIX test(joe)<%d>" % pid) == "PREFIXED\r\n"
    assert c.cmd("LOG with prefix") == "LOGGED\r\n"
    m.wait_log(r"^%stest\(joe\)<%d>: Error: with prefix$" % (TIMESTAMP, pid))
    c.f.write(b"CRASH\r\n")
    c.f.flush()
    assert c.readline() == ""
    m.wait_log(r"^%stest\(joe\)<%d>: Fatal: master: "
               r"service\(test-service\): child %d killed with signal 6 "
               r"\(core (not )?dumped\) \[last ip=127\.0\.0\.1\]$"
               % (TIMESTAMP, pid, pid))
    new = wait_until(lambda: [p for p in m.services() if p != pid],
                     "replacement process")
    os.kill(new[0], signal.SIGKILL)
    m.wait_log(r"test-service: Fatal: master: service\(test-service\): "
               r"child %d killed with signal 9$" % new[0])
    wait_until(lambda: [p for p in m.services() if p not in (pid, new[0])],
               "second replacement")
    # Both appear in the master's error ring, doveadm-style fields.
    out = m.admin("LOG-ERRORS\t0")
    assert re.search(r"^\d+\tf\ttest-service: \tmaster: "
                     r"service\(test-service\): child %d killed with "
                     r"signal 9$" % new[0], out, re.M), out
    assert out.endswith("+OK\n")


def test_failing_startup_is_throttled(master_factory):
    m = master_factory("  process_min_avail = 1\n")
    text = open(m.conf).read().replace(
        "executable = %s" % TEST_SERVICE,
        "executable = %s --fail-startup" % TEST_SERVICE)
    with open(m.conf, "w") as f:
        f.write(text)
    m.start()
    m.wait_log(r"^%stest-service: Fatal: failing at startup as asked$"
               % TIMESTAMP)
    # A process that fails before its first status report throttles the
    # service at once (Dovecot's rule), doubling the delay each time.
    m.wait_log(r"master: Error: service\(test-service\): command startup "
               r"failed, throttling for 2 secs")
    m.wait_log(r"master: Error: service\(test-service\): command startup "
               r"failed, throttling for 4 secs")
    assert len(re.findall(r"failing at startup", m.log())) <= 3, m.log()
    # The exit 89 after the child's own Fatal line is not logged twice.
    assert not m.log_has(r"returned error 89")


def test_reload_keeps_socket_and_retires_old_processes(master_factory):
    m = master_factory("  process_min_avail = 1\n  client_limit = 5\n"
                       "  service_count = 0\n").start()
    old = wait_until(lambda: m.services(), "first process")[0]
    busy = Client(m.port)
    assert busy.pid() == old
    p = m.run("reload")
    assert p.returncode == 0, p.stderr
    m.wait_log(r"master: Warning: SIGHUP received - reloading "
               r"configuration")
    # A new generation process serves new clients on the same port...
    new = wait_until(lambda: [x for x in m.services() if x != old],
                     "new generation process")
    c = Client(m.port)
    assert c.pid() in new
    c.cmd("QUIT")
    c.close()
    # ...while the old one finishes its client, then exits by itself.
    assert busy.cmd("still here") == "ECHO still here\r\n"
    assert old in m.services()
    busy.cmd("QUIT")
    busy.close()
    wait_until(lambda: old not in m.services(), "old process to exit")
    assert not m.log_has(r"child %d (killed|returned)" % old)


def test_reload_moves_port_and_bad_config_keeps_old(master_factory):
    m = master_factory("  service_count = 0\n").start()
    old_port = m.port
    Client(old_port).close()
    m.write(port=free_port())
    os.kill(m.proc.pid, signal.SIGHUP)
    wait_until(lambda: _accepts(m.port), "new port")
    wait_until(lambda: not _accepts(old_port), "old port to close")
    good = open(m.conf).read()
    with open(m.conf, "a") as f:
        f.write("no_such_setting = 1\n")
    # Like dovecot reload, the command itself reads the file and fails...
    p = m.run("reload")
    assert p.returncode == 89
    assert "Unknown setting: no_such_setting" in p.stderr
    # ...and a SIGHUP makes the master log the error and keep going.
    os.kill(m.proc.pid, signal.SIGHUP)
    m.wait_log(r"master: Error: Error in configuration file .*"
               r"no_such_setting")
    c = Client(m.port)
    assert c.cmd("x") == "ECHO x\r\n"
    c.close()
    with open(m.conf, "w") as f:
        f.write(good)


def _accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_stop_start_twice_and_pid_file(master_factory):
    m = master_factory("  process_min_avail = 2\n").start()
    pid_file = os.path.join(m.base_dir, "master.pid")
    assert int(open(pid_file).read()) == m.proc.pid
    p = subprocess.run([ROOST, "-F", "-c", m.conf], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert p.returncode == 89
    assert ("Fatal: Roost is already running with PID %d (read from %s)"
            % (m.proc.pid, pid_file)) in p.stderr
    kids = wait_until(lambda: len(m.services()) == 2 and m.services(),
                      "two processes")
    m.stop()
    assert m.proc.returncode == 0
    assert not os.path.exists(pid_file)
    assert not _accepts(m.port)
    for pid in kids:
        assert not os.path.exists("/proc/%d/cmdline" % pid) or \
            open("/proc/%d/stat" % pid).read().split(") ")[1][0] == "Z"
    m.wait_log(r"master: Warning: Killed with signal 15 \(by pid=\d+ "
               r"uid=\d+ code=kill\)")
    p = m.run("stop")
    assert p.returncode != 0
    assert "Roost is not running" in p.stderr


def test_port_in_use_fails(master_factory):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    m = master_factory()
    m.write(port=blocker.getsockname()[1])
    p = subprocess.run([ROOST, "-F", "-c", m.conf], capture_output=True,
                       text=True, timeout=TIMEOUT)
    blocker.close()
    assert p.returncode == 89
    m.wait_log(r"master: Error: service\(test-service\): "
               r"listen\(127\.0\.0\.1, %d\) failed: Address already in use"
               % m.port)
    assert "master: Fatal: Failed to start listeners" in m.log()


def test_daemonizes(master_factory):
    m = master_factory("  process_min_avail = 1\n")
    p = m.run()
    assert p.returncode == 0, p.stderr
    pid_file = os.path.join(m.base_dir, "master.pid")
    pid = wait_until(lambda: os.path.exists(pid_file) and
                     int(open(pid_file).read()), "pid file")
    c = Client(m.port)
    assert c.cmd("y") == "ECHO y\r\n"
    c.close()
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    # A session leader of its own, not the shell's child.
    fields = st[st.rindex(")") + 2:].split()
    assert int(fields[3]) == int(fields[2]) or int(fields[3]) != \
        os.getsid(0)
    p = m.run("stop")
    assert p.returncode == 0, p.stderr
    assert not os.path.exists(pid_file)


def test_admin_socket_reload_stop_and_refusals(master_factory):
    m = master_factory("  service_count = 0\n").start()
    sock = os.path.join(m.base_dir, "roost-master")
    assert os.stat(sock).st_mode & 0o777 == 0o600
    # Wrong handshake and unknown command.
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(b"VERSION\tother\t1\t0\n")
    assert s.recv(100) == b"-Incompatible protocol\n"
    s.close()
    assert m.admin("NOPE") == "-Unknown command: NOPE\n"
    # A reload with a broken file answers with the error.
    good = open(m.conf).read()
    with open(m.conf, "a") as f:
        f.write("no_such_setting = 1\n")
    out = m.admin("RELOAD")
    assert re.match(r"-Error in configuration file .* line \d+: Unknown "
                    r"setting: no_such_setting\n$", out), out
    with open(m.conf, "w") as f:
        f.write(good)
    assert m.admin("RELOAD") == "+OK\n"
    assert m.admin("STOP") == "+OK\n"
    m.proc.wait(timeout=TIMEOUT)
    assert m.proc.returncode == 0
    assert not os.path.exists(sock)
    out = m.proc.stdout.read().decode()
    assert "Sanitizer" not in out, out


def test_reload_rebinds_changed_socket_on_same_port(master_factory):
    # Changing reuse_port makes it a different socket on the same
    # address and port: the old one must be closed before the new bind.
    m = master_factory("  service_count = 0\n").start()
    Client(m.port).close()
    text = open(m.conf).read().replace(
        "    port = %d\n" % m.port,
        "    port = %d\n    reuse_port = yes\n" % m.port)
    with open(m.conf, "w") as f:
        f.write(text)
    mark = len(m.log())
    assert m.admin("RELOAD") == "+OK\n"
    assert "Error" not in m.log()[mark:], m.log()
    c = Client(m.port)
    assert c.cmd("z") == "ECHO z\r\n"
    c.close()
