/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nssrelay-nscd: the command line of glibc's nscd, for the scripts and
 * tools that run `nscd -i passwd`, `nscd --shutdown` or `nscd -g`.
 *
 * nssrelay caches nothing, so invalidation has nothing to drop and there
 * is no daemon to stop: systemd owns the socket and starts one nssrelay
 * per connection. The requests still go to the socket, so callers see
 * the answers and exit codes they expect, and nothing waits past a
 * deadline when nobody answers. Options are handled in order and the
 * first -i or -K ends the program, as with nscd. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "macro.h"
#include "wire.h"

/* nscd's own exit codes, which callers may test. */
#define EXIT_NSCD_USAGE 64   /* argp's EX_USAGE: -i with an unknown database */
#define EXIT_NSCD_NOT_ROOT 4 /* -i or -K from anyone but root */
#define EXIT_USAGE 2         /* any other bad usage */

static const char *program = "nssrelay-nscd";
static const char *socket_path = CLIENT_DEFAULT_SOCKET;

_printf_(2, 3) static _noreturn_ void die(int status, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "%s: ", program);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(status);
}

static void print_help(void) {
        printf("Usage: %s [OPTION...]\n"
               "nscd's command line for nssrelay, which serves %s without caching.\n"
               "\n"
               "  -i, --invalidate=TABLE  tell the daemon to invalidate TABLE (nothing is cached,\n"
               "                          so this only checks that it answers); root only\n"
               "  -K, --shutdown          send nscd's shutdown request (nssrelay has no daemon\n"
               "                          to stop: stop nssrelay.socket instead); root only\n"
               "  -g, --statistics        say how lookups are served and whether the socket answers\n"
               "  -d, -F, -f NAME, -t N   accepted for nscd's sake; nothing to start\n"
               "  -?, --help, --usage     show this help\n"
               "  -V, --version           show the version\n"
               "\n"
               "Supported tables:\n"
               "passwd group hosts services netgroup\n"
               "\n"
               "Exit status: 0 on success, 1 when the daemon cannot be reached or refuses,\n"
               "4 for -i or -K from a user other than root, 64 for -i with an unknown table,\n"
               "2 for other bad usage. Every exchange gives up after %d seconds.\n"
               "See nssrelay-nscd(8).\n",
               program, socket_path, CLIENT_DEFAULT_TIMEOUT_MS / 1000);
}

/* Sends one request; with want > 0, reads up to that many reply bytes. */
static enum client_result exchange(enum request_type type, const char *key, bool read_reply, size_t want,
                                   struct buf *reply) {
        uint8_t request[NSCD_REQUEST_HEADER_SIZE + NSCD_MAX_KEY_LEN];
        size_t key_len = key ? strlen(key) + 1 : 0;
        const int32_t header[3] = { NSCD_VERSION, (int32_t) type, (int32_t) key_len };

        memcpy(request, header, sizeof(header));
        if (key_len)
                memcpy(request + sizeof(header), key, key_len);
        return client_exchange(socket_path, request, sizeof(header) + key_len, read_reply, want, reply,
                               client_now_usec() + CLIENT_DEFAULT_TIMEOUT_MS * 1000ull);
}

static _noreturn_ void unreachable(enum client_result r) {
        if (r == CLIENT_NO_SOCKET)
                die(EXIT_FAILURE, "cannot connect to %s: %s", socket_path, strerror(errno));
        if (r == CLIENT_TIMEOUT)
                die(EXIT_FAILURE, "no answer from %s within %d seconds", socket_path,
                    CLIENT_DEFAULT_TIMEOUT_MS / 1000);
        die(EXIT_FAILURE, "talking to %s failed: %s", socket_path, strerror(errno));
}

/* nscd -i: checks the name, then root, then sends INVALIDATE and reads
 * the int32 answer; an immediate close also means success, as nscd and
 * systemd read it ("older nscd"). */
static _noreturn_ void invalidate(const char *db) {
        uint8_t storage[8];
        struct buf reply;
        int32_t answer = 0;

        if (database_from_name(db) == DB_NONE)
                die(EXIT_NSCD_USAGE, "'%s' is not a known database (passwd, group, hosts, services, netgroup)", db);
        if (getuid() != 0)
                die(EXIT_NSCD_NOT_ROOT, "Only root is allowed to use this option!");

        buf_init(&reply, storage, sizeof(storage), sizeof(storage));
        enum client_result r = exchange(REQ_INVALIDATE, db, true, sizeof(answer), &reply);
        if (r != CLIENT_OK)
                unreachable(r);
        if (reply.len != 0 && reply.len != sizeof(answer))
                die(EXIT_FAILURE, "cannot read invalidate ACK: %zu bytes", reply.len);
        if (reply.len == sizeof(answer))
                memcpy(&answer, reply.data, sizeof(answer));
        if (answer != 0)
                die(EXIT_FAILURE, "invalidation failed: %s", strerror(answer));
        exit(EXIT_SUCCESS);
}

/* nscd -K: the daemon reads SHUTDOWN and answers nothing. */
static _noreturn_ void shutdown_daemon(void) {
        if (getuid() != 0)
                die(EXIT_NSCD_NOT_ROOT, "Only root is allowed to use this option!");
        enum client_result r = exchange(REQ_SHUTDOWN, NULL, false, 0, NULL);
        if (r != CLIENT_OK)
                unreachable(r);
        exit(EXIT_SUCCESS);
}

/* Whether the socket answers a lookup: GETPWBYUID 0 has an answer (found
 * or not) from any nscd and touches nothing. Returns the milliseconds it
 * took, or -1 with *why set. */
static double probe(const char **why) {
        uint8_t storage[4096];
        struct buf reply;
        uint64_t start = client_now_usec();

        buf_init(&reply, storage, sizeof(storage), sizeof(storage));
        enum client_result r = exchange(REQ_GETPWBYUID, "0", true, 0, &reply);
        if (r == CLIENT_OK && reply.len == 0) {
                *why = "it closed the connection without answering";
                return -1;
        }
        if (r == CLIENT_NO_SOCKET) {
                *why = strerror(errno);
                return -1;
        }
        if (r != CLIENT_OK && r != CLIENT_TOO_LARGE) {
                *why = client_result_name(r);
                return -1;
        }
        return (double) (client_now_usec() - start) / 1000.0;
}

/* nscd -g prints glibc nscd's cache statistics; nssrelay has none, so it
 * says what it is and whether the socket works. */
static _noreturn_ void statistics(void) {
        const char *why = NULL;
        double ms = probe(&why);

        printf("nssrelay %s: a non-caching nscd service\n"
               "cache: none; every lookup asks this system's NSS modules afresh\n"
               "socket: %s\n",
               PACKAGE_VERSION, socket_path);
        if (ms < 0)
                printf("socket answers: no (%s)\n", why);
        else
                printf("socket answers: yes (a passwd lookup took %.1f ms)\n", ms);
        exit(ms < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

/* nscd with no action starts the daemon. There is none to start; say so,
 * and succeed when the socket works, as a started nscd would. */
static _noreturn_ void start_daemon(void) {
        const char *why = NULL;

        if (probe(&why) < 0)
                die(EXIT_FAILURE, "%s does not answer (%s); nssrelay is started by systemd through "
                    "nssrelay.socket, not by this command", socket_path, why);
        fprintf(stderr, "%s: nothing to start: systemd runs nssrelay for each connection to %s "
                "(nssrelay.socket)\n", program, socket_path);
        exit(EXIT_SUCCESS);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "invalidate", required_argument, NULL, 'i' },
                { "shutdown", no_argument, NULL, 'K' },
                { "statistics", no_argument, NULL, 'g' },
                { "debug", no_argument, NULL, 'd' },
                { "foreground", no_argument, NULL, 'F' },
                { "config-file", required_argument, NULL, 'f' },
                { "nthreads", required_argument, NULL, 't' },
                { "secure", required_argument, NULL, 'S' },
                { "print", required_argument, NULL, 'p' },
                { "help", no_argument, NULL, 'h' },
                { "usage", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        const char *env = getenv("NSSRELAY_NSCD_SOCKET");
        bool get_stats = false;
        int c;

        if (argv[0] && *argv[0]) {
                const char *slash = strrchr(argv[0], '/');
                program = slash ? slash + 1 : argv[0];
        }
        if (env && *env)
                socket_path = env;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":i:KgdFf:t:S:p:?hV", options, NULL)) >= 0) {
                switch (c) {
                case 'i':
                        invalidate(optarg);
                case 'K':
                        shutdown_daemon();
                case 'g':
                        get_stats = true;
                        break;
                case 'd':
                case 'F':
                case 'f':
                case 't':
                case 'S':
                        break;
                case 'p':
                        die(EXIT_FAILURE, "nssrelay keeps no cache, so there is no cache file to print");
                case 'h':
                        print_help();
                        return 0;
                case 'V':
                        printf("%s (nssrelay) %s\n", program, PACKAGE_VERSION);
                        return 0;
                case ':':
                        die(EXIT_USAGE, "option '%s' needs a value (see %s --help)", argv[optind - 1], program);
                case '?':
                        /* getopt says '?' for -? itself and for unknown options. */
                        if (strcmp(argv[optind - 1], "-?") == 0) {
                                print_help();
                                return 0;
                        }
                        die(EXIT_USAGE, "unknown option '%s' (see %s --help)", argv[optind - 1], program);
                }
        }
        if (optind < argc)
                die(EXIT_USAGE, "unexpected argument '%s' (see %s --help)", argv[optind], program);
        if (get_stats)
                statistics();
        start_daemon();
}
