// libsystemd (Debian: libsystemd-dev): sd_notify, the watchdog, the journal, machine ids.
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
// Linux interfaces Swift's Glibc module leaves out: news of the wall clock being set.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
