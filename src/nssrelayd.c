/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nssrelayd: the dispatcher of nssrelay's fast mode (nssrelayd(8)).
 *
 * systemd holds the listening socket (nssrelayd.socket, Accept=no) and
 * passes it to us. We accept each connection and hand it, with a token,
 * to the template process (template.c), whose idle workers each take one
 * connection, serve it and exit. We never parse a lookup (only a peek at
 * the 12-byte header, to close GETFD* ourselves), never call NSS, never
 * block, and hold a bounded number of fds and bytes however many lookups
 * go through: one token per connection in flight, no more than
 * --max-workers of them. A token is the read end of a pipe whose write
 * end the worker holds until it exits; when it hangs up, the lookup is
 * over, which is how the per-uid and global caps count. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "freshness.h"
#include "handoff.h"
#include "log.h"
#include "macro.h"
#include "request_log.h"
#include "transport.h"
#include "wire.h"

#define EXIT_USAGE 2

#define DEFAULT_SPARE 4
#define DEFAULT_MAX_WORKERS 512
#define DEFAULT_MAX_PER_UID 128

/* Connections accepted per wakeup before other events get a turn. */
#define ACCEPT_BATCH 64
/* A template that failed to start is tried again this much later. */
#define TEMPLATE_RETRY_USEC 1000000ull
/* After a change in a watched directory, wait this long for the rest of
 * an upgrade's renames before checking. */
#define FRESHNESS_SETTLE_USEC 50000ull
/* A worker is over by now however it ended (its deadlines, then
 * SIGKILL); a token still open after this is held by something a module
 * left behind, and stops counting. */
#define FORGET_USEC ((LOOKUP_DEADLINE_MS + WRITE_DEADLINE_MS + LOOKUP_KILL_GRACE_MS + 250) * 1000ull)
/* Accepting stops this long when accept() runs out of fds or memory. */
#define ACCEPT_PAUSE_USEC 100000ull
/* At most one line per kind of refusal this often. */
#define LOG_INTERVAL_USEC 5000000ull

enum event_kind {
        EV_LISTEN,
        EV_SIGNAL,
        EV_INOTIFY,
        EV_CURRENT,
        EV_PENDING,
        EV_SLOT, /* + slot number */
};

static struct {
        const char *worker;
        bool exec_per_lookup;
        unsigned spare, max_workers, max_per_uid;
} cfg = {
        .worker = NSSRELAY_WORKER_PATH,
        .spare = DEFAULT_SPARE,
        .max_workers = DEFAULT_MAX_WORKERS,
        .max_per_uid = DEFAULT_MAX_PER_UID,
};

struct template_proc {
        pid_t pid;
        int channel;
        int control; /* HANDOFF_CONTROL_FD's other end */
        unsigned in_flight; /* slots in SLOT_WORKER with this template's workers */
        int64_t started_ns; /* CLOCK_REALTIME, for freshness */
};

/* A connection from accept until its worker has exited. */
struct slot {
        enum {
                SLOT_FREE,
                SLOT_HEADER, /* fd: the connection, until its header arrives */
                SLOT_QUEUED, /* fd: the connection, waiting for room on the channel */
                SLOT_WORKER, /* fd: the token the worker holds */
        } state;
        int fd;
        bool watched; /* SLOT_HEADER: fd is in the epoll set, waiting for the header */
        uid_t uid;
        pid_t pid;
        pid_t template; /* SLOT_WORKER: the template whose worker has it */
        uint64_t accept_usec;
        uint64_t deadline_usec;
};

struct ratelimit {
        uint64_t next_usec;
        unsigned suppressed;
};

static struct {
        int epoll_fd, listen_fd, signal_fd, inotify_fd;
        struct template_proc current, pending;
        bool ever_ready, listening, stopping;
        uint64_t accept_resume_usec, retry_usec, check_usec, next_deadline_usec, stop_deadline_usec;
        struct slot *slots;
        unsigned inflight;
        /* Slots in SLOT_QUEUED, oldest first: a ring of max_workers. */
        unsigned *queue;
        unsigned queue_head, queued;
        bool channel_watched;
        struct ratelimit busy_log, uid_log, handoff_log, accept_log;
        unsigned long long handed, getfd_closed, refused_busy, refused_uid, lost;
} d = {
        .epoll_fd = -1,
        .listen_fd = -1,
        .signal_fd = -1,
        .inotify_fd = -1,
        .current = { .channel = -1 },
        .pending = { .channel = -1 },
};

static void send_queued(void);

static int64_t realtime_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* True when a line may be logged now; counts the ones that may not. */
static bool ratelimit(struct ratelimit *rl, uint64_t now, unsigned *suppressed) {
        if (now < rl->next_usec) {
                rl->suppressed++;
                return false;
        }
        rl->next_usec = now + LOG_INTERVAL_USEC;
        *suppressed = rl->suppressed;
        rl->suppressed = 0;
        return true;
}

static int epoll_set(int op, int fd, uint32_t events, uint64_t data) {
        struct epoll_event ev = { .events = events, .data.u64 = data };

        return epoll_ctl(d.epoll_fd, op, fd, &ev) < 0 ? -errno : 0;
}

/* Accept only with a ready template; connections wait in the socket's
 * backlog meanwhile, as they do while we are not running at all. */
static void set_listening(bool on) {
        if (on == d.listening)
                return;
        if (epoll_set(EPOLL_CTL_MOD, d.listen_fd, on ? EPOLLIN : 0, EV_LISTEN) == 0)
                d.listening = on;
}

static void update_listening(void) {
        set_listening(!d.stopping && d.current.pid > 0 && now_usec() >= d.accept_resume_usec);
}

/* --- templates ------------------------------------------------------------ */

static int start_template(void) {
        struct template_proc t = { .channel = -1, .control = -1 };
        char spare[32], max[32];
        int sv[2], control[2];

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        if (pipe2(control, O_CLOEXEC | O_NONBLOCK) < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        snprintf(spare, sizeof(spare), "--spare=%u", cfg.spare);
        snprintf(max, sizeof(max), "--max-workers=%u", cfg.max_workers);
        t.started_ns = realtime_ns();
        t.pid = fork();
        if (t.pid < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                close(control[0]);
                close(control[1]);
                return r;
        }
        if (t.pid == 0) {
                sigset_t none;
                char *const argv[] = {
                        (char *) "nssrelay",
                        (char *) (cfg.exec_per_lookup ? "--template=exec" : "--template=fork"),
                        spare,
                        max,
                        NULL,
                };

                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                /* A forked worker would resolve every libc and module
                 * symbol it calls anew (lazy binding): resolve them once,
                 * in the template. The template unsets it again. */
                if (!cfg.exec_per_lookup)
                        (void) setenv("LD_BIND_NOW", "1", 1);
                /* dup2() leaves close-on-exec off on fds 3 and 4. The
                 * control pipe's end goes out of the way of fd 3 first. */
                int ctl = control[0] == HANDOFF_FD ? fcntl(control[0], F_DUPFD_CLOEXEC, HANDOFF_CONTROL_FD + 1)
                                                   : control[0];
                if (ctl < 0 ||
                    (sv[1] == HANDOFF_FD ? fcntl(HANDOFF_FD, F_SETFD, 0) < 0 : dup2(sv[1], HANDOFF_FD) < 0) ||
                    (ctl == HANDOFF_CONTROL_FD ? fcntl(ctl, F_SETFD, 0) < 0
                                               : dup2(ctl, HANDOFF_CONTROL_FD) < 0))
                        _exit(1);
                /* Blocking on the template's side. */
                (void) fcntl(HANDOFF_CONTROL_FD, F_SETFL, 0);
                execv(cfg.worker, argv);
                log_error("cannot execute the worker %s: %m", cfg.worker);
                _exit(EXIT_USAGE);
        }
        close(sv[1]);
        close(control[0]);
        t.channel = sv[0];
        t.control = control[1];
        if (epoll_set(EPOLL_CTL_ADD, t.channel, EPOLLIN, EV_PENDING) < 0) {
                close(t.channel);
                close(t.control);
                (void) kill(t.pid, SIGKILL);
                return -errno;
        }
        d.pending = t;
        log_debug("started a template, pid %ld", (long) t.pid);
        return 0;
}

/* Stops sending to a template: it serves what it was sent, then ends,
 * and so do its idle workers. What it sent us is read first: closing a
 * socket with unread data would reset the channel and lose connections
 * still queued on it. */
static void retire(struct template_proc *t) {
        if (t == &d.current)
                d.channel_watched = false;
        if (t->channel >= 0) {
                (void) epoll_ctl(d.epoll_fd, EPOLL_CTL_DEL, t->channel, NULL);
                while (handoff_receive_ready(t->channel) > 0)
                        ;
                close(t->channel);
        }
        if (t->control >= 0)
                close(t->control);
        *t = (struct template_proc) { .channel = -1, .control = -1 };
}

static void schedule_template_start(uint64_t when) {
        if (d.pending.pid == 0 && (d.retry_usec == 0 || when < d.retry_usec))
                d.retry_usec = when;
}

static void replace_template(const char *why) {
        if (d.pending.pid > 0 || d.stopping)
                return;
        log_notice("replacing the template: %s", why);
        schedule_template_start(now_usec());
}

static void promote_pending(void) {
        int r;

        if (d.current.pid > 0)
                retire(&d.current);
        d.current = d.pending;
        d.pending = (struct template_proc) { .channel = -1, .control = -1 };
        (void) epoll_set(EPOLL_CTL_MOD, d.current.channel, EPOLLIN, EV_CURRENT);
        d.channel_watched = false;
        send_queued();
        r = freshness_watch(d.current.pid, d.current.started_ns);
        if (r > 0)
                d.check_usec = now_usec(); /* replaced already: check at once */
        if (!d.ever_ready) {
                d.ever_ready = true;
                (void) sd_notify(0, "READY=1\nSTATUS=Serving lookups");
                log_debug("ready: template pid %ld, %s workers", (long) d.current.pid,
                          cfg.exec_per_lookup ? "exec'd" : "forked");
        }
        update_listening();
}

static void on_pending_message(void) {
        int r = handoff_receive_ready(d.pending.channel);

        if (r > 0)
                promote_pending();
        else if (r < 0 && r != -EPIPE)
                log_warning("unexpected message from the template: %s", strerror(-r));
        /* -EPIPE: it died; the SIGCHLD handler deals with that. */
}

static void on_current_message(void) {
        int r;

        /* A ready template has nothing more to say; drain whatever comes. */
        while ((r = handoff_receive_ready(d.current.channel)) > 0)
                ;
        if (r == -EPIPE)
                (void) epoll_ctl(d.epoll_fd, EPOLL_CTL_DEL, d.current.channel, NULL);
}

static void describe_status(int status, char *out, size_t size) {
        if (WIFSIGNALED(status))
                snprintf(out, size, "was killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?: "?");
        else
                snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
}

static void reap(void) {
        char how[64];
        int status;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                /* Anything else is a worker or an old template, left to
                 * us as their subreaper: nothing to do. */
                if (pid == d.current.pid) {
                        describe_status(status, how, sizeof(how));
                        log_warning("the template (pid %ld) %s; starting another", (long) pid, how);
                        retire(&d.current);
                        update_listening();
                        schedule_template_start(now_usec());
                } else if (pid == d.pending.pid) {
                        describe_status(status, how, sizeof(how));
                        retire(&d.pending);
                        if (!d.ever_ready && WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE) {
                                log_error("the worker %s refused to start as a template (%s); see its "
                                          "message above",
                                          cfg.worker, how);
                                exit(EXIT_USAGE);
                        }
                        log_error("a new template (pid %ld) %s before it was ready; trying again in 1 s",
                                  (long) pid, how);
                        schedule_template_start(now_usec() + TEMPLATE_RETRY_USEC);
                }
        }
}

/* --- connections ------------------------------------------------------------ */

enum peek {
        PEEK_GETFD,   /* a GETFD* header */
        PEEK_REQUEST, /* any other complete header */
        PEEK_PARTIAL, /* fewer than 12 bytes so far */
        PEEK_EOF,     /* nothing, and the client has gone */
};

/* Looks at what the client has sent so far, without taking it. GETFD* is
 * the request every new client process sends first; it is answered by
 * closing, and needs no worker. */
static enum peek peek_header(int fd) {
        int32_t header[3];
        ssize_t n = recv(fd, header, sizeof(header), MSG_PEEK | MSG_DONTWAIT);

        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return PEEK_EOF;
        if (n < (ssize_t) sizeof(header))
                return PEEK_PARTIAL;
        if (header[0] != NSCD_VERSION)
                return PEEK_REQUEST;
        switch (header[1]) {
        case REQ_GETFDPW:
        case REQ_GETFDGR:
        case REQ_GETFDHST:
        case REQ_GETFDSERV:
        case REQ_GETFDNETGR:
                return PEEK_GETFD;
        default:
                return PEEK_REQUEST;
        }
}

static unsigned count_uid(uid_t uid) {
        unsigned n = 0;

        for (unsigned i = 0; i < cfg.max_workers; i++)
                n += d.slots[i].state != SLOT_FREE && d.slots[i].uid == uid;
        return n;
}

static void release(unsigned i) {
        struct slot *s = &d.slots[i];

        if (s->state == SLOT_WORKER && s->template == d.current.pid && d.current.in_flight > 0)
                d.current.in_flight--;

        if (s->state != SLOT_HEADER || s->watched)
                (void) epoll_ctl(d.epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
        if (s->state == SLOT_HEADER)
                (void) shutdown(s->fd, SHUT_RDWR);
        close(s->fd);
        *s = (struct slot) { .fd = -1 };
        d.inflight--;
}

/* Closes a connection we will not hand on; the client then looks the
 * name up itself. */
static void refuse(int fd) {
        (void) shutdown(fd, SHUT_RDWR);
        close(fd);
}

static void note_deadline(uint64_t when) {
        if (when < d.next_deadline_usec)
                d.next_deadline_usec = when;
}

/* Closes the connection of slot i, which no worker took, and frees it. */
static void drop(unsigned i, int error) {
        unsigned suppressed;

        d.lost++;
        if (ratelimit(&d.handoff_log, now_usec(), &suppressed))
                log_warning("cannot hand a connection to a worker: %s; closing it, and its client looks "
                            "the name up itself (%u more since the last line)",
                            strerror(-error), suppressed);
        refuse(d.slots[i].fd);
        d.slots[i] = (struct slot) { .fd = -1 };
        d.inflight--;
}

/* HANDOFF_CONTROL_FD: the lookups in flight, once at least half of
 * --spare. Never blocks; a full pipe means the template has not read the
 * last counts yet, and it reads the newest. */
static void tell_template(void) {
        uint32_t n = d.current.in_flight;

        if (d.current.control < 0 || n < (cfg.spare + 1) / 2)
                return;
        ssize_t _unused_ w = write(d.current.control, &n, sizeof(n));
}

/* Sends the connection of slot i to the template; the slot then holds the
 * worker's token. -EAGAIN when the channel is full or there is no
 * template; the connection is still the slot's then. */
static int send_to_template(unsigned i) {
        struct slot *s = &d.slots[i];
        int token[2], r;

        if (d.current.channel < 0)
                return -EAGAIN;
        if (pipe2(token, O_CLOEXEC) < 0)
                return -errno;
        r = handoff_send_connection(d.current.channel, s->fd, token[1], s->accept_usec);
        close(token[1]);
        if (r < 0) {
                close(token[0]);
                return r;
        }
        close(s->fd);
        d.handed++;
        if (epoll_set(EPOLL_CTL_ADD, token[0], 0, EV_SLOT + i) < 0) {
                /* The worker serves it; we just cannot count it. */
                close(token[0]);
                *s = (struct slot) { .fd = -1 };
                d.inflight--;
                return 0;
        }
        s->fd = token[0];
        s->state = SLOT_WORKER;
        s->deadline_usec = s->accept_usec + FORGET_USEC;
        note_deadline(s->deadline_usec);
        s->template = d.current.pid;
        d.current.in_flight++;
        tell_template();
        return 0;
}

/* Wakes us when the channel can take more, while connections wait. */
static void watch_channel(void) {
        bool want = d.queued > 0 && d.current.channel >= 0;

        if (want != d.channel_watched && d.current.channel >= 0 &&
            epoll_set(EPOLL_CTL_MOD, d.current.channel, EPOLLIN | (want ? EPOLLOUT : 0), EV_CURRENT) == 0)
                d.channel_watched = want;
}

/* Hands the connection in slot i to a worker, or queues it (in order)
 * while the template's channel is full or there is no template. */
static void hand_over(unsigned i) {
        struct slot *s = &d.slots[i];
        int r = -EAGAIN;

        /* The worker shares the connection: epoll must forget it now. */
        if (s->state == SLOT_HEADER && s->watched)
                (void) epoll_ctl(d.epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
        s->watched = false;
        if (d.queued == 0)
                r = send_to_template(i);
        if (r == 0)
                return;
        if (r != -EAGAIN) {
                drop(i, r);
                return;
        }
        s->state = SLOT_QUEUED;
        s->deadline_usec = s->accept_usec + LOOKUP_DEADLINE_MS * 1000ull;
        note_deadline(s->deadline_usec);
        d.queue[(d.queue_head + d.queued++) % cfg.max_workers] = i;
        watch_channel();
}

/* Sends queued connections, oldest first, while the channel takes them. */
static void send_queued(void) {
        while (d.queued > 0) {
                unsigned i = d.queue[d.queue_head];
                int r = send_to_template(i);

                if (r == -EAGAIN)
                        break;
                d.queue_head = (d.queue_head + 1) % cfg.max_workers;
                d.queued--;
                if (r < 0)
                        drop(i, r);
        }
        watch_channel();
}

/* Takes slot i out of the queue (its deadline passed). */
static void unqueue(unsigned i) {
        unsigned n = 0;

        for (unsigned k = 0; k < d.queued; k++) {
                unsigned j = d.queue[(d.queue_head + k) % cfg.max_workers];
                if (j != i)
                        d.queue[(d.queue_head + n++) % cfg.max_workers] = j;
        }
        d.queued = n;
        watch_channel();
}

/* The request line a worker would have logged for it. */
static void log_getfd(const struct slot *s) {
        uint8_t bytes[NSCD_REQUEST_HEADER_SIZE + NSCD_MAX_KEY_LEN];
        _cleanup_(transport_peer_free) struct peer peer = { .n_groups = -1 };
        struct request req;
        ssize_t n;

        if (!log_requests_enabled())
                return;
        n = recv(s->fd, bytes, sizeof(bytes), MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 || wire_parse_request(bytes, (size_t) n, &req) != WIRE_OK)
                return;
        transport_peer(s->fd, &peer);
        request_log_peer(&peer);
        request_log(&req, "closed", "", 0, s->accept_usec);
        request_log_peer(NULL);
}

/* What the client of slot i has sent may be enough to decide: GETFD* is
 * closed here, other requests go to a worker, and so do partial headers
 * after which the client hung up (the worker reports them as malformed,
 * as per connection). A client that sends nothing, or too little, costs
 * no worker: at the read deadline it is closed here. 'hung_up': the
 * client shut its side down; 'peek', what peek_header() found. */
static void decide(unsigned i, enum peek peek, bool hung_up) {
        struct slot *s = &d.slots[i];

        switch (peek) {
        case PEEK_GETFD:
                d.getfd_closed++;
                log_getfd(s);
                release(i);
                return;
        case PEEK_REQUEST:
                hand_over(i);
                return;
        case PEEK_EOF:
                log_debug("pid=%ld uid=%ld: closed the connection before sending a request", (long) s->pid,
                          (long) s->uid);
                release(i);
                return;
        case PEEK_PARTIAL:
                if (hung_up) {
                        hand_over(i);
                        return;
                }
                if (now_usec() < s->deadline_usec)
                        return;
                log_warning("pid=%ld uid=%ld: no complete request within %d ms; closing", (long) s->pid,
                            (long) s->uid, READ_DEADLINE_MS);
                release(i);
                return;
        }
}

static void check_header(unsigned i, bool hung_up) {
        decide(i, peek_header(d.slots[i].fd), hung_up);
}

static void dispatch(int fd) {
        uint64_t now = now_usec();
        struct ucred peer = { .pid = -1, .uid = (uid_t) -1 };
        socklen_t len = sizeof(peer);
        unsigned suppressed, i;

        /* Only what the caps count by; a worker reads the rest itself. */
        (void) getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len);
        if (d.inflight >= cfg.max_workers) {
                d.refused_busy++;
                if (ratelimit(&d.busy_log, now, &suppressed))
                        log_warning("%u lookups in flight, the limit (--max-workers); closing new "
                                    "connections, whose clients look up in-process (%u more since the "
                                    "last line)",
                                    d.inflight, suppressed);
                refuse(fd);
                return;
        }
        if (d.inflight >= cfg.max_per_uid && count_uid(peer.uid) >= cfg.max_per_uid) {
                d.refused_uid++;
                if (ratelimit(&d.uid_log, now, &suppressed))
                        log_warning("uid %ld has %u lookups in flight, the limit (--max-per-uid); closing "
                                    "its new connections, whose clients look up in-process (%u more "
                                    "refusals since the last line)",
                                    (long) peer.uid, cfg.max_per_uid, suppressed);
                refuse(fd);
                return;
        }
        for (i = 0; d.slots[i].state != SLOT_FREE; i++)
                ;
        d.slots[i] = (struct slot) {
                .fd = fd,
                .state = SLOT_HEADER,
                .uid = peer.uid,
                .accept_usec = now,
                .pid = peer.pid,
                .deadline_usec = now + READ_DEADLINE_MS * 1000ull,
        };
        d.inflight++;
        /* glibc's client sends its request right after connecting, so it
         * is usually here already; if not, wait for it (edge-triggered:
         * woken by each new arrival, not by what is already there). */
        enum peek peek = peek_header(fd);
        if (peek != PEEK_PARTIAL) {
                decide(i, peek, false);
                return;
        }
        if (epoll_set(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP | EPOLLET, EV_SLOT + i) < 0) {
                hand_over(i);
                return;
        }
        d.slots[i].watched = true;
        note_deadline(d.slots[i].deadline_usec);
}

static void on_slot_event(unsigned i, uint32_t events) {
        if (d.slots[i].state == SLOT_HEADER)
                check_header(i, events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR));
        else if (d.slots[i].state == SLOT_WORKER)
                release(i); /* the worker has exited */
}

static void accept_connections(void) {
        for (int n = 0; n < ACCEPT_BATCH && d.listening; n++) {
                int fd = accept4(d.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                unsigned suppressed;

                if (fd >= 0) {
                        dispatch(fd);
                        continue;
                }
                if (errno == EAGAIN)
                        return;
                if (errno == EINTR || errno == ECONNABORTED)
                        continue;
                /* Out of fds or memory: pause, or epoll would wake us
                 * for the same connection over and over. */
                if (ratelimit(&d.accept_log, now_usec(), &suppressed))
                        log_warning("accept failed: %m; pausing for %llu ms", ACCEPT_PAUSE_USEC / 1000);
                d.accept_resume_usec = now_usec() + ACCEPT_PAUSE_USEC;
                set_listening(false);
                return;
        }
}

/* Slots past their deadline: a header that did not come in time goes
 * to a worker (which has its own read deadline); a worker's token still
 * open stops counting. */
static void run_deadlines(uint64_t now) {
        d.next_deadline_usec = UINT64_MAX;
        for (unsigned i = 0; i < cfg.max_workers; i++) {
                struct slot *s = &d.slots[i];

                if (s->state == SLOT_FREE)
                        continue;
                if (s->deadline_usec <= now) {
                        if (s->state == SLOT_HEADER) {
                                check_header(i, false);
                                if (s->state != SLOT_WORKER)
                                        continue;
                        } else if (s->state == SLOT_QUEUED) {
                                unqueue(i);
                                drop(i, -ETIMEDOUT);
                                continue;
                        } else {
                                log_debug("a lookup of uid %ld is still not over after %llu ms; no longer "
                                          "counting it",
                                          (long) s->uid, FORGET_USEC / 1000);
                                release(i);
                                continue;
                        }
                }
                note_deadline(s->deadline_usec);
        }
}

/* --- signals and the loop ------------------------------------------------------ */

static void begin_stop(void) {
        if (d.stopping)
                return;
        d.stopping = true;
        (void) sd_notify(0, "STOPPING=1");
        set_listening(false);
        /* Connections already accepted are served; nothing new is
         * accepted (systemd keeps the socket and its backlog). */
        for (unsigned i = 0; i < cfg.max_workers; i++)
                if (d.slots[i].state == SLOT_HEADER)
                        hand_over(i);
        retire(&d.pending);
        d.stop_deadline_usec = now_usec() + FORGET_USEC;
}

/* While stopping: the template is retired once every queued connection
 * has been sent to it; we end when every worker has. */
static bool stopped(void) {
        if (d.queued == 0 && d.current.channel >= 0)
                retire(&d.current);
        return (d.inflight == 0 && d.current.pid == 0 && d.pending.pid == 0) ||
               now_usec() >= d.stop_deadline_usec;
}

static void on_signals(void) {
        struct signalfd_siginfo si;

        while (read(d.signal_fd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
                switch (si.ssi_signo) {
                case SIGCHLD:
                        reap();
                        break;
                case SIGHUP:
                        replace_template("reload requested (SIGHUP)");
                        break;
                default:
                        begin_stop();
                        break;
                }
        }
}

static int next_timeout_ms(uint64_t now) {
        uint64_t next = UINT64_MAX;

        if (d.inflight > 0)
                next = d.next_deadline_usec;
        if (d.retry_usec && d.retry_usec < next)
                next = d.retry_usec;
        if (d.check_usec && d.check_usec < next)
                next = d.check_usec;
        if (!d.listening && d.accept_resume_usec > now && d.accept_resume_usec < next)
                next = d.accept_resume_usec;
        if (d.stopping && d.stop_deadline_usec < next)
                next = d.stop_deadline_usec;
        if (next == UINT64_MAX)
                return -1;
        return next <= now ? 0 : (int) ((next - now + 999) / 1000);
}

static void run_timers(void) {
        uint64_t now = now_usec();
        char why[PATH_MAX + 64];

        if (d.inflight > 0 && now >= d.next_deadline_usec)
                run_deadlines(now);
        if (d.check_usec && now >= d.check_usec) {
                d.check_usec = 0;
                if (freshness_check(why, sizeof(why)) > 0)
                        replace_template(why);
        }
        if (d.retry_usec && now >= d.retry_usec && d.pending.pid == 0 && !d.stopping) {
                int r = start_template();
                d.retry_usec = 0;
                if (r < 0) {
                        log_error("cannot start a template: %s; trying again in 1 s", strerror(-r));
                        d.retry_usec = now + TEMPLATE_RETRY_USEC;
                }
        }
        if (!d.listening)
                update_listening();
}

static int loop(void) {
        struct epoll_event events[64];

        for (;;) {
                if (d.stopping && stopped())
                        return 0;
                int n = epoll_wait(d.epoll_fd, events, ELEMENTSOF(events), next_timeout_ms(now_usec()));
                if (n < 0 && errno != EINTR) {
                        log_error("epoll_wait failed: %m");
                        return 1;
                }
                for (int i = 0; i < n; i++) {
                        uint64_t kind = events[i].data.u64;

                        if (kind >= EV_SLOT)
                                on_slot_event((unsigned) (kind - EV_SLOT), events[i].events);
                        else if (kind == EV_LISTEN)
                                accept_connections();
                        else if (kind == EV_SIGNAL)
                                on_signals();
                        else if (kind == EV_INOTIFY) {
                                if (freshness_event() && !d.check_usec)
                                        d.check_usec = now_usec() + FRESHNESS_SETTLE_USEC;
                        } else if (kind == EV_PENDING && d.pending.channel >= 0)
                                on_pending_message();
                        else if (kind == EV_CURRENT && d.current.channel >= 0) {
                                if (events[i].events & EPOLLOUT)
                                        send_queued();
                                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                                        on_current_message();
                        }
                }
                run_timers();
        }
}

/* --- start-up -------------------------------------------------------------------- */

static void print_help(void) {
        printf("Usage: nssrelayd [OPTIONS]\n"
               "Serve glibc's nscd socket from a socket systemd passes (Accept=no): each lookup\n"
               "runs in its own new nssrelay process, forked from a template or exec'd.\n"
               "\n"
               "Options:\n"
               "  --worker=PATH       the nssrelay binary to run (default %s)\n"
               "  --exec-per-lookup   exec a fresh nssrelay for every lookup instead of forking\n"
               "                      it from a template that has loaded the NSS modules\n"
               "  --spare=N           idle workers kept waiting (default %d)\n"
               "  --max-workers=N     lookups in flight at most (default %d)\n"
               "  --max-per-uid=N     lookups in flight per client uid at most (default %d)\n"
               "  --log=LEVEL         error, warning (default), requests or debug; overrides\n"
               "                      $NSSRELAY_LOG, and is passed on to the workers\n"
               "  -h, --help          show this help\n"
               "  -V, --version       show the version\n"
               "\n"
               "The workers take NSSRELAY_NETNS, NSSRELAY_CONFINE and NSSRELAY_USER from the\n"
               "environment (see nssrelay(8)). See nssrelayd(8).\n",
               NSSRELAY_WORKER_PATH, DEFAULT_SPARE, DEFAULT_MAX_WORKERS, DEFAULT_MAX_PER_UID);
}

_printf_(1, 2) static _noreturn_ void usage_error(const char *fmt, ...) {
        va_list ap;

        fputs("nssrelayd: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs(" (see nssrelayd --help)\n", stderr);
        exit(EXIT_USAGE);
}

static unsigned parse_count(const char *value, const char *option, unsigned min, unsigned max) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || v < min || v > max)
                usage_error("%s=%s: expected a number from %u to %u", option, value, min, max);
        return (unsigned) v;
}

static void parse_options(int argc, char *argv[]) {
        static const struct option options[] = {
                { "worker", required_argument, NULL, 'w' },
                { "exec-per-lookup", no_argument, NULL, 'e' },
                { "spare", required_argument, NULL, 's' },
                { "max-workers", required_argument, NULL, 'm' },
                { "max-per-uid", required_argument, NULL, 'u' },
                { "log", required_argument, NULL, 'l' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        const char *env = getenv("NSSRELAY_LOG");
        const char *level_name = env && *env ? env : NULL;
        int c, level;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":hV", options, NULL)) >= 0) {
                switch (c) {
                case 'w':
                        cfg.worker = optarg;
                        break;
                case 'e':
                        cfg.exec_per_lookup = true;
                        break;
                case 's':
                        cfg.spare = parse_count(optarg, "--spare", 1, 1024);
                        break;
                case 'm':
                        cfg.max_workers = parse_count(optarg, "--max-workers", 1, 65536);
                        break;
                case 'u':
                        cfg.max_per_uid = parse_count(optarg, "--max-per-uid", 1, 65536);
                        break;
                case 'l':
                        level_name = optarg;
                        break;
                case 'h':
                        print_help();
                        exit(0);
                case 'V':
                        printf("nssrelayd %s\n", PACKAGE_VERSION);
                        exit(0);
                case ':':
                        usage_error("missing value for option '%s'", argv[optind - 1]);
                default:
                        usage_error("unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                usage_error("unexpected argument '%s'", argv[optind]);
        if (cfg.max_per_uid > cfg.max_workers)
                cfg.max_per_uid = cfg.max_workers;

        level = level_name ? log_setting_from_string(level_name) : LOG_SETTING_WARNING;
        if (level < 0)
                usage_error("log level '%s': expected error, warning, requests or debug", level_name);
        log_setup((enum log_setting) level);
        /* The workers log at the same level. */
        if (level_name && setenv("NSSRELAY_LOG", level_name, 1) < 0)
                usage_error("cannot set NSSRELAY_LOG: %s", strerror(errno));
        if (access(cfg.worker, X_OK) < 0)
                usage_error("--worker=%s: %s", cfg.worker, strerror(errno));
}

/* The one socket systemd passed us: listening, AF_UNIX, stream. */
static int listening_socket(void) {
        int n = sd_listen_fds(1);

        if (n < 0)
                usage_error("cannot read the sockets systemd passed: %s", strerror(-n));
        if (n != 1)
                usage_error("expected exactly one socket from systemd, got %d: start nssrelayd through "
                            "nssrelayd.socket, or by hand with systemd-socket-activate -l SOCKET nssrelayd",
                            n);
        if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) <= 0)
                usage_error("fd %d from systemd is not a listening AF_UNIX stream socket (nssrelayd.socket "
                            "needs Accept=no)",
                            SD_LISTEN_FDS_START);
        /* accept() must never wait: we accept until EAGAIN. */
        int flags = fcntl(SD_LISTEN_FDS_START, F_GETFL);
        if (flags < 0 || fcntl(SD_LISTEN_FDS_START, F_SETFL, flags | O_NONBLOCK) < 0)
                usage_error("cannot make the listening socket non-blocking: %s", strerror(errno));
        return SD_LISTEN_FDS_START;
}

/* Our fds: a few of our own plus one token per lookup in flight. */
static void check_fd_limit(void) {
        struct rlimit rl;
        rlim_t need = (rlim_t) cfg.max_workers + 64;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
                return;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
                usage_error("--max-workers=%u needs %llu fds, and RLIMIT_NOFILE allows %llu", cfg.max_workers,
                            (unsigned long long) need, (unsigned long long) rl.rlim_max);
        rl.rlim_cur = need;
        (void) setrlimit(RLIMIT_NOFILE, &rl);
}

static int setup(void) {
        sigset_t mask;
        int r;

        d.slots = calloc(cfg.max_workers, sizeof(*d.slots));
        d.queue = calloc(cfg.max_workers, sizeof(*d.queue));
        if (!d.slots || !d.queue)
                return -ENOMEM;
        for (unsigned i = 0; i < cfg.max_workers; i++)
                d.slots[i].fd = -1;
        d.next_deadline_usec = UINT64_MAX;

        /* Workers a retired template leaves behind become ours to reap,
         * not PID 1's. */
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                return -errno;
        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        d.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        d.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (d.signal_fd < 0 || d.epoll_fd < 0)
                return -errno;
        d.inotify_fd = freshness_init();
        if (d.inotify_fd < 0)
                return d.inotify_fd;
        if ((r = epoll_set(EPOLL_CTL_ADD, d.listen_fd, 0, EV_LISTEN)) < 0 ||
            (r = epoll_set(EPOLL_CTL_ADD, d.signal_fd, EPOLLIN, EV_SIGNAL)) < 0 ||
            (r = epoll_set(EPOLL_CTL_ADD, d.inotify_fd, EPOLLIN, EV_INOTIFY)) < 0)
                return r;
        return start_template();
}

int main(int argc, char *argv[]) {
        int r;

        log_set_program("nssrelayd");
        parse_options(argc, argv);
        check_fd_limit();
        d.listen_fd = listening_socket();

        r = setup();
        if (r < 0) {
                log_error("cannot start: %s", strerror(-r));
                return 1;
        }
        r = loop();
        log_debug("stopped: %llu connections handed to workers, %llu GETFD* closed, %llu refused at "
                  "--max-workers, %llu at --max-per-uid, %llu lost in handoff",
                  d.handed, d.getfd_closed, d.refused_busy, d.refused_uid, d.lost);
        return r;
}
