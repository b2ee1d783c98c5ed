/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "request_text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "wire_services.h"

void request_describe(const struct request *req, char *out, size_t size) {
        char key[REQUEST_KEY_SHOWN * 4 + 1], more[32] = "";
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
        /* Enough to tell keys apart; the rest is counted, so that a long
         * key cannot swamp the log or push the peer out of the line. */
        if (len > REQUEST_KEY_SHOWN) {
                snprintf(more, sizeof(more), " (+%zu bytes)", len - REQUEST_KEY_SHOWN);
                len = REQUEST_KEY_SHOWN;
        }
        log_escape_key(key, sizeof(key), req->key, len);

        /* A port key is the decimal of the port in network byte order
         * ("20480/tcp" asks for port 80): say which port that is. */
        struct service_query q;
        if (req->type == REQ_GETSERVBYPORT && wire_parse_service_query(req, &q) == WIRE_OK) {
                snprintf(out, size, "%s \"%s\"%s (port %u)", request_type_name(req->type), key, more,
                         (unsigned) ntohs((uint16_t) q.port));
                return;
        }
        snprintf(out, size, "%s \"%s\"%s", request_type_name(req->type), key, more);
}
