/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "wire.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "macro.h"

static const char *const request_names[REQ_TYPE_COUNT] = {
        [REQ_GETPWBYNAME] = "GETPWBYNAME",
        [REQ_GETPWBYUID] = "GETPWBYUID",
        [REQ_GETGRBYNAME] = "GETGRBYNAME",
        [REQ_GETGRBYGID] = "GETGRBYGID",
        [REQ_GETHOSTBYNAME] = "GETHOSTBYNAME",
        [REQ_GETHOSTBYNAMEv6] = "GETHOSTBYNAMEv6",
        [REQ_GETHOSTBYADDR] = "GETHOSTBYADDR",
        [REQ_GETHOSTBYADDRv6] = "GETHOSTBYADDRv6",
        [REQ_SHUTDOWN] = "SHUTDOWN",
        [REQ_GETSTAT] = "GETSTAT",
        [REQ_INVALIDATE] = "INVALIDATE",
        [REQ_GETFDPW] = "GETFDPW",
        [REQ_GETFDGR] = "GETFDGR",
        [REQ_GETFDHST] = "GETFDHST",
        [REQ_GETAI] = "GETAI",
        [REQ_INITGROUPS] = "INITGROUPS",
        [REQ_GETSERVBYNAME] = "GETSERVBYNAME",
        [REQ_GETSERVBYPORT] = "GETSERVBYPORT",
        [REQ_GETFDSERV] = "GETFDSERV",
        [REQ_GETNETGRENT] = "GETNETGRENT",
        [REQ_INNETGR] = "INNETGR",
        [REQ_GETFDNETGR] = "GETFDNETGR",
};

static const char *const database_names[DB_COUNT] = {
        [DB_PASSWD] = "passwd",
        [DB_GROUP] = "group",
        [DB_HOSTS] = "hosts",
        [DB_SERVICES] = "services",
        [DB_NETGROUP] = "netgroup",
};

const char *request_type_name(enum request_type type) {
        if ((unsigned) type >= REQ_TYPE_COUNT)
                return "UNKNOWN";
        return request_names[type];
}

enum nscd_database request_type_database(enum request_type type) {
        switch (type) {
        case REQ_GETPWBYNAME:
        case REQ_GETPWBYUID:
        case REQ_GETFDPW:
                return DB_PASSWD;
        case REQ_GETGRBYNAME:
        case REQ_GETGRBYGID:
        case REQ_INITGROUPS:
        case REQ_GETFDGR:
                return DB_GROUP;
        case REQ_GETHOSTBYNAME:
        case REQ_GETHOSTBYNAMEv6:
        case REQ_GETHOSTBYADDR:
        case REQ_GETHOSTBYADDRv6:
        case REQ_GETAI:
        case REQ_GETFDHST:
                return DB_HOSTS;
        case REQ_GETSERVBYNAME:
        case REQ_GETSERVBYPORT:
        case REQ_GETFDSERV:
                return DB_SERVICES;
        case REQ_GETNETGRENT:
        case REQ_INNETGR:
        case REQ_GETFDNETGR:
                return DB_NETGROUP;
        default:
                return DB_NONE;
        }
}

const char *database_name(enum nscd_database db) {
        if ((unsigned) db >= DB_COUNT)
                return NULL;
        return database_names[db];
}

enum nscd_database database_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(database_names); i++)
                if (strcmp(name, database_names[i]) == 0)
                        return (enum nscd_database) i;
        return DB_NONE;
}

enum request_type database_getfd_type(enum nscd_database db) {
        static const enum request_type types[DB_COUNT] = {
                [DB_PASSWD] = REQ_GETFDPW, [DB_GROUP] = REQ_GETFDGR, [DB_HOSTS] = REQ_GETFDHST,
                [DB_SERVICES] = REQ_GETFDSERV, [DB_NETGROUP] = REQ_GETFDNETGR,
        };

        return types[db];
}

const char *wire_error_name(enum wire_error e) {
        switch (e) {
        case WIRE_OK:
                return "ok";
        case WIRE_TRUNCATED:
                return "truncated request";
        case WIRE_BAD_VERSION:
                return "unsupported protocol version";
        case WIRE_BAD_TYPE:
                return "unknown request type";
        case WIRE_BAD_KEY_LEN:
                return "key length out of range";
        case WIRE_BAD_KEY:
                return "malformed key";
        }
        return "unknown error";
}

enum wire_error wire_parse_header(const void *bytes, size_t len, enum request_type *type,
                                  uint32_t *key_len) {
        struct request_header h;

        if (len < sizeof(h))
                return WIRE_TRUNCATED;
        memcpy(&h, bytes, sizeof(h));
        if (h.version != NSCD_VERSION)
                return WIRE_BAD_VERSION;
        if (h.type < 0 || h.type >= REQ_TYPE_COUNT)
                return WIRE_BAD_TYPE;
        if (h.key_len < 0 || h.key_len > NSCD_MAX_KEY_LEN)
                return WIRE_BAD_KEY_LEN;
        *type = (enum request_type) h.type;
        *key_len = (uint32_t) h.key_len;
        return WIRE_OK;
}

enum wire_error wire_parse_request(const void *bytes, size_t len, struct request *req) {
        enum request_type type;
        uint32_t key_len;
        enum wire_error e;

        e = wire_parse_header(bytes, len, &type, &key_len);
        if (e != WIRE_OK)
                return e;
        if (len - NSCD_REQUEST_HEADER_SIZE < key_len)
                return WIRE_TRUNCATED;
        req->type = type;
        req->key_len = key_len;
        memcpy(req->key, (const uint8_t *) bytes + NSCD_REQUEST_HEADER_SIZE, key_len);
        req->key[key_len] = '\0';
        return WIRE_OK;
}

int wire_request_init(struct request *req, enum request_type type, const void *key, size_t len) {
        if (len > NSCD_MAX_KEY_LEN)
                return -E2BIG;
        req->type = type;
        req->key_len = (uint32_t) len;
        if (len > 0)
                memcpy(req->key, key, len);
        req->key[len] = '\0';
        return 0;
}

int wire_request_init_text(struct request *req, enum request_type type, const char *text) {
        return wire_request_init(req, type, text, strlen(text) + 1);
}

size_t wire_build_request(const struct request *req, uint8_t *out) {
        const struct request_header h = {
                .version = NSCD_VERSION,
                .type = (int32_t) req->type,
                .key_len = (int32_t) req->key_len,
        };

        memcpy(out, &h, sizeof(h));
        memcpy(out + sizeof(h), req->key, req->key_len);
        return sizeof(h) + req->key_len;
}

enum wire_error wire_parse_id(const struct request *req, uint32_t *id) {
        uint64_t v = 0;
        const char *p = req->key;

        if (*p == '\0')
                return WIRE_BAD_KEY;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return WIRE_BAD_KEY;
                v = v * 10 + (uint64_t) (*p - '0');
                if (v > UINT32_MAX)
                        return WIRE_BAD_KEY;
        }
        *id = (uint32_t) v;
        return WIRE_OK;
}

bool wire_key_is_text(const struct request *req) {
        size_t n = strlen(req->key);

        return n == req->key_len || n + 1 == req->key_len;
}

void wire_set_header(struct reply *r, const int32_t *fields, size_t n) {
        r->header_len = n * sizeof(int32_t);
        memcpy(r->header, fields, r->header_len);
}

/* Length of a string on the wire: it counts the NUL and must fit int32. */
int wire_strlen(const char *s, int32_t *out) {
        size_t n = strlen(s) + 1;

        if (n > INT32_MAX)
                return -E2BIG;
        *out = (int32_t) n;
        return 0;
}

int wire_append_strings(struct buf *b, const char *const *strings, size_t n) {
        for (size_t i = 0; i < n; i++) {
                int r = buf_append_str(b, strings[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int wire_reply_unserved(struct reply *r, enum request_type type) {
        switch (request_type_database(type)) {
        case DB_PASSWD: {
                const int32_t h[PW_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0, -1, -1, 0, 0, 0 };
                wire_set_header(r, h, ELEMENTSOF(h));
                return 0;
        }
        case DB_GROUP:
                if (type == REQ_INITGROUPS) {
                        const int32_t h[INITGR_HEADER_FIELDS] = { NSCD_VERSION, -1, 0 };
                        wire_set_header(r, h, ELEMENTSOF(h));
                } else {
                        const int32_t h[GR_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0, -1, 0 };
                        wire_set_header(r, h, ELEMENTSOF(h));
                }
                return 0;
        case DB_HOSTS:
                if (type == REQ_GETAI) {
                        const int32_t h[AI_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0, 0, NETDB_INTERNAL_ERROR };
                        wire_set_header(r, h, ELEMENTSOF(h));
                } else {
                        const int32_t h[HST_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0, -1, -1, 0, NETDB_INTERNAL_ERROR };
                        wire_set_header(r, h, ELEMENTSOF(h));
                }
                return 0;
        case DB_SERVICES: {
                const int32_t h[SERV_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0, 0, -1 };
                wire_set_header(r, h, ELEMENTSOF(h));
                return 0;
        }
        case DB_NETGROUP:
                if (type == REQ_INNETGR) {
                        const int32_t h[INNETGR_HEADER_FIELDS] = { NSCD_VERSION, -1, 0 };
                        wire_set_header(r, h, ELEMENTSOF(h));
                } else {
                        const int32_t h[NETGR_HEADER_FIELDS] = { NSCD_VERSION, -1, 0, 0 };
                        wire_set_header(r, h, ELEMENTSOF(h));
                }
                return 0;
        default:
                return -EINVAL;
        }
}

int wire_reply_int32(struct reply *r, int32_t value) {
        wire_set_header(r, &value, 1);
        return 0;
}
