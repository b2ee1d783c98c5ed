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

/* Writes e.g. GETPWBYNAME "alice", always NUL-terminated: the request's
 * name, then its key as its family describes it. */
void request_describe(const struct request *req, char *out, size_t size);

/* The key as most log lines show it: in quotes, without a text key's
 * final NUL, with C-style escapes for anything unprintable. */
void request_quote_key(const struct request *req, char *out, size_t size);

#endif
