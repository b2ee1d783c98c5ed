/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden bytes for services keys and replies. The expected replies are
 * what Debian's glibc nscd 2.36 sends (docs/nscd-protocol.md §3.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>

#include "wire_services.h"
#include "wire_golden.h"

static int parse(enum request_type type, const char *key, size_t len, struct service_query *q) {
        struct request req;

        request_set(&req, type, key, len);
        return wire_parse_service_query(&req, q);
}
#define PARSE(type, lit, q) parse(type, lit, sizeof(lit), q) /* with the NUL, as glibc sends */

static void test_parse_by_name(void **state) {
        (void) state;
        struct service_query q;

        assert_int_equal(PARSE(REQ_GETSERVBYNAME, "http/tcp", &q), 0);
        assert_string_equal(q.name, "http");
        assert_string_equal(q.proto, "tcp");

        assert_int_equal(PARSE(REQ_GETSERVBYNAME, "http/", &q), 0);
        assert_string_equal(q.name, "http");
        assert_null(q.proto);

        /* The name ends at the last '/', as glibc nscd splits it. */
        assert_int_equal(PARSE(REQ_GETSERVBYNAME, "a/b/tcp", &q), 0);
        assert_string_equal(q.name, "a/b");
        assert_string_equal(q.proto, "tcp");

        assert_int_equal(PARSE(REQ_GETSERVBYNAME, "/tcp", &q), 0);
        assert_string_equal(q.name, "");
        assert_string_equal(q.proto, "tcp");

        /* A key without its NUL is still text. */
        assert_int_equal(parse(REQ_GETSERVBYNAME, "www/udp", 7, &q), 0);
        assert_string_equal(q.name, "www");
        assert_string_equal(q.proto, "udp");
}

static void test_parse_by_port(void **state) {
        (void) state;
        struct service_query q;

        assert_int_equal(PARSE(REQ_GETSERVBYPORT, "20480/tcp", &q), 0);
        assert_int_equal(q.port, 20480); /* port 80, network order, little-endian host */
        assert_string_equal(q.proto, "tcp");
        assert_null(q.name);

        assert_int_equal(PARSE(REQ_GETSERVBYPORT, "20480/", &q), 0);
        assert_null(q.proto);
        assert_int_equal(PARSE(REQ_GETSERVBYPORT, "0/udp", &q), 0);
        assert_int_equal(q.port, 0);
        assert_int_equal(PARSE(REQ_GETSERVBYPORT, "65535/tcp", &q), 0);
        assert_int_equal(q.port, 65535);
        /* A port never holds '/', so a protocol may. */
        assert_int_equal(PARSE(REQ_GETSERVBYPORT, "1/a/b", &q), 0);
        assert_int_equal(q.port, 1);
        assert_string_equal(q.proto, "a/b");
}

static void test_parse_malformed(void **state) {
        (void) state;
        static const char *const by_name[] = { "http", "" };
        static const char *const by_port[] = {
                "20480", "/tcp", "http/tcp", "-1/tcp", "+80/tcp", " 80/tcp", "80 /tcp", "65536/tcp",
                "99999999999999999999/tcp", "0x50/tcp", "",
        };
        struct service_query q;

        for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++)
                assert_int_equal(parse(REQ_GETSERVBYNAME, by_name[i], strlen(by_name[i]) + 1, &q),
                                 -EBADMSG);
        for (size_t i = 0; i < sizeof(by_port) / sizeof(by_port[0]); i++)
                assert_int_equal(parse(REQ_GETSERVBYPORT, by_port[i], strlen(by_port[i]) + 1, &q),
                                 -EBADMSG);
        /* A NUL inside the key. */
        assert_int_equal(parse(REQ_GETSERVBYNAME, "http\0/tcp", 10, &q), -EBADMSG);
        assert_int_equal(parse(REQ_GETSERVBYPORT, "80/tcp\0x", 9, &q), -EBADMSG);
        /* Not a services request. */
        assert_int_equal(PARSE(REQ_GETPWBYNAME, "http/tcp", &q), -EBADMSG);
}

static void test_found_golden(void **state) {
        (void) state;
        char *aliases[] = { (char *) "www", NULL };
        struct servent s = { .s_name = (char *) "http", .s_aliases = aliases, .s_port = 0x5000,
                             .s_proto = (char *) "tcp" };
        /* GETSERVBYNAME "http/tcp" (also "http/", GETSERVBYPORT "20480/tcp") → 41 bytes */
        static const uint8_t want[] = {
                I32(2), I32(1), I32(5), I32(4), I32(1), I32(0x5000),
                'h', 't', 't', 'p', 0, 't', 'c', 'p', 0, I32(4), 'w', 'w', 'w', 0,
        };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_reply_service(&b.reply, &s), 0);
        assert_int_equal(sizeof(want), 41);
        assert_reply_bytes(&b.reply, want, sizeof(want));
        buf_free(&b.reply.body);
}

static void test_not_found_golden(void **state) {
        (void) state;
        /* GETSERVBYNAME "nosuch/tcp" → 02000000 00000000 00000000 00000000 00000000 ffffffff */
        static const uint8_t want[] = { I32(2), I32(0), I32(0), I32(0), I32(0), I32(-1) };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_reply_service(&b.reply, NULL), 0);
        assert_reply_bytes(&b.reply, want, sizeof(want));
}

static void test_no_aliases_high_port(void **state) {
        (void) state;
        char *aliases[] = { NULL };
        struct servent s = { .s_name = (char *) "highest", .s_aliases = aliases, .s_port = 0xffff,
                             .s_proto = (char *) "udp" };
        static const uint8_t want[] = {
                I32(2), I32(1), I32(8), I32(4), I32(0), I32(0xffff),
                'h', 'i', 'g', 'h', 'e', 's', 't', 0, 'u', 'd', 'p', 0,
        };
        struct built b;

        reply_start(&b, 1024);
        assert_int_equal(wire_reply_service(&b.reply, &s), 0);
        assert_reply_bytes(&b.reply, want, sizeof(want));
}

static void test_thousand_aliases(void **state) {
        (void) state;
        enum { N = 1000 };
        char names[N][16];
        char *aliases[N + 1];
        struct servent s = { .s_name = (char *) "big", .s_aliases = aliases, .s_port = 0xa00f,
                             .s_proto = (char *) "tcp" };
        struct built b;
        size_t strings = 0;

        for (int i = 0; i < N; i++) {
                snprintf(names[i], sizeof(names[i]), "alias%d", i);
                aliases[i] = names[i];
                strings += strlen(names[i]) + 1;
        }
        aliases[N] = NULL;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_service(&b.reply, &s), 0);
        int32_t h[6];
        memcpy(h, b.reply.header, sizeof(h));
        assert_int_equal(b.reply.header_len, 24);
        assert_int_equal(h[4], N);
        assert_int_equal(b.reply.body.len, 4 + 4 + N * 4 + strings);
        /* The length array follows name and proto; the strings follow it. */
        int32_t len999;
        memcpy(&len999, b.reply.body.data + 8 + 999 * 4, 4);
        assert_int_equal(len999, 9);
        assert_memory_equal(b.reply.body.data + b.reply.body.len - 9, "alias999", 9);
        buf_free(&b.reply.body);
}

static void test_past_bound(void **state) {
        (void) state;
        char *aliases[] = { (char *) "an-alias-that-does-not-fit", NULL };
        struct servent s = { .s_name = (char *) "x", .s_aliases = aliases, .s_port = 1, .s_proto = (char *) "tcp" };
        struct built b;

        reply_start(&b, 16);
        b.reply.body.cap = 0; /* no inline storage: every byte counts against max */
        b.reply.body.data = b.reply.body.inline_storage = NULL;
        assert_int_equal(wire_reply_service(&b.reply, &s), -E2BIG);
        buf_free(&b.reply.body);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_by_name),
                cmocka_unit_test(test_parse_by_port),
                cmocka_unit_test(test_parse_malformed),
                cmocka_unit_test(test_found_golden),
                cmocka_unit_test(test_not_found_golden),
                cmocka_unit_test(test_no_aliases_high_port),
                cmocka_unit_test(test_thousand_aliases),
                cmocka_unit_test(test_past_bound),
        };
        return cmocka_run_group_tests_name("wire_services", tests, NULL, NULL);
}
