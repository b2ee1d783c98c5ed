/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "request_log.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "request_text.h"

/* The peer's command name, escaped; "?" when it cannot be read. */
static void peer_comm(const struct peer *peer, char *out, size_t size) {
        char path[64], comm[32];
        ssize_t n = -1;

        snprintf(out, size, "?");
        if (!peer->known || peer->pid <= 0)
                return;
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long) peer->pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                n = read(fd, comm, sizeof(comm) - 1);
                close(fd);
        }
        if (n <= 0)
                return;
        if (comm[n - 1] == '\n')
                n--;
        log_escape_key(out, size, comm, (size_t) n);
}

void request_log_peer(const struct peer *peer) {
        char text[128], comm[64];
        int n;

        if (!peer) {
                log_set_peer(NULL);
                return;
        }
        n = snprintf(text, sizeof(text), "pid=%ld uid=%ld", (long) peer->pid,
                     peer->known ? (long) peer->uid : -1L);
        if (log_requests_enabled() && n > 0 && (size_t) n < sizeof(text)) {
                peer_comm(peer, comm, sizeof(comm));
                snprintf(text + n, sizeof(text) - (size_t) n, " comm=%s", comm);
        }
        log_set_peer(text);
}

void request_log(const struct request *req, const char *outcome, const char *delivery, size_t bytes,
                 uint64_t start_usec) {
        char what[REQUEST_TEXT_MAX];

        if (!log_requests_enabled())
                return;
        request_describe(req, what, sizeof(what));
        log_notice("%s: %s%s, %zu bytes, %llu us", what, outcome, delivery, bytes,
                   (unsigned long long) (now_usec() - start_usec));
}
