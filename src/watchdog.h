/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The deadline and crash reporting for the one request this process serves.
 *
 * An NSS module may block forever or crash; neither can be handled where it
 * happens. A timer signal ends the process at the deadline and fatal
 * signals are reported with the request they interrupted. Either way the
 * connection is shut down first, so the client falls back at once even
 * when a core dump or a process the module forked keeps the fd alive. */
#ifndef NSSRELAY_WATCHDOG_H
#define NSSRELAY_WATCHDOG_H

/* Exit status when a deadline passes. */
#define EXIT_DEADLINE 3

void watchdog_install_crash_handlers(void);
/* The connection the handlers shut down before the process dies; -1 for
 * none. */
void watchdog_set_connection(int fd);
/* What the log lines written from signal handlers name as the request. */
void watchdog_set_context(const char *description);
/* Ends the process 'remaining_ms' from now unless disarmed: a timer
 * signal (SIGRTMIN) logs and exits, and SIGKILL follows
 * LOOKUP_KILL_GRACE_MS later in case a module blocked that signal.
 * 'phase' (a string literal) and 'deadline_ms' (counted from the start)
 * name the deadline in the log line. */
void watchdog_arm(const char *phase, long deadline_ms, long remaining_ms);
/* What watchdog_arm() would do first (create the timers, install the
 * deadline's handler), done ahead by a worker waiting for its
 * connection, off the lookup's path. No NSS code may run in between. */
void watchdog_prepare(void);
void watchdog_disarm(void);

#endif
