/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hosts lookups in the client's network namespace (nssrelay(8), NETWORK
 * NAMESPACES).
 *
 * A client in another network namespace (a container, a VPN namespace,
 * `ip netns exec`, PrivateNetwork=) resolves in-process in that namespace
 * with its own resolv.conf. To give it the same answer, this process
 * moves into the namespace of the client's socket and puts the client's
 * resolv.conf where glibc's resolver reads it, /etc/resolv.conf, in a
 * mount namespace of its own. Every other file (nsswitch.conf, the
 * modules, /etc/hosts) stays ours: resolv.conf is the only thing taken
 * from the client, and only as bytes, read with the client's own file
 * system credentials.
 *
 * The steps need CAP_SYS_ADMIN (setns, unshare, mount), CAP_SYS_PTRACE
 * (another user's /proc/PID/ns/net and /proc/PID/root) and CAP_SETUID and
 * CAP_SETGID (reading as the client); confine_lookup() drops them all
 * before any NSS code runs. A client in our own namespace costs two
 * getsockopt() calls and a socket(), and nothing else. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "macro.h"

/* Linux 6.5; Debian 12's headers predate it. */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* The only file read from the client's view, relative to its root. */
#define CLIENT_RESOLV_CONF "etc/resolv.conf"
/* Where glibc's resolver reads it (_PATH_RESCONF). */
#define RESOLV_CONF "/etc/resolv.conf"
#define NSSWITCH_CONF "/etc/nsswitch.conf"
/* How much of it the leaking-module check reads. */
#define NSSWITCH_CONF_MAX 65536

/* --- which namespace ------------------------------------------------------ */

/* SO_NETNS_COOKIE: Linux 5.14. For AF_UNIX the accepted socket is created
 * in the namespace of the socket that connected, so its cookie names the
 * namespace the client resolves in (that of the thread that called
 * connect(), which is what in-process resolution would use too). */
static int socket_netns_cookie(int fd, uint64_t *ret) {
        socklen_t len = sizeof(*ret);

        if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len) < 0)
                return -errno;
        return len == sizeof(*ret) ? 0 : -EIO;
}

/* The cookie of the namespace this thread is in now. */
static int own_netns_cookie(uint64_t *ret) {
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (s < 0)
                return -errno;
        return socket_netns_cookie(s, ret);
}

/* Our own namespace's cookie as netns_prepare() found it; 0: not known
 * ahead, ask each time. */
static uint64_t own_cookie_ahead;

void netns_prepare(void) {
        uint64_t cookie = 0;

        if (own_netns_cookie(&cookie) == 0)
                own_cookie_ahead = cookie;
}

/* Before 5.14: the same test through /proc, by the namespace files'
 * identity. */
static int same_netns_by_proc(int netns_fd) {
        struct stat ours, theirs;

        if (fstat(netns_fd, &theirs) < 0 || stat("/proc/self/ns/net", &ours) < 0)
                return -errno;
        return ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

/* --- the client's process ------------------------------------------------- */

/* A pidfd for the process that connected: from the socket itself where
 * the kernel offers it (SO_PEERPIDFD, 6.5), so it cannot be another
 * process that reused the pid; else from the pid (see nssrelay(8) for
 * what that leaves open). */
static int peer_pidfd(int fd, pid_t pid) {
        int pidfd = -1;
        socklen_t len = sizeof(pidfd);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0) {
                if (len == sizeof(pidfd) && pidfd >= 0)
                        return pidfd;
                return -EIO;
        }
        if (errno != ENOPROTOOPT)
                return -errno; /* ESRCH: the client is gone */
        pidfd = pidfd_open(pid, 0);
        return pidfd < 0 ? -errno : pidfd;
}

/* 1 while the process has not exited: its pid cannot have been reused,
 * so /proc/PID opened before this was that process's. */
static int process_alive(int pidfd) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        int n = poll(&p, 1, 0);

        if (n < 0)
                return -errno;
        return n == 0;
}

static int open_proc(pid_t pid, const char *entry, int flags) {
        char path[64];
        int fd;

        snprintf(path, sizeof(path), "/proc/%ld/%s", (long) pid, entry);
        fd = open(path, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* --- reading the client's resolv.conf as the client ------------------------ */

/* The effective capability set: all of the permitted set, or none. */
static int set_effective_capabilities(bool on) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        for (size_t i = 0; i < ELEMENTSOF(d); i++)
                d[i].effective = on ? d[i].permitted : 0;
        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

struct file_identity {
        gid_t *groups;
        int n_groups;
        uid_t fsuid;
        gid_t fsgid;
        bool valid; /* the fields above hold what to restore */
};

/* Makes file access in this thread that of the client: its uid, gid and
 * groups for permission checks and no effective capability, so we open
 * exactly what the client could open itself. Saves ours in *saved first;
 * restore_file_identity() puts back whatever was changed. */
static int become_client_for_files(const struct peer *peer, struct file_identity *saved) {
        int n;

        n = getgroups(0, NULL);
        if (n < 0)
                return -errno;
        saved->groups = malloc(((size_t) n + 1) * sizeof(gid_t));
        if (!saved->groups)
                return -ENOMEM;
        n = getgroups(n, saved->groups);
        if (n < 0)
                return -errno;
        saved->n_groups = n;
        /* An invalid id changes nothing and returns the current one. */
        saved->fsgid = (gid_t) setfsgid((gid_t) -1);
        saved->fsuid = (uid_t) setfsuid((uid_t) -1);
        saved->valid = true;

        /* Groups the kernel did not tell (n_groups < 0): none, which is
         * less than the client has, never more. */
        if (setgroups(peer->n_groups > 0 ? (size_t) peer->n_groups : 0, peer->groups) < 0)
                return -errno;
        /* setfsuid() and setfsgid() report no errors: read back. */
        setfsgid(peer->gid);
        setfsuid(peer->uid);
        if ((gid_t) setfsgid((gid_t) -1) != peer->gid || (uid_t) setfsuid((uid_t) -1) != peer->uid)
                return -EPERM;
        return set_effective_capabilities(false);
}

static int restore_file_identity(struct file_identity *saved) {
        int r;

        if (!saved->valid)
                return 0;
        r = set_effective_capabilities(true);
        if (r < 0)
                return r;
        setfsuid(saved->fsuid);
        setfsgid(saved->fsgid);
        if ((uid_t) setfsuid((uid_t) -1) != saved->fsuid || (gid_t) setfsgid((gid_t) -1) != saved->fsgid)
                return -EPERM;
        if (setgroups((size_t) saved->n_groups, saved->groups) < 0)
                return -errno;
        return 0;
}

/* Reads <client root>/etc/resolv.conf into buf (at most RESOLV_CONF_MAX
 * bytes) as the client would open it: symlinks and ".." stay inside the
 * client's root (RESOLVE_IN_ROOT), no /proc magic links, a regular file
 * only. A missing file reads as empty, which glibc treats alike (its
 * defaults). Returns the length or a negative errno; *why says which
 * check failed. */
static ssize_t read_resolv_conf(int root_fd, char *buf, const char **why) {
        struct open_how how = {
                .flags = O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_close_ int f = -1;
        struct stat st;
        size_t len = 0;

        /* EAGAIN: a rename or mount raced the in-root walk; try again. */
        for (int attempt = 0; attempt < 3; attempt++) {
                f = (int) syscall(SYS_openat2, root_fd, CLIENT_RESOLV_CONF, &how, sizeof(how));
                if (f >= 0 || errno != EAGAIN)
                        break;
        }
        if (f < 0) {
                if (errno == ENOENT)
                        return 0;
                *why = "cannot open it";
                return -errno;
        }
        if (fstat(f, &st) < 0) {
                *why = "cannot stat it";
                return -errno;
        }
        if (!S_ISREG(st.st_mode)) {
                *why = "not a regular file";
                return -EINVAL;
        }
        if (st.st_size > RESOLV_CONF_MAX) {
                *why = "larger than the limit";
                return -EFBIG;
        }
        /* One byte more than the limit tells a file that grew. */
        for (;;) {
                ssize_t n = read(f, buf + len, RESOLV_CONF_MAX + 1 - len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        *why = "cannot read it";
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > RESOLV_CONF_MAX) {
                        *why = "larger than the limit";
                        return -EFBIG;
                }
        }
        return (ssize_t) len;
}

static int client_resolv_conf(const struct peer *peer, int root_fd, char *buf, size_t *len,
                              const char **why) {
        struct file_identity saved = {};
        ssize_t n = -EPERM;
        int r;

        r = become_client_for_files(peer, &saved);
        if (r >= 0)
                n = read_resolv_conf(root_fd, buf, why);
        else
                *why = "cannot take the client's file system credentials";
        /* Even after a failure above: whatever was changed goes back. */
        int r2 = restore_file_identity(&saved);
        free(saved.groups);
        if (r < 0)
                return r;
        if (r2 < 0) {
                *why = "cannot restore our own credentials";
                return r2;
        }
        if (n < 0)
                return (int) n;
        *len = (size_t) n;
        return 0;
}

/* Hands an fd over from a _cleanup_close_ variable. */
static int take_fd(int *fd) {
        int r = *fd;

        *fd = -1;
        return r;
}

/* --- putting it in place --------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

/* The detached tmpfs that holds the copy. Closing it would wait for an
 * RCU grace period (about 0.1 ms), as any unmount does: it stays open,
 * close-on-exec, until the process exits, after the reply. */
static int resolv_tmpfs_fd = -1;

/* The copy's mount, read-only, ready to be attached. Kernels from 6.15
 * on clone a file of a detached mount; before, the tmpfs must be
 * attached while we clone, and we put it on top of "/", which every
 * system has, and take it off at once (while it sits there, "/etc/.."
 * leads into it). */
static int clone_resolv_conf(int mnt, const char **why) {
        char mnt_path[64];
        int tree, r;

        *why = "cannot bind the client's resolv.conf over " RESOLV_CONF;
        tree = open_tree(mnt, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree >= 0 || errno != EINVAL)
                return tree < 0 ? -errno : tree;

        if (move_mount(mnt, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return -errno;
        snprintf(mnt_path, sizeof(mnt_path), "/proc/self/fd/%d", mnt);
        tree = open_tree(mnt, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        r = tree < 0 ? -errno : tree;
        if (umount2(mnt_path, MNT_DETACH) < 0) {
                r = -errno;
                closep(&tree);
        }
        return r;
}

/* Gives this process a mount namespace of its own in which RESOLV_CONF
 * (wherever its symlinks lead) reads as data. The bytes go into a file
 * on a private tmpfs, which is bound read-only over the file glibc opens:
 * a file of another mount namespace (the client's) or a memfd cannot be
 * bound here. Returns a negative errno, with *why naming the step. */
static int bind_resolv_conf(const char *data, size_t len, const char **why) {
        _cleanup_close_ int target = -1, fs = -1, mnt = -1, tree = -1, file = -1;
        int r;

        *why = "cannot make a mount namespace of our own";
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        /* Nothing we mount may propagate back to the namespace we came from. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;

        *why = "our own " RESOLV_CONF " is missing";
        target = open(RESOLV_CONF, O_PATH | O_CLOEXEC);
        if (target < 0)
                return -errno;

        *why = "cannot set up a tmpfs for the client's resolv.conf";
        fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (mnt < 0)
                return -errno;
        file = openat(mnt, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (file < 0)
                return -errno;
        /* The unit's UMask= would leave it unreadable for the client's
         * credentials, which confinement gives the lookup. */
        if (fchmod(file, 0644) < 0)
                return -errno;
        r = write_all(file, data, len);
        if (r < 0)
                return r;
        /* Read-only from now on, for the clone (which inherits it) and for
         * the fd we keep; a writer left open would keep it writable. */
        closep(&file);
        file = -1;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return -errno;

        tree = clone_resolv_conf(mnt, why);
        if (tree < 0)
                return tree;
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        resolv_tmpfs_fd = take_fd(&mnt);
        return 0;
}

/* --- modules that leave the namespace -------------------------------------- */

/* Hosts modules that ask a daemon of ours over a unix socket (or D-Bus)
 * instead of sending packets themselves: the daemon resolves in its own
 * network namespace, not the client's. nssrelay(8) has the list. */
static const struct {
        const char *module;
        const char *asks;
} leaking_modules[] = {
        { "resolve", "systemd-resolved" },
        { "mdns", "avahi-daemon" },
        { "mdns4", "avahi-daemon" },
        { "mdns6", "avahi-daemon" },
        { "mdns_minimal", "avahi-daemon" },
        { "mdns4_minimal", "avahi-daemon" },
        { "mdns6_minimal", "avahi-daemon" },
        { "sss", "sssd" },
        { "ldap", "nslcd" },
        { "wins", "winbindd" },
        { "mymachines", "systemd-machined" },
};

static const char *leaking_module(const char *name, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(leaking_modules); i++)
                if (strlen(leaking_modules[i].module) == len &&
                    memcmp(leaking_modules[i].module, name, len) == 0)
                        return leaking_modules[i].asks;
        return NULL;
}

/* Appends the known leaking modules of one "hosts:" line to out. */
static void scan_hosts_line(const char *p, const char *end, char *out, size_t size) {
        int depth = 0;

        while (p < end) {
                if (*p == '[') {
                        depth++;
                        p++;
                } else if (*p == ']') {
                        depth = depth > 0 ? depth - 1 : 0;
                        p++;
                } else if (*p == ' ' || *p == '\t') {
                        p++;
                } else {
                        const char *word = p;

                        while (p < end && *p != ' ' && *p != '\t' && *p != '[' && *p != ']')
                                p++;
                        const char *asks = depth == 0 ? leaking_module(word, (size_t) (p - word)) : NULL;
                        size_t used = strlen(out);
                        if (asks && used < size)
                                snprintf(out + used, size - used, "%s%.*s (%s)", used ? ", " : "",
                                         (int) (p - word), word, asks);
                }
        }
}

/* Warns once for this lookup when our hosts line names a module that
 * resolves outside the client's namespace. Reads our nsswitch.conf as
 * text: loading modules here would run NSS code before confinement. */
static void warn_leaking_modules(const char *what) {
        _cleanup_close_ int f = open(NSSWITCH_CONF, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        static char text[NSSWITCH_CONF_MAX + 1];
        char found[512] = "";
        size_t len = 0;

        if (f < 0)
                return;
        while (len < NSSWITCH_CONF_MAX) {
                ssize_t n = read(f, text + len, NSSWITCH_CONF_MAX - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
        }
        text[len] = '\0';
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                char *end = next ? next : line + strlen(line);
                if (next)
                        next++;
                char *hash = memchr(line, '#', (size_t) (end - line));
                if (hash)
                        end = hash;
                while (line < end && (*line == ' ' || *line == '\t'))
                        line++;
                if ((size_t) (end - line) > 6 && memcmp(line, "hosts:", 6) == 0)
                        scan_hosts_line(line + 6, end, found, sizeof(found));
        }
        if (found[0])
                log_warning("%s: in the client's network namespace, but these hosts modules ask a daemon "
                            "in ours, so their answers come from our network: %s",
                            what, found);
}

/* --- the step ---------------------------------------------------------------- */

struct client_ns {
        int pidfd;
        int netns_fd;
        int root_fd;
};

static void client_ns_close(struct client_ns *c) {
        closep(&c->pidfd);
        closep(&c->netns_fd);
        closep(&c->root_fd);
}

/* Opens the client's /proc/PID/ns/net and /proc/PID/root, proving with
 * its pidfd that they belong to the process that connected. */
static int open_client(int fd, const struct peer *peer, struct client_ns *c, const char *what) {
        int r;

        if (!peer->known || peer->pid <= 0) {
                log_warning("%s: the client is in another network namespace and its pid is unknown "
                            "(another pid namespace); closing",
                            what);
                return -ESRCH;
        }
        c->pidfd = peer_pidfd(fd, peer->pid);
        if (c->pidfd < 0) {
                r = c->pidfd;
                if (r == -ESRCH)
                        log_warning("%s: the client went away before its network namespace was "
                                    "entered; closing",
                                    what);
                else
                        log_warning("%s: cannot get a pidfd for the client: %s; closing", what, strerror(-r));
                return r;
        }
        c->netns_fd = open_proc(peer->pid, "ns/net", O_RDONLY);
        if (c->netns_fd >= 0)
                c->root_fd = open_proc(peer->pid, "root", O_PATH | O_DIRECTORY);
        r = c->netns_fd < 0 ? c->netns_fd : c->root_fd < 0 ? c->root_fd : 0;
        if (r == 0)
                r = process_alive(c->pidfd);
        if (r == 0 || r == -ENOENT || r == -ESRCH) {
                log_warning("%s: the client went away before its network namespace was entered; closing",
                            what);
                return -ESRCH;
        }
        if (r < 0) {
                log_warning("%s: cannot open the client's /proc/%ld/ns/net and root: %s "
                            "(nssrelay needs CAP_SYS_PTRACE and CAP_SYS_ADMIN for this); closing",
                            what, (long) peer->pid, strerror(-r));
                return r;
        }
        return 0;
}

int netns_enter_client(int fd, const struct peer *peer, const char *what) {
        _cleanup_(client_ns_close) struct client_ns c = { .pidfd = -1, .netns_fd = -1, .root_fd = -1 };
        uint64_t theirs = 0, ours = 0;
        static char data[RESOLV_CONF_MAX + 1];
        const char *why = NULL;
        bool cookies;
        size_t len = 0;
        int r;

        /* The common case first, without /proc: a client in our namespace. */
        r = socket_netns_cookie(fd, &theirs);
        if (r == 0 && own_cookie_ahead != 0)
                ours = own_cookie_ahead;
        else if (r == 0)
                r = own_netns_cookie(&ours);
        cookies = r == 0;
        if (cookies && ours == theirs)
                return 0;
        if (!cookies && r != -ENOPROTOOPT) {
                log_error("%s: cannot tell the client's network namespace: %s; closing", what, strerror(-r));
                return r;
        }

        r = open_client(fd, peer, &c, what);
        if (r < 0)
                return r;
        if (!cookies) {
                r = same_netns_by_proc(c.netns_fd);
                if (r > 0)
                        return 0;
                if (r < 0) {
                        log_error("%s: cannot tell the client's network namespace: %s; closing", what,
                                  strerror(-r));
                        return r;
                }
        }

        if (setns(c.netns_fd, CLONE_NEWNET) < 0) {
                r = -errno;
                log_warning("%s: cannot enter the client's network namespace: %s "
                            "(nssrelay needs CAP_SYS_ADMIN for this); closing",
                            what, strerror(-r));
                return r;
        }
        /* Proof that the namespace entered is the one the client's socket
         * lives in: anything else (a thread of the client in another
         * namespace than its main thread, a socket passed on) is closed. */
        if (cookies) {
                r = own_netns_cookie(&ours);
                if (r < 0 || ours != theirs) {
                        log_warning("%s: the client's process is in another network namespace than its "
                                    "socket; closing",
                                    what);
                        return r < 0 ? r : -EXDEV;
                }
        }

        r = client_resolv_conf(peer, c.root_fd, data, &len, &why);
        if (r < 0) {
                log_warning("%s: the client's /etc/resolv.conf is unusable (%s: %s); closing", what, why,
                            strerror(-r));
                return r;
        }
        r = bind_resolv_conf(data, len, &why);
        if (r < 0) {
                log_error("%s: %s: %s; closing", what, why, strerror(-r));
                return r;
        }
        log_debug("%s: resolving in the network namespace of pid %ld with its resolv.conf (%zu bytes)", what,
                  (long) peer->pid, len);
        warn_leaking_modules(what);
        return 0;
}
