#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpus of both fuzz targets (tests/fuzz/corpus/).

Run it from anywhere; it rewrites the seed files. Each seed is a whole
client request (or a broken one); the wire target also reads the same
bytes as reply-builder input (first byte: body bound, then NUL-separated
strings).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from nscdproto import *  # noqa: E402,F403
from nscdproto import pack_request as req  # noqa: E402


def innetgr(group, host, user, domain):
    out = group.encode() + b"\0"
    for v in (host, user, domain):
        out += b"\0" if v is None else b"\x01" + v.encode() + b"\0"
    return out


requests = {
    "pw-name-alice": req(GETPWBYNAME, "alice"),
    "pw-name-nosuch": req(GETPWBYNAME, "nosuch"),
    "pw-name-empty": req(GETPWBYNAME, ""),
    "pw-name-no-nul": req(GETPWBYNAME, b"root"),
    "pw-name-embedded-nul": req(GETPWBYNAME, b"ro\0ot\0"),
    "pw-uid-1000": req(GETPWBYUID, "1000"),
    "pw-uid-max": req(GETPWBYUID, "4294967295"),
    "pw-uid-overflow": req(GETPWBYUID, "4294967296"),
    "pw-uid-letters": req(GETPWBYUID, "abc"),
    "pw-uid-empty": req(GETPWBYUID, ""),
    "gr-name-wheel": req(GETGRBYNAME, "wheel"),
    "gr-name-many": req(GETGRBYNAME, "many"),
    "gr-gid-big": req(GETGRBYGID, "4000000000"),
    "gr-gid-10": req(GETGRBYGID, "10"),
    "host-name": req(GETHOSTBYNAME, "web"),
    "host-name-v6": req(GETHOSTBYNAMEv6, "web"),
    "host-addr": req(GETHOSTBYADDR, bytes([192, 0, 2, 10])),
    "host-addr-v6": req(GETHOSTBYADDRv6, bytes.fromhex("20010db8000000000000000000000010")),
    "host-addr-short": req(GETHOSTBYADDR, b"\x7f"),
    "shutdown": req(SHUTDOWN, b""),
    "getstat": req(GETSTAT, b""),
    "invalidate-passwd": req(INVALIDATE, "passwd"),
    "invalidate-bogus": req(INVALIDATE, "bogus"),
    "getfdpw": req(GETFDPW, "passwd"),
    "getfdgr": req(GETFDGR, "group"),
    "getfdhst": req(GETFDHST, "hosts"),
    "getai": req(GETAI, "web"),
    "initgroups-alice": req(INITGROUPS, "alice"),
    "initgroups-root": req(INITGROUPS, "root"),
    "serv-name": req(GETSERVBYNAME, "http/tcp"),
    "serv-name-noproto": req(GETSERVBYNAME, "http/"),
    "serv-port": req(GETSERVBYPORT, "20480/tcp"),
    "getfdserv": req(GETFDSERV, "services"),
    "netgrent": req(GETNETGRENT, "trusted"),
    "innetgr": req(INNETGR, innetgr("trusted", "host1", "alice", None)),
    "innetgr-domain": req(INNETGR, innetgr("trusted", None, None, "example.test")),
    "getfdnetgr": req(GETFDNETGR, "netgroup"),
    "bad-version": req(GETPWBYNAME, "alice", version=1),
    "byteswapped-version": req(GETPWBYNAME, "alice", version=0x02000000),
    "bad-type": req(len(REQUEST_TYPES), "alice"),
    "negative-type": req(-1, "alice"),
    "key-len-negative": req(GETPWBYNAME, b"", key_len=-1),
    "key-len-1025": req(GETPWBYNAME, b"x" * 1025),
    "key-len-million": req(GETPWBYNAME, b"", key_len=1000000),
    "key-len-max": req(GETPWBYNAME, b"a" * 1023 + b"\0"),
    "truncated-header": req(GETPWBYNAME, "alice")[:7],
    "truncated-key": req(GETPWBYNAME, "alice")[:14],
    "trailing-bytes": req(GETPWBYNAME, "alice") + b"garbage",
    "empty": b"",
    "garbage": b"GET / HTTP/1.0\r\n\r\n",
}

builders = {
    "build-passwd": b"\xff" + b"\0".join([b"alice", b"x", b"Alice Example", b"/home/alice", b"/bin/bash"]),
    "build-group": b"\xff" + b"\0".join([b"wheel", b"x", b"alice", b"bob", b""]),
    "build-tight-bound": b"\x01" + b"\0".join([b"n" * 30, b"p" * 30, b"m" * 10]),
    "build-zero-bound": b"\x00abc\0def",
}

for target, seeds in (("connection", requests), ("wire", dict(requests, **builders))):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
