/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replies for passwd, group and INITGROUPS (docs/nscd-protocol.md §3.1,
 * §3.2, §3.5): their layouts, builders and decoders. */
#include "wire_users.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>

#include "macro.h"
#include "wire_decode.h"

/* Body: name, passwd, gecos, dir, shell, each with its NUL. */
struct passwd_reply_header {
        int32_t version;
        int32_t found;
        int32_t name_len;
        int32_t passwd_len;
        int32_t uid;
        int32_t gid;
        int32_t gecos_len;
        int32_t dir_len;
        int32_t shell_len;
};
_Static_assert(sizeof(struct passwd_reply_header) == 36, "glibc's client reads 9 int32 fields");

/* Body: mem_cnt int32 member lengths, name, passwd, the member strings. */
struct group_reply_header {
        int32_t version;
        int32_t found;
        int32_t name_len;
        int32_t passwd_len;
        int32_t gid;
        int32_t mem_cnt;
};
_Static_assert(sizeof(struct group_reply_header) == 24, "glibc's client reads 6 int32 fields");

/* Body: ngrps gids, 4 bytes each. */
struct initgroups_reply_header {
        int32_t version;
        int32_t found;
        int32_t ngrps;
};
_Static_assert(sizeof(struct initgroups_reply_header) == 12, "glibc's client reads 3 int32 fields");

/* ---- passwd ---------------------------------------------------------------- */

/* No entry: found 0 (not found) or -1 (not served here). */
static int passwd_empty(struct reply *r, int32_t found) {
        const struct passwd_reply_header h = { .version = NSCD_VERSION, .found = found, .uid = -1, .gid = -1 };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_passwd(struct reply *r, const struct passwd *pw) {
        struct passwd_reply_header h = { .version = NSCD_VERSION, .found = 1 };
        int ret;

        if (!pw)
                return passwd_empty(r, 0);
        h.uid = (int32_t) pw->pw_uid;
        h.gid = (int32_t) pw->pw_gid;

        if (wire_strlen(pw->pw_name, &h.name_len) < 0 || wire_strlen(pw->pw_passwd, &h.passwd_len) < 0 ||
            wire_strlen(pw->pw_gecos, &h.gecos_len) < 0 || wire_strlen(pw->pw_dir, &h.dir_len) < 0 ||
            wire_strlen(pw->pw_shell, &h.shell_len) < 0)
                return -E2BIG;

        const char *const strings[] = { pw->pw_name, pw->pw_passwd, pw->pw_gecos, pw->pw_dir, pw->pw_shell };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;
        return wire_set_header(r, &h, sizeof(h));
}

static int passwd_unserved(struct reply *r) {
        return passwd_empty(r, -1);
}

static int describe_passwd(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct passwd_reply_header h;
        int r = describe_header(rd, &h, sizeof(h), "passwd", out);

        if (r <= 0)
                return r;
        if ((r = describe_counted(out, rd, h.name_len, "name")) < 0 ||
            (r = describe_counted(out, rd, h.passwd_len, "passwd")) < 0 ||
            (r = describe_printf(out, "uid: %u\ngid: %u\n", (uint32_t) h.uid, (uint32_t) h.gid)) < 0 ||
            (r = describe_counted(out, rd, h.gecos_len, "gecos")) < 0 ||
            (r = describe_counted(out, rd, h.dir_len, "dir")) < 0)
                return r;
        return describe_counted(out, rd, h.shell_len, "shell");
}

const struct wire_family wire_family_passwd = {
        .unserved = passwd_unserved,
        .describe_reply = describe_passwd,
};

/* ---- group ----------------------------------------------------------------- */

static int group_empty(struct reply *r, int32_t found) {
        const struct group_reply_header h = { .version = NSCD_VERSION, .found = found, .gid = -1 };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_group(struct reply *r, const struct group *gr) {
        struct group_reply_header h = { .version = NSCD_VERSION, .found = 1 };
        size_t count;
        int ret;

        if (!gr)
                return group_empty(r, 0);
        h.gid = (int32_t) gr->gr_gid;

        if (wire_strlen(gr->gr_name, &h.name_len) < 0 || wire_strlen(gr->gr_passwd, &h.passwd_len) < 0)
                return -E2BIG;
        ret = wire_count_strings(gr->gr_mem, &count);
        if (ret < 0)
                return ret;
        h.mem_cnt = (int32_t) count;

        ret = wire_append_lengths(&r->body, gr->gr_mem, count);
        if (ret < 0)
                return ret;
        const char *const strings[] = { gr->gr_name, gr->gr_passwd };
        ret = wire_append_strings(&r->body, strings, ELEMENTSOF(strings));
        if (ret < 0)
                return ret;
        ret = wire_append_strings(&r->body, (const char *const *) gr->gr_mem, count);
        if (ret < 0)
                return ret;
        return wire_set_header(r, &h, sizeof(h));
}

static int group_unserved(struct reply *r) {
        return group_empty(r, -1);
}

static int describe_group(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct group_reply_header h;
        struct wire_reader lens;
        int r = describe_header(rd, &h, sizeof(h), "group", out);

        if (r <= 0)
                return r;
        if ((r = describe_take_lengths(rd, h.mem_cnt, &lens, "member", out)) < 0)
                return r;
        if ((r = describe_counted(out, rd, h.name_len, "name")) < 0 ||
            (r = describe_counted(out, rd, h.passwd_len, "passwd")) < 0 ||
            (r = describe_printf(out, "gid: %u\nmembers: %d\n", (uint32_t) h.gid, h.mem_cnt)) < 0)
                return r;
        return describe_strings(out, &lens, rd, h.mem_cnt, "member");
}

const struct wire_family wire_family_group = {
        .unserved = group_unserved,
        .describe_reply = describe_group,
};

/* ---- INITGROUPS ------------------------------------------------------------ */

static int initgroups_empty(struct reply *r, int32_t found) {
        const struct initgroups_reply_header h = { .version = NSCD_VERSION, .found = found };

        return wire_set_header(r, &h, sizeof(h));
}

int wire_reply_initgroups(struct reply *r, const uint32_t *gids, size_t n) {
        const struct initgroups_reply_header h = { .version = NSCD_VERSION, .found = 1, .ngrps = (int32_t) n };
        int ret;

        /* No groups is glibc nscd's "not found". */
        if (n == 0)
                return initgroups_empty(r, 0);
        if (n > INT32_MAX / sizeof(uint32_t))
                return -E2BIG;
        ret = buf_append(&r->body, gids, n * sizeof(uint32_t));
        if (ret < 0)
                return ret;
        return wire_set_header(r, &h, sizeof(h));
}

static int initgroups_unserved(struct reply *r) {
        return initgroups_empty(r, -1);
}

static int describe_initgroups(enum request_type type _unused_, struct wire_reader *rd, struct buf *out) {
        struct initgroups_reply_header h;
        int r = describe_header(rd, &h, sizeof(h), "INITGROUPS", out);

        if (r <= 0)
                return r;
        if (!wire_count_fits(rd, h.ngrps, sizeof(uint32_t)))
                return describe_malformed(out, "group count larger than the reply");
        if ((r = describe_printf(out, "groups: %d\n", h.ngrps)) < 0)
                return r;
        for (int32_t i = 0; i < h.ngrps; i++) {
                uint32_t gid = 0;
                (void) wire_take(rd, &gid, sizeof(gid)); /* wire_count_fits() checked the room */
                if ((r = describe_printf(out, "gid: %u\n", gid)) < 0)
                        return r;
        }
        return 0;
}

const struct wire_family wire_family_initgroups = {
        .unserved = initgroups_unserved,
        .describe_reply = describe_initgroups,
};
