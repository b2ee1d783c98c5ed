/* group: GETGRBYNAME, GETGRBYGID and INITGROUPS. */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "wire_users.h"

enum outcome lookup_group(const struct request *req, const struct peer *peer _unused_,
                          struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = { 0 }; /* freed on every return */
        struct group gr, *result = NULL;
        uint32_t gid = 0;
        int r;

        if (req->type == REQ_GETGRBYGID && wire_parse_id(req, &gid) != WIRE_OK)
                return OUTCOME_MALFORMED;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        for (;;) {
                if (req->type == REQ_GETGRBYGID)
                        r = getgrgid_r((gid_t) gid, &gr, (char *) buf.data, buf.cap, &result);
                else
                        r = getgrnam_r(req->key, &gr, (char *) buf.data, buf.cap, &result);
                if (r != ERANGE)
                        break;
                if (buf_grow(&buf) < 0)
                        return nss_buffer_exhausted(req, buf.cap);
        }
        if (r != 0) {
                nss_report_error(req, r);
                result = NULL;
        }

        r = wire_reply_group(reply, result);
        if (r < 0)
                return outcome_from_build_error(r);
        return result ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}

/* glibc nscd asks each module's initgroups_dyn for the user's groups
 * with (gid_t)-1 as the group to leave out, so only supplementary
 * groups come back, de-duplicated, in module order. getgrouplist() with
 * that same -1 does exactly this and puts the -1 first; we drop it. The
 * client appends the primary group itself. */
enum outcome lookup_initgroups(const struct request *req, const struct peer *peer _unused_,
                               struct reply *reply) {
        gid_t storage[NSS_BUFFER_INITIAL / sizeof(gid_t)];
        gid_t *groups = storage;
        _cleanup_free_ gid_t *heap = NULL;
        const int max_groups = (int) (NSS_BUFFER_MAX / sizeof(gid_t));
        int n = (int) (sizeof(storage) / sizeof(storage[0]));
        int r;

        for (;;) {
                int capacity = n;

                if (getgrouplist(req->key, (gid_t) -1, groups, &n) >= 0)
                        break;
                /* n now says how many there are; it may change between calls. */
                if (n <= capacity)
                        n = capacity * 2;
                if (n > max_groups)
                        return nss_buffer_exhausted(req, (size_t) capacity * sizeof(gid_t));
                gid_t *p = realloc(heap, (size_t) n * sizeof(gid_t));
                if (!p)
                        return OUTCOME_FAILED;
                heap = groups = p;
        }

        /* groups[0] is the (gid_t)-1 we passed in. */
        size_t count = n > 0 ? (size_t) n - 1 : 0;
        r = wire_reply_initgroups(reply, (const uint32_t *) groups + (n > 0), count);
        if (r < 0)
                return outcome_from_build_error(r);
        return count > 0 ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}
