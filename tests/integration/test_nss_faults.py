# SPDX-License-Identifier: LGPL-2.1-or-later
"""An NSS module that crashes, hangs, loops on ERANGE or leaks: what the
real glibc client sees, and what is left behind (nothing).

The server's namespace loads libnss_nssrelaytest after files; the client's
does not, so what the client finds came from nssrelay, and a fallback
finds nothing. Timings are measured inside the client process around the
glibc call; the bounds are correctness bounds against the client's own
5 s timeout, not speed targets. The measured figures are printed as TAP
diagnostics (nssrelay(8), FAILURES, quotes them).
"""

import os
import re
import signal
import subprocess
import time

import nsstest
from nsstest import Sandbox, Tap, GETPWBYNAME, GETGRBYNAME

# Looks one name up with the real glibc client and times it:
# prints "SECONDS RESULT", RESULT being the gecos / member list or KeyError.
TIMED_LOOKUP = r'''
import grp, pwd, sys, time
kind, names = sys.argv[1], sys.argv[2:]
for name in names:
    t = time.monotonic()
    try:
        if kind == "passwd":
            result = pwd.getpwnam(name).pw_gecos
        elif kind == "group":
            result = ",".join(grp.getgrnam(name).gr_mem)
        else:
            result = " ".join(map(str, os.getgrouplist(name, 4242)))
    except KeyError:
        result = "KeyError"
    print("%.3f %s" % (time.monotonic() - t, result), flush=True)
'''.replace("import grp, pwd, sys, time", "import grp, os, pwd, sys, time")

# Generous bound for "fell back at once, no 5 s stall".
NO_STALL = 2.5 + nsstest.SLACK

tap = Tap()
nsstest.require_root(tap)


def timed_lookups(sb, kind, *names):
    """[(seconds, result)] for each name, looked up in one client process."""
    r = sb.client(["/usr/bin/python3", "-c", TIMED_LOOKUP, kind] + list(names))
    out = []
    for line in r.stdout.decode().splitlines():
        seconds, _, result = line.partition(" ")
        out.append((float(seconds), result))
    if len(out) != len(names):
        tap.diag("client failed: rc=%d %r" % (r.returncode, r.stderr[-1000:]))
        out += [(99.0, "no result")] * (len(names) - len(out))
    return out


def failures(reaped):
    """The non-zero exit codes (or signals) of reaped instances. Each new
    client process also sends one GETFD* first, which exits 0."""
    return sorted(c for c in reaped.values() if c != 0)


def passwd_fields(stdout):
    return stdout.decode().strip().split(":")


with Sandbox(test_module=True) as sb:
    fds_before = sb.launcher_fds()

    # -- who answers ---------------------------------------------------------
    r = sb.client_alone(["getent", "passwd", "whoami"])
    tap.eq(r.returncode, 2, "without the socket the client does not know whoami")

    mark = sb.mark()
    first = sb.client(["getent", "passwd", "whoami"])
    second = sb.client(["getent", "passwd", "70001"])
    f1, f2 = passwd_fields(first.stdout), passwd_fields(second.stdout)
    tap.ok(first.returncode == 0 and f1[4] == nsstest.SERVER_COMM,
           "the module ran in a process named %s (gecos of whoami)" % nsstest.SERVER_COMM, f1)
    tap.ok(second.returncode == 0 and f2[0] == "whoami", "GETPWBYUID reaches the module too", f2)
    pids = [int(f[5].rpartition("/")[2]) for f in (f1, f2) if len(f) > 5]
    tap.ok(len(pids) == 2 and pids[0] != pids[1] and set(pids) <= set(sb.spawned(mark)),
           "each lookup ran in its own process, one the launcher started for it",
           "module pids %r, spawned %r" % (pids, sb.spawned(mark)))
    r = sb.client(["getent", "group", "whoami"])
    tap.ok(r.returncode == 0 and r.stdout.decode().strip().endswith(":" + nsstest.SERVER_COMM),
           "group lookups run in nssrelay too", r.stdout)

    # -- crash -----------------------------------------------------------------
    mark = sb.mark()
    [(seconds, result)] = timed_lookups(sb, "passwd", "crash")
    tap.ok(result == "KeyError" and seconds < NO_STALL,
           "crash: getpwnam falls back at once (%.0f ms), finding nothing" % (seconds * 1000),
           (seconds, result))
    tap.diag("measured: crash -> getpwnam fell back after %.0f ms" % (seconds * 1000))
    crashed = sb.wait_for_log(mark, "crashed with SIGSEGV")
    tap.ok(any(re.search(r'\]: pid=\d+ uid=0 comm=python3: crashed with SIGSEGV during GETPWBYNAME "crash"$', l)
               for l in crashed),
           "crash: logged with the signal, the request type and the key", sb.log_text()[mark:])
    reaped = sb.wait_reaped(mark)
    tap.ok(reaped is not None and failures(reaped) == [signal.SIGSEGV],
           "crash: the instance died of SIGSEGV itself, and was reaped (GETFDPW's exited 0)", reaped)
    r = sb.client(["getent", "passwd", "whoami"])
    tap.ok(r.returncode == 0 and passwd_fields(r.stdout)[4] == nsstest.SERVER_COMM,
           "crash: the next lookup is served", r.stdout)

    # glibc's back-off: the crashed lookup's process skips nscd for its next
    # 100 passwd lookups (docs/nscd-protocol.md §1.4), so whoami goes in-process.
    results = timed_lookups(sb, "passwd", "crash", "whoami")
    tap.eq([r for _, r in results], ["KeyError", "KeyError"],
           "crash: the same client process then looks up in-process (glibc's 100-lookup back-off)")

    mark = sb.mark()
    [(g_seconds, g_result)] = timed_lookups(sb, "group", "crash")
    r = sb.client(["getent", "initgroups", "crash"])
    tap.ok(g_result == "KeyError" and g_seconds < NO_STALL and r.returncode == 0,
           "crash: getgrnam and getgrouplist fall back too", (g_seconds, g_result, r))
    sb.wait_reaped(mark)
    log = sb.log_text()[mark:]
    tap.ok('crashed with SIGSEGV during GETGRBYNAME "crash"' in log and
           'crashed with SIGSEGV during INITGROUPS "crash"' in log,
           "crash: GETGRBYNAME and INITGROUPS crashes are logged with their type", log)

    # A process the module forked still holds the connection: the client
    # must see EOF at once anyway (the instance shuts the connection down
    # before it dies), not when that process lets go 3 s later.
    mark = sb.mark()
    with sb.connect() as s:
        started = time.monotonic()
        s.sendall(nsstest.pack_request(GETPWBYNAME, "forkcrash"))
        s.settimeout(10)
        reply = nsstest.read_until_eof(s)
        seconds = time.monotonic() - started
    reaped = sb.wait_reaped(mark)
    left_behind = sb.session_processes()
    tap.ok(reply == b"" and seconds < 1 + nsstest.SLACK and len(left_behind) == 1,
           "forkcrash: EOF after %.0f ms, while the module's child still holds the connection" % (
               seconds * 1000), "reply %r, processes %r" % (reply, left_behind))
    tap.ok(reaped is not None and list(reaped.values()) == [signal.SIGSEGV],
           "forkcrash: the instance itself died of SIGSEGV", reaped)
    for pid in left_behind:  # the module's stray: systemd would kill the unit's cgroup
        os.kill(pid, signal.SIGKILL)
        nsstest.wait_pid_exit(pid, 5)

    # -- hangs: three at once, each ended by the deadline ----------------------
    mark = sb.mark()
    hangs = {name: subprocess.Popen(
        ["unshare", "-m", "--propagation", "private", "sh", nsstest.NSENV, sb.client_etc,
         sb.sock_dir, "--", "/usr/bin/python3", "-c", TIMED_LOOKUP, "passwd", name],
        stdout=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})
        for name in ("hang", "hang-alarm", "hang-masked")}
    measured = {}
    for name, p in hangs.items():
        out, _ = p.communicate(timeout=30)
        seconds, _, result = out.decode().strip().partition(" ")
        measured[name] = (float(seconds or 99), result)
    for name, what in (("hang", "the lookup deadline"),
                       ("hang-alarm", "the lookup deadline, although the module cancelled alarm()"),
                       ("hang-masked", "SIGKILL, the module having blocked every signal")):
        seconds, result = measured[name]
        tap.ok(result == "KeyError" and 3.9 <= seconds < 4.8,
               "%s: %s ends it after %.2f s, before the client's 5 s; the client falls back" % (
                   name, what, seconds), measured[name])
        tap.diag("measured: %s -> getpwnam fell back after %.0f ms" % (name, seconds * 1000))
    reaped = sb.wait_reaped(mark)
    log = "\n".join(sb.lines_since(mark))
    tap.ok(reaped is not None and failures(reaped) == [3, 3, signal.SIGKILL],
           "hangs: two instances exited with status 3 (deadline), one was killed", reaped)
    tap.ok((re.search(r'\]: pid=\d+ uid=0 comm=python3: lookup deadline of 4000 ms after start passed: '
                      r'GETPWBYNAME "hang"; closing without a reply', log) and
            'passed: GETPWBYNAME "hang-alarm";' in log and
            "closing without a reply" in log and '"hang-masked"' not in log),
           "hangs: the deadline is logged with the request (not for the SIGKILLed one)", log)

    # -- endless ERANGE ---------------------------------------------------------
    mark = sb.mark()
    [(seconds, result)] = timed_lookups(sb, "passwd", "erange")
    tap.ok(result == "KeyError" and seconds < NO_STALL,
           "erange: getpwnam falls back after %.0f ms" % (seconds * 1000), (seconds, result))
    tap.diag("measured: endless ERANGE -> getpwnam fell back after %.0f ms" % (seconds * 1000))
    reply = sb.request(GETGRBYNAME, "erange")
    tap.eq(reply, b"", "erange: GETGRBYNAME is closed without a reply")
    reaped = sb.wait_reaped(mark)
    log = sb.log_text()[mark:]
    tap.ok('GETPWBYNAME "erange": NSS still wants a larger buffer than 16777216 bytes' in log and
           'GETGRBYNAME "erange": NSS still wants a larger buffer than 16777216 bytes' in log,
           "erange: growth stops at NSS_BUFFER_MAX (16 MiB), logged", log)
    tap.ok(reaped is not None and set(reaped.values()) == {0},
           "erange: the instances exit normally", reaped)

    # -- a module that leaks a file descriptor ---------------------------------
    gecos = [passwd_fields(sb.client(["getent", "passwd", "leakfd"]).stdout)[4] for _ in range(3)]
    tap.ok(gecos[0].startswith("fd=") and len(set(gecos)) == 1,
           "leakfd: each lookup's leaked fd has the same number: it dies with its process", gecos)

    # -- nothing left behind -----------------------------------------------------
    reaped = sb.wait_reaped(0)
    tap.ok(reaped is not None and len(reaped) == len(sb.spawned(0)),
           "every instance started (%d) was reaped" % len(sb.spawned(0)))
    tap.eq(sb.leftover_children(), [], "the launcher has no children left")
    tap.eq(sb.session_processes(), {}, "no process is left in the service's session")
    tap.eq(sb.launcher_fds(), fds_before, "the launcher holds the same fds as before")

tap.done()
