# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixture /etc contents shared by several tests."""

LONG_GECOS = "G" * 3000
MANY_GROUPS = 300
HUGE_MEMBERS = 5000

# Users with every shape the passwd reply has to carry: empty fields, a
# long gecos, uids and gids near 2^32, a user in hundreds of groups.
PASSWD = "".join([
    "root:x:0:0:root:/root:/bin/sh\n",
    "alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n",
    "bob:x:1001:1001::/home/bob:/bin/sh\n",
    "big:x:4294967294:4000000000:Big Ids:/home/big:/bin/sh\n",
    "empty::2000:2000:::\n",
    "longgecos:x:2001:2001:%s:/home/lg:/bin/sh\n" % LONG_GECOS,
    "many:x:3000:3000:In many groups:/home/many:/bin/sh\n",
    "lonely:x:3001:3001:No groups:/:/bin/sh\n",
])

GROUP = "".join([
    "root:x:0:\n",
    "wheel:x:10:alice,bob\n",
    "alice:x:1000:\n",
    "bob:x:1001:\n",
    "biggid:x:4000000000:alice,big\n",
    "maxgid:x:4294967294:big\n",
    "nomembers::2000:\n",
    "huge:x:5000:%s\n" % ",".join("user%d" % i for i in range(HUGE_MEMBERS)),
] + ["g%d:x:%d:many,alice\n" % (i, 20000 + i) for i in range(MANY_GROUPS)])

USERS = {"passwd": PASSWD, "group": GROUP}

# Hosts of every shape the hosts replies carry: both families, one family,
# mixed case, 120 aliases, 70 addresses of one name (the families
# interleaved, as a file may have them).
HOSTS_ALIASES = 120
HOSTS_MANY = 70
HOSTS = "".join([
    "127.0.0.1 localhost\n",
    "::1 localhost ip6-localhost ip6-loopback\n",
    "192.0.2.10 web.example.test web www\n",
    "2001:db8::10 web.example.test web www\n",
    "2001:db8::20 v6only.example.test v6only\n",
    "192.0.2.30 v4only.example.test v4only\n",
    "192.0.2.40 Mixed.Example.Test mixed\n",
    "192.0.2.50 aliased.example.test aliased %s\n" % " ".join("a%d" % i for i in range(HOSTS_ALIASES)),
] + [
    ("2001:db8:1::%x many.example.test many\n" % i) if i % 3 == 1 else
    ("198.51.100.%d many.example.test many\n" % i)
    for i in range(HOSTS_MANY)
])
HOSTS_MANY_V6 = sum(1 for i in range(HOSTS_MANY) if i % 3 == 1)
