/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for GETHOSTBY* and GETAI (docs/nscd-protocol.md §3.3, §3.4):
 * their layouts, builders and decoders. */
#include "wire_hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <sys/socket.h>

#include "macro.h"
#include "request_text.h"
#include "wire_decode.h"

/* Body: name, aliases_cnt int32 alias lengths, addrs_cnt addresses of
 * 'length' bytes, the alias strings. */
struct hostent_reply_header {
        int32_t version;
        int32_t found;
        int32_t name_len;
        int32_t aliases_cnt;
        int32_t addrtype;
        int32_t length;
        int32_t addrs_cnt;
        int32_t error; /* h_errno */
};
_Static_assert(sizeof(struct hostent_reply_header) == 32, "glibc's client reads 8 int32 fields");

/* Body: addrslen bytes of addresses, naddrs family bytes, the canonical
 * name (canonlen bytes, none when 0). */
struct addrinfo_reply_header {
        int32_t version;
        int32_t found;
        int32_t naddrs;
        int32_t addrslen;
        int32_t canonlen;
        int32_t error; /* h_errno */
};
_Static_assert(sizeof(struct addrinfo_reply_header) == 24, "glibc's client reads 6 int32 fields");

int wire_host_address_width(enum request_type type) {
        switch (type) {
        case REQ_GETHOSTBYNAME:
        case REQ_GETHOSTBYADDR:
                return 4;
        case REQ_GETHOSTBYNAMEv6:
        case REQ_GETHOSTBYADDRv6:
                return 16;
        default:
                return 0;
        }
}

int wire_reply_hostent(struct reply *r, enum request_type type, const struct hostent *he) {
        int width = wire_host_address_width(type);
        int family = width == 16 ? AF_INET6 : AF_INET;
        struct hostent_reply_header h = {
                .version = NSCD_VERSION, .found = 1, .addrtype = family, .length = width,
        };
        size_t naliases, naddrs;
        int ret;

        if (width == 0 || he->h_addrtype != family || he->h_length != width)
                return -EINVAL;
        if (wire_count_strings(he->h_addr_list, &naddrs) < 0 || naddrs > INT32_MAX / 16)
                return -E2BIG;
        if (naddrs == 0)
                return -EINVAL;
        ret = wire_count_strings(he->h_aliases, &naliases);
        if (ret < 0)
                return ret;
        if (wire_strlen(he->h_name, &h.name_len) < 0)
                return -E2BIG;
        h.aliases_cnt = (int32_t) naliases;
        h.addrs_cnt = (int32_t) naddrs;

        ret = buf_append_str(&r->body, he->h_name);
        if (ret < 0)
                return ret;
        ret = wire_append_lengths(&r->body, he->h_aliases, naliases);
        if (ret < 0)
                return ret;
        for (size_t i = 0; i < naddrs; i++) {
                ret = buf_append(&r->body, he->h_addr_list[i], (size_t) width);
                if (ret < 0)
                        return ret;
        }
        ret = wire_append_strings(&r->body, (const char *const *) he->h_aliases, naliases);
        if (ret < 0)
                return ret;
        return wire_set_header(r, &h, sizeof(h));
}

/* No entry: found 0 or -1, with the h_errno the client reports. */
static int hostent_empty(struct reply *r, int32_t found, int32_t h_error) {
        const struct hostent_reply_header h = {
                .version = NSCD_VERSION, .found = found, .addrtype = -1, .length = -1, .error = h_error,
        };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_host_not_found(struct reply *r, int32_t h_error) {
        return hostent_empty(r, 0, h_error);
}

static int hostent_unserved(struct reply *r) {
        return hostent_empty(r, -1, NETDB_INTERNAL_ERROR);
}

static int describe_hostent(enum request_type type, struct wire_reader *rd, struct buf *out) {
        /* glibc's client takes the address width from the request type. */
        size_t width = (size_t) wire_host_address_width(type);
        struct hostent_reply_header h;
        struct wire_reader lens;
        int r = describe_header(rd, &h, sizeof(h), "hosts", out);

        if (r < 0)
                return r;
        if (r == 0)
                return describe_printf(out, "h_errno: %d\n", h.error);
        if (width == 16 && h.length != 16)
                return describe_malformed(out, "h_length is not 16 in the reply to an IPv6 request");
        if ((r = describe_counted(out, rd, h.name_len, "name")) < 0)
                return r;
        if ((r = describe_take_lengths(rd, h.aliases_cnt, &lens, "alias", out)) < 0)
                return r;
        if ((r = describe_printf(out, "addrtype: %d\nlength: %d\naddresses: %d\n", h.addrtype, h.length,
                                 h.addrs_cnt)) < 0)
                return r;
        if (!wire_count_fits(rd, h.addrs_cnt, width))
                return describe_malformed(out, "address count larger than the reply");
        for (int32_t i = 0; i < h.addrs_cnt; i++) {
                if ((r = describe_address(out, "address", width == 16 ? AF_INET6 : AF_INET, rd->p)) < 0)
                        return r;
                rd->p += width;
                rd->left -= width;
        }
        return describe_strings(out, &lens, rd, h.aliases_cnt, "alias");
}

/* Address keys read better as addresses. */
static void describe_hostent_key(const struct request *req, char *out, size_t size) {
        int width = wire_host_address_width(req->type);
        bool by_addr = req->type == REQ_GETHOSTBYADDR || req->type == REQ_GETHOSTBYADDRv6;

        if (!by_addr || req->key_len != (uint32_t) width ||
            !inet_ntop(width == 4 ? AF_INET : AF_INET6, req->key, out, (socklen_t) size))
                request_quote_key(req, out, size);
}

const struct wire_family wire_family_hostent = {
        .unserved = hostent_unserved,
        .describe_reply = describe_hostent,
        .describe_key = describe_hostent_key,
};

int ai_addresses_add(struct ai_addresses *a, int family, const void *addr) {
        uint8_t f = (uint8_t) family;
        int ret;

        if (family != AF_INET && family != AF_INET6)
                return -EINVAL;
        ret = buf_reserve(&a->families, 1);
        if (ret < 0)
                return ret;
        ret = buf_append(&a->addrs, addr, family == AF_INET ? 4 : 16);
        if (ret < 0)
                return ret;
        return buf_append(&a->families, &f, 1);
}

void ai_addresses_clear(struct ai_addresses *a) {
        a->addrs.len = 0;
        a->families.len = 0;
}

size_t ai_addresses_count(const struct ai_addresses *a) {
        return a->families.len;
}

int wire_reply_ai(struct reply *r, const struct ai_addresses *a, const char *canon) {
        size_t naddrs = ai_addresses_count(a), expected = 0;
        struct addrinfo_reply_header h = { .version = NSCD_VERSION, .found = 1 };
        int ret;

        if (naddrs == 0)
                return -EINVAL;
        /* The client steps 4 bytes for AF_INET and 16 for anything else,
         * so the families must account for every address byte. */
        for (size_t i = 0; i < naddrs; i++) {
                uint8_t f = a->families.data[i];
                if (f != AF_INET && f != AF_INET6)
                        return -EINVAL;
                expected += f == AF_INET ? 4 : 16;
        }
        if (expected != a->addrs.len)
                return -EINVAL;
        if (a->addrs.len > INT32_MAX || naddrs > INT32_MAX)
                return -E2BIG;
        if (canon && wire_strlen(canon, &h.canonlen) < 0)
                return -E2BIG;
        h.naddrs = (int32_t) naddrs;
        h.addrslen = (int32_t) a->addrs.len;

        ret = buf_append(&r->body, a->addrs.data, a->addrs.len);
        if (ret < 0)
                return ret;
        ret = buf_append(&r->body, a->families.data, naddrs);
        if (ret < 0)
                return ret;
        if (canon) {
                ret = buf_append_str(&r->body, canon);
                if (ret < 0)
                        return ret;
        }
        return wire_set_header(r, &h, sizeof(h));
}

static int addrinfo_empty(struct reply *r, int32_t found, int32_t h_error) {
        const struct addrinfo_reply_header h = { .version = NSCD_VERSION, .found = found, .error = h_error };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_ai_not_found(struct reply *r, int32_t h_error) {
        return addrinfo_empty(r, 0, h_error);
}

static int addrinfo_unserved(struct reply *r) {
        return addrinfo_empty(r, -1, NETDB_INTERNAL_ERROR);
}

static int describe_addrinfo(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct addrinfo_reply_header h;
        struct wire_reader addrs, families;
        int r = describe_header(rd, &h, sizeof(h), "GETAI", out);

        if (r < 0)
                return r;
        if (r == 0)
                return describe_printf(out, "h_errno: %d\n", h.error);
        if (h.naddrs < 0 || h.addrslen < 0 || !wire_take_part(rd, (size_t) h.addrslen, &addrs) ||
            !wire_take_part(rd, (size_t) h.naddrs, &families))
                return describe_malformed(out, "address counts larger than the reply");
        if ((r = describe_printf(out, "addresses: %d\n", h.naddrs)) < 0)
                return r;
        for (int32_t i = 0; i < h.naddrs; i++) {
                int family = families.p[i];
                size_t width = family == AF_INET ? 4 : 16;
                if (addrs.left < width)
                        return describe_malformed(out, "address bytes do not match the families");
                if ((r = describe_address(out, family == AF_INET ? "address" : "address6",
                                          family == AF_INET ? AF_INET : AF_INET6, addrs.p)) < 0)
                        return r;
                addrs.p += width;
                addrs.left -= width;
        }
        if (addrs.left != 0)
                return describe_malformed(out, "address bytes left over");
        if (h.canonlen == 0)
                return describe_printf(out, "canonical name: (none: the query name)\n");
        return describe_counted(out, rd, h.canonlen, "canonical name");
}

const struct wire_family wire_family_addrinfo = {
        .unserved = addrinfo_unserved,
        .describe_reply = describe_addrinfo,
};
