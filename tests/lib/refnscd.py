"""The reference server: Debian's own nscd, for differential tests.

Debian's nscd package is downloaded with apt-get (the version that
matches the installed libc6, as its GLIBC_PRIVATE links demand) and
unpacked with dpkg -x into a cache directory; it is never installed. It
runs in a private mount namespace (tests/lib/nsenv) over fixture /etc
files, with caches enabled but not shared or persistent, and listens on
/run/nscd/socket there, which is a directory under the test's temporary
directory.

    with RefNscd({"hosts": "..."}) as ref:
        reply = ref.request(nsstest.GETHOSTBYNAME, "web")   # raw bytes
        out = ref.client(["getent", "ahosts", "web"])       # glibc's client

The cache lives in $NSSRELAY_REFNSCD_CACHE, else tests/cache under the
build directory.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import nsstest

CACHE = os.environ.get("NSSRELAY_REFNSCD_CACHE") or os.path.join(nsstest.BUILDDIR, "tests", "cache")

# Every cache on, nothing shared (so no GETFD* mapping: the client asks
# over the socket every time) and nothing persistent.
NSCD_CONF = "".join(
    ["debug-level 0\nparanoia no\nthreads 2\nmax-threads 4\n"] +
    ["enable-cache %s yes\npositive-time-to-live %s 600\nnegative-time-to-live %s 600\n"
     "check-files %s yes\nshared %s no\npersistent %s no\n" % ((db,) * 6)
     for db in ("passwd", "group", "hosts", "services", "netgroup")])


def libc_version():
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libc6"], capture_output=True,
                          text=True, check=True).stdout.strip()


def nscd_binary():
    """Path of Debian's nscd binary, unpacked into the cache on first use."""
    version = libc_version()
    root = os.path.join(CACHE, "nscd-" + version)
    binary = os.path.join(root, "usr", "sbin", "nscd")
    if os.access(binary, os.X_OK):
        return binary
    os.makedirs(CACHE, exist_ok=True)
    work = tempfile.mkdtemp(prefix="nscd-download.", dir=CACHE)
    try:
        r = subprocess.run(["apt-get", "download", "-q", "nscd=" + version], cwd=work,
                           capture_output=True, text=True, timeout=300)
        debs = [f for f in os.listdir(work) if f.endswith(".deb")]
        if r.returncode != 0 or len(debs) != 1:
            raise RuntimeError("apt-get download nscd=%s failed: %s" % (version, r.stderr.strip()))
        unpacked = os.path.join(work, "root")
        subprocess.run(["dpkg", "-x", os.path.join(work, debs[0]), unpacked], check=True)
        # Another test may have unpacked it meanwhile; either copy will do.
        if not os.path.exists(root):
            os.rename(unpacked, root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return binary


class RefNscd:
    """Debian's nscd over fixture files; see the module's doc."""

    def __init__(self, etc=None, client_etc=None, netns=None, env=None):
        self.binary = nscd_binary()
        self.tmp = tempfile.mkdtemp(prefix="nssrelay-refnscd.", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.etc = os.path.join(self.tmp, "etc")
        self.client_etc = os.path.join(self.tmp, "client-etc")
        self.sock_dir = os.path.join(self.tmp, "sock")
        self.socket_path = os.path.join(self.sock_dir, "socket")
        os.makedirs(self.sock_dir, mode=0o755)
        files = dict(etc or {})
        files.setdefault("nscd.conf", NSCD_CONF)
        nsstest.write_etc(self.etc, files)
        nsstest.write_etc(self.client_etc, client_etc)
        self.net_prefix = ["nsenter", "--net=" + netns] if netns else []
        self.log_path = os.path.join(self.tmp, "nscd.log")
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def start(self, timeout=10.0):
        cmd = self.net_prefix + ["unshare", "-m", "--propagation", "private", "sh", nsstest.NSENV,
                                 self.etc, self.sock_dir, "--", self.binary, "-F", "-f",
                                 "/etc/nscd.conf"]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nscd exited: " + self.log_text())
            if os.path.exists(self.socket_path):
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.connect(self.socket_path)
                    return self
                except OSError:
                    pass
            time.sleep(0.01)
        raise RuntimeError("nscd did not start: " + self.log_text())

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def request(self, req_type, key, timeout=10.0):
        """Sends one request; returns every byte nscd sent until it closed."""
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
