/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every file: cleanup attributes, array sizes and
 * the usage exit status. */
#ifndef NSSRELAY_MACRO_H
#define NSSRELAY_MACRO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The exit status of every program here for a bad command line, after a
 * one-line message on stderr (errx(3)). */
#define EXIT_USAGE 2

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* Closes an fd kept in a variable at scope exit, keeping errno intact so
 * error paths can still report what went wrong. */
static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

#endif
