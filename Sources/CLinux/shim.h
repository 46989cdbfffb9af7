// Linux interfaces Swift's Glibc module leaves out: timers on CLOCK_BOOTTIME,
// event counters to wake a thread, and the signal set calls.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
// glibc's allocator settings: one arena for every thread (a daemon that does little
// needs no per-thread arenas, each of which keeps its own partly used pages).
#include <malloc.h>
