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
#include "request_text.h"
#include "transport.h"
#include "watchdog.h"

struct handler {
        request_handler *handle;
        bool uses_nss; /* needs our glibc prepared first */
};

static const struct handler handlers[REQ_TYPE_COUNT] = {
        [REQ_GETPWBYNAME] = { lookup_passwd, true },
        [REQ_GETPWBYUID] = { lookup_passwd, true },
        [REQ_GETGRBYNAME] = { lookup_group, true },
        [REQ_GETGRBYGID] = { lookup_group, true },
        [REQ_INITGROUPS] = { lookup_initgroups, true },
        [REQ_GETHOSTBYNAME] = { lookup_hosts, true },
        [REQ_GETHOSTBYNAMEv6] = { lookup_hosts, true },
        [REQ_GETHOSTBYADDR] = { lookup_hosts, true },
        [REQ_GETHOSTBYADDRv6] = { lookup_hosts, true },
        [REQ_GETAI] = { lookup_ai, true },
        [REQ_GETSERVBYNAME] = { lookup_services, true },
        [REQ_GETSERVBYPORT] = { lookup_services, true },
        [REQ_GETNETGRENT] = { lookup_netgroup, true },
        [REQ_INNETGR] = { lookup_innetgr, true },
        [REQ_SHUTDOWN] = { control_shutdown, false },
        [REQ_GETSTAT] = { control_getstat, false },
        [REQ_INVALIDATE] = { control_invalidate, false },
        [REQ_GETFDPW] = { control_getfd, false },
        [REQ_GETFDGR] = { control_getfd, false },
        [REQ_GETFDHST] = { control_getfd, false },
        [REQ_GETFDSERV] = { control_getfd, false },
        [REQ_GETFDNETGR] = { control_getfd, false },
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

enum outcome outcome_from_build_error(int r) {
        return r == -E2BIG ? OUTCOME_TOO_LARGE : OUTCOME_FAILED;
}

enum outcome lookup_unserved(const struct request *req, const struct peer *peer _unused_,
                             struct reply *reply) {
        return wire_reply_unserved(reply, req->type) < 0 ? OUTCOME_FAILED : OUTCOME_UNSERVED;
}

/* The peer's command name, for request log lines only. */
static void peer_comm(const struct peer *peer, char *out, size_t size) {
        char path[64], comm[32];
        ssize_t n = -1;

        snprintf(out, size, "?");
        if (!peer->known || peer->pid <= 0)
                return;
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long) peer->pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                n = read(fd, comm, sizeof(comm) - 1);
                close(fd);
        }
        if (n <= 0)
                return;
        if (comm[n - 1] == '\n')
                n--;
        log_escape_key(out, size, comm, (size_t) n);
}

/* Who asked, at the start of every log line about the connection, so
 * that no key can push it out of the line: "pid=N uid=N", and the
 * command name when each request is logged. */
static void set_log_peer(const struct peer *peer) {
        char text[128], comm[64];
        int n = snprintf(text, sizeof(text), "pid=%ld uid=%ld", (long) peer->pid,
                         peer->known ? (long) peer->uid : -1L);

        /* Read now: the client waits for our reply, and may be gone after. */
        if (log_requests_enabled() && n > 0 && (size_t) n < sizeof(text)) {
                peer_comm(peer, comm, sizeof(comm));
                snprintf(text + n, sizeof(text) - (size_t) n, " comm=%s", comm);
        }
        log_set_peer(text);
}

static void log_request(const struct request *req, const char *outcome, const char *delivery, size_t bytes,
                        uint64_t start_usec) {
        char what[REQUEST_TEXT_MAX];

        if (!log_requests_enabled())
                return;
        request_describe(req, what, sizeof(what));
        log_notice("%s: %s%s, %zu bytes, %llu us", what, outcome, delivery, bytes,
                   (unsigned long long) (now_usec() - start_usec));
}

static long ms_left(uint64_t deadline_usec) {
        uint64_t now = now_usec();

        return now >= deadline_usec ? 0 : (long) ((deadline_usec - now) / 1000);
}

static int serve_request(int fd, uint64_t start_usec, const struct serve_options *opts) {
        char what[REQUEST_TEXT_MAX];
        uint8_t body_storage[REPLY_BODY_INITIAL];
        enum transport_result tr;
        struct request req;
        enum wire_error werr;
        struct reply reply = { 0 };
        _cleanup_(transport_peer_free) struct peer peer = { .n_groups = -1 };
        enum outcome outcome;

        transport_peer(fd, &peer);
        set_log_peer(&peer);

        tr = transport_read_request(fd, start_usec + READ_DEADLINE_MS * 1000ull, &req, &werr);
        switch (tr) {
        case TRANSPORT_OK:
                break;
        case TRANSPORT_CLOSED:
                log_debug("closed the connection before sending a request");
                return 0;
        case TRANSPORT_TIMEOUT:
                log_warning("no complete request within %d ms; closing", READ_DEADLINE_MS);
                return 0;
        case TRANSPORT_MALFORMED:
                log_warning("malformed request (%s); closing", wire_error_name(werr));
                return 0;
        case TRANSPORT_ERROR:
                log_error("reading the request failed: %m");
                return 1;
        }

        request_describe(&req, what, sizeof(what));
        watchdog_set_context(what);
        log_debug("%s: read %llu us after start", what, (unsigned long long) (now_usec() - start_usec));

        const struct handler *h = &handlers[req.type];
        if (h->uses_nss) {
                /* A module may hang; the watchdog ends us at the deadline. */
                watchdog_arm("lookup", LOOKUP_DEADLINE_MS,
                             ms_left(start_usec + LOOKUP_DEADLINE_MS * 1000ull));
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
                tr = transport_send_reply(fd, &reply, now_usec() + WRITE_DEADLINE_MS * 1000ull);
                if (tr == TRANSPORT_CLOSED)
                        log_debug("%s: the client went away before the reply was sent", what);
                else if (tr == TRANSPORT_TIMEOUT)
                        log_warning("%s: the client did not take the %zu-byte reply within %d ms",
                                    what, bytes, WRITE_DEADLINE_MS);
                else if (tr == TRANSPORT_ERROR)
                        log_error("%s: sending the reply failed: %m", what);
                if (tr != TRANSPORT_OK) {
                        bytes = 0;
                        delivery = tr == TRANSPORT_CLOSED ? " (the client went away)" : " (not sent)";
                }
        }
        buf_free(&reply.body);

        log_request(&req, outcome_name(outcome), delivery, bytes, start_usec);
        return outcome == OUTCOME_FAILED || tr == TRANSPORT_ERROR ? 1 : 0;
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
        log_set_peer(NULL);
        return status;
}
