/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every lookup does when NSS answers with something other than an
 * entry: a buffer that will not grow further, or an error code. */
#ifndef NSSRELAY_NSS_BUFFER_H
#define NSSRELAY_NSS_BUFFER_H

#include <stddef.h>

#include "buf.h"
#include "lookup.h"

/* One call of a getXXX_r function, with 'buffer' of 'size' bytes. Returns
 * what the function returns: 0, ERANGE or another error number. */
typedef int nss_call(void *ctx, char *buffer, size_t size);

/* Calls call(ctx, ...) with buf's storage, doubling buf on every ERANGE up
 * to its bound. Returns 0 when the call answered (an entry, or none: the
 * caller's result says which); -ENOENT when it failed otherwise (logged,
 * and to be answered "not found"); -E2BIG when the bound was reached
 * (logged; the connection is closed). */
int nss_call_growing(const struct request *req, struct buf *buf, nss_call *call, void *ctx);

/* Logs that ERANGE persisted up to the bound; the connection is closed. */
enum outcome nss_buffer_exhausted(const struct request *req, size_t size);

/* Logs an error code from a getXXX_r call. The reply is "not found", as
 * glibc nscd answers: ENOENT and friends are how some modules say it, and
 * a temporary failure sent as "not found" keeps the client asking us
 * instead of bypassing us for its next 100 lookups. */
void nss_report_error(const struct request *req, int error);

#endif
