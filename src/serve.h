/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Serving one connection from request to reply. */
#ifndef NSSRELAY_SERVE_H
#define NSSRELAY_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Where hosts lookups of a client in another network namespace run. */
enum netns_mode {
        NETNS_CLIENT, /* in the client's network namespace (the default) */
        NETNS_SERVER, /* in ours, as every nscd does */
};

/* How a lookup runs; the command line sets them (nssrelay(8)). */
struct serve_options {
        enum netns_mode netns;
        /* false: skip becoming the client, Landlock and seccomp (for
         * measuring and debugging; --confine=no). */
        bool confine;
        /* --user: every lookup runs as this user instead of the client. */
        bool fixed_user;
        uid_t user_uid;
        gid_t user_gid;
};

/* What nssrelay does unless told otherwise. */
#define SERVE_OPTIONS_DEFAULT ((struct serve_options) { .netns = NETNS_CLIENT, .confine = true })

/* Serves the one request on fd, which transport_acquire() returned, and
 * shuts the connection down; the caller still owns (closes) the fd.
 * start_usec is when the process started (now_usec()); the deadlines in
 * bounds.h count from it. Returns the process exit status. Nothing here
 * exits the process except the watchdog at a deadline, so the fuzzer
 * drives it in-process over a socketpair (with confine false and netns
 * NETNS_SERVER: it serves many connections in one process). */
int serve_connection(int fd, uint64_t start_usec, const struct serve_options *opts);

#endif
