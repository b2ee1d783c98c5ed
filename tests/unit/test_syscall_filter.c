/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp program runs here, in a small classic BPF interpreter, for
 * every call number up to well past the last one any architecture has,
 * and must give the verdict of the policy table each time; it must be a
 * tree (a short path for every call), and small. Both parts of the
 * policy are checked so, and the base (nssrelayd's template) must answer
 * every call as the whole does but for the network namespace step's. */
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
        case SYSCALL_UNSHARE:
        case SYSCALL_SETNS:
        case SYSCALL_VERDICTS:
                break;
        }
        return 0xffffffff;
}

/* The calls whose answer depends on an argument, with what each must
 * allow and refuse. */
struct arg_case {
        enum syscall_verdict verdict;
        unsigned arg;
        uint64_t value;
        bool allowed;
};
#define ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))
static const struct arg_case arg_cases[] = {
        /* clone: refused only with a namespace flag */
        { SYSCALL_CLONE, 0, SIGCHLD | CLONE_VM | CLONE_FILES, true },
        { SYSCALL_CLONE, 0, SIGCHLD | CLONE_NEWUSER, false },
        { SYSCALL_CLONE, 0, CLONE_NEWNET, false },
        { SYSCALL_CLONE, 0, CLONE_NEWNS, false },
        /* unshare (the base): a mount namespace, and nothing new else */
        { SYSCALL_UNSHARE, 0, CLONE_NEWNS, true },
        { SYSCALL_UNSHARE, 0, CLONE_FILES | CLONE_FS, true },
        { SYSCALL_UNSHARE, 0, CLONE_NEWUSER, false },
        { SYSCALL_UNSHARE, 0, CLONE_NEWNS | CLONE_NEWUSER, false },
        { SYSCALL_UNSHARE, 0, CLONE_NEWNET, false },
        /* setns (the base): into a network namespace only */
        { SYSCALL_SETNS, 1, CLONE_NEWNET, true },
        { SYSCALL_SETNS, 1, 0, false }, /* any type, or a pidfd's namespaces */
        { SYSCALL_SETNS, 1, CLONE_NEWUSER, false },
        { SYSCALL_SETNS, 1, CLONE_NEWNS, false },
};

static const char *part_name(enum syscall_filter_part part) {
        return part == SYSCALL_FILTER_WHOLE ? "whole" : "base";
}

static void check(enum syscall_filter_part part, bool allow_ptrace) {
        struct sock_filter prog[SYSCALL_FILTER_MAX];
        int len = syscall_filter_build(prog, SYSCALL_FILTER_MAX, part, allow_ptrace);
        unsigned max_steps = 0;
        bool base = part == SYSCALL_FILTER_BASE;

        if (syscall_filter_arch() == 0)
                skip();
        assert_true(len > 0);
        /* One branch per boundary between ranges (about 55 on x86_64)
         * and a few more: the kernel's load time grows with it. */
        assert_true(len <= 80);

        for (long nr = 0; nr < 2048; nr++) {
                struct seccomp_data d = { .nr = (int) nr, .arch = syscall_filter_arch() };
                enum syscall_verdict v = syscall_filter_verdict(nr, part, allow_ptrace);
                struct run r = run(prog, len, &d);

                if (r.steps > max_steps)
                        max_steps = r.steps;
                switch (v) {
                case SYSCALL_CLONE:
                case SYSCALL_UNSHARE:
                case SYSCALL_SETNS:
                        for (size_t i = 0; i < ELEMENTS(arg_cases); i++) {
                                const struct arg_case *c = &arg_cases[i];

                                if (c->verdict != v)
                                        continue;
                                d.args[0] = d.args[1] = 0;
                                d.args[c->arg] = c->value;
                                if (run(prog, len, &d).ret != (c->allowed ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM))
                                        fail_msg("%s, call %ld: argument %u = %#llx %s", part_name(part), nr, c->arg,
                                                 (unsigned long long) c->value, c->allowed ? "refused" : "allowed");
                        }
                        break;
                default:
                        if (r.ret != expected(v))
                                fail_msg("%s, call %ld: %#x, want %#x", part_name(part), nr, r.ret, expected(v));
                }
        }
        /* A search tree: about log2 of the number of ranges (6 on
         * x86_64) plus the header, an argument check and the return,
         * where a list would take up to its whole length. */
        assert_true(max_steps <= 14);

        /* The calls the issue names, by name: the network namespace
         * step's are refused by the whole filter, and the base allows
         * what the step does with them. */
        assert_int_equal(syscall_filter_verdict(SYS_mount, part, allow_ptrace), base ? SYSCALL_ALLOW : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_fsopen, part, allow_ptrace), base ? SYSCALL_ALLOW : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_umount2, part, allow_ptrace), base ? SYSCALL_ALLOW : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_setns, part, allow_ptrace), base ? SYSCALL_SETNS : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_unshare, part, allow_ptrace),
                         base ? SYSCALL_UNSHARE : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_clone, part, allow_ptrace), SYSCALL_CLONE);
        assert_int_equal(syscall_filter_verdict(SYS_clone3, part, allow_ptrace), SYSCALL_ENOSYS);
        assert_int_equal(syscall_filter_verdict(SYS_pivot_root, part, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_bpf, part, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_keyctl, part, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_process_vm_readv, part, allow_ptrace), SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_ptrace, part, allow_ptrace),
                         allow_ptrace ? SYSCALL_ALLOW : SYSCALL_EPERM);
        assert_int_equal(syscall_filter_verdict(SYS_read, part, allow_ptrace), SYSCALL_ALLOW);
        assert_int_equal(syscall_filter_verdict(SYS_openat, part, allow_ptrace), SYSCALL_ALLOW);
        assert_int_equal(syscall_filter_verdict(SYS_landlock_restrict_self, part, allow_ptrace), SYSCALL_ALLOW);

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

/* The base answers every call, with clone's, unshare's and setns's
 * arguments and for other architectures, as the whole does, but for the
 * ten calls of the network namespace step. */
static void check_base_is_whole_but_the_step(bool allow_ptrace) {
        struct sock_filter whole[SYSCALL_FILTER_MAX], base[SYSCALL_FILTER_MAX];
        int nw = syscall_filter_build(whole, SYSCALL_FILTER_MAX, SYSCALL_FILTER_WHOLE, allow_ptrace);
        int nb = syscall_filter_build(base, SYSCALL_FILTER_MAX, SYSCALL_FILTER_BASE, allow_ptrace);
        const uint64_t flags[] = { SIGCHLD, CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET };
        const uint32_t arches[] = { syscall_filter_arch(), AUDIT_ARCH_I386 ^ AUDIT_ARCH_X86_64 ^ syscall_filter_arch() };
        unsigned differ = 0;

        if (syscall_filter_arch() == 0)
                skip();
        assert_true(nw > 0 && nb > 0);
        for (long nr = 0; nr < 2048; nr++) {
                bool same = true;

                for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
                        for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
                                struct seccomp_data d = { .nr = (int) nr, .arch = arches[a],
                                                          .args = { flags[f], flags[f] } };

                                same = same && run(whole, nw, &d).ret == run(base, nb, &d).ret;
                        }
                if (!same) {
                        differ++;
                        /* Only where the whole refuses and the base allows. */
                        assert_int_equal(syscall_filter_verdict(nr, SYSCALL_FILTER_WHOLE, allow_ptrace),
                                         SYSCALL_EPERM);
                }
        }
        /* setns, unshare, mount, umount2, open_tree, move_mount, fsopen,
         * fsconfig, fsmount, mount_setattr. */
        assert_int_equal(differ, 10);
}

static void test_filter(void **state) {
        (void) state;
        check(SYSCALL_FILTER_WHOLE, false);
}

static void test_filter_sanitizers(void **state) {
        (void) state;
        check(SYSCALL_FILTER_WHOLE, true);
}

static void test_filter_base(void **state) {
        (void) state;
        check(SYSCALL_FILTER_BASE, false);
        check(SYSCALL_FILTER_BASE, true);
}

static void test_base_is_whole_but_the_step(void **state) {
        (void) state;
        check_base_is_whole_but_the_step(false);
        check_base_is_whole_but_the_step(true);
}

static void test_too_small(void **state) {
        struct sock_filter prog[8];

        (void) state;
        if (syscall_filter_arch() == 0)
                skip();
        assert_int_equal(syscall_filter_build(prog, 8, SYSCALL_FILTER_WHOLE, false), -E2BIG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_filter),
                cmocka_unit_test(test_filter_sanitizers),
                cmocka_unit_test(test_filter_base),
                cmocka_unit_test(test_base_is_whole_but_the_step),
                cmocka_unit_test(test_too_small),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
