# SPDX-License-Identifier: LGPL-2.1-or-later
"""The same raw requests to Debian's glibc nscd and to nssrelay: the same bytes.

Both serve the same fixture files. Requests where nssrelay differs from
glibc nscd on purpose are checked against nssrelay's documented answer
instead (GETSTAT: nssrelay has no statistics and closes).
"""

import nsstest
from fixtures import USERS
from nsstest import (GETFDGR, GETFDPW, GETGRBYGID, GETGRBYNAME, GETPWBYNAME, GETPWBYUID,
                     GETSTAT, INITGROUPS, INVALIDATE, Sandbox, Tap)
from refnscd import RefNscd

REQUESTS = (
    [(GETPWBYNAME, n) for n in ("alice", "bob", "root", "big", "empty", "longgecos", "many",
                                "nosuch", "")] +
    [(GETPWBYUID, k) for k in ("0", "1000", "4294967294", "4242", "abc", "", "12x")] +
    [(GETGRBYNAME, n) for n in ("wheel", "root", "biggid", "maxgid", "nomembers", "huge",
                                "nosuch")] +
    [(GETGRBYGID, k) for k in ("10", "4000000000", "4294967294", "5000", "4242", "x1", "")] +
    [(INITGROUPS, n) for n in ("alice", "bob", "many", "big", "lonely", "root", "nosuch")] +
    [(GETFDPW, "passwd"), (GETFDGR, "group")] +
    [(INVALIDATE, n) for n in ("passwd", "group", "hosts", "services", "netgroup", "bogus")]
)

tap = Tap()
nsstest.require_root(tap)

with RefNscd(USERS) as nscd, Sandbox(server_etc=USERS) as sb:
    for req_type, key in REQUESTS:
        want = nscd.request(req_type, key)
        got = sb.request(req_type, key)
        tap.ok(got == want, "type %d %r: %d bytes, as glibc nscd" % (req_type, key, len(want)),
               "nssrelay: %s\nnscd:     %s" % (got[:200].hex(), want[:200].hex()))

    want = nscd.request(GETSTAT, b"")
    got = sb.request(GETSTAT, b"")
    tap.ok(len(want) == 768 and got == b"",
           "GETSTAT: glibc nscd sends its 768-byte statistics, nssrelay closes")

tap.done()
