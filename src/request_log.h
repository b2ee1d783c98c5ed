/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one line per request that NSSRELAY_LOG=requests asks for, written
 * by the worker that served the request, or by nssrelayd for the GETFD*
 * it closes itself. */
#ifndef NSSRELAY_REQUEST_LOG_H
#define NSSRELAY_REQUEST_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "wire.h"

/* The peer's command name, escaped; "?" when it cannot be read. Read it
 * before the reply: the client may be gone after. */
void request_log_peer_comm(const struct peer *peer, char *out, size_t size);

/* Logs the request line when NSSRELAY_LOG=requests: the request, who
 * asked, the outcome ('delivery' qualifies it, e.g. " (the client went
 * away)"), the reply's size and the time since start_usec. */
void request_log(const struct request *req, const struct peer *peer, const char *comm, const char *outcome,
                 const char *delivery, size_t bytes, uint64_t start_usec);

#endif
