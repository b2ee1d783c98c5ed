/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "wire.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "macro.h"

/* Every family named in requests.h, defined in its wire_<file>.c. */
#define FAMILY_DECLARE(type, number, db, family, handler, nss) extern const struct wire_family wire_family_##family;
NSCD_REQUESTS(FAMILY_DECLARE)
#undef FAMILY_DECLARE

static const struct {
        const char *name;
        enum nscd_database db;
        const struct wire_family *family;
} requests[REQ_TYPE_COUNT] = {
#define REQUEST_ROW(type, number, db, family, handler, nss) [REQ_##type] = { #type, DB_##db, &wire_family_##family },
        NSCD_REQUESTS(REQUEST_ROW)
#undef REQUEST_ROW
};

/* As many rows as numbers from 0 to the last: the table has no holes. */
enum {
#define REQUEST_POSITION(type, number, db, family, handler, nss) REQUEST_POSITION_##type,
        NSCD_REQUESTS(REQUEST_POSITION)
#undef REQUEST_POSITION
        REQUEST_ROWS
};
_Static_assert((int) REQUEST_ROWS == (int) REQ_TYPE_COUNT, "requests.h skips a request number");

static const struct {
        const char *name;
        enum request_type getfd;
} databases[DB_COUNT] = {
#define DATABASE_ROW(id, name, getfd) [DB_##id] = { name, REQ_##getfd },
        NSCD_DATABASES(DATABASE_ROW)
#undef DATABASE_ROW
};

const char *request_type_name(enum request_type type) {
        if ((unsigned) type >= REQ_TYPE_COUNT)
                return "UNKNOWN";
        return requests[type].name;
}

enum nscd_database request_type_database(enum request_type type) {
        if ((unsigned) type >= REQ_TYPE_COUNT)
                return DB_NONE;
        return requests[type].db;
}

const struct wire_family *request_family(enum request_type type) {
        if ((unsigned) type >= REQ_TYPE_COUNT)
                return NULL;
        return requests[type].family;
}

const char *database_name(enum nscd_database db) {
        if ((unsigned) db >= DB_COUNT)
                return NULL;
        return databases[db].name;
}

enum nscd_database database_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(databases); i++)
                if (strcmp(name, databases[i].name) == 0)
                        return (enum nscd_database) i;
        return DB_NONE;
}

enum request_type database_getfd_type(enum nscd_database db) {
        return databases[db].getfd;
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

int wire_parse_id(const struct request *req, uint32_t *id) {
        uint64_t v = 0;
        const char *p = req->key;

        if (*p == '\0')
                return -EBADMSG;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EBADMSG;
                v = v * 10 + (uint64_t) (*p - '0');
                if (v > UINT32_MAX)
                        return -EBADMSG;
        }
        *id = (uint32_t) v;
        return 0;
}

bool wire_key_is_text(const struct request *req) {
        size_t n = strlen(req->key);

        return n == req->key_len || n + 1 == req->key_len;
}

int wire_set_header(struct reply *r, const void *header, size_t size) {
        if (size > sizeof(r->header))
                return -EINVAL;
        memcpy(r->header, header, size);
        r->header_len = size;
        return 0;
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

int wire_count_strings(char *const *list, size_t *n) {
        size_t count = 0;

        while (list && list[count])
                count++;
        if (count > INT32_MAX / sizeof(int32_t))
                return -E2BIG;
        *n = count;
        return 0;
}

int wire_append_lengths(struct buf *b, char *const *strings, size_t n) {
        for (size_t i = 0; i < n; i++) {
                int32_t len;
                int r = wire_strlen(strings[i], &len);

                if (r < 0)
                        return r;
                r = buf_append(b, &len, sizeof(len));
                if (r < 0)
                        return r;
        }
        return 0;
}

int wire_reply_unserved(struct reply *r, enum request_type type) {
        const struct wire_family *f = request_family(type);

        if (!f || !f->unserved)
                return -EINVAL;
        return f->unserved(r);
}
