"""Debian's glibc nscd as a reference server for differential tests.

The nscd package is downloaded from the Debian archive and unpacked with
dpkg -x, never installed. It runs in a private mount namespace over the
same fixture /etc files as nssrelay, with caching as harmless as nscd
allows (`shared no`, `persistent no`), on a socket under a temporary
directory. Tests send both servers the same raw requests and compare bytes.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import nsstest

DATABASES = ("passwd", "group", "hosts", "services", "netgroup")


def nscd_conf():
    lines = ["debug-level 0", "paranoia no", "threads 2"]
    for db in DATABASES:
        lines += ["enable-cache %s yes" % db,
                  "positive-time-to-live %s 600" % db,
                  "negative-time-to-live %s 600" % db,
                  "check-files %s yes" % db,
                  "persistent %s no" % db,
                  "shared %s no" % db]
    return "\n".join(lines) + "\n"


def nscd_binary():
    """Returns the path of Debian's nscd, fetching it once if needed.

    NSSRELAY_REFERENCE_NSCD names an unpacked binary; otherwise the
    package is unpacked under the build tree. A missing binary that cannot
    be fetched is an error, not a skip."""
    explicit = os.environ.get("NSSRELAY_REFERENCE_NSCD")
    if explicit:
        return explicit
    root = os.path.join(nsstest.BUILDDIR, "tests", "reference", "nscd")
    binary = os.path.join(root, "usr", "sbin", "nscd")
    if os.path.exists(binary):
        return binary
    download = tempfile.mkdtemp(prefix="nssrelay-nscd-deb.")
    try:
        subprocess.run(["apt-get", "download", "nscd"], cwd=download, check=True,
                       capture_output=True, timeout=300)
        deb = glob.glob(os.path.join(download, "nscd_*.deb"))[0]
        os.makedirs(root, exist_ok=True)
        subprocess.run(["dpkg", "-x", deb, root], check=True, capture_output=True)
    except (subprocess.SubprocessError, IndexError, OSError) as e:
        raise RuntimeError("cannot fetch Debian's nscd for the differential test "
                           "(apt-get download nscd needs the package lists: apt-get update): %s"
                           % e)
    finally:
        shutil.rmtree(download, ignore_errors=True)
    return binary


class ReferenceNscd:
    """Debian's nscd over fixture files; use as a context manager."""

    def __init__(self, etc_files):
        self.tmp = tempfile.mkdtemp(prefix="nssrelay-refnscd.", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.etc = os.path.join(self.tmp, "etc")
        self.sock_dir = os.path.join(self.tmp, "sock")
        self.socket_path = os.path.join(self.sock_dir, "socket")
        os.makedirs(self.sock_dir)
        files = dict(etc_files or {})
        files["nscd.conf"] = nscd_conf()
        nsstest.write_etc(self.etc, files)
        self.log_path = os.path.join(self.tmp, "nscd.log")
        self.process = None

    def start(self):
        binary = nscd_binary()
        self.log_file = open(self.log_path, "wb")
        # nscd binds /var/run/nscd/socket itself: inside its namespace that
        # is our socket directory.
        self.process = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", nsstest.NSENV, self.etc,
             self.sock_dir, "--", binary, "-F"],
            stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("reference nscd exited: " + open(self.log_path).read())
            if os.path.exists(self.socket_path):
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.connect(self.socket_path)
                    # An empty connection is harmless to nscd: it closes it.
                    return self
                except OSError:
                    pass
            time.sleep(0.02)
        raise RuntimeError("reference nscd did not start")

    def request(self, req_type, key, timeout=10.0):
        return self.raw(nsstest.pack_request(req_type, key), timeout=timeout)

    def raw(self, data, timeout=10.0):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.socket_path)
            s.sendall(data)
            return nsstest.read_until_eof(s)

    def close(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
