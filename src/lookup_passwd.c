/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* passwd: GETPWBYNAME and GETPWBYUID through getpwnam_r/getpwuid_r. */
#include <errno.h>
#include <pwd.h>

#include "bounds.h"
#include "lookup.h"
#include "macro.h"
#include "nss_buffer.h"
#include "wire_users.h"

struct passwd_query {
        const struct request *req;
        uint32_t uid;
        struct passwd pw;
        struct passwd *result;
};

static int call_getpw(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct passwd_query *q = ctx;

        if (q->req->type == REQ_GETPWBYUID)
                return getpwuid_r((uid_t) q->uid, &q->pw, buffer, size, &q->result);
        return getpwnam_r(q->req->key, &q->pw, buffer, size, &q->result);
}

enum outcome lookup_passwd(const struct request *req, const struct peer *peer _unused_,
                           struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = {};
        struct passwd_query q = { .req = req };
        int r;

        if (req->type == REQ_GETPWBYUID && wire_parse_id(req, &q.uid) < 0)
                return OUTCOME_MALFORMED;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        r = nss_call_entry(req, &buf, call_getpw, &q);
        if (r < 0)
                return outcome_from_error(r);
        return outcome_of_reply(wire_reply_passwd(reply, q.result), q.result != NULL);
}
