# SPDX-License-Identifier: LGPL-2.1-or-later
"""Services through nssrelay: compared with in-process glibc and, byte for
byte, with Debian's glibc nscd."""

import struct

import nsstest
from nsstest import GETSERVBYNAME, GETSERVBYPORT, Sandbox, Tap, same_output
from refnscd import RefNscd

ALIASES = 1000

services = "".join([
    "http\t\t80/tcp\t\twww\n",
    "http\t\t80/udp\n",
    "domain\t\t53/tcp\n",
    "domain\t\t53/udp\n",
    "multi\t\t1234/udp\tm1 m2 m3\n",
    "udponly\t\t4321/udp\n",
    "highest\t\t65535/tcp\n",
    "zero\t\t0/tcp\n",
    "big\t\t4000/tcp\t%s\n" % " ".join("alias%d" % i for i in range(ALIASES)),
])

tap = Tap()
nsstest.require_root(tap)


def port_key(port, proto=""):
    """The key glibc's client sends: the port in network order, in decimal."""
    return "%d/%s" % (struct.unpack("=H", struct.pack("!H", port))[0], proto)


with Sandbox(server_etc={"services": services}) as sb:
    r = sb.client_alone(["getent", "services", "http"])
    tap.eq(r.returncode, 2, "without the socket the client does not know http")

    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "services", "http/tcp"], "getent services http/tcp",
                      expect_rc=0)
    tap.ok(got is not None and got.stdout.split() == [b"http", b"80/tcp", b"www"],
           "http/tcp is the server's entry", got and got.stdout)
    # nssrelay logs after it has replied: wait for the line.
    lines = sb.wait_for_log(mark, 'GETSERVBYNAME "http/tcp"')
    tap.ok(any(": found" in l for l in lines),
           "nssrelay logged the GETSERVBYNAME it answered", "\n".join(lines))
    tap.ok(not any("comm=nssrelay" in l for l in lines), "nssrelay did not ask itself",
           "\n".join(lines))

    mark = sb.mark()
    same_output(tap, sb, ["getent", "services", "80/tcp"], "getent services 80/tcp", expect_rc=0)
    tap.ok(any(": found" in l for l in sb.wait_for_log(mark, 'GETSERVBYPORT "20480/tcp"')),
           "the port went out in network order, as glibc's client sends it",
           sb.log_text()[mark:])

    for argv in (["getent", "services", "http"],       # any protocol: the first entry
                 ["getent", "services", "http/udp"],
                 ["getent", "services", "www"],         # an alias
                 ["getent", "services", "www/tcp"],
                 ["getent", "services", "80"],
                 ["getent", "services", "80/udp"],
                 ["getent", "services", "domain/udp"],
                 ["getent", "services", "53"],
                 ["getent", "services", "multi"],
                 ["getent", "services", "m2/udp"],
                 ["getent", "services", "1234/udp"],
                 ["getent", "services", "udponly"],     # any protocol finds the udp entry
                 ["getent", "services", "4321"],
                 ["getent", "services", "65535/tcp"],
                 ["getent", "services", "big"],
                 ["getent", "services", "4000/tcp"],
                 ["getent", "services", "alias999"]):
        same_output(tap, sb, argv, " ".join(argv), expect_rc=0)

    for argv in (["getent", "services", "nosuch"],
                 ["getent", "services", "nosuch/tcp"],
                 ["getent", "services", "http/sctp"],
                 ["getent", "services", "9999"],
                 ["getent", "services", "80/sctp"],
                 ["getent", "services", "udponly/tcp"]):
        same_output(tap, sb, argv, " ".join(argv), expect_rc=2)

    got = sb.client(["getent", "services", "big"])
    tap.eq(len(got.stdout.split()), 2 + ALIASES, "all %d aliases arrive" % ALIASES)

    code = r'''
import socket
print(socket.getservbyname("http", "tcp"), socket.getservbyname("http"))
print(socket.getservbyname("www"), socket.getservbyname("domain", "udp"))
print(socket.getservbyport(80, "tcp"), socket.getservbyport(80), socket.getservbyport(53, "udp"))
print(socket.getservbyport(1234), socket.getservbyport(65535, "tcp"), socket.getservbyname("alias500"))
for f, args in ((socket.getservbyname, ("nosuch",)), (socket.getservbyname, ("http", "sctp")),
                (socket.getservbyport, (9999,)), (socket.getservbyport, (4321, "tcp"))):
    try:
        print("found", f(*args))
    except OSError as e:
        print("OSError", e)
'''
    got = sb.python("client", code)
    want = sb.python("reference", code)
    tap.ok(got.returncode == 0 and got.stdout == want.stdout and got.stdout.count(b"OSError") == 4,
           "python3 socket.getservbyname/getservbyport agree with in-process",
           "through nssrelay: %r %r\nin-process: %r" % (got.stdout, got.stderr, want.stdout))

    # Port 0: answered "not found" without asking NSS (nssrelay(8),
    # SERVICES). In-process glibc finds the fixture's entry.
    mark = sb.mark()
    reply = sb.request(GETSERVBYPORT, "0/tcp")
    tap.eq(reply, struct.pack("=6i", 2, 0, 0, 0, 0, -1), "port 0 is answered not found")
    got = sb.client(["getent", "services", "0/tcp"])
    tap.eq(got.returncode, 2, "getent services 0/tcp through nssrelay: not found")
    tap.ok(any("not-found" in l for l in sb.wait_for_log(mark, 'GETSERVBYPORT "0/tcp"')),
           "nssrelay answered the port 0 lookups itself")

    # Malformed keys: closed without a reply.
    for req_type, key, what in (
            (GETSERVBYNAME, "http", "a name without '/'"),
            (GETSERVBYNAME, b"http\0/tcp\0", "a name with a NUL inside"),
            (GETSERVBYNAME, b"", "an empty key"),
            (GETSERVBYPORT, "20480", "a port without '/'"),
            (GETSERVBYPORT, "/tcp", "an empty port"),
            (GETSERVBYPORT, "http/tcp", "a non-numeric port"),
            (GETSERVBYPORT, "-1/tcp", "a negative port"),
            (GETSERVBYPORT, "+80/tcp", "a port with a sign"),
            (GETSERVBYPORT, " 80/tcp", "a port with a space"),
            (GETSERVBYPORT, "65536/tcp", "port 65536"),
            (GETSERVBYPORT, "99999999999999999999/tcp", "a huge port"),
            (GETSERVBYPORT, b"20480/tcp\0x\0", "a port key with a NUL inside")):
        mark = sb.mark()
        tap.eq(sb.request(req_type, key), b"", "%s is closed without a reply" % what)
        tap.ok(sb.wait_for_log(mark, ": malformed, 0 bytes"), "%s is logged as malformed" % what,
               sb.log_text()[mark:])

    # Byte for byte what Debian's nscd sends (port 0 excepted, see above).
    keys = [(GETSERVBYNAME, k) for k in (
        "http/tcp", "http/", "http/udp", "www/tcp", "www/", "domain/udp", "multi/", "m3/udp",
        "udponly/", "udponly/tcp", "highest/tcp", "big/tcp", "alias0/", "nosuch/tcp", "nosuch/",
        "/tcp", "a/b/tcp", "http/sctp")]
    keys += [(GETSERVBYPORT, port_key(p, proto)) for p, proto in (
        (80, "tcp"), (80, ""), (80, "udp"), (53, ""), (1234, "udp"), (4321, "tcp"), (4321, ""),
        (65535, "tcp"), (4000, ""), (9999, ""), (80, "sctp"))]
    with RefNscd({"services": services}) as ref:
        for req_type, key in keys:
            ours = sb.request(req_type, key)
            theirs = ref.request(req_type, key)
            tap.ok(ours == theirs and len(ours) >= 24,
                   "%s %r: the same bytes as Debian's nscd" % (
                       "GETSERVBYNAME" if req_type == GETSERVBYNAME else "GETSERVBYPORT", key),
                   "nssrelay: %s\nnscd:     %s" % (ours.hex(), theirs.hex()))

tap.done()
