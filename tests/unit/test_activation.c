/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Our socket-activation handling against libsystemd's own reading of the
 * same environment: where sd_listen_fds() hands over exactly one
 * connected AF_UNIX stream socket, we must serve fd 3; everywhere else we
 * must refuse (exit 2) rather than serve something else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "transport.h"

static void move_fd(int fd, int target) {
        if (fd == target)
                return;
        assert_int_equal(dup2(fd, target), target);
        close(fd);
}

/* Puts 'fd' at 3 and /dev/null at 0, as a unit with StandardInput=null. */
static void place_fds(int fd) {
        move_fd(open("/dev/null", O_RDONLY), 0);
        move_fd(fd, 3);
}

static void set_env(const char *fds, long pid) {
        char buf[32];

        if (fds)
                setenv("LISTEN_FDS", fds, 1);
        else
                unsetenv("LISTEN_FDS");
        snprintf(buf, sizeof(buf), "%ld", pid);
        if (pid)
                setenv("LISTEN_PID", buf, 1);
        else
                unsetenv("LISTEN_PID");
}

static int connected_socket(void) {
        int sv[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        close(sv[1]); /* the peer's end is not needed to inspect ours */
        return sv[0];
}

static int listening_socket(void) {
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        assert_true(fd >= 0);
        /* Binding just the family autobinds an abstract address. */
        assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(sa_family_t)), 0);
        assert_int_equal(listen(fd, 1), 0);
        return fd;
}

static int acquire(void) {
        char why[512];
        return transport_acquire(why, sizeof(why));
}

static void test_accept_yes_connection(void **state) {
        (void) state;
        place_fds(connected_socket());
        set_env("1", (long) getpid());
        assert_int_equal(sd_listen_fds(0), 1);
        assert_int_equal(sd_is_socket_unix(3, SOCK_STREAM, 0, NULL, 0), 1);
        assert_int_equal(acquire(), 3);
        /* Handed over: the variables are gone for anything we start. */
        assert_null(getenv("LISTEN_FDS"));
        assert_null(getenv("LISTEN_PID"));
        assert_true(fcntl(3, F_GETFL) & O_NONBLOCK);
        assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
}

static void test_other_pid_is_not_ours(void **state) {
        (void) state;
        place_fds(connected_socket());
        set_env("1", (long) getpid() + 1);
        assert_int_equal(sd_listen_fds(0), 0);
        assert_int_equal(acquire(), -ENOTCONN); /* and fd 0 is /dev/null */
}

static void test_no_variables(void **state) {
        (void) state;
        place_fds(connected_socket());
        set_env(NULL, 0);
        assert_int_equal(sd_listen_fds(0), 0);
        assert_int_equal(acquire(), -ENOTCONN);
}

static void test_two_fds_refused(void **state) {
        (void) state;
        place_fds(connected_socket());
        move_fd(connected_socket(), 4);
        set_env("2", (long) getpid());
        assert_int_equal(sd_listen_fds(0), 2);
        assert_int_equal(acquire(), -EINVAL);
        close(4);
}

static void test_garbage_pid(void **state) {
        (void) state;
        place_fds(connected_socket());
        setenv("LISTEN_FDS", "1", 1);
        setenv("LISTEN_PID", "12abc", 1);
        assert_true(sd_listen_fds(0) <= 0);
        assert_int_equal(acquire(), -ENOTCONN);
}

static void test_listening_socket_refused(void **state) {
        (void) state;
        place_fds(listening_socket());
        set_env("1", (long) getpid());
        assert_int_equal(sd_listen_fds(0), 1);
        assert_int_equal(sd_is_socket_unix(3, SOCK_STREAM, 1, NULL, 0), 1);
        assert_int_equal(acquire(), -ENOTCONN); /* Accept=no is a configuration error */
}

static void test_inetd_style_stdin(void **state) {
        (void) state;
        int fd = connected_socket();

        set_env(NULL, 0);
        move_fd(fd, 0);
        close(3);
        assert_int_equal(sd_listen_fds(0), 0);
        assert_int_equal(sd_is_socket_unix(0, SOCK_STREAM, 0, NULL, 0), 1);
        assert_int_equal(acquire(), 0);
}

static void test_datagram_stdin_refused(void **state) {
        (void) state;
        int sv[2];

        set_env(NULL, 0);
        assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
        move_fd(sv[0], 0);
        close(sv[1]);
        assert_int_equal(sd_is_socket_unix(0, SOCK_STREAM, -1, NULL, 0), 0);
        assert_int_equal(acquire(), -ENOTCONN);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_accept_yes_connection),
                cmocka_unit_test(test_other_pid_is_not_ours),
                cmocka_unit_test(test_no_variables),
                cmocka_unit_test(test_two_fds_refused),
                cmocka_unit_test(test_garbage_pid),
                cmocka_unit_test(test_listening_socket_refused),
                cmocka_unit_test(test_inetd_style_stdin),
                cmocka_unit_test(test_datagram_stdin_refused),
        };
        return cmocka_run_group_tests_name("activation", tests, NULL, NULL);
}
