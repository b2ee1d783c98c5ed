/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nscd wire format: building and parsing requests, building and
 * describing replies, in memory.
 *
 * Pure functions only: no I/O, no NSS. Every integer on the wire is in host
 * byte order; see docs/nscd-protocol.md for the byte layouts. The request
 * types and databases come from the table in requests.h; each family's
 * replies live in its own wire_<family>.c. */
#ifndef NSSRELAY_WIRE_H
#define NSSRELAY_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "requests.h"

#define NSCD_VERSION 2
#define NSCD_MAX_KEY_LEN 1024
#define NSCD_REQUEST_HEADER_SIZE 12
#define NSCD_REQUEST_MAX_SIZE (NSCD_REQUEST_HEADER_SIZE + NSCD_MAX_KEY_LEN)
/* The largest reply header (passwd, 36 bytes). */
#define NSCD_MAX_REPLY_HEADER_SIZE 36

/* Request types, numbered as glibc's nscd-client.h numbers them. */
enum request_type {
#define REQUEST_ENUM(type, number, db, family, handler, nss) REQ_##type = (number),
        NSCD_REQUESTS(REQUEST_ENUM)
#undef REQUEST_ENUM
        REQ_TYPE_COUNT /* glibc's LASTREQ: not a request */
};

/* The databases a client can send INVALIDATE for, and that a request
 * belongs to. */
enum nscd_database {
#define DATABASE_ENUM(id, name, getfd) DB_##id,
        NSCD_DATABASES(DATABASE_ENUM)
#undef DATABASE_ENUM
        DB_COUNT,
        DB_NONE = -1
};

enum wire_error {
        WIRE_OK = 0,
        WIRE_TRUNCATED,   /* fewer bytes than the header or key_len says */
        WIRE_BAD_VERSION, /* version != 2 */
        WIRE_BAD_TYPE,    /* outside [0, REQ_TYPE_COUNT) */
        WIRE_BAD_KEY_LEN, /* key_len < 0 or > 1024 */
};

/* What a request starts with, in host byte order; the key follows. */
struct request_header {
        int32_t version; /* NSCD_VERSION */
        int32_t type;    /* enum request_type */
        int32_t key_len; /* 0 to NSCD_MAX_KEY_LEN */
};
_Static_assert(sizeof(struct request_header) == NSCD_REQUEST_HEADER_SIZE, "a request header is 3 int32");

struct request {
        enum request_type type;
        uint32_t key_len;
        /* The key bytes as sent, followed by one NUL we add ourselves, so
         * text keys are C strings even when a client forgot its NUL. */
        char key[NSCD_MAX_KEY_LEN + 1];
};

/* A reply: a fixed header and a body, sent together with one sendmsg. */
struct reply {
        uint8_t header[NSCD_MAX_REPLY_HEADER_SIZE];
        size_t header_len;
        struct buf body;
};

struct wire_reader;

/* The requests that share a key format and a reply layout: a FAMILY in
 * requests.h, defined as wire_family_<FAMILY> beside its builders. */
struct wire_family {
        /* Builds the reply "not served here: look it up yourself", found
         * -1, as the family's not-found reply with that found value. NULL
         * for requests whose replies have no found field. */
        int (*unserved)(struct reply *r);
        /* Describes a reply for people (wire_decode.h), reading it from rd. */
        int (*describe_reply)(enum request_type type, struct wire_reader *rd, struct buf *out);
        /* Writes what log lines show of the key after the request's name;
         * NULL: the key in quotes (request_quote_key()). */
        void (*describe_key)(const struct request *req, char *out, size_t size);
};

const char *request_type_name(enum request_type type);
/* The family of a request type, NULL for none (type out of range). */
const struct wire_family *request_family(enum request_type type);
enum nscd_database request_type_database(enum request_type type);
const char *database_name(enum nscd_database db);
enum nscd_database database_from_name(const char *name);
/* The GETFD request for db (GETFDPW for passwd, ...). */
enum request_type database_getfd_type(enum nscd_database db);
const char *wire_error_name(enum wire_error e);

/* Checks the 12-byte request header and returns the key length that
 * follows in *key_len. */
enum wire_error wire_parse_header(const void *bytes, size_t len, enum request_type *type,
                                  uint32_t *key_len);
/* Parses a whole request: header plus key. Bytes past the key are
 * ignored, as glibc nscd ignores them. */
enum wire_error wire_parse_request(const void *bytes, size_t len, struct request *req);
/* Sets *req to a request of 'type' whose key is the len bytes at key (a
 * text key's NUL included). Returns 0, or -E2BIG past NSCD_MAX_KEY_LEN. */
int wire_request_init(struct request *req, enum request_type type, const void *key, size_t len);
/* The same with a text key: the string and its NUL. */
int wire_request_init_text(struct request *req, enum request_type type, const char *text);
/* The bytes glibc's client sends for req, the inverse of
 * wire_parse_request(), into out (NSCD_REQUEST_MAX_SIZE bytes). Returns
 * their length. */
size_t wire_build_request(const struct request *req, uint8_t *out);

/* The numeric key of GETPWBYUID and GETGRBYGID: plain decimal digits,
 * at most 4294967295. Returns 0, or -EBADMSG for anything else. */
int wire_parse_id(const struct request *req, uint32_t *id);
/* True when the key is one string: no NUL but an optional final one. */
bool wire_key_is_text(const struct request *req);

/* h_errno's NETDB_INTERNAL, as glibc nscd puts it in unserved hosts replies. */
#define NETDB_INTERNAL_ERROR (-1)

/* Reply builders, in wire_<family>.c. Each fills r->header and appends to
 * r->body, and returns 0, -E2BIG (past the body's bound or an int32
 * length) or -ENOMEM. The body must start empty.
 *
 * Reply headers are structs of int32 fields in host order, named
 * <family>_reply_header, with no padding on every Linux ABI but alpha;
 * the second field of every lookup reply is 'found': 1 found, 0 not
 * found, -1 not served here. */

/* For builders: sets the header from a struct of size bytes (at most
 * NSCD_MAX_REPLY_HEADER_SIZE; -EINVAL otherwise). */
int wire_set_header(struct reply *r, const void *header, size_t size);
/* For builders: a string's wire length, NUL included; -E2BIG past int32. */
int wire_strlen(const char *s, int32_t *out);
/* For builders: appends n C strings, each with its NUL. */
int wire_append_strings(struct buf *b, const char *const *strings, size_t n);
/* For builders: how many strings a NULL-terminated list holds (a NULL
 * list: none); -E2BIG when their int32 length array would pass int32. */
int wire_count_strings(char *const *list, size_t *n);
/* For builders: the counted strings of group members, host aliases and
 * service aliases: appends each string's int32 wire length, NUL
 * included, as one array. */
int wire_append_lengths(struct buf *b, char *const *strings, size_t n);

/* found = -1: tells the client to do this lookup itself. -EINVAL for a
 * request whose replies have no found field. */
int wire_reply_unserved(struct reply *r, enum request_type type);

#endif
