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
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "macro.h"
#include "timeutil.h"
#include "wire.h"

/* nscd's own exit codes, which callers may test; any other bad usage is
 * EXIT_USAGE. */
#define EXIT_NSCD_USAGE 64   /* argp's EX_USAGE: -i with an unknown database */
#define EXIT_NSCD_NOT_ROOT 4 /* -i or -K from anyone but root */

static const char *socket_path = CLIENT_DEFAULT_SOCKET;

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
               program_invocation_short_name, socket_path, CLIENT_DEFAULT_TIMEOUT_MS / 1000);
}

/* Why an exchange failed, for messages. */
enum failure {
        FAILED_CONNECT,  /* connect() failed */
        FAILED_EXCHANGE, /* sending or reading failed */
};

/* Sends one request (key NULL: none); with want > 0, reads up to that
 * many reply bytes. Returns 0 or a negative errno, with *failed saying in
 * which step. */
static int exchange(enum request_type type, const char *key, bool read_reply, size_t want, struct buf *reply,
                    enum failure *failed) {
        uint64_t deadline = now_usec() + CLIENT_DEFAULT_TIMEOUT_MS * 1000ull;
        uint8_t bytes[NSCD_REQUEST_MAX_SIZE];
        struct request req;
        int r;

        *failed = FAILED_EXCHANGE;
        r = key ? wire_request_init_text(&req, type, key) : wire_request_init(&req, type, NULL, 0);
        if (r < 0)
                return r;
        *failed = FAILED_CONNECT;
        _cleanup_close_ int fd = client_connect(socket_path, deadline);
        if (fd < 0)
                return fd;
        *failed = FAILED_EXCHANGE;
        return client_exchange(fd, bytes, wire_build_request(&req, bytes), read_reply, want, reply, deadline);
}

static _noreturn_ void unreachable(int r, enum failure failed) {
        if (r == -ETIMEDOUT)
                errx(EXIT_FAILURE, "no answer from %s within %d seconds", socket_path,
                     CLIENT_DEFAULT_TIMEOUT_MS / 1000);
        if (failed == FAILED_CONNECT)
                errx(EXIT_FAILURE, "cannot connect to %s: %s", socket_path, strerror(-r));
        errx(EXIT_FAILURE, "talking to %s failed: %s", socket_path, strerror(-r));
}

/* nscd -i: checks the name, then root, then sends INVALIDATE and reads
 * the int32 answer; an immediate close also means success, as nscd and
 * systemd read it ("older nscd"). */
static _noreturn_ void invalidate(const char *db) {
        uint8_t storage[8];
        enum failure failed;
        struct buf reply;
        int32_t answer = 0;
        int r;

        if (database_from_name(db) == DB_NONE)
                errx(EXIT_NSCD_USAGE, "'%s' is not a known database (passwd, group, hosts, services, netgroup)", db);
        if (getuid() != 0)
                errx(EXIT_NSCD_NOT_ROOT, "Only root is allowed to use this option!");

        buf_init(&reply, storage, sizeof(storage), sizeof(storage));
        r = exchange(REQ_INVALIDATE, db, true, sizeof(answer), &reply, &failed);
        if (r < 0)
                unreachable(r, failed);
        if (reply.len != 0 && reply.len != sizeof(answer))
                errx(EXIT_FAILURE, "cannot read invalidate ACK: %zu bytes", reply.len);
        if (reply.len == sizeof(answer))
                memcpy(&answer, reply.data, sizeof(answer));
        if (answer != 0)
                errx(EXIT_FAILURE, "invalidation failed: %s", strerror(answer));
        exit(EXIT_SUCCESS);
}

/* nscd -K: the daemon reads SHUTDOWN and answers nothing. */
static _noreturn_ void shutdown_daemon(void) {
        enum failure failed;
        int r;

        if (getuid() != 0)
                errx(EXIT_NSCD_NOT_ROOT, "Only root is allowed to use this option!");
        r = exchange(REQ_SHUTDOWN, NULL, false, 0, NULL, &failed);
        if (r < 0)
                unreachable(r, failed);
        exit(EXIT_SUCCESS);
}

/* Whether the socket answers a lookup: GETPWBYUID 0 has an answer (found
 * or not) from any nscd and touches nothing. Returns 0 with the
 * milliseconds it took in *ms, or a negative errno with *why set. */
static int probe(double *ms, const char **why) {
        uint8_t storage[4096];
        uint64_t start = now_usec();
        enum failure failed;
        struct buf reply;
        int r;

        buf_init(&reply, storage, sizeof(storage), sizeof(storage));
        r = exchange(REQ_GETPWBYUID, "0", true, 0, &reply, &failed);
        if (r == -E2BIG) /* more than a passwd reply, but an answer */
                r = 0;
        else if (r == 0 && reply.len == 0) {
                *why = "it closed the connection without answering";
                return -ENODATA;
        }
        if (r < 0) {
                *why = r == -ETIMEDOUT ? "no answer within the timeout"
                       : failed == FAILED_CONNECT ? strerror(-r)
                                                  : "I/O error";
                return r;
        }
        *ms = (double) (now_usec() - start) / 1000.0;
        return 0;
}

/* nscd -g prints glibc nscd's cache statistics; nssrelay has none, so it
 * says what it is and whether the socket works. */
static _noreturn_ void statistics(void) {
        const char *why = NULL;
        double ms = 0;
        int r = probe(&ms, &why);

        printf("nssrelay %s: a non-caching nscd service\n"
               "cache: none; every lookup asks this system's NSS modules afresh\n"
               "socket: %s\n",
               PACKAGE_VERSION, socket_path);
        if (r < 0)
                printf("socket answers: no (%s)\n", why);
        else
                printf("socket answers: yes (a passwd lookup took %.1f ms)\n", ms);
        exit(r < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

/* nscd with no action starts the daemon. There is none to start; say so,
 * and succeed when the socket works, as a started nscd would. */
static _noreturn_ void start_daemon(void) {
        const char *why = NULL;
        double ms;

        if (probe(&ms, &why) < 0)
                errx(EXIT_FAILURE, "%s does not answer (%s); nssrelay is started by systemd through "
                     "nssrelay.socket, not by this command", socket_path, why);
        warnx("nothing to start: systemd runs nssrelay for each connection to %s (nssrelay.socket)",
              socket_path);
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

        /* Our name in messages, errx()'s included: nssrelay-nscd, or nscd
         * when installed as that. glibc sets it from argv[0], which may be
         * empty. */
        if (!*program_invocation_short_name)
                program_invocation_short_name = (char *) "nssrelay-nscd";
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
                        errx(EXIT_FAILURE, "nssrelay keeps no cache, so there is no cache file to print");
                case 'h':
                        print_help();
                        return 0;
                case 'V':
                        printf("%s (nssrelay) %s\n", program_invocation_short_name, PACKAGE_VERSION);
                        return 0;
                case ':':
                        errx(EXIT_USAGE, "option '%s' needs a value (see %s --help)", argv[optind - 1],
                             program_invocation_short_name);
                case '?':
                        /* getopt says '?' for -? itself and for unknown options. */
                        if (strcmp(argv[optind - 1], "-?") == 0) {
                                print_help();
                                return 0;
                        }
                        errx(EXIT_USAGE, "unknown option '%s' (see %s --help)", argv[optind - 1],
                             program_invocation_short_name);
                }
        }
        if (optind < argc)
                errx(EXIT_USAGE, "unexpected argument '%s' (see %s --help)", argv[optind],
                     program_invocation_short_name);
        if (get_stats)
                statistics();
        start_daemon();
}
