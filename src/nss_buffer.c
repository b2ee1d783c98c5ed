/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nss_buffer.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "request_text.h"

void nss_report_error(const struct request *req, int error) {
        char what[REQUEST_TEXT_MAX];

        request_describe(req, what, sizeof(what));
        switch (error) {
        case ENOENT:
        case ESRCH:
        case EBADF:
        case EPERM:
                log_debug("%s: NSS said %s; answering not found", what, strerrorname_np(error));
                return;
        default:
                log_warning("%s: NSS failed: %s; answering not found", what, strerror(error));
        }
}

int nss_call_growing(const struct request *req, struct buf *buf, nss_call *call, void *ctx) {
        for (;;) {
                size_t need = 0;
                int r = call(ctx, (char *) buf->data, buf->cap, &need);

                if (r != ERANGE)
                        return r;
                /* Some calls say how much they need (it may still grow
                 * before the next call); the rest get twice as much. NSS
                 * buffers are empty (len 0), so reserving is sizing. */
                r = need > buf->cap ? buf_reserve(buf, need) : buf_grow(buf);
                if (r == -E2BIG) {
                        char what[REQUEST_TEXT_MAX];

                        request_describe(req, what, sizeof(what));
                        log_warning("%s: NSS still wants a larger buffer than %zu bytes; closing without a reply",
                                    what, buf->cap);
                }
                if (r < 0)
                        return r;
        }
}

int nss_call_entry(const struct request *req, struct buf *buf, nss_call *call, void *ctx) {
        int r = nss_call_growing(req, buf, call, ctx);

        if (r > 0) {
                nss_report_error(req, r);
                return 0;
        }
        return r;
}
