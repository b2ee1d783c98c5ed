/* services: GETSERVBYNAME and GETSERVBYPORT through getservbyname_r and
 * getservbyport_r. */
#include <errno.h>
#include <netdb.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "wire_services.h"

enum outcome lookup_services(const struct request *req, const struct peer *peer _unused_,
                             struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = { 0 }; /* freed on every return, even before buf_init */
        struct service_query q;
        struct servent se, *result = NULL;
        int r = 0;

        if (wire_parse_service_query(req, &q) != WIRE_OK)
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
        for (;;) {
                if (req->type == REQ_GETSERVBYPORT)
                        r = getservbyport_r(q.port, q.proto, &se, (char *) buf.data, buf.cap, &result);
                else
                        r = getservbyname_r(q.name, q.proto, &se, (char *) buf.data, buf.cap, &result);
                if (r != ERANGE)
                        break;
                if (buf_grow(&buf) < 0)
                        return nss_buffer_exhausted(req, buf.cap);
        }
        if (r != 0) {
                nss_report_error(req, r);
                result = NULL;
        }

reply:
        r = wire_reply_service(reply, result);
        if (r < 0)
                return outcome_from_build_error(r);
        return result ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}
