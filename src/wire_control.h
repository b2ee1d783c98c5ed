/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies to the control requests: INVALIDATE's int32; SHUTDOWN, GETSTAT
 * and GETFD* get none from nssrelay (docs/nscd-protocol.md §4, §5). */
#ifndef NSSRELAY_WIRE_CONTROL_H
#define NSSRELAY_WIRE_CONTROL_H

#include "wire.h"

/* INVALIDATE's reply: a bare int32, 0 or an errno value. */
int wire_reply_invalidate(struct reply *r, int32_t status);

#endif
