/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "netns.h"

#include "macro.h"

int netns_enter_client(int fd _unused_, const struct peer *peer _unused_, const char *what _unused_) {
        return 0;
}
