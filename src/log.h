/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging to stderr, which systemd connects to the journal.
 *
 * Levels follow syslog. Under the journal each line carries a "<N>"
 * priority prefix; otherwise it is prefixed with "nssrelay[PID]: " (the
 * program's name: log_set_program()), and debug lines then with
 * "debug: " too. */
#ifndef NSSRELAY_LOG_H
#define NSSRELAY_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "macro.h"

/* What NSSRELAY_LOG / --log select. */
enum log_setting {
        LOG_SETTING_ERROR,    /* errors only */
        LOG_SETTING_WARNING,  /* the default: problems */
        LOG_SETTING_REQUESTS, /* plus one line per request */
        LOG_SETTING_DEBUG,    /* plus details */
};

/* Parses "error", "warning", "requests" or "debug"; -EINVAL if none. */
int log_setting_from_string(const char *s);
void log_setup(enum log_setting setting);
/* The name in "NAME[PID]: " prefixes when not logging to the journal;
 * "nssrelay" unless set. */
void log_set_program(const char *name);
bool log_requests_enabled(void);
bool log_debug_enabled(void);

/* Every line from now on starts with "TEXT: " (the peer of the connection
 * being served, so that no long key can push it out of the line); NULL
 * or "" stops that. */
void log_set_peer(const char *text);

void log_msg(int priority, const char *fmt, ...) _printf_(2, 3);
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Async-signal-safe: writes one preformatted line (without newline). */
void log_raw_signal_safe(int priority, const char *line);
/* Async-signal-safe formatting, for those lines: appends s, or the
 * decimal of v, to out (size bytes) at *pos, cut at its end and always
 * NUL-terminated. */
void log_append(char *out, size_t size, size_t *pos, const char *s);
void log_append_number(char *out, size_t size, size_t *pos, unsigned long v);

/* Writes 'len' bytes of 'key' into 'out' (size 'size', always
 * terminated) as printable text: C-style escapes for anything else. */
void log_escape_key(char *out, size_t size, const char *key, size_t len);

#endif
