/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client side of the nscd socket: one request, one bounded reply.
 *
 * Shared by `nssrelay query` and nssrelay-nscd. Every step has a deadline,
 * so a server that accepts and never answers, or a full listen backlog,
 * cannot hang the caller. */
#ifndef NSSRELAY_CLIENT_H
#define NSSRELAY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define CLIENT_DEFAULT_SOCKET "/run/nscd/socket"
/* What glibc's client and systemd's nscd_flush_cache() allow a reply. */
#define CLIENT_DEFAULT_TIMEOUT_MS 5000

enum client_result {
        CLIENT_OK,        /* sent; read until EOF or 'want' bytes (may be none) */
        CLIENT_NO_SOCKET, /* connect() failed; errno says why */
        CLIENT_TIMEOUT,   /* the deadline passed */
        CLIENT_TOO_LARGE, /* the reply did not fit in the buffer's bound */
        CLIENT_ERROR,     /* another I/O error; errno says which */
};

/* CLOCK_MONOTONIC in microseconds, for the deadlines below. */
uint64_t client_now_usec(void);

/* Connects to the stream socket at path, sends request, then reads the
 * reply into *reply until the server closes, until 'want' bytes have
 * arrived (0: no limit but the buffer's bound), or, with read_reply
 * false, not at all. Everything ends by deadline_usec. */
enum client_result client_exchange(const char *path, const void *request, size_t request_len,
                                   int read_reply, size_t want, struct buf *reply,
                                   uint64_t deadline_usec);

/* A short phrase for a result, e.g. "no answer within the timeout". */
const char *client_result_name(enum client_result r);

#endif
