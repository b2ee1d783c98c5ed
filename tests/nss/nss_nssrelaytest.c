/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnss_nssrelaytest.so.2: an NSS module that misbehaves on request.
 *
 * The fault-tolerance tests load it in the server's namespace only (the
 * fixture nsswitch.conf says "nssrelaytest", LD_LIBRARY_PATH points
 * here), so whatever it answers, nssrelay answered. Built by `make check`,
 * never installed. The name looked up picks the behaviour:
 *
 *   whoami      user 70001 / group 70001: gecos (and the group's only
 *               member) is the command name of the process that ran the
 *               lookup, the home directory /proc/PID of that process
 *   leakfd      user 70002: opens /dev/null and never closes it; the
 *               gecos says "fd=N"
 *   manygroups  user 70003, member of MANY_GROUPS groups (initgroups_dyn)
 *   creds       user 70005: the gecos holds the serving process's uid,
 *               gid, effective capabilities and no_new_privs flag
 *   hugegroup   group 70004 with HUGE_MEMBERS members
 *   toohuge     group 70006 with TOO_HUGE_MEMBERS members: more than
 *               nssrelay's NSS_BUFFER_MAX holds
 *   hang        sleeps forever
 *   hang-masked blocks every signal, then sleeps forever
 *   hang-alarm  cancels any alarm() and ignores SIGALRM, as a module with
 *               timeouts of its own might, then sleeps forever
 *   crash       dies of SIGSEGV, a real invalid write
 *   forkcrash   forks a child that keeps every fd open for 3 s, then
 *               crashes like "crash"
 *   erange      says ERANGE however large the buffer is
 *
 * Each name works for passwd, group and initgroups alike where that makes
 * sense; unknown names are NOTFOUND. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define HUGE_MEMBERS 100000
#define TOO_HUGE_MEMBERS 1500000
#define MANY_GROUPS 70000
#define MANY_GROUPS_FIRST_GID 200000

#define WHOAMI_ID 70001
#define LEAKFD_ID 70002
#define MANYGROUPS_ID 70003
#define HUGEGROUP_ID 70004
#define CREDS_ID 70005
#define TOOHUGE_ID 70006

enum nss_status _nss_nssrelaytest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
                                             int *errnop);
enum nss_status _nss_nssrelaytest_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
                                             int *errnop);
enum nss_status _nss_nssrelaytest_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
                                             int *errnop);
enum nss_status _nss_nssrelaytest_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
                                             int *errnop);
enum nss_status _nss_nssrelaytest_initgroups_dyn(const char *user, gid_t group, long int *start,
                                                 long int *size, gid_t **groupsp, long int limit,
                                                 int *errnop);

static void sleep_forever(void) {
        for (;;)
                pause();
}

/* A real fault, not raise(): the address comes from a volatile, so the
 * compiler cannot turn the write into a trap instruction (SIGILL). */
static void crash(void) {
        volatile uintptr_t address = 16;

        *(volatile int *) address = 1;
        abort(); /* not reached */
}

/* Handles the names that do something drastic instead of answering. */
static void misbehave(const char *name) {
        if (strcmp(name, "hang") == 0)
                sleep_forever();
        if (strcmp(name, "hang-masked") == 0) {
                sigset_t all;

                sigfillset(&all);
                sigprocmask(SIG_BLOCK, &all, NULL);
                sleep_forever();
        }
        if (strcmp(name, "hang-alarm") == 0) {
                signal(SIGALRM, SIG_IGN);
                alarm(0);
                sleep_forever();
        }
        if (strcmp(name, "crash") == 0)
                crash();
        if (strcmp(name, "forkcrash") == 0) {
                if (fork() == 0) {
                        /* Holds the parent's fds, the connection among them. */
                        struct timespec ts = { .tv_sec = 3 };
                        nanosleep(&ts, NULL);
                        _exit(0);
                }
                crash();
        }
}

/* Copies strings into the caller's buffer. */
struct arena {
        char *p;
        size_t left;
};

static char *arena_str(struct arena *a, const char *s) {
        size_t n = strlen(s) + 1;
        char *out = a->p;

        if (n > a->left)
                return NULL;
        memcpy(out, s, n);
        a->p += n;
        a->left -= n;
        return out;
}

static void *arena_alloc(struct arena *a, size_t n, size_t align) {
        size_t pad = (align - (uintptr_t) a->p % align) % align;
        void *out;

        if (pad > a->left || n > a->left - pad)
                return NULL;
        out = a->p + pad;
        a->p += pad + n;
        a->left -= pad + n;
        return out;
}

static enum nss_status too_small(int *errnop) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
}

static enum nss_status not_found(int *errnop) {
        *errnop = ENOENT;
        return NSS_STATUS_NOTFOUND;
}

static void command_name(char out[17]) {
        memset(out, 0, 17);
        if (prctl(PR_GET_NAME, out, 0, 0, 0) < 0)
                strcpy(out, "?");
}

/* "uid=R gid=R CapEff=HEX NoNewPrivs=N" from /proc/self/status. */
static void credentials(char *out, size_t size) {
        char line[256], caps[32] = "?", nnp[8] = "?";
        FILE *f = fopen("/proc/self/status", "re");

        while (f && fgets(line, sizeof(line), f)) {
                if (strncmp(line, "CapEff:", 7) == 0)
                        sscanf(line + 7, "%31s", caps);
                else if (strncmp(line, "NoNewPrivs:", 11) == 0)
                        sscanf(line + 11, "%7s", nnp);
        }
        if (f)
                fclose(f);
        snprintf(out, size, "uid=%ld gid=%ld CapEff=%s NoNewPrivs=%s", (long) getuid(), (long) getgid(),
                 caps, nnp);
}

static enum nss_status fill_passwd(const char *name, struct passwd *pw, char *buf, size_t len,
                                   int *errnop) {
        struct arena a = { buf, len };
        char gecos[128], dir[64];
        uid_t id;

        if (strcmp(name, "whoami") == 0) {
                id = WHOAMI_ID;
                command_name(gecos);
        } else if (strcmp(name, "leakfd") == 0) {
                int fd = open("/dev/null", O_RDONLY); /* leaked on purpose */
                id = LEAKFD_ID;
                snprintf(gecos, sizeof(gecos), "fd=%d", fd);
        } else if (strcmp(name, "manygroups") == 0) {
                id = MANYGROUPS_ID;
                snprintf(gecos, sizeof(gecos), "in %d groups", MANY_GROUPS);
        } else if (strcmp(name, "creds") == 0) {
                id = CREDS_ID;
                credentials(gecos, sizeof(gecos));
        } else if (strcmp(name, "erange") == 0)
                return too_small(errnop);
        else
                return not_found(errnop);

        snprintf(dir, sizeof(dir), "/proc/%ld", (long) getpid());
        pw->pw_uid = id;
        pw->pw_gid = id;
        if (!(pw->pw_name = arena_str(&a, name)) || !(pw->pw_passwd = arena_str(&a, "x")) ||
            !(pw->pw_gecos = arena_str(&a, gecos)) || !(pw->pw_dir = arena_str(&a, dir)) ||
            !(pw->pw_shell = arena_str(&a, "/bin/sh")))
                return too_small(errnop);
        return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_nssrelaytest_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
                                             int *errnop) {
        misbehave(name);
        return fill_passwd(name, pw, buf, len, errnop);
}

enum nss_status _nss_nssrelaytest_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
                                             int *errnop) {
        switch (uid) {
        case WHOAMI_ID:
                return fill_passwd("whoami", pw, buf, len, errnop);
        case LEAKFD_ID:
                return fill_passwd("leakfd", pw, buf, len, errnop);
        case MANYGROUPS_ID:
                return fill_passwd("manygroups", pw, buf, len, errnop);
        case CREDS_ID:
                return fill_passwd("creds", pw, buf, len, errnop);
        default:
                return not_found(errnop);
        }
}

static enum nss_status fill_group(const char *name, struct group *gr, char *buf, size_t len,
                                  int *errnop) {
        struct arena a = { buf, len };
        size_t count;
        char comm[17] = "";

        if (strcmp(name, "whoami") == 0) {
                gr->gr_gid = WHOAMI_ID;
                count = 1;
                command_name(comm);
        } else if (strcmp(name, "hugegroup") == 0) {
                gr->gr_gid = HUGEGROUP_ID;
                count = HUGE_MEMBERS;
        } else if (strcmp(name, "toohuge") == 0) {
                gr->gr_gid = TOOHUGE_ID;
                count = TOO_HUGE_MEMBERS;
        } else if (strcmp(name, "erange") == 0)
                return too_small(errnop);
        else
                return not_found(errnop);

        /* Says ERANGE before building anything, as a module reading one
         * line would: a too small buffer costs nothing, even for the
         * 1,500,000 members nssrelay will never take. "m0000000" is 9
         * bytes with its NUL; alignment may cost a pointer. */
        size_t member_size = gr->gr_gid == WHOAMI_ID ? strlen(comm) + 1 : 9;
        if (len < (count + 2) * sizeof(char *) + strlen(name) + 1 + 2 + count * member_size)
                return too_small(errnop);

        gr->gr_mem = arena_alloc(&a, (count + 1) * sizeof(char *), sizeof(char *));
        if (!gr->gr_mem || !(gr->gr_name = arena_str(&a, name)) || !(gr->gr_passwd = arena_str(&a, "x")))
                return too_small(errnop);
        for (size_t i = 0; i < count; i++) {
                char member[24];

                if (gr->gr_gid == WHOAMI_ID)
                        snprintf(member, sizeof(member), "%s", comm);
                else
                        snprintf(member, sizeof(member), "m%07zu", i);
                if (!(gr->gr_mem[i] = arena_str(&a, member)))
                        return too_small(errnop);
        }
        gr->gr_mem[count] = NULL;
        return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_nssrelaytest_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
                                             int *errnop) {
        misbehave(name);
        return fill_group(name, gr, buf, len, errnop);
}

enum nss_status _nss_nssrelaytest_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
                                             int *errnop) {
        switch (gid) {
        case WHOAMI_ID:
                return fill_group("whoami", gr, buf, len, errnop);
        case HUGEGROUP_ID:
                return fill_group("hugegroup", gr, buf, len, errnop);
        default:
                return not_found(errnop);
        }
}

/* Adds the user's groups to *groupsp from *start on, growing it as glibc
 * expects: never past 'limit' when that is positive. */
enum nss_status _nss_nssrelaytest_initgroups_dyn(const char *user, gid_t group, long int *start,
                                                 long int *size, gid_t **groupsp, long int limit,
                                                 int *errnop) {
        misbehave(user);
        if (strcmp(user, "manygroups") != 0)
                return not_found(errnop);

        for (long int i = 0; i < MANY_GROUPS; i++) {
                gid_t gid = (gid_t) (MANY_GROUPS_FIRST_GID + i);

                if (gid == group)
                        continue;
                if (*start == *size) {
                        long int grow = *size > 0 ? *size * 2 : 64;
                        gid_t *p;

                        if (limit > 0 && *size == limit)
                                return NSS_STATUS_SUCCESS; /* full: glibc stops here */
                        if (limit > 0 && grow > limit)
                                grow = limit;
                        p = realloc(*groupsp, (size_t) grow * sizeof(gid_t));
                        if (!p) {
                                *errnop = ENOMEM;
                                return NSS_STATUS_TRYAGAIN;
                        }
                        *groupsp = p;
                        *size = grow;
                }
                (*groupsp)[(*start)++] = gid;
        }
        return NSS_STATUS_SUCCESS;
}
