/* passwd: GETPWBYNAME and GETPWBYUID through getpwnam_r/getpwuid_r. */
#include <errno.h>
#include <pwd.h>

#include "bounds.h"
#include "log.h"
#include "lookup.h"
#include "nss_buffer.h"
#include "wire_users.h"

enum outcome lookup_passwd(const struct request *req, const struct peer *peer _unused_,
                           struct reply *reply) {
        uint8_t storage[NSS_BUFFER_INITIAL];
        _cleanup_(buf_free) struct buf buf = { 0 }; /* freed on every return */
        struct passwd pw, *result = NULL;
        uint32_t uid = 0;
        int r;

        if (req->type == REQ_GETPWBYUID && wire_parse_id(req, &uid) != WIRE_OK)
                return OUTCOME_MALFORMED;

        buf_init(&buf, storage, sizeof(storage), NSS_BUFFER_MAX);
        for (;;) {
                if (req->type == REQ_GETPWBYUID)
                        r = getpwuid_r((uid_t) uid, &pw, (char *) buf.data, buf.cap, &result);
                else
                        r = getpwnam_r(req->key, &pw, (char *) buf.data, buf.cap, &result);
                if (r != ERANGE)
                        break;
                if (buf_grow(&buf) < 0)
                        return nss_buffer_exhausted(req, buf.cap);
        }
        if (r != 0) {
                nss_report_error(req, r);
                result = NULL;
        }

        r = wire_reply_passwd(reply, result);
        if (r < 0)
                return outcome_from_build_error(r);
        return result ? OUTCOME_FOUND : OUTCOME_NOT_FOUND;
}
