/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libFuzzer entry points each target defines (fuzz_wire.c,
 * fuzz_connection.c), and what the targets share. The same targets are
 * linked either with libFuzzer (`make fuzz`, clang) or with replay.c,
 * which runs them once over the seed corpus in `make check`. */
#ifndef NSSRELAY_FUZZ_H
#define NSSRELAY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: a target defines it only if it needs set-up. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Reports a finding and aborts, which libFuzzer records as a crash. */
__attribute__((noreturn)) static inline void fuzz_fail(const char *what, const char *detail) {
        fprintf(stderr, "fuzz finding: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
        abort();
}

#endif
