# SPDX-License-Identifier: LGPL-2.1-or-later
"""GETAI's walk over hosts modules that are not files or dns.

tests/nss/nss_hoststest.c builds two modules: 'hoststest' has
gethostbyname3_r and getcanonname_r but no gethostbyname4_r, so GETAI asks
it per family; 'hoststestb' has gethostbyname2_r alone, so the canonical
name comes from a reverse lookup. Against Debian's glibc nscd the replies
must be the same bytes (glibc nscd's canonical-name rules), against
in-process getaddrinfo the same addresses; nsswitch.conf's actions must
stop or continue the walk as in-process, and errors the protocol cannot
carry must close the connection exactly where getaddrinfo would report
EAI_AGAIN or EAI_SYSTEM.
"""

import json
import os
import socket
import struct

import nsstest
from nsstest import GETAI, GETHOSTBYNAME, GETHOSTBYNAMEv6, Sandbox, Tap
from refnscd import RefNscd

LIB_ENV = {"LD_LIBRARY_PATH": os.path.join(nsstest.BUILDDIR, "tests", "nss")}
hosts = ("127.0.0.1 localhost\n::1 localhost\n192.0.2.10 web.example.test web\n"
         "192.0.2.80 reverse.example.test\n2001:db8:6:: first-of-many6.example.test\n")


def etc_with(hosts_line):
    return {"hosts": hosts,
            "nsswitch.conf": nsstest.BASE_ETC["nsswitch.conf"].replace("hosts: files", hosts_line)}


def decode_ai(reply):
    if len(reply) < 24:
        return None
    version, found, naddrs, addrslen, canonlen, error = struct.unpack("=6i", reply[:24])
    if found != 1:
        return (found, [], None, error)
    addrs, fams = reply[24:24 + addrslen], reply[24 + addrslen:24 + addrslen + naddrs]
    canon = reply[24 + addrslen + naddrs:24 + addrslen + naddrs + canonlen].rstrip(b"\0").decode()
    out, pos = [], 0
    for f in fams:
        size = 4 if f == socket.AF_INET else 16
        out.append(socket.inet_ntop(f, addrs[pos:pos + size]))
        pos += size
    return (found, out, canon or None, error)


# In-process getaddrinfo(AF_UNSPEC) in the reference view: the addresses
# in NSS order cannot be seen (they come sorted), so the set, the
# canonical name and the error code.
GAI = r'''
import json, socket, sys
out = {}
for n in sys.argv[1:]:
    try:
        r = socket.getaddrinfo(n, None, 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
        out[n] = [sorted(a[4][0] for a in r), r[0][3]]
    except socket.gaierror as e:
        out[n] = e.args[0]
    except OSError:
        out[n] = socket.EAI_SYSTEM  # CPython raises OSError for EAI_SYSTEM
print(json.dumps(out))
'''


def in_process(sb, names):
    r = sb.reference(["/usr/bin/python3", "-c", GAI] + names, env=LIB_ENV)
    return json.loads(r.stdout) if r.returncode == 0 else {"error": r.stderr.decode()}


def check_walk(tap, sb, names, what):
    """GETAI through nssrelay against in-process getaddrinfo, name by name:
    the same addresses when found, not found for EAI_NONAME/EAI_NODATA,
    and no reply where getaddrinfo says EAI_AGAIN or EAI_SYSTEM."""
    want = in_process(sb, names)
    for n in names:
        reply = sb.request(GETAI, n)
        got, w = decode_ai(reply), want.get(n)
        if isinstance(w, list):
            ok = got is not None and got[0] == 1 and sorted(got[1]) == w[0]
            expect = "found %s" % w[0]
        elif w in (socket.EAI_AGAIN, socket.EAI_SYSTEM):
            ok, expect = reply == b"", "no reply (in-process: %s)" % (
                "EAI_AGAIN" if w == socket.EAI_AGAIN else "EAI_SYSTEM")
        elif w == socket.EAI_NODATA:
            ok, expect = got is not None and got[0] == 0 and got[3] == 4, "not found, NO_DATA (EAI_NODATA)"
        elif w == socket.EAI_NONAME:
            ok, expect = got is not None and got[0] == 0 and got[3] != 4, "not found (EAI_NONAME)"
        else:
            ok, expect = False, "in-process said %r" % (w,)
        tap.ok(ok, "%s: GETAI %s: %s" % (what, n, expect), "nssrelay: %r\nin-process: %r" % (got, w))


tap = Tap()
nsstest.require_root(tap)

# hoststest last, so that its NO_DATA, TRY_AGAIN and NETDB_INTERNAL are
# what the lookups end with.
main_etc = etc_with("hosts: files hoststestb hoststest")
names = ["dual.hoststest", "v4.hoststest", "big.hoststest", "plain.hoststestb", "norev.hoststestb",
         "nodata.hoststest", "again.hoststest", "broken.hoststest", "web", "nosuch"]

with Sandbox(server_etc=main_etc, server_env=LIB_ENV) as sb, RefNscd(main_etc, env=LIB_ENV) as ref:
    for n in ("dual.hoststest", "plain.hoststestb"):
        r = sb.client_alone(["getent", "ahosts", n])
        tap.eq(r.returncode, 2, "without the socket the client cannot resolve %s" % n)

    # -- the same bytes as glibc nscd -----------------------------------------
    mark = sb.mark()
    for n in ("dual.hoststest", "v4.hoststest", "big.hoststest", "plain.hoststestb", "norev.hoststestb",
              "DUAL.hoststest", "web"):
        for t, tname in ((GETAI, "GETAI"), (GETHOSTBYNAME, "GETHOSTBYNAME"),
                         (GETHOSTBYNAMEv6, "GETHOSTBYNAMEv6")):
            got, want = sb.request(t, n), ref.request(t, n)
            if (n, t) in (("big.hoststest", GETHOSTBYNAMEv6), ("v4.hoststest", GETHOSTBYNAMEv6)):
                # The last module says NO_DATA; glibc nscd sends HOST_NOT_FOUND.
                tap.ok(len(got) == 32 and got[:28] == want[:28] and got[28:] == struct.pack("=i", 4),
                       "%s %s: not found with NO_DATA" % (tname, n), got.hex())
                continue
            tap.ok(got == want and len(got) >= 24, "%s %s: the same %d bytes as glibc nscd" % (
                tname, n, len(want)), "nssrelay: %s\nnscd:     %s" % (got[:200].hex(), want[:200].hex()))
    tap.ok(not any(": fallback" in l for l in sb.lines_since(mark)), "nssrelay answered them all")

    # What those bytes say.
    ai = decode_ai(sb.request(GETAI, "dual.hoststest"))
    tap.eq(ai[1:3], (["2001:db8::70", "2001:db8::71", "192.0.2.70"], "canonical.hoststest"),
           "GETAI dual.hoststest: IPv6 first, then IPv4, canonical name from gethostbyname3_r")
    tap.eq(decode_ai(sb.request(GETAI, "v4.hoststest"))[2], "canon-of-v4.hoststest",
           "GETAI v4.hoststest: canonical name from the module's getcanonname_r")
    tap.eq(decode_ai(sb.request(GETAI, "plain.hoststestb"))[1:3],
           (["2001:db8::80", "192.0.2.80"], "reverse.example.test"),
           "GETAI plain.hoststestb: canonical name from a reverse lookup of its IPv4 address")
    tap.eq(decode_ai(sb.request(GETAI, "norev.hoststestb"))[2], "norev.hoststestb",
           "GETAI norev.hoststestb: no reverse entry, so the key is the canonical name")
    # A module that says AF_INET "success" without an address: the
    # canonical name comes from the first address there is (before the
    # fix, a read past the 64 IPv6 addresses: ASan's stack-buffer-overflow).
    ai = decode_ai(sb.request(GETAI, "many6.hoststestb"))
    tap.ok(ai is not None and len(ai[1]) == 64 and ai[1][0] == "2001:db8:6::" and
           ai[2] == "first-of-many6.example.test",
           "GETAI many6.hoststestb: 64 IPv6 addresses, canonical name from the first of them", ai)
    # "Success" without any address: no reverse lookup of bytes nobody
    # wrote (the module would answer it with reversed-nothing.hoststestb).
    mark = sb.mark()
    tap.eq(decode_ai(sb.request(GETAI, "empty.hoststestb")), (0, [], None, 1),
           "GETAI empty.hoststestb: no address, not found")
    tap.ok(sb.wait_for_log(mark, 'GETAI "empty.hoststestb": not-found') and
           not sb.lines_since(mark, "hoststestb: a reverse lookup"),
           "GETAI empty.hoststestb: nothing was reverse-resolved", sb.log_text()[mark:])
    big = sb.request(GETHOSTBYNAME, "big.hoststest")
    tap.ok(len(big) > 16384 and struct.unpack("=8i", big[:32])[3:7] == (120, 2, 4, 150),
           "GETHOSTBYNAME big.hoststest: 150 addresses and 120 aliases, %d bytes (the NSS buffer "
           "grew past its first 16 KiB)" % len(big))
    tap.eq(decode_ai(sb.request(GETAI, "big.hoststest"))[1][-1], "198.51.100.149",
           "GETAI big.hoststest: all 150 addresses")

    # -- differences from glibc nscd on purpose ----------------------------------
    tap.eq((sb.request(GETAI, "nodata.hoststest"), ref.request(GETAI, "nodata.hoststest")),
           (struct.pack("=6i", 2, 0, 0, 0, 0, 4), struct.pack("=6i", 2, 0, 0, 0, 0, 0)),
           "GETAI nodata.hoststest: not found with NO_DATA (glibc nscd: 0)")
    tap.eq((sb.request(GETHOSTBYNAME, "nodata.hoststest"), ref.request(GETHOSTBYNAME, "nodata.hoststest")),
           (struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 4), struct.pack("=8i", 2, 0, 0, 0, -1, -1, 0, 1)),
           "GETHOSTBYNAME nodata.hoststest: NO_DATA (glibc nscd: HOST_NOT_FOUND)")
    for t, tname in ((GETAI, "GETAI"), (GETHOSTBYNAME, "GETHOSTBYNAME"), (GETHOSTBYNAMEv6, "GETHOSTBYNAMEv6")):
        mark = sb.mark()
        got, want = sb.request(t, "again.hoststest"), ref.request(t, "again.hoststest")
        tap.ok(got == b"" and len(want) >= 24 and struct.unpack("=2i", want[:8])[1] == 0,
               "%s again.hoststest (TRY_AGAIN): nssrelay closes, glibc nscd says not found" % tname)
        tap.ok(any(": fallback" in l for l in sb.lines_since(mark)), "%s again.hoststest: logged as "
               "fallback" % tname)
        tap.eq(sb.request(t, "broken.hoststest"), b"",
               "%s broken.hoststest (NETDB_INTERNAL): nssrelay closes" % tname)
    tap.eq(ref.request(GETAI, "broken.hoststest"), b"", "glibc nscd closes GETAI broken.hoststest too")

    # -- glibc's client ---------------------------------------------------------------
    for argv in (["getent", "ahosts", "dual.hoststest"], ["getent", "ahostsv6", "dual.hoststest"],
                 ["getent", "ahostsv4", "dual.hoststest"], ["getent", "hosts", "dual.hoststest"],
                 ["getent", "ahosts", "big.hoststest"], ["getent", "hosts", "big.hoststest"],
                 ["getent", "ahosts", "v4.hoststest"], ["getent", "ahosts", "norev.hoststestb"]):
        got, want = sb.client(argv), sb.reference(argv, env=LIB_ENV)
        if argv[2] == "v4.hoststest":
            # In-process getaddrinfo (glibc 2.36) ignores getcanonname_r's
            # answer and uses the name; glibc nscd and nssrelay use it.
            want = ref.client(argv)
        tap.ok(got.returncode == want.returncode == 0 and got.stdout == want.stdout,
               " ".join(argv), "nssrelay: %r\nwant:     %r" % (got.stdout[:300], want.stdout[:300]))
    got, via_nscd = sb.client(["getent", "ahosts", "plain.hoststestb"]), ref.client(
        ["getent", "ahosts", "plain.hoststestb"])
    tap.ok(got.stdout == via_nscd.stdout and b"STREAM reverse.example.test" in got.stdout,
           "getent ahosts plain.hoststestb: glibc nscd's canonical name (a reverse lookup)",
           "nssrelay: %r\nnscd: %r" % (got.stdout, via_nscd.stdout))
    check_walk(tap, sb, names, "files hoststestb hoststest")
    tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed",
           "\n".join(nsstest.crash_lines(sb.log_text())))

# -- nsswitch.conf's actions ----------------------------------------------------------
for line in ("hosts: files hoststest hoststestb",
             "hosts: files [NOTFOUND=return] hoststest",
             "hosts: hoststest [SUCCESS=continue] files",
             "hosts: hoststest [!SUCCESS=return] hoststestb",
             "hosts: hoststest files",
             "hosts: hoststest [TRYAGAIN=return] files",
             "hosts: files nosuchmodule",
             "hosts: nosuchmodule hoststestb",
             "hosts: nosuchmodule [UNAVAIL=return] hoststestb"):
    with Sandbox(server_etc=etc_with(line), server_env=LIB_ENV) as sb:
        check_walk(tap, sb, names, line[7:])
        tap.ok(not nsstest.crash_lines(sb.log_text()), "%s: nssrelay never crashed" % line[7:])

tap.done()
