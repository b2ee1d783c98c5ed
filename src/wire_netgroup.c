/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netgroup keys and replies (docs/nscd-protocol.md §2.2, §3.7): their
 * layouts, builders and decoders. */
#include "wire_netgroup.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "macro.h"
#include "wire_decode.h"

/* Body: result_len bytes of triples, each host, user and domain with its
 * NUL (empty: any). */
struct netgroup_reply_header {
        int32_t version;
        int32_t found;
        int32_t nresults;
        int32_t result_len;
};
_Static_assert(sizeof(struct netgroup_reply_header) == 16, "glibc's client reads 4 int32 fields");

/* No body. */
struct innetgr_reply_header {
        int32_t version;
        int32_t found;
        int32_t result; /* 1: a member */
};
_Static_assert(sizeof(struct innetgr_reply_header) == 12, "glibc's client reads 3 int32 fields");

int wire_parse_netgroup_name(const struct request *req, const char **name) {
        if (!wire_key_is_text(req))
                return -EBADMSG;
        *name = req->key;
        return 0;
}

int wire_parse_innetgr(const struct request *req, struct innetgr_query *q) {
        const char **fields[] = { &q->host, &q->user, &q->domain };
        const char *p = req->key, *end = req->key + req->key_len;
        const char *nul;

        /* The netgroup name and its NUL. */
        nul = memchr(p, '\0', (size_t) (end - p));
        if (!nul)
                return -EBADMSG;
        q->netgroup = p;
        p = nul + 1;

        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                if (p >= end)
                        return -EBADMSG;
                if (*p == '\0') {
                        *fields[i] = NULL;
                        p++;
                        continue;
                }
                if (*p != '\x01')
                        return -EBADMSG;
                p++;
                nul = p < end ? memchr(p, '\0', (size_t) (end - p)) : NULL;
                if (!nul)
                        return -EBADMSG;
                *fields[i] = p;
                p = nul + 1;
        }
        return p == end ? 0 : -EBADMSG;
}

int wire_netgroup_append_triple(struct reply *r, const char *host, const char *user, const char *domain) {
        const char *const fields[] = { host ? host : "", user ? user : "", domain ? domain : "" };

        return wire_append_strings(&r->body, fields, ELEMENTSOF(fields));
}

static int netgroup_empty(struct reply *r, int32_t found) {
        const struct netgroup_reply_header h = { .version = NSCD_VERSION, .found = found };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_netgroup(struct reply *r, bool found, size_t count) {
        if (!found) {
                if (r->body.len != 0)
                        return -EINVAL;
                return netgroup_empty(r, 0);
        }
        /* The body is bounded by REPLY_BODY_MAX; the header fields are int32. */
        if (count > INT32_MAX || r->body.len > INT32_MAX)
                return -E2BIG;
        const struct netgroup_reply_header h = {
                .version = NSCD_VERSION, .found = 1, .nresults = (int32_t) count, .result_len = (int32_t) r->body.len,
        };
        return wire_set_header(r, &h, sizeof(h));
}

static int netgroup_unserved(struct reply *r) {
        return netgroup_empty(r, -1);
}

static int describe_netgroup(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct netgroup_reply_header h;
        struct wire_reader data;
        int32_t n = 0;
        int r = describe_header(rd, &h, sizeof(h), "netgroup", out);

        if (r <= 0)
                return r;
        if (h.result_len < 0 || !wire_take_part(rd, (size_t) h.result_len, &data))
                return describe_malformed(out, "result_len larger than the reply");
        if ((r = describe_printf(out, "triples: %d\n", h.nresults)) < 0)
                return r;
        while (data.left > 0) {
                const char *f[3];
                size_t flen[3];
                for (int i = 0; i < 3; i++) {
                        const uint8_t *nul = memchr(data.p, '\0', data.left);
                        if (!nul)
                                return describe_malformed(out, "a triple without its three NULs");
                        f[i] = (const char *) data.p;
                        flen[i] = (size_t) (nul - data.p);
                        data.left -= flen[i] + 1;
                        data.p = nul + 1;
                }
                /* Empty fields are wildcards; print them as getent does,
                 * escaped: a field could hold a terminal escape, or "," or
                 * ")" too. */
                r = describe_printf(out, "triple: (");
                for (int i = 0; r >= 0 && i < 3; i++)
                        if ((r = describe_escaped(out, f[i], flen[i], ",()")) >= 0)
                                r = buf_append(out, i < 2 ? "," : ")\n", i < 2 ? 1 : 2);
                if (r < 0)
                        return r;
                n++;
        }
        return n == h.nresults ? 0 : describe_malformed(out, "nresults does not match the triples");
}

const struct wire_family wire_family_netgroup = {
        .unserved = netgroup_unserved,
        .describe_reply = describe_netgroup,
};

static int innetgr_empty(struct reply *r, int32_t found) {
        const struct innetgr_reply_header h = { .version = NSCD_VERSION, .found = found };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_innetgr(struct reply *r, bool found, bool member) {
        const struct innetgr_reply_header h = { .version = NSCD_VERSION, .found = 1, .result = member };

        if (!found)
                return innetgr_empty(r, 0);
        return wire_set_header(r, &h, sizeof(h));
}

static int innetgr_unserved(struct reply *r) {
        return innetgr_empty(r, -1);
}

static int describe_innetgr(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct innetgr_reply_header h;
        int r = describe_header(rd, &h, sizeof(h), "INNETGR", out);

        if (r <= 0)
                return r;
        return describe_printf(out, "result: %d (%s)\n", h.result, h.result == 1 ? "member" : "not a member");
}

const struct wire_family wire_family_innetgr = {
        .unserved = innetgr_unserved,
        .describe_reply = describe_innetgr,
};
