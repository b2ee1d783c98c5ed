#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpus of both fuzz targets (tests/fuzz/corpus/).

Run it from anywhere; it rewrites the seed files. Each seed is a whole
client request (or a broken one); the wire target also reads the same
bytes as reply-builder input (first byte: body bound, then NUL-separated
strings).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def req(t, key, version=2, key_len=None):
    if isinstance(key, str):
        key = key.encode() + b"\0"
    return struct.pack("=iii", version, t, len(key) if key_len is None else key_len) + key


def innetgr(group, host, user, domain):
    out = group.encode() + b"\0"
    for v in (host, user, domain):
        out += b"\0" if v is None else b"\x01" + v.encode() + b"\0"
    return out


requests = {
    "pw-name-alice": req(0, "alice"),
    "pw-name-nosuch": req(0, "nosuch"),
    "pw-name-empty": req(0, ""),
    "pw-name-no-nul": req(0, b"root"),
    "pw-name-embedded-nul": req(0, b"ro\0ot\0"),
    "pw-uid-1000": req(1, "1000"),
    "pw-uid-max": req(1, "4294967295"),
    "pw-uid-overflow": req(1, "4294967296"),
    "pw-uid-letters": req(1, "abc"),
    "pw-uid-empty": req(1, ""),
    "gr-name-wheel": req(2, "wheel"),
    "gr-name-many": req(2, "many"),
    "gr-gid-big": req(3, "4000000000"),
    "gr-gid-10": req(3, "10"),
    "host-name": req(4, "web"),
    "host-name-v6": req(5, "web"),
    "host-addr": req(6, bytes([192, 0, 2, 10])),
    "host-addr-v6": req(7, bytes.fromhex("20010db8000000000000000000000010")),
    "host-addr-short": req(6, b"\x7f"),
    "shutdown": req(8, b""),
    "getstat": req(9, b""),
    "invalidate-passwd": req(10, "passwd"),
    "invalidate-bogus": req(10, "bogus"),
    "getfdpw": req(11, "passwd"),
    "getfdgr": req(12, "group"),
    "getfdhst": req(13, "hosts"),
    "getai": req(14, "web"),
    "initgroups-alice": req(15, "alice"),
    "initgroups-root": req(15, "root"),
    "serv-name": req(16, "http/tcp"),
    "serv-name-noproto": req(16, "http/"),
    "serv-port": req(17, "20480/tcp"),
    "getfdserv": req(18, "services"),
    "netgrent": req(19, "trusted"),
    "innetgr": req(20, innetgr("trusted", "host1", "alice", None)),
    "innetgr-domain": req(20, innetgr("trusted", None, None, "example.test")),
    "getfdnetgr": req(21, "netgroup"),
    "bad-version": req(0, "alice", version=1),
    "byteswapped-version": req(0, "alice", version=0x02000000),
    "bad-type": req(22, "alice"),
    "negative-type": req(-1, "alice"),
    "key-len-negative": req(0, b"", key_len=-1),
    "key-len-1025": req(0, b"x" * 1025),
    "key-len-million": req(0, b"", key_len=1000000),
    "key-len-max": req(0, b"a" * 1023 + b"\0"),
    "truncated-header": req(0, "alice")[:7],
    "truncated-key": req(0, "alice")[:14],
    "trailing-bytes": req(0, "alice") + b"garbage",
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
