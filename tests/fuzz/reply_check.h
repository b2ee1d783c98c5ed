/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fuzzers' oracle: is this what glibc's client can read in full?
 *
 * glibc's client reads exactly the lengths a reply header announces; a
 * body shorter than announced is a hard ENOENT (or EAI_SYSTEM) in the
 * application, extra bytes or a missing NUL an overread
 * (docs/nscd-protocol.md §1.5, §3). The check follows those layouts, for every
 * request type, independently of the code that builds the replies. */
#ifndef NSSRELAY_REPLY_CHECK_H
#define NSSRELAY_REPLY_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* NULL when 'bytes' (everything sent before the connection closed, 'len'
 * > 0) is one complete, consistent reply to a request of 'type' and
 * nothing more; else what is wrong. */
const char *reply_check(enum request_type type, const uint8_t *bytes, size_t len);

#endif
