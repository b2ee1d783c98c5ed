/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs a fuzz target once over each file named on the command line (or in
 * a directory named there), without libFuzzer. `make check` uses it to
 * replay the seed corpus with whatever compiler and sanitizers the build
 * has, so the targets and their oracle never rot between fuzzing runs. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (1024 * 1024)

static int run_file(const char *path) {
        static uint8_t data[REPLAY_MAX_INPUT];
        FILE *f = fopen(path, "rb");
        size_t n;

        if (!f) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -1;
        }
        n = fread(data, 1, sizeof(data), f);
        fclose(f);
        LLVMFuzzerTestOneInput(data, n);
        return 0;
}

static int run_path(const char *path, int *count) {
        struct stat st;
        DIR *d;
        struct dirent *e;

        if (stat(path, &st) < 0) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
                (*count)++;
                return run_file(path);
        }
        d = opendir(path);
        if (!d)
                return -1;
        while ((e = readdir(d))) {
                char child[4096];

                if (e->d_name[0] == '.')
                        continue;
                snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
                if (run_path(child, count) < 0) {
                        closedir(d);
                        return -1;
                }
        }
        closedir(d);
        return 0;
}

int main(int argc, char **argv) {
        int count = 0;

        if (argc < 2) {
                fprintf(stderr, "Usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        if (LLVMFuzzerInitialize)
                LLVMFuzzerInitialize(&argc, &argv);
        for (int i = 1; i < argc; i++)
                if (run_path(argv[i], &count) < 0)
                        return 1;
        printf("replayed %d inputs\n", count);
        return 0;
}
