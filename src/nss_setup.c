#include "nss_setup.h"

#include <dlfcn.h>
#include <stddef.h>

#include "log.h"
#include "macro.h"

/* glibc's own nscd calls __nss_disable_nscd(), a GLIBC_PRIVATE function,
 * to the same end. Looking it up at run time keeps us working with a
 * glibc that lacks it (built without nscd support: then it has no client
 * to disable either) and does not pin a glibc version at link time. */
typedef void traced_file_callback(size_t db, void *traced_file);
typedef void disable_nscd_function(traced_file_callback *cb);

/* glibc hands over one record per file that nscd would watch. We never
 * cache, so we watch nothing; but some records are static and some are
 * malloc'ed, and glibc's nscd keeps them all for good, so neither may be
 * freed. Keeping the pointers keeps the records reachable, which is what
 * leak checkers want, for the few milliseconds this process lives. */
static void *traced_files[64];
static size_t n_traced_files;

static void keep_traced_file(size_t db _unused_, void *traced_file) {
        if (n_traced_files < ELEMENTSOF(traced_files))
                traced_files[n_traced_files++] = traced_file;
}

void nss_setup_disable_nscd_client(void) {
        disable_nscd_function *disable;

        *(void **) &disable = dlsym(RTLD_DEFAULT, "__nss_disable_nscd");
        if (!disable) {
                log_debug("__nss_disable_nscd not found: this glibc has no nscd client");
                return;
        }
        disable(keep_traced_file);
}
