/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nss_setup.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "macro.h"

/* glibc's own nscd calls __nss_disable_nscd(), a GLIBC_PRIVATE function,
 * to the same end. Looking it up at run time keeps us working with a
 * glibc that lacks it (built without nscd support: then it has no client
 * to disable either) and does not pin a glibc version at link time. */
typedef void traced_file_callback(size_t db, void *traced_file);
typedef void disable_nscd_function(traced_file_callback *cb);

/* glibc reports the files each module watches; we never cache, so we
 * never watch anything. Some reports are static, others (nss_files')
 * are malloc()ed for the caller to keep, as glibc nscd does; we cannot
 * tell them apart, so we keep every one: dropping the heap ones would be
 * leaks that valgrind and LSan rightly report. */
static void *volatile traced_files[64]; /* volatile: stores nothing reads must stay */
static size_t n_traced_files;

static void keep_traced_file(size_t db _unused_, void *traced_file) {
        if (n_traced_files < ELEMENTSOF(traced_files))
                traced_files[n_traced_files++] = traced_file;
}

void nss_setup_disable_nscd_client(void) {
        static bool done; /* once is enough; the fuzzer serves many requests */
        disable_nscd_function *disable;

        if (done)
                return;
        done = true;

        *(void **) &disable = dlsym(RTLD_DEFAULT, "__nss_disable_nscd");
        if (!disable) {
                log_debug("__nss_disable_nscd not found: this glibc has no nscd client");
                return;
        }
        disable(keep_traced_file);
}
