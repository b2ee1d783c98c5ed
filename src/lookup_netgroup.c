/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netgroup: GETNETGRENT and INNETGR through glibc's public netgroup API.
 *
 * glibc's setnetgrent/getnetgrent_r already flatten nested netgroups:
 * each netgroup is read once, however often it is named, so loops end,
 * and every triple is kept, duplicates included, as glibc nscd keeps
 * them. glibc nscd walks the nested netgroups breadth first, the public
 * API (what a client without nscd gets) depth first from the last one
 * named; where a netgroup names several others, the triples therefore
 * come in another order than glibc nscd's, the same set all the same.
 * Our own glibc never asks nscd (that is us): serve.c disables its nscd
 * client, which covers netgroups too, before any handler that uses NSS. */
#include <errno.h>
#include <netdb.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "request_text.h"
#include "wire_netgroup.h"

/* The next triple of the enumeration setnetgrent() opened. */
struct triple_call {
        char *host, *user, *domain;
        bool got; /* false: the enumeration has ended */
};

static int call_getnetgrent(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct triple_call *c = ctx;

        errno = 0;
        c->got = getnetgrent_r(&c->host, &c->user, &c->domain, buffer, size) == 1;
        /* A triple longer than the buffer: the module keeps its place and
         * hands it over on the next call. */
        return !c->got && errno == ERANGE ? ERANGE : 0;
}

/* Appends every triple of the enumeration setnetgrent() opened. */
static int collect_triples(const struct request *req, struct reply *reply, size_t *count) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf;
        struct triple_call c;
        int r;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        for (;;) {
                r = nss_call_growing(req, &buf, call_getnetgrent, &c);
                if (r < 0 || !c.got)
                        return r;
                r = wire_netgroup_append_triple(reply, c.host, c.user, c.domain);
                if (r == -E2BIG) {
                        char what[REQUEST_TEXT_MAX];

                        /* The name as the request line shows it: escaped,
                         * and at most 256 bytes. */
                        request_describe(req, what, sizeof(what));
                        log_warning("%s: more than %zu bytes of triples; closing without a reply", what,
                                    REPLY_BODY_MAX);
                }
                if (r < 0)
                        return r;
                (*count)++;
        }
}

enum outcome lookup_netgroup(const struct request *req, const struct peer *peer _unused_,
                             struct reply *reply) {
        const char *name;
        size_t count = 0;
        int r;

        if (wire_parse_netgroup_name(req, &name) < 0)
                return OUTCOME_MALFORMED;

        if (setnetgrent(name) != 1) {
                endnetgrent();
                return outcome_of_reply(wire_reply_netgroup(reply, false, 0), false);
        }
        r = collect_triples(req, reply, &count);
        endnetgrent();
        if (r < 0)
                return outcome_from_error(r);
        return outcome_of_reply(wire_reply_netgroup(reply, true, count), true);
}

/* glibc nscd answers INNETGR from the flattened triples it would send
 * for GETNETGRENT. We ask innetgr() instead, so membership is exactly
 * what the client would compute without us (host and domain compare
 * without regard to case there; glibc nscd compares them exactly), and
 * setnetgrent() first, which only opens the netgroup, to tell an unknown
 * netgroup from a non-member: innetgr() returns 0 for both. */
enum outcome lookup_innetgr(const struct request *req, const struct peer *peer _unused_,
                            struct reply *reply) {
        struct innetgr_query q;
        bool found, member = false;

        if (wire_parse_innetgr(req, &q) < 0)
                return OUTCOME_MALFORMED;

        found = setnetgrent(q.netgroup) == 1;
        endnetgrent();
        if (found)
                member = innetgr(q.netgroup, q.host, q.user, q.domain) == 1;

        return outcome_of_reply(wire_reply_innetgr(reply, found, member), found);
}
