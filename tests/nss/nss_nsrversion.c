/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnss_nsrversion.so.2: a passwd module that says which build it is.
 *
 * Built twice from this file (see Makefile.am): as libnss_nsrversion.so.2
 * and as libnss_nsrversion_two.so.2 with NSRVERSION="two". nssrelayd's
 * freshness test copies one, then renames the other over it, as a package
 * upgrade would, and watches which build answers. Its one user:
 *
 *   moduleversion  uid 70100, gecos "one" or "two"
 *
 * Anything else is NOTFOUND. */
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <string.h>

#ifndef NSRVERSION
#define NSRVERSION "one"
#endif

#define VERSION_UID 70100

enum nss_status _nss_nsrversion_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
                                           int *errnop);
enum nss_status _nss_nsrversion_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
                                           int *errnop);

static enum nss_status fill(struct passwd *pw, char *buf, size_t len, int *errnop) {
        static const char name[] = "moduleversion", gecos[] = NSRVERSION, dir[] = "/", shell[] = "/bin/sh";
        size_t need = sizeof(name) + sizeof(gecos) + sizeof(dir) + sizeof(shell) + 2;

        if (len < need) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        pw->pw_name = memcpy(buf, name, sizeof(name));
        buf += sizeof(name);
        pw->pw_passwd = memcpy(buf, "x", 2);
        buf += 2;
        pw->pw_gecos = memcpy(buf, gecos, sizeof(gecos));
        buf += sizeof(gecos);
        pw->pw_dir = memcpy(buf, dir, sizeof(dir));
        buf += sizeof(dir);
        pw->pw_shell = memcpy(buf, shell, sizeof(shell));
        pw->pw_uid = pw->pw_gid = VERSION_UID;
        return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_nsrversion_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
                                           int *errnop) {
        if (strcmp(name, "moduleversion") != 0)
                return NSS_STATUS_NOTFOUND;
        return fill(pw, buf, len, errnop);
}

enum nss_status _nss_nsrversion_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
                                           int *errnop) {
        if (uid != VERSION_UID)
                return NSS_STATUS_NOTFOUND;
        return fill(pw, buf, len, errnop);
}
