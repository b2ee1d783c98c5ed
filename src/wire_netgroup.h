/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Requests and replies for the netgroup database: GETNETGRENT and INNETGR
 * (docs/nscd-protocol.md §2.2, §3.7). */
#ifndef NSSRELAY_WIRE_NETGROUP_H
#define NSSRELAY_WIRE_NETGROUP_H

#include "wire.h"

/* An INNETGR key, parsed. Each of host, user and domain is NULL when the
 * caller passed NULL (matches anything); the strings point into the
 * request's key. */
struct innetgr_query {
        const char *netgroup;
        const char *host;
        const char *user;
        const char *domain;
};

/* The GETNETGRENT key: the netgroup name, one string. Returns 0 or
 * -EBADMSG. */
int wire_parse_netgroup_name(const struct request *req, const char **name);

/* The INNETGR key is "netgroup\0" followed, for host, user and domain in
 * that order, by "\x01value\0" or by a lone "\0" for NULL. It must end
 * exactly there. Returns 0 or -EBADMSG. */
int wire_parse_innetgr(const struct request *req, struct innetgr_query *q);

/* GETNETGRENT replies are built in two steps: append every triple to
 * r->body (NULL fields become "", the wildcard), then set the header. */
int wire_netgroup_append_triple(struct reply *r, const char *host, const char *user, const char *domain);
/* found false: "not found" (the body must be empty). found true: the
 * header for the 'count' triples appended so far; 0 is an empty group. */
int wire_reply_netgroup(struct reply *r, bool found, size_t count);

/* INNETGR: found false is an unknown netgroup, {2,0,0}; otherwise
 * {2,1,member}. */
int wire_reply_innetgr(struct reply *r, bool found, bool member);

#endif
