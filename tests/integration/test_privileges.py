# SPDX-License-Identifier: LGPL-2.1-or-later
"""Privileged requests and an unprivileged instance.

INVALIDATE and SHUTDOWN are honoured only from uid 0, as glibc nscd does:
anyone else gets the connection closed with no reply. The peer's uid comes
from SO_PEERCRED, so the clients really run as root and as nobody (65534,
via setpriv in the client's namespace). The requests are byte for byte
what `nscd -i DB` and `nscd -K` send (docs/nscd-protocol.md §5); those tools
refuse to send anything unless run as root.

An instance also needs no privilege of its own: the second sandbox runs it
as nobody with no capabilities at all and no_new_privs, and every lookup
and control request still works. The test module's "creds" user reports
the serving process's credentials.
"""

import re
import struct

import nsstest
from nsstest import Sandbox, Tap, INVALIDATE, SHUTDOWN, GETSTAT, NOBODY

DATABASES = ("passwd", "group", "hosts", "services", "netgroup")

# Sends raw requests from the client's namespace, one connection each,
# and prints each reply in hex; run as root or as nobody.
RAW = r'''
import socket, struct, sys
args = sys.argv[1:]
for req_type, key in zip(args[0::2], args[1::2]):
    body = key.encode() + b"\0" if key else b""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect("/run/nscd/socket")
    s.sendall(struct.pack("=iii", 2, int(req_type), len(body)) + body)
    out = b""
    while True:
        try:
            chunk = s.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    print("reply:" + out.hex(), flush=True)
'''

tap = Tap()
nsstest.require_root(tap)


def raw_as(sb, user, *requests):
    """Replies to (type, key) requests sent as user: bytes each, or why not."""
    argv = ["/usr/bin/python3", "-c", RAW]
    for req_type, key in requests:
        argv += [str(req_type), key]
    r = sb.client(argv, user=user)
    replies = [bytes.fromhex(l[len("reply:"):]) for l in r.stdout.decode().splitlines()
               if l.startswith("reply:")]
    if len(replies) != len(requests):
        replies += ["client failed: %r" % r.stderr[-300:]] * (len(requests) - len(replies))
    return replies


def check_privileges(sb, label):
    replies = raw_as(sb, 0, *[(INVALIDATE, db) for db in DATABASES + ("bogus",)])
    for db, reply in zip(DATABASES, replies):
        tap.eq(reply, struct.pack("=i", 0), "%s: INVALIDATE %s from root is answered 0" % (label, db))
    tap.eq(replies[-1], struct.pack("=i", 22),
           "%s: INVALIDATE of an unknown database from root is answered EINVAL" % label)

    mark = sb.mark()
    tap.eq(raw_as(sb, NOBODY, (INVALIDATE, "passwd"))[0], b"",
           "%s: INVALIDATE from uid 65534 is closed without a reply" % label)
    tap.ok(any(re.search(r'pid=\d+ uid=65534 comm=python3: INVALIDATE "passwd": denied', l)
               for l in sb.lines_since(mark)),
           "%s: ... and logged as denied" % label, sb.log_text()[mark:])

    mark = sb.mark()
    tap.eq(raw_as(sb, NOBODY, (SHUTDOWN, ""))[0], b"", "%s: SHUTDOWN from uid 65534 gets no reply" % label)
    tap.ok(any("SHUTDOWN" in l and "uid=65534" in l and ": denied" in l for l in sb.lines_since(mark)),
           "%s: ... and is logged as denied" % label, sb.log_text()[mark:])

    mark = sb.mark()
    tap.eq(raw_as(sb, 0, (SHUTDOWN, ""))[0], b"", "%s: SHUTDOWN from root gets no reply (nscd -K reads none)" % label)
    tap.ok(any("SHUTDOWN" in l and "uid=0" in l and ": closed" in l for l in sb.lines_since(mark)),
           "%s: ... is accepted, and stops nothing: systemd owns the socket" % label,
           sb.log_text()[mark:])
    r = sb.client(["getent", "passwd", "whoami"], user=NOBODY)
    tap.ok(r.returncode == 0 and r.stdout.decode().split(":")[4] == nsstest.SERVER_COMM,
           "%s: lookups from uid 65534 are served, after both SHUTDOWNs" % label, r)

    tap.eq(raw_as(sb, NOBODY, (GETSTAT, ""))[0], b"", "%s: GETSTAT from uid 65534 is closed" % label)
    reaped = sb.wait_reaped(0)
    tap.ok(reaped is not None and set(reaped.values()) == {0},
           "%s: every instance exited with status 0" % label, reaped)


with Sandbox(test_module=True, name="test_privileges.py (root instance)") as sb:
    check_privileges(sb, "root instance")

with Sandbox(test_module=True, exec_prefix=nsstest.DROP_PRIVILEGES,
             name="test_privileges.py (unprivileged instance)") as sb:
    r = sb.client(["getent", "passwd", "creds"])
    gecos = r.stdout.decode().split(":")[4] if r.returncode == 0 else r
    tap.eq(gecos, "uid=65534 gid=65534 CapEff=0000000000000000 NoNewPrivs=1",
           "the second sandbox's instance runs as nobody, with no capabilities and no_new_privs")
    for argv in (["getent", "passwd", "root"], ["getent", "group", "root"],
                 ["getent", "initgroups", "manygroups"]):
        r = sb.client(argv)
        tap.ok(r.returncode == 0 and r.stdout, "unprivileged instance: %s works" % " ".join(argv), r)
    check_privileges(sb, "unprivileged instance")

tap.done()
