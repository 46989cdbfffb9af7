// SPDX-License-Identifier: Apache-2.0
// LD_PRELOAD shim for Scripts/slow-disk-test: every fsync and fdatasync first
// sleeps SLOW_FSYNC_MS milliseconds (default 100), as on a slow or busy disk.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static void wait_like_a_slow_disk(void) {
    const char *ms = getenv("SLOW_FSYNC_MS");
    usleep((useconds_t)(ms ? atoi(ms) : 100) * 1000);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_like_a_slow_disk();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_like_a_slow_disk();
    return real(fd);
}
