/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "confine.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"

/* Until confinement proper lands (issue 11), this only drops every
 * capability the unit grants for entering the client's network namespace
 * (netns.c), and sets no_new_privs so that no exec by a module regains
 * them: no NSS code may ever run with a capability. */
int confine_lookup(const struct peer *peer _unused_, const struct serve_options *opts _unused_,
                   const char *what) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (syscall(SYS_capset, &h, d) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                int r = -errno;
                log_error("%s: cannot drop capabilities: %m; closing", what);
                return r;
        }
        return 0;
}
