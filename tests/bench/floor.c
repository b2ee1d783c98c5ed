/* The floor: the smallest per-connection handler that answers one
 * GETPWBYNAME. It reads the request from the connection systemd passes
 * (fd 3, or fd 0 inetd-style), calls getpwnam, sends the reply with one
 * writev and exits. No deadlines, no checks, libc only: nssrelay's cost is
 * measured against this. */
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef WITH_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

int main(void) {
        int32_t req[3];
        char key[1025];
        int fd = getenv("LISTEN_FDS") ? 3 : 0;

#ifdef WITH_LIBSYSTEMD
        /* Only to make the dynamic linker load libsystemd, as a program
         * that used it would. */
        if (sd_listen_fds(0) < 0)
                return 1;
#endif
        if (read(fd, req, sizeof(req)) != sizeof(req) || req[2] < 1 || req[2] > 1024 ||
            read(fd, key, (size_t) req[2]) != req[2])
                return 1;
        key[req[2] - 1] = '\0';

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
