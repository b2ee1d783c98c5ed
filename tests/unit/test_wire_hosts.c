/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden bytes for the hosts replies. The expected bytes for "web" are
 * what Debian's glibc nscd 2.36 sent for the same entry (docs/nscd-protocol.md
 * §3.9): 192.0.2.10 and 2001:db8::10, canonical name web.example.test,
 * aliases web and www. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "wire.h"
#include "wire_hosts.h"
#include "wire_golden.h"

#define WEB_NAME 'w', 'e', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0
#define WEB_V4 0xc0, 0x00, 0x02, 0x0a
#define WEB_V6 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10

static uint8_t web_v4[] = { WEB_V4 };
static uint8_t web_v6[] = { WEB_V6 };
static char *web_aliases[] = { "web", "www", NULL };

/* Without inline storage, so that 'max' bounds the body from the start. */
static void reply_start_bounded(struct built *b, size_t max) {
        memset(b, 0, sizeof(*b));
        buf_init(&b->reply.body, NULL, 0, max);
}

static void web_hostent(struct hostent *h, char **addrs, int family) {
        addrs[0] = family == AF_INET ? (char *) web_v4 : (char *) web_v6;
        addrs[1] = NULL;
        *h = (struct hostent) {
                .h_name = "web.example.test",
                .h_aliases = web_aliases,
                .h_addrtype = family,
                .h_length = family == AF_INET ? 4 : 16,
                .h_addr_list = addrs,
        };
}

/* ---- GETHOSTBY* ---------------------------------------------------------- */

static void test_hostent_v4_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(17), I32(2), I32(AF_INET), I32(4), I32(1), I32(0),
                WEB_NAME, I32(4), I32(4), WEB_V4, 'w', 'e', 'b', 0, 'w', 'w', 'w', 0,
        };
        struct built b;
        struct hostent h;
        char *addrs[2];

        assert_int_equal(sizeof(expected), 69);
        web_hostent(&h, addrs, AF_INET);
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        buf_free(&b.reply.body);

        /* GETHOSTBYADDR has the same layout. */
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYADDR, &h), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        buf_free(&b.reply.body);
}

static void test_hostent_v6_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(17), I32(2), I32(AF_INET6), I32(16), I32(1), I32(0),
                WEB_NAME, I32(4), I32(4), WEB_V6, 'w', 'e', 'b', 0, 'w', 'w', 'w', 0,
        };
        struct built b;
        struct hostent h;
        char *addrs[2];

        assert_int_equal(sizeof(expected), 81);
        web_hostent(&h, addrs, AF_INET6);
        for (enum request_type t = REQ_GETHOSTBYNAMEv6; t <= REQ_GETHOSTBYADDRv6; t += 2) {
                reply_start(&b, 1 << 20);
                assert_int_equal(wire_reply_hostent(&b.reply, t, &h), 0);
                assert_reply_bytes(&b.reply, expected, sizeof(expected));
                buf_free(&b.reply.body);
        }
}

static void test_host_not_found_golden(void **state) {
        (void) state;
        /* glibc nscd's HOST_NOT_FOUND reply; NO_DATA differs in 'error' only. */
        static const uint8_t not_found[] = { I32(2), I32(0), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(1) };
        static const uint8_t no_data[] = { I32(2), I32(0), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(4) };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_host_not_found(&b.reply, WIRE_HOST_NOT_FOUND), 0);
        assert_reply_bytes(&b.reply, not_found, sizeof(not_found));
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_host_not_found(&b.reply, WIRE_NO_DATA), 0);
        assert_reply_bytes(&b.reply, no_data, sizeof(no_data));
        assert_int_equal(WIRE_HOST_NOT_FOUND, HOST_NOT_FOUND);
        assert_int_equal(WIRE_NO_DATA, NO_DATA);
        assert_int_equal(WIRE_TRY_AGAIN, TRY_AGAIN);
}

static void test_hostent_width_must_match_request(void **state) {
        (void) state;
        struct built b;
        struct hostent h;
        char *addrs[2];

        /* A v6 request answered with 4-byte addresses would make the
         * client expect a second list; a v4 one with 16 misreads. */
        web_hostent(&h, addrs, AF_INET);
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAMEv6, &h), -EINVAL);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYADDRv6, &h), -EINVAL);
        web_hostent(&h, addrs, AF_INET6);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), -EINVAL);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYADDR, &h), -EINVAL);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETAI, &h), -EINVAL);
        assert_int_equal(b.reply.body.len, 0);

        assert_int_equal(wire_host_address_width(REQ_GETHOSTBYNAME), 4);
        assert_int_equal(wire_host_address_width(REQ_GETHOSTBYADDR), 4);
        assert_int_equal(wire_host_address_width(REQ_GETHOSTBYNAMEv6), 16);
        assert_int_equal(wire_host_address_width(REQ_GETHOSTBYADDRv6), 16);
        assert_int_equal(wire_host_address_width(REQ_GETAI), 0);
}

static void test_hostent_without_addresses_is_refused(void **state) {
        (void) state;
        struct built b;
        struct hostent h;
        char *addrs[2];

        web_hostent(&h, addrs, AF_INET);
        addrs[0] = NULL;
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), -EINVAL);
        h.h_addr_list = NULL;
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), -EINVAL);
}

static void test_hostent_no_aliases(void **state) {
        (void) state;
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(2), I32(0), I32(AF_INET), I32(4), I32(1), I32(0), 'h', 0, WEB_V4,
        };
        char *none[] = { NULL };
        struct built b;
        struct hostent h;
        char *addrs[2];

        web_hostent(&h, addrs, AF_INET);
        h.h_name = "h";
        h.h_aliases = none;
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        h.h_aliases = NULL;
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

/* 100 aliases and 64 addresses: lengths, then addresses in order, then
 * the strings, all counted in the header. */
static void test_hostent_many_aliases_and_addresses(void **state) {
        (void) state;
        enum { NALIASES = 120, NADDRS = 70 };
        char *aliases[NALIASES + 1], names[NALIASES][16];
        char *addrs[NADDRS + 1];
        uint8_t v6[NADDRS][16];
        struct hostent h;
        struct built b;
        int32_t header[8];

        for (int i = 0; i < NALIASES; i++) {
                snprintf(names[i], sizeof(names[i]), "alias%d", i);
                aliases[i] = names[i];
        }
        aliases[NALIASES] = NULL;
        for (int i = 0; i < NADDRS; i++) {
                memset(v6[i], 0, 16);
                v6[i][0] = 0x20;
                v6[i][1] = 0x01;
                v6[i][15] = (uint8_t) i;
                addrs[i] = (char *) v6[i];
        }
        addrs[NADDRS] = NULL;
        h = (struct hostent) { "many.test", aliases, AF_INET6, 16, addrs };

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAMEv6, &h), 0);
        memcpy(header, b.reply.header, sizeof(header));
        assert_int_equal(b.reply.header_len, 32);
        assert_int_equal(header[1], 1);
        assert_int_equal(header[2], 10);
        assert_int_equal(header[3], NALIASES);
        assert_int_equal(header[4], AF_INET6);
        assert_int_equal(header[5], 16);
        assert_int_equal(header[6], NADDRS);

        const uint8_t *p = b.reply.body.data;
        size_t alias_bytes = 0;
        assert_string_equal((const char *) p, "many.test");
        p += 10;
        for (int i = 0; i < NALIASES; i++) {
                int32_t len;
                memcpy(&len, p + 4 * i, 4);
                assert_int_equal(len, (int32_t) strlen(names[i]) + 1);
                alias_bytes += (size_t) len;
        }
        p += 4 * NALIASES;
        for (int i = 0; i < NADDRS; i++)
                assert_memory_equal(p + 16 * i, v6[i], 16);
        p += 16 * NADDRS;
        for (int i = 0; i < NALIASES; i++) {
                assert_string_equal((const char *) p, names[i]);
                p += strlen(names[i]) + 1;
        }
        assert_int_equal((size_t) (p - b.reply.body.data), b.reply.body.len);
        assert_int_equal(b.reply.body.len, 10 + 4 * NALIASES + 16 * NADDRS + alias_bytes);
        buf_free(&b.reply.body);
}

static void test_hostent_respects_body_bound(void **state) {
        (void) state;
        struct built b;
        struct hostent h;
        char *addrs[2];

        /* The body is 37 bytes. */
        web_hostent(&h, addrs, AF_INET);
        reply_start_bounded(&b, 37);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), 0);
        assert_int_equal(b.reply.body.len, 37);
        buf_free(&b.reply.body);
        reply_start_bounded(&b, 36);
        assert_int_equal(wire_reply_hostent(&b.reply, REQ_GETHOSTBYNAME, &h), -E2BIG);
        buf_free(&b.reply.body);
}

/* ---- GETAI ----------------------------------------------------------------- */

struct ai_storage {
        struct ai_addresses a;
        uint8_t addrs[64], families[8];
};

static void ai_start(struct ai_storage *s, size_t max) {
        buf_init(&s->a.addrs, s->addrs, sizeof(s->addrs), max);
        buf_init(&s->a.families, s->families, sizeof(s->families), max);
}

static void ai_start_bounded(struct ai_storage *s, size_t max) {
        buf_init(&s->a.addrs, NULL, 0, max);
        buf_init(&s->a.families, NULL, 0, max);
}

static void ai_free(struct ai_storage *s) {
        buf_free(&s->a.addrs);
        buf_free(&s->a.families);
}

static void test_ai_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(2), I32(20), I32(17), I32(0),
                WEB_V4, WEB_V6, AF_INET, AF_INET6, WEB_NAME,
        };
        struct ai_storage s;
        struct built b;

        assert_int_equal(sizeof(expected), 63);
        ai_start(&s, 1 << 20);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET, web_v4), 0);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET6, web_v6), 0);
        assert_int_equal(ai_addresses_count(&s.a), 2);
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "web.example.test"), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        buf_free(&b.reply.body);
        ai_free(&s);
}

static void test_ai_order_is_kept_and_canon_optional(void **state) {
        (void) state;
        /* v6 before v4, as gethostbyname3_r modules give them; no canon. */
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(3), I32(36), I32(0), I32(0),
                WEB_V6, WEB_V4, WEB_V6, AF_INET6, AF_INET, AF_INET6,
        };
        struct ai_storage s;
        struct built b;

        ai_start(&s, 1 << 20);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET6, web_v6), 0);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET, web_v4), 0);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET6, web_v6), 0);
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, NULL), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        buf_free(&b.reply.body);

        /* Clearing starts a new module's list. */
        ai_addresses_clear(&s.a);
        assert_int_equal(ai_addresses_count(&s.a), 0);
        assert_int_equal(s.a.addrs.len, 0);
        ai_free(&s);
}

static void test_ai_not_found_golden(void **state) {
        (void) state;
        /* Debian nscd sends error 0; nssrelay passes the module's h_errno. */
        static const uint8_t nscd[] = { I32(2), I32(0), I32(0), I32(0), I32(0), I32(0) };
        static const uint8_t no_data[] = { I32(2), I32(0), I32(0), I32(0), I32(0), I32(4) };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_ai_not_found(&b.reply, 0), 0);
        assert_reply_bytes(&b.reply, nscd, sizeof(nscd));
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_ai_not_found(&b.reply, WIRE_NO_DATA), 0);
        assert_reply_bytes(&b.reply, no_data, sizeof(no_data));
}

static void test_ai_rejects_inconsistent_lists(void **state) {
        (void) state;
        struct ai_storage s;
        struct built b;
        uint8_t f = AF_INET;

        ai_start(&s, 1 << 20);
        reply_start(&b, 1 << 20);
        /* Empty: glibc nscd never sends found=1 without addresses. */
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "x"), -EINVAL);
        /* Other families do not fit the protocol. */
        assert_int_equal(ai_addresses_add(&s.a, AF_UNIX, web_v6), -EINVAL);
        assert_int_equal(ai_addresses_count(&s.a), 0);
        /* Families that do not account for every address byte. */
        assert_int_equal(ai_addresses_add(&s.a, AF_INET6, web_v6), 0);
        s.a.families.data[0] = AF_INET;
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "x"), -EINVAL);
        s.a.families.data[0] = 7;
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "x"), -EINVAL);
        s.a.families.data[0] = AF_INET6;
        assert_int_equal(buf_append(&s.a.families, &f, 1), 0);
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "x"), -EINVAL);
        assert_int_equal(b.reply.body.len, 0);
        ai_free(&s);
}

static void test_ai_many_addresses(void **state) {
        (void) state;
        enum { N = 200 };
        struct ai_storage s;
        struct built b;
        int32_t header[6];

        ai_start(&s, 1 << 20);
        for (int i = 0; i < N; i++) {
                uint8_t v4[4] = { 192, 0, 2, (uint8_t) i }, v6[16] = { 0x20, 0x01, [15] = (uint8_t) i };
                assert_int_equal(ai_addresses_add(&s.a, i % 3 ? AF_INET : AF_INET6, i % 3 ? v4 : v6), 0);
        }
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "many"), 0);
        memcpy(header, b.reply.header, sizeof(header));
        assert_int_equal(header[2], N);
        size_t addrslen = 0;
        for (int i = 0; i < N; i++)
                addrslen += i % 3 ? 4 : 16;
        assert_int_equal(header[3], (int32_t) addrslen);
        assert_int_equal(header[4], 5);
        assert_int_equal(b.reply.body.len, addrslen + N + 5);
        for (int i = 0; i < N; i++)
                assert_int_equal(b.reply.body.data[addrslen + (size_t) i], i % 3 ? AF_INET : AF_INET6);
        buf_free(&b.reply.body);
        ai_free(&s);
}

static void test_ai_respects_bounds(void **state) {
        (void) state;
        struct ai_storage s;
        struct built b;

        /* The collection bound stops a runaway module... */
        ai_start_bounded(&s, 8);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET, web_v4), 0);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET, web_v4), 0);
        assert_int_equal(ai_addresses_add(&s.a, AF_INET, web_v4), -E2BIG);
        assert_int_equal(ai_addresses_count(&s.a), 2);
        /* ...and the reply bound a reply too large to send. */
        reply_start_bounded(&b, 8);
        assert_int_equal(wire_reply_ai(&b.reply, &s.a, "web"), -E2BIG);
        buf_free(&b.reply.body);
        ai_free(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hostent_v4_golden),
                cmocka_unit_test(test_hostent_v6_golden),
                cmocka_unit_test(test_host_not_found_golden),
                cmocka_unit_test(test_hostent_width_must_match_request),
                cmocka_unit_test(test_hostent_without_addresses_is_refused),
                cmocka_unit_test(test_hostent_no_aliases),
                cmocka_unit_test(test_hostent_many_aliases_and_addresses),
                cmocka_unit_test(test_hostent_respects_body_bound),
                cmocka_unit_test(test_ai_golden),
                cmocka_unit_test(test_ai_order_is_kept_and_canon_optional),
                cmocka_unit_test(test_ai_not_found_golden),
                cmocka_unit_test(test_ai_rejects_inconsistent_lists),
                cmocka_unit_test(test_ai_many_addresses),
                cmocka_unit_test(test_ai_respects_bounds),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
