/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* For the test NSS modules: one value of a /proc status file, as the
 * module sees it from inside a lookup. */
#ifndef NSSRELAY_TESTS_PROC_STATUS_H
#define NSSRELAY_TESTS_PROC_STATUS_H

#include <stdio.h>
#include <string.h>

/* The value of the "key:" line of the file at path, or "?". */
static inline void proc_status_value(const char *path, const char *key, char *out, size_t size) {
        char line[512];
        FILE *f = fopen(path, "re");
        size_t k = strlen(key);

        snprintf(out, size, "?");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, key, k) == 0 && line[k] == ':') {
                        char *v = line + k + 1;
                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = '\0';
                        snprintf(out, size, "%s", v);
                        break;
                }
        if (f)
                fclose(f);
}

#endif
