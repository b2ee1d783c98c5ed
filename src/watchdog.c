/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "watchdog.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "macro.h"

/* Read from signal handlers, so plain preformatted text. The process
 * serves one request, so this state lives exactly as long as it. */
static char context[1400] = "before a request was read";
static const char *armed_phase = "request";
static long armed_ms;
static int connection_fd = -1;

/* The deadline signals SIGRTMIN rather than SIGALRM: NSS modules may use
 * alarm() for their own timeouts, which would cancel ours. The backstop
 * sends SIGKILL, which no module can block, catch or cancel. */
#define DEADLINE_SIGNAL SIGRTMIN
struct timer {
        timer_t id;
        bool created;
};
static struct timer deadline_timer, kill_timer;

void watchdog_set_connection(int fd) {
        connection_fd = fd;
}

/* Ends the connection for every process that holds it. */
static void shut_connection(void) {
        if (connection_fd >= 0)
                (void) shutdown(connection_fd, SHUT_RDWR);
}

void watchdog_set_context(const char *description) {
        size_t n = strlen(description);

        if (n >= sizeof(context))
                n = sizeof(context) - 1;
        memcpy(context, description, n);
        context[n] = '\0';
}

static void on_deadline(int sig _unused_) {
        char line[2048];
        size_t pos = 0;

        shut_connection();
        line[0] = '\0';
        log_append(line, sizeof(line), &pos, armed_phase);
        log_append(line, sizeof(line), &pos, " deadline of ");
        log_append_number(line, sizeof(line), &pos, (unsigned long) armed_ms);
        log_append(line, sizeof(line), &pos, " ms after start passed: ");
        log_append(line, sizeof(line), &pos, context);
        log_append(line, sizeof(line), &pos, "; closing without a reply");
        log_raw_signal_safe(LOG_ERR, line);
        _exit(EXIT_DEADLINE);
}

static void on_crash(int sig) {
        char line[2048];
        size_t pos = 0;
        const char *name = sigabbrev_np(sig);

        /* Before anything that could be slow: the client waits on it. */
        shut_connection();
        line[0] = '\0';
        log_append(line, sizeof(line), &pos, "crashed with SIG");
        log_append(line, sizeof(line), &pos, name ? name : "?");
        log_append(line, sizeof(line), &pos, " during ");
        log_append(line, sizeof(line), &pos, context);
        log_raw_signal_safe(LOG_ERR, line);
        /* Die of the same signal so systemd records what happened. */
        signal(sig, SIG_DFL);
        raise(sig);
}

void watchdog_install_crash_handlers(void) {
        static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS };
        /* A stack overflow in a module must still reach the handler. */
        static uint8_t alt_stack[65536];
        stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
        struct sigaction sa = { .sa_handler = on_crash, .sa_flags = SA_ONSTACK | SA_RESETHAND };

        (void) sigaltstack(&ss, NULL);
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < ELEMENTSOF(fatal); i++)
                (void) sigaction(fatal[i], &sa, NULL);
}

/* Both timers are POSIX timers on CLOCK_MONOTONIC, created on first use
 * (or by watchdog_prepare()) and reused, so a process that serves many
 * connections (the fuzzer) does not pile them up. */
static bool create_timer(struct timer *t, int signo) {
        struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = signo };

        if (t->created)
                return true;
        if (timer_create(CLOCK_MONOTONIC, &ev, &t->id) < 0) {
                log_warning("cannot arm the lookup deadline: %m");
                return false;
        }
        t->created = true;
        return true;
}

static void set_timer(struct timer *t, int signo, long ms) {
        struct itimerspec its = { 0 };

        if (ms < 0 && !t->created)
                return; /* nothing to disarm */
        if (ms >= 0 && !create_timer(t, signo))
                return;
        /* One nanosecond more, so an expired deadline (0 ms) still fires. */
        if (ms >= 0)
                its.it_value = (struct timespec) { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 + 1 };
        (void) timer_settime(t->id, 0, &its, NULL);
}

static bool handler_installed;

static void install_deadline_handler(void) {
        struct sigaction sa = { .sa_handler = on_deadline };

        sigemptyset(&sa.sa_mask);
        (void) sigaction(DEADLINE_SIGNAL, &sa, NULL);
        handler_installed = true;
}

void watchdog_prepare(void) {
        install_deadline_handler();
        (void) create_timer(&deadline_timer, DEADLINE_SIGNAL);
        (void) create_timer(&kill_timer, SIGKILL);
}

void watchdog_arm(const char *phase, long deadline_ms, long remaining_ms) {
        if (remaining_ms < 0)
                remaining_ms = 0;
        if (!handler_installed)
                install_deadline_handler();
        armed_phase = phase;
        armed_ms = deadline_ms;
        set_timer(&deadline_timer, DEADLINE_SIGNAL, remaining_ms);
        set_timer(&kill_timer, SIGKILL, remaining_ms + LOOKUP_KILL_GRACE_MS);
}

void watchdog_disarm(void) {
        set_timer(&deadline_timer, DEADLINE_SIGNAL, -1);
        set_timer(&kill_timer, SIGKILL, -1);
}
