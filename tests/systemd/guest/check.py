# SPDX-License-Identifier: LGPL-2.1-or-later
"""check-systemd: nssrelay under the real systemd 252 of a booted Debian 12
container (tests/systemd/nspawn-run). Prints TAP and a summary line.

The test users exist only for nssrelay: nssrelay-boot in a passwd file
that a drop-in binds over /etc/passwd in the service during boot, and
nsrtest-NNN and nsrslow-N (slow) from a test NSS module that answers only
inside nssrelay instances (tests/systemd/nss_nsrtest.c). Every other
process, these checks included, cannot find them: a lookup that fell back
to the client's own NSS comes back "not found", so a found user proves
that nssrelay answered. After the boot checks the bind mount goes, so that
the rest runs the shipped unit plus nothing but request logging."""

import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time

from nsrguest import (SBINDIR, UNITDIR, Tap, fork_workers, journal_cursor, live_instances, lookup_in_fresh_process, nssrelay_lines,
                      GETFDPW, GETPWBYNAME, percentile, prop, prop_int, raw_getpwnam, raw_request, run, systemctl, wait_for_lines, wait_until)

SOCKET_UNIT = "nssrelay.socket"
LOOP_USER, LOOP_UID = "nsrtest-007", 20007


def test_unit_files(tap):
    # PollLimit* is new in systemd 255; 252 warns and goes on, as the
    # unit's comment says. Nothing else may be reported.
    r = run("systemd-analyze", "verify", "--man=no", UNITDIR + "/nssrelay.socket",
            UNITDIR + "/nssrelay@.service")
    noise = [line for line in r.stdout.splitlines() if "Unknown key 'PollLimit" not in line]
    tap.ok(r.returncode == 0 and not noise,
           "systemd-analyze verify: the installed units load cleanly", r.stdout)


def test_boot(tap, socket_unit=SOCKET_UNIT, service=None, answerer="nssrelay"):
    """The boot: socket_unit listens before sysinit.target, a unit ordered
    before it finds a user only the service sees, and answerer's request
    line shows it. With service (nssrelayd.service), that it runs too."""
    state = os.environ.get("NSSRELAY_BOOT_STATE", "")
    tap.ok(state == "running", "the container booted to 'running' (was: %s)" % state,
           run("systemctl", "--failed", "--no-pager").stdout)

    sock = prop_int(socket_unit, "ActiveEnterTimestampMonotonic")
    sysinit = prop_int("sysinit.target", "ActiveEnterTimestampMonotonic")
    tap.ok(0 < sock < sysinit, "%s was listening before sysinit.target (%d us before)" %
           (socket_unit, sysinit - sock))
    if service:
        tap.ok(prop(service, "ActiveState") == "active" and prop(service, "SubState") == "running",
               "%s is running (Type=notify: it said it was ready)" % service)

    unit = "nssrelay-boot-test.service"
    result = prop(unit, "Result")
    status = prop(unit, "ExecMainStatus")
    start = prop_int(unit, "ExecMainStartTimestampMonotonic")
    end = prop_int(unit, "ExecMainExitTimestampMonotonic")
    tap.ok(result == "success" and status == "0" and sock <= start and 0 < end < sysinit,
           "a unit ordered before sysinit.target looked up a user only nssrelay sees "
           "(ran %d..%d us, sysinit.target at %d us)" % (start, end, sysinit),
           "Result=%s ExecMainStatus=%s\n%s" % (result, status,
                                                run("journalctl", "-u", unit, "--no-pager").stdout))

    lines = [line for line in nssrelay_lines(None)
             if re.match(r'pid=\d+ uid=0 comm=getent: GETPWBYNAME "nssrelay-boot": found', line)]
    tap.ok(len(lines) == 1, "%s logged that early lookup: %s" % (answerer, lines[0] if lines else "nothing"))

    r = run("getent", "-s", "files", "passwd", "nssrelay-boot")
    tap.ok(r.returncode == 2, "outside nssrelay's view the user does not exist (getent -s files: %d)" %
           r.returncode)

    # A lookup that nobody answers costs its caller 5 s (glibc's timeout);
    # any unit that took that long to start points at one.
    blame = run("systemd-analyze", "blame", "--no-pager").stdout
    slow, timed_units = [], 0
    for line in blame.splitlines():
        m = re.match(r"\s*(?:(\d+)min )?([\d.]+)(ms|s) (\S+)", line)
        if m:
            timed_units += 1
            secs = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1) + 60 * int(m.group(1) or 0)
            if secs >= 2.5:
                slow.append(line.strip())
    # Before the boot has finished, blame lists nothing: that is no pass.
    tap.ok(timed_units > 0 and not slow,
           "no unit took 2.5 s or more to start during boot (%d units timed)" % timed_units,
           "\n".join(slow) or blame)


def drop_bind_mount(tap):
    path = "/etc/systemd/system/nssrelay@.service.d/50-nssrelay-test.conf"
    with open(path + ".new", "w") as f:
        f.write("# check-systemd: request log lines as proof that nssrelay answered.\n"
                "[Service]\nEnvironment=NSSRELAY_LOG=requests\n")
    os.rename(path + ".new", path)
    systemctl("daemon-reload")
    test_module_users_only_through(tap, "nssrelay")


def test_module_users_only_through(tap, service):
    """The test module's users are found through the socket, and not by
    the client's own NSS."""
    r = run("getent", "-s", "nsrtest", "passwd", "nsrtest-001")
    tap.ok(r.returncode == 2 and lookup_in_fresh_process("nsrtest-001", 20001),
           "the test module's users: found through %s, not outside it (getent -s nsrtest: %d)" %
           (service, r.returncode))


def test_getfd(tap):
    # glibc's first lookup in each process asks for a mapping (GETFDPW);
    # nssrelay closes it without a byte. PID 1 keeps its own copy of the
    # connection until it has reaped the instance, so the EOF must come
    # from the instance's shutdown(), not from the close: then it takes no
    # longer than a lookup's reply does (a close waits for the reap, about
    # ten milliseconds more here, and up to 5 s at boot).
    getfd_times, lookup_times, replies = [], [], set()
    for _ in range(20):
        start = time.monotonic()
        replies.add(raw_request(GETFDPW, b"passwd\0"))
        getfd_times.append((time.monotonic() - start) * 1000)
        start = time.monotonic()
        raw_request(GETPWBYNAME, b"root\0")
        lookup_times.append((time.monotonic() - start) * 1000)
    tap.ok(replies == {b""}, "GETFDPW is closed without a byte or a file descriptor",
           "replies: %r" % replies)
    getfd, lookup = percentile(getfd_times, 0.5), percentile(lookup_times, 0.5)
    tap.ok(getfd <= 1.5 * lookup + 2, "GETFDPW's EOF comes from the instance, not from PID 1's "
           "reap: p50 %.1f ms, a lookup's reply %.1f ms" % (getfd, lookup))


def burst(tap, who):
    """5000 lookups of the test module's users from 32 parallel getent
    processes, each with its own GETFDPW first: all must be found, each
    answered by `who` (the request lines prove it, zero fallbacks)."""
    names = ["nsrtest-%03d" % (i % 100) for i in range(5000)]
    chunks = [names[i::32] for i in range(32)]
    cursor = journal_cursor()

    start = time.monotonic()
    procs = [subprocess.Popen(["getent", "passwd"] + chunk, stdout=subprocess.PIPE, text=True)
             for chunk in chunks]
    results = [(p.communicate()[0], p.returncode) for p in procs]
    elapsed = time.monotonic() - start

    found = sum(1 for out, _ in results for line in out.splitlines()
                if re.match(r"nsrtest-(\d{3}):x:20\1:", line))
    bad_rc = [rc for _, rc in results if rc != 0]
    tap.ok(found == 5000 and not bad_rc,
           "burst: 5000 lookups from 32 parallel getent processes all found (%.1f s, %.0f lookups/s)" %
           (elapsed, 5000 / elapsed), "found %d, non-zero exits: %s" % (found, bad_rc))

    answered = wait_for_lines(cursor, r'^pid=\d+ uid=0 comm=getent: GETPWBYNAME "nsrtest-\d{3}": found',
                              5000)
    getfd = wait_for_lines(cursor, r'^pid=\d+ uid=0 comm=getent: GETFDPW "passwd": closed', 32)
    pid_of = lambda line: re.search(r"^pid=(\d+)", line).group(1)
    clients = {str(p.pid) for p in procs}
    tap.ok(len(answered) == 5000 and {pid_of(line) for line in answered} == clients,
           "burst: %s answered all 5000 lookups itself, zero fallbacks (%d request lines)" %
           (who, len(answered)))
    tap.ok(len(getfd) == 32 and {pid_of(line) for line in getfd} == clients,
           "burst: each of the 32 processes sent its own GETFDPW first, closed by %s (%d seen)" %
           (who, len(getfd)))


def test_burst(tap):
    accepted0 = prop_int(SOCKET_UNIT, "NAccepted")
    refused0 = prop_int(SOCKET_UNIT, "NRefused")
    burst(tap, "nssrelay")
    accepted = prop_int(SOCKET_UNIT, "NAccepted") - accepted0
    refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
    state = prop(SOCKET_UNIT, "ActiveState") + "/" + prop(SOCKET_UNIT, "SubState")
    tap.ok(state == "active/listening" and refused == 0 and accepted == 5032,
           "burst: the socket stayed active/listening, NRefused +0, NAccepted +5032",
           "state %s, NRefused +%d, NAccepted +%d" % (state, refused, accepted))


def pss_kb(pid):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        return int(re.search(r"^Pss:\s+(\d+)", f.read(), re.M).group(1))


def concurrent_slow_lookups(count, first=0):
    """`count` glibc lookups of slow users at once, each from its own
    process. Returns a dict: found, failures (each with its duration in
    s), seconds, peak live instances, PID 1's peak Pss in kB."""
    peak = {"instances": 0, "pid1_pss": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak["instances"] = max(peak["instances"], live_instances())
            peak["pid1_pss"] = max(peak["pid1_pss"], pss_kb(1))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.monotonic()
    def slow_lookup(i, w):
        t = time.monotonic()
        ok = lookup_in_fresh_process("nsrslow-%d" % (first + i), 30000 + first + i)
        os.write(w, b"%d %.3f\n" % (ok, time.monotonic() - t))

    data, _ = fork_workers(count, slow_lookup)
    elapsed = time.monotonic() - start
    done.set()
    sampler.join()
    results = [line.split() for line in data.decode().splitlines()]
    return {
        "found": sum(1 for ok, _ in results if ok == "1"),
        "failures": sorted(float(t) for ok, t in results if ok != "1"),
        "seconds": elapsed,
        "instances": peak["instances"],
        "pid1_pss": peak["pid1_pss"],
    }


def test_slow(tap):
    limit = prop_int(SOCKET_UNIT, "MaxConnections")
    refused0 = prop_int(SOCKET_UNIT, "NRefused")
    pss0 = pss_kb(1)
    cursor = journal_cursor()
    res = concurrent_slow_lookups(300)
    refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
    answered = wait_for_lines(cursor, r'^pid=\d+ uid=0 comm=getent: GETPWBYNAME "nsrslow-\d+": found',
                              res["found"])
    tap.diag("300 concurrent slow lookups (2 s each in the NSS module): %d found, %d gave up, in %.1f s; "
             "peak %d live instances; PID 1 Pss %d -> %d kB" %
             (res["found"], len(res["failures"]), res["seconds"], res["instances"], pss0, res["pid1_pss"]))
    tap.ok(refused == 0, "300 concurrent slow lookups: none refused with MaxConnections=%d (peak %d live)" %
           (limit, res["instances"]), "NRefused +%d" % refused)
    # PID 1 starts instances one after another; a client whose connection
    # waited in the backlog for longer than glibc's 5 s gives up and looks
    # up by itself. That is the only acceptable failure here.
    early = [t for t in res["failures"] if t < 4.9]
    tap.ok(not early and len(answered) >= res["found"],
           "300 concurrent slow lookups: every lookup nssrelay got was found (%d); the %d that failed "
           "waited out glibc's 5 s timeout in the backlog" % (len(answered), len(res["failures"])),
           "failures after (s): %s" % res["failures"])

    # What MaxConnections does when reached: systemd accepts and closes at
    # once, and the client looks up by itself (here: "not found").
    dropin = "/run/systemd/system/nssrelay.socket.d"
    os.makedirs(dropin, exist_ok=True)
    with open(dropin + "/50-limit.conf", "w") as f:
        f.write("[Socket]\nMaxConnections=20\n")
    systemctl("daemon-reload")
    systemctl("restart", SOCKET_UNIT)
    refused0 = prop_int(SOCKET_UNIT, "NRefused")
    res = concurrent_slow_lookups(60, first=1000)
    refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
    shutil.rmtree(dropin)
    systemctl("daemon-reload")
    systemctl("restart", SOCKET_UNIT)
    # Each client is a fresh getent: GETFDPW, then the lookup, each on a
    # connection of its own. A client that fell back had its lookup
    # refused and perhaps its GETFDPW too: one or two refusals each.
    fast = [t for t in res["failures"] if t < 1.0]
    tap.ok(res["instances"] <= 20 and fast and res["found"] + len(fast) == 60 and
           len(fast) <= refused <= 2 * len(fast),
           "past MaxConnections (20 for this check) systemd drops connections at once: of 60 slow "
           "lookups %d were found and the other %d clients fell back at once (and failed); NRefused +%d" %
           (res["found"], len(fast), refused),
           "found %d, NRefused +%d, peak %d live, failures after (s): %s" %
           (res["found"], refused, res["instances"], res["failures"]))
    tap.ok(prop_int(SOCKET_UNIT, "MaxConnections") == limit and lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "the shipped MaxConnections=%d is back and lookups work" % limit)


ATTACK_SECONDS = 11
# Connections a second: the review's 20,000 in 11 s, and one that PID 1
# can nearly keep up with.
ATTACK_RATES = (1800, 400)


def attacker(rate):
    """The attacker of the review: uid 65534 opens connections at `rate`
    a second, never sends a byte and never closes one, so that every
    instance it gets waits out its read deadline."""
    def attack(i, w):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        held, opened, start = [], 0, time.monotonic()
        while time.monotonic() < start + ATTACK_SECONDS:
            if opened >= (time.monotonic() - start) * rate:
                time.sleep(0.001)
                continue
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            except OSError:  # out of fds: hold what we have
                time.sleep(0.01)
                continue
            s.setblocking(False)
            try:
                s.connect("/run/nscd/socket")
                opened += 1
                held.append(s)
            except OSError:  # the backlog is full: try again
                s.close()
                time.sleep(0.001)
        os.write(w, b"%d\n" % opened)
    return attack


def cpu_seconds(pid):
    """utime + stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_starvation(tap):
    """Finding 3 of the security review: one user opening connections and
    never sending a byte starves everyone else, because each connection
    holds an instance (and one of MaxConnections=) until the read
    deadline. With the deadline at 250 ms instead of 1 s each holds it a
    quarter as long; the structural fix (a per-uid cap) is nssrelayd's.
    The figures go to the log (README has them for both deadlines); the
    checks are that the instances close the silent connections at their
    deadline and that lookups work again afterwards."""
    for rate in ATTACK_RATES:
        cursor = journal_cursor()
        refused0 = prop_int(SOCKET_UNIT, "NRefused")
        cpu0, t0 = cpu_seconds(1), time.monotonic()
        victim = []

        def victim_loop():
            # Raw requests, as glibc sends them, with glibc's 5 s, ten
            # a second once the attack is under way.
            time.sleep(1.0)
            while time.monotonic() < t0 + ATTACK_SECONDS:
                begun = time.monotonic()
                victim.append(raw_getpwnam(LOOP_USER, timeout=5.0) == 1)
                time.sleep(max(0.0, 0.1 - (time.monotonic() - begun)))

        thread = threading.Thread(target=victim_loop)
        thread.start()
        out, _ = fork_workers(1, attacker(rate))
        thread.join()
        elapsed = time.monotonic() - t0
        pid1_busy = cpu_seconds(1) - cpu0
        opened = sum(int(x) for x in out.split())
        refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
        answered = sum(victim)
        silent = sum(1 for line in nssrelay_lines(cursor) if "no complete request within" in line)
        tap.diag("starvation at %d/s: uid 65534 opened %d silent connections in %d s and held them; %d "
                 "instances closed one at the read deadline, NRefused +%d, PID 1 busy %.1f s of %.1f s; "
                 "the root victim's lookups: %d of %d answered" % (
                     rate, opened, ATTACK_SECONDS, silent, refused, pid1_busy, elapsed, answered, len(victim)))
        tap.ok(silent > 0, "starvation at %d/s: instances closed silent connections at the read deadline (%d)" %
               (rate, silent))
        tap.ok(wait_until(lambda: lookup_in_fresh_process(LOOP_USER, LOOP_UID), timeout=30),
               "starvation at %d/s: after the attack lookups work again" % rate)


class Background:
    """Calls self.step() in a thread until end()."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            self.step()

    def end(self):
        self.stop.set()
        self.thread.join()


class Loop(Background):
    """A client that looks up LOOP_USER again and again, each time from a
    fresh process (so one failure is one failure: no back-off), while
    the main thread changes something."""

    def __init__(self):
        self.results = []  # (start, end, ok)
        super().__init__()

    def step(self):
        start = time.monotonic()
        ok = lookup_in_fresh_process(LOOP_USER, LOOP_UID)
        self.results.append((start, time.monotonic(), ok))

    def count(self):
        return len(self.results)

    def finish(self, after_time, more=20):
        wait_until(lambda: sum(1 for s, _, _ in self.results if s > after_time) >= more, timeout=60)
        self.end()
        return self.results


class Prober(Background):
    """Raw GETPWBYNAME requests in a tight loop (no glibc, no back-off):
    finds how long the socket refuses, to within a lookup's time."""

    def __init__(self):
        self.failures = []  # (start, end)
        self.count = 0
        super().__init__()

    def step(self):
        start = time.monotonic()
        if raw_getpwnam(LOOP_USER) != 1:
            self.failures.append((start, time.monotonic()))
        self.count += 1

    def finish(self):
        self.end()


def during(action, repeats=3):
    """Runs action() `repeats` times while the loop runs. Returns
    (lookups, failures, failure window in ms, slowest lookup in ms)."""
    loop = Loop()
    wait_until(lambda: loop.count() >= 10, timeout=60)
    begin = time.monotonic()
    for _ in range(repeats):
        action()
        n = loop.count()
        wait_until(lambda: loop.count() >= n + 5, timeout=60)
    results = loop.finish(time.monotonic())
    during_results = [r for r in results if r[1] >= begin]
    failed = [r for r in during_results if not r[2]]
    window = (max(e for _, e, _ in failed) - min(s for s, _, _ in failed)) * 1000 if failed else 0.0
    slowest = max((e - s) * 1000 for s, e, _ in during_results)
    return len(during_results), len(failed), window, slowest


def replace_binary_by_rename():
    path = SBINDIR + "/nssrelay"
    shutil.copy2(path, path + ".new")
    os.rename(path + ".new", path)


def replace_binary_by_install():
    path = SBINDIR + "/nssrelay"
    shutil.copy2(path, "/tmp/nssrelay.copy")
    run("install", "-m", "0755", "/tmp/nssrelay.copy", path, check=True)


_edits = [0]


def edit_template():
    path = UNITDIR + "/nssrelay@.service"
    with open(path) as f:
        text = f.read()
    _edits[0] += 1
    text = re.sub(r"\n# check-systemd edit \d+\n", "\n", text) + "\n# check-systemd edit %d\n" % _edits[0]
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)
    systemctl("daemon-reload")


def restart_socket():
    systemctl("restart", SOCKET_UNIT)


def test_switches(tap):
    cases = [
        ("systemctl daemon-reload", lambda: systemctl("daemon-reload"), True),
        ("replacing the nssrelay binary by rename (as dpkg does)", replace_binary_by_rename, True),
        ("editing the service template, then daemon-reload", edit_template, True),
    ]
    for name, action, must_be_zero in cases:
        lookups, failed, window, slowest = during(action)
        tap.ok(failed == 0, "%s x3 while a client loops: %d lookups, %d failed (slowest %.0f ms)" %
               (name, lookups, failed, slowest))

    # Not asserted, reported: `install` (and so `make install`) unlinks
    # the old binary before it writes the new one.
    lookups, failed, window, slowest = during(replace_binary_by_install, repeats=10)
    tap.diag("replacing the binary with install(1) x10: %d lookups, %d failed" % (lookups, failed))

    # Restarting the socket closes the listening socket: the window is
    # measured and reported, not expected to be empty. A raw prober finds
    # its length; the glibc loop counts what clients see.
    times, windows, closed = [], [], []

    def timed_restart():
        prober = Prober()
        wait_until(lambda: prober.count >= 3, timeout=30)
        t = time.monotonic()
        restart_socket()
        done = time.monotonic()
        times.append((done - t) * 1000)
        # From "stopping" to "listening" again, as PID 1 records it.
        closed.append((prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic") -
                       prop_int(SOCKET_UNIT, "ActiveExitTimestampMonotonic")) / 1000)
        n = prober.count
        wait_until(lambda: prober.count >= n + 3, timeout=30)
        prober.finish()
        windows.append(sum(e - s for s, e in prober.failures) * 1000 and
                       (max(e for _, e in prober.failures) - min(s for s, _ in prober.failures)) * 1000)

    lookups, failed, window, slowest = during(timed_restart, repeats=5)
    state = prop(SOCKET_UNIT, "ActiveState")
    tap.ok(state == "active" and lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "restarting nssrelay.socket x5 while clients loop: the socket is active again and answers")
    tap.diag("socket restart x5: glibc client %d lookups, %d failed; raw prober saw the socket refuse for "
             "%s ms; not listening (ActiveExit to ActiveEnter) %s ms; systemctl restart took %s ms" %
             (lookups, failed, ", ".join("%.0f" % w for w in windows), ", ".join("%.1f" % c for c in closed),
              ", ".join("%.0f" % t for t in times)))


def timed(cmd):
    start = time.monotonic()
    r = run(*cmd)
    return r, time.monotonic() - start


def test_dynamic_user(tap):
    cmd = ["systemd-run", "--wait", "--pipe", "--quiet", "-p", "DynamicUser=yes", "whoami"]
    cursor = journal_cursor()
    r, with_socket = timed(cmd)
    name = r.stdout.strip()
    tap.ok(r.returncode == 0 and re.fullmatch(r"run-\S+", name) is not None,
           "systemd-run --wait -p DynamicUser=yes whoami works: %s (%.2f s)" % (name, with_socket),
           r.stdout)
    lines = wait_for_lines(cursor, r'^pid=\d+ uid=\d+ comm=whoami: GETPWBYUID "\d+": found', 1, timeout=10)
    tap.ok(len(lines) == 1, "whoami's lookup of its dynamic uid went through nssrelay and nss-systemd: %s" %
           (lines[0] if lines else "no request line"))

    # PID 1 sends INVALIDATE synchronously when it releases the dynamic
    # user; with Accept=yes it cannot accept that connection itself, so it
    # waits for its own 5 s timeout. Bounded, never a deadlock.
    runs = [with_socket] + [timed(cmd)[1] for _ in range(2)]
    tap.ok(max(runs) < 8.0, "a DynamicUser= run ends despite PID 1's INVALIDATE (bound 8 s): %s s" %
           ", ".join("%.2f" % t for t in runs))

    # Lookups by others while PID 1 waits.
    lookups, failed, window, slowest = during(lambda: run(*cmd), repeats=1)
    tap.diag("lookups from another client during a DynamicUser= run: %d, %d failed, slowest %.0f ms" %
             (lookups, failed, slowest))

    systemctl("stop", SOCKET_UNIT)
    without = [timed(cmd)[1] for _ in range(3)]
    r, _ = timed(cmd)
    systemctl("start", SOCKET_UNIT)
    tap.ok(r.returncode == 0, "without nssrelay.socket the same run works (whoami: %s)" % r.stdout.strip())
    tap.diag("DynamicUser= run: with nssrelay.socket %s s; without %s s" %
             (", ".join("%.2f" % t for t in runs), ", ".join("%.2f" % t for t in without)))


HOST_ONLY = "hostonly.nssrelay.test"
HOST_DNS = "127.0.0.2"
GETAI_PY = r'''
import socket, sys
try:
    print(sorted(set(a[4][0] for a in socket.getaddrinfo(sys.argv[1], None, socket.AF_INET))))
except socket.gaierror as e:
    print("gaierror %d" % e.args[0])
'''


def test_netns(tap):
    """A service with PrivateNetwork=yes has only a loopback of its own:
    in-process, it cannot reach the DNS server the rest of the system
    uses, and through nssrelay it must not reach it either."""
    log_path = "/run/nssrelay-test-dnsmasq.log"
    dns = subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                            "--no-hosts", "--bind-interfaces", "--listen-address=" + HOST_DNS, "--port=53",
                            "--user=root", "--group=root", "--pid-file=", "--local=/#/", "--log-queries",
                            "--log-facility=" + log_path, "--host-record=%s,192.0.2.77" % HOST_ONLY])
    with open("/etc/resolv.conf") as f:
        saved = f.read()
    with open("/etc/resolv.conf", "w") as f:
        f.write("nameserver %s\noptions timeout:1 attempts:1\n" % HOST_DNS)

    def queries():
        try:
            with open(log_path) as f:
                return sum(1 for line in f if "query[" in line and HOST_ONLY in line)
        except FileNotFoundError:
            return 0

    def private_lookup():
        r = run("systemd-run", "--wait", "--pipe", "--quiet", "-p", "PrivateNetwork=yes",
                "python3", "-c", GETAI_PY, HOST_ONLY)
        return r.stdout.strip()

    try:
        ok = wait_until(lambda: run("python3", "-c", GETAI_PY, HOST_ONLY).stdout.strip() == "['192.0.2.77']",
                        timeout=10)
        tap.ok(ok and queries() > 0, "the system's DNS (dnsmasq on %s) answers %s through nssrelay" % (
            HOST_DNS, HOST_ONLY))

        cursor = journal_cursor()
        before = queries()
        got = private_lookup()
        tap.ok(got.startswith("gaierror"),
               "a PrivateNetwork=yes service gets no answer for %s through nssrelay: %s" % (HOST_ONLY, got))
        lines = wait_for_lines(cursor, r'^pid=\d+ uid=0 comm=python3: GETHOSTBYNAME "%s"' % HOST_ONLY, 1,
                               timeout=10)
        tap.ok(lines and not any(": found" in line for line in lines),
               "nssrelay took its lookup and did not answer it: %s" % (lines[0] if lines else "no request line"))
        tap.ok(queries() == before, "the system's DNS server saw no query from it (%d before, %d after)" %
               (before, queries()))

        # The same unit with NSSRELAY_NETNS=server: what any nscd does.
        dropin = "/run/systemd/system/nssrelay@.service.d"
        os.makedirs(dropin, exist_ok=True)
        with open(dropin + "/50-netns-server.conf", "w") as f:
            f.write("[Service]\nEnvironment=NSSRELAY_NETNS=server\n")
        systemctl("daemon-reload")
        got = private_lookup()
        shutil.rmtree(dropin)
        systemctl("daemon-reload")
        tap.ok(got == "['192.0.2.77']" and queries() > before,
               "with NSSRELAY_NETNS=server the same service gets the system DNS's answer: %s" % got)
    finally:
        with open("/etc/resolv.conf", "w") as f:
            f.write(saved)
        dns.terminate()
        dns.wait()


def test_no_failed_instances(tap, cursor):
    since = ["--after-cursor=" + cursor] if cursor else []
    bad = [line for line in run("journalctl", "--no-pager", "-o", "cat", *since, "_PID=1").stdout.splitlines()
           if line.startswith("nssrelay@") and ("Failed" in line or "failed" in line)]
    tap.ok(not bad, "no nssrelay instance failed in the checks above", "\n".join(bad[:20]))


def main():
    tap = Tap()
    start = time.monotonic()
    cursor = journal_cursor()
    test_unit_files(tap)
    test_boot(tap)
    drop_bind_mount(tap)
    test_getfd(tap)
    test_burst(tap)
    test_slow(tap)
    test_starvation(tap)
    test_no_failed_instances(tap, cursor)
    test_switches(tap)
    test_dynamic_user(tap)
    # Last: it edits resolv.conf and the template's drop-ins, and the
    # counts of the burst above are better off without that.
    test_netns(tap)
    tap.diag("check-systemd took %.0f s inside the container" % (time.monotonic() - start))
    return tap.done("check-systemd")


if __name__ == "__main__":
    sys.exit(main())
