/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* services: GETSERVBYNAME and GETSERVBYPORT through getservbyname_r and
 * getservbyport_r. */
#include <errno.h>
#include <netdb.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "wire_services.h"

struct service_call {
        const struct request *req;
        const struct service_query *query;
        struct servent se;
        struct servent *result;
};

static int call_getserv(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct service_call *c = ctx;

        if (c->req->type == REQ_GETSERVBYPORT)
                return getservbyport_r(c->query->port, c->query->proto, &c->se, buffer, size, &c->result);
        return getservbyname_r(c->query->name, c->query->proto, &c->se, buffer, size, &c->result);
}

enum outcome lookup_services(const struct request *req, const struct peer *peer _unused_,
                             struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = { 0 }; /* freed on every return, even before buf_init */
        struct service_query q;
        struct service_call c = { .req = req, .query = &q };
        int r;

        if (wire_parse_service_query(req, &q) < 0)
                return OUTCOME_MALFORMED;

        /* No service lives on port 0, and some modules answer it with an
         * error and a log line per call (sssd before 2.10 said ENOMEM;
         * nsncd refuses it for that reason). "Not found" is the true answer
         * and keeps the client from asking the same module itself. */
        if (req->type == REQ_GETSERVBYPORT && q.port == 0) {
                log_debug("GETSERVBYPORT for port 0: answering not found without asking NSS");
                goto reply;
        }

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        r = nss_call_entry(req, &buf, call_getserv, &c);
        if (r < 0)
                return outcome_from_error(r);

reply:
        return outcome_of_reply(wire_reply_service(reply, c.result), c.result != NULL);
}
