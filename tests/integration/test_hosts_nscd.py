# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hosts: nssrelay against Debian's glibc nscd, byte for byte.

Both servers see the same fixture (/etc/hosts, and dnsmasq on a loopback
address of a private network namespace through 'hosts: files dns') and
get the same raw requests. Legacy host replies must be identical bytes
except where nssrelay differs on purpose (the h_errno of negative
replies, temporary failures); GETAI replies must hold the same addresses
and canonical name, in the same order where the source has one. glibc's
own client must print the same through either server, including the
cases where no nscd can match in-process getaddrinfo.
"""

import os
import socket
import struct

import nsstest
from fixtures import HOSTS
from netns import Blackhole, Dnsmasq, PrivateNetwork
from nsstest import (GETAI, GETHOSTBYADDR, GETHOSTBYADDRv6, GETHOSTBYNAME, GETHOSTBYNAMEv6,
                     Sandbox, Tap)
from refnscd import RefNscd

DNS, HOLE = "127.0.0.2", "127.0.0.4"
hosts = HOSTS
etc = {
    "hosts": hosts,
    "nsswitch.conf": nsstest.BASE_ETC["nsswitch.conf"].replace("hosts: files", "hosts: files dns"),
    "resolv.conf": "nameserver %s\noptions timeout:1 attempts:1\n" % DNS,
}
dns_records = [
    "--host-record=web.dns.test,192.0.2.110,2001:db8::110",
    "--host-record=v4.dns.test,192.0.2.130",
    "--host-record=v6.dns.test,2001:db8::120",
    "--cname=alias.dns.test,web.dns.test",
] + ["--host-record=many.dns.test,198.51.100.%d" % i for i in range(40)]

tap = Tap()
nsstest.require_root(tap)


def decode_ai(reply):
    """GETAI reply → (found, [(family, address text)], canon, error)."""
    if len(reply) < 24:
        return ("short", len(reply))
    version, found, naddrs, addrslen, canonlen, error = struct.unpack("=6i", reply[:24])
    if found != 1:
        return (found, [], None, error)
    addrs, fams = reply[24:24 + addrslen], reply[24 + addrslen:24 + addrslen + naddrs]
    canon = reply[24 + addrslen + naddrs:24 + addrslen + naddrs + canonlen]
    out, pos = [], 0
    for f in fams:
        size = 4 if f == socket.AF_INET else 16
        out.append((f, socket.inet_ntop(f, addrs[pos:pos + size])))
        pos += size
    return (found, out, canon, error)


with PrivateNetwork(addresses=["192.0.2.1/32", "2001:db8::1/128"]) as net, \
        Sandbox(server_etc=etc, netns=net.path) as sb, \
        RefNscd(etc, netns=net.path) as ref:
    # Authoritative for every name: unknown ones are NXDOMAIN.
    dns = Dnsmasq(net, DNS, dns_records, log_path=os.path.join(sb.tmp, "dnsmasq.log"))
    hole = Blackhole(net, HOLE)

    tap.diag("reference: %s" % ref.binary)

    # -- legacy requests: identical bytes -----------------------------------
    names = ["web", "www", "web.example.test", "WEB.EXAMPLE.TEST", "mixed", "v4only", "v6only",
             "aliased", "a105", "many", "localhost", "ip6-loopback", "nosuch", "web.example.test.",
             "web.dns.test", "WEB.dns.test.", "v4.dns.test", "alias.dns.test", "nosuch.dns.test",
             "many.dns.test"]
    # DNS names that exist without addresses of the family asked for:
    # glibc nscd says HOST_NOT_FOUND, nssrelay passes the module's
    # NO_DATA (see nssrelay(8)); everything else in the reply is the same.
    no_data = {(GETHOSTBYNAME, "v6.dns.test"), (GETHOSTBYNAMEv6, "v4.dns.test"),
               (GETHOSTBYNAMEv6, "many.dns.test")}
    mark = sb.mark()
    for name in names + ["v6.dns.test"]:
        for t, tname in ((GETHOSTBYNAME, "GETHOSTBYNAME"), (GETHOSTBYNAMEv6, "GETHOSTBYNAMEv6")):
            got, want = sb.request(t, name), ref.request(t, name)
            if (t, name) in no_data:
                tap.ok(len(got) == len(want) == 32 and got[:28] == want[:28] and
                       (struct.unpack("=i", got[28:])[0], struct.unpack("=i", want[28:])[0]) == (4, 1),
                       "%s %s: not found with NO_DATA where glibc nscd says HOST_NOT_FOUND" % (
                           tname, name), "nssrelay: %s\nnscd:     %s" % (got.hex(), want.hex()))
                continue
            if name == "many.dns.test" and got[:32] == want[:32]:
                # DNS rotates the order of answers between queries. No
                # aliases: the addresses follow the name.
                header = struct.unpack("=8i", got[:32])
                start, width, n = 32 + header[2], header[5], header[6]

                def addresses(reply):
                    return sorted(reply[start + i * width:start + (i + 1) * width] for i in range(n))

                tap.ok(header[3] == 0 and len(got) == len(want) == start + n * width and
                       got[:start] == want[:start] and addresses(got) == addresses(want),
                       "%s %s: the same bytes, addresses in DNS's rotating order" % (tname, name))
                continue
            tap.ok(got == want and len(got) >= 32, "%s %s: the same %d bytes as glibc nscd" % (
                tname, name, len(want)), "nssrelay: %s\nnscd:     %s" % (got.hex(), want.hex()))
    for addr in ("192.0.2.10", "192.0.2.30", "198.51.100.9", "127.0.0.1", "192.0.2.99",
                 "192.0.2.110", "192.0.2.130"):
        key = socket.inet_pton(socket.AF_INET, addr)
        got, want = sb.request(GETHOSTBYADDR, key), ref.request(GETHOSTBYADDR, key)
        tap.ok(got == want and len(got) >= 32, "GETHOSTBYADDR %s: the same %d bytes" % (addr, len(want)),
               "nssrelay: %s\nnscd:     %s" % (got.hex(), want.hex()))
    for addr in ("2001:db8::10", "2001:db8::20", "2001:db8:1::4", "::1", "2001:db8::99",
                 "2001:db8::110"):
        key = socket.inet_pton(socket.AF_INET6, addr)
        got, want = sb.request(GETHOSTBYADDRv6, key), ref.request(GETHOSTBYADDRv6, key)
        tap.ok(got == want and len(got) >= 32, "GETHOSTBYADDRv6 %s: the same %d bytes" % (addr, len(want)),
               "nssrelay: %s\nnscd:     %s" % (got.hex(), want.hex()))
    for t, key in ((GETHOSTBYADDR, b"\x01\x02\x03"), (GETHOSTBYADDRv6, b"\x00" * 4)):
        # glibc nscd does not check the length of address keys; nssrelay
        # closes. Only ours is checked here.
        tap.eq(sb.request(t, key), b"", "a %d-byte address key: nssrelay closes" % len(key))
    tap.ok(not any(": fallback" in l for l in sb.lines_since(mark)), "nssrelay answered every request")

    # -- GETAI: the same content ------------------------------------------------
    for name in names + ["v6.dns.test"]:
        got, want = decode_ai(sb.request(GETAI, name)), decode_ai(ref.request(GETAI, name))
        if len(got) != 4 or len(want) != 4:
            tap.ok(False, "GETAI %s: both answer" % name, "nssrelay: %r\nnscd: %r" % (got, want))
        elif want[0] != 1:
            # Not found: glibc nscd sends error 0, nssrelay the module's
            # h_errno. getaddrinfo returns EAI_NONAME for both.
            tap.ok(got[:3] == want[:3] and want[3] == 0 and got[3] in (1, 4),
                   "GETAI %s: not found (h_errno %d, glibc nscd 0)" % (name, got[3]),
                   "nssrelay: %r\nnscd: %r" % (got, want))
        elif ".dns.test" in name:
            tap.ok(got[0] == 1 and sorted(got[1]) == sorted(want[1]) and got[2:] == want[2:],
                   "GETAI %s: the same %d addresses and canonical name %r" % (name, len(want[1]), want[2]),
                   "nssrelay: %r\nnscd: %r" % (got, want))
        else:
            tap.ok(got == want, "GETAI %s: the same %d addresses in the same order, canonical name %r" % (
                name, len(want[1]), want[2]), "nssrelay: %r\nnscd: %r" % (got, want))

    # -- glibc's client through either server ------------------------------------
    # Including the calls no nscd can answer as in-process glibc does
    # (GETAI carries no family): the client prints the same either way.
    for argv in (["getent", "ahostsv4", "localhost"], ["getent", "ahostsv6", "web"],
                 ["getent", "ahostsv6", "v4only"], ["getent", "ahosts", "many"],
                 ["getent", "hosts", "aliased"], ["getent", "ahostsv4", "v6.dns.test"],
                 ["getent", "ahostsv6", "v4.dns.test"], ["getent", "hosts", "192.0.2.10"]):
        got, want = sb.client(argv), ref.client(argv)
        tap.ok(got.returncode == want.returncode and got.stdout == want.stdout,
               "%s: glibc's client prints the same through nssrelay and glibc nscd" % " ".join(argv),
               "nssrelay: rc=%d %r\nnscd:     rc=%d %r" % (got.returncode, got.stdout[:300],
                                                         want.returncode, want.stdout[:300]))

    # -- a DNS server that does not answer ------------------------------------------
    # glibc nscd turns the timeout into "not found" (and caches it);
    # nssrelay closes so the client can see the temporary failure.
    with Sandbox(server_etc=dict(etc, **{"resolv.conf": "nameserver %s\noptions timeout:1 attempts:1\n"
                                         % HOLE}), netns=net.path) as sb2, \
            RefNscd(dict(etc, **{"resolv.conf": "nameserver %s\noptions timeout:1 attempts:1\n"
                                 % HOLE}), netns=net.path) as ref2:
        for t, tname, notfound in ((GETHOSTBYNAME, "GETHOSTBYNAME", struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1)),
                                   (GETAI, "GETAI", struct.pack("=6i", 2, 0, 0, 0, 0, 0))):
            got, want = sb2.request(t, "web.dns.test"), ref2.request(t, "web.dns.test")
            tap.eq((got, want), (b"", notfound),
                   "%s with no answer from DNS: glibc nscd says not found, nssrelay closes" % tname)
    tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed")
    dns.stop()
    hole.stop()

tap.done()
