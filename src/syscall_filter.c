/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "syscall_filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "macro.h"

/* The architecture whose calls are served; every other one is killed. */
#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
/* x32 calls share AUDIT_ARCH_X86_64 and carry this bit in their number. */
#define FOREIGN_NR_MIN 0x40000000u
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_ARM
#else
#define NATIVE_ARCH 0u
#endif

/* The low 32 bits of argument n. clone's flags are its first argument
 * everywhere but on s390 and cris, which we do not filter anyway. */
#define ARG_LOW_OFFSET(n)                                                                                  \
        (offsetof(struct seccomp_data, args[n]) + (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0))
#define CLONE_NEW_FLAGS                                                                                    \
        (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |       \
         CLONE_NEWNET | 0x00000080 /* CLONE_NEWTIME */)

struct rule {
        long nr;
        enum syscall_verdict verdict; /* SYSCALL_FILTER_WHOLE's */
        enum syscall_verdict base;    /* SYSCALL_FILTER_BASE's */
};

/* What no lookup needs, so a module (or whoever took it over) cannot do
 * it: change the mount table or the root, trace or read other processes,
 * load programs or modules into the kernel, use the keyrings, swap,
 * reboot, set the clocks, the host name or I/O privileges, enter or make
 * namespaces, or go around this filter through io_uring. Calls this
 * architecture lacks are left out by their missing __NR_ names. */
#define DENY(name) { __NR_##name, SYSCALL_EPERM, SYSCALL_EPERM }
/* Refused as well, but the step into the client's network namespace
 * (netns.c) makes these calls, after which the lookup holds no
 * capability that would let them succeed: SYSCALL_FILTER_BASE gives them
 * 'base' (setns only into a network namespace, unshare only without new
 * namespaces but a mount namespace, the mount calls allowed). */
#define DENY_AFTER_STEP(name, base) { __NR_##name, SYSCALL_EPERM, base }
static const struct rule rules[] = {
/* the mount family */
#ifdef __NR_mount
        DENY_AFTER_STEP(mount, SYSCALL_ALLOW),
#endif
#ifdef __NR_umount
        DENY(umount),
#endif
#ifdef __NR_umount2
        DENY_AFTER_STEP(umount2, SYSCALL_ALLOW),
#endif
#ifdef __NR_pivot_root
        DENY(pivot_root),
#endif
#ifdef __NR_chroot
        DENY(chroot),
#endif
#ifdef __NR_open_tree
        DENY_AFTER_STEP(open_tree, SYSCALL_ALLOW),
#endif
#ifdef __NR_move_mount
        DENY_AFTER_STEP(move_mount, SYSCALL_ALLOW),
#endif
#ifdef __NR_fsopen
        DENY_AFTER_STEP(fsopen, SYSCALL_ALLOW),
#endif
#ifdef __NR_fsconfig
        DENY_AFTER_STEP(fsconfig, SYSCALL_ALLOW),
#endif
#ifdef __NR_fsmount
        DENY_AFTER_STEP(fsmount, SYSCALL_ALLOW),
#endif
#ifdef __NR_fspick
        DENY(fspick),
#endif
#ifdef __NR_mount_setattr
        DENY_AFTER_STEP(mount_setattr, SYSCALL_ALLOW),
#endif
        { 467, SYSCALL_EPERM, SYSCALL_EPERM }, /* open_tree_attr (Linux 6.15), the same on every architecture */
/* other processes */
#ifdef __NR_ptrace
        DENY(ptrace), /* taken out again for the sanitizers, see below */
#endif
#ifdef __NR_process_vm_readv
        DENY(process_vm_readv),
#endif
#ifdef __NR_process_vm_writev
        DENY(process_vm_writev),
#endif
#ifdef __NR_pidfd_getfd
        DENY(pidfd_getfd),
#endif
/* the kernel */
#ifdef __NR_bpf
        DENY(bpf),
#endif
#ifdef __NR_perf_event_open
        DENY(perf_event_open),
#endif
#ifdef __NR_userfaultfd
        DENY(userfaultfd),
#endif
#ifdef __NR_kexec_load
        DENY(kexec_load),
#endif
#ifdef __NR_kexec_file_load
        DENY(kexec_file_load),
#endif
#ifdef __NR_init_module
        DENY(init_module),
#endif
#ifdef __NR_finit_module
        DENY(finit_module),
#endif
#ifdef __NR_delete_module
        DENY(delete_module),
#endif
#ifdef __NR_create_module
        DENY(create_module),
#endif
#ifdef __NR_add_key
        DENY(add_key),
#endif
#ifdef __NR_request_key
        DENY(request_key),
#endif
#ifdef __NR_keyctl
        DENY(keyctl),
#endif
#ifdef __NR_swapon
        DENY(swapon),
#endif
#ifdef __NR_swapoff
        DENY(swapoff),
#endif
#ifdef __NR_reboot
        DENY(reboot),
#endif
#ifdef __NR_acct
        DENY(acct),
#endif
#ifdef __NR_quotactl
        DENY(quotactl),
#endif
#ifdef __NR_quotactl_fd
        DENY(quotactl_fd),
#endif
#ifdef __NR_syslog
        DENY(syslog),
#endif
#ifdef __NR_vhangup
        DENY(vhangup),
#endif
#ifdef __NR_lookup_dcookie
        DENY(lookup_dcookie),
#endif
#ifdef __NR_nfsservctl
        DENY(nfsservctl),
#endif
#ifdef __NR_fanotify_init
        DENY(fanotify_init),
#endif
#ifdef __NR_open_by_handle_at
        DENY(open_by_handle_at),
#endif
#ifdef __NR_iopl
        DENY(iopl),
#endif
#ifdef __NR_ioperm
        DENY(ioperm),
#endif
/* the clocks and the host's names */
#ifdef __NR_settimeofday
        DENY(settimeofday),
#endif
#ifdef __NR_stime
        DENY(stime),
#endif
#ifdef __NR_clock_settime
        DENY(clock_settime),
#endif
#ifdef __NR_clock_settime64
        DENY(clock_settime64),
#endif
#ifdef __NR_adjtimex
        DENY(adjtimex),
#endif
#ifdef __NR_clock_adjtime
        DENY(clock_adjtime),
#endif
#ifdef __NR_clock_adjtime64
        DENY(clock_adjtime64),
#endif
#ifdef __NR_sethostname
        DENY(sethostname),
#endif
#ifdef __NR_setdomainname
        DENY(setdomainname),
#endif
/* namespaces: entering the client's network namespace is done by now */
#ifdef __NR_unshare
        DENY_AFTER_STEP(unshare, SYSCALL_UNSHARE),
#endif
#ifdef __NR_setns
        DENY_AFTER_STEP(setns, SYSCALL_SETNS),
#endif
#ifdef __NR_clone
        { __NR_clone, SYSCALL_CLONE, SYSCALL_CLONE },
#endif
#ifdef __NR_clone3
        { __NR_clone3, SYSCALL_ENOSYS, SYSCALL_ENOSYS },
#endif
/* io_uring runs operations that no seccomp filter sees */
#ifdef __NR_io_uring_setup
        DENY(io_uring_setup),
#endif
#ifdef __NR_io_uring_enter
        DENY(io_uring_enter),
#endif
#ifdef __NR_io_uring_register
        DENY(io_uring_register),
#endif
};

uint32_t syscall_filter_arch(void) {
        return NATIVE_ARCH;
}

enum syscall_verdict syscall_filter_verdict(long nr, enum syscall_filter_part part, bool allow_ptrace) {
#ifdef FOREIGN_NR_MIN
        if (nr >= (long) FOREIGN_NR_MIN)
                return SYSCALL_KILL;
#endif
#ifdef __NR_ptrace
        if (allow_ptrace && nr == __NR_ptrace)
                return SYSCALL_ALLOW;
#endif
        for (size_t i = 0; i < ELEMENTSOF(rules); i++)
                if (rules[i].nr == nr)
                        return part == SYSCALL_FILTER_BASE ? rules[i].base : rules[i].verdict;
        return SYSCALL_ALLOW;
}

/* The program is the tree over 'segments': consecutive ranges of call
 * numbers, each starting where the previous one ends, with one verdict
 * each; the first starts at 0. Each inner node is one JGE on the
 * segment that starts the right half; leaves are jumps straight to the
 * returns at the end. */
struct segment {
        uint32_t start;
        enum syscall_verdict verdict;
};

struct builder {
        struct sock_filter *out;
        size_t cap, pc;
        const struct segment *seg;
        size_t target[SYSCALL_VERDICTS]; /* where each verdict's code starts */
};

static size_t tree_size(size_t n) {
        return n <= 1 ? 0 : 1 + tree_size(n / 2) + tree_size(n - n / 2);
}

static int emit(struct builder *b, struct sock_filter insn) {
        if (b->pc >= b->cap)
                return -E2BIG;
        b->out[b->pc++] = insn;
        return 0;
}

/* Jump offset from the instruction at 'from' to 'to'; classic BPF only
 * jumps forward, by at most 255. */
static int offset(size_t from, size_t to, uint8_t *ret) {
        if (to <= from || to - from - 1 > 255)
                return -E2BIG;
        *ret = (uint8_t) (to - from - 1);
        return 0;
}

static int emit_tree(struct builder *b, size_t first, size_t n) {
        size_t half = n / 2, here = b->pc;
        size_t left_at = here + 1, right_at = left_at + tree_size(half);
        uint8_t jt, jf;
        int r;

        if (n <= 1)
                return 0;
        /* A leaf's node is its verdict's code; an inner node starts right
         * where its subtree is emitted. */
        if ((r = offset(here, n - half == 1 ? b->target[b->seg[first + half].verdict] : right_at, &jt)) < 0 ||
            (r = offset(here, half == 1 ? b->target[b->seg[first].verdict] : left_at, &jf)) < 0)
                return r;
        if ((r = emit(b, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, b->seg[first + half].start,
                                                        jt, jf))) < 0 ||
            (r = emit_tree(b, first, half)) < 0)
                return r;
        return emit_tree(b, first + half, n - half);
}

static int compare_rules(const void *a, const void *b) {
        long x = ((const struct rule *) a)->nr, y = ((const struct rule *) b)->nr;

        return x < y ? -1 : x > y;
}

int syscall_filter_build(struct sock_filter *out, size_t cap, enum syscall_filter_part part, bool allow_ptrace) {
        struct rule sorted[ELEMENTSOF(rules)];
        struct segment seg[2 * ELEMENTSOF(rules) + 2];
        size_t n_sorted = 0, n_seg = 0;
        struct builder b = { .out = out, .cap = cap, .seg = seg };
        uint8_t jt, jf;
        int r;

        if (NATIVE_ARCH == 0)
                return -EOPNOTSUPP;

        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                enum syscall_verdict v = syscall_filter_verdict(rules[i].nr, part, allow_ptrace);

                if (v != SYSCALL_ALLOW)
                        sorted[n_sorted++] = (struct rule) { rules[i].nr, v, v };
        }
        qsort(sorted, n_sorted, sizeof(sorted[0]), compare_rules);

        /* Each call opens a segment of its verdict and one of ALLOW after
         * it, which the next call takes over when it follows at once. */
        seg[n_seg++] = (struct segment) { 0, SYSCALL_ALLOW };
        long prev = -1;
        for (size_t i = 0; i < n_sorted; i++) {
                uint32_t nr = (uint32_t) sorted[i].nr;

                if (sorted[i].nr == prev)
                        continue;
                prev = sorted[i].nr;
                if (seg[n_seg - 1].start == nr)
                        seg[n_seg - 1].verdict = sorted[i].verdict;
                else
                        seg[n_seg++] = (struct segment) { nr, sorted[i].verdict };
                seg[n_seg++] = (struct segment) { nr + 1, SYSCALL_ALLOW };
        }
        /* Neighbours with one verdict merge (mount, umount2, swapon,
         * swapoff and reboot are one range on x86_64): a branch fewer. */
        size_t w = 1;
        for (size_t i = 1; i < n_seg; i++)
                if (seg[i].verdict != seg[w - 1].verdict)
                        seg[w++] = seg[i];
        n_seg = w;

        /* Layout: header, tree, the argument checks the tree leads to,
         * returns. Each check is two instructions: load the argument,
         * then a test that jumps to one return or the other. */
        static const struct arg_check {
                enum syscall_verdict verdict;
                uint32_t offset;
                uint16_t jump; /* BPF_JSET: refused when set; BPF_JEQ: allowed when equal */
                uint32_t k;
        } checks[] = {
                { SYSCALL_CLONE, ARG_LOW_OFFSET(0), BPF_JSET, CLONE_NEW_FLAGS },
                { SYSCALL_UNSHARE, ARG_LOW_OFFSET(0), BPF_JSET, CLONE_NEW_FLAGS & ~CLONE_NEWNS },
                { SYSCALL_SETNS, ARG_LOW_OFFSET(1), BPF_JEQ, CLONE_NEWNET },
        };
        bool used[ELEMENTSOF(checks)] = {};
        size_t header = 3;
#ifdef FOREIGN_NR_MIN
        header++;
#endif
        size_t at = header + tree_size(n_seg);
        for (size_t c = 0; c < ELEMENTSOF(checks); c++) {
                for (size_t i = 0; i < n_seg; i++)
                        used[c] = used[c] || seg[i].verdict == checks[c].verdict;
                if (used[c]) {
                        b.target[checks[c].verdict] = at;
                        at += 2;
                }
        }
        b.target[SYSCALL_ALLOW] = at;
        b.target[SYSCALL_EPERM] = at + 1;
        b.target[SYSCALL_ENOSYS] = at + 2;
        b.target[SYSCALL_KILL] = at + 3;

        if ((r = emit(&b, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                       offsetof(struct seccomp_data, arch)))) < 0 ||
            (r = offset(1, b.target[SYSCALL_KILL], &jf)) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, jf))) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                       offsetof(struct seccomp_data, nr)))) < 0)
                return r;
#ifdef FOREIGN_NR_MIN
        if ((r = offset(3, b.target[SYSCALL_KILL], &jt)) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, FOREIGN_NR_MIN, jt, 0))) < 0)
                return r;
#endif
        if (n_seg == 1) /* nothing refused: cannot happen with the table above */
                return -EINVAL;
        if ((r = emit_tree(&b, 0, n_seg)) < 0)
                return r;

        for (size_t c = 0; c < ELEMENTSOF(checks); c++) {
                const struct arg_check *k = &checks[c];
                size_t test = b.pc + 1;
                size_t refused = b.target[SYSCALL_EPERM], allowed = b.target[SYSCALL_ALLOW];

                if (!used[c])
                        continue;
                if ((r = offset(test, k->jump == BPF_JSET ? refused : allowed, &jt)) < 0 ||
                    (r = offset(test, k->jump == BPF_JSET ? allowed : refused, &jf)) < 0 ||
                    (r = emit(&b, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k->offset))) < 0 ||
                    (r = emit(&b, (struct sock_filter) BPF_JUMP(BPF_JMP | k->jump | BPF_K, k->k, jt, jf))) < 0)
                        return r;
        }
        if ((r = emit(&b, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW))) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM))) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS))) < 0 ||
            (r = emit(&b, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS))) < 0)
                return r;
        return (int) b.pc;
}
