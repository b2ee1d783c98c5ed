/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies as text, for `nssrelay query`: pure decoding, no I/O.
 *
 * Each family's describer sits beside its builders in wire_<family>.c
 * and is reached through its struct wire_family; this file has what
 * they share. A describer trusts nothing: every count and length is
 * checked against the bytes that arrived before anything is read. */
#ifndef NSSRELAY_WIRE_DECODE_H
#define NSSRELAY_WIRE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
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

/* For describers: the bytes of a reply not yet decoded. */
struct wire_reader {
        const uint8_t *p;
        size_t left;
};

/* Takes the next n bytes into 'to', or the next n bytes as a reader of
 * their own into 'part'; false, taking nothing, when fewer are left. */
bool wire_take(struct wire_reader *rd, void *to, size_t n);
bool wire_take_part(struct wire_reader *rd, size_t n, struct wire_reader *part);
/* Whether count items of 'each' bytes fit in what is left (count >= 0). */
bool wire_count_fits(const struct wire_reader *rd, int32_t count, size_t each);

/* Each of these appends to out and returns 0, or -E2BIG or -ENOMEM when
 * out is full. */
int describe_printf(struct buf *out, const char *fmt, ...) _printf_(2, 3);
/* "label: text" with unprintable bytes, quotes and backslashes escaped. */
int describe_string(struct buf *out, const char *label, const char *s, size_t len);
/* Appends s with C-style escapes for anything unprintable, backslashes
 * and the bytes in 'special' (terminal escapes never reach the screen). */
int describe_escaped(struct buf *out, const char *s, size_t len, const char *special);
/* "label: address" for an AF_INET or AF_INET6 address. */
int describe_address(struct buf *out, const char *label, int family, const uint8_t *addr);
/* Says what is wrong with the reply; returns -EBADMSG (or out's error). */
int describe_malformed(struct buf *out, const char *fmt, ...) _printf_(2, 3);

/* Takes a reply header of 'size' bytes (a <family>_reply_header named
 * 'what' in messages) into 'header' and describes its version (if not 2)
 * and found field. Returns 1 when an entry follows (found 1), 0 when none
 * does, or a negative errno (-EBADMSG: shorter than the header). */
int describe_header(struct wire_reader *rd, void *header, size_t size, const char *what, struct buf *out);
/* "label: text" for the next counted string of len bytes, its NUL last. */
int describe_counted(struct buf *out, struct wire_reader *rd, int32_t len, const char *label);
/* Takes the int32 length array of count counted strings (group members,
 * host or service aliases) into a reader of its own; -EBADMSG, described
 * as "<what> count larger than the reply", when the reply is shorter. */
int describe_take_lengths(struct wire_reader *rd, int32_t count, struct wire_reader *lens, const char *what,
                          struct buf *out);
/* "label: text" for each of count strings whose int32 lengths are in
 * lens, the strings themselves in rd. */
int describe_strings(struct buf *out, struct wire_reader *lens, struct wire_reader *rd, int32_t count,
                     const char *label);

#endif
