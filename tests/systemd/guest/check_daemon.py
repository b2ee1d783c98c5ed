# SPDX-License-Identifier: LGPL-2.1-or-later
"""check-systemd, nssrelayd's half: the container boots with
nssrelayd.socket and nssrelayd.service enabled instead of nssrelay.socket
(tests/systemd/nspawn-run check-daemon). Prints TAP and a summary line.

The test users exist only for nssrelay, as in check.py: nssrelay-boot in a
passwd file a drop-in binds over /etc/passwd in nssrelayd.service during
boot, and nsrtest-NNN from a test NSS module that answers only inside
nssrelay processes. A found user proves that nssrelay answered."""

import os
import re
import shutil
import statistics
import subprocess
import time

import check
import nsrguest
from check import burst, during, timed
from nsrguest import (SBINDIR, UNITDIR, Tap, journal_cursor, lookup_in_fresh_process, nssrelay_lines, prop,
                      prop_int, run, systemctl, wait_for_lines, wait_until)

SOCKET_UNIT = "nssrelayd.socket"
SERVICE = "nssrelayd.service"
DROPIN = "/etc/systemd/system/nssrelayd.service.d/50-nssrelay-test.conf"
LOOP_USER, LOOP_UID = "nsrtest-007", 20007
nsrguest.JOURNAL_MATCH = "_SYSTEMD_UNIT=" + SERVICE


def test_unit_files(tap):
    r = run("systemd-analyze", "verify", "--man=no", UNITDIR + "/" + SOCKET_UNIT, UNITDIR + "/" + SERVICE)
    noise = [line for line in r.stdout.splitlines() if "Unknown key 'PollLimit" not in line]
    tap.ok(r.returncode == 0 and not noise, "systemd-analyze verify: nssrelayd's units load cleanly", r.stdout)
    r = run("systemd-analyze", "security", "--no-pager", SERVICE)
    m = re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout)
    score = float(m.group(1)) if m else 99
    tap.diag("systemd-analyze security %s: exposure %.1f" % (SERVICE, score))
    tap.ok(score <= 3.0, "systemd-analyze security: exposure %.1f (at most 3.0)" % score,
           "\n".join(l for l in r.stdout.splitlines() if l.startswith("✗")))


def test_boot(tap):
    check.test_boot(tap, SOCKET_UNIT, service=SERVICE, answerer="a worker of nssrelayd")


def drop_bind_mount(tap):
    """The boot check's passwd goes; a restart of the service applies it
    (and is the first restart under test)."""
    write_dropin("Environment=NSSRELAY_LOG=requests\n")
    check.test_module_users_only_through(tap, "nssrelayd")


def test_burst(tap):
    cpu0 = prop_int(SERVICE, "CPUUsageNSec")
    burst(tap, "nssrelayd (GETFDPW) and its workers")
    cpu = prop_int(SERVICE, "CPUUsageNSec")
    if cpu0 >= 0 and cpu >= cpu0:
        tap.diag("burst: nssrelayd.service used %.0f us of CPU per lookup" % ((cpu - cpu0) / 1000 / 5032))
    tap.ok(prop(SOCKET_UNIT, "SubState") == "running" and prop(SERVICE, "SubState") == "running",
           "burst: the socket and the service stayed up")


def main_pid():
    return prop_int(SERVICE, "MainPID")


def restart_service():
    systemctl("restart", SERVICE)


def kill_dispatcher():
    """kill -9 of the dispatcher: systemd restarts it; the socket keeps
    the connections meanwhile; the workers in flight finish."""
    pid = main_pid()
    os.kill(pid, 9)
    wait_until(lambda: main_pid() not in (0, pid) and prop(SERVICE, "SubState") == "running", timeout=30)


def replace(name):
    path = SBINDIR + "/" + name
    shutil.copy2(path, path + ".new")
    os.rename(path + ".new", path)


def replace_nssrelayd_and_restart():
    replace("nssrelayd")
    restart_service()


_kills = []


def kill_dispatcher_counted():
    """kill_dispatcher(), counting the automatic restarts it caused
    (a manual restart resets NRestarts)."""
    before = prop_int(SERVICE, "NRestarts")
    kill_dispatcher()
    _kills.append(prop_int(SERVICE, "NRestarts") - before)


def test_switches(tap):
    cases = [
        ("systemctl daemon-reload", lambda: systemctl("daemon-reload")),
        ("replacing the nssrelay binary by rename (as dpkg does)", lambda: replace("nssrelay")),
        ("a new template on SIGHUP (systemctl kill -s HUP --kill-whom=main)",
         lambda: systemctl("kill", "-s", "HUP", "--kill-whom=main", SERVICE)),
        ("systemctl restart nssrelayd.service", restart_service),
        ("kill -9 of the dispatcher (systemd restarts it)", kill_dispatcher_counted),
        ("replacing nssrelayd by rename, then a restart", replace_nssrelayd_and_restart),
    ]
    for name, action in cases:
        lookups, failed, window, slowest = during(action)
        tap.ok(failed == 0, "%s x3 while a client loops: %d lookups, %d failed (slowest %.0f ms)" %
               (name, lookups, failed, slowest))
    tap.ok(_kills == [1, 1, 1], "systemd restarted the killed dispatcher each time (NRestarts +%s)" %
           ", +".join(str(k) for k in _kills))
    tap.ok(prop(SERVICE, "SubState") == "running" and lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "after all that, nssrelayd runs and answers")


def test_dynamic_user(tap):
    cmd = ["systemd-run", "--wait", "--pipe", "--quiet", "-p", "DynamicUser=yes", "whoami"]
    cursor = journal_cursor()
    r, _ = timed(cmd)
    tap.ok(r.returncode == 0 and re.fullmatch(r"run-\S+", r.stdout.strip()) is not None,
           "systemd-run --wait -p DynamicUser=yes whoami works: %s" % r.stdout.strip(), r.stdout)
    lines = wait_for_lines(cursor, r'^pid=\d+ uid=\d+ comm=whoami: GETPWBYUID "\d+": found', 1, timeout=10)
    tap.ok(len(lines) == 1, "whoami's lookup of its dynamic uid went through nssrelayd and nss-systemd: %s" %
           (lines[0] if lines else "no request line"))
    invalidate = wait_for_lines(cursor, r'^pid=1 uid=0 comm=\S+: INVALIDATE "passwd": answered', 1, timeout=10)
    tap.ok(invalidate, "PID 1's INVALIDATE when it released the user was answered by a worker: %s" %
           (invalidate[0] if invalidate else "no request line"))

    # With nssrelayd, PID 1's INVALIDATE is accepted by the dispatcher at
    # once: no 5 s stall as with Accept=yes. Timed with the shipped units
    # (no request logging), warm, medians; once with this
    # container's nsswitch.conf and once with files only for passwd and
    # group. With nss-systemd each of the unit's lookups makes a worker ask
    # PID 1 over varlink while it is busy starting the unit, which the
    # unit's own process, in-process, does not (measured here: about
    # +17 ms of the run); files only shows what nssrelayd itself costs.
    write_dropin("")
    true_cmd = ["systemd-run", "--wait", "--quiet", "-p", "DynamicUser=yes", "true"]

    def runs():
        """Medians with a running, warm nssrelayd (before and after) and
        without any nscd socket (between)."""
        lookup_in_fresh_process("root", 0)
        with_socket = [timed(true_cmd)[1] for _ in range(7)]
        systemctl("stop", SOCKET_UNIT, SERVICE)
        without = [timed(true_cmd)[1] for _ in range(7)]
        systemctl("start", SOCKET_UNIT, SERVICE)
        wait_until(lambda: prop(SERVICE, "SubState") == "running", timeout=30)
        lookup_in_fresh_process("root", 0)
        with_socket += [timed(true_cmd)[1] for _ in range(7)]
        return statistics.median(with_socket), statistics.median(without)

    with open("/etc/nsswitch.conf") as f:
        nsswitch = f.read()
    try:
        with open("/etc/nsswitch.conf", "w") as f:
            f.write(re.sub(r"(?m)^(passwd|group):.*$", r"\1: files", nsswitch))
        files = runs()
    finally:
        with open("/etc/nsswitch.conf", "w") as f:
            f.write(nsswitch)
    shipped = runs()
    write_dropin("Environment=NSSRELAY_LOG=requests\n")
    # The bound is the stall's (Accept=yes takes 5 s), with room for a
    # busy machine; the goal of 1.2 times is a figure of make
    # bench-systemd, not a timed test.
    tap.ok(files[0] <= 2 * files[1],
           "systemd-run --wait -p DynamicUser=yes true, passwd and group from files: %.0f ms with "
           "nssrelayd, %.0f ms without any nscd socket (at most 2 times)" % (files[0] * 1000, files[1] * 1000))
    tap.ok(shipped[0] <= 2 * shipped[1],
           "the same with nss-systemd (files systemd): %.0f ms with nssrelayd, %.0f ms without any nscd "
           "socket (at most 2 times; Accept=yes takes 5 s)" % (shipped[0] * 1000, shipped[1] * 1000))


def write_dropin(text):
    with open(DROPIN + ".new", "w") as f:
        f.write("# check-systemd\n[Service]\n" + text)
    os.rename(DROPIN + ".new", DROPIN)
    systemctl("daemon-reload")
    systemctl("restart", SERVICE)


FLOOD = r'''
import os, socket, sys, time
os.setgid(65534)
os.setuid(65534)
end = time.monotonic() + float(sys.argv[1])
held, n = [], 0
while time.monotonic() < end:
    try:
        s = socket.socket(socket.AF_UNIX)
        s.setblocking(False)
        s.connect("/run/nscd/socket")
        held.append(s)
        n += 1
    except OSError:
        pass
    if len(held) > 900:
        for s in held[:300]:
            s.close()
        del held[:300]
print(n)
'''


def test_flood(tap):
    """The review's starvation attack: uid 65534 opens connections and
    never sends a byte. nssrelayd spends no worker on them and caps the
    user, so root's lookups go on."""
    flood = subprocess.Popen(["python3", "-c", FLOOD, "8"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    answered, times = 0, []
    start = time.monotonic()
    while time.monotonic() - start < 5:
        t = time.monotonic()
        if lookup_in_fresh_process(LOOP_USER, LOOP_UID):
            answered += 1
        times.append(time.monotonic() - t)
    opened = int(flood.communicate()[0] or 0)
    tap.ok(answered == len(times) and answered > 0,
           "flood: while uid 65534 opened %d silent connections, root's %d lookups were all answered "
           "(p50 %.1f ms)" % (opened, len(times), statistics.median(times) * 1000 if times else 0))


def test_no_crashes(tap, cursor):
    bad = [line for line in nssrelay_lines(cursor) if "crashed" in line or "deadline of" in line]
    tap.ok(not bad, "no worker crashed or hit a deadline in the checks above", "\n".join(bad[:20]))


def main():
    tap = Tap()
    start = time.monotonic()
    test_unit_files(tap)
    test_boot(tap)
    drop_bind_mount(tap)
    cursor = journal_cursor()
    test_burst(tap)
    test_switches(tap)
    test_flood(tap)
    test_no_crashes(tap, cursor)
    test_dynamic_user(tap)
    tap.diag("check-systemd-daemon took %.0f s inside the container" % (time.monotonic() - start))
    return tap.done("check-systemd-daemon")


if __name__ == "__main__":
    raise SystemExit(main())
