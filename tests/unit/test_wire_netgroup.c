/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden bytes for netgroup keys and replies. The expected replies are
 * what Debian's glibc nscd 2.36 sends (docs/nscd-protocol.md §3.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "wire_netgroup.h"
#include "wire_golden.h"

static int parse(const void *key, size_t len, struct innetgr_query *q) {
        static struct request req; /* parsed strings point into it */

        request_set(&req, REQ_INNETGR, key, len);
        return wire_parse_innetgr(&req, q);
}
#define PARSE(lit, q) parse(lit, sizeof(lit) - 1, q) /* the literal's own NUL is not part of the key */

static void test_parse_innetgr(void **state) {
        (void) state;
        struct innetgr_query q;

        /* innetgr("trusted","host1","alice",NULL): key_len 23 */
        assert_int_equal(sizeof("trusted\0\x01host1\0\x01" "alice\0\0") - 1, 23);
        assert_int_equal(PARSE("trusted\0\x01host1\0\x01" "alice\0\0", &q), 0);
        assert_string_equal(q.netgroup, "trusted");
        assert_string_equal(q.host, "host1");
        assert_string_equal(q.user, "alice");
        assert_null(q.domain);

        /* innetgr("trusted",NULL,NULL,"example.test"): key_len 24 */
        assert_int_equal(sizeof("trusted\0\0\0\x01" "example.test\0") - 1, 24);
        assert_int_equal(PARSE("trusted\0\0\0\x01" "example.test\0", &q), 0);
        assert_null(q.host);
        assert_null(q.user);
        assert_string_equal(q.domain, "example.test");

        /* Empty strings are not NULL. */
        assert_int_equal(PARSE("g\0\x01\0\x01\0\x01\0", &q), 0);
        assert_string_equal(q.host, "");
        assert_string_equal(q.user, "");
        assert_string_equal(q.domain, "");

        assert_int_equal(PARSE("\0\0\0\0", &q), 0);
        assert_string_equal(q.netgroup, "");
}

static void test_parse_innetgr_malformed(void **state) {
        (void) state;
        static const struct {
                const char *key;
                size_t len;
        } bad[] = {
#define K(lit) { lit, sizeof(lit) - 1 }
                K(""),
                K("trusted"),
                K("trusted\0"),
                K("trusted\0\0"),
                K("trusted\0\0\0"),
                K("trusted\0\x01host1\0\0"),
                K("trusted\0\0\0\0\0"),
                K("trusted\0\x02host1\0\0\0"),
                K("trusted\0\x01host1"),
                K("trusted\0\0\0\x01"),
                K("trusted\0\0\0\x01x"),
                K("trusted\0h\0\0\0"),
#undef K
        };
        struct innetgr_query q;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(parse(bad[i].key, bad[i].len, &q), -EBADMSG);
        }
}

static void test_parse_netgroup_name(void **state) {
        (void) state;
        struct request req;
        const char *name;

        request_set(&req, REQ_GETNETGRENT, "trusted", 8);
        assert_int_equal(wire_parse_netgroup_name(&req, &name), 0);
        assert_string_equal(name, "trusted");
        request_set(&req, REQ_GETNETGRENT, "trusted", 7);
        assert_int_equal(wire_parse_netgroup_name(&req, &name), 0);
        request_set(&req, REQ_GETNETGRENT, "trusted\0x", 10);
        assert_int_equal(wire_parse_netgroup_name(&req, &name), -EBADMSG);
}

static void test_getnetgrent_golden(void **state) {
        (void) state;
        /* GETNETGRENT "trusted" → 64 bytes */
        static const uint8_t want[] = {
                I32(2), I32(1), I32(2), I32(0x30),
                'h', 'o', 's', 't', '1', 0, 'a', 'l', 'i', 'c', 'e', 0,
                'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
                'h', 'o', 's', 't', '2', 0, 'b', 'o', 'b', 0,
                'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
        };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_netgroup_append_triple(&b.reply, "host1", "alice", "example.test"), 0);
        assert_int_equal(wire_netgroup_append_triple(&b.reply, "host2", "bob", "example.test"), 0);
        assert_int_equal(wire_reply_netgroup(&b.reply, true, 2), 0);
        assert_int_equal(sizeof(want), 64);
        assert_reply_bytes(&b.reply, want, sizeof(want));
        buf_free(&b.reply.body);
}

static void test_getnetgrent_wildcards(void **state) {
        (void) state;
        /* NULL fields are wildcards: three NULs, an empty triple. */
        static const uint8_t want[] = {
                I32(2), I32(1), I32(2), I32(11),
                0, 'a', 'l', 'i', 'c', 'e', 0, 0, 0, 0, 0,
        };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_netgroup_append_triple(&b.reply, NULL, "alice", NULL), 0);
        assert_int_equal(wire_netgroup_append_triple(&b.reply, NULL, NULL, NULL), 0);
        assert_int_equal(wire_reply_netgroup(&b.reply, true, 2), 0);
        assert_reply_bytes(&b.reply, want, sizeof(want));
}

static void test_getnetgrent_not_found_and_empty(void **state) {
        (void) state;
        /* GETNETGRENT "nosuch" → 02000000 00000000 00000000 00000000 */
        static const uint8_t notfound[] = { I32(2), I32(0), I32(0), I32(0) };
        static const uint8_t empty[] = { I32(2), I32(1), I32(0), I32(0) };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_reply_netgroup(&b.reply, false, 0), 0);
        assert_reply_bytes(&b.reply, notfound, sizeof(notfound));
        reply_start(&b, 1024);
        assert_int_equal(wire_reply_netgroup(&b.reply, true, 0), 0);
        assert_reply_bytes(&b.reply, empty, sizeof(empty));
        /* "Not found" with triples already appended is a caller's bug. */
        reply_start(&b, 1024);
        assert_int_equal(wire_netgroup_append_triple(&b.reply, "h", NULL, NULL), 0);
        assert_int_equal(wire_reply_netgroup(&b.reply, false, 0), -EINVAL);
}

static void test_getnetgrent_thousands_and_bound(void **state) {
        (void) state;
        enum { N = 5000 };
        struct built b;
        char host[32];
        size_t expect = 0;

        reply_start(&b, 1 << 20);
        for (int i = 0; i < N; i++) {
                snprintf(host, sizeof(host), "h%d", i);
                assert_int_equal(wire_netgroup_append_triple(&b.reply, host, "u", NULL), 0);
                expect += strlen(host) + 1 + 2 + 1;
        }
        assert_int_equal(wire_reply_netgroup(&b.reply, true, N), 0);
        int32_t h[4];
        memcpy(h, b.reply.header, sizeof(h));
        assert_int_equal(h[2], N);
        assert_int_equal(h[3], expect);
        assert_int_equal(b.reply.body.len, expect);
        buf_free(&b.reply.body);

        /* The body stops at its bound: result_len never passes it. */
        reply_start(&b, 100);
        int r = 0, added = 0;
        while ((r = wire_netgroup_append_triple(&b.reply, "0123456789", "u", "d")) == 0)
                added++;
        assert_int_equal(r, -E2BIG);
        assert_true(b.reply.body.len <= 100);
        assert_true(added >= 5);
        buf_free(&b.reply.body);
}

static void test_innetgr_golden(void **state) {
        (void) state;
        static const uint8_t member[] = { I32(2), I32(1), I32(1) };
        static const uint8_t non_member[] = { I32(2), I32(1), I32(0) };
        static const uint8_t unknown[] = { I32(2), I32(0), I32(0) };
        struct built b;

        reply_start(&b, 64);
        wire_reply_innetgr(&b.reply, true, true);
        assert_reply_bytes(&b.reply, member, sizeof(member));
        reply_start(&b, 64);
        wire_reply_innetgr(&b.reply, true, false);
        assert_reply_bytes(&b.reply, non_member, sizeof(non_member));
        reply_start(&b, 64);
        wire_reply_innetgr(&b.reply, false, true);
        assert_reply_bytes(&b.reply, unknown, sizeof(unknown));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_innetgr),
                cmocka_unit_test(test_parse_innetgr_malformed),
                cmocka_unit_test(test_parse_netgroup_name),
                cmocka_unit_test(test_getnetgrent_golden),
                cmocka_unit_test(test_getnetgrent_wildcards),
                cmocka_unit_test(test_getnetgrent_not_found_and_empty),
                cmocka_unit_test(test_getnetgrent_thousands_and_bound),
                cmocka_unit_test(test_innetgr_golden),
        };
        return cmocka_run_group_tests_name("wire_netgroup", tests, NULL, NULL);
}
