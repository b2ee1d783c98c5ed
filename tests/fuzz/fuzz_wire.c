/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the request parser and builder, the reply builders,
 * and the reply decoder.
 *
 * The whole input is parsed as a request, and must parse exactly as the
 * header says and build back to the same bytes. It is also decoded as a
 * reply to every request type. The same input also becomes a passwd entry, a group and a
 * gid list (strings split at NULs) for the reply builders, under a body
 * bound the first byte picks: each reply must be one that glibc's client
 * reads in full (reply_check), or -E2BIG exactly when the body would pass
 * the bound. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "reply_check.h"
#include "request_text.h"
#include "wire.h"
#include "wire_control.h"
#include "wire_decode.h"
#include "wire_users.h"

#define MAX_STRINGS 64

static bool is_lookup(enum request_type type) {
        switch (type) {
        case REQ_SHUTDOWN:
        case REQ_GETSTAT:
        case REQ_INVALIDATE:
        case REQ_GETFDPW:
        case REQ_GETFDGR:
        case REQ_GETFDHST:
        case REQ_GETFDSERV:
        case REQ_GETFDNETGR:
                return false;
        default:
                return true;
        }
}

/* Header and body as one byte string, as they go out in one sendmsg. */
static void check_built(enum request_type type, const struct reply *r, const char *what) {
        size_t len = r->header_len + r->body.len;
        uint8_t *all = malloc(len);
        const char *problem;

        if (!all)
                fuzz_fail("out of memory", what);
        memcpy(all, r->header, r->header_len);
        if (r->body.len)
                memcpy(all + r->header_len, r->body.data, r->body.len);
        problem = reply_check(type, all, len);
        free(all);
        if (problem)
                fuzz_fail(what, problem);
}

static void check_request(const uint8_t *data, size_t size) {
        enum wire_error header, parsed;
        enum request_type type;
        uint32_t key_len, id;
        struct request req;
        char text[REQUEST_TEXT_MAX];

        header = wire_parse_header(data, size, &type, &key_len);
        parsed = wire_parse_request(data, size, &req);
        if (header != WIRE_OK) {
                if (parsed != header)
                        fuzz_fail("request and header parsers disagree", wire_error_name(parsed));
                return;
        }
        if (size - NSCD_REQUEST_HEADER_SIZE < key_len) {
                if (parsed != WIRE_TRUNCATED)
                        fuzz_fail("a short key was not reported as truncated", wire_error_name(parsed));
                return;
        }
        if (parsed != WIRE_OK || req.type != type || req.key_len != key_len ||
            memcmp(req.key, data + NSCD_REQUEST_HEADER_SIZE, key_len) != 0 || req.key[key_len] != '\0')
                fuzz_fail("the parsed request is not the bytes sent", NULL);
        /* Building is parsing's inverse: the bytes sent, without any after the key. */
        uint8_t built[NSCD_REQUEST_MAX_SIZE];
        if (wire_build_request(&req, built) != NSCD_REQUEST_HEADER_SIZE + key_len ||
            memcmp(built, data, NSCD_REQUEST_HEADER_SIZE + key_len) != 0)
                fuzz_fail("wire_build_request is not the bytes parsed", request_type_name(req.type));

        if (wire_parse_id(&req, &id) == 0) {
                char *end;
                unsigned long long v = strtoull(req.key, &end, 10);

                if (req.key[0] < '0' || req.key[0] > '9' || *end != '\0' || v != id)
                        fuzz_fail("wire_parse_id accepted a key that is not its number", req.key);
        }

        request_describe(&req, text, sizeof(text));
        if (strlen(text) >= sizeof(text) ||
            strncmp(text, request_type_name(req.type), strlen(request_type_name(req.type))) != 0)
                fuzz_fail("request_describe", text);

        enum nscd_database db = database_from_name(req.key);
        if (db != DB_NONE && strcmp(database_name(db), req.key) != 0)
                fuzz_fail("database_from_name", req.key);

        if (is_lookup(req.type)) {
                struct reply r = { 0 };

                buf_init(&r.body, NULL, 0, 0);
                if (wire_reply_unserved(&r, req.type) < 0)
                        fuzz_fail("no found=-1 reply for a lookup", request_type_name(req.type));
                check_built(req.type, &r, "found=-1 reply");
        }
}

/* The same bytes as a reply to each request type, as `nssrelay query`
 * decodes whatever a daemon sends: never read past, never fail but on
 * a malformed reply. */
static void check_describe(const uint8_t *data, size_t size) {
        if (size == 0)
                return;
        for (int t = 0; t < REQ_TYPE_COUNT; t++) {
                struct buf out;
                int r;

                buf_init(&out, NULL, 0, (size_t) 1 << 24);
                r = wire_describe_reply((enum request_type) t, data, size, &out);
                if (r < 0 && r != -EBADMSG)
                        fuzz_fail("wire_describe_reply failed", request_type_name((enum request_type) t));
                buf_free(&out);
        }
}

/* Splits the input at NULs into C strings (copies, so each is terminated). */
struct strings {
        char *v[MAX_STRINGS];
        size_t n;
        char *storage;
};

static void split(const uint8_t *data, size_t size, struct strings *s) {
        size_t start = 0;

        s->n = 0;
        s->storage = malloc(size + 1);
        if (!s->storage)
                fuzz_fail("out of memory", NULL);
        memcpy(s->storage, data, size);
        s->storage[size] = '\0';
        for (size_t i = 0; i <= size && s->n < MAX_STRINGS; i++)
                if (s->storage[i] == '\0') {
                        s->v[s->n++] = s->storage + start;
                        start = i + 1;
                }
}

static const char *nth(const struct strings *s, size_t i) {
        return i < s->n ? s->v[i] : "";
}

/* Starts a reply on a small stack buffer with the fuzzed bound. */
struct built {
        struct reply reply;
        uint8_t storage[64];
};

static void start_reply(struct built *b, size_t max) {
        memset(b, 0, sizeof(*b));
        buf_init(&b->reply.body, b->storage, sizeof(b->storage), max);
}

static void expect(int r, size_t needed, size_t max, const char *what) {
        if (needed <= max && r != 0)
                fuzz_fail(what, "failed although the body fits its bound");
        if (needed > max && r != -E2BIG)
                fuzz_fail(what, "did not report -E2BIG past its bound");
}

static void check_builders(const uint8_t *data, size_t size) {
        struct strings s;
        struct built b;
        size_t max, needed;
        int r;

        if (size < 1)
                return;
        /* 0 to 16320 bytes, or the real bound. */
        max = data[0] == 0xff ? REPLY_BODY_MAX : (size_t) data[0] * 64;
        split(data + 1, size - 1, &s);

        struct passwd pw = {
                .pw_name = (char *) nth(&s, 0),
                .pw_passwd = (char *) nth(&s, 1),
                .pw_gecos = (char *) nth(&s, 2),
                .pw_dir = (char *) nth(&s, 3),
                .pw_shell = (char *) nth(&s, 4),
                .pw_uid = (uid_t) size * 2654435761u,
                .pw_gid = (gid_t) -1,
        };
        needed = 0;
        for (size_t i = 0; i < 5; i++)
                needed += strlen(nth(&s, i)) + 1;
        start_reply(&b, max);
        r = wire_reply_passwd(&b.reply, &pw);
        expect(r, needed, max, "wire_reply_passwd");
        if (r == 0)
                check_built(REQ_GETPWBYNAME, &b.reply, "wire_reply_passwd");
        buf_free(&b.reply.body);

        char *members[MAX_STRINGS + 1];
        size_t count = s.n > 2 ? s.n - 2 : 0;
        needed = strlen(nth(&s, 0)) + 1 + strlen(nth(&s, 1)) + 1;
        for (size_t i = 0; i < count; i++) {
                members[i] = s.v[i + 2];
                needed += 4 + strlen(members[i]) + 1;
        }
        members[count] = NULL;
        struct group gr = {
                .gr_name = (char *) nth(&s, 0),
                .gr_passwd = (char *) nth(&s, 1),
                .gr_gid = (gid_t) size,
                .gr_mem = members,
        };
        start_reply(&b, max);
        r = wire_reply_group(&b.reply, &gr);
        expect(r, needed, max, "wire_reply_group");
        if (r == 0)
                check_built(REQ_GETGRBYNAME, &b.reply, "wire_reply_group");
        buf_free(&b.reply.body);

        size_t ngids = (size - 1) / sizeof(uint32_t);
        uint32_t *gids = malloc(ngids * sizeof(uint32_t) + 1);
        if (!gids)
                fuzz_fail("out of memory", NULL);
        memcpy(gids, data + 1, ngids * sizeof(uint32_t));
        start_reply(&b, max);
        r = wire_reply_initgroups(&b.reply, gids, ngids);
        expect(r, ngids * sizeof(uint32_t), max, "wire_reply_initgroups");
        if (r == 0)
                check_built(REQ_INITGROUPS, &b.reply, "wire_reply_initgroups");
        buf_free(&b.reply.body);
        free(gids);

        /* The negative replies and the INVALIDATE answer. */
        start_reply(&b, max);
        if (wire_reply_passwd(&b.reply, NULL) < 0)
                fuzz_fail("wire_reply_passwd(NULL)", NULL);
        check_built(REQ_GETPWBYUID, &b.reply, "passwd not found");
        start_reply(&b, max);
        if (wire_reply_group(&b.reply, NULL) < 0)
                fuzz_fail("wire_reply_group(NULL)", NULL);
        check_built(REQ_GETGRBYGID, &b.reply, "group not found");
        start_reply(&b, max);
        if (wire_reply_invalidate(&b.reply, (int32_t) size) < 0)
                fuzz_fail("wire_reply_invalidate", NULL);
        check_built(REQ_INVALIDATE, &b.reply, "INVALIDATE answer");

        free(s.storage);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        check_request(data, size);
        check_describe(data, size);
        check_builders(data, size);
        return 0;
}
