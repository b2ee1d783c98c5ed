/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decoding replies for people (docs/nscd-protocol.md §3). */
#include "wire_decode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"

/* The bytes not yet decoded. */
struct reader {
        const uint8_t *p;
        size_t left;
};

/* Formats into out; -E2BIG/-ENOMEM when out cannot take it. */
_printf_(2, 3) static int out_printf(struct buf *out, const char *fmt, ...) {
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        int r = buf_reserve(out, (size_t) n + 1);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf((char *) out->data + out->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
        out->len += (size_t) n;
        return 0;
}

/* Text from the daemon with unprintable bytes, backslashes and the
 * characters in 'special' escaped (\xHH), so that no reply can send the
 * terminal control sequences or fake the output's structure. */
static int out_escaped(struct buf *out, const char *s, size_t len, const char *special) {
        int r = 0;

        for (size_t i = 0; r >= 0 && i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\' && !strchr(special, c))
                        r = buf_append(out, &c, 1);
                else
                        r = out_printf(out, "\\x%02x", c);
        }
        return r;
}

/* "label: text\n", the text escaped. */
static int out_string(struct buf *out, const char *label, const char *s, size_t len) {
        int r = out_printf(out, "%s: ", label);

        if (r >= 0)
                r = out_escaped(out, s, len, "");
        return r < 0 ? r : buf_append(out, "\n", 1);
}

static bool take(struct reader *rd, void *to, size_t n) {
        if (rd->left < n)
                return false;
        memcpy(to, rd->p, n);
        rd->p += n;
        rd->left -= n;
        return true;
}

/* A counted string: len bytes that end with its NUL. */
static bool take_string(struct reader *rd, int32_t len, const char **s, size_t *slen) {
        if (len <= 0 || (size_t) len > rd->left || rd->p[len - 1] != '\0')
                return false;
        *s = (const char *) rd->p;
        *slen = strnlen(*s, (size_t) len - 1);
        rd->p += len;
        rd->left -= (size_t) len;
        return true;
}

/* Reads 'count' int32 header fields; false if the reply is shorter. */
static bool take_header(struct reader *rd, int32_t *h, size_t count) {
        return take(rd, h, count * sizeof(int32_t));
}

static int bad(struct buf *out, const char *what) {
        int r = out_printf(out, "malformed reply: %s\n", what);
        return r < 0 ? r : -EBADMSG;
}

/* Appends "found: N (meaning)"; 0, or a negative errno when out is full. */
static int out_found(struct buf *out, int32_t found) {
        return out_printf(out, "found: %d (%s)\n", found, wire_found_meaning(found));
}

const char *wire_found_meaning(int32_t found) {
        switch (found) {
        case 1:
                return "found";
        case 0:
                return "not found";
        case -1:
                return "not served here: the client looks it up itself";
        default:
                return "not found, as glibc's client reads any value but 1 and -1";
        }
}

/* Strings named by a uint32 length array that comes first. */
static int out_counted_strings(struct buf *out, struct reader *lens, struct reader *strings, int32_t count,
                               const char *label) {
        for (int32_t i = 0; i < count; i++) {
                int32_t len;
                const char *s;
                size_t slen;

                if (!take(lens, &len, sizeof(len)))
                        return bad(out, "length array cut short");
                if (!take_string(strings, len, &s, &slen))
                        return bad(out, "string lengths do not match the bytes");
                int r = out_string(out, label, s, slen);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool count_fits(int32_t count, size_t each, size_t left) {
        return count >= 0 && (size_t) count <= left / each;
}

static int describe_passwd(struct reader *rd, struct buf *out) {
        int32_t h[PW_HEADER_FIELDS];
        static const char *const labels[] = { "name", "passwd", "gecos", "dir", "shell" };
        const int idx[] = { 2, 3, 6, 7, 8 };
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 36-byte passwd header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(labels); i++) {
                const char *s;
                size_t slen;
                if (!take_string(rd, h[idx[i]], &s, &slen))
                        return bad(out, "string lengths do not match the bytes");
                if ((r = out_string(out, labels[i], s, slen)) < 0)
                        return r;
                if (i == 1 && (r = out_printf(out, "uid: %u\ngid: %u\n", (uint32_t) h[4], (uint32_t) h[5])) < 0)
                        return r;
        }
        return 0;
}

static int describe_group(struct reader *rd, struct buf *out) {
        int32_t h[GR_HEADER_FIELDS];
        const char *s;
        size_t slen;
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 24-byte group header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        if (!count_fits(h[5], sizeof(int32_t), rd->left))
                return bad(out, "member count larger than the reply");
        struct reader lens = { rd->p, (size_t) h[5] * 4 };
        rd->p += lens.left;
        rd->left -= lens.left;
        if (!take_string(rd, h[2], &s, &slen) || (r = out_string(out, "name", s, slen)) < 0)
                return r < 0 ? r : bad(out, "string lengths do not match the bytes");
        if (!take_string(rd, h[3], &s, &slen) || (r = out_string(out, "passwd", s, slen)) < 0)
                return r < 0 ? r : bad(out, "string lengths do not match the bytes");
        if ((r = out_printf(out, "gid: %u\nmembers: %d\n", (uint32_t) h[4], h[5])) < 0)
                return r;
        return out_counted_strings(out, &lens, rd, h[5], "member");
}

static int out_address(struct buf *out, const char *label, int family, const uint8_t *addr) {
        char text[INET6_ADDRSTRLEN];

        if (!inet_ntop(family, addr, text, sizeof(text)))
                return bad(out, "unprintable address");
        return out_printf(out, "%s: %s\n", label, text);
}

static int describe_hosts(enum request_type type, struct reader *rd, struct buf *out) {
        int32_t h[HST_HEADER_FIELDS];
        const char *s;
        size_t slen;
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 32-byte hosts header");
        if ((r = out_found(out, h[1])) < 0)
                return r;
        if (h[1] != 1)
                return out_printf(out, "h_errno: %d\n", h[7]);
        /* glibc's client takes the address width from the request type. */
        bool v6 = type == REQ_GETHOSTBYNAMEv6 || type == REQ_GETHOSTBYADDRv6;
        size_t width = v6 ? 16 : 4;
        if (v6 && h[5] != 16)
                return bad(out, "h_length is not 16 in the reply to an IPv6 request");
        if (!take_string(rd, h[2], &s, &slen) || (r = out_string(out, "name", s, slen)) < 0)
                return r < 0 ? r : bad(out, "string lengths do not match the bytes");
        if (!count_fits(h[3], 4, rd->left))
                return bad(out, "alias count larger than the reply");
        struct reader lens = { rd->p, (size_t) h[3] * 4 };
        rd->p += lens.left;
        rd->left -= lens.left;
        if ((r = out_printf(out, "addrtype: %d\nlength: %d\naddresses: %d\n", h[4], h[5], h[6])) < 0)
                return r;
        if (!count_fits(h[6], width, rd->left))
                return bad(out, "address count larger than the reply");
        for (int32_t i = 0; i < h[6]; i++) {
                if ((r = out_address(out, "address", v6 ? AF_INET6 : AF_INET, rd->p)) < 0)
                        return r;
                rd->p += width;
                rd->left -= width;
        }
        return out_counted_strings(out, &lens, rd, h[3], "alias");
}

static int describe_ai(struct reader *rd, struct buf *out) {
        int32_t h[AI_HEADER_FIELDS];
        const char *s;
        size_t slen;
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 24-byte GETAI header");
        if ((r = out_found(out, h[1])) < 0)
                return r;
        if (h[1] != 1)
                return out_printf(out, "h_errno: %d\n", h[5]);
        if (h[2] < 0 || h[3] < 0 || (size_t) h[3] > rd->left || (size_t) h[2] > rd->left - (size_t) h[3])
                return bad(out, "address counts larger than the reply");
        struct reader addrs = { rd->p, (size_t) h[3] };
        const uint8_t *families = rd->p + h[3];
        rd->p += (size_t) h[3] + (size_t) h[2];
        rd->left -= (size_t) h[3] + (size_t) h[2];
        if ((r = out_printf(out, "addresses: %d\n", h[2])) < 0)
                return r;
        for (int32_t i = 0; i < h[2]; i++) {
                int family = families[i];
                size_t width = family == AF_INET ? 4 : 16;
                if (addrs.left < width)
                        return bad(out, "address bytes do not match the families");
                if ((r = out_address(out, family == AF_INET ? "address" : "address6",
                                     family == AF_INET ? AF_INET : AF_INET6, addrs.p)) < 0)
                        return r;
                addrs.p += width;
                addrs.left -= width;
        }
        if (addrs.left != 0)
                return bad(out, "address bytes left over");
        if (h[4] == 0)
                return out_printf(out, "canonical name: (none: the query name)\n");
        if (!take_string(rd, h[4], &s, &slen))
                return bad(out, "string lengths do not match the bytes");
        return out_string(out, "canonical name", s, slen);
}

static int describe_initgroups(struct reader *rd, struct buf *out) {
        int32_t h[INITGR_HEADER_FIELDS];
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 12-byte INITGROUPS header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        if (!count_fits(h[2], 4, rd->left))
                return bad(out, "group count larger than the reply");
        if ((r = out_printf(out, "groups: %d\n", h[2])) < 0)
                return r;
        for (int32_t i = 0; i < h[2]; i++) {
                uint32_t gid = 0;
                (void) take(rd, &gid, sizeof(gid)); /* count_fits() checked the room */
                if ((r = out_printf(out, "gid: %u\n", gid)) < 0)
                        return r;
        }
        return 0;
}

static int describe_service(struct reader *rd, struct buf *out) {
        int32_t h[SERV_HEADER_FIELDS];
        const char *s;
        size_t slen;
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 24-byte services header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        if (!take_string(rd, h[2], &s, &slen) || (r = out_string(out, "name", s, slen)) < 0)
                return r < 0 ? r : bad(out, "string lengths do not match the bytes");
        if (!take_string(rd, h[3], &s, &slen) || (r = out_string(out, "proto", s, slen)) < 0)
                return r < 0 ? r : bad(out, "string lengths do not match the bytes");
        /* s_port holds the port in network byte order. */
        if ((r = out_printf(out, "port: %u\naliases: %d\n", ntohs((uint16_t) h[5]), h[4])) < 0)
                return r;
        if (!count_fits(h[4], 4, rd->left))
                return bad(out, "alias count larger than the reply");
        struct reader lens = { rd->p, (size_t) h[4] * 4 };
        rd->p += lens.left;
        rd->left -= lens.left;
        return out_counted_strings(out, &lens, rd, h[4], "alias");
}

static int describe_netgroup(struct reader *rd, struct buf *out) {
        int32_t h[NETGR_HEADER_FIELDS];
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 16-byte netgroup header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        if (h[3] < 0 || (size_t) h[3] > rd->left)
                return bad(out, "result_len larger than the reply");
        if ((r = out_printf(out, "triples: %d\n", h[2])) < 0)
                return r;
        struct reader data = { rd->p, (size_t) h[3] };
        rd->p += h[3];
        rd->left -= (size_t) h[3];
        int32_t n = 0;
        while (data.left > 0) {
                const char *f[3];
                size_t flen[3];
                for (int i = 0; i < 3; i++) {
                        const uint8_t *nul = memchr(data.p, '\0', data.left);
                        if (!nul)
                                return bad(out, "a triple without its three NULs");
                        f[i] = (const char *) data.p;
                        flen[i] = (size_t) (nul - data.p);
                        data.left -= flen[i] + 1;
                        data.p = nul + 1;
                }
                /* Empty fields are wildcards; print them as getent does,
                 * escaped: a field could hold "," or ")" too. */
                r = out_printf(out, "triple: (");
                for (int i = 0; r >= 0 && i < 3; i++)
                        if ((r = out_escaped(out, f[i], flen[i], ",()")) >= 0)
                                r = buf_append(out, i < 2 ? "," : ")\n", i < 2 ? 1 : 2);
                if (r < 0)
                        return r;
                n++;
        }
        return n == h[2] ? 0 : bad(out, "nresults does not match the triples");
}

static int describe_innetgr(struct reader *rd, struct buf *out) {
        int32_t h[INNETGR_HEADER_FIELDS];
        int r;

        if (!take_header(rd, h, ELEMENTSOF(h)))
                return bad(out, "shorter than the 12-byte INNETGR header");
        if ((r = out_found(out, h[1])) < 0 || h[1] != 1)
                return r;
        return out_printf(out, "result: %d (%s)\n", h[2], h[2] == 1 ? "member" : "not a member");
}

static int describe_int32(struct reader *rd, struct buf *out) {
        int32_t v;

        if (!take(rd, &v, sizeof(v)))
                return bad(out, "shorter than 4 bytes");
        return out_printf(out, "result: %d (%s)\n", v, v == 0 ? "ok" : strerror(v));
}

int wire_describe_reply(enum request_type type, const uint8_t *bytes, size_t len, struct buf *out) {
        struct reader rd = { bytes, len };
        int32_t version;
        int r;

        if (type == REQ_GETSTAT) {
                uint32_t v = 0;
                if (len >= 4)
                        memcpy(&v, bytes, 4);
                return out_printf(out, "statistics: %zu bytes, version 0x%08x (glibc nscd's own layout)\n",
                                  len, v);
        }
        if (type == REQ_INVALIDATE)
                r = describe_int32(&rd, out);
        else if (type == REQ_SHUTDOWN || request_type_database(type) == DB_NONE ||
                 type == REQ_GETFDPW || type == REQ_GETFDGR || type == REQ_GETFDHST ||
                 type == REQ_GETFDSERV || type == REQ_GETFDNETGR)
                return out_printf(out, "%zu bytes (this request expects no data reply)\n", len);
        else {
                if (len >= 4) {
                        memcpy(&version, bytes, 4);
                        if (version != NSCD_VERSION && (r = out_printf(out, "version: %d (not 2)\n", version)) < 0)
                                return r;
                }
                switch (type) {
                case REQ_GETPWBYNAME:
                case REQ_GETPWBYUID:
                        r = describe_passwd(&rd, out);
                        break;
                case REQ_GETGRBYNAME:
                case REQ_GETGRBYGID:
                        r = describe_group(&rd, out);
                        break;
                case REQ_GETHOSTBYNAME:
                case REQ_GETHOSTBYNAMEv6:
                case REQ_GETHOSTBYADDR:
                case REQ_GETHOSTBYADDRv6:
                        r = describe_hosts(type, &rd, out);
                        break;
                case REQ_GETAI:
                        r = describe_ai(&rd, out);
                        break;
                case REQ_INITGROUPS:
                        r = describe_initgroups(&rd, out);
                        break;
                case REQ_GETSERVBYNAME:
                case REQ_GETSERVBYPORT:
                        r = describe_service(&rd, out);
                        break;
                case REQ_GETNETGRENT:
                        r = describe_netgroup(&rd, out);
                        break;
                case REQ_INNETGR:
                        r = describe_innetgr(&rd, out);
                        break;
                default:
                        return -EINVAL;
                }
        }
        if (r < 0)
                return r;
        if (rd.left > 0)
                return out_printf(out, "(%zu more bytes after the reply, which clients ignore)\n", rd.left);
        return 0;
}
