# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's glibc nscd as a reference server for differential tests.

    with RefNscd({"services": "http 80/tcp www\n"}) as ref:
        reply = ref.request(nsstest.GETSERVBYNAME, "http/tcp")   # bytes
        out = ref.client(["getent", "services", "http"])         # glibc's client

The nscd binary comes from Debian's nscd package for the installed libc6,
fetched with `apt-get download` and unpacked with `dpkg -x`, never
installed. It is kept in $NSSRELAY_REFNSCD_CACHE (default
/var/tmp/nssrelay-refnscd) so later runs need no download;
$NSSRELAY_REFNSCD names a binary to use instead.

nscd runs in the foreground in a private mount namespace set up by
tests/lib/nsenv: the fixture files (BASE_ETC, the given files and an
nscd.conf with every cache enabled, not shared, not persistent, no
paranoia) over /etc, and its socket in a temporary directory. It caches:
ask each question once if the first answer is what you want to compare.
"""

import fcntl
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import nsstest

CACHE_ROOT = os.environ.get("NSSRELAY_REFNSCD_CACHE", "/var/tmp/nssrelay-refnscd")
DATABASES = ("passwd", "group", "hosts", "services", "netgroup")


def nscd_conf():
    lines = ["paranoia no\n", "debug-level 0\n"]
    for db in DATABASES:
        lines += ["enable-cache %s yes\n" % db,
                  "positive-time-to-live %s 600\n" % db,
                  "negative-time-to-live %s 600\n" % db,
                  "check-files %s yes\n" % db,
                  "persistent %s no\n" % db,
                  "shared %s no\n" % db]
    return "".join(lines)


def _libc6_version():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libc6"], capture_output=True,
                       text=True, check=True)
    return r.stdout.strip()


def nscd_binary():
    """The path of Debian's nscd binary, downloaded once if needed."""
    explicit = os.environ.get("NSSRELAY_REFNSCD")
    if explicit:
        return explicit
    version = _libc6_version()
    dest = os.path.join(CACHE_ROOT, version.replace(":", "_"))
    binary = os.path.join(dest, "usr", "sbin", "nscd")
    os.makedirs(CACHE_ROOT, exist_ok=True)
    # Tests may run in parallel: one downloads, the others wait for it.
    with open(os.path.join(CACHE_ROOT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(binary):
            work = tempfile.mkdtemp(prefix="download.", dir=CACHE_ROOT)
            try:
                r = subprocess.run(["apt-get", "download", "nscd=" + version], cwd=work,
                                   capture_output=True, text=True, timeout=300)
                if r.returncode != 0:
                    # The archive keeps only the newest build of a release;
                    # any build of the same glibc speaks the same protocol
                    # and links the same GLIBC_PRIVATE symbols.
                    r = subprocess.run(["apt-get", "download", "nscd"], cwd=work,
                                       capture_output=True, text=True, timeout=300)
                debs = glob.glob(os.path.join(work, "nscd_*.deb"))
                if r.returncode != 0 or not debs:
                    raise RuntimeError("apt-get download nscd (libc6 %s) failed (run apt-get "
                                       "update?): %s" % (version, r.stderr.strip()))
                subprocess.run(["dpkg", "-x", debs[0], os.path.join(work, "root")], check=True)
                os.rename(os.path.join(work, "root"), dest)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return binary


class RefNscd:
    """One Debian nscd over fixture files; request() returns its raw reply.

    client_etc is the fixture for client(); netns, a network namespace
    path to run nscd and clients in; env, extra environment for nscd."""

    def __init__(self, etc=None, client_etc=None, netns=None, env=None):
        self.tmp = tempfile.mkdtemp(prefix="nssrelay-refnscd.", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.etc_dir = os.path.join(self.tmp, "etc")
        self.client_etc = os.path.join(self.tmp, "client-etc")
        self.sock_dir = os.path.join(self.tmp, "sock")
        self.socket_path = os.path.join(self.sock_dir, "socket")
        self.log_path = os.path.join(self.tmp, "nscd.log")
        os.makedirs(self.sock_dir, mode=0o755)
        files = dict(etc or {})
        files["nscd.conf"] = nscd_conf()
        nsstest.write_etc(self.etc_dir, files)
        nsstest.write_etc(self.client_etc, client_etc)
        self.net_prefix = ["nsenter", "--net=" + netns] if netns else []
        self.env = dict(os.environ, **(env or {}))
        self.binary = None
        self.proc = None

    def start(self):
        self.binary = binary = nscd_binary()
        cmd = self.net_prefix + ["unshare", "-m", "--propagation", "private", "sh", nsstest.NSENV,
                                 self.etc_dir, self.sock_dir, "--", binary, "-F", "-f",
                                 "/etc/nscd.conf"]
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nscd exited: " + self._log())
            if os.path.exists(self.socket_path):
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.connect(self.socket_path)
                    return self
                except OSError:
                    pass
            time.sleep(0.01)
        raise RuntimeError("nscd did not start: " + self._log())

    def _log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def request(self, req_type, key, timeout=10.0):
        """Sends one request; returns every byte nscd sent before closing."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.socket_path)
            s.sendall(nsstest.pack_request(req_type, key))
            return nsstest.read_until_eof(s)

    def client(self, argv, timeout=60):
        """Runs argv with the client fixture and nscd's socket."""
        cmd = self.net_prefix + ["unshare", "-m", "--propagation", "private", "sh", nsstest.NSENV,
                                 self.client_etc, self.sock_dir, "--"] + list(argv)
        return subprocess.run(cmd, capture_output=True, timeout=timeout,
                              env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"})

    def log_text(self):
        return self._log()

    def close(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
