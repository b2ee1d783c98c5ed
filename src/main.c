/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nssrelay: answers one nscd request through this system's NSS, then exits.
 *
 * systemd accepts each connection on /run/nscd/socket and starts one
 * nssrelay for it (nssrelay.socket, Accept=yes). */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "query.h"
#include "serve.h"
#include "template.h"
#include "transport.h"
#include "watchdog.h"

static void print_help(void) {
        printf("Usage: nssrelay [--log=LEVEL] [--netns=client|server] [--confine=yes|no]\n"
               "                [--user=NAME|UID]\n"
               "       nssrelay query [OPTIONS] DB KEY...\n"
               "Answer one glibc nscd request through this system's NSS modules, caching nothing.\n"
               "\n"
               "nssrelay is started by systemd for each connection to /run/nscd/socket\n"
               "(nssrelay.socket with Accept=yes). It serves the connection on fd 3 when\n"
               "LISTEN_FDS=1 and LISTEN_PID is its own pid, else on standard input when\n"
               "that is a connected AF_UNIX stream socket.\n"
               "\n"
               "Options:\n"
               "  --log=LEVEL   error, warning (default), requests (one line per request)\n"
               "                or debug; overrides $NSSRELAY_LOG\n"
               "  --netns=MODE  client (default): hosts lookups run in the client's network\n"
               "                namespace; server: in nssrelay's own; overrides $NSSRELAY_NETNS\n"
               "  --confine=yes|no\n"
               "                no: skip becoming the client, Landlock and seccomp (for\n"
               "                measuring and debugging); overrides $NSSRELAY_CONFINE\n"
               "  --user=NAME|UID\n"
               "                run every lookup as this user (from /etc/passwd) instead\n"
               "                of as the client; overrides $NSSRELAY_USER\n"
               "  -h, --help    show this help\n"
               "  -V, --version show the version\n"
               "\n"
               "nssrelay query sends one request to the socket and prints the reply; see\n"
               "nssrelay query --help.\n"
               "\n"
               "See nssrelay(8).\n");
}

static _noreturn_ void usage_error(const char *problem, const char *arg) {
        errx(EXIT_USAGE, "%s '%s' (see nssrelay --help)", problem, arg);
}

static enum netns_mode parse_netns(const char *value, const char *source) {
        if (strcmp(value, "client") == 0)
                return NETNS_CLIENT;
        if (strcmp(value, "server") == 0)
                return NETNS_SERVER;
        errx(EXIT_USAGE, "%s=%s: expected client or server", source, value);
}

static bool parse_yes_no(const char *value, const char *source) {
        if (strcmp(value, "yes") == 0)
                return true;
        if (strcmp(value, "no") == 0)
                return false;
        errx(EXIT_USAGE, "%s=%s: expected yes or no", source, value);
}

static unsigned parse_count(const char *value, const char *option) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || v < 1 || v > 65536)
                errx(EXIT_USAGE, "%s=%s: expected a number from 1 to 65536", option, value);
        return (unsigned) v;
}

/* The user of --user, from /etc/passwd itself: through NSS the lookup
 * would come back to this very socket. A name, or a uid that has an
 * entry there (for its group); never root, which would give every
 * client's lookup root's view. */
static void parse_user(const char *value, const char *source, struct serve_options *opts) {
        _cleanup_fclose_ FILE *f = NULL;
        char line[4096], *end;
        bool numeric;
        unsigned long want_uid;

        errno = 0;
        want_uid = strtoul(value, &end, 10);
        numeric = *value >= '0' && *value <= '9' && *end == '\0' && errno == 0;
        f = fopen("/etc/passwd", "re");
        if (!f)
                err(EXIT_USAGE, "%s=%s: cannot read /etc/passwd", source, value);
        while (fgets(line, sizeof(line), f)) {
                char *fields[4], *p = line;
                unsigned long uid, gid;
                size_t i;

                for (i = 0; i < ELEMENTSOF(fields) && p; i++)
                        fields[i] = strsep(&p, ":");
                if (i < ELEMENTSOF(fields) || !p)
                        continue; /* fewer than seven fields */
                if (numeric ? false : strcmp(fields[0], value) != 0)
                        continue;
                errno = 0;
                uid = strtoul(fields[2], &end, 10);
                if (errno || *end || end == fields[2] || uid > (uid_t) -2)
                        continue;
                if (numeric && uid != want_uid)
                        continue;
                gid = strtoul(fields[3], &end, 10);
                if (errno || *end || end == fields[3] || gid > (gid_t) -2)
                        continue;
                if (uid == 0 || gid == 0)
                        errx(EXIT_USAGE, "%s=%s: lookups must not run as root or group root", source, value);
                opts->fixed_user = true;
                opts->user_uid = (uid_t) uid;
                opts->user_gid = (gid_t) gid;
                return;
        }
        errx(EXIT_USAGE, "%s=%s: no such user in /etc/passwd", source, value);
}

static int parse_log_level(const char *value, const char *source) {
        int level = log_setting_from_string(value);

        if (level < 0)
                errx(EXIT_USAGE, "%s=%s: expected error, warning, requests or debug", source, value);
        return level;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "log", required_argument, NULL, 'l' },
                { "netns", required_argument, NULL, 'n' },
                { "confine", required_argument, NULL, 'c' },
                { "user", required_argument, NULL, 'u' },
                /* Internal: how nssrelayd runs us (nssrelayd(8)). */
                { "template", required_argument, NULL, 't' },
                { "spare", required_argument, NULL, 's' },
                { "max-workers", required_argument, NULL, 'm' },
                { "pool-worker", no_argument, NULL, 'p' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        uint64_t start_usec = now_usec();
        const char *env = getenv("NSSRELAY_LOG");
        int level = LOG_SETTING_WARNING;
        struct serve_options opts = SERVE_OPTIONS_DEFAULT;
        struct template_options template = { .spare = 4, .max_workers = 512 };
        bool as_template = false, as_pool_worker = false;
        const char *user = NULL, *user_source = "NSSRELAY_USER";
        char why[512];
        int c, fd;

        /* Our name in errx()'s messages, whatever argv[0] says. */
        program_invocation_short_name = (char *) "nssrelay";

        /* The diagnostic client; the serving path below is untouched. */
        if (argc >= 2 && strcmp(argv[1], "query") == 0)
                return query_main(argc - 1, argv + 1);

        if (env && *env)
                level = parse_log_level(env, "NSSRELAY_LOG");
        env = getenv("NSSRELAY_NETNS");
        if (env && *env)
                opts.netns = parse_netns(env, "NSSRELAY_NETNS");
        env = getenv("NSSRELAY_CONFINE");
        if (env && *env)
                opts.confine = parse_yes_no(env, "NSSRELAY_CONFINE");

        env = getenv("NSSRELAY_USER");
        if (env && *env)
                user = env;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:hV", options, NULL)) >= 0) {
                switch (c) {
                case 'l':
                        level = parse_log_level(optarg, "--log");
                        break;
                case 'n':
                        opts.netns = parse_netns(optarg, "--netns");
                        break;
                case 'c':
                        opts.confine = parse_yes_no(optarg, "--confine");
                        break;
                case 'u':
                        user = optarg;
                        user_source = "--user";
                        break;
                case 't':
                        if (strcmp(optarg, "fork") != 0 && strcmp(optarg, "exec") != 0)
                                usage_error("--template takes fork or exec, not", optarg);
                        as_template = true;
                        template.exec_workers = strcmp(optarg, "exec") == 0;
                        break;
                case 's':
                        template.spare = parse_count(optarg, "--spare");
                        break;
                case 'm':
                        template.max_workers = parse_count(optarg, "--max-workers");
                        break;
                case 'p':
                        as_pool_worker = true;
                        break;
                case 'h':
                        print_help();
                        return 0;
                case 'V':
                        printf("nssrelay %s\n", PACKAGE_VERSION);
                        return 0;
                case ':':
                        usage_error("missing value for option", argv[optind - 1]);
                default:
                        usage_error("unknown option", argv[optind - 1]);
                }
        }
        if (optind < argc)
                usage_error("unexpected argument", argv[optind]);
        if (user)
                parse_user(user, user_source, &opts);

        log_setup((enum log_setting) level);
        watchdog_install_crash_handlers();
        /* We send with MSG_NOSIGNAL; an NSS module writing to a socket its
         * server closed must get EPIPE too, not kill the lookup. */
        signal(SIGPIPE, SIG_IGN);

        if (as_template)
                return template_main(&template, &opts);
        if (as_pool_worker)
                return pool_worker_main(&opts);

        fd = transport_acquire(why, sizeof(why));
        if (fd < 0)
                errx(EXIT_USAGE, "%s", why);
        return serve_connection(fd, start_usec, &opts);
}
