/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one ERANGE loop: every NSS call that fills a caller's buffer, and
 * what a lookup does when NSS answers with something other than an
 * entry. */
#ifndef NSSRELAY_NSS_BUFFER_H
#define NSSRELAY_NSS_BUFFER_H

#include <stddef.h>

#include "buf.h"
#include "lookup.h"

/* One call of an NSS function with 'buffer' of 'size' bytes, keeping its
 * results in ctx. Returns ERANGE when the function wants a larger buffer
 * (setting *need when it says how large), else 0 or the error number the
 * call ended with. Calls that report ERANGE otherwise (through h_errno
 * or an nss_status) translate it, so that each says "larger, please" in
 * its own way in one place. */
typedef int nss_call(void *ctx, char *buffer, size_t size, size_t *need);

/* Calls call(ctx, ...) with buf's storage, growing buf (doubling it, or to
 * *need) on every ERANGE up to its bound. Returns what the last call
 * returned (0 or an error number other than ERANGE); -E2BIG, logged,
 * once the bound is reached (the connection is then closed without a
 * reply); or -ENOMEM. */
int nss_call_growing(const struct request *req, struct buf *buf, nss_call *call, void *ctx);

/* For the getXXX_r functions that return an error number (passwd, group,
 * services): nss_call_growing(), then an error logged (nss_report_error())
 * and answered "not found". Returns 0 (the call's result says whether it
 * found an entry), -E2BIG or -ENOMEM. */
int nss_call_entry(const struct request *req, struct buf *buf, nss_call *call, void *ctx);

/* Logs an error code from a getXXX_r call. The reply is "not found", as
 * glibc nscd answers: ENOENT and friends are how some modules say it, and
 * a temporary failure sent as "not found" keeps the client asking us
 * instead of bypassing us for its next 100 lookups. */
void nss_report_error(const struct request *req, int error);

#endif
