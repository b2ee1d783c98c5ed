/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Services keys and replies (docs/nscd-protocol.md §2.2, §3.6). */
#include "wire_services.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "macro.h"

/* Digits only, no sign or spaces, at most 65535: the decimal that
 * glibc's client writes for a network-order port. */
static int parse_port(const char *s, int *out) {
        int v = 0;

        if (*s == '\0')
                return -1;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                v = v * 10 + (*s - '0');
                if (v > 65535)
                        return -1;
        }
        *out = v;
        return 0;
}

enum wire_error wire_parse_service_query(const struct request *req, struct service_query *q) {
        char *slash;

        if (!wire_key_is_text(req))
                return WIRE_BAD_KEY;
        memcpy(q->text, req->key, req->key_len + 1);
        q->name = NULL;
        q->proto = NULL;
        q->port = 0;

        if (req->type == REQ_GETSERVBYPORT) {
                slash = strchr(q->text, '/');
                if (!slash)
                        return WIRE_BAD_KEY;
                *slash = '\0';
                if (parse_port(q->text, &q->port) < 0)
                        return WIRE_BAD_KEY;
        } else if (req->type == REQ_GETSERVBYNAME) {
                slash = strrchr(q->text, '/');
                if (!slash)
                        return WIRE_BAD_KEY;
                *slash = '\0';
                q->name = q->text;
        } else
                return WIRE_BAD_KEY;

        if (slash[1] != '\0')
                q->proto = slash + 1;
        return WIRE_OK;
}

int wire_reply_service(struct reply *r, const struct servent *s) {
        int32_t name_len, proto_len;
        size_t count = 0;
        int ret;

        if (!s) {
                const int32_t notfound[SERV_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0, 0, -1 };
                wire_set_header(r, notfound, ELEMENTSOF(notfound));
                return 0;
        }

        if (wire_strlen(s->s_name, &name_len) < 0 || wire_strlen(s->s_proto, &proto_len) < 0)
                return -E2BIG;
        while (s->s_aliases && s->s_aliases[count])
                count++;
        if (count > INT32_MAX / sizeof(uint32_t))
                return -E2BIG;

        /* Body: name, proto, alias lengths, then the alias strings. */
        const char *const strings[] = { s->s_name, s->s_proto };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;
        for (size_t i = 0; i < count; i++) {
                int32_t len;
                if (wire_strlen(s->s_aliases[i], &len) < 0)
                        return -E2BIG;
                ret = buf_append(&r->body, &len, sizeof(len));
                if (ret < 0)
                        return ret;
        }
        ret = wire_append_strings(&r->body, (const char *const *) s->s_aliases, count);
        if (ret < 0)
                return ret;

        /* s_port goes out as the module gave it: network order in an int. */
        const int32_t found[SERV_HEADER_FIELDS] = {
                NSCD_VERSION, 1, name_len, proto_len, (int32_t) count, (int32_t) s->s_port,
        };
        wire_set_header(r, found, ELEMENTSOF(found));
        return 0;
}
