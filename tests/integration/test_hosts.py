# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hosts through nssrelay (files and nss-myhostname), compared with the
same calls made in-process in the server's namespace."""

import socket
import struct

import nsstest
from fixtures import HOSTS, HOSTS_ALIASES, HOSTS_MANY, HOSTS_MANY_V6
from nsstest import (GETAI, GETHOSTBYADDR, GETHOSTBYADDRv6, GETHOSTBYNAME, GETHOSTBYNAMEv6,
                     Sandbox, Tap, pack_request, same_output)

# A name whose key fills MAXKEYLEN: 1023 characters and the NUL.
LONG = (("l" * 63 + ".") * 16)[:1018] + ".test"
assert len(LONG) == 1023
MANY, ALIASES, MANY_V6 = HOSTS_MANY, HOSTS_ALIASES, HOSTS_MANY_V6
hosts = HOSTS + "192.0.2.60 %s\n" % LONG

nsswitch = nsstest.BASE_ETC["nsswitch.conf"].replace("hosts: files", "hosts: files myhostname")

tap = Tap()
nsstest.require_root(tap)
tap.ok(MANY >= 64, "the fixture has %d addresses for one name" % MANY)


def served(sb, mark, needle):
    return [l for l in sb.lines_since(mark) if needle in l]


with Sandbox(server_etc={"hosts": hosts, "nsswitch.conf": nsswitch}) as sb:
    # Proof that the client cannot answer by itself: it has neither the
    # names nor nss-myhostname.
    for name in ("web", "foo.localhost", "many"):
        r = sb.client_alone(["getent", "ahosts", name])
        tap.eq(r.returncode, 2, "without the socket the client does not know %s" % name)
    r = sb.client_alone(["getent", "hosts", "192.0.2.10"])
    tap.eq(r.returncode, 2, "without the socket the client cannot reverse 192.0.2.10")

    # -- getent, forward and reverse -----------------------------------------
    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "hosts", "web"], "getent hosts web", expect_rc=0)
    tap.ok(got is not None and got.stdout == b"2001:db8::10    web.example.test web www\n",
           "getent hosts web shows the server's entry with its aliases")
    tap.ok(served(sb, mark, 'GETHOSTBYNAMEv6 "web"') and
           ": found" in served(sb, mark, 'GETHOSTBYNAMEv6 "web"')[0],
           "nssrelay logged the GETHOSTBYNAMEv6 it answered", sb.log_text()[mark:])
    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "ahosts", "web"], "getent ahosts web", expect_rc=0)
    tap.ok(got is not None and b"192.0.2.10" in got.stdout and b"2001:db8::10" in got.stdout,
           "getent ahosts web has both families")
    tap.ok(any(": found" in l for l in served(sb, mark, 'GETAI "web"')),
           "nssrelay logged the GETAI it answered", sb.log_text()[mark:])

    for name in ("web", "www", "WEB.Example.TEST", "mixed", "MIXED.example.test", "v6only", "v4only",
                 "many", "aliased", "a99", "localhost", "ip6-loopback", "foo.localhost", LONG):
        for db in ("hosts", "ahosts", "ahostsv6"):
            same_output(tap, sb, ["getent", db, name], "getent %s %s" % (db, name[:40]), expect_rc=0)
    for name in ("web", "v4only", "many", "mixed", "foo.localhost", LONG):
        same_output(tap, sb, ["getent", "ahostsv4", name], "getent ahostsv4 %s" % name[:40],
                    expect_rc=0)
    # IPv6-only and IPv4-only names: the other family is not there.
    same_output(tap, sb, ["getent", "ahostsv4", "v6only"], "getent ahostsv4 v6only", expect_rc=2)
    for db in ("hosts", "ahosts", "ahostsv4", "ahostsv6"):
        same_output(tap, sb, ["getent", db, "nosuch"], "getent %s nosuch" % db, expect_rc=2)
        # files does not strip a trailing dot; the point is that nssrelay
        # does not either.
        same_output(tap, sb, ["getent", db, "web.example.test."], "getent %s with a trailing dot" % db)
    for addr in ("192.0.2.10", "2001:db8::10", "2001:db8::20", "192.0.2.30", "192.0.2.50",
                 "198.51.100.0", "2001:db8:1::4", "127.0.0.1", "::1", "192.0.2.60"):
        same_output(tap, sb, ["getent", "hosts", addr], "getent hosts %s (reverse)" % addr,
                    expect_rc=0)
    for addr in ("192.0.2.99", "2001:db8::99"):
        same_output(tap, sb, ["getent", "hosts", addr], "getent hosts %s (reverse, unknown)" % addr,
                    expect_rc=2)
    for addr in ("192.0.2.10", "2001:db8::10"):
        # Numeric: getaddrinfo answers these without NSS.
        same_output(tap, sb, ["getent", "ahosts", addr], "getent ahosts %s (numeric)" % addr,
                    expect_rc=0)

    got = sb.client(["getent", "ahosts", "many"])
    tap.eq(len(set(l.split()[0] for l in got.stdout.decode().splitlines())), MANY,
           "all %d addresses of 'many' arrive" % MANY)
    got = sb.client(["getent", "hosts", "aliased"])
    tap.eq(len(got.stdout.split()) - 3, ALIASES, "all %d aliases arrive" % ALIASES)
    got = sb.client(["getent", "ahosts", "foo.localhost"])
    addrs = sorted(set(l.split()[0] for l in got.stdout.decode().splitlines()))
    tap.eq(addrs, ["127.0.0.1", "::1"],
           "foo.localhost resolves to ::1 and 127.0.0.1 through nss-myhostname in the server")

    # -- protocol limits shared with glibc nscd ------------------------------
    # GETAI carries no family, so the client filters one answer for every
    # family. In-process, files answers an AF_INET query for localhost
    # with 127.0.0.1 twice (it maps the ::1 line); through any nscd it
    # comes once. tests/integration/test_hosts_nscd.py shows glibc nscd
    # gives the same as nssrelay.
    got = sb.client(["getent", "ahostsv4", "localhost"])
    want = sb.reference(["getent", "ahostsv4", "localhost"])
    tap.ok(got.stdout.count(b"127.0.0.1") == 3 and want.stdout.count(b"127.0.0.1") == 6,
           "getent ahostsv4 localhost: one 127.0.0.1 through nscd, two in-process (protocol limit)",
           "through nssrelay: %r\nin-process: %r" % (got.stdout, want.stdout))

    # -- python3: getaddrinfo, gethostbyname_ex, gethostbyaddr, getnameinfo ---
    code = r'''
import ctypes, socket, sys
names = sys.argv[1:]
def show(what, f):
    try:
        r = f()
    except socket.herror as e:
        # CPython reads the global h_errno, which glibc's nscd client
        # does not set for the _r calls: the _r lines below check it.
        r = "herror"
    except socket.gaierror as e:
        r = "gaierror %s" % e.args[0]
    except OSError as e:
        r = "OSError %s" % e.errno
    print(what, r)
libc = ctypes.CDLL("libc.so.6", use_errno=True)
class hostent(ctypes.Structure):
    _fields_ = [("h_name", ctypes.c_char_p), ("h_aliases", ctypes.POINTER(ctypes.c_char_p)),
                ("h_addrtype", ctypes.c_int), ("h_length", ctypes.c_int),
                ("h_addr_list", ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)))]
def hostent_r(call, *args):
    he, res, herr = hostent(), ctypes.POINTER(hostent)(), ctypes.c_int(99)
    buf = ctypes.create_string_buffer(1 << 16)
    rc = call(*args, ctypes.byref(he), buf, len(buf), ctypes.byref(res), ctypes.byref(herr))
    if not res:
        return "rc=%d NULL h_errno=%d" % (rc, herr.value)
    h = res.contents
    aliases, addrs, i = [], [], 0
    while h.h_aliases[i]:
        aliases.append(h.h_aliases[i].decode()); i += 1
    i = 0
    while h.h_addr_list[i]:
        addrs.append(socket.inet_ntop(h.h_addrtype, bytes(h.h_addr_list[i][:h.h_length]))); i += 1
    return "rc=%d %s %s %d %d %s" % (rc, h.h_name.decode(), aliases, h.h_addrtype, h.h_length, addrs)
def byname2_r(name, af):
    return hostent_r(libc.gethostbyname2_r, name.encode(), af)
def byaddr_r(text):
    af = socket.AF_INET6 if ":" in text else socket.AF_INET
    raw = socket.inet_pton(af, text)
    return hostent_r(libc.gethostbyaddr_r, raw, len(raw), af)
A = socket
for n in names:
    show("unspec canon " + n, lambda: A.getaddrinfo(n, None, 0, A.SOCK_STREAM, 0, A.AI_CANONNAME))
    show("v6 mapped all " + n, lambda: A.getaddrinfo(n, None, A.AF_INET6, A.SOCK_STREAM, 0, A.AI_V4MAPPED | A.AI_ALL))
    show("v6 " + n, lambda: A.getaddrinfo(n, None, A.AF_INET6, A.SOCK_STREAM))
    show("v4 " + n, lambda: A.getaddrinfo(n, None, A.AF_INET, A.SOCK_STREAM))
    show("v4 canon " + n, lambda: A.getaddrinfo(n, None, A.AF_INET, A.SOCK_STREAM, 0, A.AI_CANONNAME))
    show("addrconfig " + n, lambda: A.getaddrinfo(n, None, 0, A.SOCK_STREAM, 0, A.AI_ADDRCONFIG))
    show("service " + n, lambda: A.getaddrinfo(n, "8080", 0, 0, 0, A.AI_NUMERICSERV))
    show("ex " + n, lambda: A.gethostbyname_ex(n))
    show("byname2_r v4 " + n, lambda: byname2_r(n, A.AF_INET))
    show("byname2_r v6 " + n, lambda: byname2_r(n, A.AF_INET6))
for a in ("192.0.2.10", "2001:db8::10", "2001:db8::20", "192.0.2.30", "192.0.2.99", "2001:db8::99", "::1", "127.0.0.1"):
    show("byaddr " + a, lambda: A.gethostbyaddr(a))
    show("byaddr_r " + a, lambda: byaddr_r(a))
    show("nameinfo " + a, lambda: A.getnameinfo((a, 80), 0))
    show("nameinfo namereqd " + a, lambda: A.getnameinfo((a, 80), A.NI_NAMEREQD))
'''
    names = ["web", "WEB.Example.TEST", "v6only", "v4only", "many", "aliased", "foo.localhost",
             "nosuch", LONG]
    mark = sb.mark()
    got = sb.client(["/usr/bin/python3", "-c", code] + names)
    want = sb.reference(["/usr/bin/python3", "-c", code] + names)
    tap.eq(got.returncode, 0, "python3 socket calls through nssrelay run")
    g_lines, w_lines = got.stdout.decode().splitlines(), want.stdout.decode().splitlines()
    tap.ok(len(g_lines) == len(w_lines) > 60, "python3 printed every result (%d lines)" % len(g_lines))
    for g, w in zip(g_lines, w_lines):
        what = " ".join(w.split()[:4])[:70]
        tap.ok(g == w, "python3 %s" % what, "through nssrelay: %s\nin-process:      %s" % (g[:600], w[:600]))
    lines = sb.lines_since(mark)
    tap.ok(not any(": fallback" in l for l in lines), "no request fell back to the client")
    counts = {t: sum(1 for l in lines if ": %s " % t in l and "comm=python3: " in l)
              for t in ("GETAI", "GETHOSTBYNAME", "GETHOSTBYNAMEv6", "GETHOSTBYADDR",
                        "GETHOSTBYADDRv6")}
    tap.ok(all(counts.values()), "python3's lookups went through nssrelay: %r" % counts)

    # -- the raw protocol ------------------------------------------------------
    mark = sb.mark()
    web_v4 = bytes.fromhex(
        "02000000010000001100000002000000020000000400000001000000000000007765622e6578616d706c652e"
        "74657374000400000004000000c000020a7765620077777700")
    tap.eq(sb.request(GETHOSTBYNAME, "web"), web_v4, "GETHOSTBYNAME web: glibc nscd's 69 bytes")
    tap.eq(sb.request(GETHOSTBYADDR, socket.inet_pton(socket.AF_INET, "192.0.2.10")), web_v4,
           "GETHOSTBYADDR 192.0.2.10: the same 69 bytes")
    r = sb.request(GETHOSTBYADDRv6, socket.inet_pton(socket.AF_INET6, "2001:db8::10"))
    tap.eq(r[:32], struct.pack("=8i", 2, 1, 17, 2, socket.AF_INET6, 16, 1, 0),
           "GETHOSTBYADDRv6 2001:db8::10: found, AF_INET6, 16-byte addresses")
    tap.eq(sb.request(GETAI, "web"), bytes.fromhex(
        "020000000100000002000000140000001100000000000000c000020a20010db8000000000000000000000010"
        "020a7765622e6578616d706c652e7465737400"), "GETAI web: glibc nscd's 63 bytes")
    tap.eq(sb.request(GETHOSTBYNAME, "nosuch"), struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1),
           "GETHOSTBYNAME nosuch: HOST_NOT_FOUND")
    tap.eq(sb.request(GETHOSTBYNAMEv6, "v4only"), struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1),
           "GETHOSTBYNAMEv6 v4only: not found, no v4-mapping")
    tap.eq(sb.request(GETHOSTBYNAME, "v6only"), struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1),
           "GETHOSTBYNAME v6only: not found")
    tap.eq(sb.request(GETAI, "nosuch"), struct.pack("=6i", 2, 0, 0, 0, 0, 1),
           "GETAI nosuch: not found, h_errno HOST_NOT_FOUND")
    r = sb.request(GETHOSTBYNAMEv6, "many")
    tap.eq(struct.unpack("=8i", r[:32])[4:7], (socket.AF_INET6, 16, MANY_V6),
           "GETHOSTBYNAMEv6 many: its %d IPv6 addresses, 16 bytes each" % MANY_V6)
    r = sb.request(GETAI, "many")
    tap.eq(struct.unpack("=6i", r[:24])[2], MANY, "GETAI many: all %d addresses" % MANY)
    # The families in file order, not sorted.
    fams = list(r[24 + struct.unpack("=6i", r[:24])[3]:][:MANY])
    want_fams = [10 if l.startswith("2001") else 2 for l in hosts.splitlines() if " many.example.test " in l]
    tap.eq(fams, want_fams, "GETAI many: addresses in the file's order, families interleaved")

    key = LONG.encode() + b"\0"
    tap.eq(len(key), 1024, "the long key is 1024 bytes with its NUL")
    r = sb.request(GETHOSTBYNAME, LONG)
    tap.eq(struct.unpack("=8i", r[:32])[1:3], (1, 1024), "GETHOSTBYNAME with a 1024-byte key is found")
    r = sb.request(GETAI, LONG)
    tap.eq(struct.unpack("=6i", r[:24])[1:5], (1, 1, 4, 1024), "GETAI with a 1024-byte key is found")
    tap.eq(sb.raw(pack_request(GETHOSTBYNAME, b"x" * 1025)), b"", "a 1025-byte key: closed")

    # Address keys must be exactly 4 or 16 bytes.
    for t, key in ((GETHOSTBYADDR, b"\xc0\x00\x02"), (GETHOSTBYADDR, b"\xc0\x00\x02\x0a\x00"),
                   (GETHOSTBYADDR, b""), (GETHOSTBYADDR, socket.inet_pton(socket.AF_INET6, "::1")),
                   (GETHOSTBYADDRv6, b"\x00" * 15), (GETHOSTBYADDRv6, b"\x00" * 17),
                   (GETHOSTBYADDRv6, b"\x7f\x00\x00\x01")):
        tap.eq(sb.raw(pack_request(t, key)), b"",
               "%s with a %d-byte key: closed" % ("GETHOSTBYADDR" if t == GETHOSTBYADDR else
                                                 "GETHOSTBYADDRv6", len(key)))
    lines = sb.lines_since(mark)
    tap.eq(sum(1 for l in lines if ": malformed, 0 bytes" in l), 7,
           "each bad address key is logged malformed")
    tap.ok(any(": GETHOSTBYADDR 192.0.2.10: " in l for l in lines),
           "address keys are logged as addresses", "\n".join(lines[:5]))
    tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed",
           "\n".join(nsstest.crash_lines(sb.log_text())))

tap.done()
