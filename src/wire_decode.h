/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies as text, for `nssrelay query`: pure decoding, no I/O.
 *
 * The decoder trusts nothing: every count and length is checked against
 * the bytes that arrived before anything is read. */
#ifndef NSSRELAY_WIRE_DECODE_H
#define NSSRELAY_WIRE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Appends a description of the reply to 'type' in bytes[0..len) to out,
 * one "field: value" line each; strings are printed with C-style escapes
 * for anything unprintable. len must be > 0 (no reply is the caller's
 * case). Returns 0; -EBADMSG when the reply is short or inconsistent (the
 * text then ends with a line saying so); -E2BIG or -ENOMEM when out is
 * full. */
int wire_describe_reply(enum request_type type, const uint8_t *bytes, size_t len, struct buf *out);

/* What the found field means, e.g. "not found". */
const char *wire_found_meaning(int32_t found);

#endif
