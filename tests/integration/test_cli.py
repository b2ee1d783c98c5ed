# SPDX-License-Identifier: LGPL-2.1-or-later
"""The command line, and finding the connection: nssrelay's per
connection, nssrelayd's (and the template's) under nssrelayd."""

import os
import re
import socket
import subprocess

import nsstest
from nsstest import GETPWBYNAME, Sandbox, Tap, pack_request

tap = Tap()
nsstest.require_root(tap)
NSSRELAY = nsstest.NSSRELAY
NSSRELAYD = nsstest.NSSRELAYD


def run(args, env=None, **kw):
    return subprocess.run([NSSRELAY] + args, capture_output=True, text=True, timeout=30,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, **kw)


def one_line_error_of(program, r, what):
    tap.eq(r.returncode, 2, what + ": exit status 2")
    tap.ok(r.stderr.count("\n") == 1 and r.stderr.startswith(program + ": "),
           what + ": one-line error", r.stderr)


def man_page_renders(page, *words):
    r = subprocess.run(["man", "-l", os.path.join(nsstest.SRCDIR, "man", page)],
                       capture_output=True, text=True, timeout=60,
                       env={"PATH": "/usr/bin:/bin", "MANWIDTH": "80", "MANPAGER": "cat"})
    tap.ok(r.returncode == 0 and all(w in r.stdout for w in words),
           "%s(8) renders" % page[:-2], r.stderr)


def test_nssrelay():
    def one_line_error(r, what):
        one_line_error_of("nssrelay", r, what)

    r = run(["--help"])
    tap.ok(r.returncode == 0 and r.stdout.startswith("Usage: nssrelay"), "--help")
    r = run(["-h"])
    tap.ok(r.returncode == 0 and "Usage" in r.stdout, "-h")
    r = run(["--version"])
    tap.ok(r.returncode == 0 and r.stdout.startswith("nssrelay ") and r.stdout.count("\n") == 1,
           "--version prints one line", r.stdout)


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
        nsstest.same_output(tap, sb, ["getent", "passwd", "alice"],
                            "inetd-style activation serves getent", expect_rc=0)

    man_page_renders("nssrelay.8", "NSSRELAY", "DEADLINES")


def daemon(args, env=None, fds=(), **kw):
    """Runs nssrelayd; fds are passed as systemd would (fd 3 on)."""
    shell = 'exec "$0" "$@"'
    if fds:
        shell = 'exec %s; LISTEN_PID=$$ LISTEN_FDS=%d exec "$0" "$@"' % (
            " ".join("%d<&%d" % (3 + i, fd) for i, fd in enumerate(fds)), len(fds))
    return subprocess.run(["sh", "-c", shell, NSSRELAYD] + args, pass_fds=fds, capture_output=True,
                          text=True, timeout=30,
                          env=env if env is not None else {"PATH": "/usr/bin:/bin"}, **kw)


def test_nssrelayd():
    r = daemon(["--help"])
    tap.ok(r.returncode == 0 and r.stdout.startswith("Usage: nssrelayd"), "nssrelayd --help", r.stderr)
    r = daemon(["--version"])
    tap.ok(r.returncode == 0 and r.stdout.startswith("nssrelayd ") and r.stdout.count("\n") == 1,
           "nssrelayd --version prints one line", r.stdout)

    def one_line_error(r, what):
        one_line_error_of("nssrelayd", r, "nssrelayd, " + what)

    worker = "--worker=" + NSSRELAY
    one_line_error(daemon([worker, "--bogus"]), "unknown option")
    one_line_error(daemon([worker, "--spare=0"]), "--spare=0")
    one_line_error(daemon([worker, "--max-workers=lots"]), "--max-workers not a number")
    one_line_error(daemon([worker, "--max-per-uid=-1"]), "--max-per-uid negative")
    one_line_error(daemon([worker, "--log=loud"]), "--log with a bad value")
    one_line_error(daemon([worker], env={"NSSRELAY_LOG": "loud"}), "a bad NSSRELAY_LOG")
    one_line_error(daemon(["--worker=/nonexistent/nssrelay"]), "a worker that does not exist")
    one_line_error(daemon([worker, "extra"]), "a stray argument")
    r = daemon([worker])
    one_line_error(r, "no socket from systemd")
    tap.ok("systemd-socket-activate" in r.stderr, "the error says how to start it", r.stderr)

    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with a, b:
        r = daemon([worker], fds=(a.fileno(),))
        one_line_error(r, "fd 3 is a connection (Accept=yes)")
        tap.ok("Accept=no" in r.stderr, "the error names the fix, Accept=no", r.stderr)

    # A worker option the template refuses: nssrelayd stops with status 2
    # instead of starting templates forever.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind("\0nssrelay-test-daemon-%d" % os.getpid())
        listener.listen(8)
        r = daemon([worker], fds=(listener.fileno(),),
                   env={"PATH": "/usr/bin:/bin", "NSSRELAY_NETNS": "bogus"})
        tap.eq(r.returncode, 2, "a worker setting the template refuses: nssrelayd exits 2")
        tap.ok("NSSRELAY_NETNS=bogus" in r.stderr and "refused to start" in r.stderr,
               "both the worker's and nssrelayd's line say why", r.stderr)

    # The template and pool worker modes are nssrelayd's, not for hands.
    for args, what in ((["--template=fork"], "--template without nssrelayd's channel"),
                       (["--pool-worker"], "--pool-worker without a template's fds"),
                       (["--template=sometimes"], "--template with a bad value")):
        r = run(args, stdin=subprocess.DEVNULL)
        tap.eq(r.returncode, 2, "nssrelay %s: exit status 2" % what)
        tap.ok(r.stderr.count("\n") == 1 and r.stderr.startswith("nssrelay: "),
               "nssrelay %s: one-line error" % what, r.stderr)

    # The dispatcher links libsystemd (paid once); the workers stay libc-only.
    r = subprocess.run(["readelf", "-d", NSSRELAYD], capture_output=True, text=True)
    needed = set(l.split("[")[1].rstrip("]") for l in r.stdout.splitlines() if "(NEEDED)" in l)
    tap.ok({"libc.so.6", "libsystemd.so.0"} <= needed, "nssrelayd links libsystemd", sorted(needed))

    users = {"passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n"}
    with Sandbox(server_etc=users) as sb:
        nsstest.same_output(tap, sb, ["getent", "passwd", "alice"],
                            "nssrelayd under systemd-socket-activate serves getent", expect_rc=0)

    man_page_renders("nssrelayd.8", "NSSRELAYD", "FRESHNESS")


if nsstest.LAUNCHER == "accept":
    test_nssrelay()
else:
    test_nssrelayd()
tap.done()
