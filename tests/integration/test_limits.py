# SPDX-License-Identifier: LGPL-2.1-or-later
"""The NSS buffer bound: large entries are served whole; past 16 MiB the
connection is closed and the client falls back, never a short reply."""

import struct

import nsstest
from nsstest import GETGRBYNAME, INITGROUPS, Sandbox, Tap

LARGE = 200000    # about 4 MiB of NSS buffer: served
TOO_LARGE = 1000000  # about 23 MiB: past the bound

group = "".join([
    "root:x:0:\n",
    "large:x:7000:%s\n" % ",".join("member%07d" % i for i in range(LARGE)),
    "toolarge:x:7001:%s\n" % ",".join("member%07d" % i for i in range(TOO_LARGE)),
])

tap = Tap()
nsstest.require_root(tap)

with Sandbox(server_etc={"group": group}) as sb:
    reply = sb.request(GETGRBYNAME, "large")
    version, found, name_len, passwd_len, gid, count = struct.unpack("=6i", reply[:24])
    tap.ok(found == 1 and count == LARGE and gid == 7000,
           "a group of %d members is served (%d bytes)" % (LARGE, len(reply)))
    member_bytes = sum(struct.unpack("=%di" % count, reply[24:24 + 4 * count]))
    tap.eq(len(reply), 24 + 4 * count + name_len + passwd_len + member_bytes,
           "the reply is exactly as long as its header says")

    code = "import grp\ng = grp.getgrnam('large')\nprint(len(g.gr_mem), g.gr_mem[-1])\n"
    r = sb.python("client", code)
    tap.eq(r.stdout.decode().split(), [str(LARGE), "member%07d" % (LARGE - 1)],
           "python3 grp.getgrnam gets every member through nssrelay")

    # A client that hangs up before the reply is sent: the request line
    # says so instead of claiming a delivered reply.
    mark = sb.mark()
    with sb.connect() as s:
        s.sendall(nsstest.pack_request(GETGRBYNAME, "large"))
    lines = sb.wait_for_log(mark, 'GETGRBYNAME "large": ')
    tap.ok(lines and ": found (the client went away), 0 bytes," in lines[0],
           "a reply the client did not wait for is logged as such", lines)

    mark = sb.mark()
    tap.eq(sb.request(GETGRBYNAME, "toolarge"), b"",
           "a group past the 16 MiB bound: closed without a reply")
    lines = sb.wait_for_log(mark, "too-large")
    tap.ok(lines, "logged as too-large")
    tap.ok(any("larger buffer than 16777216 bytes" in l for l in sb.lines_since(mark)),
           "the warning names the bound")

    # The real client falls back to its own files, which lack the group;
    # it neither hangs nor sees a truncated entry.
    r = sb.client(["getent", "group", "toolarge"])
    tap.eq(r.returncode, 2, "getent group toolarge: the client falls back and finds nothing")

    # INITGROUPS of a member of neither is simply not found.
    tap.eq(sb.request(INITGROUPS, "nobody"), struct.pack("=3i", 2, 0, 0),
           "INITGROUPS still works after a too-large lookup")

tap.done()
