# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shipped units: systemd-analyze verify, and the settings we rely on."""

import os
import re
import shutil
import subprocess
import tempfile

import nsstest
from nsstest import Tap

ANALYZE = os.environ.get("SYSTEMD_ANALYZE") or shutil.which("systemd-analyze")
SOCKET = os.path.join(nsstest.SRCDIR, "units", "nssrelay.socket")
SERVICE = os.path.join(nsstest.BUILDDIR, "units", "nssrelay@.service")

# Warnings systemd 252 prints that we accept knowingly: PollLimit* is for
# systemd 255 and later.
KNOWN_WARNINGS = [r"Unknown key 'PollLimitIntervalSec' in section \[Socket\], ignoring\."]


def settings(path):
    values = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


tap = Tap()

# verify checks that ExecStart= exists: lay out a root with the built
# binary where the template expects it.
root = tempfile.mkdtemp(prefix="nssrelay-units.")
try:
    service = settings(SERVICE)
    exec_start = service["ExecStart"][0].split()[0]
    os.makedirs(root + os.path.dirname(exec_start))
    shutil.copy(nsstest.NSSRELAY, root + exec_start)
    unitdir = os.path.join(root, "etc", "systemd", "system")
    os.makedirs(unitdir)
    shutil.copy(SOCKET, unitdir)
    shutil.copy(SERVICE, unitdir)
    r = subprocess.run([ANALYZE, "verify", "--man=no", "--root=" + root,
                        os.path.join(unitdir, "nssrelay.socket"),
                        os.path.join(unitdir, "nssrelay@.service")],
                       capture_output=True, text=True, timeout=60)
    tap.eq(r.returncode, 0, "systemd-analyze verify accepts both units")
    unexpected = [l for l in (r.stdout + r.stderr).splitlines()
                  if l.strip() and not any(re.search(w, l) for w in KNOWN_WARNINGS)]
    tap.eq(unexpected, [], "systemd-analyze verify has nothing to say about them")
finally:
    shutil.rmtree(root, ignore_errors=True)

sock = settings(SOCKET)
tap.eq(sock.get("ListenStream"), ["/run/nscd/socket"], "the socket is glibc's /run/nscd/socket")
tap.eq(sock.get("Accept"), ["yes"], "one instance per connection")
tap.eq(sock.get("SocketMode"), ["0666"], "every user may connect")
tap.eq(sock.get("TriggerLimitIntervalSec"), ["0"], "no trigger limit can fail the socket")
tap.ok("SocketUser" not in sock and "SocketGroup" not in sock,
       "no SocketUser=/SocketGroup= (they need a name lookup before the socket works)")
for name, unit in (("socket", sock), ("template", service)):
    tap.eq(unit.get("DefaultDependencies"), ["no"], "%s: no default dependencies" % name)
    conflicts = " ".join(unit.get("Conflicts", [])).split()
    tap.ok(all(u in conflicts for u in ("nscd.service", "unscd.service", "nsncd.service")),
           "%s conflicts with nscd, unscd and nsncd" % name)
    tap.ok(not any(k in unit for k in ("User", "Group", "DynamicUser", "SupplementaryGroups",
                                       "PAMName")),
           "%s needs no name lookup to start" % name)
tap.ok("sockets.target" in " ".join(sock.get("Before", [])), "the socket is ordered before sockets.target")
tap.ok("nss-user-lookup.target" in " ".join(sock.get("Wants", [])) and
       "nss-user-lookup.target" in " ".join(sock.get("Before", [])),
       "the socket pulls in and precedes nss-user-lookup.target")
tap.ok(exec_start.endswith("/nssrelay"), "the template runs nssrelay")

tap.done()
