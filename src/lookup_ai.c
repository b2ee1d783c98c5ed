/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hosts, GETAI: every address of every family the hosts modules know, in
 * the order the modules give them; the client filters by family and sorts
 * (RFC 3484) in its own network namespace.
 *
 * The walk is in-process getaddrinfo(AF_UNSPEC)'s, as glibc nscd does it:
 * per module, gethostbyname4_r (all families at once, module order) if it
 * has one, else gethostbyname3_r (or _2_r) for AF_INET6 and then AF_INET;
 * nsswitch.conf's actions decide whether to go on; a success that is told
 * to continue is dropped, as getaddrinfo drops it. The canonical name is
 * glibc nscd's (docs/nscd-protocol.md §3.4): the module's; failing that its
 * getcanonname_r, else the name of a reverse lookup of the first address,
 * else the key.
 *
 * Errors follow what getaddrinfo would return in-process: EAI_AGAIN and
 * EAI_SYSTEM cannot be said over the protocol, so those close without a
 * reply and the client finds them itself (nssrelay(8), "TEMPORARY
 * FAILURES"); EAI_NONAME and EAI_NODATA both become "not found", with
 * h_errno HOST_NOT_FOUND or NO_DATA. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <resolv.h>
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "lookup_hosts.h"
#include "nss_buffer.h"
#include "nss_walk.h"
#include "wire_hosts.h"

/* The module entry points, as glibc's nss.h and nsswitch.h define them. */
typedef enum nss_status gethostbyname4_r_function(const char *name, struct gaih_addrtuple **pat,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop, int32_t *ttlp);
typedef enum nss_status gethostbyname3_r_function(const char *name, int af, struct hostent *host,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop, int32_t *ttlp, char **canonp);
typedef enum nss_status gethostbyname2_r_function(const char *name, int af, struct hostent *host,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop);
typedef enum nss_status getcanonname_r_function(const char *name, char *buffer, size_t buflen,
                                                char **result, int *errnop, int *h_errnop);

/* getaddrinfo's "no data" notes: 0, 1 for NO_DATA, or NO_DATA_AGAIN. */
#define NO_DATA_AGAIN 2

struct ai_lookup {
        const struct request *req;
        const char *name;
        struct buf nss;            /* the modules' buffer */
        struct ai_addresses found; /* this module's addresses */
        struct buf canon;          /* its canonical name; empty: none */
        int errnum, h_error;       /* from the last module call */
        int no_data, no_inet6_data;
        bool ended;                /* getaddrinfo would end with EAI_SYSTEM */
};

/* Keeps a copy of the canonical name. */
static int canon_set(struct ai_lookup *l, const char *name) {
        l->canon.len = 0;
        return buf_append_str(&l->canon, name);
}

/* gethostbyname4_r, as an nss_call. */
struct gethostbyname4_call {
        struct ai_lookup *l;
        gethostbyname4_r_function *fct;
        struct gaih_addrtuple *at;
        enum nss_status status;
};

static int call_gethostbyname4(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct gethostbyname4_call *c = ctx;
        struct ai_lookup *l = c->l;

        c->at = NULL;
        l->errnum = l->h_error = 0;
        c->status = c->fct(l->name, &c->at, buffer, size, &l->errnum, &l->h_error, NULL);
        /* ERANGE comes as TRYAGAIN with h_errno NETDB_INTERNAL (or TRY_AGAIN
         * in some modules, which glibc nscd accepts too). */
        return c->status == NSS_STATUS_TRYAGAIN && l->errnum == ERANGE &&
                               (l->h_error == NETDB_INTERNAL || l->h_error == TRY_AGAIN)
                       ? ERANGE
                       : 0;
}

/* One module through gethostbyname4_r. Returns 0 with its status, or a
 * negative errno that ends the lookup (-E2BIG: logged). */
static int from_gethostbyname4(struct ai_lookup *l, gethostbyname4_r_function *fct, enum nss_status *status) {
        struct gethostbyname4_call c = { .l = l, .fct = fct };
        int r;

        r = nss_call_growing(l->req, &l->nss, call_gethostbyname4, &c);
        if (r < 0)
                return r;
        *status = c.status;
        if (c.status != NSS_STATUS_SUCCESS) {
                l->no_data = l->h_error == TRY_AGAIN ? NO_DATA_AGAIN : l->h_error == NO_DATA;
                l->no_inet6_data = l->no_data;
                return 0;
        }

        for (const struct gaih_addrtuple *t = c.at; t; t = t->next) {
                /* Only these two fit the protocol (and getaddrinfo). */
                if (t->family != AF_INET && t->family != AF_INET6)
                        continue;
                r = ai_addresses_add(&l->found, t->family, t->addr);
                if (r < 0)
                        return r;
        }
        if (c.at && c.at->name && (r = canon_set(l, c.at->name)) < 0)
                return r;
        l->no_data = l->no_inet6_data = ai_addresses_count(&l->found) == 0;
        return 0;
}

/* gethostbyname3_r, or _2_r where a module lacks it, as an nss_call. */
struct gethostbyname3_call {
        struct ai_lookup *l;
        void *fct;
        bool has_canon; /* fct is gethostbyname3_r */
        int family;
        struct hostent he;
        char *canon;
        enum nss_status status;
};

static int call_gethostbyname3(void *ctx, char *buffer, size_t size, size_t *need _unused_) {
        struct gethostbyname3_call *c = ctx;
        struct ai_lookup *l = c->l;

        l->errnum = l->h_error = 0;
        if (c->has_canon)
                c->status = ((gethostbyname3_r_function *) c->fct)(l->name, c->family, &c->he, buffer, size,
                                                                   &l->errnum, &l->h_error, NULL, &c->canon);
        else
                c->status = ((gethostbyname2_r_function *) c->fct)(l->name, c->family, &c->he, buffer, size,
                                                                   &l->errnum, &l->h_error);
        return c->status == NSS_STATUS_TRYAGAIN && l->errnum == ERANGE && l->h_error == NETDB_INTERNAL ? ERANGE
                                                                                                     : 0;
}

/* One family through gethostbyname3_r or _2_r. Returns 0 with its status
 * and no-data note, l->ended set on a failure that ends the whole lookup
 * (getaddrinfo's EAI_SYSTEM); or a negative errno (-E2BIG: logged). */
static int from_gethostbyname3(struct ai_lookup *l, void *fct, bool has_canon, int family,
                               enum nss_status *status, int *no_data) {
        struct gethostbyname3_call c = { .l = l, .fct = fct, .has_canon = has_canon, .family = family };
        int r;

        r = nss_call_growing(l->req, &l->nss, call_gethostbyname3, &c);
        if (r < 0)
                return r;
        *status = c.status;
        *no_data = 0;
        if (c.status != NSS_STATUS_SUCCESS) {
                if (l->h_error == NETDB_INTERNAL)
                        l->ended = true;
                else
                        *no_data = l->h_error == TRY_AGAIN ? NO_DATA_AGAIN : l->h_error == NO_DATA;
                return 0;
        }

        if (c.he.h_length != (family == AF_INET ? 4 : 16)) {
                /* Not what was asked for; getaddrinfo cannot use it either. */
                l->h_error = NETDB_INTERNAL;
                l->ended = true;
                return 0;
        }
        for (size_t i = 0; c.he.h_addr_list && c.he.h_addr_list[i]; i++) {
                r = ai_addresses_add(&l->found, family, c.he.h_addr_list[i]);
                if (r < 0)
                        return r;
        }
        if (c.canon && l->canon.len == 0)
                return canon_set(l, c.canon);
        return 0;
}

/* glibc nscd's canonical name when the module gave none. */
static int find_canon(struct ai_lookup *l, getcanonname_r_function *cfct, bool have_v4) {
        if (cfct) {
                char *s = NULL;
                int errnum = 0, h_error = 0;

                if (cfct(l->name, (char *) l->nss.data, l->nss.cap, &s, &errnum, &h_error) ==
                            NSS_STATUS_SUCCESS &&
                    s)
                        return canon_set(l, s);
                return canon_set(l, l->name);
        }

        /* A reverse lookup of the first IPv4 address if the module said
         * it found any, else of the first IPv6 address. A module may
         * claim success for a family and return no address of it, or
         * none at all: take only an address that is there, and with none
         * ask nothing (never a reverse lookup of bytes no module wrote). */
        const uint8_t *families = l->found.families.data, *addr = l->found.addrs.data;
        size_t n = ai_addresses_count(&l->found), pick = n;
        struct hosts_call c = { .by_addr = true };
        int r;

        for (size_t i = 0; have_v4 && i < n && pick == n; i++)
                if (families[i] == AF_INET)
                        pick = i;
        for (size_t i = 0; i < n && pick == n; i++)
                if (families[i] == AF_INET6)
                        pick = i;
        if (pick == n)
                return 0; /* no address: the client uses its query */
        c.family = families[pick];
        for (size_t i = 0; i < pick; i++) /* packed: 4 bytes for AF_INET, 16 for AF_INET6 */
                addr += families[i] == AF_INET ? 4 : 16;
        c.key = addr;
        r = nss_call_growing(l->req, &l->nss, hosts_call, &c);
        if (r < 0)
                return r;
        if (c.rc != 0)
                return 0; /* no canonical name: the client uses its query */
        return canon_set(l, c.result ? c.result->h_name : l->name);
}

/* One module through gethostbyname3_r or _2_r, for AF_INET6 and then
 * AF_INET, as from_gethostbyname4() does with one call. */
static int from_gethostbyname3_module(struct ai_lookup *l, const struct nss_walk *w, enum nss_status *status) {
        void *fct = nss_walk_function(w, "gethostbyname3_r");
        bool has_canon = fct != NULL;
        enum nss_status s6 = NSS_STATUS_UNAVAIL, s4 = NSS_STATUS_UNAVAIL;
        int r;

        *status = NSS_STATUS_UNAVAIL;
        if (!fct)
                fct = nss_walk_function(w, "gethostbyname2_r");
        if (!fct) {
                /* The walk only stops on modules with one of them. */
                l->h_error = NETDB_INTERNAL;
                l->errnum = EBUSY;
                return 0;
        }

        r = from_gethostbyname3(l, fct, has_canon, AF_INET6, &s6, &l->no_inet6_data);
        if (r < 0 || l->ended)
                return r;
        r = from_gethostbyname3(l, fct, has_canon, AF_INET, &s4, &l->no_data);
        if (r < 0 || l->ended)
                return r;

        if (s6 == NSS_STATUS_SUCCESS || s4 == NSS_STATUS_SUCCESS) {
                if (l->canon.len == 0) {
                        r = find_canon(l, (getcanonname_r_function *) nss_walk_function(w, "getcanonname_r"),
                                       s4 == NSS_STATUS_SUCCESS);
                        if (r < 0)
                                return r;
                }
                *status = NSS_STATUS_SUCCESS;
        } else if (s6 == NSS_STATUS_TRYAGAIN)
                /* Two outcomes, one status: getaddrinfo's choice. */
                *status = NSS_STATUS_TRYAGAIN;
        else if (s4 == NSS_STATUS_UNAVAIL && s6 != NSS_STATUS_UNAVAIL)
                *status = s6;
        else
                *status = s4;
        return 0;
}

static enum nss_status clamp_status(enum nss_status s) {
        /* __nss_next2 aborts the process on anything else. */
        return s < NSS_STATUS_TRYAGAIN || s > NSS_STATUS_RETURN ? NSS_STATUS_UNAVAIL : s;
}

enum outcome lookup_ai(const struct request *req, const struct peer *peer _unused_, struct reply *reply) {
        uint8_t nss_storage[NSS_BUFFER_INITIAL], addrs_storage[1024], families_storage[64],
                canon_storage[256];
        struct ai_lookup l = { .req = req, .name = req->key };
        enum nss_status status = NSS_STATUS_UNAVAIL;
        struct nss_walk w;
        enum outcome o;
        int r = 0;

        if (!nss_walk_available())
                return lookup_unserved(req, peer, reply);

        buf_init(&l.nss, nss_storage, sizeof(nss_storage), NSS_BUFFER_MAX);
        buf_init(&l.found.addrs, addrs_storage, sizeof(addrs_storage), REPLY_BODY_MAX);
        buf_init(&l.found.families, families_storage, sizeof(families_storage), REPLY_BODY_MAX);
        buf_init(&l.canon, canon_storage, sizeof(canon_storage), REPLY_BODY_MAX);

        /* getaddrinfo and glibc nscd take a resolver context first, which
         * also reads host.conf: without its "multi on", files stops at
         * the first matching line. res_init() is the public way there. */
        if (res_init() < 0)
                log_debug("res_init failed: %m");

        if (!nss_walk_hosts_start(&w, "gethostbyname4_r", "gethostbyname2_r")) {
                /* No module can answer: getaddrinfo says EAI_SYSTEM. */
                l.h_error = NETDB_INTERNAL;
                l.ended = true;
        }

        while (!l.ended) {
                /* A success the actions told us to pass over is dropped. */
                ai_addresses_clear(&l.found);
                l.canon.len = 0;
                l.no_data = 0;

                gethostbyname4_r_function *fct4 = nss_walk_function(&w, "gethostbyname4_r");
                if (fct4)
                        r = from_gethostbyname4(&l, fct4, &status);
                else
                        r = from_gethostbyname3_module(&l, &w, &status);
                if (r < 0 || l.ended)
                        break;

                status = clamp_status(status);
                enum nss_walk_step step = nss_walk_next(&w, "gethostbyname4_r", "gethostbyname2_r", status);
                if (step == NSS_WALK_NEXT)
                        continue;
                if (step == NSS_WALK_SKIPPED_TO_END) {
                        /* getaddrinfo ends on a module it could not use. */
                        status = NSS_STATUS_UNAVAIL;
                        l.h_error = NETDB_INTERNAL;
                }
                break;
        }

        if (r < 0)
                o = outcome_from_error(r);
        else if (status == NSS_STATUS_SUCCESS && !l.ended && ai_addresses_count(&l.found) > 0)
                o = outcome_of_reply(
                        wire_reply_ai(reply, &l.found, l.canon.len > 0 ? (const char *) l.canon.data : NULL), true);
        else if (l.ended || ((status == NSS_STATUS_TRYAGAIN || status == NSS_STATUS_UNAVAIL) &&
                             l.h_error == NETDB_INTERNAL))
                o = hosts_temporary_failure(req, l.errnum, NETDB_INTERNAL); /* EAI_SYSTEM */
        else if (l.no_data == NO_DATA_AGAIN && l.no_inet6_data == NO_DATA_AGAIN)
                o = hosts_temporary_failure(req, l.errnum, TRY_AGAIN); /* EAI_AGAIN */
        else {
                /* EAI_NODATA: the name is known, without addresses. */
                int h_error = l.no_data && l.no_inet6_data ? NO_DATA
                              : l.h_error > 0             ? l.h_error
                                                          : HOST_NOT_FOUND;
                o = outcome_of_reply(wire_reply_ai_not_found(reply, h_error), false);
        }

        buf_free(&l.nss);
        buf_free(&l.found.addrs);
        buf_free(&l.found.families);
        buf_free(&l.canon);
        return o;
}
