/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "handoff.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"

#define MAX_FDS 2

int handoff_send_connection(int channel, int connection, int token, uint64_t accept_usec) {
        struct handoff_message m = {
                .magic = HANDOFF_MAGIC,
                .kind = HANDOFF_CONNECTION,
                .accept_usec = accept_usec,
        };
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
        } control = { 0 };
        struct msghdr msg = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf),
        };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        const int fds[MAX_FDS] = { connection, token };

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(fds));
        memcpy(CMSG_DATA(c), fds, sizeof(fds));

        for (;;) {
                ssize_t n = sendmsg(channel, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n == (ssize_t) sizeof(m))
                        return 0;
                if (n >= 0)
                        return -EIO; /* a seqpacket message goes whole or not at all */
                if (errno != EINTR)
                        return errno == ECONNRESET || errno == ENOTCONN ? -EPIPE : -errno;
        }
}

/* Closes every fd a received control message carried. */
static void close_passed_fds(struct msghdr *msg) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int fds[MAX_FDS * 4];
                if (n > ELEMENTSOF(fds))
                        n = ELEMENTSOF(fds);
                memcpy(fds, CMSG_DATA(c), n * sizeof(int));
                for (size_t i = 0; i < n; i++)
                        close(fds[i]);
        }
}

/* One message: its payload in *m and the fds it carried in fds[0..*nfds). */
static ssize_t receive(int channel, int flags, struct handoff_message *m, int *fds, size_t *nfds) {
        struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * MAX_FDS * 4)];
        } control;
        struct msghdr msg = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf),
        };
        ssize_t n;

        *nfds = 0;
        do
                n = recvmsg(channel, &msg, flags | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == ECONNRESET ? -EPIPE : -errno;
        if (n == 0)
                return 0;

        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        bool one_rights = c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                          !CMSG_NXTHDR(&msg, c) && c->cmsg_len <= CMSG_LEN(sizeof(int) * MAX_FDS);
        if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || n != (ssize_t) sizeof(*m) ||
            m->magic != HANDOFF_MAGIC || (c && !one_rights)) {
                close_passed_fds(&msg);
                return -EBADMSG;
        }
        if (c) {
                *nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                memcpy(fds, CMSG_DATA(c), *nfds * sizeof(int));
        }
        return n;
}

static void close_all(const int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
}

int handoff_receive_connection(int channel, int *connection, int *token, uint64_t *accept_usec) {
        struct handoff_message m;
        int fds[MAX_FDS];
        size_t nfds;
        ssize_t n;

        n = receive(channel, 0, &m, fds, &nfds);
        if (n <= 0)
                return (int) n;
        if (m.kind != HANDOFF_CONNECTION || nfds != MAX_FDS) {
                close_all(fds, nfds);
                return -EBADMSG;
        }
        *connection = fds[0];
        *token = fds[1];
        *accept_usec = m.accept_usec;
        return 1;
}

int handoff_send_ready(int channel) {
        const struct handoff_message m = { .magic = HANDOFF_MAGIC, .kind = HANDOFF_READY };

        for (;;) {
                ssize_t n = send(channel, &m, sizeof(m), MSG_NOSIGNAL);
                if (n == (ssize_t) sizeof(m))
                        return 0;
                if (n >= 0)
                        return -EIO;
                if (errno != EINTR)
                        return -errno;
        }
}

int handoff_receive_ready(int channel) {
        struct handoff_message m;
        int fds[MAX_FDS];
        size_t nfds;
        ssize_t n;

        n = receive(channel, MSG_DONTWAIT, &m, fds, &nfds);
        if (n == -EAGAIN)
                return 0;
        if (n == 0)
                return -EPIPE;
        if (n < 0)
                return (int) n;
        if (m.kind != HANDOFF_READY || nfds != 0) {
                close_all(fds, nfds);
                return -EBADMSG;
        }
        return 1;
}
