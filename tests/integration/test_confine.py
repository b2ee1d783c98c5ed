# SPDX-License-Identifier: LGPL-2.1-or-later
"""Confinement: what NSS code may do inside a lookup (nssrelay(8), SECURITY).

The test module's "confinement-PID" user reports, from inside the lookup,
the process's ids, groups, capabilities, no_new_privs and seccomp mode,
and whether it could create files in /etc, /tmp, /var/tmp and /run, open
/etc/passwd for writing, mount, make a user namespace, make a mount
namespace, enter a network namespace, open a file system (what the
network namespace step does), signal PID 1 or
PID (a process of another user), read /etc/passwd, connect to a unix
socket under /run, open UDP and TCP sockets, and what a program it
executes gets back. /etc is writable in the server's view here, and the
same probes run in-process as root first: each refusal below is one that
would otherwise have succeeded.
"""

import os
import re
import subprocess
import sys

import nsstest
from nsstest import Sandbox, Tap, NOBODY

tap = Tap()
nsstest.require_root(tap)

# A client with supplementary groups, and a process of yet another user.
GROUPED = 4243
VICTIM = 4242
ZERO_CAPS = "0000000000000000"
SERVER_PASSWD = nsstest.BASE_ETC["passwd"] + "nssrelay:x:4300:4301::/:/usr/sbin/nologin\n"

# Exec'd before nssrelay: a seccomp filter that makes the three landlock_*
# calls fail with ENOSYS, as on a kernel without Landlock.
NO_LANDLOCK = [sys.executable, "-I", "-S", "-c", r"""
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
def insn(code, jt, jf, k):
    return struct.pack("=HBBI", code, jt, jf, k)
LD_NR, JGE, JGT, RET = 0x20, 0x35, 0x25, 0x06
prog = b"".join([insn(LD_NR, 0, 0, 0),            # A = nr
                 insn(JGE, 0, 2, 444),             # nr >= 444 ?
                 insn(JGT, 1, 0, 446),             # nr > 446 ?
                 insn(RET, 0, 0, 0x00050000 | 38), # ERRNO(ENOSYS)
                 insn(RET, 0, 0, 0x7fff0000)])     # ALLOW
buf = ctypes.create_string_buffer(prog)
fprog = struct.pack("=HxxxxxxQ", len(prog) // 8, ctypes.addressof(buf))
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0) != 0:
    sys.exit("seccomp: %s" % os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
"""]


def parse(report):
    return dict(kv.split("=", 1) for kv in report.split())


def lookup(run, name, **kw):
    """The confinement report of 'getent passwd name' run by 'run', or
    the failure as a string."""
    r = run(["getent", "passwd", name], **kw)
    if r.returncode != 0:
        return "getent failed: rc=%d %r" % (r.returncode, r.stderr)
    return parse(r.stdout.decode().split(":")[4])


def refused(value):
    return value in ("EACCES", "EPERM", "EROFS")


def check_refused(rep, keys, label):
    bad = {k: rep.get(k) for k in keys if not (isinstance(rep, dict) and refused(rep.get(k)))}
    tap.ok(not bad, "%s: refused: %s" % (label, ", ".join(keys)), "not refused: %r\nreport: %r" % (bad, rep))


def check_allowed(rep, keys, label):
    bad = {k: rep.get(k) for k in keys if not (isinstance(rep, dict) and rep.get(k) == "ok")}
    tap.ok(not bad, "%s: still works: %s" % (label, ", ".join(keys)), "failed: %r\nreport: %r" % (bad, rep))


WRITES = ["create_etc", "create_tmp", "create_var_tmp", "create_run", "write_passwd"]
# unshare: a user namespace; the next three are what the network
# namespace step does (nssrelayd's forked workers inherit a filter that
# allows them, and no capability to make them succeed).
PRIVILEGED = ["mount", "unshare", "unshare_mount_ns", "setns_net", "fsopen", "kill_pid1", "kill_other"]
EVERYDAY = ["read_passwd", "write_devnull", "unix", "udp", "tcp"]
EXEC_NOTHING = "CapPrm/0000000000000000,CapEff/0000000000000000,"

victim = subprocess.Popen(["setpriv", "--reuid=%d" % VICTIM, "--regid=%d" % VICTIM, "--clear-groups",
                           "sleep", "300"])
probe = "confinement-%d" % victim.pid
try:
    with Sandbox(test_module=True, writable_etc=True, server_etc={"passwd": SERVER_PASSWD},
                 name="test_confine.py") as sb:
        module_env = {"LD_LIBRARY_PATH": sb.env["LD_LIBRARY_PATH"]}

        # The control: in-process as root, every probe succeeds.
        rep = lookup(sb.reference, probe, env=module_env)
        check_allowed(rep, WRITES + PRIVILEGED, "in-process as root (the control)")
        tap.ok(isinstance(rep, dict) and rep.get("Seccomp") == "0" and rep.get("CapEff") != ZERO_CAPS and
               rep.get("exec") not in (None, "none", EXEC_NOTHING),
               "in-process as root: full capabilities, also after exec; no seccomp filter", rep)

        # A non-root client: its own ids, nothing of root, nothing written.
        rep = lookup(sb.client, probe, user=NOBODY)
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "65534,65534,65534" and
               rep.get("gids") == "65534,65534,65534" and rep.get("groups") == "none",
               "uid 65534: the lookup runs with the client's uids, gids and (no) groups", rep)
        tap.ok(isinstance(rep, dict) and rep.get("CapEff") == ZERO_CAPS and rep.get("CapPrm") == ZERO_CAPS
               and rep.get("NoNewPrivs") == "1" and rep.get("Seccomp") == "2",
               "uid 65534: no capability, no_new_privs, a seccomp filter", rep)
        # The sanitizer build stays dumpable for LeakSanitizer.
        tap.eq(isinstance(rep, dict) and rep.get("dumpable"),
               "1" if os.environ.get("NSSRELAY_SANITIZERS") == "yes" else "0",
               "uid 65534: the instance is not dumpable (the client cannot trace it)")
        check_refused(rep, WRITES + PRIVILEGED, "uid 65534")
        check_allowed(rep, EVERYDAY, "uid 65534")
        tap.eq(isinstance(rep, dict) and rep.get("exec"), EXEC_NOTHING,
               "uid 65534: a program the module executes gets no capability")

        # Supplementary groups come from SO_PEERGROUPS.
        r = sb.client(["setpriv", "--reuid=%d" % GROUPED, "--regid=%d" % GROUPED, "--groups=100,4244",
                       "getent", "passwd", probe])
        rep = parse(r.stdout.decode().split(":")[4]) if r.returncode == 0 else r
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "%d,%d,%d" % ((GROUPED,) * 3) and
               rep.get("gids") == "%d,%d,%d" % ((GROUPED,) * 3) and rep.get("groups") == "100,4244",
               "uid %d in groups 100 and 4244: the lookup has exactly those ids and groups" % GROUPED, rep)

        # A root client: uid 0, but no capability, and still no writing.
        rep = lookup(sb.client, probe)
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "0,0,0" and rep.get("CapEff") == ZERO_CAPS and
               rep.get("CapPrm") == ZERO_CAPS and rep.get("NoNewPrivs") == "1" and rep.get("Seccomp") == "2",
               "root client: uid 0 with no capability, no_new_privs and the filter", rep)
        check_refused(rep, WRITES + PRIVILEGED, "root client")
        check_allowed(rep, EVERYDAY, "root client")
        tap.eq(isinstance(rep, dict) and rep.get("exec"), EXEC_NOTHING,
               "root client: a program the module executes as root regains no capability")
        # A forked worker maps its pages in on a SIGWINCH timer while it
        # waits (nssrelayd(8), HOW IT WORKS): modules get neither that
        # handler nor the timer. (Per connection, the same holds trivially.)
        tap.ok(isinstance(rep, dict) and rep.get("sigwinch") == "default" and rep.get("winch_timers") == "0",
               "root client: the lookup starts with SIGWINCH's default action and no timer signalling it", rep)

        # nslcd's rule: the password hash for uid 0 only.
        for user, label in ((NOBODY, "uid 65534"), (None, "root")):
            got = sb.client(["getent", "passwd", "ldapuser"], user=user)
            want = sb.reference(["getent", "passwd", "ldapuser"], user=user, env=module_env)
            # The home directory names the process that answered.
            fields = lambda r: r.stdout.decode().split(":")[:5] if r.returncode == 0 else r
            field = fields(got)[1] if got.returncode == 0 else None
            tap.ok(got.returncode == 0 and fields(got) == fields(want) and
                   field == ("*" if user else "$6$nssrelaytest$rootonly"),
                   "a module that answers root differently: %s gets %r through nssrelay, as in-process" % (
                       label, field), "through nssrelay: %r\nin-process: %r" % (got, want))

    # --confine=no skips all of it but the capabilities: the contrast.
    with Sandbox(test_module=True, writable_etc=True, server_env={"NSSRELAY_CONFINE": "no"},
                 name="test_confine.py (unconfined)") as sb:
        rep = lookup(sb.client, probe, user=NOBODY)
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "0,0,0" and rep.get("CapEff") == ZERO_CAPS and
               rep.get("Seccomp") == "0" and rep.get("create_tmp") == "ok" and rep.get("create_etc") == "ok",
               "NSSRELAY_CONFINE=no: uid 0 without capabilities, writing allowed (what confinement stops)",
               rep)

    # --user: one fixed user for every lookup, read from /etc/passwd.
    for how, kw in (("--user=nssrelay", {"program": [nsstest.NSSRELAY, "--user=nssrelay"]}),
                    ("NSSRELAY_USER=4300", {"server_env": {"NSSRELAY_USER": "4300"}})):
        with Sandbox(test_module=True, server_etc={"passwd": SERVER_PASSWD}, name="test_confine.py (%s)" % how,
                     **kw) as sb:
            for user, label in ((None, "root"), (NOBODY, "uid 65534")):
                rep = lookup(sb.client, probe, user=user)
                tap.ok(isinstance(rep, dict) and rep.get("uids") == "4300,4300,4300" and
                       rep.get("gids") == "4301,4301,4301" and rep.get("groups") == "none" and
                       rep.get("Seccomp") == "2", "%s: a %s client's lookup runs as 4300:4301" % (how, label), rep)
    for value, why in (("root", "must not run as root"), ("nosuchuser", "no such user in /etc/passwd"),
                       ("0", "must not run as root")):
        r = subprocess.run([nsstest.NSSRELAY, "--user=" + value], stdin=subprocess.DEVNULL, capture_output=True)
        lines = r.stderr.decode().splitlines()
        tap.ok(r.returncode == 2 and len(lines) == 1 and why in lines[0],
               "--user=%s: one-line error, exit status 2" % value, r)

    # A kernel without Landlock: lookups are still served, confined by
    # the rest; the debug log says so.
    with Sandbox(test_module=True, exec_prefix=NO_LANDLOCK, log="debug",
                 name="test_confine.py (no Landlock)") as sb:
        rep = lookup(sb.client, probe, user=NOBODY)
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "65534,65534,65534" and rep.get("Seccomp") == "2"
               and rep.get("CapEff") == ZERO_CAPS,
               "without Landlock: the lookup is served, as the client, with the filter", rep)
        tap.ok(isinstance(rep, dict) and rep.get("create_tmp") == "ok",
               "without Landlock: the simulation holds (the client's own rights let it write to /tmp)", rep)
        tap.ok(any("Landlock is not available" in l for l in sb.log_text().splitlines()),
               "without Landlock: logged at debug level", sb.log_text()[-2000:])

    # An instance that cannot switch (no CAP_SETUID/CAP_SETGID: run as
    # nobody) serves only where NSS code gets no more than the client.
    with Sandbox(test_module=True, exec_prefix=nsstest.DROP_PRIVILEGES,
                 name="test_confine.py (unprivileged instance)") as sb:
        rep = lookup(sb.client, probe, user=NOBODY)
        tap.ok(isinstance(rep, dict) and rep.get("uids") == "65534,65534,65534" and rep.get("Seccomp") == "2",
               "unprivileged instance: a client of its own uid is served, confined", rep)
        mark = sb.mark()
        r = sb.client(["python3", "-c", "import pwd; pwd.getpwnam('%s')" % probe], user=GROUPED)
        tap.ok(r.returncode != 0 and b"KeyError" in r.stderr,
               "unprivileged instance: uid %d's lookup is not answered (the client looks up itself)" % GROUPED, r)
        tap.ok(any(re.search(r"uid=%d.*cannot run the lookup as uid %d" % (GROUPED, GROUPED), l)
                   for l in sb.lines_since(mark)),
               "... and the refusal is logged with the peer first", sb.log_text()[mark:])
finally:
    victim.kill()
    victim.wait()

tap.done()
