/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for passwd, group and INITGROUPS (docs/nscd-protocol.md §3.1, §3.2, §3.5). */
#include "wire_users.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>

#include "macro.h"

int wire_reply_passwd(struct reply *r, const struct passwd *pw) {
        int32_t name_len, passwd_len, gecos_len, dir_len, shell_len;
        int ret;

        if (!pw) {
                const int32_t notfound[PW_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0, -1, -1, 0, 0, 0 };
                wire_set_header(r, notfound, ELEMENTSOF(notfound));
                return 0;
        }

        if (wire_strlen(pw->pw_name, &name_len) < 0 || wire_strlen(pw->pw_passwd, &passwd_len) < 0 ||
            wire_strlen(pw->pw_gecos, &gecos_len) < 0 || wire_strlen(pw->pw_dir, &dir_len) < 0 ||
            wire_strlen(pw->pw_shell, &shell_len) < 0)
                return -E2BIG;

        const char *const strings[] = { pw->pw_name, pw->pw_passwd, pw->pw_gecos, pw->pw_dir, pw->pw_shell };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;

        const int32_t found[PW_HEADER_FIELDS] = {
                NSCD_VERSION, 1,         name_len,         passwd_len, (int32_t) pw->pw_uid,
                (int32_t) pw->pw_gid, gecos_len, dir_len, shell_len,
        };
        wire_set_header(r, found, ELEMENTSOF(found));
        return 0;
}

int wire_reply_group(struct reply *r, const struct group *gr) {
        int32_t name_len, passwd_len;
        size_t count = 0;
        int ret;

        if (!gr) {
                const int32_t notfound[GR_HEADER_FIELDS] = { NSCD_VERSION, 0, 0, 0, -1, 0 };
                wire_set_header(r, notfound, ELEMENTSOF(notfound));
                return 0;
        }

        if (wire_strlen(gr->gr_name, &name_len) < 0 || wire_strlen(gr->gr_passwd, &passwd_len) < 0)
                return -E2BIG;
        while (gr->gr_mem && gr->gr_mem[count])
                count++;
        if (count > INT32_MAX / sizeof(uint32_t))
                return -E2BIG;

        /* Body: member lengths, name, password, then the member strings. */
        for (size_t i = 0; i < count; i++) {
                int32_t len;
                if (wire_strlen(gr->gr_mem[i], &len) < 0)
                        return -E2BIG;
                ret = buf_append(&r->body, &len, sizeof(len));
                if (ret < 0)
                        return ret;
        }
        const char *const strings[] = { gr->gr_name, gr->gr_passwd };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;
        ret = wire_append_strings(&r->body, (const char *const *) gr->gr_mem, count);
        if (ret < 0)
                return ret;

        const int32_t found[GR_HEADER_FIELDS] = {
                NSCD_VERSION, 1, name_len, passwd_len, (int32_t) gr->gr_gid, (int32_t) count,
        };
        wire_set_header(r, found, ELEMENTSOF(found));
        return 0;
}

int wire_reply_initgroups(struct reply *r, const uint32_t *gids, size_t n) {
        int ret;

        if (n > INT32_MAX / sizeof(uint32_t))
                return -E2BIG;
        ret = buf_append(&r->body, gids, n * sizeof(uint32_t));
        if (ret < 0)
                return ret;

        const int32_t header[INITGR_HEADER_FIELDS] = { NSCD_VERSION, n > 0, (int32_t) n };
        wire_set_header(r, header, ELEMENTSOF(header));
        return 0;
}
