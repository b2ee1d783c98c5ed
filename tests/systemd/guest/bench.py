# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench-systemd: what a lookup costs under the real systemd 252, per unit
configuration. Runs inside the check-systemd container (no test drop-ins).

For each configuration it replaces nssrelay@.service (a full copy in
/etc/systemd/system, built from the installed template), reloads, warms
up, then times GETPWBYNAME "root" on /run/nscd/socket, one connection per
lookup, from 1 and from 2 client processes. Rounds alternate between the
configurations so that the machine's load drifts across all of them alike.
The figures are noisy on a shared machine; compare them within one run."""

import os
import re
import sys
import time

from nsrguest import GUESTDIR, UNITDIR, fork_workers, live_instances, percentile, raw_getpwnam, run, systemctl

TEMPLATE = UNITDIR + "/nssrelay@.service"
OVERRIDE = "/etc/systemd/system/nssrelay@.service"
SANDBOX_BEGIN = "# --- sandboxing"
SANDBOX_END = "# --- end of sandboxing"
ROUNDS = int(os.environ.get("NSSRELAY_BENCH_ROUNDS", "3"))
LOOKUPS = int(os.environ.get("NSSRELAY_BENCH_LOOKUPS", "300"))

# Options measured one by one on top of the unsandboxed template when
# NSSRELAY_BENCH_OPTIONS=1.
OPTIONS = [
    "NoNewPrivileges=yes",
    "CapabilityBoundingSet=CAP_SETUID CAP_SETGID",
    "SystemCallArchitectures=native",
    "LockPersonality=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "RestrictNamespaces=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "MemoryDenyWriteExecute=yes",
    "SystemCallFilter=@system-service",
    "ProtectHostname=yes",
    "ProtectClock=yes",
    "ProtectKernelLogs=yes",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateDevices=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "ProtectProc=invisible",
]


# What nssrelay(8) suggests for a drop-in, for those who want the file
# system protected at the price of a mount namespace per lookup.
MOUNT_NAMESPACE_OPTIONS = "\n".join([
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateDevices=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
])


# The seccomp-based options nssrelay(8) lists as an opt-in.
SECCOMP_OPTIONS = "\n".join([
    "RestrictNamespaces=mnt net",
    "RestrictSUIDSGID=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "SystemCallArchitectures=native",
])


def template_text():
    with open(TEMPLATE) as f:
        return f.read()


def without_sandboxing(text):
    begin, end = text.find(SANDBOX_BEGIN), text.find(SANDBOX_END)
    if begin < 0 or end < begin:
        sys.exit("bench-systemd: %s has no '%s' ... '%s' block" % (TEMPLATE, SANDBOX_BEGIN, SANDBOX_END))
    return text[:begin] + text[text.index("\n", end) + 1:]


def with_floor(text):
    return re.sub(r"(?m)^ExecStart=.*$", "ExecStart=%s/floor" % GUESTDIR, text)


def with_option(text, option):
    return text.replace("[Service]\n", "[Service]\n%s\n" % option, 1)


def configure(text):
    if text is None:
        if os.path.exists(OVERRIDE):
            os.unlink(OVERRIDE)
    else:
        with open(OVERRIDE + ".new", "w") as f:
            f.write(text)
        os.rename(OVERRIDE + ".new", OVERRIDE)
    systemctl("daemon-reload")
    for i in range(20):
        found = raw_getpwnam("root")
        if found != 1:
            print("bench-systemd: lookup %d in this configuration returned %r:\n%s" % (i, found, text or "shipped"))
            print(run("journalctl", "--no-pager", "-n", "30").stdout)
            sys.exit(1)


def client(count, write_fd):
    times = []
    for _ in range(count):
        start = time.monotonic()
        found = raw_getpwnam("root")
        times.append(time.monotonic() - start)
        if found != 1:
            os._exit(1)
    os.write(write_fd, (" ".join("%.6f" % t for t in times) + "\n").encode())
    os._exit(0)


TICK = os.sysconf("SC_CLK_TCK")


def pid1_cpu():
    """CPU seconds of PID 1 and of the children it has reaped: each
    instance, from fork through sandbox setup to exit, ends up in the
    latter. Far less sensitive to other load than wall-clock time."""
    with open("/proc/1/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK



def bench(configs, client_counts=(1, 2)):
    results = {name: {c: ([], [], []) for c in client_counts} for name, _ in configs}
    for _ in range(ROUNDS):
        for name, text in configs:
            configure(text)
            for c in client_counts:
                rate, latencies, cpu = measure(c, max(1, LOOKUPS // c))
                results[name][c][0].append(rate)
                results[name][c][1].extend(latencies)
                results[name][c][2].append(cpu)
    configure(None)
    return results


def report(results, client_counts=(1, 2)):
    header = "%-40s" % "configuration" + "".join(
        " %11s %7s" % ("%d client%s/s" % (c, "s" if c > 1 else ""), "p50 ms") for c in client_counts)
    print(header + " %8s" % "CPU ms")
    for name, per in results.items():
        line = "%-40s" % name
        cpu = []
        for c in client_counts:
            rates, latencies, cpus = per[c]
            line += " %11.0f %7.2f" % (percentile(rates, 0.5), percentile(latencies, 0.5) * 1000)
            cpu.extend(cpus)
        print(line + " %8.2f" % (percentile(cpu, 0.5) * 1000))
    sys.stdout.flush()


def service_cpu(unit):
    """CPU seconds of a unit's cgroup: systemd's accounting, else the
    cgroup's own cpu.stat (cgroup v2) or cpuacct.usage (v1)."""
    value = run("systemctl", "show", "-P", "CPUUsageNSec", unit).stdout.strip()
    if value.isdigit():
        return int(value) / 1e9
    group = run("systemctl", "show", "-P", "ControlGroup", unit).stdout.strip()
    for path, scale in (("/sys/fs/cgroup%s/cpu.stat" % group, 1e-6),
                        ("/sys/fs/cgroup/unified%s/cpu.stat" % group, 1e-6),
                        ("/sys/fs/cgroup/cpuacct%s/cpuacct.usage" % group, 1e-9)):
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        m = re.search(r"usage_usec (\d+)", text) if path.endswith("cpu.stat") else re.match(r"(\d+)", text)
        if m:
            return int(m.group(1)) * scale
    sys.exit("bench-systemd: no CPU accounting for %s (CPUUsageNSec %r, ControlGroup %r)" % (unit, value, group))


def use_daemon(on):
    """Switches between the shipped per-connection units and nssrelayd.
    The benchmark switches more often than a socket's default start limit
    (5 in 10 s) allows; reset-failed clears the count."""
    systemctl("reset-failed")
    if on:
        # CPU accounting for service_cpu(); a runtime setting, gone at the
        # container's end.
        systemctl("set-property", "--runtime", "nssrelayd.service", "CPUAccounting=yes")
        systemctl("start", "nssrelayd.socket", "nssrelayd.service")  # Conflicts= stops nssrelay.socket
    else:
        systemctl("stop", "nssrelayd.socket", "nssrelayd.service")
        systemctl("start", "nssrelay.socket")
    for i in range(50):
        if raw_getpwnam("root") == 1:
            return
        time.sleep(0.1)
    sys.exit("bench-systemd: no answer after switching %s nssrelayd" % ("to" if on else "from"))


def measure(clients, per_client, daemon=False, paced=None):
    """Returns (lookups/s, latencies in s, CPU s per lookup) for `clients`
    parallel processes, or one paced to `paced` lookups a second. The CPU
    is PID 1's and its reaped children's (each nssrelay@ instance), and
    with `daemon` also nssrelayd.service's."""
    def cpu():
        return pid1_cpu() + (service_cpu("nssrelayd.service") if daemon else 0)

    def paced_client(i, w):
        times = []
        for n in range(per_client):
            delay = start + n / paced - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            t = time.monotonic()
            if raw_getpwnam("root") != 1:
                os._exit(1)
            times.append(time.monotonic() - t)
        os.write(w, (" ".join("%.6f" % t for t in times) + "\n").encode())
        os._exit(0)

    cpu0 = cpu()
    start = time.monotonic()
    if paced:
        data, statuses = fork_workers(1, paced_client)
    else:
        data, statuses = fork_workers(clients, lambda i, w: client(per_client, w))
    if any(statuses):
        sys.exit("bench-systemd: a lookup failed")
    elapsed = time.monotonic() - start
    latencies = [float(x) for x in data.split()]
    deadline = time.monotonic() + 10
    while live_instances() and time.monotonic() < deadline:
        time.sleep(0.01)
    if daemon:
        time.sleep(0.05)  # the last workers' exits reach the accounting
    return len(latencies) / elapsed, latencies, (cpu() - cpu0) / len(latencies)


def loadgen_paced(requests, rate):
    """The p50 in seconds of `requests` GETPWBYNAME "root" lookups paced
    to `rate` a second by the C load generator of make bench (the paced
    target's figure: the Python client adds 0.1 to 0.15 ms of its own)."""
    r = run(GUESTDIR + "/loadgen", "/run/nscd/socket", "0", "root", "1", str(requests), str(rate))
    m = re.search(r"p50_us=([\d.]+)", r.stdout)
    if r.returncode != 0 or not m or " failed=0" not in r.stdout:
        sys.exit("bench-systemd: the load generator failed: %r" % r.stdout)
    return float(m.group(1)) / 1e6


def everyday(rounds=100):
    """Seconds for `id root; ls -l /etc`, `rounds` times, each a fresh
    process as at a shell."""
    start = time.monotonic()
    for _ in range(rounds):
        run("sh", "-c", "id root >/dev/null; ls -l /etc >/dev/null")
    return time.monotonic() - start


def dynamic_user(runs=9):
    """`systemd-run --wait -p DynamicUser=yes true` with nssrelayd, with no
    nscd socket, and once with nssrelay.socket (on systemd 252 PID 1
    stalls for 5 s there). Passwd and group from files only, then with
    this root's nsswitch.conf (nss-systemd: each of the unit's lookups
    makes a worker ask PID 1 over varlink while PID 1 is busy starting the
    unit, which the unit's own process, looking up in-process, does not)."""
    cmd = ["systemd-run", "--wait", "--quiet", "-p", "DynamicUser=yes", "true"]

    def timed_runs(n):
        times = []
        for _ in range(n):
            t = time.monotonic()
            run(*cmd)
            times.append(time.monotonic() - t)
        return times

    with open("/etc/nsswitch.conf") as f:
        nsswitch = f.read()
    files_only = re.sub(r"(?m)^(passwd|group):.*$", r"\1: files", nsswitch)
    print("\nsystemd-run --wait -p DynamicUser=yes true, medians of %d runs, in alternating rounds:" % runs)
    results = {}
    try:
        for label, text in (("passwd and group from files", files_only), ("nsswitch.conf as shipped", nsswitch)):
            with open("/etc/nsswitch.conf", "w") as f:
                f.write(text)
            times = {"daemon": [], "none": []}
            for _ in range(3):
                use_daemon(True)
                times["daemon"] += timed_runs(runs // 3)
                systemctl("stop", "nssrelayd.socket", "nssrelayd.service", "nssrelay.socket")
                times["none"] += timed_runs(runs // 3)
            results[label] = {m: percentile(v, 0.5) for m, v in times.items()}
        use_daemon(False)
        accept = timed_runs(1)[0]
    finally:
        with open("/etc/nsswitch.conf", "w") as f:
            f.write(nsswitch)
        use_daemon(False)
    for label, r in results.items():
        print("%-30s nssrelayd %6.1f ms, no nscd socket %6.1f ms: %.2f x" % (
            label, r["daemon"] * 1000, r["none"] * 1000, r["daemon"] / r["none"]))
    print("%-30s nssrelay.socket (Accept=yes) %.2f s" % ("nsswitch.conf as shipped", accept))
    r = results["passwd and group from files"]
    print("target: nssrelayd <= 1.2 x no socket (files): %.2f x, %s" % (
        r["daemon"] / r["none"], "met" if r["daemon"] <= 1.2 * r["none"] else "NOT MET"))


def bench_modes():
    """nssrelay.socket (Accept=yes, shipped) against nssrelayd (shipped
    units), in alternating rounds; then the everyday workload, and the
    same with no nscd socket at all."""
    print("\nThe two ways to run under systemd 252 (shipped units), GETPWBYNAME 'root':")
    counts = (1, 2, 8)
    results = {m: {c: ([], [], []) for c in counts} for m in ("accept", "daemon")}
    paced = {"accept": [], "daemon": []}
    paced_c = {"accept": [], "daemon": []}
    for _ in range(ROUNDS):
        for mode in ("accept", "daemon"):
            use_daemon(mode == "daemon")
            for c in counts:
                n = LOOKUPS * (1 if mode == "accept" else 4)
                rate, latencies, cpu = measure(c, max(1, n // c), daemon=mode == "daemon")
                results[mode][c][0].append(rate)
                results[mode][c][1].extend(latencies)
                results[mode][c][2].append(cpu)
            paced[mode].extend(measure(1, 100, daemon=mode == "daemon", paced=100)[1])
            paced_c[mode].append(loadgen_paced(100, 100))
    print("%-34s" % "mode" + "".join(" %11s %7s" % ("%d client%s/s" % (c, "s" if c > 1 else ""), "p50 ms")
                                     for c in counts) + " %8s %12s %12s" % ("CPU ms", "paced p50 ms",
                                                                              "(Python) ms"))
    summary = {}
    for mode, label in (("accept", "nssrelay.socket (Accept=yes)"), ("daemon", "nssrelayd")):
        line = "%-34s" % label
        cpus = []
        for c in counts:
            rates, latencies, cpu = results[mode][c]
            line += " %11.0f %7.2f" % (percentile(rates, 0.5), percentile(latencies, 0.5) * 1000)
            cpus.extend(cpu)
            summary[(mode, c)] = percentile(rates, 0.5)
        summary[(mode, "cpu")] = percentile(cpus, 0.5)
        summary[(mode, "paced")] = percentile(paced_c[mode], 0.5)
        print(line + " %8.2f %12.2f %12.2f" % (summary[(mode, "cpu")] * 1000, summary[(mode, "paced")] * 1000,
                                               percentile(paced[mode], 0.5) * 1000))
    ratio = summary[("daemon", 2)] / summary[("accept", 2)]
    print("target: nssrelayd >= 10 x Accept=yes with 2 clients: %.1f x, %s" % (ratio, "met" if ratio >= 10 else "NOT MET"))
    print("target: nssrelayd p50 at a paced 100/s <= 0.5 ms: %.2f ms, %s" % (
        summary[("daemon", "paced")] * 1000, "met" if summary[("daemon", "paced")] <= 0.0005 else "NOT MET"))
    share = summary[("daemon", "cpu")] / summary[("accept", "cpu")]
    print("target: nssrelayd CPU per lookup <= 1/4 of Accept=yes: %.2f x, %s" % (share, "met" if share <= 0.25 else "NOT MET"))

    print("\nEveryday commands: `id root; ls -l /etc`, 100 times, each in a fresh shell:")
    times = {}
    for _ in range(ROUNDS):
        for mode in ("accept", "daemon", "none"):
            if mode == "none":
                systemctl("stop", "nssrelayd.socket", "nssrelayd.service", "nssrelay.socket")
            else:
                use_daemon(mode == "daemon")
            times.setdefault(mode, []).append(everyday())
    use_daemon(False)
    for mode, label in (("accept", "nssrelay.socket (Accept=yes)"), ("daemon", "nssrelayd"),
                        ("none", "no nscd socket")):
        print("%-34s %6.2f s" % (label, percentile(times[mode], 0.5)))
    ratio = percentile(times["daemon"], 0.5) / percentile(times["none"], 0.5)
    print("target: nssrelayd <= 2 x no socket: %.2f x, %s" % (ratio, "met" if ratio <= 2 else "NOT MET"))
    dynamic_user()
    print("\nsystemd-analyze security nssrelayd.service:")
    print(run("systemd-analyze", "security", "--no-pager", "nssrelayd.service").stdout.splitlines()[-1])


def main():
    if os.environ.get("BENCH_ONLY") == "modes":
        bench_modes()
        return 0
    text = template_text()
    bare = without_sandboxing(text)
    print("bench-systemd: GETPWBYNAME \"root\", one connection per lookup, %d rounds of %d lookups" %
          (ROUNDS, LOOKUPS))
    print("(shared 2-core machines are noisy: compare rows of one run, not runs; CPU ms is the")
    print(" CPU time per lookup of PID 1 and the instance, from fork to exit, the steadiest figure)")
    configs = [
        ("nssrelay, shipped units", None),
        ("nssrelay, shipped + seccomp options", with_option(text, SECCOMP_OPTIONS)),
        ("nssrelay, shipped + mount namespace", with_option(text, MOUNT_NAMESPACE_OPTIONS)),
        ("nssrelay, no sandboxing", bare),
        ("floor handler, shipped units", with_floor(text)),
        ("floor handler, no sandboxing", with_floor(bare)),
    ]
    report(bench(configs))

    bench_modes()

    if os.environ.get("NSSRELAY_BENCH_OPTIONS"):
        print("\nEach option alone on top of \"no sandboxing\" (1 client):")
        configs = [("(none)", bare)] + [(option, with_option(bare, option)) for option in OPTIONS]
        report(bench(configs, client_counts=(1,)), client_counts=(1,))

    print("\nsystemd-analyze security nssrelay@.service (shipped template):")
    print(run("systemd-analyze", "security", "--no-pager", "nssrelay@.service").stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
