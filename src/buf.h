/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growable byte buffer with a hard upper bound.
 *
 * It may start on caller-provided (usually stack) storage and moves to the
 * heap only when that is too small, so ordinary lookups never call malloc.
 * Every allocation is capped by 'max': a misbehaving NSS module or a huge
 * entry ends in -E2BIG instead of unbounded memory use. */
#ifndef NSSRELAY_BUF_H
#define NSSRELAY_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
        uint8_t *data;
        size_t len;      /* bytes in use */
        size_t cap;      /* bytes available at data */
        size_t max;      /* cap may never exceed this */
        uint8_t *inline_storage; /* initial storage, not ours to free */
};

/* Starts an empty buffer on 'storage' (may be NULL when size is 0). */
void buf_init(struct buf *b, void *storage, size_t size, size_t max);
void buf_free(struct buf *b);

/* Makes room for at least 'extra' more bytes. -E2BIG past max, -ENOMEM. */
int buf_reserve(struct buf *b, size_t extra);
/* Makes the capacity at least twice what it was (bounded by max); used
 * when an NSS call answers ERANGE. -E2BIG once max is reached. */
int buf_grow(struct buf *b);
/* Appends bytes; returns 0 or a negative errno as buf_reserve. */
int buf_append(struct buf *b, const void *data, size_t n);
/* Appends a C string including its NUL. */
int buf_append_str(struct buf *b, const char *s);

#endif
