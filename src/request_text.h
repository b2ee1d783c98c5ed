/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human-readable descriptions of requests, for log lines. */
#ifndef NSSRELAY_REQUEST_TEXT_H
#define NSSRELAY_REQUEST_TEXT_H

#include <stddef.h>

#include "wire.h"

/* Log lines show at most this many bytes of a key, then "(+N bytes)". */
#define REQUEST_KEY_SHOWN 256

/* Enough for the type name and REQUEST_KEY_SHOWN bytes of key with every
 * byte escaped, the count of the rest and a port. */
#define REQUEST_TEXT_MAX 1200

/* Writes e.g. GETPWBYNAME "alice", always NUL-terminated. */
void request_describe(const struct request *req, char *out, size_t size);

#endif
