/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nss_walk.h"

#include <dlfcn.h>
#include <stddef.h>

#include "log.h"

/* Their prototypes in glibc's nsswitch.h; nss_action_list is a pointer
 * (service_user * before glibc 2.33), which we never look into. */
typedef int lookup2_function(void **ni, const char *fct_name, const char *fct2_name, void **fctp);
typedef int next2_function(void **ni, const char *fct_name, const char *fct2_name, void **fctp,
                           int status, int all_values);
typedef void *lookup_function_function(void *ni, const char *fct_name);

static struct {
        bool resolved;
        lookup2_function *hosts_lookup2;
        next2_function *next2;
        lookup_function_function *lookup_function;
} glibc;

bool nss_walk_available(void) {
        if (!glibc.resolved) {
                glibc.resolved = true;
                *(void **) &glibc.hosts_lookup2 = dlsym(RTLD_DEFAULT, "__nss_hosts_lookup2");
                *(void **) &glibc.next2 = dlsym(RTLD_DEFAULT, "__nss_next2");
                *(void **) &glibc.lookup_function = dlsym(RTLD_DEFAULT, "__nss_lookup_function");
                if (!glibc.hosts_lookup2 || !glibc.next2 || !glibc.lookup_function)
                        log_warning("this glibc lacks __nss_hosts_lookup2, __nss_next2 or "
                                    "__nss_lookup_function; GETAI is left to the clients");
        }
        return glibc.hosts_lookup2 && glibc.next2 && glibc.lookup_function;
}

bool nss_walk_hosts_start(struct nss_walk *w, const char *fct, const char *fct2) {
        void *function = NULL;

        w->position = NULL;
        /* 0: found one; 1 or -1: stopped on a module without either, or
         * (with position still NULL) no hosts database at all. */
        return glibc.hosts_lookup2(&w->position, fct, fct2, &function) == 0 && function;
}

void *nss_walk_function(const struct nss_walk *w, const char *name) {
        return w->position ? glibc.lookup_function(w->position, name) : NULL;
}

enum nss_walk_step nss_walk_next(struct nss_walk *w, const char *fct, const char *fct2,
                                 enum nss_status status) {
        void *before = w->position, *function = NULL;
        int r;

        r = glibc.next2(&w->position, fct, fct2, &function, (int) status, 0);
        if (r == 1)
                return NSS_WALK_RETURN;
        if (r == 0 && function)
                return NSS_WALK_NEXT;
        /* -1: either there was no module after this one, or the walk went
         * on through modules lacking both functions and stopped on one. */
        return w->position == before ? NSS_WALK_END : NSS_WALK_SKIPPED_TO_END;
}
