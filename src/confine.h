/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Confining a lookup before any NSS code runs (nssrelay(8), SECURITY):
 * become the client (or --user), drop every capability, a read-only file
 * system (Landlock) and a system call filter (seccomp). */
#ifndef NSSRELAY_CONFINE_H
#define NSSRELAY_CONFINE_H

#include "serve.h"
#include "transport.h"

/* Confines this process for the lookup the peer asked for. With
 * opts->confine false it only drops capabilities. Returns 0, or a
 * negative errno after logging an error naming 'what': the caller then
 * closes without a reply. */
int confine_lookup(const struct peer *peer, const struct serve_options *opts, const char *what);

#endif
