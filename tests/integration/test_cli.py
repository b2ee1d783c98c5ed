# SPDX-License-Identifier: LGPL-2.1-or-later
"""The command line, and finding the connection."""

import os
import re
import socket
import subprocess

import nsstest
from nsstest import GETPWBYNAME, Sandbox, Tap, pack_request

tap = Tap()
nsstest.require_root(tap)
NSSRELAY = nsstest.NSSRELAY


def run(args, env=None, **kw):
    return subprocess.run([NSSRELAY] + args, capture_output=True, text=True, timeout=30,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, **kw)


r = run(["--help"])
tap.ok(r.returncode == 0 and r.stdout.startswith("Usage: nssrelay"), "--help")
r = run(["-h"])
tap.ok(r.returncode == 0 and "Usage" in r.stdout, "-h")
r = run(["--version"])
tap.ok(r.returncode == 0 and r.stdout.startswith("nssrelay ") and r.stdout.count("\n") == 1,
       "--version prints one line", r.stdout)


def one_line_error(r, what):
    tap.eq(r.returncode, 2, what + ": exit status 2")
    tap.ok(r.stderr.count("\n") == 1 and r.stderr.startswith("nssrelay: "),
           what + ": one-line error", r.stderr)


one_line_error(run(["--bogus"]), "unknown option")
one_line_error(run(["-x"]), "unknown short option")
one_line_error(run(["--log"]), "--log without a value")
one_line_error(run(["--log=loud"]), "--log with a bad value")
one_line_error(run(["extra"]), "a stray argument")
one_line_error(run([], env={"NSSRELAY_LOG": "loud"}), "a bad NSSRELAY_LOG")
with open(os.devnull) as null:
    one_line_error(run([], stdin=null), "no connection: stdin is /dev/null")

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
    listener.bind("\0nssrelay-test-listener-%d" % os.getpid())
    listener.listen(1)
    one_line_error(run([], stdin=listener), "stdin is a listening socket")

    # The same socket handed over as systemd would with Accept=no.
    fd = listener.fileno()
    r = subprocess.run(["sh", "-c", 'exec 3<&%d %d<&-; LISTEN_PID=$$ LISTEN_FDS=1 exec "$0"'
                        % (fd, fd), NSSRELAY],
                       pass_fds=(fd,), capture_output=True, text=True, timeout=30)
    one_line_error(r, "fd 3 is a listening socket (Accept=no)")
    tap.ok("Accept=yes" in r.stderr, "the error names the fix, Accept=yes", r.stderr)

# inetd style: the connection on standard input.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
with a, b:
    b.sendall(pack_request(GETPWBYNAME, "root"))
    p = subprocess.run([NSSRELAY], stdin=a, capture_output=True, timeout=30)
    a.close()
    reply = nsstest.read_until_eof(b)
    tap.eq(p.returncode, 0, "inetd style: exit status 0")
    tap.ok(reply[:8] == b"\x02\0\0\0\x01\0\0\0" and b"root\0" in reply,
           "inetd style: the reply comes back on the same socket")

# Under the journal (JOURNAL_STREAM names stderr) lines carry a priority.
with open(os.path.join("/tmp", "nssrelay-journal-test.%d" % os.getpid()), "w+b") as err:
    st = os.fstat(err.fileno())
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with a, b:
        b.sendall(pack_request(GETPWBYNAME, "root"))
        subprocess.run([NSSRELAY], stdin=a, stderr=err, timeout=30,
                       env={"NSSRELAY_LOG": "requests",
                            "JOURNAL_STREAM": "%d:%d" % (st.st_dev, st.st_ino)})
    err.seek(0)
    line = err.read().decode()
    os.unlink(err.name)
tap.ok(re.match(r'<5>pid=\d+ uid=0 comm=\S+: GETPWBYNAME "root": found', line),
       "journal lines carry <5> (notice), then the peer", line)

# Nothing but libc is linked: every lookup pays for each library.
r = subprocess.run(["readelf", "-d", NSSRELAY], capture_output=True, text=True)
needed = set(l.split("[")[1].rstrip("]") for l in r.stdout.splitlines() if "(NEEDED)" in l)
sanitizer_runtime = {"libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
                     "libresolv.so.2", "libgcc_s.so.1"}
tap.ok(needed == {"libc.so.6"} or
       (os.environ.get("NSSRELAY_SANITIZERS") == "yes" and needed - sanitizer_runtime ==
        {"libc.so.6"}), "nssrelay links libc only", sorted(needed))

# And under systemd-socket-activate --inetd, through the real client.
users = {"passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"}
with Sandbox(server_etc=users, inetd=True) as sb:
    same = nsstest.same_output(tap, sb, ["getent", "passwd", "alice"],
                               "inetd-style activation serves getent", expect_rc=0)

# The man page renders.
r = subprocess.run(["man", "-l", os.path.join(nsstest.SRCDIR, "man", "nssrelay.8")],
                   capture_output=True, text=True, timeout=60,
                   env={"PATH": "/usr/bin:/bin", "MANWIDTH": "80", "MANPAGER": "cat"})
tap.ok(r.returncode == 0 and "NSSRELAY" in r.stdout and "DEADLINES" in r.stdout,
       "nssrelay(8) renders", r.stderr)

tap.done()
