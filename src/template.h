/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The template: nssrelay as nssrelayd runs it (nssrelayd(8), HOW IT WORKS).
 *
 * nssrelayd starts `nssrelay --template=fork|exec` with its end of the
 * handoff channel on fd 3 (handoff.h). The template keeps a few idle
 * workers waiting on that channel; each takes exactly one connection,
 * serves it as a per-connection nssrelay would (serve_connection()) and
 * exits, and the template starts another. With fork, the workers are
 * forks of the template, which has loaded the NSS modules and never looks
 * anything up; with exec, each worker is a fresh `nssrelay --pool-worker`
 * that loads the modules itself. */
#ifndef NSSRELAY_TEMPLATE_H
#define NSSRELAY_TEMPLATE_H

#include <stdbool.h>

#include "serve.h"

struct template_options {
        bool exec_workers;    /* exec a fresh nssrelay per worker, no preloaded modules */
        unsigned spare;       /* idle workers kept waiting */
        unsigned max_workers; /* idle and busy workers at most */
};

/* Runs the template until the dispatcher closes the channel and every
 * connection it sent has been taken. Returns the exit status. */
int template_main(const struct template_options *t, const struct serve_options *opts);

/* An exec'd worker (--pool-worker): takes one connection from fd 3,
 * reports to the template on fd 4, serves it. Returns the exit status. */
int pool_worker_main(const struct serve_options *opts);

#endif
