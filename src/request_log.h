/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who a log line is about, and the one line per request that
 * NSSRELAY_LOG=requests asks for: written by the process that served the
 * request, or by nssrelayd for the GETFD* it closes itself. */
#ifndef NSSRELAY_REQUEST_LOG_H
#define NSSRELAY_REQUEST_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"
#include "wire.h"

/* Starts every log line with who asked, so that no key can push it out
 * of the line: "pid=N uid=N", and " comm=NAME" when each request is
 * logged (read now: the client may be gone after its reply). NULL: lines
 * are about no peer again. */
void request_log_peer(const struct peer *peer);

/* Logs the request line when NSSRELAY_LOG=requests: the request, the
 * outcome ('delivery' qualifies it, e.g. " (the client went away)"), the
 * reply's size and the time since start_usec. */
void request_log(const struct request *req, const char *outcome, const char *delivery, size_t bytes,
                 uint64_t start_usec);

#endif
