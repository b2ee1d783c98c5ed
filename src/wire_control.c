/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control requests' replies and their decoders. */
#include "wire_control.h"

#include <string.h>

#include "macro.h"
#include "wire_decode.h"

int wire_reply_invalidate(struct reply *r, int32_t status) {
        return wire_set_header(r, &status, sizeof(status));
}

static int describe_invalidate(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        int32_t v;

        if (!wire_take(rd, &v, sizeof(v)))
                return describe_malformed(out, "shorter than 4 bytes");
        return describe_printf(out, "result: %d (%s)\n", v, v == 0 ? "ok" : strerror(v));
}

const struct wire_family wire_family_invalidate = {
        .describe_reply = describe_invalidate,
};

/* glibc nscd's statistics are its own ABI-specific struct, which we never
 * send; say what arrived. */
static int describe_statistics(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        uint32_t v = 0;
        size_t len = rd->left;

        if (len >= sizeof(v))
                memcpy(&v, rd->p, sizeof(v));
        rd->left = 0;
        return describe_printf(out, "statistics: %zu bytes, version 0x%08x (glibc nscd's own layout)\n", len, v);
}

const struct wire_family wire_family_statistics = {
        .describe_reply = describe_statistics,
};

/* SHUTDOWN and GETFD*: the client expects no data, only a close (or, from
 * glibc nscd, a file descriptor). */
static int describe_no_reply(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        size_t len = rd->left;

        rd->left = 0;
        return describe_printf(out, "%zu bytes (this request expects no data reply)\n", len);
}

const struct wire_family wire_family_no_reply = {
        .describe_reply = describe_no_reply,
};
