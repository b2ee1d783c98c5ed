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

/* glibc reports the files each module watches, in memory the callback
 * owns (nss_files mallocs it); we never cache, so we never watch
 * anything. We keep the pointers for the one request this process lives:
 * memory still referenced is not a leak to LeakSanitizer, which would
 * otherwise report it, and symbolize its stack, at every exit. */
static void *traced_files[64];
static size_t n_traced_files;

static void ignore_traced_file(size_t db _unused_, void *traced_file) {
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
        disable(ignore_traced_file);
}
