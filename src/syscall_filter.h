/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp filter of a confined lookup (nssrelay(8), SECURITY): a
 * classic BPF program, laid out as a binary search tree over system call
 * numbers so that both the kernel's load time (which grows with the
 * program's length) and each call's cost stay small. No library: the
 * program is built by our own code from a fixed table, into static
 * storage, in about a microsecond. */
#ifndef NSSRELAY_SYSCALL_FILTER_H
#define NSSRELAY_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for the program: the header, one branch per boundary between
 * allowed and refused ranges, the clone check and the returns. */
#define SYSCALL_FILTER_MAX 256

/* What the filter does with a call (syscall_filter_verdict()). */
enum syscall_verdict {
        SYSCALL_ALLOW,
        SYSCALL_EPERM,  /* refused: no lookup needs it */
        SYSCALL_ENOSYS, /* clone3: its flags cannot be inspected; glibc falls back to clone */
        SYSCALL_CLONE,  /* clone: refused (EPERM) with any CLONE_NEW* flag */
        SYSCALL_UNSHARE, /* unshare: refused with any CLONE_NEW* flag but CLONE_NEWNS */
        SYSCALL_SETNS,  /* setns: refused for any type but CLONE_NEWNET */
        SYSCALL_KILL,   /* another architecture's calls */
        SYSCALL_VERDICTS
};

/* Which part of the policy a program carries. Loading a program costs
 * tens of microseconds (the kernel compiles it and tries it on every call
 * number), so nssrelayd's template loads BASE once, before it loads the
 * modules, and the workers it forks inherit it instead of loading WHOLE
 * each (nssrelayd(8), SECURITY). */
enum syscall_filter_part {
        SYSCALL_FILTER_WHOLE, /* the whole policy: one program per lookup */
        /* The same, but for the calls the network namespace step makes
         * (netns.c), which need CAP_SYS_ADMIN, given up before any NSS
         * code runs: setns into a network namespace, unshare with no new
         * namespace but a mount namespace, and the mount calls. Making
         * user namespaces, which could give it back, stays refused. */
        SYSCALL_FILTER_BASE,
};

/* The AUDIT_ARCH_* value of this build, or 0 where the filter is not
 * available (then confinement goes on without it). */
uint32_t syscall_filter_arch(void);

/* Builds the program for 'part' into 'out' (room for 'cap'
 * instructions). Returns the number of instructions, or -E2BIG.
 * allow_ptrace keeps ptrace allowed: LeakSanitizer stops the world with
 * it at exit. Both parts kill other architectures' calls. */
int syscall_filter_build(struct sock_filter *out, size_t cap, enum syscall_filter_part part, bool allow_ptrace);

/* The verdict of the policy table itself, for the tests: what the
 * program for 'part' must do with call 'nr' of this architecture. */
enum syscall_verdict syscall_filter_verdict(long nr, enum syscall_filter_part part, bool allow_ptrace);

#endif
