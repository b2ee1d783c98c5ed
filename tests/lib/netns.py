# SPDX-License-Identifier: LGPL-2.1-or-later
"""Private network namespaces for tests, and the servers that live in them.

A PrivateNetwork is a new network namespace with only its loopback
interface up, held open by a small process and reached with nsenter
through /proc/PID/ns/net: nothing is created on the host (no ip netns
name), and the namespace goes away with its last process. Every address
a test uses is a loopback address inside it, so no packet leaves it.
"""

import os
import signal
import subprocess


class PrivateNetwork:
    def __init__(self, lifetime=600, addresses=()):
        """'addresses' are put on lo beside 127.0.0.1 and ::1 (e.g.
        192.0.2.1/32): glibc's AI_ADDRCONFIG ignores loopback addresses,
        not the loopback interface, so this gives a namespace that counts
        as having IPv4 and IPv6 while every packet stays on lo."""
        setup = "ip link set lo up"
        for a in addresses:
            setup += " && ip addr add %s dev lo%s" % (a, " nodad" if ":" in a else "")
        # The holder exits by itself after 'lifetime' seconds at the latest.
        self.holder = subprocess.Popen(
            ["unshare", "--net", "--", "sh", "-c",
             "%s && echo ready && exec sleep %d" % (setup, lifetime)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        line = self.holder.stdout.readline()
        if line.strip() != b"ready":
            self.holder.kill()
            raise RuntimeError("cannot set up a network namespace: %r" % line)
        self.path = "/proc/%d/ns/net" % self.holder.pid
        self.procs = []

    def command(self, argv):
        return ["nsenter", "--net=" + self.path] + list(argv)

    def run(self, argv, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("timeout", 60)
        return subprocess.run(self.command(argv), **kw)

    def popen(self, argv, **kw):
        kw.setdefault("start_new_session", True)
        p = subprocess.Popen(self.command(argv), **kw)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def close(self):
        for p in self.procs + [self.holder]:
            self.stop(p)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_for_udp_answer(net, addr, timeout=10.0):
    """Waits until something answers DNS on addr:53 inside net."""
    probe = ("import socket,struct,sys,time\n"
             "end=time.monotonic()+%f\n"
             "q=struct.pack('>HHHHHH',1,0x100,1,0,0,0)+b'\\x05probe\\x00\\x00\\x01\\x00\\x01'\n"
             "while time.monotonic()<end:\n"
             " s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(0.2)\n"
             " try:\n"
             "  s.sendto(q,(%r,53));s.recv(512);sys.exit(0)\n"
             " except OSError:\n"
             "  time.sleep(0.02)\n"
             "sys.exit(1)\n") % (timeout, addr)
    return net.run(["python3", "-c", probe], timeout=timeout + 5).returncode == 0


class Dnsmasq:
    """dnsmasq answering from --host-record/--cname lines on one loopback
    address of a PrivateNetwork, authoritative for 'domain' ('#': every
    name): anything else there is NXDOMAIN, never forwarded."""

    def __init__(self, net, addr, records, domain="#", log_path=None):
        argv = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--bind-interfaces", "--listen-address=" + addr, "--port=53",
                "--user=root", "--group=root", "--pid-file=", "--local=/%s/" % domain,
                "--log-queries", "--log-facility=-"] + list(records)
        self.log_path = log_path
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.proc = net.popen(argv, stdout=out, stderr=subprocess.STDOUT)
        self.net = net
        if not wait_for_udp_answer(net, addr):
            raise RuntimeError("dnsmasq on %s did not come up" % addr)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        self.net.stop(self.proc)


class Blackhole:
    """A UDP and TCP port 53 on addr that takes queries and never answers."""

    def __init__(self, net, addr, lifetime=300):
        code = ("import socket,time\n"
                "u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);u.bind((%r,53))\n"
                "t=socket.socket();t.bind((%r,53));t.listen(8)\n"
                "print('ready',flush=True)\n"
                "time.sleep(%d)\n") % (addr, addr, lifetime)
        self.proc = net.popen(["python3", "-c", code], stdout=subprocess.PIPE)
        if self.proc.stdout.readline().strip() != b"ready":
            raise RuntimeError("blackhole on %s did not come up" % addr)
        self.net = net

    def stop(self):
        self.net.stop(self.proc)
