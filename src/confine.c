/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "confine.h"

#include "macro.h"

int confine_lookup(const struct peer *peer _unused_, const struct serve_options *opts _unused_,
                   const char *what _unused_) {
        return 0;
}
