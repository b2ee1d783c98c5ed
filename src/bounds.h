/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every deadline and size bound nssrelay applies, in one place.
 * nssrelay(8) documents each value; change both together. */
#ifndef NSSRELAY_BOUNDS_H
#define NSSRELAY_BOUNDS_H

/* The whole request must arrive this soon after the process starts.
 * glibc's client sends it in one send() right after connect(), usually
 * before we are even started. Measured with getent loops on 2 cores
 * under systemd-socket-activate: of the requests that were not there yet
 * when we first read, the slowest arrived 55 ms later with the machine
 * 3 times overloaded and 176 ms later 12 times overloaded (a client
 * preempted between connect and send). A silent connection holds its
 * slot (and under Accept=yes one of MaxConnections=) until then, so the
 * deadline is as short as those figures allow. */
#define READ_DEADLINE_MS 250

/* The lookup must be done this soon after the process starts. glibc's
 * client waits 5000 ms for the first reply byte, counted from before our
 * start; past that it has already answered in-process, so a reply is
 * worthless. Closing earlier lets it fall back sooner. */
#define LOOKUP_DEADLINE_MS 4000

/* A module may block the deadline's signal; SIGKILL ends the process
 * this long after the lookup deadline, still before the client's 5000 ms. */
#define LOOKUP_KILL_GRACE_MS 250

/* Sending the reply may take this long. glibc's client reads a reply as
 * fast as it arrives and gives up after a 200 ms stall. */
#define WRITE_DEADLINE_MS 1000

/* NSS calls start with this much buffer (on the stack) and double it on
 * every ERANGE up to NSS_BUFFER_MAX; past that the connection is closed
 * without a reply. 16 MiB holds a group of about 500,000 members. */
#define NSS_BUFFER_INITIAL ((size_t) 16384)
#define NSS_BUFFER_MAX ((size_t) 16 << 20)

/* A reply body may not exceed this; it is bounded by what NSS returned. */
#define REPLY_BODY_INITIAL ((size_t) 16384)
#define REPLY_BODY_MAX ((size_t) 16 << 20)

/* A client's resolv.conf larger than this closes a hosts lookup from
 * another network namespace without a reply (nssrelay(8), NETWORK
 * NAMESPACES); glibc's own are a few hundred bytes. */
#define RESOLV_CONF_MAX 65536

#endif
