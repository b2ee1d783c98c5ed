/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "reply_check.h"

#include <string.h>
#include <sys/socket.h>

/* A read position in the reply; every read is bounds-checked. */
struct cursor {
        const uint8_t *p;
        size_t left;
        const char *error;
};

static int32_t take_i32(struct cursor *c) {
        int32_t v = 0;

        if (c->error)
                return 0;
        if (c->left < sizeof(v)) {
                c->error = "shorter than its header";
                return 0;
        }
        memcpy(&v, c->p, sizeof(v));
        c->p += sizeof(v);
        c->left -= sizeof(v);
        return v;
}

static const uint8_t *take(struct cursor *c, int64_t n) {
        const uint8_t *at = c->p;

        if (c->error)
                return NULL;
        if (n < 0) {
                c->error = "negative length or count";
                return NULL;
        }
        if ((uint64_t) n > c->left) {
                c->error = "body shorter than the header announces";
                return NULL;
        }
        c->p += n;
        c->left -= (size_t) n;
        return at;
}

/* One string of wire length n: NUL-terminated, no NUL before the end. */
static void take_string(struct cursor *c, int32_t n) {
        const uint8_t *s;

        if (!c->error && n < 1)
                c->error = "string length without room for its NUL";
        s = take(c, n);
        if (s && (s[n - 1] != '\0' || memchr(s, '\0', (size_t) n - 1)))
                c->error = "string length does not match its NUL";
}

/* A uint32 length array of n entries, then that many strings. */
static void take_string_list(struct cursor *c, const uint8_t *lens, int32_t n) {
        for (int32_t i = 0; lens && i < n && !c->error; i++) {
                int32_t len;

                memcpy(&len, lens + (size_t) i * 4, 4);
                take_string(c, len);
        }
}

static const char *finish(struct cursor *c) {
        if (c->error)
                return c->error;
        if (c->left != 0)
                return "bytes after the reply";
        return NULL;
}

/* version and found; the rest of a header is fields the caller takes. */
static int32_t take_version_found(struct cursor *c) {
        int32_t version = take_i32(c), found = take_i32(c);

        if (!c->error && version != NSCD_VERSION)
                c->error = "reply version is not 2";
        if (!c->error && found != -1 && found != 0 && found != 1)
                c->error = "found is not -1, 0 or 1";
        return found;
}

static const char *check_passwd(struct cursor *c) {
        int32_t found = take_version_found(c), len[5];

        len[0] = take_i32(c);
        len[1] = take_i32(c);
        (void) take_i32(c); /* uid */
        (void) take_i32(c); /* gid */
        len[2] = take_i32(c);
        len[3] = take_i32(c);
        len[4] = take_i32(c);
        if (found == 1)
                for (int i = 0; i < 5; i++)
                        take_string(c, len[i]);
        return finish(c);
}

static const char *check_group(struct cursor *c) {
        int32_t found = take_version_found(c);
        int32_t name_len = take_i32(c), passwd_len = take_i32(c);
        int32_t count;

        (void) take_i32(c); /* gid */
        count = take_i32(c);
        if (found == 1) {
                const uint8_t *lens = take(c, (int64_t) count * 4);

                take_string(c, name_len);
                take_string(c, passwd_len);
                take_string_list(c, lens, count);
        }
        return finish(c);
}

static const char *check_hosts(struct cursor *c, enum request_type type) {
        bool v6 = type == REQ_GETHOSTBYNAMEv6 || type == REQ_GETHOSTBYADDRv6;
        int32_t found = take_version_found(c);
        int32_t name_len = take_i32(c), aliases = take_i32(c), family = take_i32(c);
        int32_t length = take_i32(c), addrs = take_i32(c);

        (void) take_i32(c); /* error */
        if (found == 1) {
                const uint8_t *lens;

                /* The client takes the address width from the request type. */
                if (!c->error && (family != (v6 ? AF_INET6 : AF_INET) || length != (v6 ? 16 : 4)))
                        return "address family or length does not match the request type";
                take_string(c, name_len);
                lens = take(c, (int64_t) aliases * 4);
                take(c, (int64_t) addrs * length);
                take_string_list(c, lens, aliases);
        }
        return finish(c);
}

static const char *check_addrinfo(struct cursor *c) {
        int32_t found = take_version_found(c);
        int32_t naddrs = take_i32(c), addrslen = take_i32(c), canonlen = take_i32(c);
        const uint8_t *families;
        int64_t expected = 0;

        (void) take_i32(c); /* error */
        if (found != 1)
                return finish(c);
        take(c, addrslen);
        families = take(c, naddrs);
        for (int32_t i = 0; families && i < naddrs; i++) {
                if (families[i] != AF_INET && families[i] != AF_INET6)
                        return "address family byte is neither AF_INET nor AF_INET6";
                expected += families[i] == AF_INET ? 4 : 16;
        }
        if (!c->error && expected != addrslen)
                return "address bytes do not match the family bytes";
        if (canonlen != 0)
                take_string(c, canonlen);
        return finish(c);
}

static const char *check_initgroups(struct cursor *c) {
        int32_t found = take_version_found(c), n = take_i32(c);

        if (found == 1)
                take(c, (int64_t) n * 4);
        return finish(c);
}

static const char *check_services(struct cursor *c) {
        int32_t found = take_version_found(c);
        int32_t name_len = take_i32(c), proto_len = take_i32(c), aliases = take_i32(c);

        (void) take_i32(c); /* port */
        if (found == 1) {
                const uint8_t *lens;

                take_string(c, name_len);
                take_string(c, proto_len);
                lens = take(c, (int64_t) aliases * 4);
                take_string_list(c, lens, aliases);
        }
        return finish(c);
}

static const char *check_netgroup(struct cursor *c) {
        int32_t found = take_version_found(c), triples = take_i32(c), len = take_i32(c);
        const uint8_t *data;
        int64_t nuls = 0;

        if (found != 1)
                return finish(c);
        data = take(c, len);
        for (int32_t i = 0; data && i < len; i++)
                nuls += data[i] == '\0';
        /* The client walks triples with rawmemchr: three NULs each. */
        if (data && (nuls != (int64_t) triples * 3 || (len > 0 && data[len - 1] != '\0')))
                return "netgroup data is not whole triples";
        return finish(c);
}

static const char *check_innetgr(struct cursor *c) {
        int32_t found = take_version_found(c), result = take_i32(c);

        if (!c->error && found == 1 && result != 0 && result != 1)
                return "INNETGR result is not 0 or 1";
        return finish(c);
}

const char *reply_check(enum request_type type, const uint8_t *bytes, size_t len) {
        struct cursor c = { bytes, len, NULL };

        switch (type) {
        case REQ_GETPWBYNAME:
        case REQ_GETPWBYUID:
                return check_passwd(&c);
        case REQ_GETGRBYNAME:
        case REQ_GETGRBYGID:
                return check_group(&c);
        case REQ_GETHOSTBYNAME:
        case REQ_GETHOSTBYNAMEv6:
        case REQ_GETHOSTBYADDR:
        case REQ_GETHOSTBYADDRv6:
                return check_hosts(&c, type);
        case REQ_GETAI:
                return check_addrinfo(&c);
        case REQ_INITGROUPS:
                return check_initgroups(&c);
        case REQ_GETSERVBYNAME:
        case REQ_GETSERVBYPORT:
                return check_services(&c);
        case REQ_GETNETGRENT:
                return check_netgroup(&c);
        case REQ_INNETGR:
                return check_innetgr(&c);
        case REQ_INVALIDATE:
                (void) take_i32(&c);
                return finish(&c);
        case REQ_GETSTAT:
                /* Unanswered, or glibc nscd's 768-byte x86_64 statistics. */
                return len == 768 ? NULL : "GETSTAT reply is not 768 bytes";
        case REQ_SHUTDOWN:
        case REQ_GETFDPW:
        case REQ_GETFDGR:
        case REQ_GETFDHST:
        case REQ_GETFDSERV:
        case REQ_GETFDNETGR:
                return "a reply to a request that gets none";
        case REQ_TYPE_COUNT:
                break;
        }
        return "a reply to an invalid request type";
}
