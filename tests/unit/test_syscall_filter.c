/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp program runs here, in a small classic BPF interpreter, for
 * every call number up to well past the last one any architecture has,
 * and must give the verdict of the policy table each time; it must be a
 * tree (a short path for every call), and small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "syscall_filter.h"

struct run {
        uint32_t ret;
        unsigned steps;
};

/* Runs prog on data the way the kernel does, for the instructions the
 * filter uses; fails the test on anything else. */
static struct run run(const struct sock_filter *prog, int len, const struct seccomp_data *data) {
        uint32_t a = 0;
        unsigned steps = 0;

        for (int pc = 0; pc < len; pc++) {
                const struct sock_filter *i = &prog[pc];

                steps++;
                switch (i->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        assert_true(i->k + 4 <= sizeof(*data) && i->k % 4 == 0);
                        memcpy(&a, (const uint8_t *) data + i->k, 4);
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        pc += a == i->k ? i->jt : i->jf;
                        break;
                case BPF_JMP | BPF_JGE | BPF_K:
                        pc += a >= i->k ? i->jt : i->jf;
                        break;
                case BPF_JMP | BPF_JSET | BPF_K:
                        pc += (a & i->k) ? i->jt : i->jf;
                        break;
                case BPF_RET | BPF_K:
                        return (struct run) { i->k, steps };
                default:
                        fail_msg("unexpected instruction %#x at %d", i->code, pc);
                }
                assert_true(pc + 1 < len); /* every jump lands inside */
        }
        fail_msg("fell off the end");
        return (struct run) { 0, 0 };
}

static uint32_t expected(enum syscall_verdict v) {
        switch (v) {
        case SYSCALL_ALLOW:
                return SECCOMP_RET_ALLOW;
        case SYSCALL_EPERM:
                return SECCOMP_RET_ERRNO | EPERM;
        case SYSCALL_ENOSYS:
                return SECCOMP_RET_ERRNO | ENOSYS;
        case SYSCALL_KILL:
                return SECCOMP_RET_KILL_PROCESS;
        case SYSCALL_CLONE:
                break;
        }
        return 0xffffffff;
}

static void check(bool allow_ptrace) {
        struct sock_filter prog[SYSCALL_FILTER_MAX];
        int len = syscall_filter_build(prog, SYSCALL_FILTER_MAX, allow_ptrace);
        unsigned max_steps = 0;

        if (syscall_filter_arch() == 0)
                skip();
        assert_true(len > 0);
        /* One branch per boundary between ranges (about 55 on x86_64)
         * and a few more: the kernel's load time grows with it. */
        assert_true(len <= 80);

        for (long nr = 0; nr < 2048; nr++) {
                struct seccomp_data d = { .nr = (int) nr, .arch = syscall_filter_arch() };
                enum syscall_verdict v = syscall_filter_verdict(nr, allow_ptrace);
                struct run r = run(prog, len, &d);

                if (r.steps > max_steps)
                        max_steps = r.steps;
                if (v != SYSCALL_CLONE) {
                        if (r.ret != expected(v))
                                fail_msg("call %ld: %#x, want %#x", nr, r.ret, expected(v));
                        continue;
                }
                /* clone: refused only with a namespace flag. */
                d.args[0] = SIGCHLD | CLONE_VM | CLONE_FILES;
                assert_int_equal(run(prog, len, &d).ret, SECCOMP_RET_ALLOW);
                d.args[0] = SIGCHLD | CLONE_NEWUSER;
                assert_int_equal(run(prog, len, &d).ret, SECCOMP_RET_ERRNO | EPERM);
                d.args[0] = CLONE_NEWNET;
                assert_int_equal(run(prog, len, &d).ret, SECCOMP_RET_ERRNO | EPERM);
        }
        /* A search tree: about log2 of the number of ranges (6 on
         * x86_64) plus the header, the clone check and the return, where
         * a list would take up to its whole length. */
        assert_true(max_steps <= 14);

        /* The calls the issue names, by name. */
        assert_int_equal(syscall_filter_verdict(SYS_mount, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_setns, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_unshare, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_bpf, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_keyctl, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_process_vm_readv, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_ptrace, allow_ptrace),
                         allow_ptrace ? SYSCALL_ALLOW : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_read, allow_ptrace), SYSCALL_ALLOW);
        assert_int_equal(syscall_filter_verdict(SYS_openat, allow_ptrace), SYSCALL_ALLOW);
        assert_int_equal(syscall_filter_verdict(SYS_landlock_restrict_self, allow_ptrace), SYSCALL_ALLOW);

        /* Another architecture's calls are killed, whatever the number. */
        for (long nr = 0; nr < 600; nr += 7) {
                struct seccomp_data d = { .nr = (int) nr, .arch = AUDIT_ARCH_I386 ^ AUDIT_ARCH_X86_64 ^
                                                                        syscall_filter_arch() };
                assert_int_equal(run(prog, len, &d).ret, SECCOMP_RET_KILL_PROCESS);
        }
#if defined(__x86_64__) && !defined(__ILP32__)
        struct seccomp_data x32 = { .nr = 0x40000000 + SYS_read, .arch = AUDIT_ARCH_X86_64 };
        assert_int_equal(run(prog, len, &x32).ret, SECCOMP_RET_KILL_PROCESS);
#endif
}

static void test_filter(void **state) {
        (void) state;
        check(false);
}

static void test_filter_sanitizers(void **state) {
        (void) state;
        check(true);
}

static void test_too_small(void **state) {
        struct sock_filter prog[8];

        (void) state;
        if (syscall_filter_arch() == 0)
                skip();
        assert_int_equal(syscall_filter_build(prog, 8, false), -E2BIG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_filter),
                cmocka_unit_test(test_filter_sanitizers),
                cmocka_unit_test(test_too_small),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
