/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for GETHOSTBY* and GETAI (docs/nscd-protocol.md §3.3, §3.4). */
#include "wire_hosts.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <sys/socket.h>

#include "macro.h"

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

static size_t count_list(char *const *list) {
        size_t n = 0;

        while (list && list[n])
                n++;
        return n;
}

int wire_reply_hostent(struct reply *r, enum request_type type, const struct hostent *h) {
        int width = wire_host_address_width(type);
        int family = width == 16 ? AF_INET6 : AF_INET;
        size_t naliases, naddrs;
        int32_t name_len;
        int ret;

        if (width == 0 || h->h_addrtype != family || h->h_length != width)
                return -EINVAL;
        naddrs = count_list(h->h_addr_list);
        if (naddrs == 0)
                return -EINVAL;
        naliases = count_list(h->h_aliases);
        if (naddrs > INT32_MAX / 16 || naliases > INT32_MAX / sizeof(uint32_t))
                return -E2BIG;
        if (wire_strlen(h->h_name, &name_len) < 0)
                return -E2BIG;

        /* Body: name, alias lengths, addresses, alias strings. */
        ret = buf_append_str(&r->body, h->h_name);
        if (ret < 0)
                return ret;
        for (size_t i = 0; i < naliases; i++) {
                int32_t len;
                if (wire_strlen(h->h_aliases[i], &len) < 0)
                        return -E2BIG;
                ret = buf_append(&r->body, &len, sizeof(len));
                if (ret < 0)
                        return ret;
        }
        for (size_t i = 0; i < naddrs; i++) {
                ret = buf_append(&r->body, h->h_addr_list[i], (size_t) width);
                if (ret < 0)
                        return ret;
        }
        ret = wire_append_strings(&r->body, (const char *const *) h->h_aliases, naliases);
        if (ret < 0)
                return ret;

        const int32_t header[HST_HEADER_FIELDS] = {
                NSCD_VERSION, 1, name_len, (int32_t) naliases, family, width, (int32_t) naddrs, 0,
        };
        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}

int wire_reply_host_not_found(struct reply *r, int32_t h_error) {
        const int32_t header[HST_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0, -1, -1, 0, h_error };

        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}

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
        int32_t canon_len = 0;
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
        if (canon && wire_strlen(canon, &canon_len) < 0)
                return -E2BIG;

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

        const int32_t header[AI_HEADER_FIELDS] = {
                NSCD_VERSION, 1, (int32_t) naddrs, (int32_t) a->addrs.len, canon_len, 0,
        };
        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}

int wire_reply_ai_not_found(struct reply *r, int32_t h_error) {
        const int32_t header[AI_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0, 0, h_error };

        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}
