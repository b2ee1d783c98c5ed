/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `nssrelay query DB KEY...`: one raw request to the nscd socket and its
 * reply decoded, to see what the daemon itself answers. getent cannot
 * tell: glibc's client quietly does the lookup itself when the daemon
 * closes or says "not served here". */
#include "query.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "macro.h"
#include "request_text.h"
#include "wire.h"
#include "wire_decode.h"

#define EXIT_NO_REPLY 1
#define EXIT_USAGE 2

/* A reply can be as large as a header and REPLY_BODY_MAX (bounds.h), and
 * a byte more tells that it was larger. */
#define QUERY_REPLY_MAX (NSCD_MAX_REPLY_HEADER_SIZE + 16u * 1024 * 1024 + 1)

struct query {
        enum request_type type;
        uint8_t key[NSCD_MAX_KEY_LEN + 1];
        size_t key_len;
};

static void print_help(void) {
        printf("Usage: nssrelay query [OPTIONS] DB KEY...\n"
               "Send one request to the nscd socket and print the reply as the daemon sent it.\n"
               "\n"
               "  passwd NAME|UID          GETPWBYNAME or GETPWBYUID\n"
               "  group NAME|GID           GETGRBYNAME or GETGRBYGID\n"
               "  initgroups USER          INITGROUPS\n"
               "  hosts NAME               GETHOSTBYNAME (IPv4)\n"
               "  hostsv6 NAME             GETHOSTBYNAMEv6\n"
               "  addr ADDRESS             GETHOSTBYADDR or GETHOSTBYADDRv6\n"
               "  ai NAME                  GETAI (getaddrinfo)\n"
               "  services NAME[/PROTO]    GETSERVBYNAME; a number is a port, as for getent\n"
               "  port NUMBER[/PROTO]      GETSERVBYPORT\n"
               "  netgroup NAME            GETNETGRENT\n"
               "  innetgr NETGROUP [HOST [USER [DOMAIN]]]\n"
               "                           INNETGR; '-' or a missing argument means any\n"
               "  invalidate DB            INVALIDATE (only root gets an answer)\n"
               "  getfd DB                 GETFDPW, GETFDGR, GETFDHST, GETFDSERV or GETFDNETGR\n"
               "  statistics               GETSTAT\n"
               "  shutdown                 SHUTDOWN (only root; no reply expected)\n"
               "\n"
               "Options:\n"
               "  -s, --socket=PATH   the socket (default %s)\n"
               "  -t, --timeout=SEC   give up after SEC seconds (default %d)\n"
               "  -x, --hex           also print the reply's bytes in hex\n"
               "  -h, --help          show this help\n"
               "\n"
               "Exit status: 0 when the daemon replied (found or not), 1 when it closed\n"
               "without a reply or could not be asked, 2 for bad usage. See nssrelay(8).\n",
               CLIENT_DEFAULT_SOCKET, CLIENT_DEFAULT_TIMEOUT_MS / 1000);
}

_printf_(1, 2) static _noreturn_ void usage(const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "nssrelay query: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, " (see nssrelay query --help)\n");
        exit(EXIT_USAGE);
}

static bool all_digits(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

static void set_text_key(struct query *q, enum request_type type, const char *text) {
        size_t n = strlen(text) + 1;

        if (n > NSCD_MAX_KEY_LEN)
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
        q->type = type;
        memcpy(q->key, text, n);
        q->key_len = n;
}

static enum request_type getfd_type(const char *db) {
        static const enum request_type types[DB_COUNT] = {
                [DB_PASSWD] = REQ_GETFDPW, [DB_GROUP] = REQ_GETFDGR, [DB_HOSTS] = REQ_GETFDHST,
                [DB_SERVICES] = REQ_GETFDSERV, [DB_NETGROUP] = REQ_GETFDNETGR,
        };
        enum nscd_database d = database_from_name(db);

        if (d == DB_NONE)
                usage("unknown database '%s': passwd, group, hosts, services or netgroup", db);
        return types[d];
}

/* "NUMBER[/PROTO]" as glibc's client sends it: the port in network order. */
static void set_port_key(struct query *q, const char *arg) {
        char number[16], text[NSCD_MAX_KEY_LEN];
        const char *slash = strchr(arg, '/');
        size_t n = slash ? (size_t) (slash - arg) : strlen(arg);
        unsigned long port;

        if (n == 0 || n >= sizeof(number))
                usage("bad port '%s': expected NUMBER[/PROTO]", arg);
        memcpy(number, arg, n);
        number[n] = '\0';
        port = strtoul(number, NULL, 10);
        if (!all_digits(number) || port > 65535)
                usage("bad port '%s': expected 0 to 65535", arg);
        if ((size_t) snprintf(text, sizeof(text), "%u/%s", (unsigned) htons((uint16_t) port),
                              slash ? slash + 1 : "") >= sizeof(text))
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
        set_text_key(q, REQ_GETSERVBYPORT, text);
}

/* "NETGROUP\0" then "\x01VALUE\0" or "\0" for each of host, user, domain. */
static void set_innetgr_key(struct query *q, char **args, int n) {
        size_t len;

        if (n < 1 || n > 4)
                usage("innetgr takes NETGROUP [HOST [USER [DOMAIN]]]");
        len = strlen(args[0]) + 1;
        if (len > NSCD_MAX_KEY_LEN)
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN);
        memcpy(q->key, args[0], len);
        for (int i = 1; i < 4; i++) {
                const char *v = i < n && strcmp(args[i], "-") != 0 ? args[i] : NULL;

                if (!v) {
                        if (len + 1 > NSCD_MAX_KEY_LEN)
                                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN);
                        q->key[len++] = '\0';
                        continue;
                }
                size_t vlen = strlen(v) + 1;
                if (len + 1 + vlen > NSCD_MAX_KEY_LEN)
                        usage("key longer than %d bytes", NSCD_MAX_KEY_LEN);
                q->key[len++] = '\x01';
                memcpy(q->key + len, v, vlen);
                len += vlen;
        }
        q->type = REQ_INNETGR;
        q->key_len = len;
}

static void build_query(struct query *q, int argc, char **argv) {
        const char *db = argv[0];
        int nargs = argc - 1;
        const char *arg = nargs >= 1 ? argv[1] : NULL;

        if (strcmp(db, "innetgr") == 0) {
                set_innetgr_key(q, argv + 1, nargs);
                return;
        }
        if (strcmp(db, "statistics") == 0 || strcmp(db, "shutdown") == 0) {
                if (nargs != 0)
                        usage("%s takes no key", db);
                q->type = db[0] == 's' && db[1] == 't' ? REQ_GETSTAT : REQ_SHUTDOWN;
                q->key_len = 0;
                return;
        }
        if (nargs != 1)
                usage("%s takes exactly one key", db);

        if (strcmp(db, "passwd") == 0)
                set_text_key(q, all_digits(arg) ? REQ_GETPWBYUID : REQ_GETPWBYNAME, arg);
        else if (strcmp(db, "group") == 0)
                set_text_key(q, all_digits(arg) ? REQ_GETGRBYGID : REQ_GETGRBYNAME, arg);
        else if (strcmp(db, "initgroups") == 0)
                set_text_key(q, REQ_INITGROUPS, arg);
        else if (strcmp(db, "hosts") == 0)
                set_text_key(q, REQ_GETHOSTBYNAME, arg);
        else if (strcmp(db, "hostsv6") == 0)
                set_text_key(q, REQ_GETHOSTBYNAMEv6, arg);
        else if (strcmp(db, "ai") == 0)
                set_text_key(q, REQ_GETAI, arg);
        else if (strcmp(db, "addr") == 0) {
                if (inet_pton(AF_INET, arg, q->key) == 1) {
                        q->type = REQ_GETHOSTBYADDR;
                        q->key_len = 4;
                } else if (inet_pton(AF_INET6, arg, q->key) == 1) {
                        q->type = REQ_GETHOSTBYADDRv6;
                        q->key_len = 16;
                } else
                        usage("'%s' is not an IPv4 or IPv6 address", arg);
        } else if (strcmp(db, "services") == 0) {
                char number[16];
                const char *slash = strchr(arg, '/');
                size_t n = slash ? (size_t) (slash - arg) : strlen(arg);
                if (n > 0 && n < sizeof(number)) {
                        memcpy(number, arg, n);
                        number[n] = '\0';
                }
                if (n > 0 && n < sizeof(number) && all_digits(number))
                        set_port_key(q, arg);
                else {
                        char text[NSCD_MAX_KEY_LEN];
                        /* The name ends at the last '/', so a name alone gets one. */
                        if ((size_t) snprintf(text, sizeof(text), "%s%s", arg, slash ? "" : "/") >= sizeof(text))
                                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
                        set_text_key(q, REQ_GETSERVBYNAME, text);
                }
        } else if (strcmp(db, "port") == 0)
                set_port_key(q, arg);
        else if (strcmp(db, "netgroup") == 0)
                set_text_key(q, REQ_GETNETGRENT, arg);
        else if (strcmp(db, "invalidate") == 0) {
                if (database_from_name(arg) == DB_NONE)
                        usage("unknown database '%s': passwd, group, hosts, services or netgroup", arg);
                set_text_key(q, REQ_INVALIDATE, arg);
        } else if (strcmp(db, "getfd") == 0)
                set_text_key(q, getfd_type(arg), arg);
        else
                usage("unknown database '%s'", db);
}

static void print_hex(const uint8_t *data, size_t len) {
        for (size_t i = 0; i < len; i++)
                printf("%02x%s", data[i], (i + 1) % 32 == 0 || i + 1 == len ? "\n" : (i + 1) % 4 == 0 ? " " : "");
}

static double parse_timeout(const char *s) {
        char *end;
        double v = strtod(s, &end);

        if (end == s || *end != '\0' || !(v > 0) || v > 3600)
                usage("bad timeout '%s': seconds, more than 0 and at most 3600", s);
        return v;
}

int query_main(int argc, char **argv) {
        static const struct option options[] = {
                { "socket", required_argument, NULL, 's' },
                { "timeout", required_argument, NULL, 't' },
                { "hex", no_argument, NULL, 'x' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *path = CLIENT_DEFAULT_SOCKET;
        double timeout = CLIENT_DEFAULT_TIMEOUT_MS / 1000.0;
        bool hex = false;
        struct query q = { 0 };
        int c;

        optind = 1;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:s:t:xh", options, NULL)) >= 0) {
                switch (c) {
                case 's':
                        path = optarg;
                        break;
                case 't':
                        timeout = parse_timeout(optarg);
                        break;
                case 'x':
                        hex = true;
                        break;
                case 'h':
                        print_help();
                        return 0;
                case ':':
                        usage("missing value for option '%s'", argv[optind - 1]);
                default:
                        usage("unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                usage("missing DB and KEY");
        build_query(&q, argc - optind, argv + optind);

        /* The request: header and key, sent in one piece as glibc does. */
        uint8_t request[NSCD_REQUEST_HEADER_SIZE + NSCD_MAX_KEY_LEN];
        const int32_t header[3] = { NSCD_VERSION, (int32_t) q.type, (int32_t) q.key_len };
        memcpy(request, header, sizeof(header));
        memcpy(request + sizeof(header), q.key, q.key_len);

        struct request shown = { .type = q.type, .key_len = (uint32_t) q.key_len };
        memcpy(shown.key, q.key, q.key_len);
        char what[REQUEST_TEXT_MAX];
        request_describe(&shown, what, sizeof(what));

        _cleanup_(buf_free) struct buf reply;
        buf_init(&reply, NULL, 0, QUERY_REPLY_MAX);
        uint64_t start = client_now_usec();
        uint64_t deadline = start + (uint64_t) (timeout * 1e6);
        enum client_result r = client_exchange(path, request, sizeof(header) + q.key_len, q.type != REQ_SHUTDOWN,
                                               0, &reply, deadline);
        double ms = (double) (client_now_usec() - start) / 1000.0;

        switch (r) {
        case CLIENT_OK:
                break;
        case CLIENT_NO_SOCKET:
                fprintf(stderr, "nssrelay query: cannot connect to %s: %m\n", path);
                return EXIT_NO_REPLY;
        case CLIENT_TIMEOUT:
                fprintf(stderr, "nssrelay query: %s: no reply from %s within %g s\n", what, path, timeout);
                return EXIT_NO_REPLY;
        case CLIENT_TOO_LARGE:
                fprintf(stderr, "nssrelay query: %s: the reply from %s is larger than %u bytes\n", what, path,
                        QUERY_REPLY_MAX - 1);
                return EXIT_NO_REPLY;
        case CLIENT_ERROR:
                fprintf(stderr, "nssrelay query: %s: talking to %s failed: %m\n", what, path);
                return EXIT_NO_REPLY;
        }

        if (q.type == REQ_SHUTDOWN) {
                printf("%s: sent to %s; no reply is expected\n", what, path);
                return 0;
        }
        if (reply.len == 0) {
                printf("%s: the daemon at %s closed the connection without answering (after %.1f ms)\n", what,
                       path, ms);
                return EXIT_NO_REPLY;
        }

        printf("%s: %zu-byte reply from %s in %.1f ms\n", what, reply.len, path, ms);
        _cleanup_(buf_free) struct buf text;
        buf_init(&text, NULL, 0, (size_t) 64 << 20);
        int d = wire_describe_reply(q.type, reply.data, reply.len, &text);
        fwrite(text.data, 1, text.len, stdout);
        if (hex)
                print_hex(reply.data, reply.len);
        if (d < 0 && d != -EBADMSG) {
                fprintf(stderr, "nssrelay query: cannot describe the reply: %s\n", strerror(-d));
                return EXIT_NO_REPLY;
        }
        return d == -EBADMSG ? EXIT_NO_REPLY : 0;
}
