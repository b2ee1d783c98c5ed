/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Request handlers: one file per database family, plus control requests.
 *
 * Each handler fills the reply through the wire layer and says what
 * happened. Only outcomes for which outcome_sends_reply() is true put
 * bytes on the connection; the rest close it without a reply. */
#ifndef NSSRELAY_LOOKUP_H
#define NSSRELAY_LOOKUP_H

#include <stdbool.h>

#include "transport.h"
#include "wire.h"

enum outcome {
        OUTCOME_FOUND,      /* found = 1 */
        OUTCOME_NOT_FOUND,  /* found = 0 */
        OUTCOME_UNSERVED,   /* found = -1: the client looks it up itself */
        OUTCOME_ANSWERED,   /* a control request got its reply */
        OUTCOME_NO_REPLY,   /* closed on purpose: GETSTAT, SHUTDOWN */
        OUTCOME_DENIED,     /* a privileged request from a non-root peer */
        OUTCOME_MALFORMED,  /* the key does not fit the request type */
        OUTCOME_TOO_LARGE,  /* past NSS_BUFFER_MAX or REPLY_BODY_MAX */
        OUTCOME_FAILED,     /* out of memory or another internal error */
        OUTCOME_FALLBACK,   /* closed so the client asks NSS itself: an
                             * error the protocol cannot carry (hosts) */
};

const char *outcome_name(enum outcome o);
bool outcome_sends_reply(enum outcome o);

typedef enum outcome request_handler(const struct request *req, const struct peer *peer,
                                     struct reply *reply);

/* Every HANDLER in requests.h, in lookup_<family>.c or control.c. */
#define HANDLER_DECLARE(type, number, db, family, handler, nss) request_handler handler;
NSCD_REQUESTS(HANDLER_DECLARE)
#undef HANDLER_DECLARE

/* serve.c: found = -1, the client looks it up itself */
request_handler lookup_unserved;

/* The outcome of a failure: -E2BIG (past NSS_BUFFER_MAX or
 * REPLY_BODY_MAX) is OUTCOME_TOO_LARGE, anything else OUTCOME_FAILED. */
enum outcome outcome_from_error(int r);
/* The outcome of building a reply: r is what the builder returned, found
 * whether it was given an entry. */
enum outcome outcome_of_reply(int r, bool found);

#endif
