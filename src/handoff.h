/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The handoff channel between nssrelayd and its template process.
 *
 * nssrelayd (the dispatcher) accepts each connection and passes it over
 * a SOCK_SEQPACKET socket pair to the template process, where one of the
 * template's idle children takes it: one message per connection, carrying
 * the connection and a token (the write end of a pipe that the worker
 * holds until it exits, so the dispatcher sees the pipe hang up when the
 * lookup is over, however it ended). The template sends one message the
 * other way: that it is ready. Nothing on this channel comes from a
 * client. See nssrelayd(8), HOW IT WORKS. */
#ifndef NSSRELAY_HANDOFF_H
#define NSSRELAY_HANDOFF_H

#include <stdint.h>

/* The template's end of the channel, in the template and in every
 * worker it starts. */
#define HANDOFF_FD 3

/* The template's end of a pipe on which the dispatcher tells it how many
 * of the connections it sent are not over yet (a uint32_t each time; each
 * has a worker or needs one), but only while that is at least half of
 * --spare: then the template may run short of idle workers and forks more
 * at once. Below that nothing is sent, so a quiet host's lookups wake no
 * template while they run: it forks their replacements when they exit.
 * In the template only. */
#define HANDOFF_CONTROL_FD 4

enum handoff_kind {
        HANDOFF_CONNECTION = 1, /* dispatcher to template: a connection and its token */
        HANDOFF_READY,          /* template to dispatcher: it can take connections */
};

struct handoff_message {
        uint32_t magic; /* HANDOFF_MAGIC: a message of this version */
        uint32_t kind;  /* enum handoff_kind */
        /* When the dispatcher accepted the connection (CLOCK_MONOTONIC, µs):
         * the worker's deadlines count from it, as if it had been started
         * for the connection. */
        uint64_t accept_usec;
};

#define HANDOFF_MAGIC 0x6e737231u /* "nsr1" */

/* Sends a connection and its token (both stay the caller's to close).
 * Never blocks: returns 0, -EAGAIN when the channel is full, or another
 * negative errno (-EPIPE: the template side is gone). */
int handoff_send_connection(int channel, int connection, int token, uint64_t accept_usec);

/* Waits for one connection message. Returns 1 with *connection, *token
 * and *accept_usec set (both fds close-on-exec, the caller's), 0 when
 * the dispatcher has closed the channel and nothing is left to take, or
 * a negative errno. A message of the wrong kind or shape is -EBADMSG,
 * with any fds it carried closed. */
int handoff_receive_connection(int channel, int *connection, int *token, uint64_t *accept_usec);

/* The template's one message to the dispatcher. */
int handoff_send_ready(int channel);
/* Reads one message without blocking: 1 for READY, 0 when none is
 * waiting, -EPIPE when the template side is gone, -EBADMSG for anything
 * else (fds in it are closed). */
int handoff_receive_ready(int channel);

#endif
