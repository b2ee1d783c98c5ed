/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "template.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "handoff.h"
#include "log.h"
#include "macro.h"
#include "netns.h"
#include "nss_setup.h"
#include "prefault.h"
#include "transport.h"
#include "watchdog.h"

/* A fork that failed (EAGAIN under a process limit) is tried again this
 * much later. */
#define FORK_RETRY_MS 100

struct worker {
        pid_t pid; /* 0: a free slot */
};

/* Which workers are busy the template does not know: a worker that takes
 * a connection tells nobody (waking us beside every lookup would take CPU
 * from it). The dispatcher says how many lookups are in flight when that
 * may leave us short (HANDOFF_CONTROL_FD), and each exit is one lookup
 * over. */
struct template {
        const struct template_options *t;
        const struct serve_options *opts;
        int signal_fd; /* SIGCHLD */
        struct worker *workers;
        size_t nworkers_max;
        unsigned alive; /* workers started and not yet reaped */
        unsigned busy;  /* lookups in flight, as far as we know: each has or needs a worker */
        bool fork_failed;
};

/* In a worker: takes one connection and serves it. 'close_fds' are the
 * template's own fds, which a forked worker must not keep. Never
 * returns. */
static _noreturn_ void take_and_serve(const int *close_fds, size_t n, const struct serve_options *opts) {
        sigset_t none;
        int connection, token, r;
        uint64_t accept_usec;

        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        for (size_t i = 0; i < n; i++)
                close(close_fds[i]);

        /* What confinement and the deadline can do before the
         * connection is known, off the lookup's path (confinement retries
         * here what failed in the template). */
        if (opts->confine)
                (void) confine_prepare();
        watchdog_prepare();

        prefault_arm();
        r = handoff_receive_connection(HANDOFF_FD, &connection, &token, &accept_usec);
        prefault_disarm();
        if (r == 0)
                _exit(0); /* the dispatcher retired this template: nothing left to take */
        if (r < 0) {
                log_error("worker: cannot take a connection from nssrelayd: %s", strerror(-r));
                _exit(1);
        }
        /* For following workers by pid; the template's lines say how
         * each ended. */
        log_debug("worker: took a connection");
        close(HANDOFF_FD);

        /* The token stays open until we exit, however that happens: that
         * is how nssrelayd knows the lookup is over. */
        (void) token;
        r = serve_connection(connection, accept_usec, opts);
        close(connection);
        exit(r);
}

int pool_worker_main(const struct serve_options *opts) {
        int type = 0;
        socklen_t len = sizeof(type);

        if (getsockopt(HANDOFF_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET) {
                fprintf(stderr, "nssrelay: --pool-worker is started by nssrelay --template=exec "
                                "(fd 3), not by hand\n");
                return 2;
        }
        take_and_serve(NULL, 0, opts);
}

static struct worker *free_slot(struct template *tp) {
        for (size_t i = 0; i < tp->nworkers_max; i++)
                if (tp->workers[i].pid == 0)
                        return &tp->workers[i];
        return NULL;
}

static struct worker *find_worker(struct template *tp, pid_t pid) {
        for (size_t i = 0; i < tp->nworkers_max; i++)
                if (tp->workers[i].pid == pid)
                        return &tp->workers[i];
        return NULL;
}

static int start_worker(struct template *tp, const char *self) {
        struct worker *w = free_slot(tp);
        pid_t pid;

        if (!w)
                return -EBUSY;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                if (!tp->t->exec_workers) {
                        const int mine[] = { HANDOFF_CONTROL_FD, tp->signal_fd };
                        take_and_serve(mine, ELEMENTSOF(mine), tp->opts);
                }
                /* fd 3 is the channel already; everything else of ours is
                 * close-on-exec. */
                sigset_t none;
                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                if (!self)
                        _exit(1);
                char *const argv[] = { (char *) "nssrelay", (char *) "--pool-worker", NULL };
                execv(self, argv);
                log_error("template: cannot execute %s: %m", self);
                _exit(1);
        }
        *w = (struct worker) { .pid = pid };
        tp->alive++;
        return 0;
}

/* Keeps 'want_idle' workers waiting, within the bound. */
static void fill_pool(struct template *tp, const char *self, unsigned want_idle) {
        tp->fork_failed = false;
        while (tp->alive < tp->busy + want_idle && tp->alive < tp->nworkers_max) {
                int r = start_worker(tp, self);
                if (r < 0) {
                        log_warning("template: cannot start a worker: %s", strerror(-r));
                        tp->fork_failed = true;
                        return;
                }
        }
}

/* Bytes still queued for our workers on the channel. */
static int queued(void) {
        int n = 0;

        return ioctl(HANDOFF_FD, SIOCINQ, &n) < 0 ? 0 : n;
}

/* The dispatcher's newest count of lookups in flight. Each has a worker,
 * or needs one: those still queued on the channel take idle ones. */
static void read_in_flight(struct template *tp) {
        uint32_t counts[64];
        ssize_t n;

        while ((n = read(HANDOFF_CONTROL_FD, counts, sizeof(counts))) >= (ssize_t) sizeof(uint32_t))
                tp->busy = counts[(size_t) n / sizeof(uint32_t) - 1];
}

static void reap(struct template *tp) {
        struct signalfd_siginfo si;
        int status;
        pid_t pid;

        while (read(tp->signal_fd, &si, sizeof(si)) > 0)
                ;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                struct worker *w = find_worker(tp, pid);
                if (!w)
                        continue;
                /* Workers exit when their lookup is over. */
                tp->alive--;
                if (tp->busy > 0)
                        tp->busy--;
                *w = (struct worker) { 0 };
                /* A worker's own crash and deadline lines say what it was
                 * doing; this line is for following workers by pid. */
                if (WIFSIGNALED(status))
                        log_debug("template: worker %ld was killed by SIG%s", (long) pid,
                                  sigabbrev_np(WTERMSIG(status)) ?: "?");
                else
                        log_debug("template: worker %ld exited with status %d", (long) pid,
                                  WEXITSTATUS(status));
        }
}

static char *self_path(void) {
        char *p = realpath("/proc/self/exe", NULL);

        return p;
}

static void template_done(struct template *tp) {
        closep(&tp->signal_fd);
}

/* The template's life once set up: load the modules, keep the pool, until
 * the dispatcher has gone and nothing is left for our workers. */
static int run_pool(struct template *tp, const struct template_options *t, const struct serve_options *opts,
                    const char *self) {
        bool draining = false;

        /* Forked workers inherit the modules loaded here; nothing is
         * looked up here, so no lookup's state is ever inherited. With
         * LD_BIND_NOW (nssrelayd sets it for us), their symbols are bound
         * here too, once. Nothing a module starts should inherit it. */
        if (!t->exec_workers) {
                /* What every worker would otherwise do for itself, done
                 * once: the system call filter (before any module's code
                 * runs here) and the rest of confinement's preparation,
                 * and the cookie of our network namespace. */
                if (opts->confine)
                        (void) confine_template();
                if (opts->netns == NETNS_CLIENT)
                        netns_prepare();
                nss_setup_disable_nscd_client();
        }
        (void) unsetenv("LD_BIND_NOW");

        fill_pool(tp, self, t->spare);
        if (handoff_send_ready(HANDOFF_FD) < 0) {
                log_error("template: cannot reach nssrelayd: %m");
                return 1;
        }

        for (;;) {
                struct pollfd p[] = {
                        { .fd = draining ? -1 : HANDOFF_CONTROL_FD, .events = POLLIN },
                        { .fd = tp->signal_fd, .events = POLLIN },
                        /* Only POLLHUP: the dispatcher closed its end. */
                        { .fd = draining ? -1 : HANDOFF_FD, .events = 0 },
                };
                int timeout = tp->fork_failed || draining ? FORK_RETRY_MS : -1;

                if (poll(p, ELEMENTSOF(p), timeout) < 0 && errno != EINTR) {
                        log_error("template: poll failed: %m");
                        return 1;
                }
                if (p[0].revents & POLLIN)
                        read_in_flight(tp);
                /* The dispatcher closes both ends when it retires us. */
                if (p[0].revents & (POLLHUP | POLLERR))
                        draining = true;
                if (p[1].revents)
                        reap(tp);
                if (p[2].revents & (POLLHUP | POLLERR))
                        draining = true;

                if (!draining) {
                        /* A worker that took a connection is looking up now:
                         * a fork beside it would take the CPU it runs on
                         * (the scheduler puts us where the waker is), a
                         * fork's time added to that lookup. So while at
                         * least half the spares still wait, the pool is
                         * filled when a worker has exited, its lookup over. */
                        fill_pool(tp, self, p[1].revents || timeout >= 0 ? t->spare : (t->spare + 1) / 2);
                        continue;
                }
                /* The dispatcher has gone (retired us, restarted, died).
                 * Connections it sent before are still queued; once none
                 * is left, none can come, and our idle workers end on
                 * their own. Busy ones finish their lookups. */
                if (queued() == 0)
                        return 0;
                fill_pool(tp, self, 1);
        }
}

int template_main(const struct template_options *t, const struct serve_options *opts) {
        _cleanup_(template_done) struct template tp = {
                .t = t, .opts = opts, .signal_fd = -1,
        };
        _cleanup_free_ char *self = NULL;
        struct worker *workers;
        sigset_t chld;
        int r;
        int type = 0;
        socklen_t len = sizeof(type);

        if (getsockopt(HANDOFF_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET ||
            fcntl(HANDOFF_CONTROL_FD, F_GETFD) < 0) {
                fprintf(stderr, "nssrelay: --template is started by nssrelayd (fd 3 and 4), not by hand\n");
                return 2;
        }
        (void) fcntl(HANDOFF_FD, F_SETFD, t->exec_workers ? 0 : FD_CLOEXEC);
        (void) fcntl(HANDOFF_CONTROL_FD, F_SETFD, FD_CLOEXEC);
        (void) fcntl(HANDOFF_CONTROL_FD, F_SETFL, O_NONBLOCK);
        if (t->exec_workers) {
                self = self_path();
                if (!self) {
                        log_error("template: cannot find our own binary: %m");
                        return 1;
                }
        }

        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        (void) sigprocmask(SIG_BLOCK, &chld, NULL);
        tp.signal_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
        if (tp.signal_fd < 0) {
                log_error("template: cannot set up: %m");
                return 1;
        }
        tp.nworkers_max = (size_t) t->max_workers + t->spare;
        workers = calloc(tp.nworkers_max, sizeof(*workers));
        if (!workers) {
                log_error("template: cannot set up: %m");
                return 1;
        }
        tp.workers = workers;
        r = run_pool(&tp, t, opts, self);
        free(workers);
        return r;
}
