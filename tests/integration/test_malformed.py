# SPDX-License-Identifier: LGPL-2.1-or-later
"""Malformed requests: the connection is closed without a reply, at once."""

import os
import re
import struct
import time

import nsstest
from nsstest import GETGRBYGID, GETPWBYNAME, GETPWBYUID, Sandbox, Tap, pack_request

tap = Tap()
nsstest.require_root(tap)

# The tests' request numbers are the server's.
with open(os.path.join(nsstest.SRCDIR, "src", "requests.h")) as f:
    rows = re.findall(r"\bR\((\w+), (\d+),", f.read())
tap.eq({name: int(number) for name, number in rows}, nsstest.REQUEST_TYPES,
       "tests/lib/nscdproto.py numbers the requests as src/requests.h does")

users = {"passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"}

CASES = [
    ("unknown type 22", pack_request(22, "alice")),
    ("unknown type 1000", pack_request(1000, "alice")),
    ("negative type", pack_request(-1, "alice")),
    ("version 1", pack_request(GETPWBYNAME, "alice", version=1)),
    ("version 3", pack_request(GETPWBYNAME, "alice", version=3)),
    ("byte-swapped version (musl's retry)", pack_request(GETPWBYNAME, "alice", version=0x02000000)),
    ("key_len -1", pack_request(GETPWBYNAME, "alice", key_len=-1)),
    ("key_len 1025", pack_request(GETPWBYNAME, "alice", key_len=1025)),
    ("key_len of a million", pack_request(GETPWBYNAME, "alice", key_len=1000000)),
    ("non-numeric uid", pack_request(GETPWBYUID, "abc")),
    ("empty uid", pack_request(GETPWBYUID, "")),
    ("negative uid", pack_request(GETPWBYUID, "-1")),
    ("uid past 2^32", pack_request(GETPWBYUID, "4294967296")),
    ("non-numeric gid", pack_request(GETGRBYGID, "10x")),
    ("gid with a sign", pack_request(GETGRBYGID, "+10")),
]

with Sandbox(server_etc=users) as sb:
    for name, data in CASES:
        mark = sb.mark()
        start = time.monotonic()
        reply = sb.raw(data)
        elapsed = time.monotonic() - start
        tap.eq(reply, b"", "%s: closed without a reply" % name)
        tap.ok(elapsed < 0.9, "%s: closed before the read deadline (%.3f s)" % (name, elapsed))
        tap.ok(sb.wait_for_log(mark, "malformed"), "%s: logged as malformed" % name)

    # Truncated requests: the client shuts its side down mid-request.
    full = pack_request(GETPWBYNAME, "alice")
    for cut in (1, 6, 11, 12, 15):
        mark = sb.mark()
        tap.eq(sb.raw(full[:cut], shut_write=True), b"", "request cut after %d bytes: closed" % cut)
        tap.ok(sb.wait_for_log(mark, "truncated"), "request cut after %d bytes: logged" % cut)

    # A request that stops arriving is ended by the 1 s read deadline.
    mark = sb.mark()
    with sb.connect() as s:
        s.sendall(full[:7])
        start = time.monotonic()
        s.settimeout(10)
        data = nsstest.read_until_eof(s)
        elapsed = time.monotonic() - start
    tap.eq(data, b"", "a stalled request gets no reply")
    tap.ok(elapsed < 3, "a stalled request is closed by the read deadline (%.2f s)" % elapsed)
    tap.ok(sb.wait_for_log(mark, "no complete request"), "the stall is logged")

    # Bytes after the key are ignored, as glibc nscd ignores them.
    reply = sb.raw(full + b"trailing garbage")
    tap.ok(reply[:8] == struct.pack("=ii", 2, 1), "bytes after the key do not spoil the reply")

    # After all that, a valid lookup works.
    r = sb.client(["getent", "passwd", "alice"])
    tap.eq(r.returncode, 0, "the service still answers")

tap.done()
