/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "confine.h"
#include "netns.h"
#include "nss_setup.h"
#include "request_log.h"
#include "request_text.h"
#include "transport.h"
#include "watchdog.h"

struct handler {
        request_handler *handle;
        bool uses_nss; /* needs our glibc prepared first */
};

static const struct handler handlers[REQ_TYPE_COUNT] = {
#define HANDLER_ROW(type, number, db, family, handler, nss) [REQ_##type] = { handler, nss },
        NSCD_REQUESTS(HANDLER_ROW)
#undef HANDLER_ROW
};

const char *outcome_name(enum outcome o) {
        switch (o) {
        case OUTCOME_FOUND:
                return "found";
        case OUTCOME_NOT_FOUND:
                return "not-found";
        case OUTCOME_UNSERVED:
                return "unserved";
        case OUTCOME_ANSWERED:
                return "answered";
        case OUTCOME_NO_REPLY:
                return "closed";
        case OUTCOME_DENIED:
                return "denied";
        case OUTCOME_MALFORMED:
                return "malformed";
        case OUTCOME_TOO_LARGE:
                return "too-large";
        case OUTCOME_FAILED:
                return "failed";
        case OUTCOME_FALLBACK:
                return "fallback";
        }
        return "unknown";
}

bool outcome_sends_reply(enum outcome o) {
        return o == OUTCOME_FOUND || o == OUTCOME_NOT_FOUND || o == OUTCOME_UNSERVED ||
               o == OUTCOME_ANSWERED;
}

enum outcome outcome_from_error(int r) {
        return r == -E2BIG ? OUTCOME_TOO_LARGE : OUTCOME_FAILED;
}

enum outcome outcome_of_reply(int r, bool found) {
        if (r < 0)
                return outcome_from_error(r);
        return found ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}

enum outcome lookup_unserved(const struct request *req, const struct peer *peer _unused_,
                             struct reply *reply) {
        return wire_reply_unserved(reply, req->type) < 0 ? OUTCOME_FAILED : OUTCOME_UNSERVED;
}

static int serve_request(int fd, uint64_t start_usec, const struct serve_options *opts) {
        char what[REQUEST_TEXT_MAX];
        uint8_t body_storage[REPLY_BODY_INITIAL];
        struct request req;
        enum wire_error werr;
        struct reply reply = { 0 };
        _cleanup_(transport_peer_free) struct peer peer = { .n_groups = -1 };
        enum outcome outcome;
        int r, status = 0;

        transport_peer(fd, &peer);
        /* Read now: the client waits for our reply, and may be gone after. */
        request_log_peer(&peer);

        r = transport_read_request(fd, start_usec + READ_DEADLINE_MS * 1000ull, &req, &werr);
        switch (r) {
        case 0:
                break;
        case -ECONNRESET:
                log_debug("closed the connection before sending a request");
                return 0;
        case -ETIMEDOUT:
                log_warning("no complete request within %d ms; closing", READ_DEADLINE_MS);
                return 0;
        case -EBADMSG:
                log_warning("malformed request (%s); closing", wire_error_name(werr));
                return 0;
        default:
                log_error("reading the request failed: %s", strerror(-r));
                return 1;
        }

        request_describe(&req, what, sizeof(what));
        watchdog_set_context(what);
        log_debug("%s: read %llu us after start", what, (unsigned long long) (now_usec() - start_usec));

        const struct handler *h = &handlers[req.type];
        if (h->uses_nss) {
                /* A module may hang; the watchdog ends us at the deadline. */
                watchdog_arm("lookup", LOOKUP_DEADLINE_MS,
                             (long) (usec_until(start_usec + LOOKUP_DEADLINE_MS * 1000ull) / 1000));
                /* The order matters: entering the client's network
                 * namespace needs privileges that confinement drops, and
                 * no NSS code (loading the modules included) may run
                 * before confinement. */
                if (opts->netns == NETNS_CLIENT && request_type_database(req.type) == DB_HOSTS &&
                    netns_enter_client(fd, &peer, what) < 0) {
                        watchdog_disarm();
                        return 0; /* logged; the client resolves in its own namespace */
                }
                if (confine_lookup(&peer, opts, what) < 0) {
                        watchdog_disarm();
                        return 1; /* logged */
                }
                nss_setup_disable_nscd_client();
        }

        buf_init(&reply.body, body_storage, sizeof(body_storage), REPLY_BODY_MAX);
        outcome = h->handle(&req, &peer, &reply);
        watchdog_disarm();

        if (outcome == OUTCOME_MALFORMED)
                log_warning("%s: malformed key; closing", what);

        size_t bytes = 0;
        const char *delivery = "";
        if (outcome_sends_reply(outcome)) {
                bytes = reply.header_len + reply.body.len;
                r = transport_send_reply(fd, &reply, now_usec() + WRITE_DEADLINE_MS * 1000ull);
                if (r == -ECONNRESET)
                        log_debug("%s: the client went away before the reply was sent", what);
                else if (r == -ETIMEDOUT)
                        log_warning("%s: the client did not take the %zu-byte reply within %d ms",
                                    what, bytes, WRITE_DEADLINE_MS);
                else if (r < 0) {
                        log_error("%s: sending the reply failed: %s", what, strerror(-r));
                        status = 1;
                }
                if (r < 0) {
                        bytes = 0;
                        delivery = r == -ECONNRESET ? " (the client went away)" : " (not sent)";
                }
        }
        buf_free(&reply.body);

        request_log(&req, outcome_name(outcome), delivery, bytes, start_usec);
        return outcome == OUTCOME_FAILED ? 1 : status;
}

int serve_connection(int fd, uint64_t start_usec, const struct serve_options *opts) {
        int status;

        watchdog_set_connection(fd);
        status = serve_request(fd, start_usec, opts);
        /* The reply, if any, is queued by now. Shutting the connection down
         * ends it for every holder, including a process an NSS module
         * forked: a client that got no reply must see EOF now, not when
         * that process exits. */
        (void) shutdown(fd, SHUT_RDWR);
        watchdog_set_connection(-1);
        request_log_peer(NULL);
        return status;
}
