#include "request_text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

void request_describe(const struct request *req, char *out, size_t size) {
        char key[REQUEST_TEXT_MAX - 32];
        size_t len = req->key_len;

        /* Address keys read better as addresses. */
        if ((req->type == REQ_GETHOSTBYADDR && len == 4) || (req->type == REQ_GETHOSTBYADDRv6 && len == 16)) {
                char addr[INET6_ADDRSTRLEN];

                if (inet_ntop(len == 4 ? AF_INET : AF_INET6, req->key, addr, sizeof(addr))) {
                        snprintf(out, size, "%s %s", request_type_name(req->type), addr);
                        return;
                }
        }

        /* Text keys carry their NUL; it is noise in a log line. */
        if (len > 0 && req->key[len - 1] == '\0')
                len--;
        log_escape_key(key, sizeof(key), req->key, len);
        snprintf(out, size, "%s \"%s\"", request_type_name(req->type), key);
}
