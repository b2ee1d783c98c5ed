/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"

uint64_t client_now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static uint64_t usec_left(uint64_t deadline_usec) {
        uint64_t now = client_now_usec();

        return now >= deadline_usec ? 0 : deadline_usec - now;
}

/* Waits for 'events' until the deadline. */
static enum client_result wait_for(int fd, short events, uint64_t deadline_usec) {
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                uint64_t left = usec_left(deadline_usec);
                int r;

                if (left == 0)
                        return CLIENT_TIMEOUT;
                r = poll(&p, 1, (int) ((left + 999) / 1000));
                if (r > 0)
                        return CLIENT_OK;
                if (r == 0)
                        return CLIENT_TIMEOUT;
                if (errno != EINTR)
                        return CLIENT_ERROR;
        }
}

/* An AF_UNIX connect() with a full listen backlog sleeps until the send
 * timeout, so a blocking connect with SO_SNDTIMEO set is a connect with
 * a deadline. */
static enum client_result connect_until(int fd, const char *path, uint64_t deadline_usec) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        uint64_t left = usec_left(deadline_usec);
        struct timeval tv = { .tv_sec = (time_t) (left / 1000000), .tv_usec = (suseconds_t) (left % 1000000) };

        size_t len = strlen(path);

        if (len >= sizeof(sa.sun_path)) {
                errno = ENAMETOOLONG;
                return CLIENT_NO_SOCKET;
        }
        memcpy(sa.sun_path, path, len + 1);
        if (left == 0)
                return CLIENT_TIMEOUT;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return CLIENT_ERROR;
        for (;;) {
                if (connect(fd, (const struct sockaddr *) &sa, sizeof(sa)) == 0)
                        return CLIENT_OK;
                if (errno == EINTR && usec_left(deadline_usec) > 0)
                        continue;
                if (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR)
                        return CLIENT_TIMEOUT;
                return CLIENT_NO_SOCKET;
        }
}

static enum client_result send_all(int fd, const uint8_t *data, size_t len, uint64_t deadline_usec) {
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

                if (n >= 0) {
                        data += n;
                        len -= (size_t) n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return CLIENT_ERROR;
                enum client_result w = wait_for(fd, POLLOUT, deadline_usec);
                if (w != CLIENT_OK)
                        return w;
        }
        return CLIENT_OK;
}

static enum client_result read_reply(int fd, size_t want, struct buf *reply, uint64_t deadline_usec) {
        for (;;) {
                size_t room = reply->max - reply->len;
                ssize_t n;

                if (want > 0 && reply->len >= want)
                        return CLIENT_OK;
                if (room == 0)
                        return CLIENT_TOO_LARGE;
                if (buf_reserve(reply, room < 65536 ? room : 65536) < 0)
                        return CLIENT_ERROR;
                room = reply->cap - reply->len;
                if (want > 0 && room > want - reply->len)
                        room = want - reply->len;
                n = recv(fd, reply->data + reply->len, room, 0);
                if (n > 0) {
                        reply->len += (size_t) n;
                        continue;
                }
                if (n == 0)
                        return CLIENT_OK;
                if (errno == EINTR)
                        continue;
                /* A server that closes with our request unread resets the
                 * connection: no reply, like EOF. */
                if (errno == ECONNRESET)
                        return CLIENT_OK;
                if (errno != EAGAIN)
                        return CLIENT_ERROR;
                enum client_result w = wait_for(fd, POLLIN, deadline_usec);
                if (w != CLIENT_OK)
                        return w;
        }
}

enum client_result client_exchange(const char *path, const void *request, size_t request_len,
                                   int read_it, size_t want, struct buf *reply,
                                   uint64_t deadline_usec) {
        _cleanup_close_ int fd = -1;
        enum client_result r;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return CLIENT_ERROR;
        r = connect_until(fd, path, deadline_usec);
        if (r != CLIENT_OK)
                return r;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return CLIENT_ERROR;
        r = send_all(fd, request, request_len, deadline_usec);
        if (r != CLIENT_OK || !read_it)
                return r;
        return read_reply(fd, want, reply, deadline_usec);
}

const char *client_result_name(enum client_result r) {
        switch (r) {
        case CLIENT_OK:
                return "ok";
        case CLIENT_NO_SOCKET:
                return "cannot connect";
        case CLIENT_TIMEOUT:
                return "no answer within the timeout";
        case CLIENT_TOO_LARGE:
                return "reply too large";
        case CLIENT_ERROR:
                return "I/O error";
        }
        return "unknown result";
}
