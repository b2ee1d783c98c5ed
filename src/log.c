/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Process-wide, set once at start-up: the process serves one request. */
static int max_priority = LOG_WARNING;
static bool requests_enabled;
static bool to_journal;
static const char *program = "nssrelay";
/* Who the connection being served is from ("pid=N uid=N"), put at the
 * start of every line while it is served; empty outside a connection. */
static char peer_text[128];

void log_set_program(const char *name) {
        program = name;
}

int log_setting_from_string(const char *s) {
        static const char *const names[] = {
                [LOG_SETTING_ERROR] = "error",
                [LOG_SETTING_WARNING] = "warning",
                [LOG_SETTING_REQUESTS] = "requests",
                [LOG_SETTING_DEBUG] = "debug",
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(s, names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it gave us; it
 * only applies if stderr is still that stream. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;
        char *end;

        if (!e)
                return false;
        errno = 0;
        dev = strtoull(e, &end, 10);
        if (errno != 0 || end == e || *end != ':')
                return false;
        e = end + 1;
        ino = strtoull(e, &end, 10);
        if (errno != 0 || end == e || *end != '\0')
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return st.st_dev == (dev_t) dev && st.st_ino == (ino_t) ino;
}

void log_setup(enum log_setting setting) {
        switch (setting) {
        case LOG_SETTING_ERROR:
                max_priority = LOG_ERR;
                break;
        case LOG_SETTING_WARNING:
                max_priority = LOG_WARNING;
                break;
        case LOG_SETTING_REQUESTS:
                max_priority = LOG_NOTICE;
                break;
        case LOG_SETTING_DEBUG:
                max_priority = LOG_DEBUG;
                break;
        }
        requests_enabled = setting >= LOG_SETTING_REQUESTS;
        to_journal = stderr_is_journal();
}

bool log_requests_enabled(void) {
        return requests_enabled;
}

bool log_debug_enabled(void) {
        return max_priority >= LOG_DEBUG;
}

void log_append(char *out, size_t size, size_t *pos, const char *s) {
        size_t n = strlen(s);

        if (*pos >= size)
                return;
        if (n > size - 1 - *pos)
                n = size - 1 - *pos;
        memcpy(out + *pos, s, n);
        *pos += n;
        out[*pos] = '\0';
}

void log_append_number(char *out, size_t size, size_t *pos, unsigned long v) {
        char digits[24];
        size_t n = sizeof(digits) - 1;

        digits[n] = '\0';
        do {
                digits[--n] = (char) ('0' + v % 10);
                v /= 10;
        } while (v > 0);
        log_append(out, size, pos, digits + n);
}

/* Builds the line prefix without stdio, so the signal handlers can use it. */
static size_t format_prefix(char *out, size_t size, int priority) {
        size_t n = 0;

        if (to_journal) {
                const char journal[] = { '<', (char) ('0' + priority), '>', '\0' };
                log_append(out, size, &n, journal);
                return n;
        }
        log_append(out, size, &n, program);
        log_append(out, size, &n, "[");
        log_append_number(out, size, &n, (unsigned long) getpid());
        log_append(out, size, &n, "]: ");
        /* Without the journal's priorities, debug lines say what they are. */
        if (priority == LOG_DEBUG)
                log_append(out, size, &n, "debug: ");
        return n;
}

void log_set_peer(const char *text) {
        size_t n = text ? strlen(text) : 0;

        if (n > sizeof(peer_text) - 3)
                n = sizeof(peer_text) - 3;
        memcpy(peer_text, text ? text : "", n);
        if (n > 0) {
                memcpy(peer_text + n, ": ", 2);
                n += 2;
        }
        peer_text[n] = '\0';
}

/* One write per line keeps lines whole when instances share a stream. */
static void write_line(int priority, const char *text, size_t len) {
        char line[4096];
        size_t plen = format_prefix(line, sizeof(line), priority);
        size_t peer_len = strlen(peer_text);

        memcpy(line + plen, peer_text, peer_len);
        plen += peer_len;

        if (len > sizeof(line) - plen - 1)
                len = sizeof(line) - plen - 1;
        memcpy(line + plen, text, len);
        line[plen + len] = '\n';
        ssize_t _unused_ w = write(STDERR_FILENO, line, plen + len + 1);
}

void log_msg(int priority, const char *fmt, ...) {
        char text[4000];
        va_list ap;
        int n;

        if (priority > max_priority)
                return;
        va_start(ap, fmt);
        n = vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        write_line(priority, text, (size_t) n < sizeof(text) ? (size_t) n : sizeof(text) - 1);
}

void log_raw_signal_safe(int priority, const char *line) {
        if (priority <= max_priority)
                write_line(priority, line, strlen(line));
}

void log_escape_key(char *out, size_t size, const char *key, size_t len) {
        static const char hex[] = "0123456789abcdef";
        size_t o = 0;

        if (size == 0)
                return;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) key[i];
                char esc[4];
                size_t n;

                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                        esc[0] = (char) c;
                        n = 1;
                } else {
                        esc[0] = '\\';
                        esc[1] = 'x';
                        esc[2] = hex[c >> 4];
                        esc[3] = hex[c & 15];
                        n = 4;
                }
                if (o + n >= size)
                        break;
                memcpy(out + o, esc, n);
                o += n;
        }
        out[o] = '\0';
}
