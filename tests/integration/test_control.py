# SPDX-License-Identifier: LGPL-2.1-or-later
"""Requests that are not lookups, and databases not served yet."""

import struct

import nsstest
from nsstest import (GETFDGR, GETFDHST, GETFDNETGR, GETFDPW, GETFDSERV, GETSTAT,
                     INVALIDATE, NOBODY, SHUTDOWN, Sandbox, Tap)

tap = Tap()
nsstest.require_root(tap)

users = {"passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"}

with Sandbox(server_etc=users) as sb:
    # GETFD*: read, then close without a byte.
    for req_type, db in ((GETFDPW, "passwd"), (GETFDGR, "group"), (GETFDHST, "hosts"),
                         (GETFDSERV, "services"), (GETFDNETGR, "netgroup")):
        mark = sb.mark()
        tap.eq(sb.request(req_type, db), b"", "GETFD for %s: closed without a reply" % db)
        tap.ok(sb.wait_for_log(mark, ": closed,"), "GETFD for %s: logged as closed" % db)

    # A new process's first lookup sends GETFDPW first; it must not wait
    # for it. A held GETFD would stall it 5 s.
    code = ("import pwd, time\nt = time.monotonic()\npwd.getpwnam('alice')\n"
            "print(time.monotonic() - t)\n")
    mark = sb.mark()
    r = sb.python("client", code)
    tap.eq(r.returncode, 0, "first lookup of a new process succeeds")
    elapsed = float(r.stdout or b"99")
    tap.ok(elapsed < 2.5, "first lookup is not held up by GETFDPW (%.3f s; a stall is 5 s)"
           % elapsed)
    sb.wait_for_log(mark, 'GETPWBYNAME "alice": ')
    lines = sb.lines_since(mark)
    tap.ok(len(lines) >= 2 and "GETFDPW" in lines[0] and
           any('GETPWBYNAME "alice"' in l and ": found," in l for l in lines[1:]),
           "the client sent GETFDPW first, then its lookups", "\n".join(lines))

    # INVALIDATE from root: 0 for the five databases, EINVAL for others.
    for db in ("passwd", "group", "hosts", "services", "netgroup"):
        tap.eq(sb.request(INVALIDATE, db), struct.pack("=i", 0), "INVALIDATE %s as root: 0" % db)
    tap.eq(sb.request(INVALIDATE, "bogus"), struct.pack("=i", 22), "INVALIDATE bogus as root: 22")
    tap.eq(sb.request(INVALIDATE, ""), struct.pack("=i", 22), "INVALIDATE with an empty key: 22")

    # The same from an ordinary user, through a real socket client in the
    # client namespace: closed with no reply.
    probe = ("import socket, struct, sys\n"
             "s = socket.socket(socket.AF_UNIX)\ns.connect('/run/nscd/socket')\n"
             "key = sys.argv[2].encode() + b'\\0'\n"
             "s.sendall(struct.pack('=iii', 2, int(sys.argv[1]), len(key)) + key)\n"
             "print(s.recv(100).hex())\n")
    for req_type, key, name in ((INVALIDATE, "passwd", "INVALIDATE"),
                                (SHUTDOWN, "", "SHUTDOWN")):
        mark = sb.mark()
        r = sb.client(["/usr/bin/python3", "-c", probe, str(req_type), key], user=NOBODY)
        tap.ok(r.returncode == 0 and r.stdout.strip() == b"",
               "%s from uid %d: closed without a reply" % (name, NOBODY), r.stderr)
        tap.ok(any(l.startswith("nssrelay[") and ("uid=%d comm=python3: %s " % (NOBODY, name)) in l
                   and ": denied," in l for l in sb.wait_for_log(mark, ": denied,")),
               "%s from uid %d: logged as denied" % (name, NOBODY))

    # SHUTDOWN from root: accepted, nothing to stop; the service goes on.
    tap.eq(sb.request(SHUTDOWN, b""), b"", "SHUTDOWN from root: no reply")
    r = sb.client(["getent", "passwd", "alice"])
    tap.eq(r.returncode, 0, "lookups still work after SHUTDOWN")

    tap.eq(sb.request(GETSTAT, b""), b"", "GETSTAT: closed without a reply")

tap.done()
