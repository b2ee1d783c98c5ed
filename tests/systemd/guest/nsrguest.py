# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers for the checks and benchmarks that run inside the check-systemd
container, under its real systemd. Standard library only."""

import os
import re
import socket
import struct
import subprocess
import sys
import time

from nscdproto import GETFDPW, GETPWBYNAME, pack_request  # noqa: F401 (check.py imports them from here)

SOCKET = "/run/nscd/socket"
SBINDIR = os.environ.get("NSSRELAY_SBINDIR", "/usr/local/sbin")
UNITDIR = os.environ.get("NSSRELAY_UNITDIR", "/lib/systemd/system")
GUESTDIR = "/usr/lib/nssrelay-test"


class Tap:
    """TAP on stdout; diagnostics as '#' lines."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, description, diagnostics=None):
        self.count += 1
        if not cond:
            self.failed += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.count, description.replace("#", "\\#")))
        if diagnostics and not cond:
            self.diag(diagnostics)
        sys.stdout.flush()
        return cond

    @staticmethod
    def diag(text):
        for line in str(text).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def done(self, name):
        print("1..%d" % self.count)
        print("%s: %d passed, %d failed" % (name, self.count - self.failed, self.failed))
        sys.stdout.flush()
        return 1 if self.failed else 0


def run(*cmd, check=False, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=check, **kw)


def systemctl(*args):
    return run("systemctl", *args)


def prop(unit, name):
    return run("systemctl", "show", "-P", name, unit).stdout.strip()


def prop_int(unit, name):
    value = prop(unit, name)
    return int(value) if value.isdigit() else -1


def journal_cursor(timeout=30.0):
    """The journal's current end, to read only what comes after it. An
    empty journal (journald just started) has no cursor yet: wait."""
    deadline = time.monotonic() + timeout
    while True:
        out = run("journalctl", "--show-cursor", "-n", "0", "--quiet").stdout
        m = re.search(r"-- cursor: (\S+)", out)
        if m or time.monotonic() > deadline:
            return m.group(1) if m else None
        time.sleep(0.2)


# Where the request lines are in the journal: nssrelay@.service's
# instances log as "nssrelay"; under nssrelayd.service every process logs
# to the service's own stream (check_daemon.py sets this).
JOURNAL_MATCH = "SYSLOG_IDENTIFIER=nssrelay"


def nssrelay_lines(cursor):
    """Request log lines from nssrelay instances since the cursor."""
    cmd = ["journalctl", "--no-pager", "-o", "cat", JOURNAL_MATCH]
    if cursor:
        cmd.insert(1, "--after-cursor=" + cursor)
    return run(*cmd).stdout.splitlines()


def wait_for_lines(cursor, pattern, count, timeout=30.0):
    """Waits until the journal holds `count` nssrelay lines matching
    `pattern` (the instances log asynchronously); returns the matches."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in nssrelay_lines(cursor) if rx.search(line)]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def wait_until(predicate, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def lookup_in_fresh_process(name, uid):
    """One getpwnam through glibc in a freshly executed getent: its first
    lookup sends GETFDPW, then GETPWBYNAME. True if it found `uid`.

    Not a fork of this process: a child inherits glibc's nscd back-off
    from its parent (after a failed connection glibc skips nscd for the
    next 100 lookups), and a lookup made by this interpreter itself, as
    Python's startup can make one, would then decide every child's fate."""
    r = run("getent", "passwd", name)
    fields = r.stdout.split(":")
    return r.returncode == 0 and len(fields) > 2 and fields[2] == str(uid)


# The cgroup of nssrelay's instances, under systemd's v1 hierarchy or
# the unified one (whichever the container's systemd manages).
INSTANCE_SLICES = ["/sys/fs/cgroup/" + h + "system.slice/system-nssrelay.slice" for h in ("systemd/", "unified/", "")]


def live_instances():
    """How many nssrelay@ instances exist right now."""
    for slice_dir in INSTANCE_SLICES:
        try:
            return sum(1 for name in os.listdir(slice_dir) if name.startswith("nssrelay@"))
        except OSError:
            continue
    return 0


def raw_getpwnam(name, timeout=10.0):
    """GETPWBYNAME on the socket, as glibc sends it; returns `found`, or
    None if the connection failed or the reply was short."""
    data = raw_request(GETPWBYNAME, name, timeout)
    if data is None or len(data) < 36:
        return None
    return struct.unpack_from("=ii", data)[1]


def raw_request(req_type, key, timeout=10.0):
    """Sends one request; returns everything read until EOF (bytes), or
    None if the connection failed. Control messages (SCM_RIGHTS) are
    not accepted, so a passed fd would show up as an error here."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(SOCKET)
            s.sendall(pack_request(req_type, key))
            data = b""
            while True:
                chunk, ancdata, flags, _ = s.recvmsg(4096, socket.CMSG_SPACE(4))
                if ancdata:
                    return None
                if not chunk:
                    return data
                data += chunk
    except OSError:
        return None


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def fork_workers(count, work):
    """Runs work(i, w) in `count` forked processes, each writing its
    results to the pipe end w; returns (everything they wrote, their exit
    statuses) once all have exited."""
    r, w = os.pipe()
    pids = []
    for i in range(count):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                work(i, w)
            finally:
                os._exit(0)
        pids.append(pid)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    return data, [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
