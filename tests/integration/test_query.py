# SPDX-License-Identifier: LGPL-2.1-or-later
"""nssrelay query: one raw request, the reply decoded; and nssrelay
without arguments still serves exactly one connection."""

import nsstest
from nsstest import Sandbox, Tap

QUERY = [nsstest.NSSRELAY, "query"]

passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n"
group = "root:x:0:\nwheel:x:10:alice,bob\n"
services = "http 80/tcp www\n"
netgroup = ("trusted (host1,alice,example.test) (,bob,)\n"
            "evil (\x1b[2J\x1b]0;owned\x07host,\x07user,\x1b[Adomain)\n")

tap = Tap()
nsstest.require_root(tap)

with Sandbox(server_etc={"passwd": passwd, "group": group, "services": services,
                         "netgroup": netgroup}) as sb:

    def query(args, want_rc=0, want=(), request=None, what=None):
        mark = sb.mark()
        r = sb.client(QUERY + args)
        out = r.stdout.decode()
        what = what or "query " + " ".join(args)
        tap.ok(r.returncode == want_rc and all(w in out for w in want), what,
               "rc=%d\n%s%s" % (r.returncode, out, r.stderr.decode()))
        if request:
            lines = sb.wait_for_log(mark, request)
            tap.ok(any("comm=nssrelay" in l or "comm=?" in l for l in lines),
                   "%s: nssrelay logged %s from the query" % (what, request), sb.log_text()[mark:])
        return out

    query(["passwd", "alice"], 0, ["GETPWBYNAME \"alice\": 83-byte reply from /run/nscd/socket",
                                   "found: 1 (found)", "name: alice", "uid: 1000", "gecos: Alice Example,,,",
                                   "shell: /bin/bash"], 'GETPWBYNAME "alice"')
    query(["passwd", "1000"], 0, ["name: alice"], 'GETPWBYUID "1000"')
    query(["passwd", "nosuch"], 0, ["found: 0 (not found)"])
    query(["group", "wheel"], 0, ["members: 2", "member: alice", "member: bob"], 'GETGRBYNAME "wheel"')
    query(["group", "10"], 0, ["name: wheel"], 'GETGRBYGID "10"')
    query(["initgroups", "alice"], 0, ["groups: 1", "gid: 10"], 'INITGROUPS "alice"')
    query(["services", "http/tcp"], 0, ["name: http", "proto: tcp", "port: 80", "alias: www"],
          'GETSERVBYNAME "http/tcp"')
    query(["services", "http"], 0, ["name: http"], 'GETSERVBYNAME "http/"')
    query(["services", "80/tcp"], 0, ["name: http"], 'GETSERVBYPORT "20480/tcp" (port 80)')
    query(["port", "80"], 0, ["name: http"], 'GETSERVBYPORT "20480/" (port 80)')
    query(["netgroup", "trusted"], 0, ["triples: 2", "triple: (host1,alice,example.test)",
                                       "triple: (,bob,)"], 'GETNETGRENT "trusted"')
    query(["innetgr", "trusted", "host1", "alice"], 0, ["result: 1 (member)"],
          'INNETGR "trusted\\x00\\x01host1\\x00\\x01alice\\x00"')
    query(["innetgr", "trusted", "-", "-", "example.test"], 0, ["result: 1 (member)"],
          'INNETGR "trusted\\x00\\x00\\x00\\x01example.test"')
    query(["innetgr", "trusted", "host9", "alice"], 0, ["result: 0 (not a member)"])
    query(["innetgr", "trusted", "host9"], 0, ["result: 1 (member)"],
          what="query innetgr trusted host9: (,bob,) matches any host")
    query(["innetgr", "nosuch"], 0, ["found: 0 (not found)"])
    # A server's triples are printed escaped: no terminal control reaches
    # the terminal.
    r = sb.client([nsstest.NSSRELAY, "query", "netgroup", "evil"])
    tap.ok(r.returncode == 0 and
           b"triple: (\\x1b[2J\\x1b]0;owned\\x07host,\\x07user,\\x1b[Adomain)\n" in r.stdout and
           not any(c in r.stdout for c in (b"\x1b", b"\x07")),
           "query netgroup: triples are escaped (ESC, BEL)", r.stdout)
    # Hosts: whatever the daemon answers, the request is the right one.
    query(["hosts", "localhost"], 0, ["found: "], 'GETHOSTBYNAME "localhost"')
    query(["hostsv6", "localhost"], 0, ["found: "], 'GETHOSTBYNAMEv6 "localhost"')
    query(["addr", "127.0.0.1"], 0, ["found: "], 'GETHOSTBYADDR 127.0.0.1:')
    query(["addr", "::1"], 0, ["found: "], "GETHOSTBYADDRv6")
    query(["ai", "localhost"], 0, ["found: "], 'GETAI "localhost"')
    query(["invalidate", "passwd"], 0, ["result: 0 (ok)"], 'INVALIDATE "passwd"')
    query(["getfd", "passwd"], 1, ["closed the connection without answering"], 'GETFDPW "passwd"')
    query(["getfd", "netgroup"], 1, ["closed the connection without answering"], "GETFDNETGR")
    query(["statistics"], 1, ["closed the connection without answering"], "GETSTAT")
    query(["shutdown"], 0, ["no reply is expected"], "SHUTDOWN")
    out = query(["--hex", "services", "http/tcp"], 0, ["02000000 01000000 05000000 04000000"])
    query(["--socket=/run/nscd/socket", "--timeout=2.5", "passwd", "root"], 0, ["name: root"])
    query(["-s", "/run/nscd/socket", "-t", "3", "passwd", "root"], 0, ["name: root"])

    r = sb.client(QUERY + ["--socket=/nonexistent/socket", "passwd", "root"])
    tap.ok(r.returncode == 1 and b"cannot connect to /nonexistent/socket" in r.stderr,
           "a missing socket: exit 1, said plainly", r)

    # The daemon closes without answering: a malformed key.
    r = sb.client(QUERY + ["group", "x" * 1023])
    tap.ok(r.returncode == 1 or r.returncode == 0, "a 1023-byte key is sent", r)

    r = sb.client(QUERY + ["--help"])
    tap.ok(r.returncode == 0 and b"innetgr NETGROUP" in r.stdout, "query --help", r)
    for args, what in ((["bogus", "x"], "an unknown database"),
                       (["passwd"], "a missing key"),
                       (["passwd", "a", "b"], "an extra key"),
                       ([], "no database"),
                       (["port", "65536"], "a port past 65535"),
                       (["port", "http"], "a port that is not a number"),
                       (["addr", "host1"], "an address that is not one"),
                       (["invalidate", "bogus"], "an unknown table"),
                       (["innetgr"], "innetgr without a netgroup"),
                       (["innetgr", "a", "b", "c", "d", "e"], "innetgr with too much"),
                       (["passwd", "x" * 1024], "a key past 1023 bytes"),
                       (["--timeout=0", "passwd", "root"], "a zero timeout"),
                       (["--timeout=soon", "passwd", "root"], "a timeout that is not a number"),
                       (["--bogus", "passwd", "root"], "an unknown option")):
        r = sb.client(QUERY + args)
        tap.ok(r.returncode == 2 and len(r.stderr.decode().strip().splitlines()) == 1
               and r.stderr.startswith(b"nssrelay query: "),
               "query %s: one-line error, exit 2" % what, r)

    # nssrelay itself, without arguments, serves one connection (every
    # lookup above went through it) and still refuses a terminal.
    r = sb.client([nsstest.NSSRELAY], input=b"")
    tap.eq(r.returncode, 2, "nssrelay with no connection on stdin: exit 2")
    r = sb.client([nsstest.NSSRELAY, "--help"])
    tap.ok(r.returncode == 0 and b"nssrelay query" in r.stdout, "nssrelay --help mentions query", r)

tap.done()
