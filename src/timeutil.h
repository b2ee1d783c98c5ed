/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Time and file descriptors: the monotonic clock every deadline counts
 * on, waiting for an fd until a deadline, non-blocking mode. Shared by
 * the serving side (transport.c) and the client side (client.c). */
#ifndef NSSRELAY_TIMEUTIL_H
#define NSSRELAY_TIMEUTIL_H

#include <stdint.h>

/* CLOCK_MONOTONIC in microseconds: deadlines are absolute values of it. */
uint64_t now_usec(void);

/* Microseconds until deadline_usec; 0 once it has passed. */
uint64_t usec_until(uint64_t deadline_usec);

/* Waits until fd is ready for 'events' (POLLIN, POLLOUT), retrying on
 * EINTR. Returns 0 when it is (or has an error to report: the next read
 * or write says which), -ETIMEDOUT once deadline_usec has passed, or the
 * negative errno of poll(). */
int fd_wait_until(int fd, short events, uint64_t deadline_usec);

/* Sets O_NONBLOCK on fd. Returns 0 or a negative errno. */
int fd_set_nonblock(int fd);

#endif
