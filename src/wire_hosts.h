/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for the hosts database: GETHOSTBYNAME(v6), GETHOSTBYADDR(v6)
 * and GETAI (docs/nscd-protocol.md §3.3, §3.4). */
#ifndef NSSRELAY_WIRE_HOSTS_H
#define NSSRELAY_WIRE_HOSTS_H

#include "wire.h"

struct hostent;

/* h_errno values as glibc's <netdb.h> numbers them; they travel in the
 * 'error' field of negative hosts replies. */
#define WIRE_HOST_NOT_FOUND 1
#define WIRE_TRY_AGAIN 2
#define WIRE_NO_DATA 4

/* The address width glibc's client reads for a hosts request type: 4 for
 * GETHOSTBYNAME and GETHOSTBYADDR, 16 for their v6 forms, 0 for any other
 * type. The client decides by the request, never by the reply. */
int wire_host_address_width(enum request_type type);

/* A found hostent. Every address must have the width the request type
 * demands (-EINVAL otherwise: the client would misread it), and there
 * must be at least one (-EINVAL: glibc nscd never sends an empty list). */
int wire_reply_hostent(struct reply *r, enum request_type type, const struct hostent *h);
/* Not found, with the h_errno the application will see. */
int wire_reply_host_not_found(struct reply *r, int32_t h_error);

/* The addresses of a GETAI reply, collected in the order NSS gave them:
 * 'addrs' holds them packed (4 bytes per AF_INET, 16 per AF_INET6) and
 * 'families' one byte per address. Both bufs are the caller's. */
struct ai_addresses {
        struct buf addrs;
        struct buf families;
};

/* Appends one address; family is AF_INET or AF_INET6 (-EINVAL else). */
int ai_addresses_add(struct ai_addresses *a, int family, const void *addr);
void ai_addresses_clear(struct ai_addresses *a);
size_t ai_addresses_count(const struct ai_addresses *a);

/* A found GETAI reply; canon NULL sends canonlen 0, which makes the
 * client use the name it asked for. At least one address (-EINVAL). */
int wire_reply_ai(struct reply *r, const struct ai_addresses *a, const char *canon);
/* GETAI not found; the client sets h_errno to h_error and getaddrinfo
 * returns EAI_NONAME whatever it is. */
int wire_reply_ai_not_found(struct reply *r, int32_t h_error);

#endif
