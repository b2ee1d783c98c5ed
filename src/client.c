/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "timeutil.h"

/* An AF_UNIX connect() with a full listen backlog sleeps until the send
 * timeout, so a blocking connect with SO_SNDTIMEO set is a connect with
 * a deadline. */
static int connect_until(int fd, const char *path, uint64_t deadline_usec) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        uint64_t left = usec_until(deadline_usec);
        struct timeval tv = { .tv_sec = (time_t) (left / 1000000), .tv_usec = (suseconds_t) (left % 1000000) };
        size_t len = strlen(path);

        if (len >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, len + 1);
        if (left == 0)
                return -ETIMEDOUT;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        for (;;) {
                if (connect(fd, (const struct sockaddr *) &sa, sizeof(sa)) == 0)
                        return 0;
                if (errno == EINTR && usec_until(deadline_usec) > 0)
                        continue;
                if (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR)
                        return -ETIMEDOUT;
                return -errno;
        }
}

int client_connect(const char *path, uint64_t deadline_usec) {
        int fd, r;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        r = connect_until(fd, path, deadline_usec);
        if (r >= 0)
                r = fd_set_nonblock(fd);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

static int send_all(int fd, const uint8_t *data, size_t len, uint64_t deadline_usec) {
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
                        return -errno;
                int r = fd_wait_until(fd, POLLOUT, deadline_usec);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_reply(int fd, size_t want, struct buf *reply, uint64_t deadline_usec) {
        for (;;) {
                size_t room = reply->max - reply->len;
                ssize_t n;
                int r;

                if (want > 0 && reply->len >= want)
                        return 0;
                if (room == 0)
                        return -E2BIG;
                r = buf_reserve(reply, room < 65536 ? room : 65536);
                if (r < 0)
                        return r;
                room = reply->cap - reply->len;
                if (want > 0 && room > want - reply->len)
                        room = want - reply->len;
                n = recv(fd, reply->data + reply->len, room, 0);
                if (n > 0) {
                        reply->len += (size_t) n;
                        continue;
                }
                if (n == 0)
                        return 0;
                if (errno == EINTR)
                        continue;
                /* A server that closes with our request unread resets the
                 * connection: no reply, like EOF. */
                if (errno == ECONNRESET)
                        return 0;
                if (errno != EAGAIN)
                        return -errno;
                r = fd_wait_until(fd, POLLIN, deadline_usec);
                if (r < 0)
                        return r;
        }
}

int client_exchange(int fd, const void *request, size_t len, bool read_it, size_t want, struct buf *reply,
                    uint64_t deadline_usec) {
        int r = send_all(fd, request, len, deadline_usec);

        if (r < 0 || !read_it)
                return r;
        return read_reply(fd, want, reply, deadline_usec);
}
