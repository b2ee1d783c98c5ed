/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A hosts NSS module for tests: answers files and dns cannot give.
 *
 * Built twice (see Makefile.am):
 * - libnss_hoststest.so.2: gethostbyname3_r, gethostbyname2_r and
 *   getcanonname_r, but no gethostbyname4_r, so GETAI takes the per-family
 *   path (AF_INET6, then AF_INET) for it;
 * - libnss_hoststestb.so.2 (HOSTSTEST_B): gethostbyname2_r only, so the
 *   canonical name comes from a reverse lookup.
 *
 * Names of the first module:
 *   dual.hoststest    2001:db8::70, 2001:db8::71, 192.0.2.70; canonical
 *                     name canonical.hoststest from gethostbyname3_r
 *   v4.hoststest      192.0.2.72; no canonical name from gethostbyname3_r
 *                     (getcanonname_r says canon-of-v4.hoststest)
 *   big.hoststest     150 IPv4 addresses and 120 aliases of 200 bytes:
 *                     more than 16 KiB, so callers must grow their buffer
 *   nodata.hoststest  NOTFOUND with NO_DATA
 *   again.hoststest   TRYAGAIN with TRY_AGAIN (a name server timing out)
 *   broken.hoststest  UNAVAIL with NETDB_INTERNAL, errno ENOENT
 *   whoami.hoststest  192.0.2.90 (IPv4 only), with aliases that report
 *                     the process the module runs in:
 *                     capeff-HEX and capprm-HEX (its CapEff and CapPrm),
 *                     netns-INODE (its network namespace) and
 *                     resolv-BYTES (the size of /etc/resolv.conf)
 * Names of the second:
 *   plain.hoststestb  192.0.2.80 and 2001:db8::80
 *   norev.hoststestb  2001:db8::81
 *   many6.hoststestb  64 IPv6 addresses 2001:db8:6::N, and an AF_INET
 *                     "success" without any address
 *   empty.hoststestb  "success" without any address for both families;
 *                     from then on the second module's gethostbyaddr_r
 *                     answers every address with the name
 *                     reversed-nothing.hoststestb, so that a reverse
 *                     lookup without an address shows
 * Anything else is NOTFOUND with HOST_NOT_FOUND. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "proc_status.h"

#ifdef HOSTSTEST_B
#define MODULE(f) _nss_hoststestb_##f
#else
#define MODULE(f) _nss_hoststest_##f
#endif

enum nss_status MODULE(gethostbyname2_r)(const char *name, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop);
#ifdef HOSTSTEST_B
enum nss_status MODULE(gethostbyaddr_r)(const void *addr, socklen_t len, int af, struct hostent *host,
                                        char *buffer, size_t buflen, int *errnop, int *h_errnop);
/* Set by a lookup of empty.hoststestb. */
static int reverse_trap;
#else
enum nss_status MODULE(gethostbyname3_r)(const char *name, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp,
                                         char **canonp);
enum nss_status MODULE(getcanonname_r)(const char *name, char *buffer, size_t buflen, char **result,
                                       int *errnop, int *h_errnop);
#endif

#define MAX_ADDRS 150
#define MAX_ALIASES 120
#define BIG_ALIAS_LEN 200

struct entry {
        const char *name;    /* h_name */
        const char *v6[3];
        const char *v4[3];
        const char *alias;   /* one alias, or NULL */
        const char *canon;   /* what gethostbyname3_r puts in *canonp */
};

static const struct entry entries[] = {
#ifndef HOSTSTEST_B
        { "dual.hoststest", { "2001:db8::70", "2001:db8::71" }, { "192.0.2.70" }, "dual-alias",
          "canonical.hoststest" },
        { "v4.hoststest", { NULL }, { "192.0.2.72" }, NULL, NULL },
#else
        { "plain.hoststestb", { "2001:db8::80" }, { "192.0.2.80" }, NULL, NULL },
        { "norev.hoststestb", { "2001:db8::81" }, { NULL }, NULL, NULL },
#endif
};

/* Carves n bytes, aligned for pointers, off the caller's buffer. */
static void *carve(char **p, size_t *left, size_t n) {
        uintptr_t pad = (-(uintptr_t) *p) % sizeof(void *);
        void *r;

        if (*left < pad || *left - pad < n)
                return NULL;
        r = *p + pad;
        *p += pad + n;
        *left -= pad + n;
        return r;
}

static enum nss_status too_small(int *errnop, int *h_errnop) {
        *errnop = ERANGE;
        *h_errnop = NETDB_INTERNAL;
        return NSS_STATUS_TRYAGAIN;
}

static enum nss_status fill(struct hostent *host, char *buffer, size_t buflen, int *errnop, int *h_errnop,
                            const char *name, int af, const char *const *texts, size_t naddrs,
                            const char *const *aliases, size_t naliases) {
        size_t width = af == AF_INET ? 4 : 16;
        char *p = buffer, **addr_list, **alias_list, *s;
        size_t left = buflen;

        addr_list = carve(&p, &left, (naddrs + 1) * sizeof(char *));
        alias_list = carve(&p, &left, (naliases + 1) * sizeof(char *));
        if (!addr_list || !alias_list)
                return too_small(errnop, h_errnop);
        for (size_t i = 0; i < naddrs; i++) {
                addr_list[i] = carve(&p, &left, width);
                if (!addr_list[i])
                        return too_small(errnop, h_errnop);
                if (texts) {
                        inet_pton(af, texts[i], addr_list[i]);
                } else { /* big.hoststest: 198.51.100.i */
                        const unsigned char v4[4] = { 198, 51, 100, (unsigned char) i };
                        memcpy(addr_list[i], v4, 4);
                }
        }
        addr_list[naddrs] = NULL;
        for (size_t i = 0; i < naliases; i++) {
                size_t len = aliases ? strlen(aliases[i]) + 1 : BIG_ALIAS_LEN + 1;
                s = carve(&p, &left, len);
                if (!s)
                        return too_small(errnop, h_errnop);
                if (aliases) {
                        memcpy(s, aliases[i], len);
                } else { /* big.hoststest: "000aaa...", "001bbb...", 200 characters */
                        memset(s, 'a' + (char) (i % 26), BIG_ALIAS_LEN);
                        s[0] = (char) ('0' + i / 100);
                        s[1] = (char) ('0' + i / 10 % 10);
                        s[2] = (char) ('0' + i % 10);
                        s[BIG_ALIAS_LEN] = '\0';
                }
                alias_list[i] = s;
        }
        alias_list[naliases] = NULL;
        s = carve(&p, &left, strlen(name) + 1);
        if (!s)
                return too_small(errnop, h_errnop);
        memcpy(s, name, strlen(name) + 1);

        host->h_name = s;
        host->h_aliases = alias_list;
        host->h_addrtype = af;
        host->h_length = (int) width;
        host->h_addr_list = addr_list;
        return NSS_STATUS_SUCCESS;
}

#ifndef HOSTSTEST_B
static enum nss_status whoami(struct hostent *host, char *buffer, size_t buflen, int *errnop, int *h_errnop,
                              const char *name) {
        static const char *const v4[] = { "192.0.2.90" };
        char eff[64], prm[64], a0[80], a1[80], a2[80], a3[80];
        const char *aliases[4] = { a0, a1, a2, a3 };
        struct stat st;

        proc_status_value("/proc/self/status", "CapEff", eff, sizeof(eff));
        proc_status_value("/proc/self/status", "CapPrm", prm, sizeof(prm));
        snprintf(a0, sizeof(a0), "capeff-%s", eff);
        snprintf(a1, sizeof(a1), "capprm-%s", prm);
        if (stat("/proc/self/ns/net", &st) == 0)
                snprintf(a2, sizeof(a2), "netns-%llu", (unsigned long long) st.st_ino);
        else
                snprintf(a2, sizeof(a2), "netns-?");
        if (stat("/etc/resolv.conf", &st) == 0)
                snprintf(a3, sizeof(a3), "resolv-%lld", (long long) st.st_size);
        else
                snprintf(a3, sizeof(a3), "resolv-?");
        return fill(host, buffer, buflen, errnop, h_errnop, name, AF_INET, v4, 1, aliases, 4);
}
#endif

static enum nss_status lookup(const char *name, int af, struct hostent *host, char *buffer, size_t buflen,
                              int *errnop, int *h_errnop, char **canonp) {
        if (af != AF_INET && af != AF_INET6) {
                *errnop = EAFNOSUPPORT;
                *h_errnop = NETDB_INTERNAL;
                return NSS_STATUS_UNAVAIL;
        }
#ifdef HOSTSTEST_B
        if (strcmp(name, "many6.hoststestb") == 0 || strcmp(name, "empty.hoststestb") == 0) {
                static char v6[64][32];
                const char *texts[64];
                size_t n = af == AF_INET6 && name[0] == 'm' ? 64 : 0;

                reverse_trap |= name[0] == 'e';
                for (size_t i = 0; i < n; i++) {
                        snprintf(v6[i], sizeof(v6[i]), "2001:db8:6::%zx", i);
                        texts[i] = v6[i];
                }
                return fill(host, buffer, buflen, errnop, h_errnop, name, af, texts, n, NULL, 0);
        }
#else
        if (strcmp(name, "again.hoststest") == 0) {
                *errnop = EAGAIN;
                *h_errnop = TRY_AGAIN;
                return NSS_STATUS_TRYAGAIN;
        }
        if (strcmp(name, "broken.hoststest") == 0) {
                *errnop = ENOENT;
                *h_errnop = NETDB_INTERNAL;
                return NSS_STATUS_UNAVAIL;
        }
        if (strcmp(name, "nodata.hoststest") == 0) {
                *h_errnop = NO_DATA;
                return NSS_STATUS_NOTFOUND;
        }
        if (strcmp(name, "whoami.hoststest") == 0) {
                if (af != AF_INET) {
                        *h_errnop = NO_DATA;
                        return NSS_STATUS_NOTFOUND;
                }
                return whoami(host, buffer, buflen, errnop, h_errnop, name);
        }
        if (strcmp(name, "big.hoststest") == 0) {
                if (af != AF_INET) {
                        *h_errnop = NO_DATA;
                        return NSS_STATUS_NOTFOUND;
                }
                return fill(host, buffer, buflen, errnop, h_errnop, name, af, NULL, MAX_ADDRS, NULL,
                            MAX_ALIASES);
        }
#endif
        for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
                const struct entry *e = &entries[i];
                const char *const *texts = af == AF_INET ? e->v4 : e->v6;
                size_t n = 0;

                if (strcasecmp(name, e->name) != 0)
                        continue;
                while (n < 3 && texts[n])
                        n++;
                if (n == 0) {
                        *h_errnop = NO_DATA;
                        return NSS_STATUS_NOTFOUND;
                }
                enum nss_status s = fill(host, buffer, buflen, errnop, h_errnop, e->name, af, texts, n,
                                         e->alias ? &e->alias : NULL, e->alias ? 1 : 0);
                if (s == NSS_STATUS_SUCCESS && canonp && e->canon)
                        *canonp = (char *) e->canon;
                return s;
        }
        *h_errnop = HOST_NOT_FOUND;
        return NSS_STATUS_NOTFOUND;
}

enum nss_status MODULE(gethostbyname2_r)(const char *name, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop) {
        return lookup(name, af, host, buffer, buflen, errnop, h_errnop, NULL);
}

#ifdef HOSTSTEST_B
enum nss_status MODULE(gethostbyaddr_r)(const void *addr, socklen_t len, int af, struct hostent *host,
                                        char *buffer, size_t buflen, int *errnop, int *h_errnop) {
        static const char *const none[] = { NULL };

        (void) addr;
        (void) len;
        if (!reverse_trap) {
                *h_errnop = HOST_NOT_FOUND;
                return NSS_STATUS_NOTFOUND;
        }
        /* To the server's log: the test looks for it there. */
        fprintf(stderr, "hoststestb: a reverse lookup after empty.hoststestb\n");
        return fill(host, buffer, buflen, errnop, h_errnop, "reversed-nothing.hoststestb", af, none, 0, NULL, 0);
}
#else
enum nss_status MODULE(gethostbyname3_r)(const char *name, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp,
                                         char **canonp) {
        if (ttlp)
                *ttlp = 0;
        return lookup(name, af, host, buffer, buflen, errnop, h_errnop, canonp);
}

enum nss_status MODULE(getcanonname_r)(const char *name, char *buffer, size_t buflen, char **result,
                                       int *errnop, int *h_errnop) {
        int n;

        if (strcasecmp(name, "v4.hoststest") != 0) {
                *h_errnop = HOST_NOT_FOUND;
                return NSS_STATUS_NOTFOUND;
        }
        n = snprintf(buffer, buflen, "canon-of-%s", name);
        if (n < 0 || (size_t) n >= buflen)
                return too_small(errnop, h_errnop);
        *result = buffer;
        return NSS_STATUS_SUCCESS;
}
#endif
