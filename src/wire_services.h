/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Requests and replies for the services database: GETSERVBYNAME and
 * GETSERVBYPORT (docs/nscd-protocol.md §2.2, §3.6). */
#ifndef NSSRELAY_WIRE_SERVICES_H
#define NSSRELAY_WIRE_SERVICES_H

#include "wire.h"

struct servent;

/* A parsed services key. name and proto point into text; proto is NULL
 * when the client asked for any protocol. */
struct service_query {
        char text[NSCD_MAX_KEY_LEN + 1];
        const char *name; /* GETSERVBYNAME only */
        const char *proto;
        int port;         /* GETSERVBYPORT only: the value as the client passed it, network order */
};

/* GETSERVBYNAME keys are "name/proto": the name ends at the last '/', an
 * empty proto means any. GETSERVBYPORT keys are "port/proto": the port
 * is the decimal of getservbyport()'s argument, i.e. of the port in
 * network byte order, 0 to 65535; it ends at the first '/', since digits
 * never contain one. Returns 0, or -EBADMSG for a key without '/', with
 * a NUL inside, or with a bad port. */
int wire_parse_service_query(const struct request *req, struct service_query *q);

/* The reply to either request; s NULL is "not found". */
int wire_reply_service(struct reply *r, const struct servent *s);

#endif
