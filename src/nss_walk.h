/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Walking one NSS database module by module, with glibc's own reading of
 * nsswitch.conf: its module list, its [STATUS=ACTION] items, and its
 * built-in files and dns modules (libc itself from glibc 2.34 on).
 *
 * GETAI needs this: glibc nscd asks each hosts module for all address
 * families at once (gethostbyname4_r) and keeps the module's order, which
 * no public glibc call gives without also sorting the result by RFC 3484
 * in the server. glibc exports the walk it uses for its own getXXbyYY_r
 * front ends only as GLIBC_PRIVATE symbols, so they are looked up at run
 * time; without them nss_walk_available() is false. */
#ifndef NSSRELAY_NSS_WALK_H
#define NSSRELAY_NSS_WALK_H

#include <nss.h>
#include <stdbool.h>

struct nss_walk {
        void *position; /* glibc's nss_action_list: opaque to us */
};

/* Resolves the glibc functions once; false if this glibc lacks them. */
bool nss_walk_available(void);

/* Starts on the first hosts module that has fct or fct2, skipping the
 * others while their UNAVAIL action says continue, as glibc does.
 * Returns true when it stopped on a module that has one of them. */
bool nss_walk_hosts_start(struct nss_walk *w, const char *fct, const char *fct2);

/* The current module's function 'name', or NULL. */
void *nss_walk_function(const struct nss_walk *w, const char *name);

enum nss_walk_step {
        NSS_WALK_NEXT,      /* moved on to a module with fct or fct2 */
        NSS_WALK_RETURN,    /* the action for 'status' says return */
        NSS_WALK_END,       /* this was the last module */
        NSS_WALK_SKIPPED_TO_END, /* later modules lacked fct and fct2 */
};

/* Moves on as the current module's action for 'status' says. */
enum nss_walk_step nss_walk_next(struct nss_walk *w, const char *fct, const char *fct2,
                                 enum nss_status status);

#endif
