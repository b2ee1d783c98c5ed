/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human-readable descriptions of requests, for log lines. */
#ifndef NSSRELAY_REQUEST_TEXT_H
#define NSSRELAY_REQUEST_TEXT_H

#include <stddef.h>

#include "wire.h"

/* Enough for the type name and a 1024-byte key with every byte escaped. */
#define REQUEST_TEXT_MAX 4200

/* Writes e.g. GETPWBYNAME "alice", always NUL-terminated. */
void request_describe(const struct request *req, char *out, size_t size);

#endif
