/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client side of the nscd socket: one request, one bounded reply.
 *
 * Shared by `nssrelay query` and nssrelay-nscd. Every step has a deadline,
 * so a server that accepts and never answers, or a full listen backlog,
 * cannot hang the caller. */
#ifndef NSSRELAY_CLIENT_H
#define NSSRELAY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define CLIENT_DEFAULT_SOCKET "/run/nscd/socket"
/* What glibc's client and systemd's nscd_flush_cache() allow a reply. */
#define CLIENT_DEFAULT_TIMEOUT_MS 5000

/* Connects to the stream socket at path by deadline_usec (CLOCK_MONOTONIC,
 * now_usec()). Returns the connected, non-blocking fd; -ETIMEDOUT when the
 * deadline passed (a full listen backlog); or the negative errno of
 * connect() (-ENOENT, -ECONNREFUSED, ...). */
int client_connect(const char *path, uint64_t deadline_usec);

/* On fd from client_connect(), sends the request's len bytes, then reads
 * the reply into *reply until the server closes, until 'want' bytes have
 * arrived (0: no limit but the buffer's bound), or, with read_reply
 * false, not at all. Everything ends by deadline_usec. Returns 0 (a server
 * that closed without a reply leaves *reply empty), -ETIMEDOUT, -E2BIG
 * when the reply did not fit in the buffer's bound, or another negative
 * errno from the I/O. */
int client_exchange(int fd, const void *request, size_t len, bool read_reply, size_t want,
                    struct buf *reply, uint64_t deadline_usec);

#endif
