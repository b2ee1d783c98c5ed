# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hosts lookups in the client's network namespace (issue 12).

The server and every client world live in network namespaces of their
own, each with its own dnsmasq on loopback addresses, and every dnsmasq
answers the same name with an address of its own, so the answer says
which server was asked, and the query logs prove it:

    namespace  127.0.0.2 (the server's    127.0.0.3 (the client's    127.0.0.5
               resolv.conf names it)      resolv.conf names it)
    server     192.0.2.2    S2            192.0.2.3    S3            -
    client     198.51.100.2 C2            198.51.100.3 C3            -
    vpn        -                          -                          198.51.100.5 V5
    nodns      -                          -                          -

Right is C3 for the client (its namespace, its resolv.conf) and S2 for a
client in the server's namespace. The client's own nsswitch.conf has no
dns, so whatever it resolves, nssrelay answered.
"""

import os

import nsstest
from netns import Dnsmasq, PrivateNetwork
from nsstest import Sandbox, Tap

NAME = "where.netns.test"
PTR_ADDR = "203.0.113.7"
PTR = "--ptr-record=7.113.0.203.in-addr.arpa,%s"
OPTIONS = "options timeout:1 attempts:1\n"
MODULES = os.path.join(nsstest.BUILDDIR, "tests", "nss")

SERVER_RESOLV = "nameserver 127.0.0.2\n" + OPTIONS
CLIENT_RESOLV = "nameserver 127.0.0.3\n" + OPTIONS
SERVER_NSSWITCH = nsstest.BASE_ETC["nsswitch.conf"].replace("hosts: files", "hosts: files hoststest dns")
LEAKY_NSSWITCH = nsstest.BASE_ETC["nsswitch.conf"].replace(
    "hosts: files", "hosts: files hoststest mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns")

tap = Tap()
nsstest.require_root(tap)

ADDRESSES = ["192.0.2.1/32", "2001:db8::1/128"]

# A raw GETHOSTBYNAME from a process that may change its root first:
# argv: NAME [CHROOT [UID]]. The connection is made relative to the
# socket's directory, which stays our cwd across chroot(), and after the
# switch to UID, so SO_PEERCRED names that user.
RAW = r'''
import os, socket, struct, sys
name = sys.argv[1]
os.chdir("/run/nscd")
if len(sys.argv) > 2 and sys.argv[2] != "-":
    os.chroot(sys.argv[2])
if len(sys.argv) > 3:
    os.setgroups([])
    os.setgid(int(sys.argv[3]))
    os.setuid(int(sys.argv[3]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("socket")
key = name.encode() + b"\0"
s.sendall(struct.pack("=iii", 2, 4, len(key)) + key)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
if len(data) < 32:
    print("no-reply")
    sys.exit(0)
version, found, name_len, n_aliases, af, length, n_addrs, err = struct.unpack_from("=8i", data)
if found != 1:
    print("not-found")
    sys.exit(0)
off = 32 + name_len
alias_lens = struct.unpack_from("=%di" % n_aliases, data, off)
off += 4 * n_aliases
addrs = [socket.inet_ntop(socket.AF_INET, data[off + 4 * i:off + 4 * i + 4]) for i in range(n_addrs)]
off += 4 * n_addrs
aliases = []
for l in alias_lens:
    aliases.append(data[off:off + l].rstrip(b"\0").decode())
    off += l
print(" ".join(addrs + aliases))
'''

# The process that connects exits at once; a child it leaves behind
# sends the request on the inherited connection a moment later. The
# connecting process (SO_PEERCRED, SO_PEERPIDFD) is gone by then.
ORPHAN = r'''
import os, socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/nscd/socket")
if os.fork() != 0:
    os._exit(0)
time.sleep(0.1)  # the parent is gone by then; the read deadline is 250 ms
key = sys.argv[1].encode() + b"\0"
s.sendall(struct.pack("=iii", 2, 4, len(key)) + key)
print("reply %d bytes" % len(s.recv(65536)), flush=True)
'''

PY = r'''
import socket, sys
def show(f):
    try:
        return f()
    except (socket.herror, socket.gaierror) as e:
        return "error %s" % (e.args[0],)
print(sorted(set(a[4][0] for a in socket.getaddrinfo(sys.argv[1], None, 0, socket.SOCK_STREAM))))
print(show(lambda: socket.gethostbyaddr(sys.argv[2])[0]))
'''


def count_queries(dns, name=NAME):
    return sum(1 for l in dns.log_text().splitlines() if "query[" in l and name in l)


def netns_inode(net):
    return os.stat(net.path).st_ino


logs = nsstest.tempfile.mkdtemp(prefix="nssrelay-netns.", dir="/tmp")
nets = {n: PrivateNetwork(addresses=ADDRESSES) for n in ("server", "client", "vpn", "nodns")}
dns = {}
try:
    def start_dns(key, net, addr, address, ptr=None, extra=()):
        records = ["--host-record=%s,%s" % (NAME, address)] + list(extra)
        if ptr:
            records.append(PTR % ptr)
        dns[key] = Dnsmasq(nets[net], addr, records, log_path=os.path.join(logs, key + ".log"))

    start_dns("S2", "server", "127.0.0.2", "192.0.2.2", "server-ptr.netns.test")
    start_dns("S3", "server", "127.0.0.3", "192.0.2.3", "server-wrong-ptr.netns.test")
    start_dns("C2", "client", "127.0.0.2", "198.51.100.2", "client-wrong-ptr.netns.test")
    start_dns("C3", "client", "127.0.0.3", "198.51.100.3,2001:db8:c::3", "client-ptr.netns.test")
    start_dns("V5", "vpn", "127.0.0.5", "198.51.100.5", "vpn-ptr.netns.test")

    def counts():
        return {k: count_queries(d) + count_queries(d, "in-addr.arpa") for k, d in dns.items()}

    def asked(before):
        """Which servers were asked since 'before' (a counts() result)."""
        now = counts()
        return sorted(k for k in now if now[k] > before[k])

    sb = Sandbox(server_etc={"nsswitch.conf": SERVER_NSSWITCH, "resolv.conf": SERVER_RESOLV},
                 client_etc={"resolv.conf": CLIENT_RESOLV}, server_env={"LD_LIBRARY_PATH": MODULES},
                 netns=nets["server"].path)
    client_resolv = os.path.join(sb.client_etc, "resolv.conf")

    def set_client_resolv(content=None, symlink=None):
        os.unlink(client_resolv)
        if symlink:
            os.symlink(symlink, client_resolv)
        else:
            with open(client_resolv, "w") as f:
                f.write(content)
            os.chmod(client_resolv, 0o644)

    sb.start()
    try:
        client = nets["client"].path
        r = sb.client_alone(["getent", "hosts", NAME], netns=client)
        tap.eq(r.returncode, 2, "without the socket the client cannot resolve %s (no dns in its "
               "nsswitch.conf)" % NAME)

        # -- a client in its own namespace gets its own DNS's answer --------
        before, mark = counts(), sb.mark()
        r = sb.client(["getent", "hosts", NAME], netns=client)
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"2001:db8:c::3"],
               "getent hosts: the client's DNS answered, through its resolv.conf", r.stdout + r.stderr)
        r = sb.client(["getent", "ahostsv4", NAME], netns=client)
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"198.51.100.3"],
               "getent ahostsv4: the client DNS's IPv4 address", r.stdout + r.stderr)
        r = sb.client(["getent", "ahosts", NAME], netns=client)
        got = sorted(set(l.split()[0].decode() for l in r.stdout.splitlines()))
        tap.eq(got, ["198.51.100.3", "2001:db8:c::3"], "getent ahosts: both of the client DNS's addresses")
        r = sb.client(["/usr/bin/python3", "-c", PY, NAME, PTR_ADDR], netns=client)
        tap.eq(r.stdout.decode().splitlines(), ["['198.51.100.3', '2001:db8:c::3']", "client-ptr.netns.test"],
               "python3 getaddrinfo and gethostbyaddr: the client's DNS's answers")
        tap.eq(asked(before), ["C3"], "only the client's DNS was asked (query logs)")
        lines = sb.lines_since(mark)
        found = [l for l in lines if ": found" in l]
        tap.ok(len(found) >= 4 and all("fallback" not in l for l in lines),
               "nssrelay answered every one of them (%d request lines)" % len(found), "\n".join(lines))
        tap.ok(not any("warning" in l.lower() or "closing" in l for l in lines),
               "no warning for a namespaced lookup with only files and dns", "\n".join(lines))

        # -- what the module code runs with ----------------------------------
        r = sb.client(["/usr/bin/python3", "-c", RAW, "whoami.hoststest"], netns=client)
        words = r.stdout.decode().split()
        tap.ok(words[:1] == ["192.0.2.90"], "the test module answered whoami.hoststest", r.stdout + r.stderr)
        tap.ok("capeff-0000000000000000" in words and "capprm-0000000000000000" in words,
               "module code in a namespaced lookup holds no capability (CapEff and CapPrm 0)", words)
        tap.ok("netns-%d" % netns_inode(nets["client"]) in words,
               "module code runs in the client's network namespace", words)
        tap.ok("resolv-%d" % len(CLIENT_RESOLV) in words,
               "and sees the client's resolv.conf at /etc/resolv.conf", words)
        r = sb.client(["/usr/bin/python3", "-c", RAW, "whoami.hoststest"])
        words = r.stdout.decode().split()
        tap.ok("netns-%d" % netns_inode(nets["server"]) in words and "resolv-%d" % len(SERVER_RESOLV) in words
               and "capeff-0000000000000000" in words,
               "a client in the server's namespace: the server's namespace and resolv.conf, no capability",
               words)

        # -- a client in the server's namespace: as before -------------------
        before, mark = counts(), sb.mark()
        r = sb.client(["getent", "hosts", NAME])
        tap.ok(r.returncode == 0 and r.stdout.split()[0] == b"192.0.2.2",
               "a client in the server's namespace gets the server DNS's answer", r.stdout + r.stderr)
        r = sb.client(["/usr/bin/python3", "-c", PY, NAME, PTR_ADDR])
        tap.eq(r.stdout.decode().splitlines(), ["['192.0.2.2']", "server-ptr.netns.test"],
               "python3 in the server's namespace: the server DNS's answers")
        tap.eq(asked(before), ["S2"], "only the server's DNS was asked")

        # -- no DNS in the client's namespace --------------------------------
        before, mark = counts(), sb.mark()
        r = sb.client(["getent", "hosts", NAME], netns=nets["nodns"].path)
        tap.eq(r.returncode, 2, "a client whose namespace has no DNS server gets no answer")
        r = sb.client(["getent", "ahosts", NAME], netns=nets["nodns"].path)
        tap.eq(r.returncode, 2, "getent ahosts too")
        tap.eq(asked(before), [], "and no DNS server was asked, the server's least of all")

        # -- ip netns exec, with /etc/netns/NAME/resolv.conf ------------------
        netns_etc = os.path.join(sb.client_etc, "netns", "vpn")
        os.makedirs(netns_etc)
        with open(os.path.join(netns_etc, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.5\n" + OPTIONS)
        os.chmod(netns_etc, 0o755)
        os.chmod(os.path.dirname(netns_etc), 0o755)
        script = ("mkdir -p /run/netns && touch /run/netns/vpn && mount --bind %s /run/netns/vpn && "
                  "exec ip netns exec vpn getent hosts %s" % (nets["vpn"].path, NAME))
        before, mark = counts(), sb.mark()
        r = sb.client(["sh", "-c", script])
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"198.51.100.5"],
               "ip netns exec vpn (its own /run/netns): the answer of /etc/netns/vpn/resolv.conf's DNS",
               r.stdout + r.stderr)
        tap.eq(asked(before), ["V5"], "only the vpn namespace's DNS was asked")

        # -- resolv.conf as a symlink into the client's own /run ---------------
        set_client_resolv(symlink="/run/client-resolv/resolv.conf")
        script = ("mkdir /run/client-resolv && printf 'nameserver 127.0.0.3\\n%s' > "
                  "/run/client-resolv/resolv.conf && exec getent hosts %s" % (OPTIONS, NAME))
        before = counts()
        r = sb.client(["sh", "-c", script], netns=client)
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"2001:db8:c::3"],
               "resolv.conf a symlink into the client's own /run: followed inside the client's root",
               r.stdout + r.stderr)
        tap.eq(asked(before), ["C3"], "only the client's DNS was asked")
        set_client_resolv(CLIENT_RESOLV)

        # -- symlinks that point outside the client's root ---------------------
        # The client runs chrooted in 'jail', whose /etc/shadow names the
        # client's DNS. Resolved inside the jail, both links find it; the
        # server's /etc/shadow (its fixture: the server's DNS) or the host's
        # must never be read.
        with open(os.path.join(sb.server_etc, "shadow"), "w") as f:
            f.write("nameserver 127.0.0.2\n")
        jail = os.path.join(sb.tmp, "jail")
        os.makedirs(os.path.join(jail, "etc"))
        os.chmod(jail, 0o755)
        os.chmod(os.path.join(jail, "etc"), 0o755)
        shadow = os.path.join(jail, "etc", "shadow")
        with open(shadow, "w") as f:
            f.write("nameserver 127.0.0.3\n" + OPTIONS)
        for target in ("../../../../etc/shadow", "/etc/shadow", "/../../etc/shadow"):
            link = os.path.join(jail, "etc", "resolv.conf")
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink(target, link)
            os.chmod(shadow, 0o644)
            before, mark = counts(), sb.mark()
            r = sb.client(["/usr/bin/python3", "-c", RAW, NAME, jail], netns=client)
            tap.eq(r.stdout.decode().split(), ["198.51.100.3"],
                   "resolv.conf -> %s in a chroot: resolved inside the client's root" % target)
            tap.eq(asked(before), ["C3"], "resolv.conf -> %s: only the client's DNS was asked" % target)
            # Not readable by the client: refused, as the client's own
            # glibc could not read it either.
            os.chmod(shadow, 0o600)
            before, mark = counts(), sb.mark()
            r = sb.client(["/usr/bin/python3", "-c", RAW, NAME, jail, str(nsstest.NOBODY)], netns=client)
            tap.eq(r.stdout.decode().split(), ["no-reply"],
                   "resolv.conf -> %s, unreadable for the client (uid %d): closed without a reply" % (
                       target, nsstest.NOBODY))
            lines = sb.wait_for_log(mark, "unusable")
            tap.ok(len(lines) == 1 and "Permission denied" in lines[0],
                   "the refusal is logged: %s" % (lines[0] if lines else "nothing"))
            tap.eq(asked(before), [], "and no DNS server was asked")

        # -- a client that is gone before the lookup starts --------------------
        before, mark = counts(), sb.mark()
        r = sb.client(["/usr/bin/python3", "-c", ORPHAN, NAME], netns=client)
        tap.eq(r.stdout, b"reply 0 bytes\n", "a client gone before its namespace could be entered: "
               "closed without a reply")
        lines = sb.wait_for_log(mark, "went away")
        tap.ok(len(lines) == 1, "and logged: %s" % (lines[0] if lines else "nothing"))
        tap.eq(asked(before), [], "nothing was resolved, in our namespace least of all")
        tap.ok(not nsstest.crash_lines(sb.log_text()), "nssrelay never crashed")
    finally:
        sb.close()

    # -- the switch: --netns=server (NSSRELAY_NETNS=server) -------------------
    with Sandbox(server_etc={"nsswitch.conf": SERVER_NSSWITCH, "resolv.conf": SERVER_RESOLV},
                 client_etc={"resolv.conf": CLIENT_RESOLV},
                 server_env={"LD_LIBRARY_PATH": MODULES, "NSSRELAY_NETNS": "server"},
                 netns=nets["server"].path) as sb:
        before = counts()
        r = sb.client(["getent", "hosts", NAME], netns=nets["client"].path)
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"192.0.2.2"],
               "NSSRELAY_NETNS=server: a namespaced client gets the server DNS's answer, as from any nscd",
               r.stdout + r.stderr)
        tap.eq(asked(before), ["S2"], "NSSRELAY_NETNS=server: the server's DNS was asked")

    # -- modules that ask a daemon in the server's namespace --------------------
    with Sandbox(server_etc={"nsswitch.conf": LEAKY_NSSWITCH, "resolv.conf": SERVER_RESOLV},
                 client_etc={"resolv.conf": CLIENT_RESOLV}, server_env={"LD_LIBRARY_PATH": MODULES},
                 netns=nets["server"].path) as sb:
        mark = sb.mark()
        r = sb.client(["getent", "hosts", NAME], netns=nets["client"].path)
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"2001:db8:c::3"],
               "with mdns4_minimal and resolve listed (not installed here) dns still answers", r.stdout)
        lines = sb.lines_since(mark, "ask a daemon")
        tap.ok(len(lines) == 1 and "mdns4_minimal (avahi-daemon)" in lines[0] and
               "resolve (systemd-resolved)" in lines[0] and "<4>" not in lines[0],
               "one warning names the modules that leave the namespace", "\n".join(lines))
        mark = sb.mark()
        sb.client(["getent", "hosts", NAME])
        tap.eq(sb.lines_since(mark, "ask a daemon"), [], "no such warning for a client in our namespace")

    # -- an instance without the privileges: closed, never resolved here -------
    with Sandbox(server_etc={"nsswitch.conf": SERVER_NSSWITCH, "resolv.conf": SERVER_RESOLV},
                 client_etc={"resolv.conf": CLIENT_RESOLV}, server_env={"LD_LIBRARY_PATH": MODULES},
                 exec_prefix=nsstest.DROP_PRIVILEGES, netns=nets["server"].path) as sb:
        before, mark = counts(), sb.mark()
        r = sb.client(["getent", "hosts", NAME], netns=nets["client"].path)
        tap.eq(r.returncode, 2, "an instance without privileges: the namespaced client resolves in-process "
               "(and, without dns in its nsswitch.conf, finds nothing)")
        lines = sb.wait_for_log(mark, "closing")
        tap.ok(lines and "/ns/net" in lines[0], "the refusal is logged: %s" % (lines[0] if lines else "nothing"))
        tap.eq(asked(before), [], "no DNS server was asked")
        r = sb.client(["getent", "hosts", NAME])
        tap.ok(r.returncode == 0 and r.stdout.split()[:1] == [b"192.0.2.2"],
               "while a client in its own namespace is served as before")
finally:
    for d in dns.values():
        d.stop()
    for n in nets.values():
        n.close()
    nsstest.shutil.rmtree(logs, ignore_errors=True)

tap.done()
