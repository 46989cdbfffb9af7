// Linux interfaces Swift's Glibc module leaves out: timers on CLOCK_BOOTTIME,
// event counters to wake a thread, and the signal set calls.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
