/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Preparing this process's own glibc before its first NSS call. */
#ifndef NSSRELAY_NSS_SETUP_H
#define NSSRELAY_NSS_SETUP_H

/* Stops glibc in this process from sending our own lookups back to
 * /run/nscd/socket, which is us. */
void nss_setup_disable_nscd_client(void);

#endif
