#include "request_text.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

void request_describe(const struct request *req, char *out, size_t size) {
        char key[REQUEST_TEXT_MAX - 32];
        size_t len = req->key_len;

        /* Text keys carry their NUL; it is noise in a log line. */
        if (len > 0 && req->key[len - 1] == '\0')
                len--;
        log_escape_key(key, sizeof(key), req->key, len);
        snprintf(out, size, "%s \"%s\"", request_type_name(req->type), key);
}
