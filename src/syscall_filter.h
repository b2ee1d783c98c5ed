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
        SYSCALL_KILL,   /* another architecture's calls */
};

/* The AUDIT_ARCH_* value of this build, or 0 where the filter is not
 * available (then confinement goes on without it). */
uint32_t syscall_filter_arch(void);

/* Builds the program into 'out' (room for 'cap' instructions). Returns
 * the number of instructions, or -E2BIG. allow_ptrace keeps ptrace
 * allowed: LeakSanitizer stops the world with it at exit. */
int syscall_filter_build(struct sock_filter *out, size_t cap, bool allow_ptrace);

/* The verdict of the policy table itself, for the tests: what the
 * program must do with call 'nr' of this architecture. */
enum syscall_verdict syscall_filter_verdict(long nr, bool allow_ptrace);

#endif
