# SPDX-License-Identifier: LGPL-2.1-or-later
"""Huge answers: a group of 100,000 members, a user in 70,000 groups.

nssrelay must send them whole (one reply, exactly the announced length,
never a short body: glibc turns that into a hard ENOENT) or, past
REPLY_BODY_MAX / NSS_BUFFER_MAX, close without a reply. These fit, so the
real clients must get everything, as in-process NSS does. The reference
here runs glibc in-process with the same test module loaded.
"""

import struct
import time

import nsstest
from nsstest import Sandbox, Tap, GETGRBYNAME, INITGROUPS

HUGE_MEMBERS = 100000
MANY_GROUPS = 70000
MANY_GROUPS_USER_GID = 70003
# 24-byte header, a length per member, "hugegroup\0" "x\0", the members
# ("m0000000\0": 9 bytes each).
HUGE_REPLY = 24 + HUGE_MEMBERS * 4 + 10 + 2 + HUGE_MEMBERS * 9

tap = Tap()
nsstest.require_root(tap)

# glibc's in-process view, with the test module: the reference.
REF_ENV = nsstest.TEST_MODULE_ENV

INITGROUPS_CODE = r'''
import os
pid = os.fork()
if pid == 0:
    os.initgroups("manygroups", %d)
    groups = os.getgroups()
    print(len(groups), %d in groups, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
''' % (MANY_GROUPS_USER_GID, MANY_GROUPS_USER_GID)


def group_reply_complete(reply):
    """Checks a GETGRBYNAME reply's announced lengths against its bytes."""
    if len(reply) < 24:
        return False, "short header"
    version, found, name_len, passwd_len, gid, count = struct.unpack_from("=iiiiIi", reply)
    lens = struct.unpack_from("=%di" % count, reply, 24)
    body = count * 4 + name_len + passwd_len + sum(lens)
    return (found == 1 and count == HUGE_MEMBERS and len(reply) == 24 + body,
            "found %d count %d, %d bytes for %d announced" % (found, count, len(reply), 24 + body))


with Sandbox(test_module=True) as sb:
    r = sb.client_alone(["getent", "group", "hugegroup"])
    tap.eq(r.returncode, 2, "without the socket the client does not know hugegroup")

    # -- a group of 100,000 members --------------------------------------------
    mark = sb.mark()
    started = time.monotonic()
    got = sb.client(["getent", "group", "hugegroup"])
    seconds = time.monotonic() - started
    want = sb.reference(["getent", "group", "hugegroup"], env=REF_ENV)
    tap.ok(got.returncode == 0 and got.stdout == want.stdout and
           got.stdout.count(b",") == HUGE_MEMBERS - 1,
           "getent group hugegroup: all %d members, as in-process" % HUGE_MEMBERS,
           "rc %d, %d bytes (in-process rc %d, %d bytes)" % (
               got.returncode, len(got.stdout), want.returncode, len(want.stdout)))
    # An instance logs after sending its reply: wait for the whole one's line.
    whole = sb.wait_for_log(mark, "found, %d bytes" % HUGE_REPLY)
    lines = [l for l in sb.lines_since(mark) if 'GETGRBYNAME "hugegroup"' in l]
    tap.ok(len(whole) == 1 and len(lines) >= 2,
           "one %d-byte reply; the client's smaller buffers hung up on the others" % HUGE_REPLY,
           "\n".join(lines))
    tap.diag("measured: getent group hugegroup took %.2f s and %d requests "
             "(glibc doubles its buffer from 1 KiB on ERANGE, a request each)" % (seconds, len(lines)))

    code = ("import grp; print(len(grp.getgrnam('hugegroup').gr_mem), "
            "len(grp.getgrgid(70004).gr_mem))")
    r = sb.python("client", code)
    tap.eq(r.stdout.split(), [b"100000", b"100000"], "python3 grp.getgrnam and getgrgid get every member")

    reply = sb.request(GETGRBYNAME, "hugegroup")
    ok, detail = group_reply_complete(reply)
    tap.ok(ok and len(reply) == HUGE_REPLY,
           "the raw reply carries exactly the bytes its header announces (%d)" % HUGE_REPLY, detail)

    # -- past the bound: 1,500,000 members need more than NSS_BUFFER_MAX ----
    mark = sb.mark()
    reply = sb.request(GETGRBYNAME, "toohuge")
    tap.eq(reply, b"", "toohuge: closed without a reply, never a partial one")
    code = "import grp, time\nt = time.monotonic()\ntry: grp.getgrnam('toohuge')\nexcept KeyError: print('%.3f' % (time.monotonic() - t))"
    r = sb.python("client", code)
    seconds = float(r.stdout or 99)
    tap.ok(seconds < 2.5 + nsstest.SLACK,
           "toohuge: getgrnam falls back in-process after %.0f ms" % (seconds * 1000), r)
    tap.diag("measured: a group past NSS_BUFFER_MAX -> getgrnam fell back after %.0f ms" % (seconds * 1000))
    tap.ok(len(sb.wait_for_log(mark, 'GETGRBYNAME "toohuge": NSS still wants a larger buffer '
                                     'than 16777216 bytes')) == 2,
           "toohuge: both logged as past the 16 MiB bound", sb.log_text()[mark:])

    # -- a user in 70,000 groups -------------------------------------------------
    got = sb.client(["getent", "initgroups", "manygroups"])
    want = sb.reference(["getent", "initgroups", "manygroups"], env=REF_ENV)
    tap.ok(got.returncode == 0 and got.stdout == want.stdout and
           len(got.stdout.split()) == MANY_GROUPS + 1,
           "getent initgroups manygroups: %d groups, as in-process" % MANY_GROUPS,
           "%r... vs %r..." % (got.stdout[:100], want.stdout[:100]))

    got = sb.client(["id", "-G", "manygroups"])
    want = sb.reference(["id", "-G", "manygroups"], env=REF_ENV)
    tap.ok(got.returncode == 0 and sorted(got.stdout.split()) == sorted(want.stdout.split()) and
           len(got.stdout.split()) == MANY_GROUPS + 1,
           "id -G manygroups: the same %d gids as in-process" % (MANY_GROUPS + 1),
           "%d vs %d gids" % (len(got.stdout.split()), len(want.stdout.split())))

    code = "import os; g = os.getgrouplist('manygroups', %d); print(len(g), g[0], g[-1])" % (
        MANY_GROUPS_USER_GID)
    got = sb.python("client", code).stdout.split()
    want = sb.reference(["/usr/bin/python3", "-c", code], env=REF_ENV).stdout.split()
    tap.eq(got, [b"70001", b"200000", b"70003"],
           "getgrouplist: 70,000 groups, the primary appended last by glibc's client")
    tap.eq(want, [b"70001", b"70003", b"269999"], "getgrouplist in-process: the primary comes first")

    # initgroups() hands the list to setgroups(), which takes at most
    # NGROUPS_MAX (65536) and glibc retries with one group fewer each time:
    # the tail goes, and through nscd the tail is the primary group.
    got = sb.client(["/usr/bin/python3", "-c", INITGROUPS_CODE]).stdout.split()
    want = sb.reference(["/usr/bin/python3", "-c", INITGROUPS_CODE], env=REF_ENV).stdout.split()
    tap.eq(got, [b"65536", b"False"],
           "initgroups through nssrelay: 65,536 groups, the primary dropped with the tail")
    tap.eq(want, [b"65536", b"True"], "initgroups in-process: 65,536 groups, the primary kept")

    reply = sb.request(INITGROUPS, "manygroups")
    header = struct.unpack_from("=iii", reply) if len(reply) >= 12 else None
    tap.ok(header == (2, 1, MANY_GROUPS) and len(reply) == 12 + 4 * MANY_GROUPS,
           "the raw INITGROUPS reply: %d gids, %d bytes, whole" % (MANY_GROUPS, 12 + 4 * MANY_GROUPS),
           (header, len(reply)))

    reaped = sb.wait_reaped(0)
    tap.ok(reaped is not None and set(reaped.values()) == {0},
           "all %d instances exited normally" % len(sb.spawned(0)), reaped)

tap.done()
