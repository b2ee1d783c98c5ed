/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Confining a lookup before any NSS code runs (nssrelay(8), SECURITY):
 * become the client (or --user), drop every capability, a read-only file
 * system (Landlock) and a system call filter (seccomp). */
#ifndef NSSRELAY_CONFINE_H
#define NSSRELAY_CONFINE_H

#include "serve.h"
#include "transport.h"

/* The part that does not depend on the connection: asks for Landlock's
 * ABI, creates the ruleset and builds the seccomp program. A process
 * that waits for its connection (a worker forked ahead of time) calls it
 * before, to take it off the lookup's path; confine_lookup() calls it
 * otherwise. It changes nothing about the process yet: the network
 * namespace step may still follow. Returns 0 or a logged negative errno. */
int confine_prepare(void);

/* In nssrelayd's template, before it loads the modules: installs the
 * system call filter in the form that leaves the network namespace
 * step's calls to the capability checks (SYSCALL_FILTER_BASE), which
 * every worker it forks inherits at no cost instead of loading one, and
 * calls confine_prepare(), whose Landlock ruleset the workers inherit
 * too. Where the filter cannot be installed, it says so and workers load
 * the whole filter each. Returns what confine_prepare() returns. */
int confine_template(void);

/* Confines this process for the lookup the peer asked for: becomes the
 * client (opts->user_* with opts->fixed_user), drops every capability
 * and sets no_new_privs, makes the file system read-only with Landlock
 * where the kernel has it, and installs the seccomp filter, in that
 * order, each verified. With opts->confine false it only drops
 * capabilities and sets no_new_privs. Call it once, after the network
 * namespace step and before any NSS code (loading the modules
 * included). Returns 0, or a negative errno after logging an error
 * naming 'what': the caller then closes without a reply, and the client
 * looks up in-process. */
int confine_lookup(const struct peer *peer, const struct serve_options *opts, const char *what);

#endif
