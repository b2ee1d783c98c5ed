# SPDX-License-Identifier: LGPL-2.1-or-later
"""check-deb: the Debian packages (make deb) under the real systemd 252 of a
booted Debian 12 container (tests/systemd/nspawn-run deb). Prints TAP and a
summary line.

The packages go in over a running glibc nscd, are upgraded, removed,
purged and installed again with apt-get and dpkg, as an administrator
would, while a client looks up nsrtest-007 again and again, each time
from a fresh process. That user comes from a test NSS module that answers
only inside nssrelay instances and inside nscd (tests/systemd/nss_nsrtest.c):
the client's own NSS cannot find it, so a lookup that found it was
answered through /run/nscd/socket, and one that failed was answered by
nobody."""

import glob
import hashlib
import os
import re
import shutil
import socket
import sys
import tempfile
import time

from check import LOOP_UID, LOOP_USER, Loop
from nsrguest import GUESTDIR, SOCKET, Tap, lookup_in_fresh_process, prop, prop_int, run, wait_until

DEBS = GUESTDIR + "/debs"
PACKAGES = ["nssrelay", "nssrelay-nscd-compat"]
SOCKET_UNIT = "nssrelay.socket"
UPGRADE_SUFFIX = "+checkdeb1"
SLACK = 0.25
APT_GET = ["apt-get", "-y", "-q", "-o", "Dpkg::Use-Pty=0"]
os.environ["DEBIAN_FRONTEND"] = "noninteractive"


def deb(name, version=None):
    """The path of package `name`'s .deb (of `version` if given)."""
    pattern = "%s/%s_%s_*.deb" % (DEBS, name, version or "*")
    found = [path for path in sorted(glob.glob(pattern)) if version or "+" not in os.path.basename(path)]
    if len(found) != 1:
        raise RuntimeError("expected one %s, found %s" % (pattern, found))
    return found[0]


def version_of(path):
    return run("dpkg-deb", "-f", path, "Version").stdout.strip()


def status(package):
    """dpkg's status abbreviation and version ("ii 0.1.0", "rc 0.1.0"); ""
    if it is not installed and has no configuration files left."""
    r = run("dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Version}", package)
    return r.stdout.strip() if r.returncode == 0 and r.stdout[1:2] != "n" else ""


def timed(*cmd):
    start = time.monotonic()
    r = run(*cmd)
    return r, time.monotonic() - start


def socket_state():
    return prop(SOCKET_UNIT, "ActiveState") + "/" + prop(SOCKET_UNIT, "SubState")


def is_enabled():
    return run("systemctl", "is-enabled", SOCKET_UNIT).stdout.strip()


def under_loop(action):
    """Runs action() while the looping client runs. Returns (action's
    result, when it began (CLOCK_MONOTONIC), every lookup that overlapped
    it, those that failed)."""
    loop = Loop()
    wait_until(lambda: loop.count() >= 10, timeout=60)
    begin = time.monotonic()
    result = action()
    results = loop.finish(time.monotonic())
    overlapping = [r for r in results if r[1] >= begin]
    return result, begin, overlapping, [r for r in overlapping if not r[2]]


def journal_monotonic(unit, message_prefix, since):
    """CLOCK_MONOTONIC (s) of PID 1's first journal line about `unit` that
    starts with message_prefix, logged after `since`; or None."""
    out = run("journalctl", "--no-pager", "-o", "export", "-u", unit).stdout
    for entry in out.split("\n\n"):
        fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
        when = int(fields.get("__MONOTONIC_TIMESTAMP", "0")) / 1e6
        if fields.get("_PID") == "1" and fields.get("MESSAGE", "").startswith(message_prefix) and when >= since:
            return when
    return None


def test_lintian(tap):
    with open(GUESTDIR + "/lintian.rc") as f:
        rc = f.read().strip()
    with open(GUESTDIR + "/lintian.txt") as f:
        tags = [line for line in f.read().splitlines() if "running with root privileges" not in line]
    tap.ok(rc == "0", "lintian --fail-on error,warning: the packages pass (exit %s)" % rc, "\n".join(tags))
    tap.diag("lintian, info tags included: " + ("; ".join(tags) if tags else "no tags"))


def install_nscd(tap):
    r = run("getent", "passwd", LOOP_USER)
    tap.ok(connect_outcome() != "accepted" and r.returncode == 2,
           "without nscd or nssrelay nothing answers on %s, and the client's own NSS cannot find %s" %
           (SOCKET, LOOP_USER), r.stdout)
    path = glob.glob(DEBS + "/nscd/nscd_*.deb")[0]
    r = run("dpkg", "-i", path)
    found = wait_until(lambda: lookup_in_fresh_process(LOOP_USER, LOOP_UID), timeout=20, interval=0.2)
    tap.ok(r.returncode == 0 and prop("nscd.service", "ActiveState") == "active" and found,
           "glibc's nscd %s is installed and running, and answers for %s" % (version_of(path), LOOP_USER),
           r.stdout)


def switch_from_nscd(tap, how, cmd):
    """Installs nssrelay over the running nscd with `cmd` while the client
    loops; checks and reports the lookups that failed in the switch."""
    (r, seconds), begin, lookups, failed = under_loop(lambda: timed(*cmd))
    stopped = journal_monotonic("nscd.service", "Stopping", begin)
    started = prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic") / 1e6
    tap.ok(r.returncode == 0 and status("nssrelay").startswith("ii") and
           not status("nscd").startswith("ii") and socket_state() == "active/listening",
           "%s over a running nscd: nssrelay installed (%s), nscd removed (%s), %s %s" %
           (how, status("nssrelay"), status("nscd") or "gone", SOCKET_UNIT, socket_state()), r.stdout)
    # A lookup fails only if it ran while nobody served the socket: after
    # nscd's prerm stopped it and before our postinst started the socket.
    # journald stamps PID 1's "Stopping" line when it reads it, which may
    # be a little after nscd was told to stop: SLACK allows for that.
    outside = [(s, e) for s, e, _ in failed if stopped is None or e < stopped - SLACK or s > started]
    gap = (started - stopped) * 1000 if stopped else float("nan")
    window = (max(e for _, e, _ in failed) - min(s for s, _, _ in failed)) * 1000 if failed else 0.0
    tap.ok(stopped is not None and not outside and lookups and lookups[-1][2],
           "%s over nscd: every failed lookup fell in the gap between nscd's stop and %s's start "
           "(%d of %d failed, in %.0f ms; the gap was %.0f ms of the %.1f s the command took)" %
           (how, SOCKET_UNIT, len(failed), len(lookups), window, gap, seconds),
           "nscd stopped at %s, socket started at %.3f; failures outside the gap: %s; last lookup ok: %s" %
           (stopped, started, outside, lookups[-1][2] if lookups else None))
    return len(failed), len(lookups), window, gap, seconds


def test_installed(tap, how):
    tap.ok(socket_state() == "active/listening" and is_enabled() == "enabled",
           "after %s: %s is %s and systemctl is-enabled says %s" % (how, SOCKET_UNIT, socket_state(), is_enabled()))
    tap.ok(lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "after %s: a fresh client finds %s, whom only nssrelay can see" % (how, LOOP_USER))


def test_compat(tap):
    r = run("nscd", "-i", "passwd")
    target = os.readlink("/usr/sbin/nscd") if os.path.islink("/usr/sbin/nscd") else None
    tap.ok(r.returncode == 0 and target == "nssrelay-nscd",
           "nssrelay-nscd-compat: /usr/sbin/nscd -> %s, and nscd -i passwd exits %d" % (target, r.returncode),
           r.stdout)


def repack(path, suffix):
    """A copy of the package at `path` with `suffix` added to its version
    and a comment added to each unit file, so that the upgrade replaces
    changed units as well as the programs (the same build otherwise)."""
    work = tempfile.mkdtemp(prefix="checkdeb-")
    try:
        run("dpkg-deb", "-R", path, work, check=True)
        control = work + "/DEBIAN/control"
        with open(control) as f:
            text = f.read()
        version = re.search(r"^Version: (\S+)$", text, re.M).group(1) + suffix
        with open(control, "w") as f:
            f.write(re.sub(r"^Version: \S+$", "Version: " + version, text, flags=re.M))
        for unit in glob.glob(work + "/lib/systemd/system/*"):
            with open(unit, "a") as f:
                f.write("# check-deb: upgraded to %s\n" % version)
        if os.path.exists(work + "/DEBIAN/md5sums"):
            sums = {}
            for dirpath, _, files in os.walk(work):
                for name in files:
                    full = os.path.join(dirpath, name)
                    rel = os.path.relpath(full, work)
                    if not rel.startswith("DEBIAN/") and not os.path.islink(full):
                        with open(full, "rb") as f:
                            sums[rel] = hashlib.md5(f.read()).hexdigest()
            with open(work + "/DEBIAN/md5sums", "w") as f:
                f.write("".join("%s  %s\n" % (sums[rel], rel) for rel in sorted(sums)))
        out = os.path.join(DEBS, os.path.basename(path).replace("_%s_" % version[:-len(suffix)],
                                                               "_%s_" % version))
        run("dpkg-deb", "--root-owner-group", "-b", work, out, check=True)
        return out, version
    finally:
        shutil.rmtree(work)


def test_upgrade(tap):
    new = [repack(deb(name), UPGRADE_SUFFIX) for name in PACKAGES]
    version = new[0][1]
    enter0 = prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic")
    refused0 = prop_int(SOCKET_UNIT, "NRefused")
    inode0 = os.stat("/usr/sbin/nssrelay").st_ino
    (r, seconds), _, lookups, failed = under_loop(lambda: timed(*APT_GET, "install",
                                                             *["./" + os.path.relpath(p) for p, _ in new]))
    tap.ok(r.returncode == 0 and status("nssrelay") == "ii " + version and
           status("nssrelay-nscd-compat") == "ii " + version,
           "apt-get upgrades both packages to %s (%.1f s)" % (version, seconds), r.stdout)
    with open("/lib/systemd/system/nssrelay.socket") as f:
        units_replaced = ("upgraded to " + version) in f.read()
    tap.ok(os.stat("/usr/sbin/nssrelay").st_ino != inode0 and units_replaced,
           "the upgrade replaced the program (a new inode) and the unit files")
    refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
    enter = prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic")
    tap.ok(not failed and lookups and refused == 0,
           "upgrade while a client loops: %d lookups, %d failed, NRefused +%d" % (len(lookups), len(failed), refused))
    tap.ok(enter == enter0 and socket_state() == "active/listening" and is_enabled() == "enabled",
           "the upgrade never restarted %s: ActiveEnterTimestamp unchanged, still %s and %s" %
           (SOCKET_UNIT, socket_state(), is_enabled()), "ActiveEnterTimestampMonotonic %d -> %d" % (enter0, enter))


def test_reinstall_same(tap):
    path = deb("nssrelay")
    enter0 = prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic")
    refused0 = prop_int(SOCKET_UNIT, "NRefused")
    (r, seconds), _, lookups, failed = under_loop(lambda: timed("dpkg", "-i", path))
    refused = prop_int(SOCKET_UNIT, "NRefused") - refused0
    tap.ok(r.returncode == 0 and not failed and refused == 0 and
           prop_int(SOCKET_UNIT, "ActiveEnterTimestampMonotonic") == enter0,
           "dpkg -i of the installed version again while a client loops: %d lookups, %d failed, NRefused +%d, "
           "the socket not restarted (%.1f s)" % (len(lookups), len(failed), refused, seconds), r.stdout)


def gap_ms(failed):
    """From the first failed lookup's start to the last one's end (the
    Loop's records are (start, end, found) in CLOCK_MONOTONIC)."""
    return (failed[-1][1] - failed[0][0]) * 1000 if failed else 0.0


FAST_UNITS = ["nssrelayd.socket", "nssrelayd.service"]


def fast_mode_state():
    return ["%s %s/%s" % (u, prop(u, "ActiveState"), run("systemctl", "is-enabled", u).stdout.strip())
            for u in FAST_UNITS]


def test_fast_mode(tap):
    """nssrelayd's units ship disabled; the switch nssrelayd(8) documents
    works with the packaged units, a reinstall while nssrelayd serves
    loses no lookup, and the switch back restores nssrelay.socket."""
    state = fast_mode_state()
    tap.ok(state == ["nssrelayd.socket inactive/disabled", "nssrelayd.service inactive/disabled"],
           "the package ships nssrelayd's units disabled and stopped: %s" % ", ".join(state))
    (r1, r2), _, lookups, failed = under_loop(lambda: (run("systemctl", "enable", "--now", *FAST_UNITS),
                                                       run("systemctl", "disable", SOCKET_UNIT)))
    switches = [("to nssrelayd", len(lookups), len(failed), gap_ms(failed))]
    state = fast_mode_state()
    tap.ok(r1.returncode == 0 and r2.returncode == 0 and prop(SOCKET_UNIT, "ActiveState") == "inactive" and
           state == ["nssrelayd.socket active/enabled", "nssrelayd.service active/enabled"],
           "switch to nssrelayd as nssrelayd(8) says: %s; %s %s" % (", ".join(state), SOCKET_UNIT,
                                                                    prop(SOCKET_UNIT, "ActiveState")),
           r1.stdout + r2.stdout)
    tap.ok(lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "with nssrelayd (and %s stopped) a fresh client finds %s" % (SOCKET_UNIT, LOOP_USER))
    enter0 = prop_int("nssrelayd.socket", "ActiveEnterTimestampMonotonic")
    pid0 = prop_int("nssrelayd.service", "MainPID")
    (r, seconds), _, lookups, failed = under_loop(lambda: timed("dpkg", "-i", deb("nssrelay")))
    pid = prop_int("nssrelayd.service", "MainPID")
    tap.ok(r.returncode == 0 and lookups and not failed and
           prop_int("nssrelayd.socket", "ActiveEnterTimestampMonotonic") == enter0 and
           prop("nssrelayd.service", "ActiveState") == "active" and pid > 0 and pid != pid0,
           "dpkg -i while nssrelayd serves a looping client: %d lookups, %d failed; the socket kept, the "
           "dispatcher restarted (pid %d -> %d) (%.1f s)" % (len(lookups), len(failed), pid0, pid, seconds),
           r.stdout)
    (r1, r2), _, lookups, failed = under_loop(lambda: (run("systemctl", "enable", "--now", SOCKET_UNIT),
                                                       run("systemctl", "disable", *FAST_UNITS)))
    switches.append(("back", len(lookups), len(failed), gap_ms(failed)))
    state = fast_mode_state()
    tap.ok(r1.returncode == 0 and r2.returncode == 0 and socket_state() == "active/listening" and
           is_enabled() == "enabled" and state == ["nssrelayd.socket inactive/disabled",
                                                   "nssrelayd.service inactive/disabled"],
           "and back to %s: %s, %s" % (SOCKET_UNIT, socket_state(), ", ".join(state)), r1.stdout + r2.stdout)
    tap.ok(lookup_in_fresh_process(LOOP_USER, LOOP_UID),
           "back with %s, a fresh client finds %s" % (SOCKET_UNIT, LOOP_USER))
    for how, n, nfailed, gap in switches:
        tap.diag("switch %s under a looping client: %d of %d lookups failed, within %.0f ms" % (how, nfailed, n, gap))


def connect_outcome():
    """What a client meets at the socket: 'accepted', or the error."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(SOCKET)
            return "accepted"
    except OSError as e:
        return type(e).__name__


def test_remove(tap):
    listed = run("dpkg", "-L", *PACKAGES).stdout.split()
    r, seconds = timed(*APT_GET, "remove", *PACKAGES)
    tap.ok(r.returncode == 0 and not any(status(p).startswith("ii") for p in PACKAGES),
           "apt-get remove: %s (%.1f s)" % (", ".join("%s %s" % (p, status(p) or "gone") for p in PACKAGES), seconds),
           r.stdout)
    load = prop(SOCKET_UNIT, "LoadState")
    outcome = connect_outcome()
    tap.ok(load == "not-found" and prop(SOCKET_UNIT, "ActiveState") == "inactive" and
           not os.path.lexists(SOCKET) and is_enabled() != "enabled",
           "after remove %s is gone (LoadState %s; is-enabled: %r) and so is %s (connect: %s)" %
           (SOCKET_UNIT, load, is_enabled() or "nothing", SOCKET, outcome))
    r, lookup = timed("getent", "passwd", "root")
    gone = not lookup_in_fresh_process(LOOP_USER, LOOP_UID)
    tap.ok(r.returncode == 0 and lookup < 0.5 and gone,
           "after remove lookups fall back in-process at once: getent passwd root in %.0f ms, %s not found" %
           (lookup * 1000, LOOP_USER))
    return listed


def test_reinstall_after_remove(tap):
    """Installs the removed (not purged) packages again: dpkg passes the
    old version to the postinst, which must enable and start the socket
    all the same; then removes them again."""
    r = run("dpkg", "-i", deb("nssrelay"), deb("nssrelay-nscd-compat"))
    tap.ok(r.returncode == 0 and status("nssrelay").startswith("ii"), "dpkg -i after remove (not purge)", r.stdout)
    test_installed(tap, "dpkg -i after remove")
    r = run(*APT_GET, "remove", *PACKAGES)
    tap.ok(r.returncode == 0 and not os.path.lexists(SOCKET) and prop(SOCKET_UNIT, "LoadState") == "not-found",
           "apt-get remove again", r.stdout)


def leftovers(listed):
    """What dpkg -L listed that is still there (a file or symlink, or an
    empty directory: directories such as /usr/sbin hold other packages'
    files too), and anything named *nssrelay* anywhere."""
    left = []
    for path in listed:
        if os.path.isdir(path):
            if not os.listdir(path):
                left.append(path)
        elif os.path.lexists(path):
            left.append(path)
    named = run("find", "/", "(", "-path", "/proc", "-o", "-path", "/sys", "-o", "-path", "/dev", "-o",
                "-path", GUESTDIR, ")", "-prune", "-o", "-name", "*nssrelay*", "-print").stdout.split()
    return left, named


def test_purge(tap, listed):
    r, seconds = timed(*APT_GET, "purge", *PACKAGES)
    tap.ok(r.returncode == 0 and not any(status(p) for p in PACKAGES),
           "apt-get purge: dpkg no longer knows the packages (%.1f s)" % seconds, r.stdout)
    left, named = leftovers(listed)
    tap.ok(listed and not left and not named,
           "after purge none of the %d paths dpkg -L listed is left, and no file anywhere is named *nssrelay*" %
           len(listed), "left: %s\nnamed: %s" % (left, named))


def step(tap, function, *args):
    """Runs one step; an exception is one failed check, and the rest
    still runs (each step checks the state it needs)."""
    try:
        return function(tap, *args)
    except Exception as e:  # noqa: BLE001 - reported, never hidden
        tap.ok(False, "%s raised %s: %s" % (function.__name__, type(e).__name__, e))
        return None


def fresh_install(tap):
    r = run("dpkg", "-i", deb("nssrelay"))
    tap.ok(r.returncode == 0 and status("nssrelay").startswith("ii"), "dpkg -i after purge installs afresh",
           r.stdout)
    test_installed(tap, "dpkg -i after purge")


def purge_all(tap):
    r = run("dpkg", "--purge", *PACKAGES)
    tap.ok(r.returncode == 0 and not status("nssrelay"), "dpkg --purge", r.stdout)


def main():
    tap = Tap()
    start = time.monotonic()
    figures = []
    os.chdir(DEBS)
    state = os.environ.get("NSSRELAY_BOOT_STATE", "")
    tap.ok(state == "running", "the container booted to 'running' (was: %s)" % state,
           run("systemctl", "--failed", "--no-pager").stdout)
    step(tap, test_lintian)

    step(tap, install_nscd)
    figures.append(("apt-get install", step(tap, switch_from_nscd, "apt-get install", APT_GET + [
        "install", "./" + os.path.basename(deb("nssrelay")), "./" + os.path.basename(deb("nssrelay-nscd-compat"))])))
    step(tap, test_installed, "apt-get install")
    step(tap, test_compat)
    step(tap, test_upgrade)
    listed = step(tap, test_remove)
    step(tap, test_reinstall_after_remove)
    step(tap, test_purge, listed or [])
    step(tap, fresh_install)
    step(tap, test_reinstall_same)
    step(tap, test_fast_mode)

    # The same switch with dpkg alone, which removes nscd itself
    # (Conflicts and Replaces), for comparison.
    step(tap, purge_all)
    step(tap, install_nscd)
    figures.append(("dpkg -i", step(tap, switch_from_nscd, "dpkg -i", ["dpkg", "-i", deb("nssrelay")])))
    step(tap, test_installed, "dpkg -i over nscd")

    for how, numbers in figures:
        if numbers:
            tap.diag("switch from nscd with %s: %d of %d lookups failed, within %.0f ms (gap between nscd's stop "
                     "and the socket's start: %.0f ms; the command took %.1f s)" % ((how,) + numbers))
    tap.diag("check-deb took %.0f s inside the container" % (time.monotonic() - start))
    return tap.done("check-deb")


if __name__ == "__main__":
    sys.exit(main())
