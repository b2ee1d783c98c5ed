/* A test NSS module for check-systemd: passwd entries "nsrslow-N" that
 * take SLOW_MS to find, as from a slow directory server. It is listed only
 * in nssrelay's own view of /etc/nsswitch.conf, so nobody else finds
 * these users: a client that fell back to its own NSS gets "not found". */
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFIX "nsrslow-"
#define SLOW_MS 2000
#define FIRST_UID 30000

enum nss_status _nss_slowtest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                         int *errnop);

/* Appends s to buf at *used; returns a pointer to the copy or NULL. */
static char *put(char *buf, size_t buflen, size_t *used, const char *s) {
        size_t len = strlen(s) + 1;
        char *p = buf + *used;

        if (buflen - *used < len)
                return NULL;
        memcpy(p, s, len);
        *used += len;
        return p;
}

enum nss_status _nss_slowtest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
                                         int *errnop) {
        struct timespec delay = { SLOW_MS / 1000, (SLOW_MS % 1000) * 1000000L };
        size_t used = 0;
        unsigned long n;
        char *end;

        if (strncmp(name, PREFIX, strlen(PREFIX)) != 0)
                return NSS_STATUS_NOTFOUND;
        n = strtoul(name + strlen(PREFIX), &end, 10);
        if (end == name + strlen(PREFIX) || *end != '\0' || n > 9999)
                return NSS_STATUS_NOTFOUND;

        while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
                ;

        pw->pw_name = put(buf, buflen, &used, name);
        pw->pw_passwd = put(buf, buflen, &used, "x");
        pw->pw_gecos = put(buf, buflen, &used, "slow test user");
        pw->pw_dir = put(buf, buflen, &used, "/nonexistent");
        pw->pw_shell = put(buf, buflen, &used, "/usr/sbin/nologin");
        if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        pw->pw_uid = pw->pw_gid = (unsigned) (FIRST_UID + n);
        return NSS_STATUS_SUCCESS;
}
