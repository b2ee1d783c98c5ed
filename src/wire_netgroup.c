/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netgroup keys and replies (docs/nscd-protocol.md §2.2, §3.7). */
#include "wire_netgroup.h"

#include <errno.h>
#include <string.h>

#include "macro.h"

enum wire_error wire_parse_netgroup_name(const struct request *req, const char **name) {
        if (!wire_key_is_text(req))
                return WIRE_BAD_KEY;
        *name = req->key;
        return WIRE_OK;
}

enum wire_error wire_parse_innetgr(const struct request *req, struct innetgr_query *q) {
        const char **fields[] = { &q->host, &q->user, &q->domain };
        const char *p = req->key, *end = req->key + req->key_len;
        const char *nul;

        /* The netgroup name and its NUL. */
        nul = memchr(p, '\0', (size_t) (end - p));
        if (!nul)
                return WIRE_BAD_KEY;
        q->netgroup = p;
        p = nul + 1;

        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                if (p >= end)
                        return WIRE_BAD_KEY;
                if (*p == '\0') {
                        *fields[i] = NULL;
                        p++;
                        continue;
                }
                if (*p != '\x01')
                        return WIRE_BAD_KEY;
                p++;
                nul = p < end ? memchr(p, '\0', (size_t) (end - p)) : NULL;
                if (!nul)
                        return WIRE_BAD_KEY;
                *fields[i] = p;
                p = nul + 1;
        }
        return p == end ? WIRE_OK : WIRE_BAD_KEY;
}

int wire_netgroup_append_triple(struct reply *r, const char *host, const char *user, const char *domain) {
        const char *const fields[] = { host ? host : "", user ? user : "", domain ? domain : "" };

        return wire_append_strings(&r->body, fields, ELEMENTSOF(fields));
}

int wire_reply_netgroup(struct reply *r, bool found, size_t count) {
        if (!found) {
                const int32_t notfound[NETGR_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0 };
                if (r->body.len != 0)
                        return -EINVAL;
                wire_set_header(r, notfound, ELEMENTSOF(notfound));
                return 0;
        }
        /* The body is bounded by REPLY_BODY_MAX; the header fields are int32. */
        if (count > INT32_MAX || r->body.len > INT32_MAX)
                return -E2BIG;
        const int32_t header[NETGR_HEADER_FIELDS] = { NSCD_VERSION, 1, (int32_t) count,
                                                      (int32_t) r->body.len };
        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}

int wire_reply_innetgr(struct reply *r, bool found, bool member) {
        const int32_t header[INNETGR_HEADER_FIELDS] = { NSCD_VERSION, found, found && member };

        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}
