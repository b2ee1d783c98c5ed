/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decoding replies for people (docs/nscd-protocol.md §3): the dispatch
 * and what the describers in wire_<family>.c share. */
#include "wire_decode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

_printf_(2, 0) static int describe_vprintf(struct buf *out, const char *fmt, va_list ap) {
        va_list copy;
        int n, r;

        va_copy(copy, ap);
        n = vsnprintf(NULL, 0, fmt, copy);
        va_end(copy);
        if (n < 0)
                return -EINVAL;
        r = buf_reserve(out, (size_t) n + 1);
        if (r < 0)
                return r;
        vsnprintf((char *) out->data + out->len, (size_t) n + 1, fmt, ap);
        out->len += (size_t) n;
        return 0;
}

int describe_printf(struct buf *out, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = describe_vprintf(out, fmt, ap);
        va_end(ap);
        return r;
}

int describe_malformed(struct buf *out, const char *fmt, ...) {
        va_list ap;
        int r = describe_printf(out, "malformed reply: ");

        if (r < 0)
                return r;
        va_start(ap, fmt);
        r = describe_vprintf(out, fmt, ap);
        va_end(ap);
        if (r < 0)
                return r;
        r = buf_append(out, "\n", 1);
        return r < 0 ? r : -EBADMSG;
}

int describe_escaped(struct buf *out, const char *s, size_t len, const char *special) {
        int r = 0;

        for (size_t i = 0; r >= 0 && i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\' && !strchr(special, c))
                        r = buf_append(out, &c, 1);
                else
                        r = describe_printf(out, "\\x%02x", c);
        }
        return r;
}

int describe_string(struct buf *out, const char *label, const char *s, size_t len) {
        int r = describe_printf(out, "%s: ", label);

        if (r >= 0)
                r = describe_escaped(out, s, len, "");
        return r < 0 ? r : buf_append(out, "\n", 1);
}

int describe_address(struct buf *out, const char *label, int family, const uint8_t *addr) {
        char text[INET6_ADDRSTRLEN];

        if (!inet_ntop(family, addr, text, sizeof(text)))
                return describe_malformed(out, "unprintable address");
        return describe_printf(out, "%s: %s\n", label, text);
}

bool wire_take(struct wire_reader *rd, void *to, size_t n) {
        if (rd->left < n)
                return false;
        memcpy(to, rd->p, n);
        rd->p += n;
        rd->left -= n;
        return true;
}

bool wire_take_part(struct wire_reader *rd, size_t n, struct wire_reader *part) {
        if (rd->left < n)
                return false;
        *part = (struct wire_reader) { rd->p, n };
        rd->p += n;
        rd->left -= n;
        return true;
}

bool wire_count_fits(const struct wire_reader *rd, int32_t count, size_t each) {
        return count >= 0 && (size_t) count <= rd->left / each;
}

/* A counted string: len bytes that end with its NUL. */
static bool take_string(struct wire_reader *rd, int32_t len, const char **s, size_t *slen) {
        if (len <= 0 || (size_t) len > rd->left || rd->p[len - 1] != '\0')
                return false;
        *s = (const char *) rd->p;
        *slen = strnlen(*s, (size_t) len - 1);
        rd->p += len;
        rd->left -= (size_t) len;
        return true;
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

int describe_header(struct wire_reader *rd, void *header, size_t size, const char *what, struct buf *out) {
        int32_t version, found;
        int r;

        if (rd->left >= sizeof(version)) {
                memcpy(&version, rd->p, sizeof(version));
                if (version != NSCD_VERSION && (r = describe_printf(out, "version: %d (not 2)\n", version)) < 0)
                        return r;
        }
        if (!wire_take(rd, header, size))
                return describe_malformed(out, "shorter than the %zu-byte %s header", size, what);
        /* found follows version in every header. */
        memcpy(&found, (const uint8_t *) header + sizeof(version), sizeof(found));
        r = describe_printf(out, "found: %d (%s)\n", found, wire_found_meaning(found));
        return r < 0 ? r : found == 1;
}

int describe_counted(struct buf *out, struct wire_reader *rd, int32_t len, const char *label) {
        const char *s;
        size_t slen;

        if (!take_string(rd, len, &s, &slen))
                return describe_malformed(out, "string lengths do not match the bytes");
        return describe_string(out, label, s, slen);
}

int describe_take_lengths(struct wire_reader *rd, int32_t count, struct wire_reader *lens, const char *what,
                          struct buf *out) {
        if (!wire_count_fits(rd, count, sizeof(int32_t)) ||
            !wire_take_part(rd, (size_t) count * sizeof(int32_t), lens))
                return describe_malformed(out, "%s count larger than the reply", what);
        return 0;
}

int describe_strings(struct buf *out, struct wire_reader *lens, struct wire_reader *rd, int32_t count,
                     const char *label) {
        for (int32_t i = 0; i < count; i++) {
                int32_t len;
                int r;

                if (!wire_take(lens, &len, sizeof(len)))
                        return describe_malformed(out, "length array cut short");
                r = describe_counted(out, rd, len, label);
                if (r < 0)
                        return r;
        }
        return 0;
}

int wire_describe_reply(enum request_type type, const uint8_t *bytes, size_t len, struct buf *out) {
        const struct wire_family *f = request_family(type);
        struct wire_reader rd = { bytes, len };
        int r;

        if (!f)
                return -EINVAL;
        r = f->describe_reply(type, &rd, out);
        if (r < 0)
                return r;
        if (rd.left > 0)
                return describe_printf(out, "(%zu more bytes after the reply, which clients ignore)\n", rd.left);
        return 0;
}
