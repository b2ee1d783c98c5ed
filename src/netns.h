/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hosts lookups in the client's network namespace (nssrelay(8), NETWORK
 * NAMESPACES). */
#ifndef NSSRELAY_NETNS_H
#define NSSRELAY_NETNS_H

#include "transport.h"

/* For a hosts request: when the client on fd is in another network
 * namespace than ours, moves this process into it, with the client's
 * resolv.conf in place for this process alone. Returns 0 when the lookup
 * may go on here (same namespace, or entered); a negative errno when it
 * cannot, already logged with 'what' (the request as log lines name it):
 * the caller closes without a reply, so the client resolves in its own
 * namespace. Needs the privileges the unit grants; confine_lookup()
 * drops them afterwards. */
int netns_enter_client(int fd, const struct peer *peer, const char *what);

/* In a process whose forked workers serve the lookups (nssrelayd's
 * template): learns the cookie of our own network namespace once, so
 * that a worker, still in it when its lookup comes, need not ask again
 * to tell a client in our namespace. */
void netns_prepare(void);

#endif
