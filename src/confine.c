/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Confining a lookup (nssrelay(8), SECURITY).
 *
 * Every local user can send us a request, and the NSS modules that answer
 * it are code we do not control. So before any of it runs, this process
 * becomes the client (or the --user), gives up every capability, loses
 * write access to the whole file system (Landlock) and the system calls
 * no lookup needs (seccomp). Each step is a handful of system calls: no
 * library, nothing on disk. */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "syscall_filter.h"
#include "transport.h"

/* Logs an error with errno set to -r (for %m) and returns r. */
#define log_error_errno(r, ...)                                                                            \
        ({                                                                                                 \
                int _r = (r);                                                                              \
                errno = -_r;                                                                               \
                log_error(__VA_ARGS__);                                                                    \
                _r;                                                                                        \
        })

/* Landlock's interface, spelled out: Debian 12's headers stop at ABI 1,
 * and the kernel takes the newer structure from older callers alike. */
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_REMOVE_DIR (1ull << 4)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_MAKE_CHAR (1ull << 6)
#define LL_FS_MAKE_DIR (1ull << 7)
#define LL_FS_MAKE_REG (1ull << 8)
#define LL_FS_MAKE_SOCK (1ull << 9)
#define LL_FS_MAKE_FIFO (1ull << 10)
#define LL_FS_MAKE_BLOCK (1ull << 11)
#define LL_FS_MAKE_SYM (1ull << 12)
#define LL_FS_REFER (1ull << 13)    /* ABI 2 */
#define LL_FS_TRUNCATE (1ull << 14) /* ABI 3 */
#define LL_SCOPE_SIGNAL (1ull << 1) /* ABI 6 */

struct ll_ruleset_attr {
        uint64_t handled_access_fs;
        uint64_t handled_access_net;
        uint64_t scoped;
};

struct ll_path_beneath_attr {
        uint64_t allowed_access;
        int32_t parent_fd;
} __attribute__((packed));

/* What confine_prepare() leaves for confine_lookup(). */
static struct {
        bool done;
        bool base_installed; /* confine_template() installed SYSCALL_FILTER_BASE: we inherit it */
        int landlock_abi;  /* 0: no Landlock */
        int ruleset_fd;    /* -1: no Landlock */
        int filter_len;    /* < 0: no filter for this architecture */
        struct sock_filter filter[SYSCALL_FILTER_MAX];
} prepared = { .ruleset_fd = -1, .filter_len = -1 };

#ifdef NSSRELAY_SANITIZERS
/* LeakSanitizer stops the world at exit by tracing our threads from a
 * helper that shares our memory: that needs ptrace, and a dumpable
 * process once we are no longer root. */
#define SANITIZERS true
#else
#define SANITIZERS false
#endif

/* --- Landlock ------------------------------------------------------------ */

/* Every write right the kernel's ABI offers; reading and executing stay
 * allowed, so modules load and read their files. LANDLOCK_ACCESS_FS_
 * IOCTL_DEV (ABI 5) is not a write to the file system and is left alone,
 * as is the network (modules connect where they like). */
static uint64_t write_rights(int abi) {
        uint64_t rights = LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR |
                          LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO |
                          LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;

        if (abi >= 2)
                rights |= LL_FS_REFER;
        if (abi >= 3)
                rights |= LL_FS_TRUNCATE;
        return rights;
}

/* A ruleset that handles every write right and grants /dev/null its
 * writes (shells and helpers redirect to it, O_TRUNC included); where the
 * ABI offers it (6), signals to processes outside the instance are
 * refused as well. Returns the ruleset's fd, or -errno. */
static int landlock_ruleset(int abi) {
        struct ll_ruleset_attr attr = {
                .handled_access_fs = write_rights(abi),
                .scoped = abi >= 6 ? LL_SCOPE_SIGNAL : 0,
        };
        struct ll_path_beneath_attr devnull = {
                .allowed_access = LL_FS_WRITE_FILE | (abi >= 3 ? LL_FS_TRUNCATE : 0),
        };
        _cleanup_close_ int null_fd = -1;
        int fd, r = 0;

        fd = (int) syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (fd < 0)
                return -errno;
        null_fd = open("/dev/null", O_PATH | O_CLOEXEC);
        if (null_fd < 0)
                r = -errno;
        else {
                devnull.parent_fd = null_fd;
                if (syscall(SYS_landlock_add_rule, fd, LL_RULE_PATH_BENEATH, &devnull, 0) < 0)
                        r = -errno;
        }
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

int confine_prepare(void) {
        int abi, r;

        if (prepared.done)
                return 0;

        abi = (int) syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
        if (abi < 0) {
                /* ENOSYS: too old a kernel; EOPNOTSUPP: Landlock is off;
                 * EPERM: a container manager's seccomp filter that does
                 * not know the call (systemd-nspawn's, Docker's). */
                if (errno != ENOSYS && errno != EOPNOTSUPP && errno != EPERM)
                        return log_error_errno(-errno, "cannot ask for Landlock's ABI version: %m");
                log_debug("Landlock is not available (%m): lookups run without a read-only file system");
        } else {
                r = landlock_ruleset(abi);
                if (r < 0)
                        return log_error_errno(r, "cannot set up the Landlock ruleset: %m");
                prepared.landlock_abi = abi;
                prepared.ruleset_fd = r;
        }

        /* Under the template's filter, nothing more to load. */
        prepared.filter_len = prepared.base_installed
                                      ? 0
                                      : syscall_filter_build(prepared.filter, ELEMENTSOF(prepared.filter),
                                                             SYSCALL_FILTER_WHOLE, SANITIZERS);
        if (prepared.filter_len == -EOPNOTSUPP)
                log_debug("no system call filter for this architecture");
        else if (prepared.filter_len < 0)
                return log_error_errno(prepared.filter_len, "cannot build the system call filter: %s",
                                       strerror(-prepared.filter_len));
        prepared.done = true;
        return 0;
}

int confine_template(void) {
        struct sock_filter base[SYSCALL_FILTER_MAX];
        int len;

        len = syscall_filter_build(base, ELEMENTSOF(base), SYSCALL_FILTER_BASE, SANITIZERS);
        if (len == -EOPNOTSUPP)
                log_debug("no system call filter for this architecture");
        else if (len < 0)
                log_warning("template: cannot build the system call filter (%s): each worker loads all of it",
                            strerror(-len));
        else {
                struct sock_fprog prog = { .len = (unsigned short) len, .filter = base };

                /* no_new_privs, which a filter needs without CAP_SYS_ADMIN,
                 * costs a template nothing: it never executes a program
                 * (forked workers set it anyway). */
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
                        log_warning("template: cannot install the system call filter (%m): each worker loads "
                                    "all of it");
                else
                        prepared.base_installed = true;
        }
        return confine_prepare();
}

/* --- credentials ----------------------------------------------------------- */

struct creds {
        uid_t uid;
        gid_t gid;
        const gid_t *groups;
        size_t n_groups;
};

static bool group_in(gid_t g, const gid_t *groups, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (groups[i] == g)
                        return true;
        return false;
}

/* Whether this process already has exactly 'want' (all three ids, and
 * the same set of supplementary groups), or, with 'subset', no group
 * beyond want's groups and primary group. */
static bool creds_are(const struct creds *want, bool subset) {
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        /* Static, not on the stack: a 256 KiB frame puts what follows on
         * fresh stack pages, and with stack clash protection (the Debian
         * package's hardening flags) is probed page by page, each lookup. */
        static gid_t groups[NGROUPS_MAX];
        int n;

        if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
                return false;
        if (ru != want->uid || eu != want->uid || su != want->uid || rg != want->gid || eg != want->gid ||
            sg != want->gid)
                return false;
        n = getgroups(ELEMENTSOF(groups), groups);
        if (n < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (!group_in(groups[i], want->groups, want->n_groups) &&
                    !(subset && groups[i] == want->gid))
                        return false;
        if (subset)
                return true;
        for (size_t i = 0; i < want->n_groups; i++)
                if (!group_in(want->groups[i], groups, (size_t) n))
                        return false;
        return true;
}

static int switch_creds(const struct creds *want) {
        if (setgroups(want->n_groups, want->groups) < 0 || setresgid(want->gid, want->gid, want->gid) < 0 ||
            setresuid(want->uid, want->uid, want->uid) < 0)
                return -errno;
        return 0;
}

/* Becomes 'want'. An instance that cannot switch (run without CAP_SETUID
 * and CAP_SETGID, as by hand or in the tests) serves only where that
 * gives NSS code nothing the client lacks: when the client is root, or
 * when the instance already runs as exactly the client's ids. */
static int become(const struct creds *want, bool want_is_client, const char *what) {
        int r;

        if (creds_are(want, false))
                return 0;
        r = switch_creds(want);
        if (r == -EPERM && ((want_is_client && want->uid == 0) || creds_are(want, true))) {
                log_debug("%s: cannot switch to uid %ld gid %ld (%s): serving as we are, no more than the client",
                          what, (long) want->uid, (long) want->gid, strerror(-r));
                return 1; /* as we are */
        }
        if (r < 0)
                return log_error_errno(r, "%s: cannot run the lookup as uid %ld gid %ld with %zu groups: %s; closing",
                                       what, (long) want->uid, (long) want->gid, want->n_groups, strerror(-r));
        if (!creds_are(want, false))
                return log_error_errno(-EPERM, "%s: the switch to uid %ld gid %ld did not take; closing", what,
                                       (long) want->uid, (long) want->gid);
        return 0;
}

/* --- capabilities ---------------------------------------------------------- */

/* Empties the effective, permitted, inheritable and ambient sets and sets
 * no_new_privs, so that no exec can gain anything back: the bounding set
 * (the unit's CAP_SETUID CAP_SETGID) cannot shrink without CAP_SETPCAP,
 * but a root exec under no_new_privs gets no more than its empty
 * permitted set. Verified with capget. */
static int drop_capabilities(const char *what) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_error_errno(-errno, "%s: cannot clear the ambient capabilities: %m; closing", what);
        if (syscall(SYS_capset, &h, d) < 0)
                return log_error_errno(-errno, "%s: cannot drop capabilities: %m; closing", what);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(-errno, "%s: cannot set no_new_privs: %m; closing", what);
        if (syscall(SYS_capget, &h, d) < 0 || d[0].effective || d[0].permitted || d[0].inheritable ||
            d[1].effective || d[1].permitted || d[1].inheritable)
                return log_error_errno(-EPERM, "%s: capabilities are left after dropping them; closing", what);
        return 0;
}

/* --- the whole ------------------------------------------------------------- */

int confine_lookup(const struct peer *peer, const struct serve_options *opts, const char *what) {
        /* Each step's cost, for the debug log (make bench reads it). */
        uint64_t t[6];
        struct creds want;
        int r;

        if (!opts->confine)
                return drop_capabilities(what);

        t[0] = now_usec();
        r = confine_prepare();
        if (r < 0)
                return r;
        t[1] = now_usec();

        if (opts->fixed_user)
                want = (struct creds) { .uid = opts->user_uid, .gid = opts->user_gid };
        else {
                if (!peer->known)
                        return log_error_errno(-EPERM, "%s: the client's credentials are unknown; closing", what);
                /* Without SO_PEERGROUPS (Linux before 4.13) the lookup
                 * runs with no supplementary groups: less than the
                 * client has, never more. */
                want = (struct creds) { .uid = peer->uid, .gid = peer->gid,
                                        .groups = peer->n_groups > 0 ? peer->groups : NULL,
                                        .n_groups = peer->n_groups > 0 ? (size_t) peer->n_groups : 0 };
        }
        r = become(&want, !opts->fixed_user, what);
        if (r < 0)
                return r;
        /* Not dumpable (the kernel decides by fs.suid_dumpable otherwise):
         * the client, whose uids the instance now has, may signal it but
         * not trace it or read its memory. The sanitizer build stays
         * dumpable for LeakSanitizer, which traces our threads at exit. */
        (void) prctl(PR_SET_DUMPABLE, SANITIZERS ? 1 : 0, 0, 0, 0);
        t[2] = now_usec();

        r = drop_capabilities(what);
        if (r < 0)
                return r;
        t[3] = now_usec();

        if (prepared.ruleset_fd >= 0) {
                if (syscall(SYS_landlock_restrict_self, prepared.ruleset_fd, 0) < 0)
                        return log_error_errno(-errno, "%s: cannot make the file system read-only (Landlock): %m; closing",
                                               what);
                /* The process is confined for good; a second lookup in
                 * it (the fuzzer does not confine) would need a new one. */
                close(prepared.ruleset_fd);
                prepared.ruleset_fd = -1;
        }
        t[4] = now_usec();

        if (prepared.filter_len > 0) {
                struct sock_fprog prog = { .len = (unsigned short) prepared.filter_len, .filter = prepared.filter };

                /* prctl rather than seccomp(2): the same filter, and
                 * valgrind (3.19) knows only this way. */
                if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
                        return log_error_errno(-errno, "%s: cannot install the system call filter: %m; closing", what);
        }
        t[5] = now_usec();
        log_debug("confined in %llu us: prepare %llu, credentials %llu, capabilities %llu, Landlock %llu, "
                  "seccomp %llu (%d instructions%s)",
                  (unsigned long long) (t[5] - t[0]), (unsigned long long) (t[1] - t[0]),
                  (unsigned long long) (t[2] - t[1]), (unsigned long long) (t[3] - t[2]),
                  (unsigned long long) (t[4] - t[3]), (unsigned long long) (t[5] - t[4]), prepared.filter_len,
                  prepared.base_installed ? ", the template's filter is inherited" : "");
        return 0;
}
