/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hosts, the legacy calls: GETHOSTBYNAME(v6) through gethostbyname2_r and
 * GETHOSTBYADDR(v6) through gethostbyaddr_r, as glibc nscd does them.
 *
 * What the application would see in-process decides the reply:
 * - an entry: found, with the width the request type demands;
 * - return code 0 and no entry: not found, with the module's h_errno
 *   (HOST_NOT_FOUND, or NO_DATA for a name without addresses of that
 *   family), so gethostbyname_r and getaddrinfo(AF_INET) report exactly
 *   what they report in-process;
 * - any other return code (TRY_AGAIN, a module's internal error): no
 *   reply, so the client repeats the lookup itself and sees the real
 *   error. nssrelay(8), "TEMPORARY FAILURES", explains why. */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "lookup_hosts.h"
#include "nss_buffer.h"
#include "request_text.h"
#include "wire_hosts.h"

const char *h_errno_name(int h_error) {
        switch (h_error) {
        case NETDB_INTERNAL:
                return "NETDB_INTERNAL";
        case NETDB_SUCCESS:
                return "NETDB_SUCCESS";
        case HOST_NOT_FOUND:
                return "HOST_NOT_FOUND";
        case TRY_AGAIN:
                return "TRY_AGAIN";
        case NO_RECOVERY:
                return "NO_RECOVERY";
        case NO_DATA:
                return "NO_DATA";
        default:
                return "unknown";
        }
}

enum outcome hosts_temporary_failure(const struct request *req, int rc, int h_error) {
        char what[REQUEST_TEXT_MAX];

        request_describe(req, what, sizeof(what));
        log_warning("%s: NSS failed (%s, h_errno %s); closing without a reply so the client "
                    "looks it up itself",
                    what, rc ? strerrorname_np(rc) ?: "?" : "no error", h_errno_name(h_error));
        return OUTCOME_FALLBACK;
}

int hosts_call(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct hosts_call *c = ctx;

        c->h_error = 0;
        if (c->by_addr)
                c->rc = gethostbyaddr_r(c->key, c->family == AF_INET ? 4 : 16, c->family, &c->he, buffer, size,
                                        &c->result, &c->h_error);
        else
                c->rc = gethostbyname2_r(c->key, c->family, &c->he, buffer, size, &c->result, &c->h_error);
        /* Only ERANGE with NETDB_INTERNAL asks for a larger buffer. */
        return c->rc == ERANGE && c->h_error == NETDB_INTERNAL ? ERANGE : 0;
}

enum outcome lookup_hosts(const struct request *req, const struct peer *peer _unused_,
                          struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = { 0 }; /* buf_free runs on early returns too */
        int width = wire_host_address_width(req->type);
        struct hosts_call c = {
                .by_addr = req->type == REQ_GETHOSTBYADDR || req->type == REQ_GETHOSTBYADDRv6,
                .key = req->key,
                .family = width == 16 ? AF_INET6 : AF_INET,
        };
        int r;

        /* Address keys are raw network-order bytes of exactly the width
         * the type names; glibc's client sends nothing else. */
        if (c.by_addr && req->key_len != (uint32_t) width)
                return OUTCOME_MALFORMED;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        r = nss_call_growing(req, &buf, hosts_call, &c);
        if (r < 0)
                return outcome_from_error(r);
        if (c.rc != 0)
                return hosts_temporary_failure(req, c.rc, c.h_error);

        if (!c.result) {
                /* NOTFOUND leaves HOST_NOT_FOUND or NO_DATA; anything
                 * odder is reported as the plain "not found". */
                return outcome_of_reply(wire_reply_host_not_found(reply, c.h_error > 0 ? c.h_error : HOST_NOT_FOUND),
                                        false);
        }

        r = wire_reply_hostent(reply, req->type, c.result);
        if (r == -EINVAL) {
                char what[REQUEST_TEXT_MAX];

                /* No addresses, or addresses of another width: glibc nscd
                 * sends nothing for an empty list, and the client would
                 * misread the other width. It asks NSS itself instead. */
                request_describe(req, what, sizeof(what));
                log_warning("%s: NSS returned %s; closing without a reply", what,
                            c.result->h_addr_list && c.result->h_addr_list[0] ? "addresses of another family"
                                                                              : "an entry without addresses");
                return OUTCOME_FALLBACK;
        }
        return outcome_of_reply(r, true);
}
