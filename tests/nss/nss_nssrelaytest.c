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
 *   confinement-PID
 *               user 70007: the gecos reports what the process that runs
 *               the lookup is and may do (see confinement() below); PID
 *               names a process of another user to try signalling
 *   ldapuser    user 70008 whose password field is a hash for a caller
 *               with uid 0 and "*" for anyone else, as nslcd answers
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
#include <sched.h>
#include <stdarg.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "proc_status.h"

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
#define CONFINEMENT_ID 70007
#define LDAPUSER_ID 70008
#define LDAPUSER_HASH "$6$nssrelaytest$rootonly"

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

/* Appends " key=value" to out. */
_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wformat-nonliteral\"")
__attribute__((format(printf, 3, 4))) static void add(char *out, size_t size, const char *fmt, ...) {
        size_t n = strlen(out);
        va_list ap;

        if (n + 1 >= size)
                return;
        out[n++] = ' ';
        out[n] = '\0';
        va_start(ap, fmt);
        vsnprintf(out + n, size - n, fmt, ap);
        va_end(ap);
}
_Pragma("GCC diagnostic pop")

/* "ok", or the errno's name: the outcome of one attempt. */
static const char *outcome(int r) {
        return r >= 0 ? "ok" : strerrorname_np(errno) ?: "?";
}

static int try_create(const char *dir) {
        char path[256];
        int fd;

        snprintf(path, sizeof(path), "%s/nssrelaytest-probe.%ld", dir, (long) getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return -1;
        close(fd);
        unlink(path);
        return 0;
}

static int try_open_write(const char *path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

        if (fd < 0)
                return -1;
        close(fd); /* nothing written */
        return 0;
}

static int try_read(const char *path) {
        char c;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, &c, 1);

        if (fd >= 0)
                close(fd);
        return n == 1 ? 0 : -1;
}

static int try_mount(void) {
        if (mount("nssrelaytest", "/tmp", "tmpfs", 0, "size=4k") < 0)
                return -1;
        umount2("/tmp", MNT_DETACH);
        return 0;
}

/* Runs 'call' in a child, which exits with its errno: a namespace it
 * entered or made would change what this process is. */
static int in_child(int (*call)(void)) {
        int status;
        pid_t pid = fork();

        if (pid == 0)
                _exit(call() < 0 ? errno : 0);
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
                return -1;
        errno = WEXITSTATUS(status);
        return errno ? -1 : 0;
}

static int unshare_user(void) {
        return unshare(CLONE_NEWUSER);
}

/* What the network namespace step does (nssrelay's netns.c): a mount
 * namespace of its own, entering a network namespace (our own: as good a
 * test of the right, and open to root without CAP_SYS_PTRACE), a new
 * mount. */
/* POSIX timers of this process that deliver 'sig' (/proc/self/timers), or
 * -1 if that cannot be read. */
static int count_timers(int sig) {
        char text[4096], want[32];
        int fd = open("/proc/self/timers", O_RDONLY | O_CLOEXEC), n = 0;
        ssize_t len;

        if (fd < 0)
                return -1;
        len = read(fd, text, sizeof(text) - 1);
        close(fd);
        if (len < 0)
                return -1;
        text[len] = '\0';
        snprintf(want, sizeof(want), "signal: %d/", sig);
        for (const char *p = text; (p = strstr(p, want)); p++)
                n++;
        return n;
}

static int unshare_mount_ns(void) {
        return unshare(CLONE_NEWNS);
}

static int setns_net(void) {
        int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

        return fd < 0 ? -1 : setns(fd, CLONE_NEWNET);
}

static int fsopen_tmpfs(void) {
        int fd = (int) syscall(SYS_fsopen, "tmpfs", 0);

        if (fd >= 0)
                close(fd);
        return fd < 0 ? -1 : 0;
}

static int try_socket(int domain, int type, const struct sockaddr *sa, socklen_t len) {
        int fd = socket(domain, type | SOCK_CLOEXEC, 0);
        int r = fd < 0 ? -1 : sa ? connect(fd, sa, len) : 0;
        int saved = errno;

        if (fd >= 0)
                close(fd);
        errno = saved;
        return r;
}

/* CapPrm and CapEff of a program this process executes: what an exec by
 * a module regains. */
static void exec_caps(char *out, size_t size) {
        int p[2];
        pid_t pid;
        char buf[4096] = "";
        ssize_t n, got = 0;

        snprintf(out, size, "?");
        if (pipe2(p, O_CLOEXEC) < 0)
                return;
        pid = fork();
        if (pid == 0) {
                dup2(p[1], STDOUT_FILENO);
                execl("/bin/grep", "grep", "^Cap\\(Prm\\|Eff\\):", "/proc/self/status", (char *) NULL);
                _exit(127);
        }
        close(p[1]);
        while (pid > 0 && (n = read(p[0], buf + got, sizeof(buf) - 1 - (size_t) got)) > 0)
                got += n;
        close(p[0]);
        if (pid > 0)
                waitpid(pid, NULL, 0);
        buf[got] = '\0';
        /* "CapPrm:\t0...\nCapEff:\t0...\n" as "CapPrm/0...,CapEff/0...,":
         * a gecos field holds no ':' and the report no blanks. */
        size_t o = 0;
        for (char *c = buf; *c && o + 1 < size; c++)
                if (*c != '\t')
                        out[o++] = *c == ':' ? '/' : *c == '\n' ? ',' : *c;
        out[o] = '\0';
        if (got <= 0)
                snprintf(out, size, "none");
}

/* What the process that runs this lookup is and may do, as
 * " key=value" pairs; victim is another user's process to signal. */
static void confinement(char *out, size_t size, pid_t victim) {
        struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/run/nscd/socket" };
        struct sockaddr_in udp = { .sin_family = AF_INET, .sin_port = htons(53),
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        uid_t ru, eu, su;
        gid_t rg, eg, sg, groups[64];
        char v[256];
        int n;

        out[0] = '\0';
        getresuid(&ru, &eu, &su);
        getresgid(&rg, &eg, &sg);
        add(out, size, "uids=%ld,%ld,%ld gids=%ld,%ld,%ld", (long) ru, (long) eu, (long) su, (long) rg,
            (long) eg, (long) sg);
        n = getgroups(64, groups);
        snprintf(v, sizeof(v), "%s", n == 0 ? "none" : "");
        for (int i = 0; i < n; i++)
                snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%ld", i ? "," : "", (long) groups[i]);
        add(out, size, "groups=%s", n < 0 ? "?" : v);
        proc_status_value("/proc/self/status", "CapEff", v, sizeof(v));
        add(out, size, "CapEff=%s", v);
        proc_status_value("/proc/self/status", "CapPrm", v, sizeof(v));
        add(out, size, "CapPrm=%s", v);
        proc_status_value("/proc/self/status", "NoNewPrivs", v, sizeof(v));
        add(out, size, "NoNewPrivs=%s", v);
        proc_status_value("/proc/self/status", "Seccomp", v, sizeof(v));
        add(out, size, "Seccomp=%s", v);
        add(out, size, "dumpable=%d", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        add(out, size, "create_etc=%s", outcome(try_create("/etc")));
        add(out, size, "create_tmp=%s", outcome(try_create("/tmp")));
        add(out, size, "create_var_tmp=%s", outcome(try_create("/var/tmp")));
        add(out, size, "create_run=%s", outcome(try_create("/run")));
        add(out, size, "write_passwd=%s", outcome(try_open_write("/etc/passwd")));
        add(out, size, "write_devnull=%s", outcome(try_open_write("/dev/null")));
        add(out, size, "read_passwd=%s", outcome(try_read("/etc/passwd")));
        add(out, size, "mount=%s", outcome(try_mount()));
        add(out, size, "kill_pid1=%s", outcome(kill(1, 0)));
        add(out, size, "kill_other=%s", outcome(victim > 0 ? kill(victim, 0) : (errno = ESRCH, -1)));
        add(out, size, "unix=%s", outcome(try_socket(AF_UNIX, SOCK_STREAM, (struct sockaddr *) &un, sizeof(un))));
        add(out, size, "udp=%s", outcome(try_socket(AF_INET, SOCK_DGRAM, (struct sockaddr *) &udp, sizeof(udp))));
        add(out, size, "tcp=%s", outcome(try_socket(AF_INET, SOCK_STREAM, NULL, 0)));
        add(out, size, "unshare=%s", outcome(in_child(unshare_user)));
        add(out, size, "unshare_mount_ns=%s", outcome(in_child(unshare_mount_ns)));
        add(out, size, "setns_net=%s", outcome(in_child(setns_net)));
        add(out, size, "fsopen=%s", outcome(in_child(fsopen_tmpfs)));
        exec_caps(v, sizeof(v));
        add(out, size, "exec=%s", v);
        /* What the lookup inherits of SIGWINCH: its action, and POSIX
         * timers that signal it (a forked worker uses both while it waits). */
        struct sigaction winch;
        add(out, size, "sigwinch=%s", sigaction(SIGWINCH, NULL, &winch) < 0 ? "?" :
                                      winch.sa_handler == SIG_DFL ? "default" :
                                      winch.sa_handler == SIG_IGN ? "ignored" : "caught");
        add(out, size, "winch_timers=%d", count_timers(SIGWINCH));
}

static enum nss_status fill_passwd(const char *name, struct passwd *pw, char *buf, size_t len,
                                   int *errnop) {
        struct arena a = { buf, len };
        char gecos[2048], dir[64];
        const char *password = "x";
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
        } else if (strncmp(name, "confinement-", 12) == 0) {
                id = CONFINEMENT_ID;
                confinement(gecos, sizeof(gecos), (pid_t) atol(name + 12));
        } else if (strcmp(name, "ldapuser") == 0) {
                id = LDAPUSER_ID;
                /* nslcd sends userPassword only to callers with uid 0. */
                password = geteuid() == 0 ? LDAPUSER_HASH : "*";
                snprintf(gecos, sizeof(gecos), "LDAP user");
        } else if (strcmp(name, "erange") == 0)
                return too_small(errnop);
        else
                return not_found(errnop);

        snprintf(dir, sizeof(dir), "/proc/%ld", (long) getpid());
        pw->pw_uid = id;
        pw->pw_gid = id;
        if (!(pw->pw_name = arena_str(&a, name)) || !(pw->pw_passwd = arena_str(&a, password)) ||
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
        case LDAPUSER_ID:
                return fill_passwd("ldapuser", pw, buf, len, errnop);
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
