// SPDX-License-Identifier: Apache-2.0
// The C shim's 64-bit interfaces, run on the target (under qemu-user): the widths the
// target's C library has, and whether each call gives right answers past 2038 and past
// 4 GiB there. Prints one line per check; exits 1 when one fails.
#define _GNU_SOURCE
#include "../../Sources/CLinux/shim.h"
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;
static void check(int ok, const char *what) {
    printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) failures++;
}

int main(void) {
    printf("target: time_t %zu bytes, long %zu, off_t %zu, SO_PEERGROUPS %d, statx %s\n",
           sizeof(time_t), sizeof(long), sizeof(off_t), deviceauth_so_peergroups,
           deviceauth_status_uses_statx() ? "yes" : "no");
    int64_t seconds = 0, nanoseconds = 0;
    check(deviceauth_clock_read(CLOCK_REALTIME, &seconds, &nanoseconds) == 0 && seconds > 1700000000 && nanoseconds >= 0 && nanoseconds < 1000000000,
          "the wall clock reads in 64 bits");
    check(deviceauth_clock_read(CLOCK_BOOTTIME, &seconds, &nanoseconds) == 0, "the boot clock reads");

    // A realtime timer armed for 2040 (past a 32-bit time_t) and one for a century ahead.
    int timer = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    check(timer >= 0 && deviceauth_timerfd_arm(timer, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, 2208988800LL, 0) == 0,
          "a timerfd armed for 2040-01-01");
    struct itimerspec left;
    int read_back = timer >= 0 ? timerfd_gettime(timer, &left) : -1;
    check(read_back == 0 && (left.it_value.tv_sec > 0 || left.it_value.tv_nsec > 0), "and it is armed (not already expired)");
    check(timer >= 0 && deviceauth_timerfd_arm(timer, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, seconds + 3153600000LL, 0) == 0,
          "a timerfd armed a century ahead");
    if (timer >= 0) close(timer);

    // What the wall-clock watch did before: arm at time_t's maximum halved. Where time_t is
    // 32 bits that is in 2004: the timer expires at once, and re-arming it spun a thread.
    int former = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    struct itimerspec half = { { 0, 0 }, { (time_t)((((unsigned long long)1) << (sizeof(time_t) * 8 - 1)) - 1) / 2, 0 } };
    struct itimerspec after;
    if (former >= 0 && timerfd_settime(former, TFD_TIMER_ABSTIME, &half, NULL) == 0 && timerfd_gettime(former, &after) == 0) {
        int expired = after.it_value.tv_sec == 0 && after.it_value.tv_nsec == 0;
        printf("note  the former deadline, time_t's maximum halved (%lld), %s\n", (long long)half.it_value.tv_sec,
               expired ? "is already past here: it would fire at once, again and again" : "is still ahead here");
    }
    if (former >= 0) close(former);

    // A file of 5 GiB (sparse): its size and inode through the 64-bit status (a 32-bit
    // stat() answers EOVERFLOW for it).
    char path[] = "/tmp/deviceauth-shim-check-XXXXXX";
    int fd = mkstemp(path);
    check(fd >= 0 && ftruncate64(fd, (off64_t)5 << 30) == 0, "a sparse file of 5 GiB");
    struct deviceauth_file_status by_path, by_fd;
    check(fd >= 0 && deviceauth_status(path, 1, &by_path) == 0 && by_path.size == (int64_t)5 << 30,
          "its size through the 64-bit status");
    check(fd >= 0 && deviceauth_fd_status(fd, &by_fd) == 0 && by_path.inode == by_fd.inode && by_path.device == by_fd.device,
          "status by path and by descriptor agree");
    struct stat classic;
    int narrow = stat(path, &classic);
    printf("note  stat() of it without the shim: %s\n", narrow == 0 ? "ok" : strerror(errno));
    if (fd >= 0) { close(fd); unlink(path); }
    return failures == 0 ? 0 : 1;
}
