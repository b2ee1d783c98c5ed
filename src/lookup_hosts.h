/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the two hosts lookups (lookup_hosts.c, lookup_ai.c) share. */
#ifndef NSSRELAY_LOOKUP_HOSTS_H
#define NSSRELAY_LOOKUP_HOSTS_H

#include "lookup.h"

/* "TRY_AGAIN" and so on, for log lines. */
const char *h_errno_name(int h_error);

/* Logs a lookup that ended in an error the protocol cannot carry (a
 * temporary failure, a module's internal error) and returns
 * OUTCOME_FALLBACK: the connection is closed without a reply, so the
 * client does the lookup itself and sees that error. */
enum outcome hosts_temporary_failure(const struct request *req, int rc, int h_error);

#endif
