/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nscd wire format: parsing requests and building replies in memory.
 *
 * Pure functions only: no I/O, no NSS. Every integer on the wire is in host
 * byte order; see docs/nscd-protocol.md for the byte layouts. */
#ifndef NSSRELAY_WIRE_H
#define NSSRELAY_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define NSCD_VERSION 2
#define NSCD_MAX_KEY_LEN 1024
#define NSCD_REQUEST_HEADER_SIZE 12
#define NSCD_REQUEST_MAX_SIZE (NSCD_REQUEST_HEADER_SIZE + NSCD_MAX_KEY_LEN)
/* The largest reply header (passwd, 36 bytes). */
#define NSCD_MAX_REPLY_HEADER_SIZE 36

/* Request types, numbered as glibc's nscd-client.h numbers them. */
enum request_type {
        REQ_GETPWBYNAME = 0,
        REQ_GETPWBYUID,
        REQ_GETGRBYNAME,
        REQ_GETGRBYGID,
        REQ_GETHOSTBYNAME,
        REQ_GETHOSTBYNAMEv6,
        REQ_GETHOSTBYADDR,
        REQ_GETHOSTBYADDRv6,
        REQ_SHUTDOWN,
        REQ_GETSTAT,
        REQ_INVALIDATE,
        REQ_GETFDPW,
        REQ_GETFDGR,
        REQ_GETFDHST,
        REQ_GETAI,
        REQ_INITGROUPS,
        REQ_GETSERVBYNAME,
        REQ_GETSERVBYPORT,
        REQ_GETFDSERV,
        REQ_GETNETGRENT,
        REQ_INNETGR,
        REQ_GETFDNETGR,
        REQ_TYPE_COUNT /* glibc's LASTREQ: not a request */
};

/* The databases a client can send INVALIDATE for, and that a request
 * belongs to. */
enum nscd_database {
        DB_PASSWD,
        DB_GROUP,
        DB_HOSTS,
        DB_SERVICES,
        DB_NETGROUP,
        DB_COUNT,
        DB_NONE = -1
};

enum wire_error {
        WIRE_OK = 0,
        WIRE_TRUNCATED,   /* fewer bytes than the header or key_len says */
        WIRE_BAD_VERSION, /* version != 2 */
        WIRE_BAD_TYPE,    /* outside [0, REQ_TYPE_COUNT) */
        WIRE_BAD_KEY_LEN, /* key_len < 0 or > 1024 */
        WIRE_BAD_KEY,     /* the key does not fit the request type */
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

const char *request_type_name(enum request_type type);
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
 * at most 4294967295. Anything else is WIRE_BAD_KEY. */
enum wire_error wire_parse_id(const struct request *req, uint32_t *id);
/* True when the key is one string: no NUL but an optional final one. */
bool wire_key_is_text(const struct request *req);

/* Reply headers are runs of 4-byte fields in host order, with no padding
 * on every Linux ABI but alpha, so they are built as int32 arrays. */
enum {
        PW_HEADER_FIELDS = 9,      /* version found name passwd uid gid gecos dir shell */
        GR_HEADER_FIELDS = 6,      /* version found name passwd gid mem_cnt */
        HST_HEADER_FIELDS = 8,     /* version found name aliases addrtype length addrs error */
        AI_HEADER_FIELDS = 6,      /* version found naddrs addrslen canonlen error */
        INITGR_HEADER_FIELDS = 3,  /* version found ngrps */
        SERV_HEADER_FIELDS = 6,    /* version found name proto aliases port */
        NETGR_HEADER_FIELDS = 4,   /* version found nresults result_len */
        INNETGR_HEADER_FIELDS = 3, /* version found result */
};

/* h_errno's NETDB_INTERNAL, as glibc nscd puts it in unserved hosts replies. */
#define NETDB_INTERNAL_ERROR (-1)

/* Reply builders, here and in wire_<family>.h. Each fills r->header and
 * appends to r->body, and returns 0, -E2BIG (past the body's bound or an
 * int32 length) or -ENOMEM. The body must start empty. */

/* For builders: sets the header from n host-order fields. */
void wire_set_header(struct reply *r, const int32_t *fields, size_t n);
/* For builders: a string's wire length, NUL included; -E2BIG past int32. */
int wire_strlen(const char *s, int32_t *out);
/* For builders: appends n C strings, each with its NUL. */
int wire_append_strings(struct buf *b, const char *const *strings, size_t n);

/* found = -1: tells the client to do this lookup itself. */
int wire_reply_unserved(struct reply *r, enum request_type type);
/* A bare int32, the reply to INVALIDATE. */
int wire_reply_int32(struct reply *r, int32_t value);

#endif
