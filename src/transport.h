/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The connection: finding it, reading the request, sending the reply.
 *
 * All I/O is non-blocking and bounded by absolute CLOCK_MONOTONIC
 * deadlines, so no client can hold the process longer than the deadlines
 * in bounds.h allow. */
#ifndef NSSRELAY_TRANSPORT_H
#define NSSRELAY_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "timeutil.h"
#include "wire.h"

struct peer {
        pid_t pid; /* 0 when the peer is in another pid namespace */
        uid_t uid;
        gid_t gid;
        int known; /* SO_PEERCRED succeeded */
        /* The supplementary groups (SO_PEERGROUPS), malloc()ed;
         * n_groups is -1 when the kernel did not say. */
        gid_t *groups;
        int n_groups;
};

/* Finds the connection: fd 3 under socket activation (LISTEN_FDS=1 and
 * LISTEN_PID ours), else fd 0 when it is a connected AF_UNIX stream
 * socket. On failure returns a negative errno with a one-line reason in
 * 'why'. The fd is made non-blocking and close-on-exec. */
int transport_acquire(char *why, size_t why_size);

/* Reads the peer's credentials; transport_peer_free() releases them. */
void transport_peer(int fd, struct peer *peer);
void transport_peer_free(struct peer *peer);

/* Reading the request and sending the reply return 0, or:
 * -ECONNRESET  the client went away (for the request: before sending a byte)
 * -ETIMEDOUT   the deadline passed
 * -EBADMSG     the request broke the protocol (*error says how)
 * another negative errno from an unexpected I/O error. */
int transport_read_request(int fd, uint64_t deadline_usec, struct request *req, enum wire_error *error);

/* Sends header and body with one sendmsg (MSG_NOSIGNAL); more only when
 * the body does not fit in the socket buffer. */
int transport_send_reply(int fd, const struct reply *reply, uint64_t deadline_usec);

#endif
