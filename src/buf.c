/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, void *storage, size_t size, size_t max) {
        /* Storage beyond max is not used: max bounds cap, always. */
        *b = (struct buf) {
                .data = storage,
                .cap = storage ? (size < max ? size : max) : 0,
                .max = max,
                .inline_storage = storage,
        };
}

void buf_free(struct buf *b) {
        if (b->data != b->inline_storage)
                free(b->data);
        b->data = b->inline_storage = NULL;
        b->len = b->cap = 0;
}

static int buf_set_capacity(struct buf *b, size_t cap) {
        uint8_t *p;

        if (b->data == b->inline_storage) {
                p = malloc(cap);
                if (!p)
                        return -ENOMEM;
                if (b->len > 0)
                        memcpy(p, b->data, b->len);
        } else {
                p = realloc(b->data, cap);
                if (!p)
                        return -ENOMEM;
        }
        b->data = p;
        b->cap = cap;
        return 0;
}

int buf_reserve(struct buf *b, size_t extra) {
        size_t need, cap;

        if (extra <= b->cap - b->len)
                return 0;
        if (extra > b->max - b->len)
                return -E2BIG;
        need = b->len + extra;
        /* Doubling keeps appends amortised; the bound still wins. */
        cap = b->cap < 256 ? 256 : b->cap;
        while (cap < need)
                cap = cap > b->max / 2 ? b->max : cap * 2;
        if (cap > b->max)
                cap = b->max;
        return buf_set_capacity(b, cap);
}

int buf_grow(struct buf *b) {
        size_t cap;

        if (b->cap >= b->max)
                return -E2BIG;
        cap = b->cap < 1024 ? 1024 : b->cap;
        cap = cap > b->max / 2 ? b->max : cap * 2;
        return buf_set_capacity(b, cap);
}

int buf_append(struct buf *b, const void *data, size_t n) {
        int r;

        if (n == 0)
                return 0;
        r = buf_reserve(b, n);
        if (r < 0)
                return r;
        memcpy(b->data + b->len, data, n);
        b->len += n;
        return 0;
}

int buf_append_str(struct buf *b, const char *s) {
        return buf_append(b, s, strlen(s) + 1);
}
