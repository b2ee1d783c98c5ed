/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Requests that are not lookups: GETFD*, INVALIDATE, SHUTDOWN, GETSTAT. */
#include <errno.h>

#include "log.h"
#include "lookup.h"
#include "wire_control.h"

/* glibc's client asks once per database for a file descriptor of a
 * shared cache. We have no cache: closing at once makes it give up on
 * mappings for good and send its lookup straight away. "At once" needs the
 * shutdown() serve_connection() does after every request: under
 * Accept=yes PID 1 holds its own copy of the connection until it has
 * reaped us, and a plain close would reach the client only then (up to
 * glibc's 5 s when PID 1 is busy, as at boot). */
enum outcome control_getfd(const struct request *req _unused_, const struct peer *peer _unused_,
                           struct reply *reply _unused_) {
        return OUTCOME_NO_REPLY;
}

/* Nothing is cached, so there is nothing to drop; but callers (nscd -i,
 * PID 1 for DynamicUser=) wait for the answer glibc nscd gives. */
enum outcome control_invalidate(const struct request *req, const struct peer *peer,
                                struct reply *reply) {
        if (!peer->known || peer->uid != 0)
                return OUTCOME_DENIED;
        wire_reply_invalidate(reply, database_from_name(req->key) == DB_NONE ? EINVAL : 0);
        return OUTCOME_ANSWERED;
}

/* Every connection gets a fresh process, so there is no daemon to stop:
 * systemd owns the socket. A no-op for root, refused for anyone else. */
enum outcome control_shutdown(const struct request *req _unused_, const struct peer *peer,
                              struct reply *reply _unused_) {
        if (!peer->known || peer->uid != 0)
                return OUTCOME_DENIED;
        log_debug("SHUTDOWN ignored: stop nssrelay.socket to stop the service");
        return OUTCOME_NO_REPLY;
}

/* The statistics layout is glibc nscd's internal, ABI-specific struct;
 * with no cache there is nothing honest to fill it with. */
enum outcome control_getstat(const struct request *req _unused_, const struct peer *peer _unused_,
                             struct reply *reply _unused_) {
        return OUTCOME_NO_REPLY;
}
