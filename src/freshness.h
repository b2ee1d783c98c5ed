/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Watching the code a template has loaded, so that no lookup runs module
 * code (or nssrelay, or libc) replaced on disk more than a moment ago
 * (nssrelayd(8), FRESHNESS).
 *
 * After a template reports ready, its /proc/PID/maps lists every file it
 * has mapped: the nssrelay binary, libc, the NSS modules and their
 * libraries. Their directories are watched with inotify; after an event
 * the files are checked again. A file is stale when its mapping says
 * "(deleted)" (replaced by rename, as dpkg does) or when stat() no
 * longer matches what it was (rewritten in place). */
#ifndef NSSRELAY_FRESHNESS_H
#define NSSRELAY_FRESHNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The inotify fd to poll (created once; -errno if it cannot be). */
int freshness_init(void);
/* Starts watching what 'pid' has mapped; 'started_ns' is when it was
 * started (CLOCK_REALTIME): a file changed after that may or may not be
 * what it loaded. Returns 1 if something is stale already, else 0, or a
 * negative errno (then nothing is watched; logged). */
int freshness_watch(pid_t pid, int64_t started_ns);
/* Reads the pending inotify events; true if any may concern a watched
 * file. */
bool freshness_event(void);
/* Checks every watched file again. Returns 1 and the first stale path in
 * 'why' when the template must be replaced, else 0. */
int freshness_check(char *why, size_t why_size);

#endif
