/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `nssrelay query`: a diagnostic client for the nscd socket. */
#ifndef NSSRELAY_QUERY_H
#define NSSRELAY_QUERY_H

/* argv[0] is "query"; returns the exit status. */
int query_main(int argc, char **argv);

#endif
