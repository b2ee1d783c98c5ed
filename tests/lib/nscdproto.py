# SPDX-License-Identifier: LGPL-2.1-or-later
"""The nscd protocol as the Python tests speak it: the request types,
numbered as glibc's nscd-client.h and src/requests.h number them, and
requests packed as glibc's client packs them.

The one definition for every Python test: tests/lib/nsstest.py, the fuzz
seeds (tests/fuzz/make_seeds.py) and the check-systemd guest scripts,
which run inside the container with only the standard library
(tests/systemd/nspawn-run copies this file in beside them).
test_malformed.py checks the numbers against src/requests.h."""

import struct

GETPWBYNAME, GETPWBYUID, GETGRBYNAME, GETGRBYGID = 0, 1, 2, 3
GETHOSTBYNAME, GETHOSTBYNAMEv6, GETHOSTBYADDR, GETHOSTBYADDRv6 = 4, 5, 6, 7
SHUTDOWN, GETSTAT, INVALIDATE = 8, 9, 10
GETFDPW, GETFDGR, GETFDHST = 11, 12, 13
GETAI, INITGROUPS, GETSERVBYNAME, GETSERVBYPORT, GETFDSERV = 14, 15, 16, 17, 18
GETNETGRENT, INNETGR, GETFDNETGR = 19, 20, 21

# Every request type by name (all the int names above), for checks.
REQUEST_TYPES = {name: value for name, value in globals().items()
                 if isinstance(value, int) and not name.startswith("_")}

VERSION = 2


def pack_request(req_type, key, version=VERSION, key_len=None):
    """A request's bytes: a str key gets its NUL; version and key_len may
    be overridden to make it malformed."""
    if isinstance(key, str):
        key = key.encode() + b"\0"
    if key_len is None:
        key_len = len(key)
    return struct.pack("=iii", version, req_type, key_len) + key


__all__ = sorted(REQUEST_TYPES) + ["REQUEST_TYPES", "VERSION", "pack_request"]
