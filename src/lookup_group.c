/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* group: GETGRBYNAME, GETGRBYGID and INITGROUPS. */
#include <errno.h>
#include <grp.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "wire_users.h"

struct group_query {
        const struct request *req;
        uint32_t gid;
        struct group gr;
        struct group *result;
};

static int call_getgr(void *ctx, char *buffer, size_t size) {
        struct group_query *q = ctx;

        if (q->req->type == REQ_GETGRBYGID)
                return getgrgid_r((gid_t) q->gid, &q->gr, buffer, size, &q->result);
        return getgrnam_r(q->req->key, &q->gr, buffer, size, &q->result);
}

enum outcome lookup_group(const struct request *req, const struct peer *peer _unused_,
                          struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = {};
        struct group_query q = { .req = req };
        int r;

        if (req->type == REQ_GETGRBYGID && wire_parse_id(req, &q.gid) < 0)
                return OUTCOME_MALFORMED;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        r = nss_call_growing(req, &buf, call_getgr, &q);
        if (r == -E2BIG)
                return OUTCOME_TOO_LARGE;
        if (r < 0)
                q.result = NULL;

        r = wire_reply_group(reply, q.result);
        if (r < 0)
                return outcome_from_build_error(r);
        return q.result ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}

/* glibc nscd asks each module's initgroups_dyn for the user's groups
 * with (gid_t)-1 as the group to leave out, so only supplementary
 * groups come back, de-duplicated, in module order. getgrouplist() with
 * that same -1 does exactly this and puts the -1 first; we drop it. The
 * client appends the primary group itself. */
enum outcome lookup_initgroups(const struct request *req, const struct peer *peer _unused_,
                               struct reply *reply) {
        gid_t storage[NSS_BUFFER_INITIAL / sizeof(gid_t)];
        _cleanup_(buf_free) struct buf buf = {};
        int n, r;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        for (;;) {
                n = (int) (buf.cap / sizeof(gid_t));
                if (getgrouplist(req->key, (gid_t) -1, (gid_t *) buf.data, &n) >= 0)
                        break;
                /* n now says how many there are; it may grow between calls. */
                size_t need = (size_t) n * sizeof(gid_t);
                r = need > buf.cap ? buf_reserve(&buf, need) : buf_grow(&buf);
                if (r == -E2BIG)
                        return nss_buffer_exhausted(req, buf.cap);
                if (r < 0)
                        return OUTCOME_FAILED;
        }

        /* The first entry is the (gid_t)-1 we passed in. */
        size_t count = n > 0 ? (size_t) n - 1 : 0;
        r = wire_reply_initgroups(reply, (const uint32_t *) buf.data + (n > 0), count);
        if (r < 0)
                return outcome_from_build_error(r);
        return count > 0 ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}
