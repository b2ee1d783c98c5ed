/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the two hosts lookups (lookup_hosts.c, lookup_ai.c) share. */
#ifndef NSSRELAY_LOOKUP_HOSTS_H
#define NSSRELAY_LOOKUP_HOSTS_H

#include <netdb.h>
#include <stdbool.h>

#include "lookup.h"

/* gethostbyname2_r (by name) or gethostbyaddr_r (by address), as an
 * nss_call (nss_buffer.h): set the first four fields, then pass it to
 * nss_call_growing() with hosts_call(). */
struct hosts_call {
        bool by_addr;
        const void *key; /* the name, or the address of 'family' */
        int family;      /* AF_INET or AF_INET6 */
        /* What the call returned: */
        int rc, h_error;
        struct hostent he;
        struct hostent *result;
};
int hosts_call(void *ctx, char *buffer, size_t size, size_t *need);

/* "TRY_AGAIN" and so on, for log lines. */
const char *h_errno_name(int h_error);

/* Logs a lookup that ended in an error the protocol cannot carry (a
 * temporary failure, a module's internal error) and returns
 * OUTCOME_FALLBACK: the connection is closed without a reply, so the
 * client does the lookup itself and sees that error. */
enum outcome hosts_temporary_failure(const struct request *req, int rc, int h_error);

#endif
