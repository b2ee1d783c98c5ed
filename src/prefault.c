/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "prefault.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"

/* Both from Linux 5.14; on older kernels madvise() fails with EINVAL and
 * the worker faults as before. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Writable private mappings larger than this (a module's big arena, say)
 * are left alone: populating them for writing allocates every page. */
#define WRITABLE_MAX (4ul << 20)

static volatile sig_atomic_t waiting;
static char maps[65536];

static const char *parse_hex(const char *p, unsigned long *value) {
        unsigned long v = 0;
        const char *start = p;

        for (;; p++) {
                int d;
                if (*p >= '0' && *p <= '9')
                        d = *p - '0';
                else if (*p >= 'a' && *p <= 'f')
                        d = *p - 'a' + 10;
                else
                        break;
                v = v * 16 + (unsigned long) d;
        }
        *value = v;
        return p == start ? NULL : p;
}

static const char *skip_field(const char *p) {
        while (*p == ' ')
                p++;
        while (*p && *p != ' ')
                p++;
        return p;
}

/* Of a writable private mapping, the pages the template had touched
 * (those the lookup is likely to write), in runs: the rest would only
 * cost memory in every waiting worker. */
static void populate_touched(unsigned long start, unsigned long end) {
        static unsigned char resident[WRITABLE_MAX / 4096];
        const unsigned long page = 4096;
        size_t pages = (end - start) / page, run = 0;

        if ((start | end) % page != 0 || mincore((void *) start, end - start, resident) < 0)
                return;
        for (size_t i = 0; i <= pages; i++) {
                if (i < pages && (resident[i] & 1)) {
                        run++;
                        continue;
                }
                if (run > 0)
                        (void) madvise((void *) (start + (i - run) * page), run * page, MADV_POPULATE_WRITE);
                run = 0;
        }
}

/* One line of /proc/self/maps: "start-end perms offset dev inode  path". */
static void populate(const char *line) {
        unsigned long start, end;
        const char *p = parse_hex(line, &start);

        if (!p || *p != '-' || !(p = parse_hex(p + 1, &end)) || *p != ' ' || end <= start ||
            strlen(p + 1) < 4)
                return;
        const char *perms = p + 1;
        p = skip_field(skip_field(skip_field(perms + 4)));
        while (*p == ' ')
                p++;
        /* [vvar], [vdso] and the like are not ordinary memory. */
        if (perms[0] != 'r' || (*p == '[' && strcmp(p, "[heap]") != 0 && strcmp(p, "[stack]") != 0))
                return;
        if (perms[1] == 'w') {
                if (perms[3] == 'p' && end - start <= WRITABLE_MAX)
                        populate_touched(start, end);
        } else
                (void) madvise((void *) start, end - start, MADV_POPULATE_READ);
}

/* Only system calls and code of our own: it runs in a signal handler,
 * though what it interrupts is always the wait for a connection. */
static void on_timer(int sig _unused_) {
        size_t len = 0;
        ssize_t n;
        int fd;

        if (!waiting)
                return;
        fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return;
        while (len < sizeof(maps) - 1 && (n = read(fd, maps + len, sizeof(maps) - 1 - len)) > 0)
                len += (size_t) n;
        close(fd);
        maps[len] = '\0';
        for (char *line = maps, *next; *line; line = next) {
                next = strchr(line, '\n');
                if (!next)
                        break; /* a last line cut short by the buffer */
                *next++ = '\0';
                populate(line);
        }
}

static timer_t timer;
static bool timer_created;

void prefault_arm(void) {
        struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART };
        struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = PREFAULT_SIGNAL };
        const struct itimerspec once = { .it_value = { .tv_nsec = PREFAULT_AFTER_MS * 1000000L } };

        sigemptyset(&sa.sa_mask);
        if (sigaction(PREFAULT_SIGNAL, &sa, NULL) < 0)
                return;
        if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0)
                return;
        timer_created = true;
        waiting = 1;
        (void) timer_settime(timer, 0, &once, NULL);
}

void prefault_disarm(void) {
        struct sigaction sa = { .sa_handler = SIG_DFL };

        waiting = 0;
        if (timer_created)
                (void) timer_delete(timer);
        timer_created = false;
        sigemptyset(&sa.sa_mask);
        (void) sigaction(PREFAULT_SIGNAL, &sa, NULL);
}
