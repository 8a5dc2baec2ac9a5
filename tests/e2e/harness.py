"""End-to-end test harness: starts a real server and talks to it.

`RoostServer` writes a Dovecot 2.3 style configuration into a private temp
directory, starts the master in the foreground (`roost -F -c FILE`), waits
until the IMAP listener answers, and gives the tests what they need: IMAP
clients, the log, the pids and uids of the child processes by role, the admin
tool, and a teardown that stops the server and fails loudly when any process
of it is left behind.

The same harness can drive Debian's Dovecot 2.3 instead of Roost
(ROOST_E2E_SERVER=dovecot), which is how the expectations in the tests were
checked against the reference implementation.
"""
import base64
import ctypes
import hashlib
import imaplib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Generous limits: the suite must pass on a loaded 2-core machine with an
# ASan+UBSan build.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0
LOG_TIMEOUT = 30.0
IO_TIMEOUT = 30.0

# The dedicated system users the tests create when they run as root.
TEST_LOGIN_USER = "roost-login"
TEST_INTERNAL_USER = "roost-auth"
TEST_MAIL_USER = "roost-mail"
TEST_SYSTEM_USERS = (TEST_LOGIN_USER, TEST_INTERNAL_USER, TEST_MAIL_USER)

# Dovecot's session id: 12 random bytes in base64 (16 characters); accept
# any base64 word so that a longer id is not a failure of its own.
SESSION_RE = r"[A-Za-z0-9+/]+=*"
# log_timestamp's default, "%b %d %H:%M:%S ".
TIMESTAMP_RE = r"[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d "

imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED", "LOGOUT"))


class HarnessError(Exception):
    """The server did not do what the harness needs to run the test."""


# ---------------------------------------------------------------------------
# Which server: Roost from a build directory, or Debian's Dovecot.

class ServerKind:
    """Where the binaries of the server under test are and what they are
    called.  `name` is "roost" or "dovecot"."""

    def __init__(self, name, master, admin, exe_dirs):
        self.name = name
        self.master = master
        self.admin = admin
        self.exe_dirs = [os.path.realpath(d) for d in exe_dirs]

    def owns_exe(self, exe):
        """True when the executable path belongs to this server."""
        exe = os.path.realpath(exe)
        return any(exe.startswith(d + os.sep) for d in self.exe_dirs)


def server_kind():
    """The server selected by the environment: ROOST_E2E_SERVER=dovecot
    for Debian's Dovecot, otherwise Roost from ROOST_BUILD (default
    ./build-check, then ./build)."""
    if os.environ.get("ROOST_E2E_SERVER", "roost") == "dovecot":
        return ServerKind("dovecot", "/usr/sbin/dovecot", "/usr/bin/doveadm",
                          ["/usr/lib/dovecot", "/usr/sbin"])
    build = os.environ.get("ROOST_BUILD")
    if not build:
        for cand in ("build-check", "build"):
            if os.path.isdir(os.path.join(ROOT, cand)):
                build = os.path.join(ROOT, cand)
                break
        else:
            build = os.path.join(ROOT, "build-check")
    build = os.path.abspath(build)
    return ServerKind("roost", os.path.join(build, "bin/master/roost"),
                      os.path.join(build, "bin/roostadm/roostadm"),
                      [os.path.join(build, "bin")])


def master_name(kind):
    """The product name the master uses in its messages."""
    return "Dovecot" if kind.name == "dovecot" else "Roost"


# ---------------------------------------------------------------------------
# Password schemes: hashes are made here, independently of the server.

def _b64(data):
    return base64.b64encode(data).decode()


def hash_password(scheme, password):
    """Returns "{SCHEME}hash" for one of Dovecot's schemes, computed with
    Python's own libraries so the server's verification is tested against
    an independent implementation."""
    pw = password.encode()
    salt = os.urandom(8)
    if scheme == "PLAIN":
        value = password
    elif scheme == "SHA512-CRYPT":
        value = crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
    elif scheme == "SHA256-CRYPT":
        value = crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA256))
    elif scheme == "MD5-CRYPT":
        value = crypt.crypt(password, crypt.mksalt(crypt.METHOD_MD5))
    elif scheme == "BLF-CRYPT":
        value = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH,
                                                   rounds=1 << 5))
    elif scheme == "SHA256":
        value = _b64(hashlib.sha256(pw).digest())
    elif scheme == "SHA512":
        value = _b64(hashlib.sha512(pw).digest())
    elif scheme == "SSHA":
        value = _b64(hashlib.sha1(pw + salt).digest() + salt)
    elif scheme == "SSHA256":
        value = _b64(hashlib.sha256(pw + salt).digest() + salt)
    elif scheme == "SSHA512":
        value = _b64(hashlib.sha512(pw + salt).digest() + salt)
    elif scheme == "PLAIN-MD5":
        value = hashlib.md5(pw).hexdigest()
    else:
        raise ValueError("no hasher for scheme " + scheme)
    if value is None or value.startswith("*"):
        raise HarnessError("crypt() refused scheme " + scheme)
    return "{%s}%s" % (scheme, value)


# Test users: name -> (scheme, password).  One user per scheme.
DEFAULT_USERS = {
    "alice": ("PLAIN", "alice-pw"),
    "bob": ("SHA512-CRYPT", "bob-pw"),
    "carol": ("SHA256-CRYPT", "carol-pw"),
    "dave": ("SSHA256", "dave-pw"),
    "erin": ("MD5-CRYPT", "erin-pw"),
    "frank": ("SHA256", "frank-pw"),
    "grace": ("BLF-CRYPT", "grace-pw"),
    "heidi": ("SSHA512", "heidi-pw"),
    "ivan": ("PLAIN-MD5", "ivan-pw"),
}


# ---------------------------------------------------------------------------
# System users and processes.

def is_root():
    return os.geteuid() == 0


def ensure_system_users(names=TEST_SYSTEM_USERS):
    """Creates the test's system users (useradd --system, no home, no
    shell) when they do not exist yet.  Root only; idempotent."""
    for name in names:
        try:
            pwd.getpwnam(name)
            continue
        except KeyError:
            pass
        proc = subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
             name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        # A concurrent run may have created it meanwhile (exit 9).
        try:
            pwd.getpwnam(name)
        except KeyError:
            raise HarnessError("useradd %s failed: %s" % (name, proc.stdout))


def set_child_subreaper():
    """Makes this process the reaper of orphaned descendants, so that a
    server process that outlives its master is reparented to the test
    runner, where teardown finds it, instead of to init."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def proc_stat(pid):
    """(ppid, state, starttime) of a process, or None if it is gone."""
    data = _read("/proc/%d/stat" % pid)
    if data is None:
        return None
    # The command name may contain spaces and parentheses: split at the
    # last ')'.
    rest = data[data.rindex(b")") + 2:].split()
    return int(rest[1]), rest[0].decode(), int(rest[19])


def proc_exe(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def proc_ids(pid):
    """{'uid': (real, effective, saved, fs), 'gid': (...)} of a process."""
    data = _read("/proc/%d/status" % pid)
    if data is None:
        return None
    ids = {}
    for line in data.decode().splitlines():
        key, _, value = line.partition(":")
        if key in ("Uid", "Gid"):
            ids[key.lower()] = tuple(int(v) for v in value.split())
    return ids


def all_pids():
    return [int(n) for n in os.listdir("/proc") if n.isdigit()]


def children_map():
    """ppid -> [pid] for every live (non-zombie) process."""
    out = {}
    for pid in all_pids():
        st = proc_stat(pid)
        if st is None or st[1] == "Z":
            continue
        out.setdefault(st[0], []).append(pid)
    return out


def descendants(root_pid):
    """Every live process below root_pid."""
    cmap = children_map()
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        for child in cmap.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


def role_of(pid):
    """The role of a server process: the base name of its executable
    (roost's bin/<role>/<role>, Dovecot's /usr/lib/dovecot/<role>)."""
    exe = proc_exe(pid)
    if exe is None:
        return None
    return os.path.basename(exe.replace(" (deleted)", ""))


def free_port(address="127.0.0.1"):
    """A TCP port that is free right now on the address."""
    s = socket.socket()
    try:
        s.bind((address, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def port_accepts(port, address="127.0.0.1", timeout=2.0):
    """True if a TCP connection to address:port is accepted."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls predicate() until it returns a true value, which is returned;
    raises HarnessError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise HarnessError("timed out after %.0fs waiting for %s"
                               % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Protocol clients.

class LineClient:
    """A raw CRLF line client, for exact protocol checks that imaplib hides
    (greeting text, untagged lines, SASL-IR, source address binding)."""

    def __init__(self, port, address="127.0.0.1", source=None,
                 timeout=IO_TIMEOUT):
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        if source is not None:
            self.sock.bind((source, 0))
        self.sock.connect((address, port))
        self.file = self.sock.makefile("rb")
        self.tag_no = 0

    def readline(self):
        """One line without its CRLF; raises EOFError at end of stream."""
        line = self.file.readline()
        if not line:
            raise EOFError("connection closed by server")
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def command(self, text):
        """Sends "TAG text" and reads to the tagged reply; returns
        (untagged_lines, tagged_line_without_tag)."""
        self.tag_no += 1
        tag = "t%d" % self.tag_no
        self.send("%s %s" % (tag, text))
        untagged = []
        while True:
            line = self.readline()
            if line.startswith(tag + " "):
                return untagged, line[len(tag) + 1:]
            untagged.append(line)

    def close(self):
        try:
            self.file.close()
        finally:
            self.sock.close()

    def is_closed_by_peer(self, timeout=IO_TIMEOUT):
        """True when the server has closed the connection (EOF or reset)
        within timeout seconds."""
        deadline = time.monotonic() + timeout
        try:
            # Whatever the server still sends (e.g. "* BYE") is skipped.
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(left)
                if self.file.read1(4096) == b"":
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def sasl_plain(user, password, authzid=""):
    """The base64 SASL PLAIN initial response."""
    return _b64(("%s\0%s\0%s" % (authzid, user, password)).encode())


class AuthClient:
    """A client of the auth service's auth-client socket, speaking
    Dovecot's auth protocol (VERSION 1.2) as Postfix's
    smtpd_sasl_type = dovecot does."""

    def __init__(self, path, timeout=IO_TIMEOUT):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 1
        self.handshake = []
        self.mechs = {}

    def readline(self):
        line = self.file.readline()
        if not line:
            raise EOFError("auth service closed the connection")
        return line.decode().rstrip("\n")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def connect(self):
        """Sends VERSION and CPID, reads the handshake up to DONE; returns
        the handshake lines."""
        self.send("VERSION\t1\t2")
        self.send("CPID\t%d" % os.getpid())
        while True:
            line = self.readline()
            self.handshake.append(line)
            fields = line.split("\t")
            if fields[0] == "MECH":
                self.mechs[fields[1]] = fields[2:]
            if line == "DONE":
                return self.handshake

    def auth_plain(self, user, password, initial=True, extra=None):
        """One PLAIN authentication; returns the final reply's fields
        (e.g. ["OK", "1", "user=alice"])."""
        rid = self.next_id
        self.next_id += 1
        params = ["service=smtp", "nologin", "lip=127.0.0.1",
                  "rip=127.0.0.1", "secured"] + list(extra or [])
        resp = sasl_plain(user, password)
        if initial:
            params.append("resp=" + resp)
        self.send("\t".join(["AUTH", str(rid), "PLAIN"] + params))
        reply = self.readline().split("\t")
        if reply[0] == "CONT" and not initial:
            self.send("CONT\t%d\t%s" % (rid, resp))
            reply = self.readline().split("\t")
        return reply

    def close(self):
        try:
            self.file.close()
        finally:
            self.sock.close()


# ---------------------------------------------------------------------------
# The server.

BASE_CONFIG = """\
# Generated by tests/e2e/harness.py for one test.
base_dir = {base_dir}
log_path = {log_path}
info_log_path = {log_path}
protocols = imap
listen = 127.0.0.1
ssl = no
{users_block}
passdb {{
  driver = passwd-file
  args = {users_file}
}}
userdb {{
  driver = passwd-file
  args = {users_file}
}}
mail_location = maildir:{mail_dir}/%u
{mail_ids}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


# Servers started and not yet cleaned up, so that one server's leftover
# check does not count another server's processes.
LIVE_SERVERS = []


class RoostServer:
    """One server instance in a private directory.

    Construct it, optionally change `users` or `extra_config`, then
    start().  stop() (or the fixture's teardown) ends it and checks that
    no process was left behind."""

    def __init__(self, kind=None, extra_config="", users=None,
                 base_config=True):
        self.kind = kind or server_kind()
        self.root = is_root()
        self.dir = tempfile.mkdtemp(prefix="roost-e2e-", dir="/tmp")
        # Unprivileged server processes must reach their files in here.
        os.chmod(self.dir, 0o755)
        self.base_dir = os.path.join(self.dir, "run")
        self.log_path = os.path.join(self.dir, "server.log")
        self.users_file = os.path.join(self.dir, "users")
        self.mail_dir = os.path.join(self.dir, "mail")
        self.home_dir = os.path.join(self.dir, "home")
        self.config_path = os.path.join(self.dir, "dovecot.conf")
        self.output_path = os.path.join(self.dir, "master.out")
        self.imap_port = free_port()
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.extra_users = []   # raw passwd-file lines
        self.extra_config = extra_config
        self.base_config = base_config
        self.proc = None
        self.master_pid = None
        self.seen = {}          # pid -> starttime of every process seen
        self.allow_log = []     # regexes of error lines a test expects
        self.stopped = False
        if self.root:
            self.login_user = TEST_LOGIN_USER
            self.internal_user = TEST_INTERNAL_USER
            self.mail_user = TEST_MAIL_USER
        else:
            me = pwd.getpwuid(os.getuid()).pw_name
            self.login_user = self.internal_user = self.mail_user = me
        os.makedirs(self.mail_dir)
        os.makedirs(self.home_dir)
        if self.root:
            pw = pwd.getpwnam(self.mail_user)
            for d in (self.mail_dir, self.home_dir):
                os.chown(d, pw.pw_uid, pw.pw_gid)

    # -- configuration ----------------------------------------------------

    def uid_of(self, name):
        return pwd.getpwnam(name).pw_uid

    def gid_of(self, name):
        return pwd.getpwnam(name).pw_gid

    def users_block(self):
        if self.root:
            lines = ["default_login_user = " + self.login_user,
                     "default_internal_user = " + self.internal_user,
                     "default_internal_group = " + self.internal_user]
        else:
            lines = ["default_login_user = " + self.login_user,
                     "default_internal_user = " + self.internal_user]
        return "\n".join(lines)

    def mail_group(self):
        """The primary group of mail_user (mail_gid)."""
        return grp.getgrgid(pwd.getpwnam(self.mail_user).pw_gid).gr_name

    def mail_ids(self):
        # Needed as non-root too: like Dovecot, the mail process refuses a
        # user without a uid.
        return "mail_uid = %s\nmail_gid = %s" % (self.mail_user,
                                                 self.mail_group())

    def config_text(self):
        text = ""
        if self.base_config:
            text = BASE_CONFIG.format(
                base_dir=self.base_dir, log_path=self.log_path,
                users_block=self.users_block(), users_file=self.users_file,
                mail_dir=self.mail_dir, mail_ids=self.mail_ids(),
                imap_port=self.imap_port)
        if self.extra_config:
            text += "\n" + self.extra_config + "\n"
        return text

    def write_config(self, text=None):
        """Writes the configuration file (generated unless text is
        given)."""
        with open(self.config_path, "w") as f:
            f.write(self.config_text() if text is None else text)

    def passwd_line(self, name, hashed):
        return "%s:%s::::%s::" % (name, hashed,
                                   os.path.join(self.home_dir, name))

    def write_users(self):
        lines = [self.passwd_line(name, hash_password(scheme, pw))
                 for name, (scheme, pw) in sorted(self.users.items())]
        lines += self.extra_users
        tmp = self.users_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.users_file)

    def add_user_line(self, line):
        """Adds a raw passwd-file line (takes effect on the next
        write_users())."""
        self.extra_users.append(line)

    def password(self, user):
        return self.users[user][1]

    # -- life cycle -------------------------------------------------------

    def master_cmd(self, *args):
        return [self.kind.master, "-c", self.config_path] + list(args)

    def start(self, wait=True):
        """Writes config and users, starts the master in the foreground and
        (by default) waits until the IMAP listener greets."""
        if not os.path.exists(self.kind.master):
            raise HarnessError("server binary %s does not exist (build it "
                               "first, or set ROOST_BUILD)" % self.kind.master)
        if not os.path.exists(self.config_path):
            self.write_config()
        self.write_users()
        self.out = open(self.output_path, "ab")
        env = dict(os.environ)
        env["ROOST_E2E_DIR"] = self.dir
        self.proc = subprocess.Popen(
            [self.kind.master, "-F", "-c", self.config_path],
            stdin=subprocess.DEVNULL, stdout=self.out,
            stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        self.master_pid = self.proc.pid
        self.stopped = False
        LIVE_SERVERS.append(self)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, port=None, timeout=START_TIMEOUT):
        """Waits until the IMAP listener answers with a greeting."""
        port = port or self.imap_port

        def greeted():
            if self.proc.poll() is not None:
                raise HarnessError(
                    "master exited with status %s during start-up:\n%s"
                    % (self.proc.returncode, self.diagnostics()))
            try:
                c = LineClient(port, timeout=5)
            except OSError:
                return False
            try:
                if not c.readline().startswith("* OK"):
                    return False
                c.command("LOGOUT")
                return True
            except (OSError, EOFError):
                return False
            finally:
                c.close()
        try:
            wait_until(greeted, timeout, 0.1, "IMAP greeting on port %d"
                       % port)
        except HarnessError as e:
            raise HarnessError("%s\n%s" % (e, self.diagnostics()))
        self.snapshot()

    def diagnostics(self):
        """Master output and log tail, for failure messages."""
        out = (_read(self.output_path) or b"").decode("utf-8", "replace")
        log = self.log()
        return ("--- master output ---\n%s\n--- log (tail) ---\n%s"
                % (out[-4000:], log[-6000:]))

    def snapshot(self):
        """Records every current process of the server (for the
        leftover check at teardown); returns their pids."""
        if self.master_pid is None:
            return []
        pids = descendants(self.master_pid)
        for pid in pids + [self.master_pid]:
            st = proc_stat(pid)
            if st is not None:
                self.seen[pid] = st[2]
        return pids

    def read_master_pid(self):
        """The pid in base_dir/master.pid."""
        with open(os.path.join(self.base_dir, "master.pid")) as f:
            return int(f.read().split()[0])

    def run_master(self, *args, timeout=STOP_TIMEOUT):
        """Runs `master -c FILE args` (e.g. "stop", "reload", "-n") and
        returns the CompletedProcess (text, stderr merged into stdout
        unless asked)."""
        return subprocess.run(self.master_cmd(*args),
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, cwd=self.dir)

    def admin(self, *args, timeout=STOP_TIMEOUT, check=False):
        """Runs the admin tool (roostadm or doveadm) with -c FILE."""
        proc = subprocess.run([self.kind.admin, "-c", self.config_path]
                              + list(args), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, cwd=self.dir)
        if check and proc.returncode != 0:
            raise HarnessError("%s %s failed (%d): %s%s" % (
                self.kind.admin, " ".join(args), proc.returncode,
                proc.stdout, proc.stderr))
        return proc

    def reload(self):
        """`master -c FILE reload`; must succeed."""
        proc = self.run_master("reload")
        if proc.returncode != 0:
            raise HarnessError("reload failed (%d): %s%s" % (
                proc.returncode, proc.stdout, proc.stderr))
        return proc

    def stop(self, timeout=STOP_TIMEOUT):
        """`master -c FILE stop`, then waits for the master to exit.
        Returns the stop command's CompletedProcess."""
        self.snapshot()
        proc = self.run_master("stop", timeout=timeout)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError("master still running %.0fs after stop:\n%s"
                               % (timeout, self.diagnostics()))
        self.stopped = True
        return proc

    def leftovers(self):
        """Processes of this server that are still alive: any process seen
        earlier (same pid and start time), and any orphan reparented to the
        test runner (the harness is a child subreaper)."""
        mypid = os.getpid()
        others = set()
        for srv in LIVE_SERVERS:
            if srv is not self and srv.master_pid is not None:
                others.add(srv.master_pid)
                others.update(descendants(srv.master_pid))
        left = set()
        for pid, start in self.seen.items():
            st = proc_stat(pid)
            if st is not None and st[2] == start and st[1] != "Z":
                left.add(pid)
        for pid in all_pids():
            st = proc_stat(pid)
            if st is None or st[0] != mypid or pid == self.master_pid or \
                    pid in others:
                continue
            if st[1] == "Z":
                if self.kind.owns_exe(proc_exe(pid) or "") or \
                        pid in self.seen:
                    _reap(pid)
                continue
            if pid in self.seen or self.kind.owns_exe(proc_exe(pid) or ""):
                left.add(pid)
        # Include descendants of leftovers.
        for pid in list(left):
            left.update(descendants(pid))
        return sorted(left - others)

    def cleanup(self, grace=15):
        """Teardown: stops the server if a test did not, gives its
        processes `grace` seconds to exit, kills and reports leftovers.
        Returns a list of problems (empty when clean)."""
        problems = []
        if self.proc is not None and self.proc.poll() is None:
            try:
                stop = self.stop()
                if stop.returncode != 0:
                    problems.append("stop exited %d: %s%s" % (
                        stop.returncode, stop.stdout, stop.stderr))
            except (HarnessError, subprocess.TimeoutExpired) as e:
                problems.append(str(e))
                self.proc.kill()
                self.proc.wait()
        try:
            left = wait_until(lambda: not self.leftovers() or None,
                              grace, 0.1, "leftover processes to exit")
            left = []
        except HarnessError:
            left = self.leftovers()
        if left:
            desc = ["%d %s uid=%s" % (p, role_of(p), (proc_ids(p) or {})
                                      .get("uid")) for p in left]
            problems.append("processes left after stop: " + ", ".join(desc))
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for pid in left:
                _wait_dead(pid)
                _reap(pid)
        if self.proc is not None:
            problems += self.sanitizer_reports()
        if hasattr(self, "out"):
            self.out.close()
        if self in LIVE_SERVERS:
            LIVE_SERVERS.remove(self)
        return problems

    def sanitizer_reports(self):
        """ASan/UBSan/LSan reports and panics in the log or master output,
        which fail the test."""
        text = self.log() + "\n" + (_read(self.output_path) or b"").decode(
            "utf-8", "replace")
        bad = []
        self.lsan_unable = []
        for line in text.splitlines():
            # A process that dropped privileges without exec is not
            # dumpable, and LeakSanitizer cannot run in it at exit; it
            # says so in these two lines.  That is not a leak, but no leak
            # check happened either: conftest turns it into a warning.
            if re.search(r"LeakSanitizer has encountered a fatal error|"
                         r"HINT: LeakSanitizer does not work under ptrace",
                         line):
                self.lsan_unable.append(line)
                continue
            if re.search(r"AddressSanitizer|LeakSanitizer|"
                         r"runtime error:|UndefinedBehaviorSanitizer|"
                         r": Panic: ", line):
                if not any(re.search(a, line) for a in self.allow_log):
                    bad.append(line)
        if bad:
            return ["sanitizer reports or panics:\n" + "\n".join(bad[:40])]
        return []

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- processes --------------------------------------------------------

    def pids(self, role=None):
        """Pids of the master's live child processes (direct children), of
        one role if given (e.g. "imap-login", "imap", "auth")."""
        pids = self.snapshot()
        cmap = children_map()
        direct = cmap.get(self.master_pid, [])
        return sorted(p for p in direct if p in pids and
                      (role is None or role_of(p) == role))

    def wait_pids(self, role, timeout=LOG_TIMEOUT, exclude=()):
        """Waits until at least one child of the role (not in exclude)
        exists; returns the pids."""
        return wait_until(
            lambda: [p for p in self.pids(role) if p not in exclude],
            timeout, 0.05, "a %s process" % role)

    # -- log --------------------------------------------------------------

    def log(self):
        data = _read(self.log_path)
        return "" if data is None else data.decode("utf-8", "replace")

    def log_mark(self):
        """The current end of the log, for wait_log(after=...)."""
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_since(self, mark):
        data = _read(self.log_path) or b""
        return data[mark:].decode("utf-8", "replace")

    def wait_log(self, pattern, after=0, timeout=LOG_TIMEOUT):
        """Waits until a log line written after offset `after` matches the
        regex (re.search per line); returns the match object."""
        rx = re.compile(pattern)

        def find():
            for line in self.log_since(after).splitlines():
                m = rx.search(line)
                if m:
                    return m
            return None
        try:
            return wait_until(find, timeout, 0.05, "log line /%s/" % pattern)
        except HarnessError as e:
            raise HarnessError("%s\n%s" % (e, self.diagnostics()))

    # -- clients ----------------------------------------------------------

    def imap(self, port=None, address="127.0.0.1"):
        """An imaplib client connected to the IMAP listener."""
        return imaplib.IMAP4(address, port or self.imap_port,
                             timeout=IO_TIMEOUT)

    def line_client(self, port=None, address="127.0.0.1", source=None):
        """A raw LineClient connected to the IMAP listener."""
        return LineClient(port or self.imap_port, address, source)

    def login(self, user="alice", port=None):
        """A logged-in imaplib client."""
        c = self.imap(port)
        c.login(user, self.password(user))
        return c

    def auth_client(self, socket_name="auth-client"):
        """An AuthClient on base_dir/<socket_name>, past the handshake."""
        c = AuthClient(os.path.join(self.base_dir, socket_name))
        c.connect()
        return c


def _wait_dead(pid, timeout=10):
    """Waits until a killed process is gone or a zombie."""
    def dead():
        st = proc_stat(pid)
        return st is None or st[1] in ("Z", "X")
    try:
        wait_until(dead, timeout, 0.02, "process %d to die" % pid)
    except HarnessError:
        pass


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
