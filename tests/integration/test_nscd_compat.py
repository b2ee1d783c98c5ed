# SPDX-License-Identifier: LGPL-2.1-or-later
"""nssrelay-nscd: nscd's command line, its exit codes and its deadlines."""

import os
import socket
import subprocess
import threading
import time

import nsstest
from nsstest import Sandbox, Tap, NOBODY

BUILDDIR = nsstest.BUILDDIR
NSCD = os.path.join(BUILDDIR, "src", "nssrelay-nscd")
QUERY = [nsstest.NSSRELAY, "query"]
TIMEOUT = 5  # seconds, CLIENT_DEFAULT_TIMEOUT_MS

tap = Tap()
nsstest.require_root(tap)


def one_line(err):
    return len(err.decode().strip().splitlines()) == 1


with Sandbox() as sb:
    for db in ("passwd", "group", "hosts", "services", "netgroup"):
        mark = sb.mark()
        r = sb.client([NSCD, "-i", db])
        tap.ok(r.returncode == 0 and r.stdout == b"" and r.stderr == b"",
               "nscd -i %s: exit 0, silent" % db, r)
        tap.ok(any('INVALIDATE "%s"' % db in l and "answered, 4 bytes" in l
                   for l in sb.wait_for_log(mark, "INVALIDATE")),
               "nscd -i %s reached nssrelay, which answered" % db, sb.log_text()[mark:])

    mark = sb.mark()
    r = sb.client([NSCD, "--invalidate=group"])
    tap.eq(r.returncode, 0, "--invalidate=group: exit 0")
    sb.wait_for_log(mark, 'INVALIDATE "group"')
    # Tools run "nscd --invalidate passwd group"; nscd acts on the first
    # -i and exits before it sees the stray argument.
    mark = sb.mark()
    r = sb.client([NSCD, "--invalidate", "passwd", "group"])
    tap.eq(r.returncode, 0, "--invalidate passwd group (a stray argument): exit 0, as nscd")
    # nssrelay logs after it has replied: let that line come before the
    # mark below.
    sb.wait_for_log(mark, 'INVALIDATE "passwd"')

    mark = sb.mark()
    r = sb.client([NSCD, "-i", "bogus"])
    tap.ok(r.returncode == 64 and one_line(r.stderr) and b"not a known database" in r.stderr,
           "nscd -i bogus: exit 64 and one line, as nscd", r)
    r = sb.client([NSCD, "-i", "passwd"], user=NOBODY)
    tap.ok(r.returncode == 4 and b"Only root" in r.stderr and one_line(r.stderr),
           "nscd -i passwd as non-root: exit 4, as nscd", r)
    r = sb.client([NSCD, "-i", "bogus"], user=NOBODY)
    tap.eq(r.returncode, 64, "an unknown table is reported before the root check, as nscd")
    r = sb.client([NSCD, "-K"], user=NOBODY)
    tap.ok(r.returncode == 4 and b"Only root" in r.stderr, "nscd -K as non-root: exit 4", r)
    tap.eq([l for l in sb.lines_since(mark) if "INVALIDATE" in l or "SHUTDOWN" in l], [],
           "refused commands send nothing")

    mark = sb.mark()
    r = sb.client([NSCD, "-K"])
    tap.ok(r.returncode == 0 and r.stderr == b"", "nscd -K: exit 0", r)
    tap.ok(any("SHUTDOWN" in l for l in sb.wait_for_log(mark, "SHUTDOWN")),
           "nscd -K sent SHUTDOWN", sb.log_text()[mark:])
    r = sb.client([NSCD, "--shutdown"])
    tap.eq(r.returncode, 0, "nscd --shutdown: exit 0")

    for user in (None, NOBODY):
        r = sb.client([NSCD, "-g"], user=user)
        out = r.stdout.decode()
        tap.ok(r.returncode == 0 and "cache: none" in out and "socket: /run/nscd/socket" in out
               and "socket answers: yes" in out,
               "nscd -g as %s: honest status, the socket answers" % ("root" if user is None else "nobody"),
               r)
    r = sb.client([NSCD, "--statistics"])
    tap.eq(r.returncode, 0, "nscd --statistics: exit 0")

    r = sb.client([NSCD, "-V"])
    tap.ok(r.returncode == 0 and r.stdout.startswith(b"nssrelay-nscd (nssrelay) "), "nscd -V", r)
    for opt in ("--help", "-?", "--usage"):
        r = sb.client([NSCD, opt])
        tap.ok(r.returncode == 0 and b"--invalidate" in r.stdout
               and b"passwd group hosts services netgroup" in r.stdout, "nscd %s" % opt, r)

    r = sb.client([NSCD])
    tap.ok(r.returncode == 0 and b"nothing to start" in r.stderr,
           "nscd with no action: nothing to start, exit 0 while the socket answers", r)
    r = sb.client([NSCD, "-F", "-f", "/etc/nscd.conf", "-t", "4", "-d"])
    tap.eq(r.returncode, 0, "nscd's daemon options are accepted")
    r = sb.client([NSCD, "-p", "/var/cache/nscd/passwd"])
    tap.ok(r.returncode == 1 and one_line(r.stderr), "nscd -p: no cache file, exit 1", r)

    for argv, what in (([NSCD, "-x"], "an unknown option"),
                       ([NSCD, "--bogus"], "an unknown long option"),
                       ([NSCD, "-i"], "-i without a table"),
                       ([NSCD, "extra"], "a stray argument")):
        r = sb.client(argv)
        tap.ok(r.returncode == 2 and one_line(r.stderr) and r.stdout == b"",
               "%s: one-line error, exit 2" % what, r)

    # Installed as nscd, it calls itself nscd.
    link = os.path.join(sb.tmp, "nscd")
    os.symlink(NSCD, link)
    r = sb.client([link, "-V"])
    tap.ok(r.stdout.startswith(b"nscd (nssrelay) "), "run as nscd, it names itself nscd", r)
    r = sb.client([link, "-i", "bogus"])
    tap.ok(r.stderr.startswith(b"nscd: "), "and its messages start with nscd:", r)

    # No socket at all: a quick failure, never a hang.
    for argv, want in (([NSCD, "-i", "passwd"], 1), ([NSCD, "-K"], 1), ([NSCD, "-g"], 1),
                       ([NSCD], 1), (QUERY + ["passwd", "root"], 1)):
        t0 = time.monotonic()
        r = sb.client_alone(argv)
        took = time.monotonic() - t0
        tap.ok(r.returncode == want and took < 2.5,
               "%s without a socket: exit %d at once" % (" ".join(argv[-2:]), want),
               "rc=%d took %.1f s %r" % (r.returncode, took, r.stderr))
    r = sb.client_alone([NSCD, "-i", "passwd"])
    tap.ok(b"cannot connect to /run/nscd/socket" in r.stderr and one_line(r.stderr),
           "it says it cannot connect", r.stderr)

    # A socket that accepts and never answers, and one whose listen
    # backlog is full: every command ends by its deadline.
    silent_dir = os.path.join(sb.tmp, "silent")
    full_dir = os.path.join(sb.tmp, "full")
    os.makedirs(silent_dir)
    os.makedirs(full_dir)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(os.path.join(silent_dir, "socket"))
    silent.listen(16)
    held = []

    def accept_and_hold():
        while True:
            try:
                conn, _ = silent.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept_and_hold, daemon=True).start()
    full = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    full.bind(os.path.join(full_dir, "socket"))
    full.listen(0)
    fillers = []
    for _ in range(2):
        f = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        f.setblocking(False)
        try:
            f.connect(os.path.join(full_dir, "socket"))
        except BlockingIOError:
            pass
        fillers.append(f)

    cases = []
    for label, path in (("silent", os.path.join(silent_dir, "socket")),
                        ("full backlog", os.path.join(full_dir, "socket"))):
        env = {"NSSRELAY_NSCD_SOCKET": path}
        cases += [
            (label, "nscd -i passwd", [NSCD, "-i", "passwd"], env, 1, TIMEOUT),
            (label, "nscd -g", [NSCD, "-g"], env, 1, TIMEOUT),
            (label, "nscd (start)", [NSCD], env, 1, TIMEOUT),
            (label, "query --timeout=1", QUERY + ["--timeout=1", "--socket=" + path, "passwd", "root"],
             {}, 1, 1),
        ]
    # -K writes its request and closes, so only the full backlog can delay it.
    cases.append(("silent", "nscd -K", [NSCD, "-K"],
                  {"NSSRELAY_NSCD_SOCKET": os.path.join(silent_dir, "socket")}, 0, 0))
    cases.append(("full backlog", "nscd -K", [NSCD, "-K"],
                  {"NSSRELAY_NSCD_SOCKET": os.path.join(full_dir, "socket")}, 1, TIMEOUT))
    # All at once, each timed by its own thread, so the whole takes one
    # timeout rather than the sum of them.
    results = [None] * len(cases)

    def run_case(i, argv, env):
        run_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        run_env.update(env)
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = p.communicate(timeout=3 * TIMEOUT)
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            took = float("inf")
        results[i] = (p.returncode, took, out, err)

    threads = [threading.Thread(target=run_case, args=(i, c[2], c[3])) for i, c in enumerate(cases)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (label, what, argv, env, want_rc, want_s), (rc, took, out, err) in zip(cases, results):
        tap.ok(rc == want_rc and took < want_s + 2.5,
               "%s socket: %s ends with exit %d within %d s" % (label, what, want_rc, want_s + 2),
               "rc=%s took %.1f s %r" % (rc, took, err))
        if want_rc == 1 and "query" not in what:
            tap.ok(b"no answer from" in err or b"does not answer" in err or b"socket answers: no" in out,
                   "%s socket: %s says nobody answered" % (label, what), (out, err))
    silent.close()
    full.close()
    for c in held + fillers:
        c.close()

tap.done()
