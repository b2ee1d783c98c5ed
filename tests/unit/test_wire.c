/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden bytes for the wire layer. The expected replies are what Debian's
 * glibc nscd 2.36 sends for the same data (docs/nscd-protocol.md §3.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wire_control.h"
#include "wire_users.h"
#include "wire_golden.h"

/* ---- requests ---------------------------------------------------------- */

/* The bytes of a request as glibc's client sends them. */
static size_t request_bytes(uint8_t *out, enum request_type type, const void *key, size_t len) {
        struct request req;

        assert_int_equal(wire_request_init(&req, type, key, len), 0);
        return wire_build_request(&req, out);
}

/* Overwrites one header field, to make a request malformed. */
enum { FIELD_VERSION, FIELD_TYPE, FIELD_KEY_LEN };
static void set_field(uint8_t *bytes, int field, int32_t value) {
        memcpy(bytes + field * sizeof(int32_t), &value, sizeof(value));
}

static void test_build_request_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = { I32(2), I32(0), I32(6), 'a', 'l', 'i', 'c', 'e', 0 };
        static const uint8_t no_key[] = { I32(2), I32(9), I32(0) };
        uint8_t bytes[NSCD_REQUEST_MAX_SIZE];
        struct request req;

        assert_int_equal(wire_request_init_text(&req, REQ_GETPWBYNAME, "alice"), 0);
        assert_int_equal(wire_build_request(&req, bytes), sizeof(expected));
        assert_memory_equal(bytes, expected, sizeof(expected));
        assert_int_equal(request_bytes(bytes, REQ_GETSTAT, NULL, 0), sizeof(no_key));
        assert_memory_equal(bytes, no_key, sizeof(no_key));
}

static void test_request_init_bounds(void **state) {
        (void) state;
        char key[NSCD_MAX_KEY_LEN + 1];
        struct request req;

        memset(key, 'k', sizeof(key));
        assert_int_equal(wire_request_init(&req, REQ_GETPWBYNAME, key, NSCD_MAX_KEY_LEN), 0);
        assert_int_equal(req.key[NSCD_MAX_KEY_LEN], '\0');
        assert_int_equal(wire_request_init(&req, REQ_GETPWBYNAME, key, NSCD_MAX_KEY_LEN + 1), -E2BIG);
        key[NSCD_MAX_KEY_LEN] = '\0';
        assert_int_equal(wire_request_init_text(&req, REQ_GETPWBYNAME, key), -E2BIG);
}

static void test_parse_getpwbyname(void **state) {
        (void) state;
        uint8_t bytes[64];
        struct request req;
        size_t n = request_bytes(bytes, REQ_GETPWBYNAME, "alice", 6);

        assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_OK);
        assert_int_equal(req.type, REQ_GETPWBYNAME);
        assert_int_equal(req.key_len, 6);
        assert_string_equal(req.key, "alice");
}

static void test_parse_key_without_nul_is_terminated(void **state) {
        (void) state;
        uint8_t bytes[64];
        struct request req;
        size_t n = request_bytes(bytes, REQ_GETGRBYNAME, "wheel", 5);

        assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_OK);
        assert_string_equal(req.key, "wheel");
}

static void test_parse_empty_key(void **state) {
        (void) state;
        uint8_t bytes[64];
        struct request req;
        size_t n = request_bytes(bytes, REQ_GETSTAT, "", 0);

        assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_OK);
        assert_int_equal(req.type, REQ_GETSTAT);
        assert_int_equal(req.key_len, 0);
        assert_string_equal(req.key, "");
}

static void test_parse_max_key(void **state) {
        (void) state;
        uint8_t bytes[NSCD_REQUEST_MAX_SIZE];
        uint8_t key[NSCD_MAX_KEY_LEN];
        struct request req;

        memset(key, 'a', sizeof(key));
        key[sizeof(key) - 1] = '\0';
        size_t n = request_bytes(bytes, REQ_GETPWBYNAME, key, sizeof(key));
        assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_OK);
        assert_int_equal(strlen(req.key), NSCD_MAX_KEY_LEN - 1);
}

static void test_parse_bad_version(void **state) {
        (void) state;
        /* 0x02000000 is what musl sends when it guesses the other byte order. */
        const int32_t versions[] = { 0, 1, 3, -2, 0x02000000, INT32_MAX };
        uint8_t bytes[64];
        struct request req;

        for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
                size_t n = request_bytes(bytes, REQ_GETPWBYNAME, "alice", 6);
                set_field(bytes, FIELD_VERSION, versions[i]);
                assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_BAD_VERSION);
        }
}

static void test_parse_bad_type(void **state) {
        (void) state;
        const int32_t types[] = { -1, REQ_TYPE_COUNT, 23, 1000, INT32_MIN, INT32_MAX };
        uint8_t bytes[64];
        struct request req;

        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                size_t n = request_bytes(bytes, REQ_GETPWBYNAME, "alice", 6);
                set_field(bytes, FIELD_TYPE, types[i]);
                assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_BAD_TYPE);
        }
}

static void test_parse_every_type_accepted(void **state) {
        (void) state;
        uint8_t bytes[64];
        struct request req, back;

        for (int32_t t = 0; t < REQ_TYPE_COUNT; t++) {
                size_t n = request_bytes(bytes, (enum request_type) t, "x", 2);
                assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_OK);
                assert_int_equal(req.type, t);
                assert_string_not_equal(request_type_name(req.type), "UNKNOWN");
                /* Building and parsing are each other's inverse. */
                assert_int_equal(wire_parse_request(bytes, wire_build_request(&req, bytes), &back), WIRE_OK);
                assert_memory_equal(&back, &req, offsetof(struct request, key) + req.key_len + 1);
        }
}

static void test_parse_bad_key_len(void **state) {
        (void) state;
        const int32_t lens[] = { -1, INT32_MIN, NSCD_MAX_KEY_LEN + 1, 1000000, INT32_MAX };
        uint8_t bytes[64];
        struct request req;

        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                size_t n = request_bytes(bytes, REQ_GETPWBYNAME, "alice", 6);
                set_field(bytes, FIELD_KEY_LEN, lens[i]);
                assert_int_equal(wire_parse_request(bytes, n, &req), WIRE_BAD_KEY_LEN);
        }
}

static void test_parse_truncated(void **state) {
        (void) state;
        uint8_t bytes[64];
        struct request req;
        size_t n = request_bytes(bytes, REQ_GETPWBYNAME, "alice", 6);

        /* Every prefix of a valid request is truncated. */
        for (size_t len = 0; len < n; len++)
                assert_int_equal(wire_parse_request(bytes, len, &req), WIRE_TRUNCATED);
}

static void test_parse_header_alone(void **state) {
        (void) state;
        uint8_t bytes[64];
        enum request_type type;
        uint32_t key_len;

        request_bytes(bytes, REQ_INITGROUPS, "", 0);
        set_field(bytes, FIELD_KEY_LEN, 1024);
        assert_int_equal(wire_parse_header(bytes, 12, &type, &key_len), WIRE_OK);
        assert_int_equal(type, REQ_INITGROUPS);
        assert_int_equal(key_len, 1024);
        assert_int_equal(wire_parse_header(bytes, 11, &type, &key_len), WIRE_TRUNCATED);
}

static int parse_id_of(const char *key, uint32_t *id) {
        struct request req;

        assert_int_equal(wire_request_init_text(&req, REQ_GETPWBYUID, key), 0);
        return wire_parse_id(&req, id);
}

static void test_parse_id_valid(void **state) {
        (void) state;
        uint32_t id;

        assert_int_equal(parse_id_of("0", &id), 0);
        assert_int_equal(id, 0);
        assert_int_equal(parse_id_of("1000", &id), 0);
        assert_int_equal(id, 1000);
        assert_int_equal(parse_id_of("4000000000", &id), 0);
        assert_int_equal(id, 4000000000u);
        assert_int_equal(parse_id_of("4294967294", &id), 0);
        assert_int_equal(id, 4294967294u);
        assert_int_equal(parse_id_of("4294967295", &id), 0);
        assert_int_equal(id, 4294967295u);
        assert_int_equal(parse_id_of("007", &id), 0);
        assert_int_equal(id, 7);
}

static void test_parse_id_malformed(void **state) {
        (void) state;
        const char *bad[] = { "", "abc", "12a", "a12", "-1", "+1", " 1", "1 ", "0x10",
                              "4294967296", "99999999999999999999999", "1.5" };
        uint32_t id;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(parse_id_of(bad[i], &id), -EBADMSG);
}

static void test_database_names(void **state) {
        (void) state;
        assert_int_equal(database_from_name("passwd"), DB_PASSWD);
        assert_int_equal(database_from_name("group"), DB_GROUP);
        assert_int_equal(database_from_name("hosts"), DB_HOSTS);
        assert_int_equal(database_from_name("services"), DB_SERVICES);
        assert_int_equal(database_from_name("netgroup"), DB_NETGROUP);
        assert_int_equal(database_from_name("bogus"), DB_NONE);
        assert_int_equal(database_from_name(""), DB_NONE);
        assert_int_equal(database_from_name("Passwd"), DB_NONE);
        assert_int_equal(request_type_database(REQ_INITGROUPS), DB_GROUP);
        assert_int_equal(request_type_database(REQ_GETAI), DB_HOSTS);
        assert_int_equal(request_type_database(REQ_INVALIDATE), DB_NONE);
}

/* ---- passwd -------------------------------------------------------------- */

static void test_passwd_found_golden(void **state) {
        (void) state;
        struct passwd pw = {
                .pw_name = "alice", .pw_passwd = "x", .pw_uid = 1000, .pw_gid = 1000,
                .pw_gecos = "Alice Example,,,", .pw_dir = "/home/alice", .pw_shell = "/bin/bash",
        };
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(6), I32(2), I32(1000), I32(1000), I32(17), I32(12), I32(10),
                'a', 'l', 'i', 'c', 'e', 0, 'x', 0,
                'A', 'l', 'i', 'c', 'e', ' ', 'E', 'x', 'a', 'm', 'p', 'l', 'e', ',', ',', ',', 0,
                '/', 'h', 'o', 'm', 'e', '/', 'a', 'l', 'i', 'c', 'e', 0,
                '/', 'b', 'i', 'n', '/', 'b', 'a', 's', 'h', 0,
        };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_passwd(&b.reply, &pw), 0);
        assert_int_equal(sizeof(expected), 83);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
        buf_free(&b.reply.body);
}

static void test_passwd_not_found_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = {
                I32(2), I32(0), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(0), I32(0),
        };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_passwd(&b.reply, NULL), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_passwd_empty_fields_and_large_ids(void **state) {
        (void) state;
        struct passwd pw = {
                .pw_name = "big", .pw_passwd = "", .pw_uid = 4294967294u, .pw_gid = 4000000000u,
                .pw_gecos = "", .pw_dir = "", .pw_shell = "",
        };
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(4), I32(1), I32(4294967294u), I32(4000000000u), I32(1), I32(1), I32(1),
                'b', 'i', 'g', 0, 0, 0, 0, 0,
        };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_passwd(&b.reply, &pw), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_passwd_long_gecos(void **state) {
        (void) state;
        char gecos[5000];
        struct passwd pw = {
                .pw_name = "g", .pw_passwd = "x", .pw_uid = 1, .pw_gid = 1,
                .pw_gecos = gecos, .pw_dir = "/", .pw_shell = "/bin/sh",
        };
        struct built b;
        int32_t gecos_len;

        memset(gecos, 'G', sizeof(gecos) - 1);
        gecos[sizeof(gecos) - 1] = '\0';
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_passwd(&b.reply, &pw), 0);
        memcpy(&gecos_len, b.reply.header + 24, 4);
        assert_int_equal(gecos_len, 5000);
        assert_int_equal(b.reply.body.len, 2 + 2 + 5000 + 2 + 8);
        assert_memory_equal(b.reply.body.data + 4, gecos, 5000);
        buf_free(&b.reply.body);
}

static void test_passwd_body_past_bound(void **state) {
        (void) state;
        struct passwd pw = {
                .pw_name = "alice", .pw_passwd = "x", .pw_uid = 1, .pw_gid = 1,
                .pw_gecos = "Alice Example,,,", .pw_dir = "/home/alice", .pw_shell = "/bin/bash",
        };
        struct reply r = { 0 };

        buf_init(&r.body, NULL, 0, 20);
        assert_int_equal(wire_reply_passwd(&r, &pw), -E2BIG);
        buf_free(&r.body);
}

/* ---- group --------------------------------------------------------------- */

static void test_group_found_golden(void **state) {
        (void) state;
        char *members[] = { "alice", "bob", NULL };
        struct group gr = { .gr_name = "wheel", .gr_passwd = "x", .gr_gid = 10, .gr_mem = members };
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(6), I32(2), I32(10), I32(2),
                I32(6), I32(4),
                'w', 'h', 'e', 'e', 'l', 0, 'x', 0,
                'a', 'l', 'i', 'c', 'e', 0, 'b', 'o', 'b', 0,
        };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_group(&b.reply, &gr), 0);
        assert_int_equal(sizeof(expected), 50);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_group_no_members(void **state) {
        (void) state;
        char *members[] = { NULL };
        struct group gr = { .gr_name = "empty", .gr_passwd = "", .gr_gid = 4294967294u, .gr_mem = members };
        static const uint8_t expected[] = {
                I32(2), I32(1), I32(6), I32(1), I32(4294967294u), I32(0),
                'e', 'm', 'p', 't', 'y', 0, 0,
        };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_group(&b.reply, &gr), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_group_not_found_golden(void **state) {
        (void) state;
        static const uint8_t expected[] = { I32(2), I32(0), I32(0), I32(0), I32(-1), I32(0) };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_group(&b.reply, NULL), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_group_thousands_of_members(void **state) {
        (void) state;
        enum { N = 5000 };
        char **members = calloc(N + 1, sizeof(char *));
        char (*names)[16] = calloc(N, 16);
        struct group gr = { .gr_name = "big", .gr_passwd = "x", .gr_gid = 5000, .gr_mem = members };
        struct built b;
        size_t names_total = 0;
        int32_t cnt;

        assert_non_null(members);
        assert_non_null(names);
        for (int i = 0; i < N; i++) {
                snprintf(names[i], 16, "user%d", i);
                members[i] = names[i];
                names_total += strlen(names[i]) + 1;
        }
        reply_start(&b, 1 << 24);
        assert_int_equal(wire_reply_group(&b.reply, &gr), 0);
        memcpy(&cnt, b.reply.header + 20, 4);
        assert_int_equal(cnt, N);
        assert_int_equal(b.reply.body.len, N * 4 + 4 + 2 + names_total);
        /* The length array comes first and counts each NUL. */
        for (int i = 0; i < N; i++) {
                int32_t len;
                memcpy(&len, b.reply.body.data + 4 * i, 4);
                assert_int_equal(len, (int32_t) strlen(names[i]) + 1);
        }
        /* The last member string ends the body. */
        assert_string_equal((const char *) b.reply.body.data + b.reply.body.len - strlen(names[N - 1]) - 1,
                            names[N - 1]);
        buf_free(&b.reply.body);
        free(members);
        free(names);
}

/* ---- initgroups ---------------------------------------------------------- */

static void test_initgroups_golden(void **state) {
        (void) state;
        const uint32_t gids[] = { 10 };
        static const uint8_t expected[] = { I32(2), I32(1), I32(1), I32(10) };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_initgroups(&b.reply, gids, 1), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_initgroups_none_is_not_found(void **state) {
        (void) state;
        static const uint8_t expected[] = { I32(2), I32(0), I32(0) };
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_initgroups(&b.reply, NULL, 0), 0);
        assert_reply_bytes(&b.reply, expected, sizeof(expected));
}

static void test_initgroups_hundreds_and_large_gids(void **state) {
        (void) state;
        uint32_t gids[300];
        struct built b;
        int32_t n;

        for (size_t i = 0; i < 300; i++)
                gids[i] = i == 299 ? 4294967294u : 20000 + (uint32_t) i;
        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_initgroups(&b.reply, gids, 300), 0);
        memcpy(&n, b.reply.header + 8, 4);
        assert_int_equal(n, 300);
        assert_int_equal(b.reply.body.len, sizeof(gids));
        assert_memory_equal(b.reply.body.data, gids, sizeof(gids));
        buf_free(&b.reply.body);
}

/* ---- unserved and control ------------------------------------------------ */

static void check_unserved(enum request_type type, const uint8_t *expected, size_t len) {
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_unserved(&b.reply, type), 0);
        assert_reply_bytes(&b.reply, expected, len);
}

static void test_unserved_golden(void **state) {
        (void) state;
        static const uint8_t pw[] = { I32(2), I32(-1), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(0), I32(0) };
        static const uint8_t gr[] = { I32(2), I32(-1), I32(0), I32(0), I32(-1), I32(0) };
        static const uint8_t initgr[] = { I32(2), I32(-1), I32(0) };
        static const uint8_t hst[] = { I32(2), I32(-1), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(-1) };
        static const uint8_t ai[] = { I32(2), I32(-1), I32(0), I32(0), I32(0), I32(-1) };
        static const uint8_t serv[] = { I32(2), I32(-1), I32(0), I32(0), I32(0), I32(-1) };
        static const uint8_t netgr[] = { I32(2), I32(-1), I32(0), I32(0) };
        static const uint8_t innetgr[] = { I32(2), I32(-1), I32(0) };

        check_unserved(REQ_GETPWBYNAME, pw, sizeof(pw));
        check_unserved(REQ_GETPWBYUID, pw, sizeof(pw));
        check_unserved(REQ_GETGRBYNAME, gr, sizeof(gr));
        check_unserved(REQ_GETGRBYGID, gr, sizeof(gr));
        check_unserved(REQ_INITGROUPS, initgr, sizeof(initgr));
        check_unserved(REQ_GETHOSTBYNAME, hst, sizeof(hst));
        check_unserved(REQ_GETHOSTBYNAMEv6, hst, sizeof(hst));
        check_unserved(REQ_GETHOSTBYADDR, hst, sizeof(hst));
        check_unserved(REQ_GETHOSTBYADDRv6, hst, sizeof(hst));
        check_unserved(REQ_GETAI, ai, sizeof(ai));
        check_unserved(REQ_GETSERVBYNAME, serv, sizeof(serv));
        check_unserved(REQ_GETSERVBYPORT, serv, sizeof(serv));
        check_unserved(REQ_GETNETGRENT, netgr, sizeof(netgr));
        check_unserved(REQ_INNETGR, innetgr, sizeof(innetgr));
}

static void test_unserved_rejects_control_types(void **state) {
        (void) state;
        struct built b;

        reply_start(&b, 1 << 20);
        assert_int_equal(wire_reply_unserved(&b.reply, REQ_INVALIDATE), -EINVAL);
        assert_int_equal(wire_reply_unserved(&b.reply, REQ_SHUTDOWN), -EINVAL);
}

static void test_invalidate_replies_golden(void **state) {
        (void) state;
        static const uint8_t ok[] = { 0, 0, 0, 0 };
        static const uint8_t einval[] = { 0x16, 0, 0, 0 };
        struct built b;

        reply_start(&b, 1 << 20);
        wire_reply_invalidate(&b.reply, 0);
        assert_reply_bytes(&b.reply, ok, sizeof(ok));
        reply_start(&b, 1 << 20);
        wire_reply_invalidate(&b.reply, EINVAL);
        assert_reply_bytes(&b.reply, einval, sizeof(einval));
}

/* ---- the buffer ----------------------------------------------------------- */

static void test_buf_moves_to_heap_and_respects_bound(void **state) {
        (void) state;
        uint8_t storage[8];
        struct buf b;

        buf_init(&b, storage, sizeof(storage), 4096);
        assert_int_equal(buf_append(&b, "1234567", 7), 0);
        assert_ptr_equal(b.data, storage);
        assert_int_equal(buf_append(&b, "89", 2), 0);
        assert_ptr_not_equal(b.data, storage);
        assert_memory_equal(b.data, "123456789", 9);
        while (buf_grow(&b) == 0)
                ;
        assert_int_equal(b.cap, 4096);
        assert_int_equal(buf_grow(&b), -E2BIG);
        assert_int_equal(buf_reserve(&b, 4096), -E2BIG);
        buf_free(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_build_request_golden),
                cmocka_unit_test(test_request_init_bounds),
                cmocka_unit_test(test_parse_getpwbyname),
                cmocka_unit_test(test_parse_key_without_nul_is_terminated),
                cmocka_unit_test(test_parse_empty_key),
                cmocka_unit_test(test_parse_max_key),
                cmocka_unit_test(test_parse_bad_version),
                cmocka_unit_test(test_parse_bad_type),
                cmocka_unit_test(test_parse_every_type_accepted),
                cmocka_unit_test(test_parse_bad_key_len),
                cmocka_unit_test(test_parse_truncated),
                cmocka_unit_test(test_parse_header_alone),
                cmocka_unit_test(test_parse_id_valid),
                cmocka_unit_test(test_parse_id_malformed),
                cmocka_unit_test(test_database_names),
                cmocka_unit_test(test_passwd_found_golden),
                cmocka_unit_test(test_passwd_not_found_golden),
                cmocka_unit_test(test_passwd_empty_fields_and_large_ids),
                cmocka_unit_test(test_passwd_long_gecos),
                cmocka_unit_test(test_passwd_body_past_bound),
                cmocka_unit_test(test_group_found_golden),
                cmocka_unit_test(test_group_no_members),
                cmocka_unit_test(test_group_not_found_golden),
                cmocka_unit_test(test_group_thousands_of_members),
                cmocka_unit_test(test_initgroups_golden),
                cmocka_unit_test(test_initgroups_none_is_not_found),
                cmocka_unit_test(test_initgroups_hundreds_and_large_gids),
                cmocka_unit_test(test_unserved_golden),
                cmocka_unit_test(test_unserved_rejects_control_types),
                cmocka_unit_test(test_invalidate_replies_golden),
                cmocka_unit_test(test_buf_moves_to_heap_and_respects_bound),
        };
        return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
