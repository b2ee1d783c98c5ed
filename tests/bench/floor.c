/* The floor handler: the least a per-connection nscd handler can do.
 *
 * Reads one request from the connection systemd passed (fd 3 with
 * LISTEN_FDS, else standard input), answers GETPWBYNAME with getpwnam
 * and one writev, closes anything else, and exits. libc only: no
 * deadlines, no logging, no checks beyond what keeps it in bounds.
 * Benchmarks run it in the same units as nssrelay to show how much of a
 * lookup's cost is ours and how much is starting a process. */
#include <dlfcn.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define GETPWBYNAME 0
#define MAX_KEY 1024

/* __nss_disable_nscd reports each file the modules watch through this. */
static void ignore_traced_file(size_t db, void *file) {
        (void) db;
        (void) file;
}

static int read_all(int fd, void *p, size_t len) {
        size_t got = 0;

        while (got < len) {
                ssize_t n = read(fd, (char *) p + got, len - got);
                if (n <= 0)
                        return -1;
                got += (size_t) n;
        }
        return 0;
}

int main(void) {
        int32_t req[3], hdr[9] = { 2, 0, 0, 0, -1, -1, 0, 0, 0 };
        char key[MAX_KEY + 1];
        const char *fds = getenv("LISTEN_FDS");
        int fd = fds && strcmp(fds, "1") == 0 ? 3 : 0;
        struct iovec iov[6];
        struct passwd *pw;
        int n = 1;

        if (read_all(fd, req, sizeof(req)) < 0 || req[0] != 2 || req[2] < 1 || req[2] > MAX_KEY ||
            read_all(fd, key, (size_t) req[2]) < 0)
                return 1;
        key[req[2]] = '\0';
        if (req[1] != GETPWBYNAME)
                return 0; /* GETFD* and the rest: close, the client carries on */

        /* Our own lookup must not come back to the socket we serve. */
        void (*disable_nscd)(void (*)(size_t, void *));
        *(void **) &disable_nscd = dlsym(RTLD_DEFAULT, "__nss_disable_nscd");
        if (disable_nscd)
                disable_nscd(ignore_traced_file);

        pw = getpwnam(key);
        if (pw) {
                const char *s[5] = { pw->pw_name, pw->pw_passwd, pw->pw_gecos, pw->pw_dir, pw->pw_shell };
                hdr[1] = 1;
                hdr[4] = (int32_t) pw->pw_uid;
                hdr[5] = (int32_t) pw->pw_gid;
                for (int i = 0; i < 5; i++) {
                        iov[n].iov_base = (void *) s[i];
                        iov[n].iov_len = strlen(s[i]) + 1;
                        n++;
                }
                hdr[2] = (int32_t) iov[1].iov_len;
                hdr[3] = (int32_t) iov[2].iov_len;
                hdr[6] = (int32_t) iov[3].iov_len;
                hdr[7] = (int32_t) iov[4].iov_len;
                hdr[8] = (int32_t) iov[5].iov_len;
        }
        iov[0].iov_base = hdr;
        iov[0].iov_len = sizeof(hdr);
        return writev(fd, iov, n) < 0;
}
