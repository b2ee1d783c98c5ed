# SPDX-License-Identifier: LGPL-2.1-or-later
"""Netgroups through nssrelay: compared with in-process glibc and with
Debian's glibc nscd."""

import json
import struct

import nsstest
from nsstest import GETNETGRENT, INNETGR, Sandbox, Tap, same_output
from refnscd import RefNscd

LARGE = 5000
LONG_HOST = "h" * 3000

netgroup = "".join([
    "trusted (host1,alice,example.test) (host2,bob,example.test)\n",
    "wild (,alice,) (host3,,) (-,-,-) ( host4 , , )\n",
    "nested trusted (host5,carol,)\n",
    "outer nested wild (host6,,)\n",
    "multi sub1 sub2 (m,,)\n",
    "sub1 (s1,,) subsub\n",
    "sub2 (s2,,)\n",
    "subsub (ss,,)\n",
    "loopa (a1,,) loopb\n",
    "loopb (b1,,) loopa\n",
    "selfloop selfloop (self,,) selfloop\n",
    "empty\n",
    "dup (d,,) (d,,) trusted trusted\n",
    "dangling (x,,) nosuchgroup\n",
    "continued (c1,,) \\\n (c2,,)\n",
    "large %s\n" % " ".join("(h%d,u%d,d%d)" % (i, i, i) for i in range(LARGE)),
    "longtriple (%s,user,)\n" % LONG_HOST,
])
# Where a netgroup names several others (multi, outer), glibc nscd lists
# them breadth first, in-process glibc (and so nssrelay) depth first from
# the last one named: the same triples in another order.
REORDERED = ("multi", "outer")
GROUPS = ("trusted", "wild", "nested", "outer", "multi", "loopa", "loopb", "selfloop", "empty",
          "dup", "dangling", "continued", "large")

tap = Tap()
nsstest.require_root(tap)


def innetgr_key(group, host=None, user=None, domain=None):
    key = group.encode() + b"\0"
    for v in (host, user, domain):
        key += b"\0" if v is None else b"\x01" + v.encode() + b"\0"
    return key


LIST_CODE = r'''
import ctypes, sys
libc = ctypes.CDLL("libc.so.6", use_errno=True)
h, u, d = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
buf = ctypes.create_string_buffer(65536)
for group in sys.argv[1:]:
    found = libc.setnetgrent(group.encode())
    triples = []
    while libc.getnetgrent_r(ctypes.byref(h), ctypes.byref(u), ctypes.byref(d), buf, len(buf)) == 1:
        triples.append((h.value, u.value, d.value))
    libc.endnetgrent()
    print(group, found, len(triples), triples)
'''

INNETGR_CASES = [
    ("trusted", "host1", "alice", "example.test"),
    ("trusted", "host1", "alice", None),
    ("trusted", "host1", None, None),
    ("trusted", None, None, None),
    ("trusted", "host9", "alice", None),
    ("trusted", "host1", "bob", None),
    ("trusted", "HOST1", None, "EXAMPLE.test"),
    ("trusted", None, "ALICE", None),
    ("wild", "anything", "alice", "any.domain"),
    ("wild", "host3", "whoever", None),
    ("wild", "host4", None, None),
    ("wild", "-", "-", "-"),
    ("wild", "nohost", "bob", None),
    ("nested", "host2", "bob", None),
    ("nested", "host5", "carol", "x"),
    ("outer", "host3", "x", None),
    ("outer", "host1", None, None),
    ("multi", "ss", None, None),
    ("loopa", "b1", None, None),
    ("loopb", "a1", None, None),
    ("loopa", "c1", None, None),
    ("selfloop", "self", None, None),
    ("empty", None, None, None),
    ("dangling", "x", None, None),
    ("continued", "c2", None, None),
    ("large", "h4999", "u4999", "d4999"),
    ("large", "h4999", "u0", None),
    ("nosuch", None, None, None),
    ("", None, None, None),
    ("trusted", "", None, None),
]

INNETGR_CODE = r'''
import ctypes, json, sys
libc = ctypes.CDLL("libc.so.6")
def arg(v):
    return None if v is None else v.encode()
for case in json.loads(sys.argv[1]):
    print(case, libc.innetgr(*[arg(v) for v in case]))
'''

with Sandbox(server_etc={"netgroup": netgroup}) as sb:
    r = sb.client_alone(["getent", "netgroup", "trusted"])
    tap.ok(r.returncode == 2 or r.stdout.strip() == b"",
           "without the socket the client does not know trusted", r)

    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "netgroup", "trusted"], "getent netgroup trusted",
                      expect_rc=0)
    tap.ok(got is not None and b"(host1,alice,example.test)" in got.stdout,
           "trusted's triples are the server's", got and got.stdout)
    # nssrelay logs after it has replied, so its line may come a little
    # after the client is done: wait for it.
    lines = sb.wait_for_log(mark, 'GETNETGRENT "trusted"')
    tap.ok(any(": found" in l for l in lines),
           "nssrelay logged the GETNETGRENT it answered", sb.log_text()[mark:])

    for group in GROUPS:
        if group in REORDERED:
            continue
        mark = sb.mark()
        same_output(tap, sb, ["getent", "netgroup", group], "getent netgroup " + group)
        needle = 'GETNETGRENT "%s"' % group
        sb.wait_for_log(mark, needle)
        lines = sb.lines_since(mark, needle)
        # One request, from getent (the comm of a process that has already
        # exited shows as "?"): our own glibc must not ask nssrelay, which
        # would be waiting, so its comm would show.
        tap.ok(len(lines) == 1
               and not any("comm=nssrelay" in l for l in sb.lines_since(mark)),
               "getent netgroup %s: one request, none from nssrelay itself" % group,
               "\n".join(lines))
    same_output(tap, sb, ["getent", "netgroup", "nosuch"], "getent netgroup nosuch")

    got = sb.client(["getent", "netgroup", "multi"])
    want = sb.reference(["getent", "netgroup", "multi"])
    tap.ok(got.returncode == want.returncode == 0
           and sorted(got.stdout.split()) == sorted(want.stdout.split()),
           "getent netgroup multi: the same triples", (got.stdout, want.stdout))

    got = sb.client(["getent", "netgroup", "large"])
    tap.eq(len(got.stdout.split()), LARGE + 1, "all %d triples of a large netgroup arrive" % LARGE)

    # The public API with NULL fields, as a program sees it.
    args = list(GROUPS) + ["nosuch", "longtriple"]
    got = sb.client(["/usr/bin/python3", "-c", LIST_CODE] + args)
    want = sb.reference(["/usr/bin/python3", "-c", LIST_CODE] + args)
    g_lines = got.stdout.decode().splitlines()
    w_lines = want.stdout.decode().splitlines()
    tap.ok(got.returncode == 0 and len(g_lines) == len(args), "setnetgrent/getnetgrent_r run",
           got.stderr)
    for g, w, group in zip(g_lines, w_lines, args):
        if group == "multi":
            gs = eval(g.split(" ", 3)[3])
            ws = eval(w.split(" ", 3)[3])
            tap.ok(sorted(gs) == sorted(ws), "getnetgrent_r multi: the same triples", (g, w))
        else:
            tap.eq(g, w, "setnetgrent/getnetgrent_r %s agree with in-process" % group)
    tap.ok("(None, b'alice', None)" in g_lines[1], "wildcard fields come back as NULL", g_lines[1])

    got = sb.client(["/usr/bin/python3", "-c", INNETGR_CODE, json.dumps(INNETGR_CASES)])
    want = sb.reference(["/usr/bin/python3", "-c", INNETGR_CODE, json.dumps(INNETGR_CASES)])
    g_lines = got.stdout.decode().splitlines()
    w_lines = want.stdout.decode().splitlines()
    tap.ok(got.returncode == 0 and len(g_lines) == len(INNETGR_CASES), "innetgr runs", got.stderr)
    for g, w in zip(g_lines, w_lines):
        tap.eq(g, w, "innetgr%s agrees with in-process" % g.rsplit(" ", 1)[0])
    tap.ok(sum(l.endswith(" 1") for l in g_lines) >= 15, "most innetgr cases are members")

    # The three INNETGR answers, and no empty close for an unknown netgroup.
    for key, want, what in (
            (innetgr_key("trusted", "host1", "alice"), (2, 1, 1), "a member"),
            (innetgr_key("trusted", "host9", "alice"), (2, 1, 0), "a non-member"),
            (innetgr_key("empty", "host1"), (2, 1, 0), "anyone in an empty netgroup"),
            (innetgr_key("nosuch2", "host1"), (2, 0, 0), "an unknown netgroup, first request"),
            (innetgr_key("nosuch2", "host1"), (2, 0, 0), "an unknown netgroup, again")):
        tap.eq(sb.request(INNETGR, key), struct.pack("=3i", *want),
               "INNETGR for %s is %r" % (what, want))
    tap.eq(sb.request(GETNETGRENT, "nosuch"), struct.pack("=4i", 2, 0, 0, 0),
           "GETNETGRENT for an unknown netgroup is not found")
    tap.eq(sb.request(GETNETGRENT, "empty"), struct.pack("=4i", 2, 1, 0, 0),
           "GETNETGRENT for an empty netgroup is found with no triples")
    reply = sb.request(GETNETGRENT, "longtriple")
    tap.ok(reply[16:] == LONG_HOST.encode() + b"\0user\0\0",
           "a %d-byte host name comes whole (the buffer grows on ERANGE)" % len(LONG_HOST))

    # Malformed keys: closed without a reply.
    for req_type, key, what in (
            (INNETGR, b"trusted\0\x01host1\0\0", "an INNETGR key missing the domain"),
            (INNETGR, b"trusted\0\0\0\0\0", "an INNETGR key with a byte too many"),
            (INNETGR, b"trusted\0\x02host1\0\0\0", "an INNETGR field without \\x01"),
            (INNETGR, b"trusted\0\x01host1", "an INNETGR value without its NUL"),
            (INNETGR, b"trusted", "an INNETGR key of just a name"),
            (INNETGR, b"", "an empty INNETGR key"),
            (GETNETGRENT, b"trusted\0x\0", "a GETNETGRENT key with a NUL inside")):
        mark = sb.mark()
        tap.eq(sb.request(req_type, key), b"", "%s is closed without a reply" % what)
        tap.ok(sb.wait_for_log(mark, ": malformed, 0 bytes"), "%s is logged as malformed" % what,
               sb.log_text()[mark:])

    # Byte for byte what Debian's nscd sends.
    with RefNscd({"netgroup": netgroup}) as ref:
        for group in GROUPS + ("longtriple", "nosuch"):
            ours = sb.request(GETNETGRENT, group)
            theirs = ref.request(GETNETGRENT, group)
            if group in REORDERED:
                def triples(reply):
                    fields = reply[16:].split(b"\0")[:-1]
                    return sorted(zip(fields[0::3], fields[1::3], fields[2::3]))
                tap.ok(ours[:16] == theirs[:16] and triples(ours) == triples(theirs),
                       "GETNETGRENT %s: the same header and triples as Debian's nscd "
                       "(in another order)" % group, "nssrelay: %r\nnscd:     %r" % (ours, theirs))
                continue
            tap.ok(ours == theirs and len(ours) >= 16,
                   "GETNETGRENT %s: the same bytes as Debian's nscd" % group,
                   "nssrelay: %r\nnscd:     %r" % (ours[:200], theirs[:200]))
        for case in INNETGR_CASES:
            if case[0] in ("nosuch", ""):
                continue
            if "HOST1" in case or "EXAMPLE.test" in case:
                continue  # glibc nscd compares host and domain exactly; see below
            key = innetgr_key(*case)
            ours, theirs = sb.request(INNETGR, key), ref.request(INNETGR, key)
            tap.ok(ours == theirs and len(ours) == 12,
                   "INNETGR %r: the same bytes as Debian's nscd" % (case,),
                   "nssrelay: %r\nnscd:     %r" % (ours, theirs))
        key = innetgr_key("trusted", "HOST1", None, "EXAMPLE.test")
        tap.eq((sb.request(INNETGR, key), ref.request(INNETGR, key)),
               (struct.pack("=3i", 2, 1, 1), struct.pack("=3i", 2, 1, 0)),
               "host and domain match regardless of case, as in-process (nscd: exactly)")
        key = innetgr_key("nosuch3", "host1")
        tap.eq((sb.request(INNETGR, key), ref.request(INNETGR, key), ref.request(INNETGR, key)),
               (struct.pack("=3i", 2, 0, 0), b"", struct.pack("=3i", 2, 0, 0)),
               "an unknown netgroup: {2,0,0} at once, where Debian's nscd first closes")

# Past REPLY_BODY_MAX (16 MiB) of triples: closed without a reply, so the
# client reads the netgroup itself.
HUGE_HOST = "x" * 4000
huge = "huge %s\n" % " ".join("(%s%d,,)" % (HUGE_HOST, i) for i in range(4300))
# The same through a name with terminal escapes in it: the warning shows
# it escaped, as the request line does.
huge += "esc\x1b[2J\x07huge huge\n"
with Sandbox(server_etc={"netgroup": huge}, client_etc={"netgroup": huge}) as sb:
    mark = sb.mark()
    tap.eq(sb.request(GETNETGRENT, "huge"), b"", "a netgroup of over 16 MiB is closed without a reply")
    tap.ok(any("too-large" in l for l in sb.wait_for_log(mark, 'GETNETGRENT "huge"')),
           "and logged as too large", sb.log_text()[mark:])
    got = sb.client(["getent", "netgroup", "huge"])
    tap.ok(got.returncode == 0 and got.stdout.startswith(b"huge "),
           "getent falls back to its own lookup", got.stdout[:100])
    mark = sb.mark()
    tap.eq(sb.request(GETNETGRENT, "esc\x1b[2J\x07huge"), b"", "the same under a name with escapes")
    warned = sb.wait_for_log(mark, "bytes of triples; closing without a reply")
    tap.ok(len(warned) == 1 and 'GETNETGRENT "esc\\x1b[2J\\x07huge": more than 16777216 bytes' in warned[0]
           and "\x1b" not in sb.log_text()[mark:] and "\x07" not in sb.log_text()[mark:],
           "the too-large warning names the netgroup escaped, after the peer", sb.log_text()[mark:])

tap.done()
