/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor: the smallest per-connection handler that answers one
 * GETPWBYNAME or GETAI. It reads the request from the connection systemd
 * passes (fd 3, or fd 0 inetd-style), calls getpwnam or getaddrinfo, sends
 * the reply with one writev and exits; anything else it just closes. No
 * deadlines, no checks, libc only: nssrelay's cost is measured against
 * this, under systemd-socket-activate (make bench) and under systemd
 * (make bench-systemd).
 *
 * Built with FORK_FLOOR, it is the least a server that keeps nssrelayd's
 * promise can cost: a new process for each lookup. It takes the listening
 * socket systemd passes (fd 3, Accept=no), accepts, and forks a child that
 * answers that one connection as above and exits; children are reaped by
 * the kernel (SIGCHLD ignored). Nothing is forked ahead, so its p50 holds a
 * fork; its lookups/s and CPU per lookup are the ceiling of any server that
 * forks per lookup on the machine it runs on. */
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef WITH_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

enum { GETPWBYNAME = 0, GETAI = 14 };

static void ignore_traced_file(size_t db, void *file) {
        (void) db;
        (void) file;
}

/* Where the socket is visible, as under systemd, our own lookup must not
 * come back to it: the least a handler can do is switch glibc's nscd
 * client off, as nssrelay does. make bench hides the socket from the
 * handlers, so there the floor skips this, unless built as the variant
 * that always does it (FLOOR_DISABLE_NSCD). */
static void disable_nscd_client(void) {
        void (*disable)(void (*)(size_t, void *));

#ifndef FLOOR_DISABLE_NSCD
        if (access("/run/nscd/socket", F_OK) < 0)
                return;
#endif
        *(void **) &disable = dlsym(RTLD_DEFAULT, "__nss_disable_nscd");
        if (disable)
                disable(ignore_traced_file);
}

static int reply_passwd(int fd, const char *key) {
        struct passwd *pw = getpwnam(key);
        int32_t h[9] = { 2, 0, 0, 0, -1, -1, 0, 0, 0 };
        struct iovec iov[6] = { { h, sizeof(h) } };
        int n = 1;

        if (pw) {
                const char *s[5] = { pw->pw_name, pw->pw_passwd, pw->pw_gecos, pw->pw_dir, pw->pw_shell };
                const int slot[5] = { 2, 3, 6, 7, 8 };
                h[1] = 1;
                h[4] = (int32_t) pw->pw_uid;
                h[5] = (int32_t) pw->pw_gid;
                for (int i = 0; i < 5; i++) {
                        h[slot[i]] = (int32_t) strlen(s[i]) + 1;
                        iov[n++] = (struct iovec) { (void *) s[i], (size_t) h[slot[i]] };
                }
        }
        return writev(fd, iov, n) < 0;
}

static int reply_addrinfo(int fd, const char *key) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME };
        struct addrinfo *res = NULL;
        int32_t h[6] = { 2, 0, 0, 0, 0, 0 };
        uint8_t addrs[64 * 16], families[64];
        const char *canon = "";

        if (getaddrinfo(key, NULL, &hints, &res) == 0) {
                for (struct addrinfo *ai = res; ai && h[2] < 64; ai = ai->ai_next) {
                        if (ai->ai_family == AF_INET) {
                                memcpy(addrs + h[3], &((struct sockaddr_in *) ai->ai_addr)->sin_addr, 4);
                                h[3] += 4;
                        } else {
                                memcpy(addrs + h[3], &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr, 16);
                                h[3] += 16;
                        }
                        families[h[2]++] = (uint8_t) ai->ai_family;
                }
                if (res->ai_canonname)
                        canon = res->ai_canonname;
                h[1] = 1;
                h[4] = (int32_t) strlen(canon) + 1;
        }
        struct iovec iov[4] = { { h, sizeof(h) }, { addrs, (size_t) h[3] }, { families, (size_t) h[2] },
                                { (void *) canon, (size_t) h[4] } };
        int r = writev(fd, iov, 4) < 0;
        if (res)
                freeaddrinfo(res);
        return r;
}

static int serve(int fd) {
        int32_t req[3];
        char key[1025];

        if (read(fd, req, sizeof(req)) != sizeof(req) || req[2] < 1 || req[2] > 1024 ||
            read(fd, key, (size_t) req[2]) != req[2])
                return 1;
        key[req[2] - 1] = '\0';
        if (req[1] != GETPWBYNAME && req[1] != GETAI)
                return 0; /* GETFD* and the rest: close, the client carries on */
        disable_nscd_client();
        return req[1] == GETAI ? reply_addrinfo(fd, key) : reply_passwd(fd, key);
}

#ifdef FORK_FLOOR
int main(void) {
        if (!getenv("LISTEN_FDS") || signal(SIGCHLD, SIG_IGN) == SIG_ERR)
                return 1;
        for (;;) {
                int fd = accept4(3, NULL, NULL, SOCK_CLOEXEC);

                if (fd < 0)
                        continue;
                if (fork() == 0) {
                        int r;

                        close(3);
                        r = serve(fd);
                        /* EOF now, as nssrelay gives it, not at the exit. */
                        shutdown(fd, SHUT_RDWR);
                        _exit(r);
                }
                close(fd);
        }
}
#else
int main(void) {
#ifdef WITH_LIBSYSTEMD
        /* Only to make the dynamic linker load libsystemd, as a program
         * that used it would. */
        if (sd_listen_fds(0) < 0)
                return 1;
#endif
        return serve(getenv("LISTEN_FDS") ? 3 : 0);
}
#endif
