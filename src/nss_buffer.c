/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nss_buffer.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "request_text.h"

enum outcome nss_buffer_exhausted(const struct request *req, size_t size) {
        char what[REQUEST_TEXT_MAX];

        request_describe(req, what, sizeof(what));
        log_warning("%s: NSS still wants a larger buffer than %zu bytes; closing without a reply",
                    what, size);
        return OUTCOME_TOO_LARGE;
}

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
        int r;

        while ((r = call(ctx, (char *) buf->data, buf->cap)) == ERANGE)
                if (buf_grow(buf) < 0) {
                        nss_buffer_exhausted(req, buf->cap);
                        return -E2BIG;
                }
        if (r != 0) {
                nss_report_error(req, r);
                return -ENOENT;
        }
        return 0;
}
