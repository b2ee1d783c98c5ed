/* Serving one connection from request to reply. */
#ifndef NSSRELAY_SERVE_H
#define NSSRELAY_SERVE_H

#include <stdint.h>

/* Serves the one request on fd, which transport_acquire() returned.
 * start_usec is when the process started (now_usec()); the deadlines in
 * bounds.h count from it. Returns the process exit status. */
int serve_connection(int fd, uint64_t start_usec);

#endif
