# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hosts through nssrelay with real DNS: dnsmasq on loopback addresses of a
private network namespace, 'hosts: files dns' in the server's view.

Covers A and AAAA answers, CNAMEs, NXDOMAIN, answers too large for UDP,
reverse lookups, a server that never answers, and the second seed's
story: a long-running client keeps resolving while the server's
resolv.conf and hosts change under it, and sees the new answers at once.
"""

import os
import re
import socket
import struct
import subprocess
import time

import nsstest
from netns import Blackhole, Dnsmasq, PrivateNetwork
from nsstest import (GETAI, GETHOSTBYNAME, GETHOSTBYNAMEv6, Sandbox, Tap, dynamic_etc, replace_file,
                     same_output)

DNS_A, DNS_B, HOLE = "127.0.0.2", "127.0.0.3", "127.0.0.4"
RESOLV_OPTIONS = "options timeout:1 attempts:1\n"
MANY_A, MANY_AAAA = 40, 30

records_a = [
    "--host-record=web.dns.test,192.0.2.10,2001:db8::10",
    "--host-record=v4.dns.test,192.0.2.30",
    "--host-record=v6.dns.test,2001:db8::20",
    "--cname=alias.dns.test,web.dns.test",
    "--host-record=svc.dns.test,192.0.2.101",
] + ["--host-record=many.dns.test,198.51.100.%d" % i for i in range(MANY_A)] + [
    "--host-record=many.dns.test,2001:db8:1::%x" % i for i in range(MANY_AAAA)]
# The second server knows svc.dns.test under another address.
records_b = ["--host-record=svc.dns.test,192.0.2.102"]

server_nsswitch = nsstest.BASE_ETC["nsswitch.conf"].replace("hosts: files", "hosts: files dns")

tap = Tap()
nsstest.require_root(tap)


PY_CALLS = r'''
import ctypes, socket, sys
A = socket
def show(what, f):
    try:
        r = f()
    except socket.herror:
        r = "herror"
    except socket.gaierror as e:
        r = "gaierror %s" % e.args[0]
    print(what, r, flush=True)
libc = ctypes.CDLL("libc.so.6", use_errno=True)
def byname2_r(name, af):
    buf = ctypes.create_string_buffer(1 << 16)
    he, res, herr = ctypes.create_string_buffer(64), ctypes.c_void_p(), ctypes.c_int(99)
    rc = libc.gethostbyname2_r(name.encode(), af, he, buf, len(buf), ctypes.byref(res), ctypes.byref(herr))
    return "rc=%d found=%s h_errno=%s" % (rc, bool(res.value), herr.value if not res.value else "-")
for n in sys.argv[1:]:
    show("unspec canon " + n, lambda: A.getaddrinfo(n, None, 0, A.SOCK_STREAM, 0, A.AI_CANONNAME))
    show("v6 mapped all " + n, lambda: A.getaddrinfo(n, None, A.AF_INET6, A.SOCK_STREAM, 0, A.AI_V4MAPPED | A.AI_ALL))
    show("v6 mapped " + n, lambda: A.getaddrinfo(n, None, A.AF_INET6, A.SOCK_STREAM, 0, A.AI_V4MAPPED))
    show("v6 " + n, lambda: A.getaddrinfo(n, None, A.AF_INET6, A.SOCK_STREAM))
    show("v4 " + n, lambda: A.getaddrinfo(n, None, A.AF_INET, A.SOCK_STREAM))
    show("v4 canon " + n, lambda: A.getaddrinfo(n, None, A.AF_INET, A.SOCK_STREAM, 0, A.AI_CANONNAME))
    show("service " + n, lambda: A.getaddrinfo(n, "53", 0, A.SOCK_DGRAM, 0, A.AI_NUMERICSERV))
    show("ex " + n, lambda: A.gethostbyname_ex(n))
    show("byname2_r v4 " + n, lambda: byname2_r(n, A.AF_INET))
    show("byname2_r v6 " + n, lambda: byname2_r(n, A.AF_INET6))
'''

LOOP = r'''
import socket, sys, time
def v4(name):
    try:
        return ",".join(sorted(set(a[4][0] for a in socket.getaddrinfo(name, None)
                                   if a[0] == socket.AF_INET)))
    except socket.gaierror as e:
        return "error%d" % e.args[0]
for i in range(int(sys.argv[1])):
    start = time.monotonic()
    print("%d %.6f %s %s" % (i, start, v4("svc.dns.test"), v4("edited.test")), flush=True)
    time.sleep(0.1)
'''

with PrivateNetwork(addresses=["192.0.2.1/32", "2001:db8::1/128"]) as net:
    logs = nsstest.tempfile.mkdtemp(prefix="nssrelay-dns.", dir="/tmp")
    dns_a = Dnsmasq(net, DNS_A, records_a, log_path=os.path.join(logs, "a.log"))
    dns_b = Dnsmasq(net, DNS_B, records_b, log_path=os.path.join(logs, "b.log"))
    hole = Blackhole(net, HOLE)

    sb = Sandbox(server_etc={"nsswitch.conf": server_nsswitch}, netns=net.path)
    paths = dynamic_etc(sb, {
        "resolv.conf": "nameserver %s\n%s" % (DNS_A, RESOLV_OPTIONS),
        "hosts": "127.0.0.1 localhost\n::1 localhost\n192.0.2.201 edited.test\n",
    })
    sb.start()
    try:
        for name in ("web.dns.test", "svc.dns.test", "edited.test"):
            r = sb.client_alone(["getent", "ahosts", name])
            tap.eq(r.returncode, 2, "without the socket the client cannot resolve %s" % name)

        # -- A, AAAA, CNAME, NXDOMAIN, large answers, reverse --------------
        mark = sb.mark()
        got = same_output(tap, sb, ["getent", "ahosts", "web.dns.test"], "getent ahosts web.dns.test",
                          expect_rc=0)
        tap.ok(got is not None and b"192.0.2.10" in got.stdout and b"2001:db8::10" in got.stdout,
               "web.dns.test: the A and the AAAA answer arrive")
        tap.ok(any(": found" in l for l in sb.lines_since(mark, 'GETAI "web.dns.test"')),
               "nssrelay answered the GETAI")
        tap.ok("query[AAAA] web.dns.test" in dns_a.log_text(), "dnsmasq was asked for the AAAA")
        for name in ("web.dns.test", "v4.dns.test", "v6.dns.test", "alias.dns.test", "WEB.Dns.TEST",
                     "web.dns.test."):
            for db in ("hosts", "ahosts", "ahostsv4", "ahostsv6"):
                rc = 2 if (db, name) in (("ahostsv4", "v6.dns.test"),) else 0
                same_output(tap, sb, ["getent", db, name], "getent %s %s" % (db, name), expect_rc=rc)
        # dnsmasq rotates the order of its answers from one query to the
        # next, so two lookups of 'many' see the same set in other orders.
        def unordered(out):
            # ahosts names the canonical name on its first line only.
            lines = [l.split()[:2] for l in out.decode().splitlines()]
            first = out.decode().split("\n")[0].split()
            return sorted(lines), first[2:] if len(first) > 2 else first[1:]

        for db in ("hosts", "ahosts", "ahostsv4", "ahostsv6"):
            got = sb.client(["getent", db, "many.dns.test"])
            want = sb.reference(["getent", db, "many.dns.test"])
            tap.ok(got.returncode == want.returncode == 0 and
                   unordered(got.stdout) == unordered(want.stdout),
                   "getent %s many.dns.test: the same lines, in DNS's rotating order" % db,
                   "through nssrelay: %r\nin-process: %r" % (got.stdout[:300], want.stdout[:300]))
        got = sb.client(["getent", "ahosts", "alias.dns.test"])
        tap.ok(b"STREAM web.dns.test" in got.stdout, "a CNAME's target is the canonical name",
               got.stdout)
        got = sb.client(["getent", "ahosts", "many.dns.test"])
        tap.eq(len(set(l.split()[0] for l in got.stdout.decode().splitlines())), MANY_A + MANY_AAAA,
               "many.dns.test: all %d addresses (answers larger than UDP)" % (MANY_A + MANY_AAAA))
        for db in ("hosts", "ahosts", "ahostsv6", "ahostsv4"):
            same_output(tap, sb, ["getent", db, "nosuch.dns.test"], "getent %s nosuch.dns.test (NXDOMAIN)"
                        % db, expect_rc=2)
        for addr in ("192.0.2.10", "2001:db8::10", "192.0.2.30"):
            same_output(tap, sb, ["getent", "hosts", addr], "getent hosts %s (reverse, PTR)" % addr,
                        expect_rc=0)
        same_output(tap, sb, ["getent", "hosts", "192.0.2.99"], "getent hosts 192.0.2.99 (no PTR)",
                    expect_rc=2)

        # python3, every call beside its in-process twin.
        names = ["web.dns.test", "v4.dns.test", "v6.dns.test", "alias.dns.test", "nosuch.dns.test",
                 "WEB.DNS.test."]
        mark = sb.mark()
        got = sb.client(["/usr/bin/python3", "-c", PY_CALLS] + names)
        want = sb.reference(["/usr/bin/python3", "-c", PY_CALLS] + names)
        g_lines, w_lines = got.stdout.decode().splitlines(), want.stdout.decode().splitlines()
        tap.ok(got.returncode == 0 and len(g_lines) == len(w_lines) == 10 * len(names),
               "python3 printed every result", got.stderr)
        # GETAI cannot say EAI_NODATA ("the name exists, without addresses
        # of that family"): where getaddrinfo answers it in-process, it
        # answers EAI_NONAME through any nscd. That happens for a family
        # the name lacks when the query goes out as GETAI (AF_INET6, or
        # AI_CANONNAME). Plain AF_INET goes out as GETHOSTBYNAME, which
        # carries the NO_DATA and so matches.
        nodata = "gaierror %d" % socket.EAI_NODATA
        noname = "gaierror %d" % socket.EAI_NONAME
        limits = {"v6 v4.dns.test", "v4 canon v6.dns.test"}
        for g, w in zip(g_lines, w_lines):
            what = " ".join(w.split()[:-1] if w.endswith(("gaierror -5", "gaierror -2")) else
                            w.split()[:4])[:60]
            key = w.rsplit(" gaierror", 1)[0]
            if key in limits and w.endswith(nodata):
                tap.ok(g.endswith(noname), "python3 %s: EAI_NONAME for in-process EAI_NODATA "
                       "(protocol limit)" % key, "through nssrelay: %s\nin-process: %s" % (g, w))
            else:
                tap.ok(g == w, "python3 %s" % what, "through nssrelay: %s\nin-process:      %s" % (
                    g[:500], w[:500]))
        tap.ok(any(l.startswith("v4 v6.dns.test") and l.endswith(nodata) for l in g_lines),
               "getaddrinfo(AF_INET) of an IPv6-only name: EAI_NODATA, as in-process "
               "(GETHOSTBYNAME carries NO_DATA)")
        tap.ok(any(l.startswith("byname2_r v4 v6.dns.test") and l.endswith("h_errno=4") for l in g_lines),
               "gethostbyname2_r(AF_INET) of an IPv6-only name: h_errno NO_DATA")
        lines = sb.lines_since(mark)
        tap.ok(not any(": fallback" in l for l in lines), "no python3 request fell back",
               "\n".join(l for l in lines if "fallback" in l))
        tap.eq(sb.request(GETHOSTBYNAME, "v6.dns.test"), struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 4),
               "GETHOSTBYNAME v6.dns.test: not found, h_errno NO_DATA")
        tap.eq(sb.request(GETHOSTBYNAMEv6, "nosuch.dns.test"),
               struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1),
               "GETHOSTBYNAMEv6 nosuch.dns.test: not found, h_errno HOST_NOT_FOUND")
        tap.eq(sb.request(GETAI, "v4.dns.test")[:24], struct.pack("=6i", 2, 1, 1, 4, 12, 0),
               "GETAI v4.dns.test: one IPv4 address, canon v4.dns.test")

        # -- the second seed: a long-running client, a changing server -----
        mark = sb.mark()
        loop = sb.client_popen(["/usr/bin/python3", "-c", LOOP, "400"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        results = []

        def read_until(cond, what):
            while True:
                line = loop.stdout.readline()
                if not line:
                    tap.ok(False, what, "the client ended: %r" % loop.stderr.read()[-500:])
                    return False
                i, t, dns, files = line.decode().split()
                results.append((float(t), dns, files))
                if cond(results):
                    return True

        def after(t0):
            return [r for r in results if r[0] > t0]

        ok = read_until(lambda rs: len(rs) >= 3, "the client resolves through nssrelay")
        tap.ok(ok and all(r[1:] == ("192.0.2.101", "192.0.2.201") for r in results),
               "the client sees server A's svc.dns.test and the hosts entry", results[:5])
        switched_dns = time.monotonic()
        replace_file(paths["resolv.conf"], "nameserver %s\n%s" % (DNS_B, RESOLV_OPTIONS))
        ok = read_until(lambda rs: len(after(switched_dns)) >= 3,
                        "the client keeps resolving after resolv.conf changed")
        tap.ok(ok and all(r[1] == "192.0.2.102" for r in after(switched_dns)),
               "every lookup started after the resolv.conf switch gets server B's answer, "
               "without restarting anything", [r for r in results if r[1] != "192.0.2.101"][:5])
        edited = time.monotonic()
        replace_file(paths["hosts"], "127.0.0.1 localhost\n::1 localhost\n192.0.2.202 edited.test\n")
        ok = read_until(lambda rs: len(after(edited)) >= 3,
                        "the client keeps resolving after /etc/hosts changed")
        tap.ok(ok and all(r[1:] == ("192.0.2.102", "192.0.2.202") for r in after(edited)),
               "every lookup started after the /etc/hosts edit gets the new entry",
               after(edited)[:5])
        tap.ok(all(r[1] in ("192.0.2.101", "192.0.2.102") and r[2] in ("192.0.2.201", "192.0.2.202")
                   for r in results), "no lookup failed or fell back while the files changed")
        loop.kill()
        loop.wait()
        lines = sb.lines_since(mark, 'GETAI "svc.dns.test"')
        tap.ok(len(lines) >= len(results) and all(re.search(r"comm=python3: GETAI \"svc.dns.test\": found", l) for l in lines),
               "nssrelay answered each of the client's %d svc.dns.test lookups" % len(results),
               "\n".join(lines[:3]))
        tap.ok("svc.dns.test" in dns_b.log_text(), "server B was asked")
        tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed")
    finally:
        sb.close()

    # -- a name server that never answers ------------------------------------
    # Both views point at it: when nssrelay closes without a reply, the
    # client's own in-process lookup gets the temporary failure itself.
    hole_etc = {
        "nsswitch.conf": server_nsswitch,
        "resolv.conf": "nameserver %s\n%s" % (HOLE, RESOLV_OPTIONS),
    }
    with Sandbox(server_etc=hole_etc, client_etc=hole_etc, netns=net.path) as sb:
        code = PY_CALLS.split("for n in sys.argv")[0] + r'''
print(byname2_r("web.dns.test", A.AF_INET))
show("unspec", lambda: A.getaddrinfo("web.dns.test", None))
'''
        mark = sb.mark()
        start = time.monotonic()
        got = sb.client(["/usr/bin/python3", "-c", code])
        elapsed = time.monotonic() - start
        want = sb.reference(["/usr/bin/python3", "-c", code])
        g_lines = got.stdout.decode().splitlines()
        tap.eq(g_lines, want.stdout.decode().splitlines(),
               "no answer from DNS: the same results as in-process")
        tap.eq(g_lines, ["rc=11 found=False h_errno=2", "unspec gaierror %d" % socket.EAI_AGAIN],
               "gethostbyname2_r says EAGAIN/TRY_AGAIN and getaddrinfo EAI_AGAIN, not 'no such name'")
        lines = sb.lines_since(mark)
        tap.ok(any('GETHOSTBYNAME "web.dns.test"' in l and ": fallback" in l for l in lines),
               "nssrelay closed the GETHOSTBYNAME without a reply", "\n".join(lines))
        # The first failure sends this process's hosts lookups in-process
        # for a while (glibc's back-off); the GETAI is the next process's.
        got = sb.client(["getent", "ahosts", "web.dns.test"])
        lines = sb.lines_since(mark)
        tap.ok(any('GETAI "web.dns.test"' in l and ": fallback" in l for l in lines),
               "nssrelay closed the GETAI without a reply", "\n".join(lines))
        tap.eq(got.returncode, 2, "getent ahosts fails, as in-process")
        # Two lookups, each waiting 1 s in nssrelay and 1 s in the client
        # (timeout:1); a wait for resolv.conf's default 5 s would take 10 s+.
        tap.ok(elapsed < 8.0, "the failing lookups took %.1f s: nssrelay's wait (timeout:1) plus "
               "the client's own" % elapsed)
        tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed")

    dns_a.stop()
    dns_b.stop()
    hole.stop()
    nsstest.shutil.rmtree(logs, ignore_errors=True)

tap.done()
