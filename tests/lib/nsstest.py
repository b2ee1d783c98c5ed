# SPDX-License-Identifier: LGPL-2.1-or-later
"""Test harness for nssrelay: private mount namespaces, fixture /etc files,
nssrelay under systemd-socket-activate, and the real glibc client.

Three views of the system take part in a test:

- the server namespace sees the server's fixture /etc and, like a real
  system, has the listening socket at /run/nscd/socket: nssrelay must not
  ask itself;
- the client namespace sees a fixture /etc that lacks the test entries and
  the same socket: whatever it finds, nssrelay answered;
- the reference namespace sees the server's /etc and no socket: glibc
  answers in-process there, which is what nssrelay must reproduce.

/etc is a read-only overlay of the fixture files over the host's /etc, and
/run is an empty tmpfs, so nothing on the host is read or written. Every
test speaks TAP on stdout.
"""

import contextlib
import ctypes
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get("NSSRELAY_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("NSSRELAY_BUILDDIR", SRCDIR)
NSSRELAY = os.environ.get("NSSRELAY", os.path.join(BUILDDIR, "src", "nssrelay"))
SOCKET_ACTIVATE = os.environ.get("SYSTEMD_SOCKET_ACTIVATE") or shutil.which(
    "systemd-socket-activate") or "/usr/bin/systemd-socket-activate"
NSSRELAYD = os.environ.get("NSSRELAYD", os.path.join(BUILDDIR, "src", "nssrelayd"))
NSENV = os.path.join(SRCDIR, "tests", "lib", "nsenv")

# How the service runs: NSSRELAY_LAUNCHER, else the name the test runs
# under (`make check` runs test_X.py also as test_X.fork.py and
# test_X.exec.py, symlinks to it):
# - "accept": nssrelay per connection, systemd-socket-activate --accept,
#   as nssrelay.socket (Accept=yes) runs it;
# - "fork": nssrelayd under systemd-socket-activate (no --accept), as
#   nssrelayd.socket runs it, workers forked from its template;
# - "exec": the same with --exec-per-lookup.
LAUNCHERS = ("accept", "fork", "exec")
LAUNCHER = os.environ.get("NSSRELAY_LAUNCHER") or next(
    (l for l in LAUNCHERS if sys.argv[0].endswith("." + l + ".py")), "accept")
if LAUNCHER not in LAUNCHERS:
    sys.exit("NSSRELAY_LAUNCHER=%s: expected one of %s" % (LAUNCHER, ", ".join(LAUNCHERS)))

# The misbehaving NSS module (tests/nss/nss_nssrelaytest.c): Sandbox(
# test_module=True) lists it in the server's nsswitch.conf and points the
# server's LD_LIBRARY_PATH here. The client's namespace never loads it.
TEST_MODULE_DIR = os.path.join(BUILDDIR, "tests", "nss")
TEST_MODULE_ENV = {"LD_LIBRARY_PATH": TEST_MODULE_DIR}

# `make check-valgrind` sets NSSRELAY_VALGRIND to valgrind's path: every
# nssrelay instance then runs under memcheck, and Tap.done() adds one
# check per Sandbox that fails on any error or leak in any instance.
VALGRIND = os.environ.get("NSSRELAY_VALGRIND") or None
# --vgdb=no: no gdbserver files in /tmp, where one left by a killed
# instance of another uid with the same pid made start-up fail (EACCES).
VALGRIND_OPTIONS = ["--tool=memcheck", "--leak-check=full",
                    "--show-leak-kinds=definite,indirect,possible",
                    "--errors-for-leak-kinds=definite,indirect,possible",
                    "--error-exitcode=99", "--vgdb=no"]
# Seconds an instance may lose to start-up; timing bounds add it. memcheck
# starts in about half a second, and 500 of them at once need far longer.
SLACK = 3.0 if VALGRIND else 0.0
# What the serving process's command name is (prctl PR_GET_NAME).
SERVER_COMM = "memcheck-amd64-" if VALGRIND else "nssrelay"
# Sandboxes' valgrind findings, reported by Tap.done().
_valgrind_results = []

# An exec_prefix that runs the program as nobody with an empty capability
# bounding set and no_new_privs. Not setpriv: it resolves even numeric ids
# with getpwnam(), and in the server's namespace that lookup goes through
# the socket to another instance of this very wrapper, recursively. Python
# without site (-S) makes no NSS lookup either.
DROP_PRIVILEGES = [sys.executable, "-I", "-S", "-c", r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
cap = 0
while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
    cap += 1
os.setgroups([])
os.setgid(%d)
os.setuid(%d)
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
    sys.exit("PR_SET_NO_NEW_PRIVS failed")
os.execv(sys.argv[1], sys.argv[1:])
""" % (65534, 65534)]

# The request types and pack_request(), for the tests that import them
# from here.
from nscdproto import *  # noqa: E402,F401,F403

NOBODY = 65534

# Every file an NSS lookup might read. A fixture always provides all of
# them, so no host data leaks into a test.
BASE_ETC = {
    "passwd": "root:x:0:0:root:/root:/bin/sh\n",
    "group": "root:x:0:\n",
    "shadow": "",
    "gshadow": "",
    "nsswitch.conf": ("passwd: files\ngroup: files\nshadow: files\ngshadow: files\n"
                      "hosts: files\nnetworks: files\nprotocols: files\nservices: files\n"
                      "ethers: files\nrpc: files\nnetgroup: files\n"),
    "hosts": "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n",
    "networks": "",
    "protocols": "ip 0 IP\ntcp 6 TCP\nudp 17 UDP\n",
    "services": "",
    "netgroup": "",
    "ethers": "",
    "rpc": "",
    "host.conf": "multi on\n",
    "resolv.conf": "",
    "gai.conf": "",
}


class Tap:
    """Minimal TAP producer: one line per check, the plan at the end."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, description, diagnostics=None):
        self.count += 1
        description = description.replace("#", "\\#")
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.count, description))
        if not cond:
            self.failed += 1
            if diagnostics is not None:
                for line in str(diagnostics).splitlines() or [""]:
                    print("#   " + line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, description):
        return self.ok(got == want, description, "got:  %r\nwant: %r" % (got, want))

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def done(self):
        for description, logs, problems in _valgrind_results:
            self.ok(logs > 0 and not problems,
                    "valgrind: %d nssrelay instances of %s, no errors and no leaks" % (
                        logs, description), "\n\n".join(problems) or "no valgrind log at all")
        del _valgrind_results[:]
        print("1..%d" % self.count)
        sys.stdout.flush()
        sys.exit(1 if self.failed else 0)


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


@contextlib.contextmanager
def in_network_namespace(path):
    """Runs the block with this thread in the network namespace at path
    (a /proc/PID/ns/net file; None: where it is). Sockets made inside
    stay in that namespace."""
    if not path:
        yield
        return
    back = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    there = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + path)
        try:
            yield
        finally:
            if _libc.setns(back, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(back)
        os.close(there)


def require_root(tap):
    """Skips the whole test without root, which the namespaces need: call
    it before the first check. A TAP plan of 0 with SKIP is what the TAP
    driver counts as a skipped test (an exit status of 77 would be an
    error there). CI runs as root and counts any skip as a failure."""
    if os.geteuid() != 0:
        assert tap.count == 0, "require_root() after the first check"
        print("1..0 # SKIP needs root for private mount and network namespaces")
        sys.stdout.flush()
        sys.exit(0)


def write_etc(directory, files):
    os.makedirs(directory, exist_ok=True)
    merged = dict(BASE_ETC)
    merged.update(files or {})
    for name, content in merged.items():
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(content)
        os.chmod(path, 0o644)


class Sandbox:
    """One nssrelay service and the namespaces that talk to it."""

    def __init__(self, server_etc=None, client_etc=None, log="requests", program=None,
                 server_env=None, inetd=False, server_prefix=None, server_sees_socket=True,
                 netns=None, test_module=False, exec_prefix=None, name=None, launcher=None,
                 daemon_args=(), writable_etc=False):
        """test_module: load libnss_nssrelaytest after files for passwd and
        group in the server's namespace. exec_prefix: a command that execs
        the program (setpriv ...), run before valgrind when that wraps it;
        with nssrelayd, it runs the dispatcher (and so everything). name:
        how valgrind results name this sandbox. launcher: "accept", "fork"
        or "exec" (default: NSSRELAY_LAUNCHER, or "accept" when a program
        is given: nssrelayd's workers must be nssrelay), or "listen": the
        program itself takes the listening socket (the benchmark's fork
        floor). daemon_args: more
        options for nssrelayd. writable_etc: /etc is writable (into a
        tmpfs) in the server's and the reference's views, as on a real
        system."""
        if test_module:
            server_etc = dict(server_etc or {})
            server_etc.setdefault("nsswitch.conf", BASE_ETC["nsswitch.conf"].replace(
                "passwd: files\n", "passwd: files nssrelaytest\n").replace(
                "group: files\n", "group: files nssrelaytest\n"))
            server_env = dict(TEST_MODULE_ENV, **(server_env or {}))
        self.tmp = tempfile.mkdtemp(prefix="nssrelay-test.", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.server_etc = os.path.join(self.tmp, "server-etc")
        self.client_etc = os.path.join(self.tmp, "client-etc")
        self.sock_dir = os.path.join(self.tmp, "sock")
        self.socket_path = os.path.join(self.sock_dir, "socket")
        self.log_path = os.path.join(self.tmp, "server.log")
        os.makedirs(self.sock_dir, mode=0o755)
        write_etc(self.server_etc, server_etc)
        write_etc(self.client_etc, client_etc)
        self.launcher = launcher or ("accept" if program else LAUNCHER)
        self.daemon_args = list(daemon_args)
        self.program = list(program or [NSSRELAY])
        # Lookups run as the client, and the build tree may sit where only
        # root can read (a clone under /root, or under mktemp -d): the
        # test modules are loaded from copies under our 0755 directory,
        # and so is the program where the instance drops its privileges.
        readable = os.path.join(self.tmp, "readable")
        os.makedirs(readable, mode=0o755)
        if exec_prefix:
            copy = os.path.join(readable, os.path.basename(self.program[0]))
            shutil.copy2(self.program[0], copy)
            self.program[0] = copy
            if self.launcher != "accept":
                self.daemon = os.path.join(readable, "nssrelayd")
                shutil.copy2(NSSRELAYD, self.daemon)
        if server_env and server_env.get("LD_LIBRARY_PATH") == TEST_MODULE_DIR:
            modules = os.path.join(readable, "nss")
            shutil.copytree(TEST_MODULE_DIR, modules,
                            ignore=lambda d, names: [n for n in names if not n.endswith(".so.2")])
            server_env = dict(server_env, LD_LIBRARY_PATH=modules)
        self.nsenv_flags = ["--writable-etc"] if writable_etc else []
        self.name = name or os.path.basename(sys.argv[0])
        if self.launcher in ("fork", "exec"):
            # nssrelayd starts the worker binary itself, as a template.
            self.program = [getattr(self, "daemon", NSSRELAYD), "--worker=" + self.program[0]]
            if self.launcher == "exec":
                self.program.append("--exec-per-lookup")
            self.program += self.daemon_args
        self.valgrind_dir = None
        if VALGRIND:
            self.valgrind_dir = os.path.join(self.tmp, "valgrind")
            os.makedirs(self.valgrind_dir)
            os.chmod(self.valgrind_dir, 0o1777)  # instances may run as anyone
            # With nssrelayd: the dispatcher, its template and every
            # worker (forked or exec'd) run under memcheck.
            self.program = [VALGRIND] + VALGRIND_OPTIONS + (
                ["--trace-children=yes"] if self.launcher != "accept" else []) + [
                "--log-file=" + os.path.join(self.valgrind_dir, "%p.log")] + self.program
        self.program = list(exec_prefix or []) + self.program
        # The template's debug lines say which worker took a connection
        # and how it ended: the accounting systemd-socket-activate's own
        # lines give per connection (spawned(), reaped()).
        if log == "requests" and self.launcher != "accept":
            log = "debug"
        self.env = {"NSSRELAY_LOG": log} if log else {}
        self.env.update(server_env or {})
        self.inetd = inetd
        self.server_prefix = server_prefix or []
        # False for handlers that cannot stop their own glibc from asking
        # the socket (the benchmark's floor): then the server's view has
        # nothing at /run/nscd, and the socket is only at socket_path.
        self.server_sees_socket = server_sees_socket
        # A network namespace (e.g. /proc/PID/ns/net of a PrivateNetwork
        # in netns.py) that the service and every client run in.
        self.net_prefix = ["nsenter", "--net=" + netns] if netns else []
        self.netns = netns
        self.server = None

    # -- the service -------------------------------------------------------

    def start(self):
        if self.server_sees_socket:
            sock_dir, listen = self.sock_dir, "/run/nscd/socket"
        else:
            sock_dir, listen = "-", self.socket_path
        cmd = self.net_prefix + ["unshare", "-m", "--propagation", "private", "sh", NSENV] + \
            self.nsenv_flags + [self.server_etc, sock_dir, "--"] + self.server_prefix + [
                SOCKET_ACTIVATE, "-l", listen]
        if self.launcher == "accept":
            cmd.append("--accept")
        if self.inetd:
            cmd.append("--inetd")
        for k, v in self.env.items():
            cmd += ["-E", "%s=%s" % (k, v)]
        cmd += self.program
        self.log_file = open(self.log_path, "ab")
        self.server = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "Listening on" in self.log_text():
                break
            if self.server.poll() is not None:
                raise RuntimeError("server exited: " + self.log_text())
            time.sleep(0.01)
        else:
            raise RuntimeError("server did not start: " + self.log_text())
        # systemd-socket-activate creates the socket 0644; nscd's is 0666.
        os.chmod(self.socket_path, 0o666)
        if self.launcher in ("fork", "exec"):
            # Without --accept, the launcher execs nssrelayd at the first
            # connection. Make that now, with a GETFDPW, which nssrelayd
            # closes once its template is ready (it accepts only then):
            # tests start with everything running.
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(30)
                s.connect(self.socket_path)
                s.sendall(pack_request(GETFDPW, "passwd"))
                if read_until_eof(s) != b"":
                    raise RuntimeError("nssrelayd answered GETFDPW: " + self.log_text())
        return self

    def stop(self):
        if self.server and self.server.poll() is None:
            if self.launcher == "accept":
                os.killpg(self.server.pid, signal.SIGTERM)
            else:
                # nssrelayd stops as under systemd: SIGTERM to the
                # dispatcher alone, which retires its template; the
                # template and its idle workers then end by themselves
                # (so memcheck sees them exit, not die).
                os.kill(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=10)
                deadline = time.monotonic() + 5
                while session_processes(self.server.pid) and time.monotonic() < deadline:
                    time.sleep(0.01)
                if session_processes(self.server.pid):
                    os.killpg(self.server.pid, signal.SIGKILL)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        self.server = None

    def close(self):
        self.stop()
        if self.valgrind_dir:
            _valgrind_results.append((self.name,) + valgrind_findings(self.valgrind_dir))
            self.valgrind_dir = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def mark(self):
        """A position in the server log; see lines_since()."""
        return len(self.log_text())

    def lines_since(self, mark, needle=None, debug=False):
        """Lines after mark that contain needle, by default the service's
        own lines (nssrelay's, nssrelayd's). Debug lines only with debug:
        with nssrelayd the service logs at debug level for spawned(), and
        the tests expect what the requested level shows."""
        lines = [l for l in self.log_text()[mark:].splitlines() if debug or "]: debug: " not in l]
        if needle is not None:
            return [l for l in lines if needle in l]
        return [l for l in lines if "nssrelay[" in l or "nssrelayd[" in l]

    # -- the launcher's accounting --------------------------------------------
    # systemd-socket-activate logs "Spawned ... as PID N." for each
    # instance and "Child N died with code C." when it reaps one (C is the
    # exit status, or the signal that killed it).

    # With nssrelayd, the debug lines of the workers and the template give
    # the same: "nssrelay[N]: debug: worker: took a connection", then the
    # template's "worker N exited with status C" or "worker N was killed
    # by SIGNAME". Idle workers that never took a connection are not
    # instances.

    def spawned(self, mark=0):
        """PIDs of the instances started since mark, in order."""
        if self.launcher != "accept":
            return [int(p) for p in re.findall(r"nssrelay\[(\d+)\]: debug: worker: took a connection",
                                               self.log_text()[mark:])]
        return [int(p) for p in re.findall(r"as PID (\d+)\.", self.log_text()[mark:])]

    def reaped(self, mark=0):
        """{pid: code} of the instances reaped since mark."""
        if self.launcher != "accept":
            text = self.log_text()[mark:]
            took = set(self.spawned(mark))
            codes = {int(p): int(c) for p, c in
                     re.findall(r"template: worker (\d+) exited with status (\d+)", text)}
            codes.update({int(p): int(getattr(signal, "SIG" + n)) for p, n in
                          re.findall(r"template: worker (\d+) was killed by SIG(\w+)", text)})
            return {p: c for p, c in codes.items() if p in took}
        return {int(p): int(c) for p, c in
                re.findall(r"Child (\d+) died with code (\d+)", self.log_text()[mark:])}

    def wait_reaped(self, mark=0, timeout=15.0, count=0):
        """Waits until at least count instances have started since mark
        (the launcher accepts asynchronously), then until every instance
        started since mark has exited (on pidfds) and been reaped; returns
        {pid: code}, or None on timeout."""
        deadline = time.monotonic() + timeout
        while len(self.spawned(mark)) < count:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.005)
        for pid in self.spawned(mark):
            if not wait_pid_exit(pid, deadline - time.monotonic()):
                return None
        # The launcher reaps in its SIGCHLD handler, at once.
        while time.monotonic() < deadline:
            spawned, reaped = self.spawned(mark), self.reaped(mark)
            if all(p in reaped for p in spawned):
                return reaped
            time.sleep(0.005)
        return None

    def launcher_pid(self):
        return self.server.pid

    def launcher_fds(self):
        """The launcher's open fds: a leak there would pile up per
        connection. nssrelayd holds a token (a pipe) per lookup in flight
        and a connection per client it waits for: this waits until it
        holds none (at most 10 s), so that idle states compare."""
        fd_dir = "/proc/%d/fd" % self.server.pid
        deadline = time.monotonic() + 10
        while self.launcher != "accept" and time.monotonic() < deadline:
            links = []
            for fd in os.listdir(fd_dir):
                try:
                    links.append(os.readlink(os.path.join(fd_dir, fd)))
                except OSError:
                    pass
            # The listening socket and the template's channel.
            if not any(l.startswith("pipe:") for l in links) and \
                    sum(l.startswith("socket:") for l in links) <= 2:
                break
            time.sleep(0.01)
        return sorted(os.listdir(fd_dir))

    def launcher_children(self):
        with open("/proc/%d/task/%d/children" % (self.server.pid, self.server.pid)) as f:
            return [int(p) for p in f.read().split()]

    def session_processes(self):
        """Every process in the service's session but the launcher and,
        with nssrelayd, its template and idle workers: the instances (busy
        workers), and whatever they left behind (pid -> command name)."""
        return session_processes(self.server.pid, exclude=(self.server.pid,) + self.standing_processes())

    def standing_processes(self):
        """With nssrelayd: the template and its idle workers, which stay
        between lookups (pids). Per connection: none."""
        template = self.template_pid()
        if template is None:
            return ()
        took = set(self.spawned(0))
        try:
            with open("/proc/%d/task/%d/children" % (template, template)) as f:
                children = [int(p) for p in f.read().split()]
        except OSError:
            children = []
        return (template,) + tuple(p for p in children if p not in took)

    def leftover_children(self):
        """The launcher's children but nssrelayd's template: per
        connection, instances not yet reaped; with nssrelayd, processes
        left to it as their subreaper."""
        template = self.template_pid()
        return [p for p in self.launcher_children() if p != template]

    def template_pid(self):
        """nssrelayd's template process, or None (per connection)."""
        if self.launcher == "accept":
            return None
        for pid in self.launcher_children():
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if any(a.startswith(b"--template") for a in f.read().split(b"\0")):
                        return pid
            except OSError:
                pass
        return None

    def wait_for_log(self, mark, needle, timeout=10.0):
        """Waits until the log has a line containing needle after mark."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.lines_since(mark, needle)
            if lines:
                return lines
            time.sleep(0.01)
        return []

    # -- clients -------------------------------------------------------------

    def _command(self, etc, with_socket, argv, user=None, env=None, netns=None):
        """netns: a network namespace file (/proc/PID/ns/net) to run in
        instead of the service's."""
        net_prefix = ["nsenter", "--net=" + netns] if netns else self.net_prefix
        flags = self.nsenv_flags if etc == self.server_etc else []
        cmd = net_prefix + ["unshare", "-m", "--propagation", "private", "sh", NSENV] + flags + [
            etc, self.sock_dir if with_socket else "-", "--"]
        if user is not None:
            cmd += ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"]
        run_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        run_env.update(env or {})
        return cmd + list(argv), run_env

    def _run(self, etc, with_socket, argv, user=None, input=None, timeout=60 + 40 * SLACK, env=None, netns=None):
        cmd, run_env = self._command(etc, with_socket, argv, user, env, netns)
        return subprocess.run(cmd, input=input, capture_output=True, timeout=timeout, env=run_env)

    def client_popen(self, argv, user=None, env=None, netns=None, **popen_kw):
        """Starts argv in the client's view and returns the Popen: for a
        long-running client that the test talks to while it runs."""
        cmd, run_env = self._command(self.client_etc, True, argv, user, env, netns)
        return subprocess.Popen(cmd, env=run_env, **popen_kw)

    def client(self, argv, **kw):
        """Runs argv where only nssrelay knows the test entries."""
        return self._run(self.client_etc, True, argv, **kw)

    def client_alone(self, argv, **kw):
        """Runs argv in the client's view without the socket."""
        return self._run(self.client_etc, False, argv, **kw)

    def reference(self, argv, **kw):
        """Runs argv in-process with the server's view and no socket."""
        return self._run(self.server_etc, False, argv, **kw)

    def python(self, where, code, **kw):
        """Runs python3 code in a namespace ('client' or 'reference')."""
        runner = {"client": self.client, "reference": self.reference,
                  "client_alone": self.client_alone}[where]
        return runner(["/usr/bin/python3", "-c", code], **kw)

    # -- raw protocol ------------------------------------------------------

    def connect(self):
        """A connection from the service's network namespace: nssrelay
        resolves hosts in a client's own (nssrelay(8), NETWORK
        NAMESPACES), and the socket's namespace is what it goes by."""
        with in_network_namespace(self.netns):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.socket_path)
        return s

    def raw(self, data, timeout=10.0, shut_write=False):
        """Sends raw bytes; returns everything read until EOF (b"" when the
        service closed the connection before taking them, as nssrelayd
        does past its caps)."""
        with self.connect() as s:
            s.settimeout(timeout)
            try:
                if data:
                    s.sendall(data)
                if shut_write:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                return b""
            return read_until_eof(s)

    def request(self, req_type, key, **kw):
        return self.raw(pack_request(req_type, key), **kw)


def replace_file(path, content):
    """Replaces a file the way an editor, resolvconf or dpkg does: a new
    file renamed over the old one."""
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(content)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def dynamic_etc(sb, names):
    """Makes the server's /etc/NAME symlinks into a directory outside the
    overlay, so a test can replace them while the service runs (as
    /etc/resolv.conf often is a symlink into /run). Returns {name: path}."""
    dyn = os.path.join(sb.tmp, "dynamic")
    os.makedirs(dyn, exist_ok=True)
    os.chmod(dyn, 0o755)
    paths = {}
    for name, content in names.items():
        paths[name] = os.path.join(dyn, name)
        replace_file(paths[name], content)
        link = os.path.join(sb.server_etc, name)
        os.unlink(link)
        os.symlink(paths[name], link)
    return paths


def read_until_eof(s):
    chunks = []
    while True:
        try:
            chunk = s.recv(1 << 20)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def crash_lines(log):
    """Lines of a service log that say nssrelay crashed or a sanitizer
    (ASan, LSan, UBSan) found an error."""
    return [l for l in log.splitlines()
            if " crashed with " in l or "ERROR: AddressSanitizer" in l or
            "ERROR: LeakSanitizer" in l or "runtime error:" in l]


def same_output(tap, sb, argv, description, user=None, expect_rc=None):
    """Runs argv through nssrelay and in-process; checks that both agree."""
    got = sb.client(argv, user=user)
    want = sb.reference(argv, user=user)
    ok = tap.ok(got.returncode == want.returncode and got.stdout == want.stdout,
                description,
                "through nssrelay: rc=%d %r %r\nin-process:      rc=%d %r %r" % (
                    got.returncode, got.stdout[:400], got.stderr[:400], want.returncode,
                    want.stdout[:400], want.stderr[:400]))
    if expect_rc is not None:
        tap.eq(got.returncode, expect_rc, description + ": exit status")
    return got if ok else None


def wait_pid_exit(pid, timeout):
    """Waits on a pidfd until pid has exited; True if it has (or is gone)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], max(timeout, 0))[0])
    finally:
        os.close(fd)


def process_stat(pid):
    """(command name, state, session id) of pid, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    comm = data[data.index("(") + 1:data.rindex(")")]
    fields = data[data.rindex(")") + 2:].split()
    return comm, fields[0], int(fields[3])


def session_processes(sid, exclude=()):
    """Live (non-zombie) processes of session sid: {pid: command name}."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude:
            continue
        st = process_stat(int(entry))
        if st and st[2] == sid and st[1] != "Z":
            found[int(entry)] = st[0]
    return found


def valgrind_findings(directory):
    """(number of logs, [problems]) from memcheck logs, one per instance.
    A log without a clean ERROR SUMMARY is a problem: errors, leaks
    (counted as errors by --errors-for-leak-kinds), or a process that died
    before valgrind could report."""
    logs = sorted(os.listdir(directory))
    problems = []
    for name in logs:
        with open(os.path.join(directory, name), errors="replace") as f:
            text = f.read()
        summary = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        if not summary or summary.group(1) != "0":
            problems.append("%s:\n%s" % (name, text[-3000:]))
    if len(problems) > 3:  # the first few tell the story
        problems[3:] = ["... and %d more logs like these" % (len(problems) - 3)]
    return len(logs), problems
