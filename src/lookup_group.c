/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* group: GETGRBYNAME, GETGRBYGID and INITGROUPS. */
#include <errno.h>
#include <grp.h>

#include "bounds.h"
#include "lookup.h"
#include "macro.h"
#include "nss_buffer.h"
#include "wire_users.h"

struct group_query {
        const struct request *req;
        uint32_t gid;
        struct group gr;
        struct group *result;
};

static int call_getgr(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
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
        r = nss_call_entry(req, &buf, call_getgr, &q);
        if (r < 0)
                return outcome_from_error(r);
        return outcome_of_reply(wire_reply_group(reply, q.result), q.result != NULL);
}

/* glibc nscd asks each module's initgroups_dyn for the user's groups
 * with (gid_t)-1 as the group to leave out, so only supplementary
 * groups come back, de-duplicated, in module order. getgrouplist() with
 * that same -1 does exactly this and puts the -1 first; we drop it. The
 * client appends the primary group itself. */
struct initgroups_query {
        const char *user;
        int n; /* how many groups getgrouplist() returned */
};

static int call_getgrouplist(void *ctx, char *buffer, size_t size, size_t *need) {
        struct initgroups_query *q = ctx;

        q->n = (int) (size / sizeof(gid_t));
        if (getgrouplist(q->user, (gid_t) -1, (gid_t *) (void *) buffer, &q->n) >= 0)
                return 0;
        /* n now says how many there are; it may grow between calls. */
        *need = (size_t) q->n * sizeof(gid_t);
        return ERANGE;
}

enum outcome lookup_initgroups(const struct request *req, const struct peer *peer _unused_,
                               struct reply *reply) {
        gid_t storage[NSS_BUFFER_INITIAL / sizeof(gid_t)];
        _cleanup_(buf_free) struct buf buf = {};
        struct initgroups_query q = { .user = req->key };
        int r;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        r = nss_call_growing(req, &buf, call_getgrouplist, &q);
        if (r < 0)
                return outcome_from_error(r);

        /* The first entry is the (gid_t)-1 we passed in. */
        size_t count = q.n > 0 ? (size_t) q.n - 1 : 0;
        return outcome_of_reply(wire_reply_initgroups(reply, (const uint32_t *) buf.data + (q.n > 0), count),
                                count > 0);
}
