/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Services keys and replies (docs/nscd-protocol.md §2.2, §3.6): their
 * layout, builder and decoder. */
#include "wire_services.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "request_text.h"
#include "wire_decode.h"

/* Body: name, proto, aliases_cnt int32 alias lengths, the alias strings. */
struct service_reply_header {
        int32_t version;
        int32_t found;
        int32_t name_len;
        int32_t proto_len;
        int32_t aliases_cnt;
        int32_t port; /* as the module gave it: network order in an int */
};
_Static_assert(sizeof(struct service_reply_header) == 24, "glibc's client reads 6 int32 fields");

/* Digits only, no sign or spaces, at most 65535: the decimal that
 * glibc's client writes for a network-order port. */
static int parse_port(const char *s, int *out) {
        int v = 0;

        if (*s == '\0')
                return -EBADMSG;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EBADMSG;
                v = v * 10 + (*s - '0');
                if (v > 65535)
                        return -EBADMSG;
        }
        *out = v;
        return 0;
}

int wire_parse_service_query(const struct request *req, struct service_query *q) {
        char *slash;

        if (!wire_key_is_text(req))
                return -EBADMSG;
        memcpy(q->text, req->key, req->key_len + 1);
        q->name = NULL;
        q->proto = NULL;
        q->port = 0;

        if (req->type == REQ_GETSERVBYPORT) {
                slash = strchr(q->text, '/');
                if (!slash)
                        return -EBADMSG;
                *slash = '\0';
                if (parse_port(q->text, &q->port) < 0)
                        return -EBADMSG;
        } else if (req->type == REQ_GETSERVBYNAME) {
                slash = strrchr(q->text, '/');
                if (!slash)
                        return -EBADMSG;
                *slash = '\0';
                q->name = q->text;
        } else
                return -EBADMSG;

        if (slash[1] != '\0')
                q->proto = slash + 1;
        return 0;
}

static int service_empty(struct reply *r, int32_t found) {
        const struct service_reply_header h = { .version = NSCD_VERSION, .found = found, .port = -1 };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_service(struct reply *r, const struct servent *s) {
        struct service_reply_header h = { .version = NSCD_VERSION, .found = 1 };
        size_t count;
        int ret;

        if (!s)
                return service_empty(r, 0);
        h.port = (int32_t) s->s_port;
        if (wire_strlen(s->s_name, &h.name_len) < 0 || wire_strlen(s->s_proto, &h.proto_len) < 0)
                return -E2BIG;
        ret = wire_count_strings(s->s_aliases, &count);
        if (ret < 0)
                return ret;
        h.aliases_cnt = (int32_t) count;

        const char *const strings[] = { s->s_name, s->s_proto };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;
        ret = wire_append_lengths(&r->body, s->s_aliases, count);
        if (ret < 0)
                return ret;
        ret = wire_append_strings(&r->body, (const char *const *) s->s_aliases, count);
        if (ret < 0)
                return ret;
        return wire_set_header(r, &h, sizeof(h));
}

static int service_unserved(struct reply *r) {
        return service_empty(r, -1);
}

static int describe_service(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct service_reply_header h;
        struct wire_reader lens;
        int r = describe_header(rd, &h, sizeof(h), "services", out);

        if (r <= 0)
                return r;
        if ((r = describe_counted(out, rd, h.name_len, "name")) < 0 ||
            (r = describe_counted(out, rd, h.proto_len, "proto")) < 0 ||
            (r = describe_printf(out, "port: %u\naliases: %d\n", ntohs((uint16_t) h.port), h.aliases_cnt)) < 0)
                return r;
        if ((r = describe_take_lengths(rd, h.aliases_cnt, &lens, "alias", out)) < 0)
                return r;
        return describe_strings(out, &lens, rd, h.aliases_cnt, "alias");
}

/* A port key is the decimal of the port in network byte order
 * ("20480/tcp" asks for port 80): say which port that is. */
static void describe_service_key(const struct request *req, char *out, size_t size) {
        struct service_query q;
        size_t n;

        request_quote_key(req, out, size);
        n = strlen(out);
        if (req->type == REQ_GETSERVBYPORT && wire_parse_service_query(req, &q) == 0)
                snprintf(out + n, size - n, " (port %u)", (unsigned) ntohs((uint16_t) q.port));
}

const struct wire_family wire_family_service = {
        .unserved = service_unserved,
        .describe_reply = describe_service,
        .describe_key = describe_service_key,
};
