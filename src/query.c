/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `nssrelay query DB KEY...`: one raw request to the nscd socket and its
 * reply decoded, to see what the daemon itself answers. getent cannot
 * tell: glibc's client quietly does the lookup itself when the daemon
 * closes or says "not served here". */
#include "query.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "macro.h"
#include "request_text.h"
#include "timeutil.h"
#include "wire.h"
#include "wire_decode.h"

#define EXIT_NO_REPLY 1

/* A reply can be as large as a header and REPLY_BODY_MAX (bounds.h), and
 * a byte more tells that it was larger. */
#define QUERY_REPLY_MAX (NSCD_MAX_REPLY_HEADER_SIZE + 16u * 1024 * 1024 + 1)

/* A bad command line: one line on stderr, exit status 2. */
#define usage(fmt, ...) errx(EXIT_USAGE, fmt " (see nssrelay query --help)", ##__VA_ARGS__)

/* One form of `nssrelay query DB KEY...`: the request it sends and how
 * its arguments become the key. */
struct form {
        const char *name;
        const char *syntax;      /* the KEY arguments, for --help */
        const char *help;
        enum request_type type;
        enum request_type type2; /* by number (passwd, group, services), or IPv6 (addr) */
        int min_args, max_args;
        void (*set_key)(struct request *req, const struct form *f, char **args, int nargs);
};

static bool all_digits(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

static void set_text(struct request *req, enum request_type type, const char *text) {
        if (wire_request_init_text(req, type, text) < 0)
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
}

static void key_text(struct request *req, const struct form *f, char **args, int nargs _unused_) {
        set_text(req, f->type, args[0]);
}

static void key_name_or_id(struct request *req, const struct form *f, char **args, int nargs _unused_) {
        set_text(req, all_digits(args[0]) ? f->type2 : f->type, args[0]);
}

static void key_none(struct request *req, const struct form *f, char **args _unused_, int nargs _unused_) {
        (void) wire_request_init(req, f->type, NULL, 0);
}

static void key_address(struct request *req, const struct form *f, char **args, int nargs _unused_) {
        uint8_t addr[16];

        if (inet_pton(AF_INET, args[0], addr) == 1)
                (void) wire_request_init(req, f->type, addr, 4);
        else if (inet_pton(AF_INET6, args[0], addr) == 1)
                (void) wire_request_init(req, f->type2, addr, 16);
        else
                usage("'%s' is not an IPv4 or IPv6 address", args[0]);
}

/* Copies what comes before an optional "/PROTO" into number; false if
 * that is empty or too long to be a port. */
static bool leading_number(const char *arg, char number[static 16]) {
        size_t n = strcspn(arg, "/");

        if (n == 0 || n >= 16)
                return false;
        memcpy(number, arg, n);
        number[n] = '\0';
        return true;
}

/* "NUMBER[/PROTO]" as glibc's client sends it: the port in network order. */
static void key_port(struct request *req, const struct form *f, char **args, int nargs _unused_) {
        const char *arg = args[0], *slash = strchr(arg, '/');
        char number[16], text[NSCD_MAX_KEY_LEN];
        unsigned long port;

        if (!leading_number(arg, number))
                usage("bad port '%s': expected NUMBER[/PROTO]", arg);
        port = strtoul(number, NULL, 10);
        if (!all_digits(number) || port > 65535)
                usage("bad port '%s': expected 0 to 65535", arg);
        if ((size_t) snprintf(text, sizeof(text), "%u/%s", (unsigned) htons((uint16_t) port),
                              slash ? slash + 1 : "") >= sizeof(text))
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
        set_text(req, f->type2, text);
}

/* "NAME[/PROTO]", or a port as for key_port(). */
static void key_service(struct request *req, const struct form *f, char **args, int nargs) {
        char number[16], text[NSCD_MAX_KEY_LEN];

        if (leading_number(args[0], number) && all_digits(number)) {
                key_port(req, f, args, nargs);
                return;
        }
        /* The name ends at the last '/', so a name alone gets one. */
        if ((size_t) snprintf(text, sizeof(text), "%s%s", args[0], strchr(args[0], '/') ? "" : "/") >=
            sizeof(text))
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN - 1);
        set_text(req, f->type, text);
}

/* "NETGROUP\0" then "\x01VALUE\0" or "\0" for each of host, user, domain. */
static void key_innetgr(struct request *req, const struct form *f, char **args, int nargs) {
        char key[NSCD_MAX_KEY_LEN];
        size_t len = strlen(args[0]) + 1;

        if (len > sizeof(key))
                usage("key longer than %d bytes", NSCD_MAX_KEY_LEN);
        memcpy(key, args[0], len);
        for (int i = 1; i < 4; i++) {
                const char *v = i < nargs && strcmp(args[i], "-") != 0 ? args[i] : NULL;
                size_t vlen = v ? strlen(v) + 1 : 0;

                if (len + 1 + vlen > sizeof(key))
                        usage("key longer than %d bytes", NSCD_MAX_KEY_LEN);
                if (!v) {
                        key[len++] = '\0';
                        continue;
                }
                key[len++] = '\x01';
                memcpy(key + len, v, vlen);
                len += vlen;
        }
        (void) wire_request_init(req, f->type, key, len);
}

static enum nscd_database database_arg(const char *arg) {
        enum nscd_database db = database_from_name(arg);

        if (db == DB_NONE)
                usage("unknown database '%s': passwd, group, hosts, services or netgroup", arg);
        return db;
}

static void key_database(struct request *req, const struct form *f, char **args, int nargs _unused_) {
        (void) database_arg(args[0]);
        set_text(req, f->type, args[0]);
}

static void key_getfd(struct request *req, const struct form *f _unused_, char **args, int nargs _unused_) {
        set_text(req, database_getfd_type(database_arg(args[0])), args[0]);
}

static const struct form forms[] = {
        { "passwd", "NAME|UID", "GETPWBYNAME or GETPWBYUID", REQ_GETPWBYNAME, REQ_GETPWBYUID, 1, 1,
          key_name_or_id },
        { "group", "NAME|GID", "GETGRBYNAME or GETGRBYGID", REQ_GETGRBYNAME, REQ_GETGRBYGID, 1, 1,
          key_name_or_id },
        { "initgroups", "USER", "INITGROUPS", REQ_INITGROUPS, REQ_INITGROUPS, 1, 1, key_text },
        { "hosts", "NAME", "GETHOSTBYNAME (IPv4)", REQ_GETHOSTBYNAME, REQ_GETHOSTBYNAME, 1, 1, key_text },
        { "hostsv6", "NAME", "GETHOSTBYNAMEv6", REQ_GETHOSTBYNAMEv6, REQ_GETHOSTBYNAMEv6, 1, 1, key_text },
        { "addr", "ADDRESS", "GETHOSTBYADDR or GETHOSTBYADDRv6", REQ_GETHOSTBYADDR, REQ_GETHOSTBYADDRv6, 1, 1,
          key_address },
        { "ai", "NAME", "GETAI (getaddrinfo)", REQ_GETAI, REQ_GETAI, 1, 1, key_text },
        { "services", "NAME[/PROTO]", "GETSERVBYNAME; a number is a port, as for getent", REQ_GETSERVBYNAME,
          REQ_GETSERVBYPORT, 1, 1, key_service },
        { "port", "NUMBER[/PROTO]", "GETSERVBYPORT", REQ_GETSERVBYPORT, REQ_GETSERVBYPORT, 1, 1, key_port },
        { "netgroup", "NAME", "GETNETGRENT", REQ_GETNETGRENT, REQ_GETNETGRENT, 1, 1, key_text },
        { "innetgr", "NETGROUP [HOST [USER [DOMAIN]]]", "INNETGR; '-' or a missing argument means any",
          REQ_INNETGR, REQ_INNETGR, 1, 4, key_innetgr },
        { "invalidate", "DB", "INVALIDATE (only root gets an answer)", REQ_INVALIDATE, REQ_INVALIDATE, 1, 1,
          key_database },
        { "getfd", "DB", "GETFDPW, GETFDGR, GETFDHST, GETFDSERV or GETFDNETGR", REQ_GETFDPW, REQ_GETFDPW, 1, 1,
          key_getfd },
        { "statistics", "", "GETSTAT", REQ_GETSTAT, REQ_GETSTAT, 0, 0, key_none },
        { "shutdown", "", "SHUTDOWN (only root; no reply expected)", REQ_SHUTDOWN, REQ_SHUTDOWN, 0, 0, key_none },
};

static void print_help(void) {
        printf("Usage: nssrelay query [OPTIONS] DB KEY...\n"
               "Send one request to the nscd socket and print the reply as the daemon sent it.\n"
               "\n");
        for (size_t i = 0; i < ELEMENTSOF(forms); i++) {
                char form[64];

                snprintf(form, sizeof(form), "%s%s%s", forms[i].name, *forms[i].syntax ? " " : "",
                         forms[i].syntax);
                if (strlen(form) < 25)
                        printf("  %-25s%s\n", form, forms[i].help);
                else
                        printf("  %s\n%27s%s\n", form, "", forms[i].help);
        }
        printf("\n"
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

static void build_query(struct request *req, int argc, char **argv) {
        int nargs = argc - 1;

        for (size_t i = 0; i < ELEMENTSOF(forms); i++) {
                const struct form *f = &forms[i];

                if (strcmp(argv[0], f->name) != 0)
                        continue;
                if (nargs < f->min_args || nargs > f->max_args) {
                        if (f->max_args == 0)
                                usage("%s takes no key", f->name);
                        if (f->max_args == 1)
                                usage("%s takes exactly one key", f->name);
                        usage("%s takes %s", f->name, f->syntax);
                }
                f->set_key(req, f, argv + 1, nargs);
                return;
        }
        usage("unknown database '%s'", argv[0]);
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
        struct request req;
        int c, r;

        program_invocation_short_name = (char *) "nssrelay query";
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
        build_query(&req, argc - optind, argv + optind);

        char what[REQUEST_TEXT_MAX];
        request_describe(&req, what, sizeof(what));

        /* The request: header and key, sent in one piece as glibc does. */
        uint8_t bytes[NSCD_REQUEST_MAX_SIZE];
        size_t len = wire_build_request(&req, bytes);
        _cleanup_(buf_free) struct buf reply;
        buf_init(&reply, NULL, 0, QUERY_REPLY_MAX);
        uint64_t start = now_usec();
        uint64_t deadline = start + (uint64_t) (timeout * 1e6);
        _cleanup_close_ int fd = client_connect(path, deadline);
        if (fd == -ETIMEDOUT)
                r = fd;
        else if (fd < 0) {
                warnx("cannot connect to %s: %s", path, strerror(-fd));
                return EXIT_NO_REPLY;
        } else
                r = client_exchange(fd, bytes, len, req.type != REQ_SHUTDOWN, 0, &reply, deadline);
        double ms = (double) (now_usec() - start) / 1000.0;

        if (r == -ETIMEDOUT) {
                warnx("%s: no reply from %s within %g s", what, path, timeout);
                return EXIT_NO_REPLY;
        }
        if (r == -E2BIG) {
                warnx("%s: the reply from %s is larger than %u bytes", what, path, QUERY_REPLY_MAX - 1);
                return EXIT_NO_REPLY;
        }
        if (r < 0) {
                warnx("%s: talking to %s failed: %s", what, path, strerror(-r));
                return EXIT_NO_REPLY;
        }

        if (req.type == REQ_SHUTDOWN) {
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
        int d = wire_describe_reply(req.type, reply.data, reply.len, &text);
        fwrite(text.data, 1, text.len, stdout);
        if (hex)
                print_hex(reply.data, reply.len);
        if (d < 0 && d != -EBADMSG) {
                warnx("cannot describe the reply: %s", strerror(-d));
                return EXIT_NO_REPLY;
        }
        return d == -EBADMSG ? EXIT_NO_REPLY : 0;
}
