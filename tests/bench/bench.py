# SPDX-License-Identifier: LGPL-2.1-or-later
"""`make bench`: what a lookup through nssrelay costs (GETPWBYNAME and
GETAI), next to baselines
measured in the same run under the same launcher.

Every handler runs under systemd-socket-activate --accept (one process
per connection, as with Accept=yes) in a private mount namespace over the
same fixture files; a C load generator sends raw requests as glibc's
client does, one per connection. Baselines:
- floor: the smallest possible handler (tests/bench/floor.c: read one
  request, getpwnam or getaddrinfo, writev, exit; libc only);
- floor + nscd off: the same, calling __nss_disable_nscd() first, as any
  handler must where the socket is visible (under systemd): its cost
  grows with the modules nsswitch.conf names;
- floor + libsystemd: the floor linked with libsystemd, which is why
  nssrelay does not link it.
nssrelay runs confined (the default: it becomes the client, drops every
capability, Landlock, seccomp) and unconfined (--confine=no), and
confined for a client of uid 65534 (a real switch of credentials; the
other rows' client is root). A last section reads the cost of each
confinement step from nssrelay's debug log.
A table (alone with BENCH_ONLY=netns) prices hosts lookups from another
network namespace: the same nssrelay service, GETAI from a load
generator in its namespace and in a network namespace of its own (which
enters that namespace and binds the client's resolv.conf, nssrelay(8)
NETWORK NAMESPACES), GETPWBYNAME from there as a control (no namespace
step), and --netns=server.
The last table (alone with BENCH_ONLY=modes) compares the two ways to
run: nssrelay per connection, nssrelayd with forked and with exec'd
workers, Debian's glibc nscd with its cache on (what a user would pick
instead), and the fork floor (tests/bench/floor.c built with FORK_FLOOR:
accept, fork, the floor's lookup, exit; the ceiling of any server that
runs each lookup in a new process), from 1 to 32 clients, with the
service's CPU time per lookup from a cgroup of its own.
Figures are printed, not asserted; the target lines say whether
nssrelay's throughput is at least 0.85 x the floor's, whether
confinement costs at most 0.2 ms per lookup, and whether nssrelayd
meets its throughput goals against the per-connection mode and nscd.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import nsstest  # noqa: E402
from nsstest import GETPWBYNAME, Sandbox  # noqa: E402

BENCH = os.path.join(nsstest.BUILDDIR, "tests", "bench")
LOADGEN = os.path.join(BENCH, "loadgen")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
WARMUP = 200
ROUNDS = 5
TARGET = 0.85

PASSWD = ("root:x:0:0:root:/root:/bin/sh\n"
          "alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n")
HOSTS = ("127.0.0.1 localhost\n"
         "192.0.2.10 web.example.test web www\n"
         "2001:db8::10 web.example.test web www\n")
FIXTURE = {"passwd": PASSWD, "hosts": HOSTS}

# (name, program, client uid or None for root)
HANDLERS = [
    ("floor (libc only)", [os.path.join(BENCH, "floor")], None),
    ("floor + nscd off", [os.path.join(BENCH, "floor_nscd_off")], None),
    ("floor + libsystemd", [os.path.join(BENCH, "floor_libsystemd")], None),
    ("nssrelay unconfined", [nsstest.NSSRELAY, "--confine=no"], None),
    ("nssrelay confined", [nsstest.NSSRELAY], None),
    ("confined, uid 65534", [nsstest.NSSRELAY], nsstest.NOBODY),
]
CONFINE_TARGET_US = 200

# The lookups measured: (label, request type, key). GETAI "web" answers
# one IPv4 and one IPv6 address from the fixture's /etc/hosts.
LOOKUPS = [("GETPWBYNAME alice", GETPWBYNAME, "alice"), ("GETAI web", nsstest.GETAI, "web")]


def parse(line):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def as_user(user):
    return [] if user is None else ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"]


def measure(sb, req_type, key, clients, requests, user=None, prefix=(), rate=None):
    r = subprocess.run(list(prefix) + as_user(user) + [LOADGEN, sb.socket_path, str(req_type), key,
                                                       str(clients), str(requests)] +
                       ([str(rate)] if rate else []),
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("load generator failed: %s %s" % (r.stdout, r.stderr))
    return parse(r.stdout)


def peak_rss(sb, req_type, key, program):
    r = sb.reference([LOADGEN, "--rss", str(req_type), key] + program)
    if r.returncode != 0:
        raise RuntimeError("rss probe failed: %r %r" % (r.stdout, r.stderr))
    return parse(r.stdout.decode())["peak_rss_kib"]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def run_config(title, etc, lookups, results):
    """Measures every handler in interleaved rounds, so that load from
    elsewhere on the machine hits them alike; reports per-round medians."""
    print("\n%s" % title)
    print("%-22s %-20s %7s %10s %8s %8s %9s" % ("handler", "lookup", "clients", "lookups/s",
                                                "p50 us", "p99 us", "vs floor"))
    sandboxes = []
    try:
        for name, program, user in HANDLERS:
            # The floor cannot keep its own glibc off the socket, so no
            # handler sees the socket at /run/nscd here; nssrelay still
            # pays for switching its nscd client off.
            sandboxes.append((name, program, user, Sandbox(server_etc=etc, log=None, program=program,
                                                           server_sees_socket=False).start()))
        rounds = {}
        for name, _, user, sb in sandboxes:
            measure(sb, lookups[0][1], lookups[0][2], 1, WARMUP, user)
        for _ in range(ROUNDS):
            for label, req_type, key in lookups:
                for clients in (1, 2):
                    for name, _, user, sb in sandboxes:
                        m = measure(sb, req_type, key, clients, REQUESTS // ROUNDS, user)
                        rounds.setdefault((name, label, clients), []).append(m)
        def summary(name, label, clients):
            ms = rounds[(name, label, clients)]
            return {k: median([x[k] for x in ms]) for k in ms[0]}

        for label, _, _ in lookups:
            for clients in (1, 2):
                floor = summary(HANDLERS[0][0], label, clients)["lookups_per_s"]
                for name, _, _, _ in sandboxes:
                    m = summary(name, label, clients)
                    ratio = m["lookups_per_s"] / floor
                    results[(title, name, label, clients)] = (m, ratio)
                    print("%-22s %-20s %7d %10.0f %8.0f %8.0f %9.2f" % (
                        name, label, clients, m["lookups_per_s"], m["p50_us"], m["p99_us"],
                        ratio))
        rss = {name: peak_rss(sb, lookups[0][1], lookups[0][2], program)
               for name, program, _, sb in sandboxes}
        print("peak RSS of one instance: " +
              ", ".join("%s %d KiB" % (name, rss[name]) for name, _, _ in HANDLERS))
    finally:
        for _, _, _, sb in sandboxes:
            sb.close()


STEPS = ("prepare", "credentials", "capabilities", "Landlock", "seccomp")


def confinement_steps(etc, lookups=400):
    """Each step's cost as nssrelay's debug log reports it, for a root
    client and a uid 65534 client: median and 90th percentile."""
    print("\nconfinement steps (us, from the debug log; %d GETPWBYNAME lookups each)" % lookups)
    print("%-14s %-14s %8s %8s" % ("client", "step", "p50 us", "p90 us"))
    out = {}
    for label, user in (("root", None), ("uid 65534", nsstest.NOBODY)):
        with Sandbox(server_etc=etc, log="debug", server_sees_socket=False) as sb:
            measure(sb, GETPWBYNAME, "alice", 1, lookups, user)
            lines = [l for l in sb.log_text().splitlines() if "confined in " in l]
        values = {step: [] for step in ("total",) + STEPS}
        for l in lines:
            values["total"].append(int(re.search(r"confined in (\d+) us", l).group(1)))
            for step in STEPS:
                values[step].append(int(re.search(r"%s (\d+)" % step, l).group(1)))
        for step, v in values.items():
            v.sort()
            p50, p90 = v[len(v) // 2], v[len(v) * 9 // 10]
            out[(label, step)] = p50
            print("%-14s %-14s %8d %8d" % (label, step, p50, p90))
        m = re.search(r"\((\d+) instructions\)", lines[-1])
    print("seccomp program: %s instructions" % (m.group(1) if m else "?"))
    return out


def run_netns(results):
    """The added cost of a lookup from another network namespace, against
    the same lookup from ours, in interleaved rounds on one service."""
    from netns import PrivateNetwork
    title = "hosts lookups from another network namespace (fixture, files only)"
    print("\n%s" % title)
    print("%-40s %7s %10s %8s %8s" % ("client", "clients", "lookups/s", "p50 us", "p99 us"))
    with PrivateNetwork() as net, \
            Sandbox(server_etc=FIXTURE, log=None, server_sees_socket=False) as sb, \
            Sandbox(server_etc=FIXTURE, log=None, server_sees_socket=False,
                    server_env={"NSSRELAY_NETNS": "server"}) as sb_server:
        other = ["nsenter", "--net=" + net.path]
        rows = [
            ("GETAI, client in our namespace", sb, nsstest.GETAI, "web", []),
            ("GETAI, client in another namespace", sb, nsstest.GETAI, "web", other),
            ("GETAI, our namespace, --netns=server", sb_server, nsstest.GETAI, "web", []),
            ("GETPWBYNAME, client in another namespace", sb, GETPWBYNAME, "alice", other),
            ("GETAI, another namespace, --netns=server", sb_server, nsstest.GETAI, "web", other),
        ]
        for _, box, req_type, key, prefix in rows:
            measure(box, req_type, key, 1, WARMUP, prefix=prefix)
        rounds = {}
        for _ in range(ROUNDS):
            for clients in (1, 2):
                for label, box, req_type, key, prefix in rows:
                    m = measure(box, req_type, key, clients, REQUESTS // ROUNDS, prefix=prefix)
                    rounds.setdefault((label, clients), []).append(m)
        for clients in (1, 2):
            for label, _, _, _, _ in rows:
                ms = rounds[(label, clients)]
                m = {k: median([x[k] for x in ms]) for k in ms[0]}
                results[(title, label, clients)] = m
                print("%-40s %7d %10.0f %8.0f %8.0f" % (label, clients, m["lookups_per_s"], m["p50_us"],
                                                       m["p99_us"]))
        for clients in (1, 2):
            ours = results[(title, rows[0][0], clients)]
            theirs = results[(title, rows[1][0], clients)]
            off = results[(title, rows[2][0], clients)]
            plural = "s" if clients > 1 else ""
            print("a namespaced GETAI (%d client%s): +%.0f us p50, %.2f x the lookups/s of one from our "
                  "namespace" % (clients, plural, theirs["p50_us"] - ours["p50_us"],
                                 theirs["lookups_per_s"] / ours["lookups_per_s"]))
            print("a GETAI from our namespace (%d client%s), --netns=client against server: %+.0f us p50, "
                  "%.2f x the lookups/s" % (clients, plural, ours["p50_us"] - off["p50_us"],
                                            ours["lookups_per_s"] / off["lookups_per_s"]))



def descendants(pid):
    """The PIDs of pid's children, their children and so on."""
    found = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            continue
        for child in children:
            found += [child] + descendants(child)
    return found


class CpuAccount:
    """The CPU time of a process and everything it starts, through a
    cgroup of its own (cgroup v1's cpuacct, else v2's cpu.stat); None
    where neither can be made."""

    ROOTS = (("/sys/fs/cgroup/cpuacct", "cpuacct.usage", 1e-9),
             ("/sys/fs/cgroup/unified", "cpu.stat", 1e-6),
             ("/sys/fs/cgroup", "cpu.stat", 1e-6))

    def __init__(self, pid, name):
        self.path = None
        for root, stat, unit in self.ROOTS:
            if not os.path.exists(os.path.join(root, stat)) and not os.path.isdir(root):
                continue
            path = os.path.join(root, "nssrelay-bench.%d.%s" % (os.getpid(), name))
            try:
                os.makedirs(path, exist_ok=True)
                # The process and what it has started already (nssrelayd's
                # template and idle workers); what they start later follows.
                for p in [pid] + descendants(pid):
                    with open(os.path.join(path, "cgroup.procs"), "w") as f:
                        f.write(str(p))
            except OSError:
                continue
            if os.path.exists(os.path.join(path, stat)):
                self.path, self.stat, self.unit = path, stat, unit
                return

    def seconds(self):
        if not self.path:
            return None
        with open(os.path.join(self.path, self.stat)) as f:
            text = f.read()
        value = int(text.split()[0]) if self.stat == "cpuacct.usage" else \
            int(re.search(r"usage_usec (\d+)", text).group(1))
        return value * self.unit

    def close(self):
        if not self.path:
            return
        # Move what is left back to the root, then remove the group.
        root = os.path.dirname(self.path)
        try:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                pids = f.read().split()
            for pid in pids:
                with open(os.path.join(root, "cgroup.procs"), "w") as f:
                    f.write(pid)
            os.rmdir(self.path)
        except OSError:
            pass


MODE_CLIENTS = (1, 2, 8, 32)
FORK_FLOOR = "fork floor (bench only)"
PACED_RATE = 200


def run_modes(results):
    """The two ways to run, and what a user would pick instead: nssrelay
    per connection (as nssrelay.socket runs it), nssrelayd with forked
    and with exec'd workers, Debian's glibc nscd with its cache on, and the
    fork floor.
    Lookups/s, p50, p99 and the service's CPU per lookup, in interleaved
    rounds; then p50 at a paced 200 lookups/s."""
    from refnscd import RefNscd
    title = "two ways to run (fixture, files only), and glibc's nscd"
    print("\n%s" % title)
    print("%-28s %-18s %7s %10s %8s %8s %8s" % ("service", "lookup", "clients", "lookups/s", "p50 us",
                                                "p99 us", "CPU us"))
    services = []
    try:
        for name, launcher in (("per connection (Accept=yes)", "accept"), ("nssrelayd, forked workers", "fork"),
                               ("nssrelayd, exec'd workers", "exec")):
            sb = Sandbox(server_etc=FIXTURE, log=None, launcher=launcher, server_sees_socket=False).start()
            services.append((name, sb, CpuAccount(sb.server.pid, launcher)))
        sb = Sandbox(server_etc=FIXTURE, log=None, program=[os.path.join(BENCH, "floor_fork")],
                     launcher="listen", server_sees_socket=False).start()
        services.append((FORK_FLOOR, sb, CpuAccount(sb.server.pid, "floor_fork")))
        ref = RefNscd(FIXTURE).start()
        services.append(("glibc nscd (caching)", ref, CpuAccount(ref.proc.pid, "nscd")))
        for _, sb, _ in services:
            measure(sb, GETPWBYNAME, "alice", 1, WARMUP)
        rounds = {}
        for _ in range(ROUNDS):
            for label, req_type, key in LOOKUPS:
                for clients in MODE_CLIENTS:
                    for name, sb, cpu in services:
                        before = cpu.seconds()
                        n = max(REQUESTS // ROUNDS, clients * 20)
                        m = measure(sb, req_type, key, clients, n)
                        after = cpu.seconds()
                        m["cpu_us"] = (after - before) / n * 1e6 if before is not None else float("nan")
                        rounds.setdefault((name, label, clients), []).append(m)
        for label, _, _ in LOOKUPS:
            for clients in MODE_CLIENTS:
                for name, _, _ in services:
                    ms = rounds[(name, label, clients)]
                    m = {k: median([x[k] for x in ms]) for k in ms[0]}
                    results[(title, name, label, clients)] = m
                    print("%-28s %-18s %7d %10.0f %8.0f %8.0f %8.0f" % (
                        name, label, clients, m["lookups_per_s"], m["p50_us"], m["p99_us"], m["cpu_us"]))
        print("p50 at a paced %d lookups/s (GETPWBYNAME, 1 client): " % PACED_RATE + ", ".join(
            "%s %.0f us" % (name, measure(sb, GETPWBYNAME, "alice", 1, PACED_RATE * 2, rate=PACED_RATE)["p50_us"])
            for name, sb, _ in services))
    finally:
        for _, sb, cpu in services:
            sb.close()
            cpu.close()
    # The goals, measured in this run.
    for label, _, _ in LOOKUPS:
        acc = results[(title, "per connection (Accept=yes)", label, 2)]["lookups_per_s"]
        fork = results[(title, "nssrelayd, forked workers", label, 2)]["lookups_per_s"]
        nscd = results[(title, "glibc nscd (caching)", label, 2)]["lookups_per_s"]
        print("target: nssrelayd >= 3 x per connection (%s, 2 clients): %.1f x, %s" % (
            label, fork / acc, "met" if fork >= 3 * acc else "NOT MET"))
        print("target: nssrelayd >= 0.25 x glibc's caching nscd (%s, 2 clients): %.2f x, %s" % (
            label, fork / nscd, "met" if fork >= 0.25 * nscd else "NOT MET"))
        floor = results[(title, FORK_FLOOR, label, 2)]["lookups_per_s"]
        print("  a fork per lookup at its least (the fork floor, %s, 2 clients): %.2f x glibc's nscd; "
              "nssrelayd %.2f x the fork floor" % (label, floor / nscd, fork / floor))


def main():
    if os.geteuid() != 0:
        sys.exit("bench: needs root for private mount namespaces")
    print("nssrelay benchmark: %d lookups per row in %d interleaved rounds (medians), one "
          "connection per lookup, under systemd-socket-activate --accept, on %d CPUs"
          % (REQUESTS, ROUNDS, os.cpu_count()))
    results = {}
    # BENCH_ONLY=netns or modes: only that table.
    if os.environ.get("BENCH_ONLY") == "netns":
        run_netns(results)
        return
    if os.environ.get("BENCH_ONLY") == "modes":
        run_modes(results)
        return
    fixture_title = "nsswitch.conf: fixture (files only)"
    run_config(fixture_title, FIXTURE, LOOKUPS, results)
    host = dict(FIXTURE)
    with open("/etc/nsswitch.conf") as f:
        host["nsswitch.conf"] = f.read()
    host_title = "nsswitch.conf: this machine's (nscd off loads every module it names)"
    run_config(host_title, host, LOOKUPS[:1], results)
    steps = confinement_steps(FIXTURE)
    run_netns(results)
    run_modes(results)

    print()
    for label, _, _ in LOOKUPS:
        for clients in (1, 2):
            m, ratio = results[(fixture_title, "nssrelay confined", label, clients)]
            print("target: nssrelay >= %.2f x floor throughput (%s, %d client%s, fixture): "
                  "%.2f, %s" % (TARGET, label, clients, "s" if clients > 1 else "", ratio,
                                "met" if ratio >= TARGET else "NOT MET"))
    for label, _, _ in LOOKUPS:
        for clients in (1, 2):
            confined = results[(fixture_title, "nssrelay confined", label, clients)][0]
            unconfined = results[(fixture_title, "nssrelay unconfined", label, clients)][0]
            nobody = results[(fixture_title, "confined, uid 65534", label, clients)][0]
            print("confinement (%s, %d client%s): p50 %+.0f us for a root client, %+.0f us for uid "
                  "65534, against unconfined" % (label, clients, "s" if clients > 1 else "",
                                                 confined["p50_us"] - unconfined["p50_us"],
                                                 nobody["p50_us"] - unconfined["p50_us"]))
    for who in ("root", "uid 65534"):
        total = steps[(who, "total")]
        print("target: confinement <= %d us per lookup (%s client, from the debug log): %d us, %s" % (
            CONFINE_TARGET_US, who, total, "met" if total <= CONFINE_TARGET_US else "NOT MET"))
    # With every module this machine names, most of a lookup is glibc
    # loading them for __nss_disable_nscd(); any handler behind the socket
    # pays that, so compare with the floor that does the same.
    label = LOOKUPS[0][0]
    for clients in (1, 2):
        relay = results[(host_title, "nssrelay confined", label, clients)][0]["lookups_per_s"]
        floor = results[(host_title, "floor + nscd off", label, clients)][0]["lookups_per_s"]
        print("this machine's nsswitch.conf (%s, %d client%s): nssrelay %.2f x the bare floor, "
              "%.2f x the floor with nscd off" % (
                  label, clients, "s" if clients > 1 else "",
                  results[(host_title, "nssrelay confined", label, clients)][1], relay / floor))


main()
