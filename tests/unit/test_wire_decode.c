/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The reply decoder of `nssrelay query`: Debian nscd's bytes from
 * docs/nscd-protocol.md §3.9 in, text out; short and inconsistent replies are
 * reported, never read past. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "wire_decode.h"
#include "wire_golden.h"

/* Decodes from a heap copy of exactly len bytes, so ASan sees overreads. */
static int decode(enum request_type type, const uint8_t *bytes, size_t len, char *text, size_t size) {
        uint8_t *copy = malloc(len ? len : 1);
        struct buf out;
        int r;

        assert_non_null(copy);
        memcpy(copy, bytes, len);
        buf_init(&out, NULL, 0, 1 << 20);
        r = wire_describe_reply(type, copy, len, &out);
        free(copy);
        assert_true(out.len < size);
        memcpy(text, out.data ? (const char *) out.data : "", out.len);
        text[out.len] = '\0';
        buf_free(&out);
        return r;
}

static const uint8_t passwd_alice[] = {
        I32(2), I32(1), I32(6), I32(2), I32(1000), I32(1000), I32(0x11), I32(0xc), I32(0xa),
        'a', 'l', 'i', 'c', 'e', 0, 'x', 0, 'A', 'l', 'i', 'c', 'e', ' ', 'E', 'x', 'a', 'm', 'p', 'l', 'e',
        ',', ',', ',', 0, '/', 'h', 'o', 'm', 'e', '/', 'a', 'l', 'i', 'c', 'e', 0,
        '/', 'b', 'i', 'n', '/', 'b', 'a', 's', 'h', 0,
};

static void test_passwd(void **state) {
        (void) state;
        char text[4096];

        assert_int_equal(sizeof(passwd_alice), 83);
        assert_int_equal(decode(REQ_GETPWBYNAME, passwd_alice, sizeof(passwd_alice), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nname: alice\npasswd: x\nuid: 1000\ngid: 1000\n"
                                  "gecos: Alice Example,,,\ndir: /home/alice\nshell: /bin/bash\n");
        /* Every shorter prefix is malformed, and never read past. */
        for (size_t n = 1; n < sizeof(passwd_alice); n++)
                assert_int_equal(decode(REQ_GETPWBYNAME, passwd_alice, n, text, sizeof(text)), -EBADMSG);
}

static void test_not_found_and_unserved(void **state) {
        (void) state;
        static const uint8_t notfound[] = { I32(2), I32(0), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(0), I32(0) };
        static const uint8_t hst_unserved[] = { I32(2), I32(-1), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(-1) };
        char text[4096];

        assert_int_equal(decode(REQ_GETPWBYUID, notfound, sizeof(notfound), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 0 (not found)\n");
        assert_int_equal(decode(REQ_GETHOSTBYNAME, hst_unserved, sizeof(hst_unserved), text, sizeof(text)), 0);
        assert_string_equal(text, "found: -1 (not served here: the client looks it up itself)\nh_errno: -1\n");
}

static void test_group(void **state) {
        (void) state;
        static const uint8_t wheel[] = {
                I32(2), I32(1), I32(6), I32(2), I32(10), I32(2), I32(6), I32(4),
                'w', 'h', 'e', 'e', 'l', 0, 'x', 0, 'a', 'l', 'i', 'c', 'e', 0, 'b', 'o', 'b', 0,
        };
        static const uint8_t too_many[] = { I32(2), I32(1), I32(6), I32(2), I32(10), I32(0x7fffffff) };
        char text[4096];

        assert_int_equal(decode(REQ_GETGRBYNAME, wheel, sizeof(wheel), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nname: wheel\npasswd: x\ngid: 10\nmembers: 2\n"
                                  "member: alice\nmember: bob\n");
        assert_int_equal(decode(REQ_GETGRBYNAME, too_many, sizeof(too_many), text, sizeof(text)), -EBADMSG);
        for (size_t n = 1; n < sizeof(wheel); n++)
                assert_int_equal(decode(REQ_GETGRBYNAME, wheel, n, text, sizeof(text)), -EBADMSG);
}

static void test_hosts_and_ai(void **state) {
        (void) state;
        static const uint8_t web[] = {
                I32(2), I32(1), I32(0x11), I32(2), I32(2), I32(4), I32(1), I32(0),
                'w', 'e', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
                I32(4), I32(4), 0xc0, 0x00, 0x02, 0x0a, 'w', 'e', 'b', 0, 'w', 'w', 'w', 0,
        };
        static const uint8_t ai[] = {
                I32(2), I32(1), I32(2), I32(0x14), I32(0x11), I32(0),
                0xc0, 0x00, 0x02, 0x0a, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
                2, 10, 'w', 'e', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
        };
        static const uint8_t hst_notfound[] = { I32(2), I32(0), I32(0), I32(0), I32(-1), I32(-1), I32(0), I32(1) };
        char text[4096];

        assert_int_equal(sizeof(web), 69);
        assert_int_equal(decode(REQ_GETHOSTBYNAME, web, sizeof(web), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nname: web.example.test\naddrtype: 2\nlength: 4\n"
                                  "addresses: 1\naddress: 192.0.2.10\nalias: web\nalias: www\n");
        assert_int_equal(decode(REQ_GETHOSTBYNAME, hst_notfound, sizeof(hst_notfound), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 0 (not found)\nh_errno: 1\n");
        /* A v6 request needs 16-byte addresses. */
        assert_int_equal(decode(REQ_GETHOSTBYNAMEv6, web, sizeof(web), text, sizeof(text)), -EBADMSG);

        assert_int_equal(sizeof(ai), 63);
        assert_int_equal(decode(REQ_GETAI, ai, sizeof(ai), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\naddresses: 2\naddress: 192.0.2.10\naddress6: 2001:db8::10\n"
                                  "canonical name: web.example.test\n");
        for (size_t n = 1; n < sizeof(ai); n++)
                assert_int_equal(decode(REQ_GETAI, ai, n, text, sizeof(text)), -EBADMSG);
        for (size_t n = 1; n < sizeof(web); n++)
                assert_int_equal(decode(REQ_GETHOSTBYNAME, web, n, text, sizeof(text)), -EBADMSG);
}

static void test_services_netgroup_innetgr(void **state) {
        (void) state;
        static const uint8_t http[] = {
                I32(2), I32(1), I32(5), I32(4), I32(1), I32(0x5000),
                'h', 't', 't', 'p', 0, 't', 'c', 'p', 0, I32(4), 'w', 'w', 'w', 0,
        };
        static const uint8_t trusted[] = {
                I32(2), I32(1), I32(2), I32(0x30),
                'h', 'o', 's', 't', '1', 0, 'a', 'l', 'i', 'c', 'e', 0,
                'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
                'h', 'o', 's', 't', '2', 0, 'b', 'o', 'b', 0,
                'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't', 0,
        };
        static const uint8_t two_nuls[] = { I32(2), I32(1), I32(1), I32(2), 0, 0 };
        static const uint8_t member[] = { I32(2), I32(1), I32(1) };
        static const uint8_t initgr[] = { I32(2), I32(1), I32(1), I32(10) };
        static const uint8_t einval[] = { I32(22) };
        char text[4096];

        assert_int_equal(decode(REQ_GETSERVBYPORT, http, sizeof(http), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nname: http\nproto: tcp\nport: 80\naliases: 1\nalias: www\n");
        for (size_t n = 1; n < sizeof(http); n++)
                assert_int_equal(decode(REQ_GETSERVBYNAME, http, n, text, sizeof(text)), -EBADMSG);

        assert_int_equal(decode(REQ_GETNETGRENT, trusted, sizeof(trusted), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\ntriples: 2\ntriple: (host1,alice,example.test)\n"
                                  "triple: (host2,bob,example.test)\n");
        assert_int_equal(decode(REQ_GETNETGRENT, two_nuls, sizeof(two_nuls), text, sizeof(text)), -EBADMSG);
        for (size_t n = 1; n < sizeof(trusted); n++)
                assert_int_equal(decode(REQ_GETNETGRENT, trusted, n, text, sizeof(text)), -EBADMSG);

        assert_int_equal(decode(REQ_INNETGR, member, sizeof(member), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nresult: 1 (member)\n");
        assert_int_equal(decode(REQ_INITGROUPS, initgr, sizeof(initgr), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\ngroups: 1\ngid: 10\n");
        assert_int_equal(decode(REQ_INVALIDATE, einval, sizeof(einval), text, sizeof(text)), 0);
        assert_string_equal(text, "result: 22 (Invalid argument)\n");
}

static void test_escapes_and_extra_bytes(void **state) {
        (void) state;
        static const uint8_t odd[] = {
                I32(2), I32(1), I32(3), I32(4), I32(1), I32(0x5000),
                'a', '\n', 0, 't', '\\', 'p', 0, I32(2), 0xff, 0, 'X', 'Y',
        };
        char text[4096];

        assert_int_equal(decode(REQ_GETSERVBYNAME, odd, sizeof(odd), text, sizeof(text)), 0);
        assert_string_equal(text, "found: 1 (found)\nname: a\\x0a\nproto: t\\x5cp\nport: 80\naliases: 1\n"
                                  "alias: \\xff\n(2 more bytes after the reply, which clients ignore)\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_passwd),
                cmocka_unit_test(test_not_found_and_unserved),
                cmocka_unit_test(test_group),
                cmocka_unit_test(test_hosts_and_ai),
                cmocka_unit_test(test_services_netgroup_innetgr),
                cmocka_unit_test(test_escapes_and_extra_bytes),
        };
        return cmocka_run_group_tests_name("wire_decode", tests, NULL, NULL);
}
