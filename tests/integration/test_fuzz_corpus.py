# SPDX-License-Identifier: LGPL-2.1-or-later
"""Replays the fuzzers' seed corpus through both targets, once, with this
build's compiler and sanitizers (`make fuzz` is the real fuzzing run).

The connection target serves each input with the real handlers and NSS,
so it runs in a private mount namespace over tests/fuzz/etc. A finding
aborts the replay: the test fails with the target's report.
"""

import os
import subprocess

import nsstest
from nsstest import Tap

tap = Tap()
nsstest.require_root(tap)

FUZZ_SRC = os.path.join(nsstest.SRCDIR, "tests", "fuzz")
FUZZ_BUILD = os.path.join(nsstest.BUILDDIR, "tests", "fuzz")

for target, prefix in (("wire", []),
                       ("connection", ["unshare", "-m", "--propagation", "private", "sh",
                                       nsstest.NSENV, os.path.join(FUZZ_SRC, "etc"), "-", "--"])):
    corpus = os.path.join(FUZZ_SRC, "corpus", target)
    seeds = len(os.listdir(corpus))
    r = subprocess.run(prefix + [os.path.join(FUZZ_BUILD, "replay_" + target), corpus],
                       capture_output=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "NSSRELAY_LOG": "error",
                            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", ""),
                            "UBSAN_OPTIONS": os.environ.get("UBSAN_OPTIONS", "")})
    tap.ok(r.returncode == 0 and b"replayed %d inputs" % seeds in r.stdout,
           "%s target: all %d seeds pass the oracle" % (target, seeds),
           (r.stdout + r.stderr)[-3000:].decode(errors="replace"))

tap.done()
