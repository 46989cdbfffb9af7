// SPDX-License-Identifier: Apache-2.0
// Preloaded into the daemon by Clock2040Tests: moves the process's wall clock by
// DEVICEAUTH_TEST_WALL_SHIFT seconds and nothing else. CLOCK_REALTIME (and its coarse
// and TAI forms), gettimeofday() and time() are shifted; the monotonic and boot clocks
// and every timer are left alone. Debian's libfaketime also shifts absolute
// CLOCK_MONOTONIC/CLOCK_BOOTTIME timerfd deadlines, which the kernel then refuses
// (EINVAL): libdispatch does not check, so a daemon on Swift's own executors never woke
// from a sleep under it. The shift is read once; the real functions are looked up at the
// first call, since another library's constructor (libmicrohttpd's) may ask the time
// before this library's own has run.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long shift;
static int (*real_clock_gettime)(clockid_t, struct timespec *);
static int (*real_gettimeofday)(struct timeval *, void *);

static void load(void) {
    if (real_clock_gettime && real_gettimeofday) return;
    const char *text = getenv("DEVICEAUTH_TEST_WALL_SHIFT");
    shift = text ? strtoll(text, NULL, 10) : 0;
    real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    real_gettimeofday = (int (*)(struct timeval *, void *))dlsym(RTLD_NEXT, "gettimeofday");
}

__attribute__((constructor)) static void loaded(void) { load(); }

static int is_wall(clockid_t clock) {
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

int clock_gettime(clockid_t clock, struct timespec *now) {
    load();
    int result = real_clock_gettime(clock, now);
    if (result == 0 && is_wall(clock)) now->tv_sec += shift;
    return result;
}

// glibc declares the argument nonnull, yet passes a null one on to the kernel, which allows it.
#pragma GCC diagnostic ignored "-Wnonnull-compare"
int gettimeofday(struct timeval *now, void *zone) {
    load();
    int result = real_gettimeofday(now, zone);
    if (result == 0 && now) now->tv_sec += shift;
    return result;
}

time_t time(time_t *out) {
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return (time_t)-1;
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}
