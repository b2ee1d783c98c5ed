/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: one whole connection, served in-process.
 *
 * The input is everything a client sends before it shuts its side down;
 * serve_connection() answers it over a socketpair with the real handlers
 * and the real NSS (`make fuzz` runs this in a private mount namespace
 * over tests/fuzz/etc). The oracle:
 *   - a request the wire parser rejects gets no reply at all;
 *   - anything sent is exactly one reply glibc's client reads in full;
 *   - passwd, group and INITGROUPS lookups with a well-formed key, and
 *     INVALIDATE from root, always get one. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "fuzz.h"
#include "log.h"
#include "reply_check.h"
#include "serve.h"
#include "transport.h"
#include "wire.h"

#define MAX_REPLY (4u * 1024 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        (void) argc;
        (void) argv;
        /* Every log line's formatting runs too; `make fuzz` discards them. */
        log_setup(LOG_SETTING_DEBUG);
        return 0;
}

static void write_all(int fd, const uint8_t *data, size_t size) {
        while (size > 0) {
                ssize_t n = write(fd, data, size);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) /* the server may close early; not a finding */
                        return;
                data += n;
                size -= (size_t) n;
        }
}

static void read_all(int fd, struct buf *out) {
        for (;;) {
                ssize_t n;

                if (buf_reserve(out, 65536) < 0)
                        fuzz_fail("reply larger than any the fixture can produce", NULL);
                n = read(fd, out->data + out->len, 65536);
                if (n < 0 && errno == EINTR)
                        continue;
                /* The server closed with request bytes it never read
                 * (trailing or oversized input): AF_UNIX reports that as a
                 * reset after the queued reply, where TCP would too. */
                if (n < 0 && errno == ECONNRESET)
                        return;
                if (n < 0)
                        fuzz_fail("reading the reply failed", strerror(errno));
                if (n == 0)
                        return;
                out->len += (size_t) n;
        }
}

/* Whether this request must get a reply from this server and fixture. */
static bool reply_required(const struct request *req) {
        uint32_t id;

        switch (req->type) {
        case REQ_GETPWBYNAME:
        case REQ_GETGRBYNAME:
        case REQ_INITGROUPS:
                return true;
        case REQ_GETPWBYUID:
        case REQ_GETGRBYGID:
                return wire_parse_id(req, &id) == 0;
        case REQ_INVALIDATE:
                return geteuid() == 0; /* the peer is us */
        default:
                return false;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct request req;
        enum wire_error parsed = wire_parse_request(data, size, &req);
        int big = (int) MAX_REPLY, sv[2];
        struct buf reply;
        const char *problem;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                fuzz_fail("socketpair", strerror(errno));
        /* Room for the whole request and reply, so neither side waits on
         * the other (FORCE needs root, which `make fuzz` has). */
        if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
                (void) setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
        if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
                (void) setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
        /* What transport_acquire() does with the real connection. */
        if (fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0)
                fuzz_fail("fcntl", strerror(errno));

        write_all(sv[0], data, size);
        shutdown(sv[0], SHUT_WR);
        (void) serve_connection(sv[1], now_usec(), &(struct serve_options) { .netns = NETNS_SERVER });
        close(sv[1]);

        buf_init(&reply, NULL, 0, MAX_REPLY);
        read_all(sv[0], &reply);
        close(sv[0]);

        if (parsed != WIRE_OK) {
                if (reply.len != 0)
                        fuzz_fail("a reply to a request the parser rejects", wire_error_name(parsed));
        } else if (reply.len == 0) {
                if (reply_required(&req))
                        fuzz_fail("no reply to a well-formed lookup", request_type_name(req.type));
        } else {
                problem = reply_check(req.type, reply.data, reply.len);
                if (problem)
                        fuzz_fail(request_type_name(req.type), problem);
        }
        buf_free(&reply);
        return 0;
}
