/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for the passwd and group databases. */
#ifndef NSSRELAY_WIRE_USERS_H
#define NSSRELAY_WIRE_USERS_H

#include "wire.h"

struct passwd;
struct group;

int wire_reply_passwd(struct reply *r, const struct passwd *pw); /* NULL: not found */
int wire_reply_group(struct reply *r, const struct group *gr);   /* NULL: not found */
/* Supplementary gids for INITGROUPS; n == 0 is glibc nscd's not found. */
int wire_reply_initgroups(struct reply *r, const uint32_t *gids, size_t n);

#endif
