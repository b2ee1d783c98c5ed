/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the golden-byte tests of the wire layer. Include
 * after <cmocka.h>. */
#ifndef NSSRELAY_TEST_WIRE_GOLDEN_H
#define NSSRELAY_TEST_WIRE_GOLDEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* Host-order int32 as bytes, for writing golden replies readably. */
#define I32(v)                                                                                     \
        (uint8_t) ((uint32_t) (v) & 0xff), (uint8_t) (((uint32_t) (v) >> 8) & 0xff),              \
                (uint8_t) (((uint32_t) (v) >> 16) & 0xff), (uint8_t) (((uint32_t) (v) >> 24) & 0xff)

struct built {
        struct reply reply;
        uint8_t storage[64];
};

static inline void reply_start(struct built *b, size_t max) {
        memset(b, 0, sizeof(*b));
        buf_init(&b->reply.body, b->storage, sizeof(b->storage), max);
}

/* Compares header + body with the expected bytes. */
static inline void assert_reply_bytes(const struct reply *r, const uint8_t *expected, size_t len) {
        uint8_t *all = malloc(r->header_len + r->body.len + 1);

        assert_non_null(all);
        memcpy(all, r->header, r->header_len);
        if (r->body.len)
                memcpy(all + r->header_len, r->body.data, r->body.len);
        assert_int_equal(r->header_len + r->body.len, len);
        assert_memory_equal(all, expected, len);
        free(all);
}

/* A request as the transport would hand it over. */
static inline void request_set(struct request *req, enum request_type type, const void *key, size_t len) {
        assert_int_equal(wire_request_init(req, type, key, len), 0);
}

#endif
