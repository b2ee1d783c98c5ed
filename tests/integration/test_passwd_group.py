# SPDX-License-Identifier: LGPL-2.1-or-later
"""Users and groups through nssrelay, compared with in-process glibc."""

import nsstest
from fixtures import HUGE_MEMBERS, MANY_GROUPS, USERS
from nsstest import Sandbox, Tap, same_output

tap = Tap()
nsstest.require_root(tap)

with Sandbox(server_etc=USERS) as sb:
    # Proof that the client cannot answer by itself.
    r = sb.client_alone(["getent", "passwd", "alice"])
    tap.eq(r.returncode, 2, "without the socket the client does not know alice")
    r = sb.client_alone(["getent", "group", "wheel"])
    tap.eq(r.returncode, 2, "without the socket the client does not know wheel")

    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "passwd", "alice"], "getent passwd alice", expect_rc=0)
    tap.ok(got is not None and got.stdout.startswith(b"alice:x:1000:1000:Alice Example"),
           "alice's entry is the server's")
    # The instance logs after it has sent the reply: wait for the line.
    tap.ok(any(": found" in l for l in sb.wait_for_log(mark, 'GETPWBYNAME "alice"')),
           "nssrelay logged the GETPWBYNAME it answered", sb.log_text()[mark:])

    for argv in (["getent", "passwd", "1000"],
                 ["getent", "passwd", "bob"],
                 ["getent", "passwd", "big"],
                 ["getent", "passwd", "4294967294"],
                 ["getent", "passwd", "empty"],
                 ["getent", "passwd", "longgecos"],
                 ["getent", "group", "wheel"],
                 ["getent", "group", "10"],
                 ["getent", "group", "biggid"],
                 ["getent", "group", "4000000000"],
                 ["getent", "group", "4294967294"],
                 ["getent", "group", "nomembers"],
                 ["getent", "group", "huge"],
                 ["getent", "initgroups", "alice", "bob", "many", "big", "lonely", "root"]):
        same_output(tap, sb, argv, " ".join(argv), expect_rc=0)

    same_output(tap, sb, ["getent", "passwd", "nosuch"], "getent passwd nosuch", expect_rc=2)
    same_output(tap, sb, ["getent", "passwd", "4242"], "getent passwd 4242", expect_rc=2)
    same_output(tap, sb, ["getent", "group", "nosuch"], "getent group nosuch", expect_rc=2)
    same_output(tap, sb, ["getent", "group", "4242"], "getent group 4242", expect_rc=2)
    same_output(tap, sb, ["getent", "initgroups", "nosuch"], "getent initgroups nosuch")

    # glibc's client appends the primary group after the groups nscd
    # sent, where in-process NSS puts it first, so id lists the same
    # groups in another order. Compare the sets, and the order of the rest.
    def id_groups(out):
        head, _, groups = out.decode().strip().partition(" groups=")
        listed = groups.split(",") if groups else []
        return head, sorted(listed), listed

    # id looks each of a user's groups up by gid, a lookup (an nssrelay
    # start) each. Under valgrind a start costs half a second of memcheck,
    # so the users in 300 groups are left to the plain run.
    id_users = ("bob", "big", "lonely") if nsstest.VALGRIND else ("alice", "bob", "many", "big", "lonely")
    for user in id_users:
        got = sb.client(["id", user])
        want = sb.reference(["id", user])
        g_head, g_set, g_list = id_groups(got.stdout)
        w_head, w_set, w_list = id_groups(want.stdout)
        tap.ok(got.returncode == want.returncode == 0 and g_head == w_head and g_set == w_set,
               "id %s: same ids and groups" % user,
               "through nssrelay: %r\nin-process: %r" % (got.stdout[:300], want.stdout[:300]))
        primary = w_list[:1]
        tap.ok(g_list == w_list[1:] + primary or g_list == w_list,
               "id %s: the primary group moves last, the rest keep their order" % user)
    if not nsstest.VALGRIND:
        got = sb.client(["id", "many"])
        tap.eq(got.stdout.count(b"(g"), MANY_GROUPS, "id many lists all %d groups" % MANY_GROUPS)

    mark = sb.mark()
    got = same_output(tap, sb, ["getent", "group", "huge"], "a group of %d members" % HUGE_MEMBERS)
    tap.ok(got is not None and got.stdout.count(b",") == HUGE_MEMBERS - 1,
           "all %d members arrive" % HUGE_MEMBERS)
    tap.ok(sb.wait_for_log(mark, 'GETGRBYNAME "huge": '), "nssrelay served the huge group")

    code = r'''
import grp, os, pwd
print(pwd.getpwnam("alice"))
print(pwd.getpwuid(1001))
print(pwd.getpwnam("longgecos").pw_gecos == "G" * 3000)
print(pwd.getpwuid(4294967294))
print(grp.getgrnam("wheel"))
print(grp.getgrgid(4000000000))
print(len(grp.getgrnam("huge").gr_mem))
print(os.getgrouplist("many", 3000)[-3:])
print(sorted(os.getgrouplist("alice", 1000)))
for f, k in ((pwd.getpwnam, "nosuch"), (pwd.getpwuid, 4242), (grp.getgrnam, "nosuch"), (grp.getgrgid, 4242)):
    try:
        f(k)
        print("found", k)
    except KeyError as e:
        print("KeyError", e)
'''
    got = sb.python("client", code)
    want = sb.python("reference", code)
    # getgrouplist puts the primary group last through nscd and first
    # in-process (glibc's client appends it); compare the sets.
    tap.eq(got.returncode, 0, "python3 pwd/grp through nssrelay runs", )
    g_lines = got.stdout.decode().splitlines()
    w_lines = want.stdout.decode().splitlines()
    tap.eq([l for i, l in enumerate(g_lines) if i != 7], [l for i, l in enumerate(w_lines) if i != 7],
           "python3 pwd/grp/getgrouplist agree with in-process")
    tap.ok(len(g_lines) > 7 and g_lines[7].endswith("3000]"),
           "through nscd the primary group comes last, as glibc's client appends it", got.stdout)

tap.done()
