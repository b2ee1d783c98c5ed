/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>

uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

uint64_t usec_until(uint64_t deadline_usec) {
        uint64_t now = now_usec();

        return now >= deadline_usec ? 0 : deadline_usec - now;
}

int fd_wait_until(int fd, short events, uint64_t deadline_usec) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                uint64_t left = usec_until(deadline_usec);
                int r;

                if (left == 0)
                        return -ETIMEDOUT;
                /* Rounded up: poll() must not wake just before the deadline. */
                r = poll(&p, 1, (int) ((left + 999) / 1000));
                if (r > 0)
                        return 0;
                if (r == 0)
                        return -ETIMEDOUT;
                if (errno != EINTR)
                        return -errno;
        }
}

int fd_set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);

        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}
