"""A terminal program driven headless through tmux, as a person would use
it: send-keys to type, capture-pane to read the screen.  Each instance has
its own tmux server socket under the test's temporary directory.
"""
import os
import re
import shlex
import shutil
import subprocess
import time

TMUX = shutil.which("tmux")


class TmuxProgram:
    def __init__(self, workdir, command, env=None, width=160, height=50):
        self.sock = os.path.join(workdir, "tmux.sock")
        self.workdir = workdir
        full_env = {"PATH": os.environ["PATH"], "HOME": workdir,
                    "TERM": "xterm", "LANG": "C.UTF-8"}
        full_env.update(env or {})
        self.env = full_env
        # remain-on-exit keeps the pane after the program ends, so that
        # its last screen and exit status can be read; set in the server's
        # configuration so that it holds from the start.
        self.conf = os.path.join(workdir, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write("set-option -g remain-on-exit on\n")
        # The exit status is written to a file by a wrapping shell:
        # tmux's #{pane_dead_status} stayed empty now and then (about one
        # run in six) after the pane was marked dead.
        self.status_path = os.path.join(workdir, "exit-status")
        wrapped = "sh -c %s" % shlex.quote(
            "%s; echo $? > %s.tmp && mv %s.tmp %s" % (
                command, shlex.quote(self.status_path),
                shlex.quote(self.status_path),
                shlex.quote(self.status_path)))
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y",
                  str(height), wrapped)

    def tmux(self, *args):
        proc = subprocess.run([TMUX, "-S", self.sock, "-f", self.conf] +
                              list(args),
                              env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=30,
                              cwd=self.workdir)
        if proc.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), proc.stderr))
        return proc.stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys):
        """send-keys: each argument is a key name (Enter, Escape, C-c) or
        literal text when given as ("literal", text)."""
        for k in keys:
            if isinstance(k, tuple):
                self.tmux("send-keys", "-t", "t", "-l", k[1])
            else:
                self.tmux("send-keys", "-t", "t", k)

    def wait(self, pattern, timeout=30, what=None):
        """Waits until the screen matches the regex; returns the screen."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if rx.search(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError("screen never showed %s (/%s/) in "
                                     "%.0fs; last screen:\n%s" % (
                                         what or "it", pattern, timeout,
                                         text))
            time.sleep(0.1)

    def dead(self):
        """The program's exit status once it has ended, else None."""
        try:
            with open(self.status_path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def wait_exit(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            status = self.dead()
            if status is not None:
                return status
            if time.monotonic() > deadline:
                raise AssertionError("program did not exit; screen:\n%s" %
                                     self.screen())
            time.sleep(0.1)

    def close(self):
        try:
            self.tmux("kill-server")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
