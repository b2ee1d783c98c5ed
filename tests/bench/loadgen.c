/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Load generator for `make bench`: sends one raw nscd request per
 * connection, as glibc's client does, and reports lookups per second and
 * latency percentiles. With RATE, the lookups are paced to RATE a second
 * in all (the latency of a lightly loaded service), else sent as fast as
 * the service answers. With --rss it instead runs a handler once on a
 * socketpair (inetd style) and reports the handler's peak RSS.
 *
 *   loadgen SOCKET TYPE KEY CLIENTS REQUESTS [RATE]
 *   loadgen --rss TYPE KEY PROGRAM [ARGS...]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static size_t build_request(uint8_t *out, int type, const char *key) {
        int32_t h[3] = { 2, type, (int32_t) strlen(key) + 1 };
        memcpy(out, h, sizeof(h));
        memcpy(out + sizeof(h), key, (size_t) h[2]);
        return sizeof(h) + (size_t) h[2];
}

/* Reads until EOF; returns the byte count or -1. */
static ssize_t drain(int fd) {
        uint8_t buf[65536];
        ssize_t total = 0, n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                total += n;
        return n < 0 ? -1 : total;
}

static int one_lookup(const char *path, const uint8_t *req, size_t len) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ssize_t got;

        strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            send(fd, req, len, MSG_NOSIGNAL) != (ssize_t) len) {
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        got = drain(fd);
        close(fd);
        /* Every reply header is at least 12 bytes and says found at offset 4. */
        return got >= 12 ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
        return x < y ? -1 : x > y;
}

static void sleep_until(uint64_t t) {
        struct timespec ts = { .tv_sec = (time_t) (t / 1000000000u), .tv_nsec = (long) (t % 1000000000u) };

        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                ;
}

static int load(const char *path, int type, const char *key, int clients, int requests, double rate) {
        uint8_t req[12 + 1025];
        size_t len = build_request(req, type, key);
        uint64_t *lat = mmap(NULL, sizeof(uint64_t) * (size_t) requests, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        int *failures = mmap(NULL, sizeof(int) * (size_t) clients, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        uint64_t start, elapsed;
        int failed = 0;

        if (lat == MAP_FAILED || failures == MAP_FAILED)
                return 1;
        start = now_ns();
        for (int c = 0; c < clients; c++) {
                pid_t pid = fork();
                if (pid < 0)
                        return 1;
                if (pid == 0) {
                        for (int i = c; i < requests; i += clients) {
                                if (rate > 0)
                                        sleep_until(start + (uint64_t) (i * 1e9 / rate));
                                uint64_t t = now_ns();
                                if (one_lookup(path, req, len) < 0)
                                        failures[c]++;
                                lat[i] = now_ns() - t;
                        }
                        _exit(0);
                }
        }
        while (wait(NULL) > 0)
                ;
        elapsed = now_ns() - start;
        for (int c = 0; c < clients; c++)
                failed += failures[c];
        qsort(lat, (size_t) requests, sizeof(uint64_t), cmp_u64);
        printf("lookups_per_s=%.0f p50_us=%.0f p99_us=%.0f failed=%d\n",
               requests / (elapsed / 1e9), lat[requests / 2] / 1e3, lat[requests * 99 / 100] / 1e3,
               failed);
        return failed ? 1 : 0;
}

static int peak_rss(int type, const char *key, char **argv) {
        uint8_t req[12 + 1025];
        size_t len = build_request(req, type, key);
        struct rusage ru;
        int sv[2], status;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
                return 1;
        if (write(sv[0], req, len) != (ssize_t) len)
                return 1;
        pid = fork();
        if (pid == 0) {
                dup2(sv[1], 0);
                close(sv[0]);
                close(sv[1]);
                unsetenv("LISTEN_FDS");
                execv(argv[0], argv);
                _exit(127);
        }
        close(sv[1]);
        ssize_t got = drain(sv[0]);
        if (wait4(pid, &status, 0, &ru) < 0 || got < 12)
                return 1;
        printf("peak_rss_kib=%ld\n", ru.ru_maxrss);
        return 0;
}

int main(int argc, char **argv) {
        if (argc >= 5 && strcmp(argv[1], "--rss") == 0)
                return peak_rss(atoi(argv[2]), argv[3], argv + 4);
        if (argc != 6 && argc != 7) {
                fprintf(stderr, "usage: loadgen SOCKET TYPE KEY CLIENTS REQUESTS [RATE] | --rss TYPE KEY PROGRAM...\n");
                return 2;
        }
        return load(argv[1], atoi(argv[2]), argv[3], atoi(argv[4]), atoi(argv[5]), argc == 7 ? atof(argv[6]) : 0);
}
