/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "macro.h"

#define LISTEN_FDS_START 3

static int sockopt_int(int fd, int option, int *value) {
        socklen_t len = sizeof(*value);

        return getsockopt(fd, SOL_SOCKET, option, value, &len);
}

/* NULL if fd is a connected AF_UNIX stream socket, else why not. */
static const char *check_connection(int fd) {
        int domain, type, listening;

        if (sockopt_int(fd, SO_DOMAIN, &domain) < 0)
                return errno == ENOTSOCK ? "is not a socket" : "cannot be inspected";
        if (domain != AF_UNIX)
                return "is not an AF_UNIX socket";
        if (sockopt_int(fd, SO_TYPE, &type) < 0 || type != SOCK_STREAM)
                return "is not a stream socket";
        if (sockopt_int(fd, SO_ACCEPTCONN, &listening) < 0 || listening)
                return "is a listening socket (the .socket unit needs Accept=yes)";
        return NULL;
}

static int parse_pid(const char *s, pid_t *out) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v <= 0)
                return -EINVAL;
        *out = (pid_t) v;
        return 0;
}

int transport_acquire(char *why, size_t why_size) {
        const char *fds = getenv("LISTEN_FDS");
        const char *pid_s = getenv("LISTEN_PID");
        const char *problem;
        pid_t listen_pid;
        int fd;

        if (fds && pid_s && parse_pid(pid_s, &listen_pid) == 0 && listen_pid == getpid()) {
                if (strcmp(fds, "1") != 0) {
                        snprintf(why, why_size,
                                 "LISTEN_FDS=%s: expected exactly one connection (Accept=yes)", fds);
                        return -EINVAL;
                }
                fd = LISTEN_FDS_START;
                /* Nothing we start (NSS helpers) should think it was activated. */
                unsetenv("LISTEN_FDS");
                unsetenv("LISTEN_PID");
                unsetenv("LISTEN_FDNAMES");
        } else
                fd = STDIN_FILENO;

        problem = check_connection(fd);
        if (problem) {
                if (fd == STDIN_FILENO)
                        snprintf(why, why_size,
                                 "no connection to serve: standard input %s, and LISTEN_FDS is not "
                                 "set for this process; nssrelay is started by nssrelay.socket "
                                 "(see nssrelay(8))",
                                 problem);
                else
                        snprintf(why, why_size, "fd %d from systemd %s", fd, problem);
                return -ENOTCONN;
        }

        int r = fd_set_nonblock(fd);
        if (r == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                r = -errno;
        if (r < 0) {
                snprintf(why, why_size, "cannot set up fd %d: %s", fd, strerror(-r));
                return r;
        }
        return fd;
}

/* The groups the peer had when it connected: into a stack buffer that
 * holds nearly everyone's, else (ERANGE) into one of the size the kernel
 * asks for. */
static void peer_groups(int fd, struct peer *peer) {
        gid_t small[256];
        socklen_t len = sizeof(small);
        gid_t *groups = small;

        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, small, &len) < 0) {
                if (errno != ERANGE || len == 0 || !(groups = malloc(len)))
                        return;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0) {
                        free(groups);
                        return;
                }
        }
        if (groups == small && len > 0) {
                groups = malloc(len);
                if (!groups)
                        return;
                memcpy(groups, small, len);
        }
        peer->groups = len > 0 ? groups : NULL;
        peer->n_groups = (int) (len / sizeof(gid_t));
}

void transport_peer(int fd, struct peer *peer) {
        struct ucred cred;
        socklen_t len = sizeof(cred);

        *peer = (struct peer) { .pid = -1, .uid = (uid_t) -1, .gid = (gid_t) -1, .n_groups = -1 };
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && len == sizeof(cred)) {
                peer->pid = cred.pid;
                peer->uid = cred.uid;
                peer->gid = cred.gid;
                peer->known = 1;
                peer_groups(fd, peer);
        }
}

void transport_peer_free(struct peer *peer) {
        free(peer->groups);
        peer->groups = NULL;
        peer->n_groups = -1;
}

static int read_exactly(int fd, void *buf, size_t len, uint64_t deadline_usec) {
        size_t got = 0;

        while (got < len) {
                ssize_t n = read(fd, (uint8_t *) buf + got, len - got);

                if (n > 0) {
                        got += (size_t) n;
                        continue;
                }
                if (n == 0)
                        return got == 0 ? -ECONNRESET : -EBADMSG;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                int r = fd_wait_until(fd, POLLIN, deadline_usec);
                if (r < 0)
                        return r;
        }
        return 0;
}

int transport_read_request(int fd, uint64_t deadline_usec, struct request *req, enum wire_error *error) {
        uint8_t bytes[NSCD_REQUEST_MAX_SIZE];
        enum request_type type;
        uint32_t key_len;
        int r;

        *error = WIRE_OK;
        r = read_exactly(fd, bytes, NSCD_REQUEST_HEADER_SIZE, deadline_usec);
        if (r == -EBADMSG)
                *error = WIRE_TRUNCATED;
        if (r < 0)
                return r;

        *error = wire_parse_header(bytes, NSCD_REQUEST_HEADER_SIZE, &type, &key_len);
        if (*error != WIRE_OK)
                return -EBADMSG;

        r = read_exactly(fd, bytes + NSCD_REQUEST_HEADER_SIZE, key_len, deadline_usec);
        if (r == -ECONNRESET || r == -EBADMSG) {
                /* A header without its key is a truncated request. */
                *error = WIRE_TRUNCATED;
                return -EBADMSG;
        }
        if (r < 0)
                return r;

        *error = wire_parse_request(bytes, NSCD_REQUEST_HEADER_SIZE + key_len, req);
        return *error == WIRE_OK ? 0 : -EBADMSG;
}

int transport_send_reply(int fd, const struct reply *reply, uint64_t deadline_usec) {
        struct iovec iov[2] = {
                { .iov_base = (void *) reply->header, .iov_len = reply->header_len },
                { .iov_base = reply->body.data, .iov_len = reply->body.len },
        };
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = reply->body.len > 0 ? 2 : 1 };

        for (;;) {
                ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EPIPE || errno == ECONNRESET)
                                return -ECONNRESET;
                        if (errno != EAGAIN)
                                return -errno;
                        int r = fd_wait_until(fd, POLLOUT, deadline_usec);
                        if (r < 0)
                                return r;
                        continue;
                }

                /* Skip what went out; the header always fits in the first
                 * send, since the socket buffer starts empty. */
                size_t sent = (size_t) n;
                while (msg.msg_iovlen > 0 && sent >= msg.msg_iov[0].iov_len) {
                        sent -= msg.msg_iov[0].iov_len;
                        msg.msg_iov++;
                        msg.msg_iovlen--;
                }
                if (msg.msg_iovlen == 0)
                        return 0;
                msg.msg_iov[0].iov_base = (uint8_t *) msg.msg_iov[0].iov_base + sent;
                msg.msg_iov[0].iov_len -= sent;
        }
}
