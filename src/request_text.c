/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "request_text.h"

#include <stdio.h>

#include "log.h"

void request_quote_key(const struct request *req, char *out, size_t size) {
        char key[REQUEST_KEY_SHOWN * 4 + 1], more[32] = "";
        size_t len = req->key_len;

        /* Text keys carry their NUL; it is noise in a log line. */
        if (len > 0 && req->key[len - 1] == '\0')
                len--;
        /* Enough to tell keys apart; the rest is counted, so that a long
         * key cannot swamp the log or push the peer out of the line. */
        if (len > REQUEST_KEY_SHOWN) {
                snprintf(more, sizeof(more), " (+%zu bytes)", len - REQUEST_KEY_SHOWN);
                len = REQUEST_KEY_SHOWN;
        }
        log_escape_key(key, sizeof(key), req->key, len);
        snprintf(out, size, "\"%s\"%s", key, more);
}

void request_describe(const struct request *req, char *out, size_t size) {
        const struct wire_family *f = request_family(req->type);
        char key[REQUEST_TEXT_MAX - 16];

        if (f && f->describe_key)
                f->describe_key(req, key, sizeof(key));
        else
                request_quote_key(req, key, sizeof(key));
        snprintf(out, size, "%s %s", request_type_name(req->type), key);
}
