/* What every lookup does when NSS answers with something other than an
 * entry: a buffer that will not grow further, or an error code. */
#ifndef NSSRELAY_NSS_BUFFER_H
#define NSSRELAY_NSS_BUFFER_H

#include <stddef.h>

#include "lookup.h"

/* Logs that ERANGE persisted up to the bound; the connection is closed. */
enum outcome nss_buffer_exhausted(const struct request *req, size_t size);

/* Logs an error code from a getXXX_r call. The reply is "not found", as
 * glibc nscd answers: ENOENT and friends are how some modules say it, and
 * a temporary failure sent as "not found" keeps the client asking us
 * instead of bypassing us for its next 100 lookups. */
void nss_report_error(const struct request *req, int error);

#endif
