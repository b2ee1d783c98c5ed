/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Serving one connection from request to reply. */
#ifndef NSSRELAY_SERVE_H
#define NSSRELAY_SERVE_H

#include <stdint.h>

/* Serves the one request on fd, which transport_acquire() returned, and
 * shuts the connection down; the caller still owns (closes) the fd.
 * start_usec is when the process started (now_usec()); the deadlines in
 * bounds.h count from it. Returns the process exit status. Nothing here
 * exits the process except the watchdog at a deadline, so the fuzzer
 * drives it in-process over a socketpair. */
int serve_connection(int fd, uint64_t start_usec);

#endif
