# SPDX-License-Identifier: LGPL-2.1-or-later
"""`make demo`: real lookups through nssrelay, in private namespaces.

A user and a group exist only in the server's view of /etc; a client whose
own /etc does not know them looks them up through nssrelay running under
systemd-socket-activate. Nothing on the host changes.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import nsstest  # noqa: E402
from nsstest import Sandbox  # noqa: E402

SERVER = {
    "passwd": "root:x:0:0:root:/root:/bin/sh\n"
              "alice:x:1000:1000:Alice Example:/home/alice:/bin/bash\n",
    "group": "root:x:0:\nwheel:x:10:alice\nalice:x:1000:\n",
}


def show(title, result):
    print("$ %s" % title)
    out = (result.stdout + result.stderr).decode().rstrip()
    print("  " + (out.replace("\n", "\n  ") if out else "(no output)") +
          "   [exit status %d]" % result.returncode)


def main():
    if os.geteuid() != 0:
        sys.exit("demo: run as root (it uses private mount namespaces)")
    with Sandbox(server_etc=SERVER) as sb:
        print("nssrelay demo: the client's /etc knows only root; alice and wheel exist only in\n"
              "the server's /etc. nssrelay listens on /run/nscd/socket in both views.\n")
        show("getent passwd alice      # client, socket hidden", sb.client_alone(
            ["getent", "passwd", "alice"]))
        mark = sb.mark()
        show("getent passwd alice      # client, through nssrelay",
             sb.client(["getent", "passwd", "alice"]))
        show("id alice                 # client, through nssrelay", sb.client(["id", "alice"]))
        show("getent group wheel       # client, through nssrelay",
             sb.client(["getent", "group", "wheel"]))
        print("\nWhat nssrelay logged (NSSRELAY_LOG=requests), one process per connection:")
        for line in sb.lines_since(mark):
            print("  " + line)
        ok = sb.client(["getent", "passwd", "alice"]).returncode == 0
    print("\ndemo %s" % ("passed: nssrelay answered the client's lookups" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


main()
