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
