/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A forked worker that has waited a while for its connection maps in the
 * pages it shares with its template, so that its lookup does not take a
 * page fault for each of them.
 *
 * A fork copies no page table entries for the template's libraries and
 * marks every page it has written copy-on-write, so a fresh worker faults
 * on each code, data, heap and stack page it touches, and on this
 * project's test machine every fault costs a few microseconds. Doing that
 * ahead costs CPU, most of it for pages the lookup never touches; under
 * load a worker is taken within a few milliseconds and that CPU is better
 * spent on lookups. So only a worker still waiting PREFAULT_AFTER_MS after
 * it started does it: the lookups it saves time on are the ones that
 * arrive at a quiet moment, when no one is short of CPU. */
#ifndef NSSRELAY_PREFAULT_H
#define NSSRELAY_PREFAULT_H

#include <signal.h>

#define PREFAULT_AFTER_MS 10

/* The timer's signal. Its default action is to ignore it, so one that
 * arrives late (after prefault_disarm(); valgrind delivers signals when it
 * gets to them) does nothing. */
#define PREFAULT_SIGNAL SIGWINCH

/* Arms a one-shot POSIX timer and installs its handler: if it fires while
 * the worker still waits, the handler maps the pages in and the
 * interrupted wait carries on (SA_RESTART). */
void prefault_arm(void);
/* Called when the wait ends: deletes the timer and puts the signal back
 * to its default action before any NSS code runs. */
void prefault_disarm(void);

#endif
