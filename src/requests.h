/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nscd protocol's databases and requests, one row each: the table a
 * database is added to (README, "Source layout"). wire.h and wire.c (the
 * wire layer), lookup.h and serve.c (the serving layer) each expand the
 * columns they need, so that no other list of requests exists.
 *
 * NSCD_DATABASES(D), what INVALIDATE and GETFD* name:
 *   ID      DB_<ID> in the code
 *   NAME    its name on the wire and on command lines
 *   GETFD   the request a client sends for its shared cache
 *
 * NSCD_REQUESTS(R), every request, numbered as glibc's nscd-client.h
 * numbers them:
 *   TYPE    REQ_<TYPE> in the code, and its name in log lines
 *   NUMBER  its number on the wire
 *   DB      the database it belongs to (NONE: a control request)
 *   FAMILY  the requests that share its key format and reply layout:
 *           wire_family_<FAMILY>, defined in a wire_<file>.c with the
 *           builders and the decoder of that layout
 *   HANDLER the function that answers it, in a lookup_<file>.c or control.c
 *   NSS     whether HANDLER calls NSS (serve.c prepares the process for
 *           that first: the client's network namespace, confinement, our
 *           own glibc kept off the socket) */
#ifndef NSSRELAY_REQUESTS_H
#define NSSRELAY_REQUESTS_H

#define NSCD_DATABASES(D)                      \
        D(PASSWD, "passwd", GETFDPW)           \
        D(GROUP, "group", GETFDGR)             \
        D(HOSTS, "hosts", GETFDHST)            \
        D(SERVICES, "services", GETFDSERV)     \
        D(NETGROUP, "netgroup", GETFDNETGR)

#define NSCD_REQUESTS(R)                                                              \
        R(GETPWBYNAME, 0, PASSWD, passwd, lookup_passwd, true)                        \
        R(GETPWBYUID, 1, PASSWD, passwd, lookup_passwd, true)                         \
        R(GETGRBYNAME, 2, GROUP, group, lookup_group, true)                           \
        R(GETGRBYGID, 3, GROUP, group, lookup_group, true)                            \
        R(GETHOSTBYNAME, 4, HOSTS, hostent, lookup_hosts, true)                       \
        R(GETHOSTBYNAMEv6, 5, HOSTS, hostent, lookup_hosts, true)                     \
        R(GETHOSTBYADDR, 6, HOSTS, hostent, lookup_hosts, true)                       \
        R(GETHOSTBYADDRv6, 7, HOSTS, hostent, lookup_hosts, true)                     \
        R(SHUTDOWN, 8, NONE, no_reply, control_shutdown, false)                       \
        R(GETSTAT, 9, NONE, statistics, control_getstat, false)                       \
        R(INVALIDATE, 10, NONE, invalidate, control_invalidate, false)                \
        R(GETFDPW, 11, PASSWD, no_reply, control_getfd, false)                        \
        R(GETFDGR, 12, GROUP, no_reply, control_getfd, false)                         \
        R(GETFDHST, 13, HOSTS, no_reply, control_getfd, false)                        \
        R(GETAI, 14, HOSTS, addrinfo, lookup_ai, true)                                \
        R(INITGROUPS, 15, GROUP, initgroups, lookup_initgroups, true)                 \
        R(GETSERVBYNAME, 16, SERVICES, service, lookup_services, true)                \
        R(GETSERVBYPORT, 17, SERVICES, service, lookup_services, true)                \
        R(GETFDSERV, 18, SERVICES, no_reply, control_getfd, false)                    \
        R(GETNETGRENT, 19, NETGROUP, netgroup, lookup_netgroup, true)                 \
        R(INNETGR, 20, NETGROUP, innetgr, lookup_innetgr, true)                       \
        R(GETFDNETGR, 21, NETGROUP, no_reply, control_getfd, false)

#endif
