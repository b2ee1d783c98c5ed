/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A test NSS module for check-systemd. It knows two kinds of users:
 * - nsrtest-NNN (000 to 099, uid 20000 + N), found at once;
 * - nsrslow-N (0 to 9999, uid 30000 + N), found after SLOW_MS, as from a
 *   slow directory server.
 * It answers only inside an nssrelay instance (a process in the cgroup
 * of an nssrelay@ unit or of nssrelayd.service), and inside glibc's nscd
 * (nscd.service), which check-deb replaces with the package. Every other
 * process, the test clients included, gets "not found": a client that
 * fell back to its own NSS fails, so a found user proves that nssrelay
 * (or nscd) answered. Unlike a bind mount, this adds nothing to the
 * shipped unit, whose cost the checks measure. */
#include <errno.h>
#include <fcntl.h>
#include <nss.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOW_MS 2000

enum nss_status _nss_nsrtest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                        int *errnop);

static bool inside_server(void) {
        char text[4096];
        ssize_t n = -1;
        int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

        if (fd >= 0) {
                n = read(fd, text, sizeof(text) - 1);
                close(fd);
        }
        if (n <= 0)
                return false;
        text[n] = '\0';
        return strstr(text, "/system-nssrelay.slice/nssrelay@") != NULL ||
               strstr(text, "/nssrelayd.service\n") != NULL || strstr(text, "/nscd.service\n") != NULL;
}

/* The number after prefix, if name is prefix + 1 to 4 digits and <= max. */
static long number_after(const char *name, const char *prefix, long max) {
        size_t len = strlen(prefix);
        char *end;
        long n;

        if (strncmp(name, prefix, len) != 0 || name[len] < '0' || name[len] > '9' || strlen(name + len) > 4)
                return -1;
        n = strtol(name + len, &end, 10);
        return *end == '\0' && n <= max ? n : -1;
}

static char *put(char *buf, size_t buflen, size_t *used, const char *s) {
        size_t len = strlen(s) + 1;
        char *p = buf + *used;

        if (buflen - *used < len)
                return NULL;
        memcpy(p, s, len);
        *used += len;
        return p;
}

enum nss_status _nss_nsrtest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                        int *errnop) {
        long fast = number_after(name, "nsrtest-", 99), slow = number_after(name, "nsrslow-", 9999);
        size_t used = 0;

        if ((fast < 0 && slow < 0) || !inside_server())
                return NSS_STATUS_NOTFOUND;
        if (fast >= 0 && strlen(name) != strlen("nsrtest-000"))
                return NSS_STATUS_NOTFOUND;

        if (slow >= 0) {
                struct timespec delay = { SLOW_MS / 1000, (SLOW_MS % 1000) * 1000000L };
                while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
                        ;
        }

        pw->pw_name = put(buf, buflen, &used, name);
        pw->pw_passwd = put(buf, buflen, &used, "x");
        pw->pw_gecos = put(buf, buflen, &used, "seen only by nssrelay");
        pw->pw_dir = put(buf, buflen, &used, "/nonexistent");
        pw->pw_shell = put(buf, buflen, &used, "/usr/sbin/nologin");
        if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        pw->pw_uid = pw->pw_gid = (unsigned) (slow >= 0 ? 30000 + slow : 20000 + fast);
        return NSS_STATUS_SUCCESS;
}
