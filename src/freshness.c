/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "freshness.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"

/* Bounds, so that a strange template cannot make us grow: a process with
 * NSS modules maps a few dozen files from a handful of directories. */
#define MAX_FILES 512
#define MAX_DIRS 64

/* Timestamps are set from a coarse clock: a change made just after a
 * template started may carry a time slightly before its start. */
#define CLOCK_SLACK_NS 20000000LL

#define DELETED_SUFFIX " (deleted)"

struct watched_file {
        char *path;
        dev_t dev;
        ino_t ino;
        off_t size;
        struct timespec mtime;
};

static struct {
        int inotify_fd;
        pid_t pid;
        struct watched_file files[MAX_FILES];
        size_t nfiles;
        int wds[MAX_DIRS];
        size_t nwds;
} state = { .inotify_fd = -1 };

int freshness_init(void) {
        if (state.inotify_fd < 0) {
                state.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (state.inotify_fd < 0)
                        return -errno;
        }
        return state.inotify_fd;
}

static void forget_all(void) {
        for (size_t i = 0; i < state.nwds; i++)
                (void) inotify_rm_watch(state.inotify_fd, state.wds[i]);
        for (size_t i = 0; i < state.nfiles; i++)
                free(state.files[i].path);
        state.nwds = state.nfiles = 0;
        state.pid = 0;
}

/* The path of a file-backed mapping line of /proc/PID/maps, or NULL.
 * Lines read: "start-end perms offset dev inode    /path". */
static char *mapped_path(char *line, bool *deleted) {
        char *p = line, *end;
        unsigned long long inode;

        for (int field = 0; field < 4; field++) {
                p = strchr(p, ' ');
                if (!p)
                        return NULL;
                p++;
        }
        errno = 0;
        inode = strtoull(p, &end, 10);
        if (errno != 0 || end == p || *end != ' ' || inode == 0)
                return NULL;
        p = end;
        p += strspn(p, " ");
        /* Not files on disk: shared memory, memfds and devices. */
        if (*p != '/' || strncmp(p, "/memfd:", 7) == 0 || strncmp(p, "/dev/", 5) == 0 ||
            strncmp(p, "/SYSV", 5) == 0)
                return NULL;
        p[strcspn(p, "\n")] = '\0';
        size_t n = strlen(p), s = strlen(DELETED_SUFFIX);
        *deleted = n > s && strcmp(p + n - s, DELETED_SUFFIX) == 0;
        if (*deleted)
                p[n - s] = '\0';
        return p;
}

static bool known(const char *path) {
        for (size_t i = 0; i < state.nfiles; i++)
                if (strcmp(state.files[i].path, path) == 0)
                        return true;
        return false;
}

/* Reads the template's mappings: collects new paths when 'collect', and
 * returns 1 with the path in 'why' when one is marked deleted. */
static int scan_maps(bool collect, char *why, size_t why_size) {
        char name[64], line[PATH_MAX + 128];
        FILE *f;
        int stale = 0;

        snprintf(name, sizeof(name), "/proc/%ld/maps", (long) state.pid);
        f = fopen(name, "re");
        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                bool deleted = false;
                char *path = mapped_path(line, &deleted);

                if (!path)
                        continue;
                if (deleted) {
                        snprintf(why, why_size, "%s was replaced", path);
                        stale = 1;
                        break;
                }
                if (!collect || known(path) || state.nfiles >= MAX_FILES)
                        continue;
                struct watched_file *w = &state.files[state.nfiles];
                struct stat st;
                if (stat(path, &st) < 0)
                        continue; /* gone: the next scan says "(deleted)" */
                w->path = strdup(path);
                if (!w->path)
                        break;
                w->dev = st.st_dev;
                w->ino = st.st_ino;
                w->size = st.st_size;
                w->mtime = st.st_mtim;
                state.nfiles++;
        }
        fclose(f);
        return stale;
}

static void watch_directories(void) {
        const uint32_t mask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
                              IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

        for (size_t i = 0; i < state.nfiles; i++) {
                char dir[PATH_MAX];
                snprintf(dir, sizeof(dir), "%s", state.files[i].path);
                int wd = inotify_add_watch(state.inotify_fd, dirname(dir), mask | IN_ONLYDIR);
                if (wd < 0) {
                        log_warning("cannot watch %s for replaced modules: %m", dir);
                        continue;
                }
                bool seen = false;
                for (size_t j = 0; j < state.nwds; j++)
                        seen = seen || state.wds[j] == wd;
                if (!seen && state.nwds < MAX_DIRS)
                        state.wds[state.nwds++] = wd;
        }
}

static int64_t ns(struct timespec ts) {
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int freshness_watch(pid_t pid, int64_t started_ns) {
        char why[PATH_MAX + 64];
        int r;

        forget_all();
        state.pid = pid;
        r = scan_maps(true, why, sizeof(why));
        if (r < 0) {
                log_warning("cannot read the template's mappings: %s; replaced modules will not be "
                            "noticed until the next restart",
                            strerror(-r));
                forget_all();
                return r;
        }
        if (r > 0)
                return 1;
        watch_directories();

        /* Changed after the template started: it may have loaded the old
         * or the new version; only a new template is sure. */
        for (size_t i = 0; i < state.nfiles; i++) {
                struct stat st;
                if (stat(state.files[i].path, &st) == 0 && ns(st.st_ctim) >= started_ns - CLOCK_SLACK_NS) {
                        log_debug("%s changed while the template started", state.files[i].path);
                        return 1;
                }
        }
        log_debug("watching %zu files the template mapped, in %zu directories", state.nfiles, state.nwds);
        return 0;
}

bool freshness_event(void) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool any = false;

        while (read(state.inotify_fd, buf, sizeof(buf)) > 0)
                any = true;
        return any && state.pid > 0;
}

int freshness_check(char *why, size_t why_size) {
        if (state.pid <= 0)
                return 0;
        if (scan_maps(false, why, why_size) > 0)
                return 1;
        for (size_t i = 0; i < state.nfiles; i++) {
                const struct watched_file *w = &state.files[i];
                struct stat st;

                if (stat(w->path, &st) < 0) {
                        snprintf(why, why_size, "%s was removed", w->path);
                        return 1;
                }
                if (st.st_dev != w->dev || st.st_ino != w->ino || st.st_size != w->size ||
                    ns(st.st_mtim) != ns(w->mtime)) {
                        snprintf(why, why_size, "%s changed", w->path);
                        return 1;
                }
        }
        return 0;
}
